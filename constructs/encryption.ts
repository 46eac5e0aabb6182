import { Construct } from "constructs";
import type { DataAwsIamPolicyDocumentStatement } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { denyInsecureTransport } from "./iam";
import { USE_ACTIONS, customerKey } from "./kms";
import { PHI_TAGS, PROJECT, canaryLogGroupPrefix, databaseIdentifier, keyAliasName, logGroupPrefix, wafLogGroupName } from "./naming";
import type { DeploymentContext } from "./context";

/** The service-linked role EC2 Auto Scaling launches instances as (created by AWS on the account's first group). */
export function autoScalingServiceLinkedRoleArn(partition: string, accountId: string): string {
  return `arn:${partition}:iam::${accountId}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`;
}

interface KeyScope {
  readonly accountId: string;
  readonly region: string;
  readonly partition: string;
}

/**
 * Lets EC2 Auto Scaling launch instances whose EBS volumes this key encrypts. AWS: "Required AWS KMS key policy for
 * use with encrypted volumes" (EC2 Auto Scaling User Guide): the service-linked role must use the key and create
 * grants for the volumes. The role is named by condition, not as a principal: a key policy naming a role that does
 * not exist yet (a new account has no AWSServiceRoleForAutoScaling until its first group) is rejected, and EC2 calls
 * KMS as that role through ec2.<region> (kms:ViaService), for this account only.
 */
export function ebsVolumesForAutoScaling(scope: KeyScope): DataAwsIamPolicyDocumentStatement[] {
  const { accountId, region, partition } = scope;
  const throughEc2 = [
    { test: "StringEquals", variable: "kms:ViaService", values: [`ec2.${region}.amazonaws.com`] },
    { test: "StringEquals", variable: "kms:CallerAccount", values: [accountId] },
    { test: "ArnLike", variable: "aws:PrincipalArn", values: [`${autoScalingServiceLinkedRoleArn(partition, accountId)}*`] },
  ];
  return [
    {
      sid: "AutoScalingEncryptsInstanceVolumes",
      effect: "Allow",
      principals: [{ type: "AWS", identifiers: ["*"] }],
      actions: USE_ACTIONS,
      resources: ["*"],
      condition: throughEc2,
    },
    {
      sid: "AutoScalingAttachesEncryptedVolumes",
      effect: "Allow",
      principals: [{ type: "AWS", identifiers: ["*"] }],
      actions: ["kms:CreateGrant"],
      resources: ["*"],
      condition: [...throughEc2, { test: "Bool", variable: "kms:GrantIsForAWSResource", values: ["true"] }],
    },
  ];
}

/**
 * CloudWatch alarms of this environment (and account) publish to topics this key encrypts. AWS: "Enable compatibility
 * between event sources from AWS services and encrypted topics" (SNS Developer Guide); the source conditions stop
 * another account's alarms from using the key (confused deputy).
 */
export function alarmsPublishToEncryptedTopics(scope: KeyScope & { readonly environment: string }): DataAwsIamPolicyDocumentStatement[] {
  return [
    {
      sid: "CloudWatchAlarmsPublishToEncryptedTopics",
      effect: "Allow",
      principals: [{ type: "Service", identifiers: ["cloudwatch.amazonaws.com"] }],
      actions: ["kms:Decrypt", "kms:GenerateDataKey*"],
      resources: ["*"],
      condition: alarmSource(scope),
    },
  ];
}

/** `aws:SourceAccount` and `aws:SourceArn` of this environment's alarms, in any region (us-east-1 has one too). */
export function alarmSource(scope: Omit<KeyScope, "region"> & { readonly environment: string }) {
  return [
    { test: "StringEquals", variable: "aws:SourceAccount", values: [scope.accountId] },
    { test: "ArnLike", variable: "aws:SourceArn", values: [`arn:${scope.partition}:cloudwatch:*:${scope.accountId}:alarm:${PROJECT}-${scope.environment}-*`] },
  ];
}

