import { attachedRule } from "../../rule";

export const rule = attachedRule({
  id: "MH-S3-3",
  title: "S3 buckets block all four kinds of public access",
  standard: "AWS FSBP S3.8; HIPAA 164.312(a)(1)",
  fix: "Add an aws_s3_bucket_public_access_block with all four settings true.",
  type: "aws_s3_bucket",
  attachedType: "aws_s3_bucket_public_access_block",
  attribute: "bucket",
  problem: "public access is not fully blocked",
  check: (block) => ["block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"].every((k) => block?.values[k] === true),
});
