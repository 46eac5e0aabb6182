import { resourceRule } from "../../rule";

export const rule = resourceRule({
  id: "MH-RDS-7",
  title: "Databases are not publicly accessible",
  standard: "AWS FSBP RDS.2; HIPAA 164.312(e)(1)",
  fix: "Set publicly_accessible = false.",
  types: ["aws_db_instance"],
  check: (db) => (db.values.publicly_accessible === true ? "publicly accessible" : undefined),
});
