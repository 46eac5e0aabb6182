import { stackRule, finding, notApplicable, type StackView, type SynthesizedResource } from "../../rule";

function configOf(stack: StackView, bucket: SynthesizedResource): SynthesizedResource | undefined {
  return stack.resources("aws_s3_bucket_versioning").find((c) => String(c.values.bucket).startsWith(`\${${bucket.address}.`));
}

export const rule = stackRule({
  id: "MH-S3-1",
  title: "S3 buckets are versioned",
  standard: "AWS FSBP S3.14; HIPAA 164.308(a)(7)(ii)(A)",
  fix: "Enable versioning (constructs/secure-bucket.ts does).",
  check: (stack) => {
    const buckets = stack.resources("aws_s3_bucket");
    if (buckets.length === 0) return [notApplicable("no S3 bucket")];
    return buckets.map((bucket) => {
      const config = configOf(stack, bucket);
      return finding(config?.values.versioning_configuration?.status === "Enabled", bucket.address, "versioning is not enabled");
    });
  },
});
