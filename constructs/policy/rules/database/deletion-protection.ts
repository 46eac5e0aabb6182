import { resourceRule } from "../../rule";

export const rule = resourceRule({
  id: "MH-RDS-5",
  title: "Databases have deletion protection",
  standard: "AWS FSBP RDS.8",
  fix: "Set database.deletionProtection to true.",
  configFields: ["database.deletionProtection"],
  types: ["aws_db_instance"],
  check: (db) => (db.values.deletion_protection === true ? undefined : "deletion protection is off"),
});
