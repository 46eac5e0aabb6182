import { resourceRule } from "../../rule";

/** Logs are kept long enough for audit (a year in production), and not forever by accident. */
export const rule = resourceRule({
  id: "MH-OBS-2",
  title: "Log groups set a retention, of at least 365 days in production",
  standard: "AWS FSBP CloudWatch.16; HIPAA 164.312(b) audit controls",
  fix: "Set logRetentionDays (365 or more in production).",
  configFields: ["logRetentionDays"],
  types: ["aws_cloudwatch_log_group"],
  check: (group, stack) => {
    const days = group.values.retention_in_days;
    if (!days) return "kept forever (no retention)";
    return stack.isProduction && days < 365 ? `kept ${days} days in production` : undefined;
  },
});
