import { TerraformOutput } from "cdktf";
import { Construct } from "constructs";
import { AccessanalyzerAnalyzer } from "@cdktf/provider-aws/lib/accessanalyzer-analyzer";
import { Cloudtrail } from "@cdktf/provider-aws/lib/cloudtrail";
import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { CloudwatchLogMetricFilter } from "@cdktf/provider-aws/lib/cloudwatch-log-metric-filter";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { ConfigConfigurationRecorder } from "@cdktf/provider-aws/lib/config-configuration-recorder";
import { ConfigConfigurationRecorderStatus } from "@cdktf/provider-aws/lib/config-configuration-recorder-status";
import { ConfigDeliveryChannel } from "@cdktf/provider-aws/lib/config-delivery-channel";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { GuarddutyDetector } from "@cdktf/provider-aws/lib/guardduty-detector";
import { GuarddutyDetectorFeature } from "@cdktf/provider-aws/lib/guardduty-detector-feature";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamServiceLinkedRole } from "@cdktf/provider-aws/lib/iam-service-linked-role";
import type { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { SecurityhubAccount } from "@cdktf/provider-aws/lib/securityhub-account";
import { SecurityhubFindingAggregator } from "@cdktf/provider-aws/lib/securityhub-finding-aggregator";
import { SecurityhubStandardsSubscription } from "@cdktf/provider-aws/lib/securityhub-standards-subscription";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SnsTopicPolicy } from "@cdktf/provider-aws/lib/sns-topic-policy";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription";
import type { Placeholder } from "../../config/placeholders";
import type { AuditConfig, EnvironmentConfig } from "../../config/schema";
import { DEFAULT_CHILD_ID, MediCareStack } from "../base-stack";
import { alarmSource, alertsTopicStatements, eventsPublishToEncryptedTopics } from "../encryption";
import { serviceTrustPolicy } from "../iam";
import { customerKey } from "../kms";
import { encryptedLogGroup } from "../logging";
import { PHI_TAGS, PROJECT, bucketName, projectTags } from "../naming";
import { refusePlaceholders, type PlaceholderGuard } from "../placeholder-guard";
import { buildInRegion } from "../regions";
import { SecureBucket, serverAccessLogDelivery } from "../secure-bucket";
import { CIS_ALARMS, type CisAlarm } from "./cis-alarms";

// The stack id lives with the other names (tools read it without loading cdktf).
export { AUDIT_STACK_ID } from "../naming";
/** What the audit stack's resources are named after (`medicare-hub-audit-...`), and its alarms' prefix. */
export const AUDIT_NAME = "audit";
/** The trail's name: its ARN is named in the key and bucket policies before it exists. */
export const TRAIL_NAME = `${PROJECT}-audit`;
/** Where CloudTrail's events land in CloudWatch Logs, for the metric filters. */
export const TRAIL_LOG_GROUP = `/${PROJECT}/${AUDIT_NAME}/cloudtrail`;
/** Namespace of the metric filters' metrics. */
export const AUDIT_METRIC_NAMESPACE = "MediCareHub/Audit";
/** Days the trail's CloudWatch Logs copy is kept (the S3 copy is the record, locked for `logRetentionDays`). */
export const TRAIL_LOG_GROUP_RETENTION_DAYS = 365;
/** GuardDuty severities from 4.0 are medium and above ("Severity levels of GuardDuty findings"). */
export const GUARDDUTY_MEDIUM = 4;
/**
 * GuardDuty protection plans that apply to this architecture (EC2 instances, EBS volumes, S3, RDS PostgreSQL, the
 * canaries' Lambda functions); EKS plans do not (no EKS). Feature names: GuardDuty API `DetectorFeatureConfiguration`.
 */
export const GUARDDUTY_FEATURES = ["S3_DATA_EVENTS", "EBS_MALWARE_PROTECTION", "RDS_LOGIN_EVENTS", "LAMBDA_NETWORK_LOGS", "RUNTIME_MONITORING"] as const;

export interface AuditStackProps {
  /** The audit configuration (`config.audit`). */
  readonly audit: AuditConfig;
  /** The environment whose account and region are audited (`config.environments[audit.environment]`). */
  readonly environment: EnvironmentConfig;
  /** The Terraform state bucket: its object reads and writes are recorded with the project's buckets. */
  readonly stateBucketName: string;
  /** Placeholders of the configuration the stack depends on: while any is left, every plan is refused. */
  readonly placeholders: readonly Placeholder[];
}

