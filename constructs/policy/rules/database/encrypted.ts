import { resourceRule } from "../../rule";

export const rule = resourceRule({
  id: "MH-RDS-2",
  title: "Database storage is encrypted with a customer-managed key",
  standard: "AWS FSBP RDS.3; HIPAA 164.312(a)(2)(iv)",
  fix: "Set storage_encrypted and kms_key_id (the environment's database key).",
  types: ["aws_db_instance"],
  check: (db) => (db.values.storage_encrypted === true && db.values.kms_key_id ? undefined : "storage is not encrypted with a customer key"),
});
