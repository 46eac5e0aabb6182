import { Testing } from "cdktf";
import { DEFAULT_CONFIG } from "../../config/environments";
import type { StateBackendConfig } from "../../config/schema";
import { STATE_KEY_ALIAS, stateKeyFor } from "../../terraform-state-backend/backend";
import { STATE_BUCKET_LOG_PREFIX, BOOTSTRAP_STATE_PATH, StateBackendStack } from "../../terraform-state-backend/state-backend-stack";
import { ref, refName, resource, resourcesOf, type TerraformJson } from "../support/synth";

/** Names unlike the defaults, so every assertion proves the value flows from configuration. */
const CONFIG: StateBackendConfig = {
  ...DEFAULT_CONFIG.stateBackend,
  region: "eu-central-1",
  bucketName: "acme-health-tfstate",
  lockTableName: "acme-health-locks",
  noncurrentVersionRetentionDays: 120,
  accessLogRetentionDays: 400,
  costCenter: "cc-4711",
};

function synthState(config: StateBackendConfig = CONFIG): TerraformJson {
  const stack = new StateBackendStack(Testing.app(), "state", { config });
  return JSON.parse(Testing.synth(stack)) as TerraformJson;
}

describe("StateBackendStack", () => {
  let tf: TerraformJson;
  beforeAll(() => {
    tf = synthState();
  });

  const BUCKET = "state-bucket";
  const LOGS = "access-log-bucket";

  test("the state bucket is named from config, never force-destroyed and prevent_destroy", () => {
    expect(resource(tf, "aws_s3_bucket", BUCKET)).toMatchObject({
      bucket: CONFIG.bucketName,
      force_destroy: false,
      lifecycle: { prevent_destroy: true },
      tags: { DataClassification: "PHI" },
    });
  });

  test("versioning is enabled on both buckets", () => {
    for (const bucket of [BUCKET, LOGS]) {
      expect(resource(tf, "aws_s3_bucket_versioning", `${bucket}_versioning`)).toEqual(
        expect.objectContaining({ bucket: ref("aws_s3_bucket", bucket, "id"), versioning_configuration: { status: "Enabled" } }),
      );
    }
  });

  test("state objects are encrypted with SSE-KMS under the stack's rotated customer key", () => {
    expect(resource(tf, "aws_s3_bucket_server_side_encryption_configuration", `${BUCKET}_encryption`).rule).toEqual([
      {
        apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms", kms_master_key_id: ref("aws_kms_key", "state-key", "arn") },
        bucket_key_enabled: true,
      },
    ]);
    expect(resource(tf, "aws_kms_key", "state-key")).toMatchObject({
      enable_key_rotation: true,
      deletion_window_in_days: 30,
      lifecycle: { prevent_destroy: true },
    });
    expect(resource(tf, "aws_kms_alias", "state-key-alias")).toMatchObject({
      name: STATE_KEY_ALIAS,
      target_key_id: ref("aws_kms_key", "state-key", "key_id"),
    });
  });

  test("all four public-access blocks and bucket-owner-enforced ownership on both buckets", () => {
    for (const bucket of [BUCKET, LOGS]) {
      expect(resource(tf, "aws_s3_bucket_public_access_block", `${bucket}_public-access-block`)).toMatchObject({
        bucket: ref("aws_s3_bucket", bucket, "id"),
        block_public_acls: true,
        block_public_policy: true,
        ignore_public_acls: true,
        restrict_public_buckets: true,
      });
      expect(resource(tf, "aws_s3_bucket_ownership_controls", `${bucket}_ownership`).rule).toEqual({
        object_ownership: "BucketOwnerEnforced",
      });
    }
  });

  test("each bucket's policy denies every request without TLS, and TLS older than 1.2, on the bucket and its objects", () => {
    for (const bucket of [BUCKET, LOGS]) {
      expect(resource(tf, "aws_s3_bucket_policy", `${bucket}_policy`).policy).toBe(
        `\${data.aws_iam_policy_document.${bucket}_policy-document.json}`,
      );
      const statements: any[] = tf.data?.aws_iam_policy_document[`${bucket}_policy-document`].statement;
      const denies = statements.filter((s) => s.effect === "Deny");
      const resources = [ref("aws_s3_bucket", bucket, "arn"), `${ref("aws_s3_bucket", bucket, "arn")}/*`];
      expect(denies).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            actions: ["s3:*"],
            resources,
            principals: [{ type: "*", identifiers: ["*"] }],
            condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
          }),
          expect.objectContaining({
            resources,
            condition: [{ test: "NumericLessThan", variable: "s3:TlsVersion", values: ["1.2"] }],
          }),
        ]),
      );
      expect(statements.filter((s) => s.effect === "Allow").every((s) => s.principals[0].type === "Service")).toBe(true);
    }
  });

  test("the state bucket: only this account's principals, no deleting state history, no other encryption than the state key", () => {
    const statements: any[] = tf.data?.aws_iam_policy_document[`${BUCKET}_policy-document`].statement;
    const bySid = Object.fromEntries(statements.map((st) => [st.sid, st]));
    expect(bySid.OnlyThisAccountsPrincipals).toMatchObject({ effect: "Deny", actions: ["s3:*"], condition: [{ test: "StringNotEquals", variable: "aws:PrincipalAccount", values: [CONFIG.accountId] }] });
    expect(bySid.NobodyDeletesStateVersions).toMatchObject({ effect: "Deny", actions: ["s3:DeleteObjectVersion"] });
    expect(bySid.NobodyDeletesStateVersions.condition).toBeUndefined();
    // Only a write that names another encryption is refused (Null=false: the header is there); one that names none gets
    // the bucket default, the state key. A negated operator alone would refuse every write without the header.
    expect(bySid.OnlyTheStateKeyEncryptsState.condition).toEqual([
      { test: "Null", variable: "s3:x-amz-server-side-encryption", values: ["false"] },
      { test: "StringNotEquals", variable: "s3:x-amz-server-side-encryption", values: ["aws:kms"] },
    ]);
    expect(bySid.OnlyTheStateKeyIsNamed.condition[0]).toEqual({ test: "Null", variable: "s3:x-amz-server-side-encryption-aws-kms-key-id", values: ["false"] });
    // The backend names the key by this alias (terraform-state-backend/backend.ts): it must be among the allowed values.
    const allowedKeys: string[] = bySid.OnlyTheStateKeyIsNamed.condition[1].values;
    expect(allowedKeys).toEqual(expect.arrayContaining([ref("aws_kms_key", "state-key", "arn"), "alias/medicare-hub-terraform-state"]));
  });

  test("the state key has an explicit policy: the account root administers it, nobody else is named", () => {
    const key = resource(tf, "aws_kms_key", "state-key");
    const statements: any[] = tf.data?.aws_iam_policy_document[refName(key.policy, "data.aws_iam_policy_document")].statement;
    expect(statements).toEqual([
      expect.objectContaining({ effect: "Allow", actions: ["kms:*"], principals: [{ type: "AWS", identifiers: [`arn:\${data.aws_partition.partition.partition}:iam::${CONFIG.accountId}:root`] }] }),
    ]);
  });

  test("state access is logged to the separate log bucket, which only S3 log delivery for this bucket may write", () => {
    expect(resource(tf, "aws_s3_bucket_logging", `${BUCKET}_logging`)).toMatchObject({
      bucket: ref("aws_s3_bucket", BUCKET, "id"),
      target_bucket: ref("aws_s3_bucket", LOGS, "id"),
      target_prefix: STATE_BUCKET_LOG_PREFIX,
    });
    expect(resource(tf, "aws_s3_bucket", LOGS).bucket).not.toBe(CONFIG.bucketName);
    // S3 server access logging only delivers to SSE-S3 buckets.
    expect(resource(tf, "aws_s3_bucket_server_side_encryption_configuration", `${LOGS}_encryption`).rule).toEqual([
      { apply_server_side_encryption_by_default: { sse_algorithm: "AES256" } },
    ]);
    const allows = (tf.data?.aws_iam_policy_document[`${LOGS}_policy-document`].statement as any[]).filter((s) => s.effect === "Allow");
    expect(allows).toEqual([
      expect.objectContaining({
        principals: [{ type: "Service", identifiers: ["logging.s3.amazonaws.com"] }],
        actions: ["s3:PutObject"],
        resources: [`${ref("aws_s3_bucket", LOGS, "arn")}/${STATE_BUCKET_LOG_PREFIX}*`],
        // Both keys, as AWS's example: a same-named bucket of another account cannot deliver here.
        condition: [
          expect.objectContaining({ variable: "aws:SourceArn", values: [expect.stringMatching(new RegExp(`:s3:::${CONFIG.bucketName}$`))] }),
          { test: "StringEquals", variable: "aws:SourceAccount", values: [CONFIG.accountId] },
        ],
      }),
    ]);
    expect(resourcesOf(tf, "aws_s3_bucket_logging")[`${LOGS}_logging`]).toBeUndefined();
  });

  test("noncurrent state versions expire after the configured days, keeping the newest ones whatever their age", () => {
    const rules: any[] = resource(tf, "aws_s3_bucket_lifecycle_configuration", `${BUCKET}_lifecycle`).rule;
    const noncurrent = rules.find((r) => r.noncurrent_version_expiration);
    expect(noncurrent).toMatchObject({
      status: "Enabled",
      noncurrent_version_expiration: [{ noncurrent_days: CONFIG.noncurrentVersionRetentionDays, newer_noncurrent_versions: expect.any(Number) }],
    });
    expect(rules.some((r) => r.abort_incomplete_multipart_upload)).toBe(true);
    // State itself never expires; only the access logs do.
    expect(rules.some((r) => r.expiration)).toBe(false);
    const logRules: any[] = resource(tf, "aws_s3_bucket_lifecycle_configuration", `${LOGS}_lifecycle`).rule;
    expect(logRules.find((r) => r.expiration)?.expiration).toEqual([{ days: CONFIG.accessLogRetentionDays }]);
  });

  test("the lock table has a LockID string hash key, on-demand billing, PITR, the state key, deletion protection", () => {
    expect(resource(tf, "aws_dynamodb_table", "lock-table")).toMatchObject({
      name: CONFIG.lockTableName,
      hash_key: "LockID",
      attribute: [{ name: "LockID", type: "S" }],
      billing_mode: "PAY_PER_REQUEST",
      point_in_time_recovery: { enabled: true },
      server_side_encryption: { enabled: true, kms_key_arn: ref("aws_kms_key", "state-key", "arn") },
      deletion_protection_enabled: true,
      lifecycle: { prevent_destroy: true },
    });
  });

  test("every stateful resource refuses terraform destroy", () => {
    const stateful = ["aws_s3_bucket", "aws_dynamodb_table", "aws_kms_key"];
    for (const type of stateful) {
      const all = Object.entries(resourcesOf(tf, type));
      expect(all.length).toBeGreaterThan(0);
      for (const [, r] of all) expect(r.lifecycle).toEqual({ prevent_destroy: true });
    }
  });

  test("outputs name the bucket, table, key ARN and region, with descriptions", () => {
    expect(tf.output).toMatchObject({
      state_bucket_name: { value: ref("aws_s3_bucket", BUCKET, "bucket") },
      lock_table_name: { value: ref("aws_dynamodb_table", "lock-table", "name") },
      kms_key_arn: { value: ref("aws_kms_key", "state-key", "arn") },
      region: { value: CONFIG.region },
    });
    for (const output of Object.values(tf.output ?? {})) expect(output.description).toEqual(expect.any(String));
  });

  test("the provider runs in the backend's region and tags everything with the cost centre", () => {
    expect(tf.provider?.aws[0]).toMatchObject({
      region: CONFIG.region,
      default_tags: [{ tags: { Project: "medicare-hub", Environment: "shared", ManagedBy: "cdktf", CostCenter: CONFIG.costCenter } }],
    });
  });

  test("bootstraps with local state kept outside cdktf.out, so cleaning the output never loses it", () => {
    expect(tf.terraform.backend).toEqual({ local: { path: BOOTSTRAP_STATE_PATH } });
    expect(BOOTSTRAP_STATE_PATH.startsWith("../../../")).toBe(true);
  });

  test("once selfManaged, it keeps its own state in its bucket under its own key", () => {
    const migrated = synthState({ ...CONFIG, selfManaged: true });
    expect(migrated.terraform.backend).toEqual({
      s3: expect.objectContaining({ bucket: CONFIG.bucketName, key: stateKeyFor("state"), dynamodb_table: CONFIG.lockTableName, use_lockfile: true }),
    });
  });
});