/**
 * Who did what, and who got in, in the account that holds patient data (HIPAA 164.312(b) audit controls and
 * 164.308(a)(1)(ii)(D) information system activity review):
 *
 * - CloudTrail, all regions, management events (and S3 data events of the project's buckets), log file validation,
 *   encrypted with a key of its own, into a bucket whose versions S3 Object Lock keeps in compliance mode for
 *   `logRetentionDays`, access logged, and copied to CloudWatch Logs.
 * - The CIS AWS Foundations Benchmark's metric filters and alarms on that log group (Security Hub CloudWatch.1-14).
 * - GuardDuty with the protection plans that apply here, medium findings and above to the alerts topic; IAM Access
 *   Analyzer for resources shared outside the account.
 * - AWS Config recording every supported resource, and Security Hub with the Foundational Security Best Practices
 *   and CIS standards; failed critical and high control findings to the alerts topic.
 */
export class AuditStack extends MediCareStack {
  readonly key: KmsKey;
  readonly trailBucket: SecureBucket;
  readonly accessLogBucket: SecureBucket;
  readonly configBucket: SecureBucket;
  readonly trail: Cloudtrail;
  readonly pages: SnsTopic;
  readonly tickets: SnsTopic;
  readonly alarms: CloudwatchMetricAlarm[] = [];
  readonly eventRules: CloudwatchEventRule[] = [];
  readonly guardDuty: GuarddutyDetector;
  readonly placeholderGuard?: PlaceholderGuard;

