import { stackRule, finding, notApplicable } from "../../rule";

export const rule = stackRule({
  id: "MH-S3-5",
  title: "S3 bucket policies deny requests without TLS",
  standard: "AWS FSBP S3.5; HIPAA 164.312(e)(1)",
  fix: "Attach a bucket policy denying s3:* where aws:SecureTransport is false.",
  check: (stack) => {
    const buckets = stack.resources("aws_s3_bucket");
    if (buckets.length === 0) return [notApplicable("no S3 bucket")];
    return buckets.map((bucket) => {
      const policy = stack.resources("aws_s3_bucket_policy").find((p) => String(p.values.bucket).startsWith(`\${${bucket.address}.`));
      const denies = policy && stack.policyStatements(policy.values.policy).some((s) => s.effect === "Deny" && (s.condition ?? []).some((c: any) => c.variable === "aws:SecureTransport"));
      return finding(Boolean(denies), bucket.address, "no TLS-only bucket policy");
    });
  },
});
