import { resourceRule } from "../../rule";

export const rule = resourceRule({
  id: "MH-OBS-3",
  title: "Log groups are encrypted with a customer-managed key",
  standard: "HIPAA 164.312(a)(2)(iv); AWS FSBP (CloudWatch Logs encryption)",
  fix: "Set kms_key_id to the environment's storage key.",
  types: ["aws_cloudwatch_log_group"],
  check: (group) => (group.values.kms_key_id ? undefined : "not encrypted with a customer key"),
});
