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

describe("StateBackendStack with a replica region", () => {
  const config: StateBackendConfig = { ...CONFIG, replicaRegion: "eu-west-1" };
  let tf: TerraformJson;
  beforeAll(() => {
    tf = synthState(config);
  });
  const regionOf = (r: { provider?: string }) => (tf.provider?.aws ?? []).find((p) => (r.provider ? `aws.${p.alias}` === r.provider : !p.alias))?.region;
  const replication = () => Object.values(resourcesOf(tf, "aws_s3_bucket_replication_configuration"))[0];
  const rule = () => replication().rule[0];
  const bucketByRef = (reference: string) => resourcesOf(tf, "aws_s3_bucket")[refName(reference, "aws_s3_bucket")];
  const keyByRef = (reference: string) => resourcesOf(tf, "aws_kms_key")[refName(reference, "aws_kms_key")];

  test("replicates the state bucket, in its own region, to <bucketName>-replica in the replica region", () => {
    expect(Object.keys(resourcesOf(tf, "aws_s3_bucket_replication_configuration"))).toHaveLength(1);
    const source = bucketByRef(replication().bucket);
    expect(source.bucket).toBe("acme-health-tfstate");
    expect(regionOf(replication())).toBe("eu-central-1");
    const destination = bucketByRef(rule().destination.bucket);
    expect(destination).toMatchObject({ bucket: "acme-health-tfstate-replica", force_destroy: false, lifecycle: { prevent_destroy: true } });
    expect(regionOf(destination)).toBe("eu-west-1");
  });

  test("every object, delete markers too, under a key of the replica region carrying the state key's alias, within 15 minutes (RTC)", () => {
    expect(rule()).toMatchObject({
      status: "Enabled",
      filter: {},
      delete_marker_replication: { status: "Enabled" },
      source_selection_criteria: { sse_kms_encrypted_objects: { status: "Enabled" } },
    });
    expect(rule().destination).toMatchObject({ replication_time: { status: "Enabled", time: { minutes: 15 } }, metrics: { status: "Enabled", event_threshold: { minutes: 15 } } });
    const key = keyByRef(rule().destination.encryption_configuration.replica_kms_key_id);
    expect(regionOf(key)).toBe("eu-west-1");
    expect(key).toMatchObject({ enable_key_rotation: true, lifecycle: { prevent_destroy: true } });
    const aliases = Object.values(resourcesOf(tf, "aws_kms_alias")).filter((a) => a.name === STATE_KEY_ALIAS);
    expect(aliases.map((a) => regionOf(a)).sort()).toEqual(["eu-central-1", "eu-west-1"]);
    // The replica region's alias points at the replica key: the backend's kms_key_id resolves to it there.
    const replicaAlias = aliases.find((a) => regionOf(a) === "eu-west-1");
    expect(refName(replicaAlias?.target_key_id, "aws_kms_key")).toBe(refName(rule().destination.encryption_configuration.replica_kms_key_id, "aws_kms_key"));
    // Both buckets are versioned before replication is configured.
    expect(replication().depends_on.sort()).toEqual(["aws_s3_bucket_versioning.replica_site_bucket_versioning", "aws_s3_bucket_versioning.state-bucket_versioning"]);
  });

  test("the replica bucket's policy refuses other accounts, deleting versions, and writes under any key but the replica's", () => {
    const policy = Object.values(resourcesOf(tf, "aws_s3_bucket_policy")).find((p) => refName(p.bucket, "aws_s3_bucket") === refName(rule().destination.bucket, "aws_s3_bucket"));
    const statements: any[] = tf.data?.aws_iam_policy_document[refName(policy?.policy, "data.aws_iam_policy_document")].statement;
    expect(statements.map((st) => st.sid)).toEqual(expect.arrayContaining(["OnlyThisAccountsPrincipals", "NobodyDeletesStateVersions", "OnlyTheStateKeyEncryptsState", "OnlyTheStateKeyIsNamed"]));
    const named = statements.find((st) => st.sid === "OnlyTheStateKeyIsNamed").condition[1].values;
    expect(named).toContain(`arn:\${data.aws_partition.partition.partition}:kms:eu-west-1:${config.accountId}:${STATE_KEY_ALIAS}`);
    expect(named).toContain(rule().destination.encryption_configuration.replica_kms_key_id);
  });

  test("the lock table becomes a global table with a replica in the replica region, under the replica key", () => {
    const table = resource(tf, "aws_dynamodb_table", "lock-table");
    expect(table).toMatchObject({ name: "acme-health-locks", stream_enabled: true, stream_view_type: "NEW_AND_OLD_IMAGES" });
    expect(table.replica).toEqual([
      { region_name: "eu-west-1", kms_key_arn: rule().destination.encryption_configuration.replica_kms_key_id, point_in_time_recovery: true, propagate_tags: true },
    ]);
  });

  test("S3 assumes the replication role; it decrypts with the state key and encrypts with the replica key only through S3, for each bucket", () => {
    const role = resourcesOf(tf, "aws_iam_role")[refName(replication().role, "aws_iam_role")];
    const trust = tf.data?.aws_iam_policy_document[refName(role.assume_role_policy, "data.aws_iam_policy_document")].statement[0];
    expect(trust.principals).toEqual([{ type: "Service", identifiers: ["s3.amazonaws.com"] }]);
    const inline = Object.values(resourcesOf(tf, "aws_iam_role_policy")).find((p) => refName(p.role, "aws_iam_role") === refName(replication().role, "aws_iam_role"));
    const statements: any[] = tf.data?.aws_iam_policy_document[refName(inline?.policy, "data.aws_iam_policy_document")].statement;
    const bySid = Object.fromEntries(statements.map((st) => [st.sid, st]));
    expect(bySid.DecryptWithTheSourceKey).toMatchObject({ actions: ["kms:Decrypt"], resources: ["${aws_kms_key.state-key.arn}"] });
    expect(bySid.DecryptWithTheSourceKey.condition).toEqual([
      { test: "StringEquals", variable: "kms:ViaService", values: ["s3.eu-central-1.amazonaws.com"] },
      { test: "StringLike", variable: "kms:EncryptionContext:aws:s3:arn", values: ["${aws_s3_bucket.state-bucket.arn}", "${aws_s3_bucket.state-bucket.arn}/*"] },
    ]);
    expect(bySid.EncryptWithTheReplicaKey.condition[0]).toEqual({ test: "StringEquals", variable: "kms:ViaService", values: ["s3.eu-west-1.amazonaws.com"] });
    expect(bySid.WriteTheReplica.actions).toEqual(["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"]);
  });

  test("outputs the replica's bucket and region; without replicaRegion there is no replica at all", () => {
    expect(tf.output?.replica_bucket_name?.value).toBe("${aws_s3_bucket.replica_site_bucket.bucket}");
    expect(tf.output?.replica_region?.value).toBe("eu-west-1");
    const without = synthState({ ...CONFIG, replicaRegion: undefined });
    expect(resourcesOf(without, "aws_s3_bucket_replication_configuration")).toEqual({});
    expect(resource(without, "aws_dynamodb_table", "lock-table").replica).toBeUndefined();
    expect((without.provider?.aws ?? []).map((p) => p.region)).toEqual(["eu-central-1"]);
  });
});