  constructor(scope: Construct, id: string, props: AuditStackProps) {
    super(scope, id);
    const { audit, environment: env } = props;
    const { accountId, region } = env;
    this.addAwsProvider(region, projectTags("shared", audit.costCenter), accountId);
    this.placeholderGuard = refusePlaceholders(this, props.placeholders, []);
    const partition = new DataAwsPartition(this, "partition").partition;
    // The layers, as the exported folder's files and the docs name them: the record, the alerts, detection, evaluation.
    const record = new Construct(this, "trail");
    const alerts = new Construct(this, "alerts");
    const detection = new Construct(this, "detection");
    const evaluation = new Construct(this, "evaluation");
    this.alertsScope = alerts;
    const trailArn = `arn:${partition}:cloudtrail:${region}:${accountId}:trail/${TRAIL_NAME}`;
    const logGroupArn = `arn:${partition}:logs:${region}:${accountId}:log-group:${TRAIL_LOG_GROUP}`;

    // The key of the audit record: CloudTrail encrypts log files for this trail only ("Configure AWS KMS key policies
    // for CloudTrail"), CloudWatch Logs encrypts the trail's log group only, AWS Config encrypts its deliveries for
    // this account. Readers decrypt through IAM (the account root administers the key).
    this.key = customerKey(record, "key", {
      accountId,
      partition,
      description: "MediCare Hub audit: CloudTrail log files, their CloudWatch Logs copy and AWS Config deliveries",
      alias: `${PROJECT}-${AUDIT_NAME}`,
      tags: { ...PHI_TAGS },
      statements: [
        {
          sid: "CloudTrailEncryptsThisTrailsLogs",
          effect: "Allow",
          principals: [{ type: "Service", identifiers: ["cloudtrail.amazonaws.com"] }],
          actions: ["kms:GenerateDataKey*"],
          resources: ["*"],
          condition: [
            { test: "StringEquals", variable: "aws:SourceArn", values: [trailArn] },
            { test: "StringLike", variable: "kms:EncryptionContext:aws:cloudtrail:arn", values: [`arn:${partition}:cloudtrail:*:${accountId}:trail/*`] },
          ],
        },
        {
          sid: "CloudTrailDescribesTheKey",
          effect: "Allow",
          principals: [{ type: "Service", identifiers: ["cloudtrail.amazonaws.com"] }],
          actions: ["kms:DescribeKey"],
          resources: ["*"],
          condition: [{ test: "StringEquals", variable: "aws:SourceArn", values: [trailArn] }],
        },
        {
          sid: "CloudWatchLogsEncryptsTheTrailsLogGroup",
          effect: "Allow",
          principals: [{ type: "Service", identifiers: [`logs.${region}.amazonaws.com`] }],
          actions: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
          resources: ["*"],
          condition: [{ test: "ArnEquals", variable: "kms:EncryptionContext:aws:logs:arn", values: [logGroupArn] }],
        },
        {
          sid: "ConfigEncryptsItsDeliveries",
          effect: "Allow",
          principals: [{ type: "Service", identifiers: ["config.amazonaws.com"] }],
          actions: ["kms:Decrypt", "kms:GenerateDataKey"],
          resources: ["*"],
          condition: [{ test: "StringEquals", variable: "aws:SourceAccount", values: [accountId] }],
        },
      ],
    });

    // S3 server access logs can only be delivered to an SSE-S3 bucket.
    const name = (role: string) => bucketName(AUDIT_NAME, role, accountId, region);
    this.accessLogBucket = new SecureBucket(record, "access-log-bucket", {
      bucketName: name("access-logs"),
      encryption: "s3-managed",
      expireCurrentAfterDays: audit.logRetentionDays,
      extraPolicyStatements: (logBucketArn) =>
        (["trail", "config"] as const).map((role) =>
          serverAccessLogDelivery({ sid: `AllowAccessLogsOf${role === "trail" ? "TheTrail" : "Config"}Bucket`, logBucketArn, prefix: `${role}/`, sourceBucketName: name(role), accountId, partition }),
        ),
    });

    // Object Lock in compliance mode: no one, root included, deletes or shortens a log file version before
    // logRetentionDays (the lock must be enabled when the bucket is created). Lifecycle removes versions after it.
    this.trailBucket = new SecureBucket(record, "bucket", {
      bucketName: name("trail"),
      encryption: this.key,
      objectLock: { mode: "COMPLIANCE", days: audit.logRetentionDays },
      expireCurrentAfterDays: audit.logRetentionDays + 1,
      noncurrentVersionRetentionDays: 1,
      keepNewestNoncurrentVersions: 1,
      accessLogs: { bucket: this.accessLogBucket.bucket, prefix: "trail/" },
      tags: { ...PHI_TAGS },
      // "Amazon S3 bucket policy for CloudTrail" (CloudTrail User Guide): the ACL check and the write, for this trail only.
      extraPolicyStatements: (bucketArn) => [
        {
          sid: "CloudTrailChecksTheBucketAcl",
          effect: "Allow",
          principals: [{ type: "Service", identifiers: ["cloudtrail.amazonaws.com"] }],
          actions: ["s3:GetBucketAcl"],
          resources: [bucketArn],
          condition: [{ test: "StringEquals", variable: "aws:SourceArn", values: [trailArn] }],
        },
        {
          sid: "CloudTrailWritesThisTrailsLogs",
          effect: "Allow",
          principals: [{ type: "Service", identifiers: ["cloudtrail.amazonaws.com"] }],
          actions: ["s3:PutObject"],
          resources: [`${bucketArn}/AWSLogs/${accountId}/*`],
          condition: [
            { test: "StringEquals", variable: "s3:x-amz-acl", values: ["bucket-owner-full-control"] },
            { test: "StringEquals", variable: "aws:SourceArn", values: [trailArn] },
          ],
        },
      ],
    });

    const logGroup = encryptedLogGroup(record, "log-group", { name: TRAIL_LOG_GROUP, retentionDays: TRAIL_LOG_GROUP_RETENTION_DAYS, key: this.key });
    // CloudTrail's documented trust for the CloudWatch Logs role names the service only; the trail is checked when
    // CloudTrail sends it (IfExists), so delivery is never refused for its absence.
    const logsTrust = serviceTrustPolicy(record, "logs-role-trust", "cloudtrail.amazonaws.com", { accountId, sourceArn: trailArn, ifExists: true });
    const logsRole = new IamRole(record, "logs-role", {
      name: `${PROJECT}-${AUDIT_NAME}-trail-logs`,
      description: "Lets CloudTrail deliver the audit trail's events to its CloudWatch Logs group",
      assumeRolePolicy: logsTrust.json,
    });
    const logsPolicy = new DataAwsIamPolicyDocument(record, "logs-role-policy-document", {
      statement: [{ sid: "DeliverToTheTrailsLogGroup", effect: "Allow", actions: ["logs:CreateLogStream", "logs:PutLogEvents"], resources: [`${logGroup.arn}:log-stream:*`] }],
    });
    const logsRolePolicy = new IamRolePolicy(record, "logs-role-policy", { role: logsRole.name, policy: logsPolicy.json });

    const dataEvents = audit.s3DataEvents
      ? [
          {
            name: "S3 object reads and writes of the project's buckets and the Terraform state",
            fieldSelector: [
              { field: "eventCategory", equalTo: ["Data"] },
              { field: "resources.type", equalTo: ["AWS::S3::Object"] },
              // The environments' buckets and the state bucket, never the trail's own (its writes would log themselves).
              { field: "resources.ARN", startsWith: [`arn:${partition}:s3:::${PROJECT}-dev-`, `arn:${partition}:s3:::${PROJECT}-prod-`, `arn:${partition}:s3:::${props.stateBucketName}/`] },
            ],
          },
        ]
      : [];
    this.trail = new Cloudtrail(record, DEFAULT_CHILD_ID, {
      name: TRAIL_NAME,
      s3BucketName: this.trailBucket.bucket.id,
      isMultiRegionTrail: true,
      includeGlobalServiceEvents: true,
      enableLogFileValidation: true,
      enableLogging: true,
      kmsKeyId: this.key.arn,
      cloudWatchLogsGroupArn: `${logGroup.arn}:*`,
      cloudWatchLogsRoleArn: logsRole.arn,
      advancedEventSelector: [{ name: "Every management event", fieldSelector: [{ field: "eventCategory", equalTo: ["Management"] }] }, ...dataEvents],
      // CloudTrail checks the bucket policy, and that it can use the logs role, when the trail is created.
      dependsOn: [this.trailBucket.policy, logsRolePolicy],
    });

    // Alerts: pages and tickets, each topic encrypted with a key of its own that only this account's audit alarms
    // and the audit rules may use (as the environments' alerts topics: constructs/monitoring.ts).
    const topicKey = customerKey(alerts, "key", {
      accountId,
      partition,
      description: "MediCare Hub audit: the alerts topics",
      alias: `${PROJECT}-${AUDIT_NAME}-alerts`,
      statements: [
        {
          sid: "CloudWatchAlarmsPublishToEncryptedTopics",
          effect: "Allow",
          principals: [{ type: "Service", identifiers: ["cloudwatch.amazonaws.com"] }],
          actions: ["kms:Decrypt", "kms:GenerateDataKey*"],
          resources: ["*"],
          condition: alarmSource({ accountId, partition, environment: AUDIT_NAME }),
        },
        eventsPublishToEncryptedTopics(),
      ],
    });
    const subscribers = (to: string | undefined) => [...(to ? [{ protocol: "email", endpoint: to }] : []), ...(env.alerts.pageUrls ?? []).map((url) => ({ protocol: "https", endpoint: url }))];
    this.pages = this.topic("pages", topicKey, subscribers(env.alerts.email));
    const ticketEmail = env.alerts.ticketEmail ?? env.alerts.email;
    this.tickets = this.topic("tickets", topicKey, ticketEmail ? [{ protocol: "email", endpoint: ticketEmail }] : []);

    for (const spec of CIS_ALARMS) this.cisAlarm(spec, logGroup.name);


    this.guardDuty = this.guardDutyIn(detection);
    this.rule(detection, "guardduty-finding", "page", "GuardDuty reports a finding of medium severity or above: read it in the GuardDuty console (its type says what was seen: a compromised credential, an instance talking to a known bad host, malware).", {
      source: ["aws.guardduty"],
      "detail-type": ["GuardDuty Finding"],
      detail: { severity: [{ numeric: [">=", GUARDDUTY_MEDIUM] }] },
    });

    new AccessanalyzerAnalyzer(detection, "access-analyzer", { analyzerName: `${PROJECT}-${AUDIT_NAME}`, type: "ACCOUNT" });
    this.rule(detection, "access-analyzer-finding", "ticket", "IAM Access Analyzer found a resource shared outside the account (a bucket, key, role or secret): confirm it is meant to be, or remove the grant.", {
      source: ["aws.access-analyzer"],
      "detail-type": ["Access Analyzer Finding"],
      detail: { status: ["ACTIVE"] },
    });

    // AWS Config: every supported resource type, global ones (IAM) included, delivered daily to an encrypted bucket.
    this.configBucket = new SecureBucket(evaluation, "config-bucket", {
      bucketName: name("config"),
      encryption: this.key,
      noncurrentVersionRetentionDays: 90,
      accessLogs: { bucket: this.accessLogBucket.bucket, prefix: "config/" },
      // "Permissions for the Amazon S3 bucket for the AWS Config delivery channel" (AWS Config Developer Guide).
      extraPolicyStatements: (bucketArn) => [
        {
          sid: "ConfigChecksTheBucket",
          effect: "Allow",
          principals: [{ type: "Service", identifiers: ["config.amazonaws.com"] }],
          actions: ["s3:GetBucketAcl", "s3:ListBucket"],
          resources: [bucketArn],
          condition: [{ test: "StringEquals", variable: "aws:SourceAccount", values: [accountId] }],
        },
        {
          sid: "ConfigDelivers",
          effect: "Allow",
          principals: [{ type: "Service", identifiers: ["config.amazonaws.com"] }],
          actions: ["s3:PutObject"],
          resources: [`${bucketArn}/AWSLogs/${accountId}/Config/*`],
          condition: [
            { test: "StringEquals", variable: "s3:x-amz-acl", values: ["bucket-owner-full-control"] },
            { test: "StringEquals", variable: "aws:SourceAccount", values: [accountId] },
          ],
        },
      ],
    });
    // Config records as its service-linked role, AWSServiceRoleForConfig: Security Hub's Config.1 (in both FSBP and CIS)
    // fails for a recorder using any other role ("Security Hub controls for AWS Config"). Delivery to the bucket is
    // then by the service principal, which the bucket and key policies above name. An account where the role already
    // exists imports it (docs/audit.md).
    const configRole = new IamServiceLinkedRole(evaluation, "config-service-linked-role", {
      awsServiceName: "config.amazonaws.com",
      description: "AWS Config records this account's resources (MediCare Hub audit)",
    });
    const hub = this.securityHubIn(evaluation, region, partition, configRole.arn, true);
    this.rule(evaluation, "security-hub-failed-control", "ticket", "A Security Hub control of the FSBP or CIS standard newly fails with critical or high severity: read the finding's remediation link, fix the resource (or this code), and the finding resolves itself.", {
      source: ["aws.securityhub"],
      "detail-type": ["Security Hub Findings - Imported"],
      detail: { findings: { Severity: { Label: ["CRITICAL", "HIGH"] }, Compliance: { Status: ["FAILED"] }, Workflow: { Status: ["NEW"] }, RecordState: ["ACTIVE"] } },
    });
    // The recovery region holds PHI too (the copies, and a standby's instances): watched the same way, its findings
    // aggregated here, where the rules and topics are.
    const recoveryRegion = env.recovery.strategy !== "off" ? env.recovery.region : undefined;
    if (recoveryRegion) {
      const provider = this.addAwsProvider(recoveryRegion, projectTags("shared", audit.costCenter), accountId, "recovery");
      const away = new Construct(this, "recovery-region");
      this.guardDutyIn(away);
      new AccessanalyzerAnalyzer(away, "access-analyzer", { analyzerName: `${PROJECT}-${AUDIT_NAME}`, type: "ACCOUNT" });
      // Global resource types (IAM) are recorded once, in the audited region; one service-linked role serves every region.
      // Its deliveries go to the one Config bucket: "AWS Config supports cross-Region and cross-account delivery
      // channels", under the audit key, which "must belong to the same Region as the destination S3 bucket"
      // (PutDeliveryChannel, DeliveryChannel in the AWS Config API Reference).
      this.securityHubIn(away, recoveryRegion, partition, configRole.arn, false);
      buildInRegion(away, provider);
      // "In an aggregation Region, the event feed includes events for findings from the aggregation Region and the
      // linked Regions" (Security Hub User Guide, "Security Hub event types in EventBridge"): the rules below, and the
      // failed-control rule above, see the recovery region's findings here. GuardDuty and Access Analyzer send theirs to
      // Security Hub in their region.
      new SecurityhubFindingAggregator(evaluation, "security-hub-aggregator", { linkingMode: "SPECIFIED_REGIONS", specifiedRegions: [recoveryRegion], dependsOn: [hub] });
      const fromRecovery = (product: string, labels?: readonly string[]) => ({
        source: ["aws.securityhub"],
        "detail-type": ["Security Hub Findings - Imported"],
        detail: {
          findings: { ProductName: [product], Region: [recoveryRegion], ...(labels ? { Severity: { Label: [...labels] } } : {}), Workflow: { Status: ["NEW"] }, RecordState: ["ACTIVE"] },
        },
      });
      this.rule(detection, "guardduty-finding-recovery-region", "page", `GuardDuty reports a finding of medium severity or above in the recovery region (${recoveryRegion}), through Security Hub: read it in GuardDuty there.`, fromRecovery("GuardDuty", ["MEDIUM", "HIGH", "CRITICAL"]));
      this.rule(detection, "access-analyzer-finding-recovery-region", "ticket", `IAM Access Analyzer found a resource of the recovery region (${recoveryRegion}) shared outside the account: confirm it is meant to be, or remove the grant.`, fromRecovery("IAM Access Analyzer"));
    }
    this.finishTopics(accountId, partition);

    const output = (outputId: string, value: string, description: string) => new TerraformOutput(this, outputId, { value, description, staticId: true });
    output("trail_arn", this.trail.arn, "The account's CloudTrail trail (all regions, log file validation)");
    output("trail_bucket_name", this.trailBucket.bucket.bucket, `Where CloudTrail's log files are kept, Object Lock compliance mode for ${audit.logRetentionDays} days`);
    output("trail_log_group_name", logGroup.name, "CloudWatch Logs copy of the trail, which the CIS metric filters read");
    output("guardduty_detector_id", this.guardDuty.id, "GuardDuty detector of the account's region");
    output("alerts_topic_arn", this.pages.arn, "SNS topic the audit pages go to (subscribe the on-call pager here)");
  }

