import { resourceRule } from "../../rule";

/**
 * The account's API activity is recorded where it can be trusted: a trail of every region (global services included),
 * whose log files are signed (log file validation: a deleted or altered file is detectable, "Validating CloudTrail
 * log file integrity") and encrypted with a customer key.
 */
export const rule = resourceRule({
  id: "MH-AUD-1",
  title: "CloudTrail trails are multi-region, validated and encrypted with a customer key",
  standard: "AWS FSBP CloudTrail.1, CloudTrail.2, CloudTrail.4; CIS AWS Foundations 3.1-3.2; HIPAA 164.312(b) audit controls",
  fix: "Build the trail with the audit stack (constructs/audit/audit-stack.ts): is_multi_region_trail, include_global_service_events, enable_log_file_validation, kms_key_id.",
  types: ["aws_cloudtrail"],
  check: (trail, stack) => {
    const v = trail.values;
    const problems = [
      v.is_multi_region_trail !== true && "not multi-region",
      v.include_global_service_events === false && "global service events (IAM, STS) left out",
      v.enable_log_file_validation !== true && "no log file validation",
      stack.referenced(v.kms_key_id)?.type !== "aws_kms_key" && "not encrypted with a customer key of this stack",
      v.enable_logging === false && "logging is off",
    ].filter(Boolean);
    return problems.length > 0 ? problems.join("; ") : undefined;
  },
});
