import { resourceRule } from "../../rule";

export const rule = resourceRule({
  id: "MH-RDS-3",
  title: "The master password is managed by RDS in Secrets Manager, never set in code",
  standard: "AWS FSBP SecretsManager.1; HIPAA 164.312(d) authentication",
  fix: "Use manage_master_user_password instead of password.",
  types: ["aws_db_instance"],
  check: (db) => (db.values.manage_master_user_password === true && db.values.password === undefined ? undefined : "a password is set in configuration"),
});
