import { LocalBackend, TerraformOutput } from "cdktf";
import type { Construct } from "constructs";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";
import type { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { stateBackendPlaceholders } from "../config/placeholders";
import type { StateBackendConfig } from "../config/schema";
import { MediCareStack } from "../constructs/base-stack";
import { customerKey } from "../constructs/kms";
import { refusePlaceholders, type PlaceholderGuard } from "../constructs/placeholder-guard";
import { PHI_TAGS, PROJECT, projectTags } from "../constructs/naming";
import { SecureBucket, serverAccessLogDelivery } from "../constructs/secure-bucket";
import { STATE_KEY_ALIAS, useStateBackend } from "./backend";

/** Stack id (and directory under cdktf.out/stacks). */
export const STATE_STACK_ID = `${PROJECT}-state`;
/** Before migration the state stack keeps its state in the project root, outside cdktf.out, so cleaning never loses it. */
export const BOOTSTRAP_STATE_PATH = `../../../terraform.${STATE_STACK_ID}.tfstate`;
/** Prefix of the state bucket's access logs inside the log bucket. */
export const STATE_BUCKET_LOG_PREFIX = "state-bucket/";

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
      extraPolicyStatements: (bucketArn) => [
        {
          // Only principals of the state's account: a role of another account cannot read state even if an identity
          // policy there allows it.
          sid: "OnlyThisAccountsPrincipals",
          effect: "Deny",
          principals: [{ type: "*", identifiers: ["*"] }],
          actions: ["s3:*"],
          resources: [bucketArn, `${bucketArn}/*`],
          condition: [{ test: "StringNotEquals", variable: "aws:PrincipalAccount", values: [config.accountId] }],
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
              values: [stateKey.arn, stateKey.keyId, STATE_KEY_ALIAS, `arn:${partition}:kms:${config.region}:${config.accountId}:${STATE_KEY_ALIAS}`],
            },
          ],
        },
      ],
      noncurrentVersionRetentionDays: config.noncurrentVersionRetentionDays,
      accessLogs: { bucket: this.accessLogBucket.bucket, prefix: STATE_BUCKET_LOG_PREFIX },
      tags: { ...PHI_TAGS },
    });

    this.lockTable = new DynamodbTable(this, "lock-table", {
      name: config.lockTableName,
      billingMode: "PAY_PER_REQUEST",
      hashKey: "LockID",
      attribute: [{ name: "LockID", type: "S" }],
      pointInTimeRecovery: { enabled: true },
      serverSideEncryption: { enabled: true, kmsKeyArn: this.key.arn },
      deletionProtectionEnabled: true,
      lifecycle: { preventDestroy: true },
    });

    const output = (id: string, value: string, description: string) =>
      new TerraformOutput(this, id, { value, description, staticId: true });
    output("state_bucket_name", this.stateBucket.bucket.bucket, "S3 bucket holding every environment's Terraform state");
    output("state_bucket_arn", this.stateBucket.bucket.arn, "ARN of the state bucket, for IAM policies of deploy roles");
    output("lock_table_name", this.lockTable.name, "DynamoDB table used for Terraform state locking");
    output("kms_key_arn", this.key.arn, "KMS key encrypting state objects and the lock table (grant deploy roles use of it)");
    output("region", config.region, "Region of the state bucket and lock table");
  }
}
