import { stackRule, finding, notApplicable, type StackView, type SynthesizedResource } from "../../rule";

function configOf(stack: StackView, bucket: SynthesizedResource): SynthesizedResource | undefined {
  return stack.resources("aws_s3_bucket_public_access_block").find((c) => String(c.values.bucket).startsWith(`\${${bucket.address}.`));
}

export const rule = stackRule({
  id: "MH-S3-3",
  title: "S3 buckets block all four kinds of public access",
  standard: "AWS FSBP S3.8; HIPAA 164.312(a)(1)",
  fix: "Add an aws_s3_bucket_public_access_block with all four settings true.",
  check: (stack) => {
    const buckets = stack.resources("aws_s3_bucket");
    if (buckets.length === 0) return [notApplicable("no S3 bucket")];
    return buckets.map((bucket) => {
      const config = configOf(stack, bucket);
      return finding(["block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"].every((k) => config?.values[k] === true), bucket.address, "public access is not fully blocked");
    });
  },
});