  /** GuardDuty with the protection plans that apply here, in the region of `scope`'s provider. */
  private guardDutyIn(scope: Construct): GuarddutyDetector {
    const detector = new GuarddutyDetector(scope, "guardduty", { enable: true, findingPublishingFrequency: "FIFTEEN_MINUTES" });
    for (const feature of GUARDDUTY_FEATURES) {
      new GuarddutyDetectorFeature(scope, `guardduty-${feature.toLowerCase().replace(/_/g, "-")}`, {
        detectorId: detector.id,
        name: feature,
        status: "ENABLED",
        // Runtime monitoring of the app instances: GuardDuty manages its agent on EC2 (through SSM, which they have).
        additionalConfiguration: feature === "RUNTIME_MONITORING" ? [{ name: "EC2_AGENT_MANAGEMENT", status: "ENABLED" }] : undefined,
      });
    }
    return detector;
  }

  /**
   * AWS Config recording every supported resource (global ones where `globalTypes`) into the Config bucket under the
   * audit key, then Security Hub with FSBP and CIS, which evaluates its controls from Config's records.
   */
  private securityHubIn(scope: Construct, region: string, partition: string, configRoleArn: string, globalTypes: boolean): SecurityhubAccount {
    const recorder = new ConfigConfigurationRecorder(scope, "config-recorder", {
      name: `${PROJECT}-${AUDIT_NAME}`,
      roleArn: configRoleArn,
      recordingGroup: { allSupported: true, includeGlobalResourceTypes: globalTypes },
    });
    const channel = new ConfigDeliveryChannel(scope, "config-delivery-channel", {
      name: `${PROJECT}-${AUDIT_NAME}`,
      s3BucketName: this.configBucket.bucket.id,
      s3KmsKeyArn: this.key.arn,
      snapshotDeliveryProperties: { deliveryFrequency: "TwentyFour_Hours" },
      dependsOn: [recorder, this.configBucket.policy],
    });
    const recording = new ConfigConfigurationRecorderStatus(scope, "config-recorder-status", { name: recorder.name, isEnabled: true, dependsOn: [channel] });
    // Security Hub evaluates its controls from AWS Config's records: enabled once Config records.
    const hub = new SecurityhubAccount(scope, "security-hub", { enableDefaultStandards: false, controlFindingGenerator: "SECURITY_CONTROL", autoEnableControls: true, dependsOn: [recording] });
    for (const [standard, path] of [
      ["fsbp", "aws-foundational-security-best-practices/v/1.0.0"],
      ["cis", "cis-aws-foundations-benchmark/v/3.0.0"],
    ] as const) {
      new SecurityhubStandardsSubscription(scope, `security-hub-${standard}`, { standardsArn: `arn:${partition}:securityhub:${region}::standards/${path}`, dependsOn: [hub] });
    }
    return hub;
  }

