import { attachedRule } from "../../rule";

export const rule = attachedRule({
  id: "MH-S3-2",
  title: "S3 buckets have default encryption",
  standard: "AWS FSBP S3.4; HIPAA 164.312(a)(2)(iv)",
  fix: "Configure server-side encryption (KMS where the writer supports it).",
  type: "aws_s3_bucket",
  attachedType: "aws_s3_bucket_server_side_encryption_configuration",
  attribute: "bucket",
  problem: "no default encryption",
  check: (encryption) => Boolean(encryption?.values.rule?.[0]?.apply_server_side_encryption_by_default?.sse_algorithm),
});
