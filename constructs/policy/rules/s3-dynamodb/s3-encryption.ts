import { stackRule, finding, notApplicable, type StackView, type SynthesizedResource } from "../../rule";

function configOf(stack: StackView, bucket: SynthesizedResource): SynthesizedResource | undefined {
  return stack.resources("aws_s3_bucket_server_side_encryption_configuration").find((c) => String(c.values.bucket).startsWith(`\${${bucket.address}.`));
}

export const rule = stackRule({
  id: "MH-S3-2",
  title: "S3 buckets have default encryption",
  standard: "AWS FSBP S3.4; HIPAA 164.312(a)(2)(iv)",
  fix: "Configure server-side encryption (KMS where the writer supports it).",
  check: (stack) => {
    const buckets = stack.resources("aws_s3_bucket");
    if (buckets.length === 0) return [notApplicable("no S3 bucket")];
    return buckets.map((bucket) => {
      const config = configOf(stack, bucket);
      return finding(Boolean(config?.values.rule?.[0]?.apply_server_side_encryption_by_default?.sse_algorithm), bucket.address, "no default encryption");
    });
  },
});
