import { Testing, TerraformStack } from "cdktf";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { SecureBucket, type SecureBucketProps } from "../../constructs/secure-bucket";
import { ref, resource, resourcesOf, type TerraformJson } from "../support/synth";

function synthBucket(props: Partial<SecureBucketProps> = {}): TerraformJson {
  const stack = new TerraformStack(Testing.app(), "test");
  const key = new KmsKey(stack, "key", {});
  new SecureBucket(stack, "data", { bucketName: "data-bucket", encryption: key, noncurrentVersionRetentionDays: 30, ...props });
  return JSON.parse(Testing.synth(stack)) as TerraformJson;
}

/** Testing.synth keeps cdktf's hashed names inside constructs: find resources by type alone. */
function only(tf: TerraformJson, type: string): any {
  const all = Object.values(resourcesOf(tf, type));
  expect(all).toHaveLength(1);
  return all[0];
}

describe("SecureBucket", () => {
  test("by default: KMS encryption with a bucket key, versioning, no public access, no ACLs, prevent_destroy", () => {
    const tf = synthBucket();
    expect(only(tf, "aws_s3_bucket_server_side_encryption_configuration").rule).toEqual([
      { apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms", kms_master_key_id: ref("aws_kms_key", "key", "arn") }, bucket_key_enabled: true },
    ]);
    expect(only(tf, "aws_s3_bucket_versioning").versioning_configuration).toEqual({ status: "Enabled" });
    expect(only(tf, "aws_s3_bucket_public_access_block")).toMatchObject({ block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true });
    expect(only(tf, "aws_s3_bucket_ownership_controls").rule).toEqual({ object_ownership: "BucketOwnerEnforced" });
    expect(only(tf, "aws_s3_bucket")).toMatchObject({ bucket: "data-bucket", force_destroy: false, lifecycle: { prevent_destroy: true } });
  });

  test("without accessLogs it writes no logging configuration; without expiry current objects are kept", () => {
    const tf = synthBucket();
    expect(resourcesOf(tf, "aws_s3_bucket_logging")).toEqual({});
    expect((only(tf, "aws_s3_bucket_lifecycle_configuration").rule as any[]).some((r) => r.expiration)).toBe(false);
  });

  test("s3-managed encryption for buckets AWS log delivery writes to, with expiry of current objects", () => {
    const tf = synthBucket({ encryption: "s3-managed", expireCurrentAfterDays: 90 });
    expect(only(tf, "aws_s3_bucket_server_side_encryption_configuration").rule).toEqual([
      { apply_server_side_encryption_by_default: { sse_algorithm: "AES256" } },
    ]);
    expect((only(tf, "aws_s3_bucket_lifecycle_configuration").rule as any[]).find((r) => r.expiration).expiration).toEqual([{ days: 90 }]);
  });

  test("the policy waits for the public-access block, and the lifecycle for versioning", () => {
    const tf = synthBucket();
    const [pabName] = Object.keys(resourcesOf(tf, "aws_s3_bucket_public_access_block"));
    const [versioningName] = Object.keys(resourcesOf(tf, "aws_s3_bucket_versioning"));
    expect(only(tf, "aws_s3_bucket_policy").depends_on).toEqual([`aws_s3_bucket_public_access_block.${pabName}`]);
    expect(only(tf, "aws_s3_bucket_lifecycle_configuration").depends_on).toEqual([`aws_s3_bucket_versioning.${versioningName}`]);
  });

  test("refuses a retention that is not a whole number of days", () => {
    expect(() => synthBucket({ noncurrentVersionRetentionDays: 0 })).toThrow(/noncurrentVersionRetentionDays must be a whole number of days ≥ 1, got 0/);
    expect(() => synthBucket({ expireCurrentAfterDays: 1.5 })).toThrow(/expireCurrentAfterDays/);
  });

  test("preventDestroy can be turned off for disposable buckets", () => {
    expect(only(synthBucket({ preventDestroy: false }), "aws_s3_bucket").lifecycle).toEqual({ prevent_destroy: false });
  });
});

describe("SecureBucket policy and lifecycle, as facts", () => {
  const statements = (tf: TerraformJson) => (Object.values(tf.data?.aws_iam_policy_document ?? {})[0] as any).statement as any[];

  test("the policy denies every S3 action over plain HTTP and over TLS older than 1.2, to everyone, on the bucket and its objects", () => {
    const tf = synthBucket();
    const bucketArn = ref("aws_s3_bucket", Object.keys(resourcesOf(tf, "aws_s3_bucket"))[0], "arn");
    expect(statements(tf)).toEqual([
      {
        sid: "DenyInsecureTransport",
        effect: "Deny",
        principals: [{ type: "*", identifiers: ["*"] }],
        actions: ["s3:*"],
        resources: [bucketArn, `${bucketArn}/*`],
        condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
      },
      {
        sid: "DenyOutdatedTls",
        effect: "Deny",
        principals: [{ type: "*", identifiers: ["*"] }],
        actions: ["s3:*"],
        resources: [bucketArn, `${bucketArn}/*`],
        condition: [{ test: "NumericLessThan", variable: "s3:TlsVersion", values: ["1.2"] }],
      },
    ]);
  });

  test("lifecycle: previous versions expire after the retention but the newest 10 stay; abandoned uploads go after 7 days", () => {
    const rules = only(synthBucket({ noncurrentVersionRetentionDays: 45 }), "aws_s3_bucket_lifecycle_configuration").rule as any[];
    expect(rules).toEqual([
      { id: "expire-noncurrent-versions", status: "Enabled", filter: [{ prefix: "" }], noncurrent_version_expiration: [{ noncurrent_days: 45, newer_noncurrent_versions: 10 }] },
      { id: "abort-incomplete-multipart-uploads", status: "Enabled", filter: [{ prefix: "" }], abort_incomplete_multipart_upload: [{ days_after_initiation: 7 }] },
    ]);
  });

  test("noncurrent versions are kept 30 days unless said otherwise", () => {
    const stack = new TerraformStack(Testing.app(), "defaults");
    new SecureBucket(stack, "data", { bucketName: "data-bucket", encryption: "s3-managed" });
    const rules = only(JSON.parse(Testing.synth(stack)) as TerraformJson, "aws_s3_bucket_lifecycle_configuration").rule as any[];
    expect(rules[0].noncurrent_version_expiration).toEqual([{ noncurrent_days: 30, newer_noncurrent_versions: 10 }]);
  });

  test("current objects expire only under the prefix given, after the days given", () => {
    const rules = only(synthBucket({ expireCurrentAfterDays: 14, expireCurrentPrefix: "artifacts/" }), "aws_s3_bucket_lifecycle_configuration").rule as any[];
    expect(rules.filter((r) => r.expiration)).toEqual([{ id: "expire-current-objects", status: "Enabled", filter: [{ prefix: "artifacts/" }], expiration: [{ days: 14 }] }]);
  });

  test("a retention of 1 day is accepted, 0 is refused", () => {
    expect(() => synthBucket({ noncurrentVersionRetentionDays: 1 })).not.toThrow();
    expect(() => synthBucket({ noncurrentVersionRetentionDays: 0 })).toThrow(/noncurrentVersionRetentionDays/);
  });
});

test("resource() helper reports what exists when a name is wrong", () => {
  expect(() => resource(synthBucket(), "aws_s3_bucket", "nope")).toThrow(/have: /);
});
