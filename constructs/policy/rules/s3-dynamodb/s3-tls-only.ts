import { attachedRule } from "../../rule";

export const rule = attachedRule({
  id: "MH-S3-5",
  title: "S3 bucket policies deny requests without TLS",
  standard: "AWS FSBP S3.5; HIPAA 164.312(e)(1)",
  fix: "Attach a bucket policy denying s3:* where aws:SecureTransport is false.",
  type: "aws_s3_bucket",
  attachedType: "aws_s3_bucket_policy",
  attribute: "bucket",
  problem: "no TLS-only bucket policy",
  check: (policy, stack) =>
    Boolean(policy) && stack.policyStatements(policy?.values.policy).some((s) => s.effect === "Deny" && (s.condition ?? []).some((c: any) => c.variable === "aws:SecureTransport")),
});
