import { attachedRule } from "../../rule";

export const rule = attachedRule({
  id: "MH-S3-1",
  title: "S3 buckets are versioned",
  standard: "AWS FSBP S3.14; HIPAA 164.308(a)(7)(ii)(A)",
  fix: "Enable versioning (constructs/secure-bucket.ts does).",
  type: "aws_s3_bucket",
  attachedType: "aws_s3_bucket_versioning",
  attribute: "bucket",
  problem: "versioning is not enabled",
  check: (versioning) => versioning?.values.versioning_configuration?.status === "Enabled",
});