  private readonly topicPolicies: { topic: SnsTopic; id: string }[] = [];
  /** Where the topics, their policies and the CIS filters and alarms are built. */
  private alertsScope!: Construct;

  private topic(id: string, key: KmsKey, subscriptions: readonly { protocol: string; endpoint: string }[]): SnsTopic {
    const topic = new SnsTopic(this.alertsScope, id, { name: `${PROJECT}-${AUDIT_NAME}-${id}`, kmsMasterKeyId: key.arn });
    subscriptions.forEach(({ protocol, endpoint }, i) => new SnsTopicSubscription(this.alertsScope, `${id}-${protocol}-${i}`, { topicArn: topic.arn, protocol, endpoint }));
    this.topicPolicies.push({ topic, id });
    return topic;
  }

  /** Each topic's policy, once every rule is known: alarms of this account, and this stack's rules by ARN, publish. */
  private finishTopics(accountId: string, partition: string): void {
    for (const { topic, id } of this.topicPolicies) {
      const rules = this.eventRules.filter((rule) => this.ruleTopic.get(rule) === topic);
      const statements = alertsTopicStatements(topic.arn, { accountId, partition, environment: AUDIT_NAME }, rules.map((rule) => rule.arn));
      const document = new DataAwsIamPolicyDocument(this.alertsScope, `${id}-policy-document`, { statement: statements });
      new SnsTopicPolicy(this.alertsScope, `${id}-policy`, { arn: topic.arn, policy: document.json });
    }
  }

