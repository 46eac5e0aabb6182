import { stackRule, finding, notApplicable, type StackView, type SynthesizedResource } from "../../rule";

function configOf(stack: StackView, bucket: SynthesizedResource): SynthesizedResource | undefined {
  return stack.resources("aws_s3_bucket_ownership_controls").find((c) => String(c.values.bucket).startsWith(`\${${bucket.address}.`));
}

export const rule = stackRule({
  id: "MH-S3-4",
  title: "S3 buckets disable ACLs (bucket owner enforced)",
  standard: "AWS FSBP S3.12",
  fix: "Add aws_s3_bucket_ownership_controls with BucketOwnerEnforced.",
  check: (stack) => {
    const buckets = stack.resources("aws_s3_bucket");
    if (buckets.length === 0) return [notApplicable("no S3 bucket")];
    return buckets.map((bucket) => {
      const config = configOf(stack, bucket);
      return finding(config?.values.rule?.object_ownership === "BucketOwnerEnforced" || config?.values.rule?.[0]?.object_ownership === "BucketOwnerEnforced", bucket.address, "ACLs are enabled");
    });
  },
});
