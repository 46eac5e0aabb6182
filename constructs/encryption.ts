import type { TerraformProvider } from "cdktf";
import { Construct } from "constructs";
import { DataAwsIamPolicyDocument, type DataAwsIamPolicyDocumentStatement } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { PHI_TAGS, PROJECT, databaseIdentifier, logGroupPrefix, wafLogGroupName } from "./naming";

/** A deleted key makes everything it encrypted unreadable: keep the longest window AWS allows to cancel. */
export const KEY_DELETION_WINDOW_DAYS = 30;

/** Data-key operations a service needs to encrypt and decrypt on a caller's behalf. */
const USE_ACTIONS = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"];

export interface CustomerKeyProps {
  readonly accountId: string;
  readonly partition: string;
  readonly description: string;
  /** Alias name, without the `alias/` prefix. */
  readonly alias: string;
  /** Who may use the key, besides the account root that administers it. */
  readonly statements: DataAwsIamPolicyDocumentStatement[];
  readonly preventDestroy: boolean;
  /** Provider of the key's region. @default - the stack's default provider */
  readonly provider?: TerraformProvider;
  readonly tags?: Record<string, string>;
}

/**
 * A customer-managed key as every MediCare Hub key is made: yearly rotation, the longest deletion window, the account
 * root as administrator (without it a key can become unmanageable; IAM policies then decide which roles may use it),
 * an alias. Creates `<id>-policy`, `<id>` and `<id>-alias`.
 */
export function customerKey(scope: Construct, id: string, props: CustomerKeyProps): KmsKey {
  const { provider } = props;
  const policy = new DataAwsIamPolicyDocument(scope, `${id}-policy`, {
    provider,
    statement: [
      {
        sid: "AccountAdministersKey",
        effect: "Allow",
        principals: [{ type: "AWS", identifiers: [`arn:${props.partition}:iam::${props.accountId}:root`] }],
        actions: ["kms:*"],
        resources: ["*"],
      },
      ...props.statements,
    ],
  });
  const key = new KmsKey(scope, id, {
    provider,
    description: props.description,
    enableKeyRotation: true,
    deletionWindowInDays: KEY_DELETION_WINDOW_DAYS,
    policy: policy.json,
    tags: { Name: props.alias, ...props.tags },
    lifecycle: { preventDestroy: props.preventDestroy },
  });
  new KmsAlias(scope, `${id}-alias`, { provider, name: `alias/${props.alias}`, targetKeyId: key.keyId });
  return key;
}

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

  constructor(scope: Construct, id: string, props: EncryptionProps) {
    super(scope, id);
    const { accountId, region, partition, environment } = props;
    const key = (role: string, purpose: string, statements: DataAwsIamPolicyDocumentStatement[]) =>
      customerKey(this, `${role}-key`, {
        accountId,
        partition,
        description: `MediCare Hub ${environment}: ${purpose}`,
        alias: `${PROJECT}-${environment}-${role}`,
        statements,
        preventDestroy: props.preventDestroy ?? true,
        tags: { ...PHI_TAGS },
      });
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
    this.databaseKey = key("database", "RDS storage, Performance Insights and the master user secret", [
      viaServices("UseThroughRdsAndSecretsManager", ["rds", "secretsmanager"]),
    ]);

    this.storageKey = key("storage", "EFS, CloudWatch Logs, SNS and AWS Backup", [
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
}
