import { attachedRule } from "../../rule";

export const rule = attachedRule({
  id: "MH-S3-4",
  title: "S3 buckets disable ACLs (bucket owner enforced)",
  standard: "AWS FSBP S3.12",
  fix: "Add aws_s3_bucket_ownership_controls with BucketOwnerEnforced.",
  type: "aws_s3_bucket",
  attachedType: "aws_s3_bucket_ownership_controls",
  attribute: "bucket",
  problem: "ACLs are enabled",
  check: (ownership) => [ownership?.values.rule].flat().some((r) => r?.object_ownership === "BucketOwnerEnforced"),
});