/**
 * The policy statements of an alerts topic: CloudWatch publishes for the alarms of this account and environment (or
 * stack) only, EventBridge for the given rules only (by ARN), and nothing reaches it without TLS.
 */
export function alertsTopicStatements(topicArn: string, alarms: Omit<KeyScope, "region"> & { readonly environment: string }, ruleArns: readonly string[]): DataAwsIamPolicyDocumentStatement[] {
  return [
    {
      sid: "CloudWatchAlarmsOfThisAccountPublish",
      effect: "Allow",
      principals: [{ type: "Service", identifiers: ["cloudwatch.amazonaws.com"] }],
      actions: ["sns:Publish"],
      resources: [topicArn],
      condition: alarmSource(alarms),
    },
    ...(ruleArns.length > 0
      ? [
          {
            sid: "EventRulesOfThisEnvironmentPublish",
            effect: "Allow",
            principals: [{ type: "Service", identifiers: ["events.amazonaws.com"] }],
            actions: ["sns:Publish"],
            resources: [topicArn],
            condition: [{ test: "ArnEquals", variable: "aws:SourceArn", values: [...ruleArns] }],
          },
        ]
      : []),
    denyInsecureTransport({ actions: ["sns:Publish"], resources: [topicArn] }),
  ];
}

/**
 * EventBridge rules (backup job and database storage events) deliver to topics this key encrypts. AWS documents that
 * EventBridge's KMS requests carry no aws:SourceArn/aws:SourceAccount ("Amazon EventBridge targets: Amazon SNS"
 * permissions for encrypted topics), so the topic policy, which does see the rule's ARN, is where they are scoped.
 */
export function eventsPublishToEncryptedTopics(): DataAwsIamPolicyDocumentStatement {
  return {
    sid: "EventBridgeRulesPublishToEncryptedTopics",
    effect: "Allow",
    principals: [{ type: "Service", identifiers: ["events.amazonaws.com"] }],
    actions: ["kms:Decrypt", "kms:GenerateDataKey*"],
    resources: ["*"],
  };
}

export interface EncryptionProps extends DeploymentContext {
  /**
   * `prevent_destroy` on the keys: destroying a key destroys access to everything it encrypted.
   * @default true
   */
  readonly preventDestroy?: boolean;
}

/**
 * Customer-managed KMS keys, one per data class, each with yearly rotation and a key policy that names who may use
 * it. Other layers take the keys as props; they never create keys of their own.
 *
 * The account root administers each key, so IAM policies decide which of the account's roles may use it: no key
 * policy grants "any principal of the account through a service". RDS, EFS and AWS Backup use the keys through
 * grants made with the permissions of whoever creates the resource (the deploying role, or AWS Backup's role); a
 * reader of the database secret needs kms:Decrypt through Secrets Manager in its own policy. Only principals that IAM
 * policies cannot reach are named in the key policies: AWS service principals, scoped to this account and
 * environment, and the Auto Scaling service-linked role through EC2.
 *
 * - `databaseKey`: RDS storage, Performance Insights and the RDS-managed master secret.
 * - `storageKey`: the app instances' EBS volumes, EFS, CloudWatch log groups of this environment (its own, its WAF's
 *   and its database's exports) and the backup vault. The alerts topics have keys of their own (constructs/monitoring.ts).
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
        alias: keyAliasName(environment, role),
        statements,
        preventDestroy: props.preventDestroy ?? true,
        tags: { ...PHI_TAGS },
      });
    this.databaseKey = key("database", "RDS storage, Performance Insights and the master user secret", []);

    this.storageKey = key("storage", "EC2 root volumes, EFS, CloudWatch Logs and AWS Backup", [
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
            values: [logGroupPrefix(environment), wafLogGroupName(environment), `/aws/rds/instance/${databaseIdentifier(environment)}/`, canaryLogGroupPrefix(environment)].map(
              (name) => `arn:${partition}:logs:${region}:${accountId}:log-group:${name}*`,
            ),
          },
        ],
      },
      ...ebsVolumesForAutoScaling({ accountId, region, partition }),
    ]);
  }
}
