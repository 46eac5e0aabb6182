import { LocalBackend, TerraformOutput } from "cdktf";
import { Construct } from "constructs";
import type { DataAwsIamPolicyDocumentStatement } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import type { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { S3BucketReplicationConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-replication-configuration";
import { stateBackendPlaceholders } from "../config/placeholders";
import type { StateBackendConfig } from "../config/schema";
import { MediCareStack } from "../constructs/base-stack";
import { serviceTrustPolicy } from "../constructs/iam";
import { customerKey } from "../constructs/kms";
import { buildInRegion } from "../constructs/regions";
import { refusePlaceholders, type PlaceholderGuard } from "../constructs/placeholder-guard";
import { PHI_TAGS, PROJECT, projectTags } from "../constructs/naming";
import { SecureBucket, serverAccessLogDelivery } from "../constructs/secure-bucket";
import { STATE_KEY_ALIAS, replicaBucketName, useStateBackend } from "./backend";

/** Stack id (and directory under cdktf.out/stacks). */
export const STATE_STACK_ID = `${PROJECT}-state`;
/** Before migration the state stack keeps its state in the project root, outside cdktf.out, so cleaning never loses it. */
export const BOOTSTRAP_STATE_PATH = `../../../terraform.${STATE_STACK_ID}.tfstate`;
/** Prefix of the state bucket's access logs inside the log bucket. */
export const STATE_BUCKET_LOG_PREFIX = "state-bucket/";
/** The replica's access-log bucket: `<bucketName>-replica-log` (63 characters at most). */
export const replicaLogBucketName = (bucketName: string): string => `${bucketName}-replica-log`;

export interface StateBackendStackProps {
  /** Names, region and retention of the backend (`config.stateBackend`). */
  readonly config: StateBackendConfig;
}

/**
 * The Terraform state backend every environment stack uses: a versioned, KMS-encrypted, access-logged S3 bucket and
 * a DynamoDB lock table. Everything is `prevent_destroy`: losing it loses the record of what runs in production.
 *
 * Bootstrap with local state (it cannot store its state in a bucket it has not created yet), then optionally set
 * `stateBackend.selfManaged` and migrate (see this folder's README).
 */
export class StateBackendStack extends MediCareStack {
  readonly stateBucket: SecureBucket;
  readonly accessLogBucket: SecureBucket;
  readonly lockTable: DynamodbTable;
  readonly key: KmsKey;
  /** The state's replica in `stateBackend.replicaRegion`; absent without one. */
  readonly replica?: StateReplica;
  /** Present while the bucket name is the committed placeholder: every plan of the stack is refused. */
  readonly placeholderGuard?: PlaceholderGuard;

  constructor(scope: Construct, id: string, props: StateBackendStackProps) {
    super(scope, id);
    const { config } = props;
    this.addAwsProvider(config.region, projectTags("shared", config.costCenter), config.accountId);
    if (config.selfManaged) useStateBackend(this, config, "state");
    else new LocalBackend(this, { path: BOOTSTRAP_STATE_PATH });
    this.placeholderGuard = refusePlaceholders(this, stateBackendPlaceholders(config));

    const partition = new DataAwsPartition(this, "partition").partition;
    // The account root administers the key, so IAM decides which deploy and plan roles may use it (docs/ci.md gives
    // them exactly that); no service or other account is named. Made like every project key (constructs/kms.ts).
    this.key = customerKey(this, "state-key", {
      accountId: config.accountId,
      partition,
      description: "MediCare Hub Terraform state: S3 objects and the DynamoDB lock table",
      alias: STATE_KEY_ALIAS.replace(/^alias\//, ""),
      tags: { ...PHI_TAGS },
    });

    // S3 server access logs can only be delivered to an SSE-S3 bucket, so the log bucket cannot use the KMS key.
    const logBucketName = `${config.bucketName}-access-logs`;
    this.accessLogBucket = new SecureBucket(this, "access-log-bucket", {
      bucketName: logBucketName,
      encryption: "s3-managed",
      expireCurrentAfterDays: config.accessLogRetentionDays,
      extraPolicyStatements: (logBucketArn) => [
        serverAccessLogDelivery({
          sid: "AllowStateBucketAccessLogDelivery",
          logBucketArn,
          prefix: STATE_BUCKET_LOG_PREFIX,
          sourceBucketName: config.bucketName,
          accountId: config.accountId,
          partition,
        }),
      ],
    });

    const stateKey = this.key;
    this.stateBucket = new SecureBucket(this, "state-bucket", {
      bucketName: config.bucketName,
      encryption: this.key,
      extraPolicyStatements: (bucketArn) => stateBucketStatements({ bucketArn, key: stateKey, region: config.region, accountId: config.accountId, partition }),
      noncurrentVersionRetentionDays: config.noncurrentVersionRetentionDays,
      accessLogs: { bucket: this.accessLogBucket.bucket, prefix: STATE_BUCKET_LOG_PREFIX },
      tags: { ...PHI_TAGS },
    });

    if (config.replicaRegion) {
      const provider = this.addAwsProvider(config.replicaRegion, projectTags("shared", config.costCenter), config.accountId, "replica");
      this.replica = new StateReplica(this, "replica", { config, replicaRegion: config.replicaRegion, partition, source: this.stateBucket, sourceKey: this.key });
      buildInRegion(this.replica.site, provider);
    }

    this.lockTable = new DynamodbTable(this, "lock-table", {
      name: config.lockTableName,
      billingMode: "PAY_PER_REQUEST",
      hashKey: "LockID",
      attribute: [{ name: "LockID", type: "S" }],
      pointInTimeRecovery: { enabled: true },
      serverSideEncryption: { enabled: true, kmsKeyArn: this.key.arn },
      deletionProtectionEnabled: true,
      // With a replica region, a global table (version 2019.11.21) with a replica there, under the replica's key: the
      // backend locks in whichever region it is pointed at, by the same table name. Global tables need a stream of
      // new and old images ("Global tables: how it works", DynamoDB Developer Guide).
      ...(this.replica && config.replicaRegion
        ? {
            streamEnabled: true,
            streamViewType: "NEW_AND_OLD_IMAGES",
            replica: [{ regionName: config.replicaRegion, kmsKeyArn: this.replica.key.arn, pointInTimeRecovery: true, propagateTags: true }],
          }
        : {}),
      lifecycle: { preventDestroy: true },
    });

    const output = (id: string, value: string, description: string) =>
      new TerraformOutput(this, id, { value, description, staticId: true });
    output("state_bucket_name", this.stateBucket.bucket.bucket, "S3 bucket holding every environment's Terraform state");
    output("state_bucket_arn", this.stateBucket.bucket.arn, "ARN of the state bucket, for IAM policies of deploy roles");
    output("lock_table_name", this.lockTable.name, "DynamoDB table used for Terraform state locking");
    output("kms_key_arn", this.key.arn, "KMS key encrypting state objects and the lock table (grant deploy roles use of it)");
    output("region", config.region, "Region of the state bucket and lock table");
    if (this.replica && config.replicaRegion) {
      output("replica_bucket_name", this.replica.bucket.bucket.bucket, "The state's replica, for terraform init -reconfigure when the state's region is lost (README)");
      output("replica_region", config.replicaRegion, "Region of the state's replica and of the lock table's replica");
    }
  }
}

/**
 * The statements of a state bucket's policy (the primary and its replica): only this account's principals, no state
 * version ever deleted by hand, and writes encrypted with the state key of the bucket's region.
 */
function stateBucketStatements(props: {
  readonly bucketArn: string;
  readonly key: KmsKey;
  readonly region: string;
  readonly accountId: string;
  readonly partition: string;
}): DataAwsIamPolicyDocumentStatement[] {
  const { bucketArn, key, region, accountId, partition } = props;
  return [
    {
      // Only principals of the state's account: a role of another account cannot read state even if an identity
      // policy there allows it.
      sid: "OnlyThisAccountsPrincipals",
      effect: "Deny",
      principals: [{ type: "*", identifiers: ["*"] }],
      actions: ["s3:*"],
      resources: [bucketArn, `${bucketArn}/*`],
      condition: [{ test: "StringNotEquals", variable: "aws:PrincipalAccount", values: [accountId] }],
    },
    {
      // State history cannot be erased: S3 lifecycle still expires old versions (lifecycle is not subject to the
      // bucket policy), nobody deletes one by hand.
      sid: "NobodyDeletesStateVersions",
      effect: "Deny",
      principals: [{ type: "*", identifiers: ["*"] }],
      actions: ["s3:DeleteObjectVersion"],
      resources: [`${bucketArn}/*`],
    },
    {
      // Writes are encrypted with the state key: by the bucket default when a request names no encryption, and a
      // request naming another algorithm or another key is refused (the backend names the key by its alias).
      // Null=false first: a negated operator is true for a missing key, which would refuse every write that names
      // no encryption ("Condition operators", IAM User Guide), such as a lock file's if it is written without it.
      sid: "OnlyTheStateKeyEncryptsState",
      effect: "Deny",
      principals: [{ type: "*", identifiers: ["*"] }],
      actions: ["s3:PutObject"],
      resources: [`${bucketArn}/*`],
      condition: [
        { test: "Null", variable: "s3:x-amz-server-side-encryption", values: ["false"] },
        { test: "StringNotEquals", variable: "s3:x-amz-server-side-encryption", values: ["aws:kms"] },
      ],
    },
    {
      sid: "OnlyTheStateKeyIsNamed",
      effect: "Deny",
      principals: [{ type: "*", identifiers: ["*"] }],
      actions: ["s3:PutObject"],
      resources: [`${bucketArn}/*`],
      condition: [
        { test: "Null", variable: "s3:x-amz-server-side-encryption-aws-kms-key-id", values: ["false"] },
        {
          test: "StringNotEquals",
          variable: "s3:x-amz-server-side-encryption-aws-kms-key-id",
          values: [key.arn, key.keyId, STATE_KEY_ALIAS, `arn:${partition}:kms:${region}:${accountId}:${STATE_KEY_ALIAS}`],
        },
      ],
    },
  ];
}

interface StateReplicaProps {
  /** The state backend's configuration (bucket name, account, retention). */
  readonly config: StateBackendConfig;
  /** Where the replica lives (config: stateBackend.replicaRegion). */
  readonly replicaRegion: string;
  /** The account's partition (`aws`). */
  readonly partition: string;
  /** The primary state bucket, replicated. */
  readonly source: SecureBucket;
  /** Its key (in the primary region): S3 decrypts with it to replicate. */
  readonly sourceKey: KmsKey;
}

/**
 * The state in a second region: a bucket there with the same baseline and policy as the primary, under a key of
 * that region carrying the same alias (the backend names the key by alias, which KMS resolves in the region the
 * backend is pointed at), its own access-log bucket, and S3 replication of every object (state, lock files, delete
 * markers) with Replication Time Control: "99.99% of objects within 15 minutes" (S3 User Guide, "Meeting compliance
 * requirements with S3 Replication Time Control").
 *
 * The replication role follows the S3 User Guide ("Setting up permissions" for replication, and "Replicating objects
 * created with server-side encryption (SSE-C, SSE-S3, SSE-KMS, DSSE-KMS)"): read the source's versions, replicate
 * into the destination, decrypt with the source key and encrypt with the replica key, each only through S3 of that
 * key's region and for that bucket (with S3 Bucket Keys the encryption context is the bucket's ARN).
 */
export class StateReplica extends Construct {
  /** What lives in the replica region: built through its provider by the stack (buildInRegion). */
  readonly site: Construct;
  readonly key: KmsKey;
  readonly bucket: SecureBucket;
  readonly accessLogBucket: SecureBucket;
  readonly role: IamRole;
  readonly replication: S3BucketReplicationConfigurationA;

  constructor(scope: Construct, id: string, props: StateReplicaProps) {
    super(scope, id);
    const { config, replicaRegion, partition } = props;
    this.site = new Construct(this, "site");
    this.key = customerKey(this.site, "key", {
      accountId: config.accountId,
      partition,
      description: `MediCare Hub Terraform state, replica in ${replicaRegion}: S3 objects and the lock table's replica`,
      alias: STATE_KEY_ALIAS.replace(/^alias\//, ""),
      tags: { ...PHI_TAGS },
    });
    const replicaName = replicaBucketName(config.bucketName);
    this.accessLogBucket = new SecureBucket(this.site, "access-log-bucket", {
      bucketName: replicaLogBucketName(config.bucketName),
      encryption: "s3-managed",
      expireCurrentAfterDays: config.accessLogRetentionDays,
      extraPolicyStatements: (logBucketArn) => [
        serverAccessLogDelivery({
          sid: "AllowReplicaAccessLogDelivery",
          logBucketArn,
          prefix: STATE_BUCKET_LOG_PREFIX,
          sourceBucketName: replicaName,
          accountId: config.accountId,
          partition,
        }),
      ],
    });
    const key = this.key;
    this.bucket = new SecureBucket(this.site, "bucket", {
      bucketName: replicaName,
      encryption: key,
      extraPolicyStatements: (bucketArn) => stateBucketStatements({ bucketArn, key, region: replicaRegion, accountId: config.accountId, partition }),
      noncurrentVersionRetentionDays: config.noncurrentVersionRetentionDays,
      accessLogs: { bucket: this.accessLogBucket.bucket, prefix: STATE_BUCKET_LOG_PREFIX },
      tags: { ...PHI_TAGS },
    });

    const source = props.source.bucket;
    // The S3 User Guide's trust policy for replication names the service and no condition; the confused-deputy keys
    // are checked when S3 sends them (IfExists), so a request without them is not refused and replication never
    // stops on it.
    const trust = serviceTrustPolicy(this, "role-trust", "s3.amazonaws.com", { accountId: config.accountId, sourceArn: source.arn, ifExists: true });
    this.role = new IamRole(this, "role", {
      name: `${PROJECT}-state-replication`,
      description: "Lets S3 replicate the Terraform state bucket to its replica in another region",
      assumeRolePolicy: trust.json,
    });
    // With S3 Bucket Keys the encryption context is the bucket's ARN; an object written without one carries its own
    // ARN: both, for this bucket only.
    const through = (region: string, bucketArn: string) => [
      { test: "StringEquals", variable: "kms:ViaService", values: [`s3.${region}.amazonaws.com`] },
      { test: "StringLike", variable: "kms:EncryptionContext:aws:s3:arn", values: [bucketArn, `${bucketArn}/*`] },
    ];
    const policy = new DataAwsIamPolicyDocument(this, "role-policy-document", {
      statement: [
        { sid: "ReadTheSourceConfiguration", effect: "Allow", actions: ["s3:GetReplicationConfiguration", "s3:ListBucket"], resources: [source.arn] },
        {
          sid: "ReadTheSourceVersions",
          effect: "Allow",
          actions: ["s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl", "s3:GetObjectVersionTagging"],
          resources: [`${source.arn}/*`],
        },
        { sid: "WriteTheReplica", effect: "Allow", actions: ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"], resources: [`${this.bucket.bucket.arn}/*`] },
        { sid: "DecryptWithTheSourceKey", effect: "Allow", actions: ["kms:Decrypt"], resources: [props.sourceKey.arn], condition: through(config.region, source.arn) },
        { sid: "EncryptWithTheReplicaKey", effect: "Allow", actions: ["kms:Encrypt", "kms:GenerateDataKey"], resources: [key.arn], condition: through(replicaRegion, this.bucket.bucket.arn) },
      ],
    });
    new IamRolePolicy(this, "role-policy", { role: this.role.name, policy: policy.json });

    this.replication = new S3BucketReplicationConfigurationA(this, "replication", {
      bucket: source.id,
      role: this.role.arn,
      rule: [
        {
          id: "state",
          status: "Enabled",
          priority: 1,
          filter: {},
          deleteMarkerReplication: { status: "Enabled" },
          sourceSelectionCriteria: { sseKmsEncryptedObjects: { status: "Enabled" } },
          destination: {
            bucket: this.bucket.bucket.arn,
            storageClass: "STANDARD",
            encryptionConfiguration: { replicaKmsKeyId: key.arn },
            replicationTime: { status: "Enabled", time: { minutes: 15 } },
            metrics: { status: "Enabled", eventThreshold: { minutes: 15 } },
          },
        },
      ],
      // Both buckets must be versioned before replication can be configured.
      dependsOn: [props.source.versioning, this.bucket.versioning],
    });
  }
}
