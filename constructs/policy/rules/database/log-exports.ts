import { resourceRule } from "../../rule";

export const rule = resourceRule({
  id: "MH-RDS-8",
  title: "Databases export their PostgreSQL logs to CloudWatch",
  standard: "AWS FSBP RDS.9; HIPAA 164.312(b) audit controls",
  fix: "Export the postgresql log (enabled_cloudwatch_logs_exports).",
  types: ["aws_db_instance"],
  check: (db) => ((db.values.enabled_cloudwatch_logs_exports ?? []).includes("postgresql") ? undefined : "postgresql logs are not exported"),
});
