import { Construct } from "constructs";
import { DataAwsIamPolicyDocument, type DataAwsIamPolicyDocumentStatement } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketLifecycleConfiguration, type S3BucketLifecycleConfigurationRule } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketLoggingA as S3BucketLogging } from "@cdktf/provider-aws/lib/s3-bucket-logging";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketObjectLockConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-object-lock-configuration";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA as S3BucketServerSideEncryptionConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA as S3BucketVersioning } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { DEFAULT_CHILD_ID } from "./base-stack";
import { denyInsecureTransport } from "./iam";

/** Anything with a KMS key ARN (a `KmsKey`, or a key from another construct). */
export interface KmsKeyRef {
  readonly arn: string;
}

/** Incomplete multipart uploads are invisible but billed; a week is ample for any upload to finish. */
export const ABORT_INCOMPLETE_UPLOADS_AFTER_DAYS = 7;
/** A month to notice an overwrite or a deletion and restore the previous version. */
export const DEFAULT_NONCURRENT_VERSION_RETENTION_DAYS = 30;
/** However old, the ten newest previous versions of an object stay. */
export const DEFAULT_KEEP_NEWEST_NONCURRENT_VERSIONS = 10;
/** S3 refuses TLS older than this in our bucket policies. */
export const MINIMUM_TLS_VERSION = "1.2";

export interface SecureBucketProps {
  /** Globally unique bucket name. */
  readonly bucketName: string;
  /**
   * Default encryption. A customer-managed KMS key for data; `"s3-managed"` (SSE-S3) only where the AWS service
   * writing into the bucket cannot use KMS (targets of S3 server access logs and of ALB access logs).
   */
  readonly encryption: KmsKeyRef | "s3-managed";
  /**
   * Days after which noncurrent object versions may expire (recovery window for overwritten or deleted objects).
   * @default DEFAULT_NONCURRENT_VERSION_RETENTION_DAYS (30)
   */
  readonly noncurrentVersionRetentionDays?: number;
  /**
   * The newest noncurrent versions kept whatever their age, so a quiet bucket never loses its last good copies.
   * @default DEFAULT_KEEP_NEWEST_NONCURRENT_VERSIONS (10)
   */
  readonly keepNewestNoncurrentVersions?: number;
  /**
   * Days after which current objects expire.
   * @default - current objects never expire
   */
  readonly expireCurrentAfterDays?: number;
  /**
   * Only current objects under this prefix expire (e.g. run artifacts beside code that must stay).
   * @default "" (every object)
   */
  readonly expireCurrentPrefix?: string;
  /**
   * Where S3 server access logs of this bucket go.
   * @default - no access logging (for log buckets themselves)
   */
  readonly accessLogs?: {
    /** The log bucket, SSE-S3 encrypted: S3 delivers server access logs to no KMS-encrypted bucket. */
    readonly bucket: S3Bucket;
    /** Key prefix of this bucket's logs in it, so buckets sharing a log bucket stay apart. */
    readonly prefix: string;
  };
  /**
   * Statements appended to the bucket policy after the TLS-only denials (e.g. a log-delivery service's write),
   * given the bucket's ARN.
   * @default - none
   */
  readonly extraPolicyStatements?: (bucketArn: string) => DataAwsIamPolicyDocumentStatement[];
  /**
   * Tags added to the provider's default tags (e.g. DataClassification).
   * @default - none
   */
  readonly tags?: Record<string, string>;
  /**
   * Refuse `terraform destroy` of the bucket.
   * @default true
   */
  readonly preventDestroy?: boolean;
  /**
   * S3 Object Lock with a default retention on every new object version: in COMPLIANCE mode nobody, root included,
   * can delete or shorten it before it ends ("Locking objects with Object Lock", S3 User Guide). Object Lock can only
   * be enabled when the bucket is created.
   * @default - no Object Lock
   */
  readonly objectLock?: {
    /** COMPLIANCE (nobody can delete a version early) or GOVERNANCE (privileged users can). */
    readonly mode: "COMPLIANCE" | "GOVERNANCE";
    /** Days each new version is retained. */
    readonly days: number;
  };
}

/**
 * The statement of a log bucket's policy that lets S3 deliver the server access logs of one source bucket, of this
 * account only, under `prefix`: both source keys, as AWS's example does ("Permissions for log delivery", S3 User
 * Guide), so a bucket of the same name in another account cannot write here. Log buckets are SSE-S3: S3 server access
 * logs cannot be delivered to a KMS-encrypted bucket ("Enabling Amazon S3 server access logging").
 */
export function serverAccessLogDelivery(options: {
  readonly sid: string;
  readonly logBucketArn: string;
  readonly prefix: string;
  readonly sourceBucketName: string;
  readonly accountId: string;
  readonly partition: string;
}): DataAwsIamPolicyDocumentStatement {
  return {
    sid: options.sid,
    effect: "Allow",
    principals: [{ type: "Service", identifiers: ["logging.s3.amazonaws.com"] }],
    actions: ["s3:PutObject"],
    resources: [`${options.logBucketArn}/${options.prefix}*`],
    condition: [
      { test: "ArnLike", variable: "aws:SourceArn", values: [`arn:${options.partition}:s3:::${options.sourceBucketName}`] },
      { test: "StringEquals", variable: "aws:SourceAccount", values: [options.accountId] },
    ],
  };
}

