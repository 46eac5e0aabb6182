import { resourceRule } from "../../rule";

export const rule = resourceRule({
  id: "MH-OBS-4",
  title: "SNS topics are encrypted with a customer-managed key",
  standard: "AWS FSBP SNS.1",
  fix: "Set kms_master_key_id on the topic.",
  types: ["aws_sns_topic"],
  check: (topic) => (topic.values.kms_master_key_id ? undefined : "not encrypted"),
});
