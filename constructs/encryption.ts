import { Construct } from "constructs";
import { DataAwsIamPolicyDocument, type DataAwsIamPolicyDocumentStatement } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { PHI_TAGS, PROJECT, databaseIdentifier, logGroupPrefix, wafLogGroupName } from "./naming";

/** A deleted key makes everything it encrypted unreadable: keep the longest window AWS allows to cancel. */
export const KEY_DELETION_WINDOW_DAYS = 30;

/** Data-key operations a service needs to encrypt and decrypt on a caller's behalf. */
const USE_ACTIONS = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"];

export interface EncryptionProps {
  /** Environment name, used in key aliases and the log-group scope of the storage key. */
  readonly environment: string;
  /** Account the keys live in; its root administers them. */
  readonly accountId: string;
  /** Region of the services allowed to use the keys. */
  readonly region: string;
  /** AWS partition (`aws`, `aws-us-gov`), from the stack's `aws_partition` data source. */
  readonly partition: string;
  /** `prevent_destroy` on the keys: destroying a key destroys access to everything it encrypted. @default true */
  readonly preventDestroy?: boolean;
}

/**
 * Customer-managed KMS keys, one per data class, each with yearly rotation and a key policy that names who may use
 * it. Other layers take the keys as props; they never create keys of their own.
 *
 * - `databaseKey`: RDS storage, Performance Insights and the RDS-managed master secret (used through RDS and Secrets
 *   Manager only).
 * - `storageKey`: EFS, CloudWatch log groups of this environment (its own, its WAF's and its database's exports),
 *   SNS topics and the backup vault.
 */
export class Encryption extends Construct {
  readonly databaseKey: KmsKey;
  readonly storageKey: KmsKey;
  private readonly preventDestroy: boolean;

  constructor(scope: Construct, id: string, props: EncryptionProps) {
    super(scope, id);
    const { accountId, region, partition, environment } = props;
    this.preventDestroy = props.preventDestroy ?? true;
    const root = `arn:${partition}:iam::${accountId}:root`;
    const viaServices = (sid: string, services: string[]): DataAwsIamPolicyDocumentStatement => ({
      sid,
      effect: "Allow",
      principals: [{ type: "AWS", identifiers: ["*"] }],
      actions: [...USE_ACTIONS, "kms:CreateGrant", "kms:ListGrants"],
      resources: ["*"],
      condition: [
        { test: "StringEquals", variable: "kms:CallerAccount", values: [accountId] },
        { test: "StringEquals", variable: "kms:ViaService", values: services.map((s) => `${s}.${region}.amazonaws.com`) },
      ],
    });
    const administration: DataAwsIamPolicyDocumentStatement = {
      // Without it a key can become unmanageable; IAM policies then decide which roles may use the key.
      sid: "AccountAdministersKey",
      effect: "Allow",
      principals: [{ type: "AWS", identifiers: [root] }],
      actions: ["kms:*"],
      resources: ["*"],
    };

    this.databaseKey = this.key("database", environment, "RDS storage, Performance Insights and the master user secret", [
      administration,
      viaServices("UseThroughRdsAndSecretsManager", ["rds", "secretsmanager"]),
    ]);

    this.storageKey = this.key("storage", environment, "EFS, CloudWatch Logs, SNS and AWS Backup", [
      administration,
      {
        sid: "CloudWatchLogsOfThisEnvironment",
        effect: "Allow",
        principals: [{ type: "Service", identifiers: [`logs.${region}.amazonaws.com`] }],
        actions: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
        resources: ["*"],
        condition: [
          {
            test: "ArnLike",
            variable: "kms:EncryptionContext:aws:logs:arn",
            values: [logGroupPrefix(environment), wafLogGroupName(environment), `/aws/rds/instance/${databaseIdentifier(environment)}/`].map(
              (name) => `arn:${partition}:logs:${region}:${accountId}:log-group:${name}*`,
            ),
          },
        ],
      },
      viaServices("UseThroughStorageServices", ["elasticfilesystem", "backup", "sns"]),
      {
        // CloudWatch alarms publish to the encrypted alerts topic.
        sid: "CloudWatchAlarmsPublishToEncryptedTopics",
        effect: "Allow",
        principals: [{ type: "Service", identifiers: ["cloudwatch.amazonaws.com"] }],
        actions: ["kms:Decrypt", "kms:GenerateDataKey*"],
        resources: ["*"],
      },
    ]);
  }

  private key(role: string, environment: string, purpose: string, statement: DataAwsIamPolicyDocumentStatement[]): KmsKey {
    const policy = new DataAwsIamPolicyDocument(this, `${role}-key-policy`, { statement });
    const key = new KmsKey(this, `${role}-key`, {
      description: `MediCare Hub ${environment}: ${purpose}`,
      enableKeyRotation: true,
      deletionWindowInDays: KEY_DELETION_WINDOW_DAYS,
      policy: policy.json,
      tags: { Name: `${PROJECT}-${environment}-${role}`, ...PHI_TAGS },
      lifecycle: { preventDestroy: this.preventDestroy },
    });
    new KmsAlias(this, `${role}-key-alias`, { name: `alias/${PROJECT}-${environment}-${role}`, targetKeyId: key.keyId });
    return key;
  }
}