/**
 * An S3 bucket with the baseline every MediCare Hub bucket needs: versioning, default encryption, all four
 * public-access blocks, ACLs disabled (bucket-owner-enforced), a policy denying non-TLS and pre-1.2 TLS requests,
 * lifecycle for noncurrent versions and abandoned uploads, optional access logging, and `prevent_destroy`.
 */
export class SecureBucket extends Construct {
  readonly bucket: S3Bucket;
  /** Versioning: anything that needs object version ids from the start (a canary's code) depends on it. */
  readonly versioning: S3BucketVersioning;
  /** The policy resource: anything that must only run once the policy is in place can depend on it. */
  readonly policy: S3BucketPolicy;
  /** The default retention of new versions, when `objectLock` is set. */
  readonly objectLock?: S3BucketObjectLockConfigurationA;

  constructor(scope: Construct, id: string, props: SecureBucketProps) {
    super(scope, id);
    const keepNewest = props.keepNewestNoncurrentVersions ?? DEFAULT_KEEP_NEWEST_NONCURRENT_VERSIONS;
    const noncurrentDays = props.noncurrentVersionRetentionDays ?? DEFAULT_NONCURRENT_VERSION_RETENTION_DAYS;
    validateDays("noncurrentVersionRetentionDays", noncurrentDays);
    if (props.expireCurrentAfterDays !== undefined) validateDays("expireCurrentAfterDays", props.expireCurrentAfterDays);

    if (props.objectLock) validateDays("objectLock.days", props.objectLock.days);
    this.bucket = new S3Bucket(this, DEFAULT_CHILD_ID, {
      bucket: props.bucketName,
      forceDestroy: false,
      objectLockEnabled: props.objectLock ? true : undefined,
      tags: props.tags,
      lifecycle: { preventDestroy: props.preventDestroy ?? true },
    });
    const bucket = this.bucket.id;

    const versioning = (this.versioning = new S3BucketVersioning(this, "versioning", {
      bucket,
      versioningConfiguration: { status: "Enabled" },
    }));

    if (props.objectLock) {
      this.objectLock = new S3BucketObjectLockConfigurationA(this, "object-lock", {
        bucket,
        rule: { defaultRetention: { mode: props.objectLock.mode, days: props.objectLock.days } },
        dependsOn: [versioning],
      });
    }

    new S3BucketServerSideEncryptionConfiguration(this, "encryption", {
      bucket,
      rule: [
        props.encryption === "s3-managed"
          ? { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }
          : {
              applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: props.encryption.arn },
              // Bucket keys cut KMS requests (cost and throttling) by ~99% without weakening the key boundary.
              bucketKeyEnabled: true,
            },
      ],
    });

    const publicAccessBlock = new S3BucketPublicAccessBlock(this, "public-access-block", {
      bucket,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });

    new S3BucketOwnershipControls(this, "ownership", {
      bucket,
      rule: { objectOwnership: "BucketOwnerEnforced" },
    });

    const objects = `${this.bucket.arn}/*`;
    const document = new DataAwsIamPolicyDocument(this, "policy-document", {
      statement: [
        denyInsecureTransport({ actions: ["s3:*"], resources: [this.bucket.arn, objects] }),
        {
          sid: "DenyOutdatedTls",
          effect: "Deny",
          principals: [{ type: "*", identifiers: ["*"] }],
          actions: ["s3:*"],
          resources: [this.bucket.arn, objects],
          condition: [{ test: "NumericLessThan", variable: "s3:TlsVersion", values: [MINIMUM_TLS_VERSION] }],
        },
        ...(props.extraPolicyStatements?.(this.bucket.arn) ?? []),
      ],
    });
    // S3 rejects concurrent configuration changes on one bucket; ordering the policy after the public-access block
    // avoids the intermittent "conflicting conditional operation" on first apply.
    this.policy = new S3BucketPolicy(this, "policy", {
      bucket,
      policy: document.json,
      dependsOn: [publicAccessBlock],
    });

    const rules: S3BucketLifecycleConfigurationRule[] = [
      {
        id: "expire-noncurrent-versions",
        status: "Enabled",
        filter: [{ prefix: "" }],
        noncurrentVersionExpiration: [
          { noncurrentDays, newerNoncurrentVersions: keepNewest },
        ],
      },
      {
        id: "abort-incomplete-multipart-uploads",
        status: "Enabled",
        filter: [{ prefix: "" }],
        abortIncompleteMultipartUpload: [{ daysAfterInitiation: ABORT_INCOMPLETE_UPLOADS_AFTER_DAYS }],
      },
    ];
    if (props.expireCurrentAfterDays !== undefined) {
      rules.push({
        id: "expire-current-objects",
        status: "Enabled",
        filter: [{ prefix: props.expireCurrentPrefix ?? "" }],
        expiration: [{ days: props.expireCurrentAfterDays }],
      });
    }
    new S3BucketLifecycleConfiguration(this, "lifecycle", { bucket, rule: rules, dependsOn: [versioning] });

    if (props.accessLogs) {
      new S3BucketLogging(this, "logging", {
        bucket,
        targetBucket: props.accessLogs.bucket.id,
        targetPrefix: props.accessLogs.prefix,
      });
    }
  }
}

/** Lifecycle days are whole and positive: a bad value is refused at construction, naming the prop, not at apply. */
function validateDays(field: string, days: number): void {
  if (!Number.isInteger(days) || days < 1) {
    throw new Error(`SecureBucket ${field} must be a whole number of days ≥ 1, got ${days}`);
  }
}
