import { StackView, resourceRule } from "../../rule";
import { block } from "../../stack-view";

/**
 * A trail's log files cannot be erased by whoever they incriminate: its bucket keeps every version under S3 Object Lock
 * in compliance mode, which not even the root user can shorten ("Locking objects with Object Lock", S3 User Guide).
 */
export const rule = resourceRule({
  id: "MH-AUD-2",
  title: "CloudTrail log buckets are versioned and locked (S3 Object Lock, compliance mode)",
  standard: "CIS AWS Foundations 3.x (protect CloudTrail logs); HIPAA 164.312(b) audit controls, 164.316(b)(2)(i) six-year retention",
  fix: "Give the trail's bucket objectLock: { mode: \"COMPLIANCE\", days } (constructs/secure-bucket.ts); Object Lock can only be enabled when a bucket is created.",
  types: ["aws_cloudtrail"],
  check: (trail, stack) => {
    const bucket = stack.resources("aws_s3_bucket").find((b) => StackView.refersTo(trail.values.s3_bucket_name, b) || b.values.bucket === trail.values.s3_bucket_name);
    if (!bucket) return "its bucket is not in this stack: its protection cannot be checked";
    if (bucket.values.object_lock_enabled !== true) return `${bucket.address} has no Object Lock`;
    const [lock] = stack.attached("aws_s3_bucket_object_lock_configuration", "bucket", bucket);
    const defaults = block<{ mode?: string }>(block(lock?.values.rule)?.default_retention);
    if (!defaults) return `${bucket.address} has no default retention`;
    if (defaults.mode !== "COMPLIANCE") return `${bucket.address} locks in ${defaults.mode} mode: privileged users can remove it`;
    const [versioning] = stack.attached("aws_s3_bucket_versioning", "bucket", bucket);
    if (block(versioning?.values.versioning_configuration)?.status !== "Enabled") return `${bucket.address} is not versioned`;
    return undefined;
  },
});
