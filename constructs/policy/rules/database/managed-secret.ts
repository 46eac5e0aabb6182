import { resourceRule } from "../../rule";

export const rule = resourceRule({
  id: "MH-RDS-3",
  title: "The master password is managed by RDS in Secrets Manager, never set in code",
  standard: "AWS FSBP SecretsManager.1; HIPAA 164.312(d) authentication",
  fix: "Use manage_master_user_password instead of password.",
  types: ["aws_db_instance"],
  // A read replica has its source's users and takes no password of its own.
  check: (db) =>
    db.values.password === undefined && (db.values.manage_master_user_password === true || Boolean(db.values.replicate_source_db)) ? undefined : "a password is set in configuration",
});