  private readonly ruleTopic = new Map<CloudwatchEventRule, SnsTopic>();

  private rule(scope: Construct, id: string, severity: "page" | "ticket", description: string, pattern: object): CloudwatchEventRule {
    const rule = new CloudwatchEventRule(scope, id, {
      name: `${PROJECT}-${AUDIT_NAME}-${id}`,
      description: `[${severity.toUpperCase()}] MediCare Hub audit: ${description} Runbook: docs/runbooks.md#${id}`,
      eventPattern: JSON.stringify(pattern),
      tags: { Severity: severity, Runbook: `docs/runbooks.md#${id}` },
    });
    const topic = severity === "page" ? this.pages : this.tickets;
    new CloudwatchEventTarget(scope, `${id}-target`, { rule: rule.name, arn: topic.arn });
    this.ruleTopic.set(rule, topic);
    this.eventRules.push(rule);
    return rule;
  }

  /** One CIS metric filter on the trail's log group, and its alarm on the first match in five minutes. */
  private cisAlarm(spec: CisAlarm, logGroupName: string): void {
    const filter = new CloudwatchLogMetricFilter(this.alertsScope, `${spec.id}-filter`, {
      name: `${PROJECT}-${AUDIT_NAME}-${spec.id}`,
      logGroupName,
      pattern: spec.pattern,
      metricTransformation: { name: spec.id, namespace: AUDIT_METRIC_NAMESPACE, value: "1" },
    });
    const topic = spec.severity === "page" ? this.pages : this.tickets;
    this.alarms.push(
      new CloudwatchMetricAlarm(this.alertsScope, spec.id, {
        alarmName: `${PROJECT}-${AUDIT_NAME}-${spec.id}`,
        alarmDescription: `[${spec.severity.toUpperCase()}] ${spec.description} (${spec.control}, CIS ${spec.cis.join(", ")}) Runbook: docs/runbooks.md#${spec.id}`,
        namespace: AUDIT_METRIC_NAMESPACE,
        metricName: filter.metricTransformation.name,
        statistic: "Sum",
        period: 300,
        evaluationPeriods: 1,
        threshold: 1,
        comparisonOperator: "GreaterThanOrEqualToThreshold",
        // No matching event, no datapoint: nothing happened.
        treatMissingData: "notBreaching",
        // OK too, like every alarm of the project (guardrail MH-OBS-1): the next quiet five minutes say it is over.
        alarmActions: [topic.arn],
        okActions: [topic.arn],
        tags: { Severity: spec.severity, Runbook: `docs/runbooks.md#${spec.id}` },
      }),
    );
  }
}
