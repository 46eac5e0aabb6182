/**
 * The audit stack: CloudTrail writes the trail's log files into its Object Lock bucket under its own key, for this
 * trail only; AWS Config delivers into its bucket; CloudWatch alarms and EventBridge rules of the audit stack reach its
 * encrypted topics, and nothing of another account does.
 */
import { ACCOUNT, OTHER_ACCOUNT, arnOf, role, service, sym, via, type AuthorizationRow, type Scope } from "../row";
import { auditAlarm, auditRule, configBucket, recoveryConfigChannel, trail, trailBucket, trailKey, trailLogGroup, trailLogsRole } from "../selectors";
import { CLOUDWATCH, EVENTS } from "./principals";
import { SOURCES } from "./sources";

const CLOUDTRAIL = service("cloudtrail.amazonaws.com");
const CONFIG = service("config.amazonaws.com");
const TRAIL_ARN = arnOf("the trail's ARN", trail);
const OTHER_TRAIL = sym("arn:aws:cloudtrail:<region>:<account>:trail/another-trail", (s) => `arn:aws:cloudtrail:${s.region}:${s.account}:trail/another-trail`);
const LOG_FILE = sym("<trail bucket ARN>/AWSLogs/<account>/CloudTrail/<region>/<date>/<file>.json.gz", (s) => `${s.world.attribute(trailBucket(s), "arn")}/AWSLogs/${s.account}/CloudTrail/${s.region}/2026/11/30/${s.account}_CloudTrail_${s.region}_20261130T0000Z_abc.json.gz`);
const TRAIL_KEY = arnOf("the trail's key (its kms_key_id)", trailKey);
const CONFIG_FILE = sym("<config bucket ARN>/AWSLogs/<account>/Config/<region>/<date>/ConfigSnapshot/<file>.json.gz", (s) => `${s.world.attribute(configBucket(s), "arn")}/AWSLogs/${s.account}/Config/${s.region}/2026/11/30/ConfigSnapshot/snapshot.json.gz`);
// What the recovery region's Config delivers: its region in the key, into the same bucket (cross-Region delivery).
const RECOVERY_CONFIG_FILE = sym(
  "<config bucket ARN>/AWSLogs/<account>/Config/<recovery region>/<date>/ConfigSnapshot/<file>.json.gz",
  (s) => `${s.world.attribute(configBucket(s), "arn")}/AWSLogs/${s.account}/Config/${recoveryConfigChannel(s).region}/2026/11/30/ConfigSnapshot/snapshot.json.gz`,
);
const topicOf = (kind: "rule" | "alarm", id: string) => (s: Scope) => (kind === "rule" ? auditRule(s, id).topic : auditAlarm(s, id).topic);

export const AUDIT_ROWS: readonly AuthorizationRow[] = [
  {
    id: "AZ-AUD-1",
    request: "CloudTrail checks the trail bucket's ACL before delivering",
    stacks: ["audit"],
    principal: CLOUDTRAIL,
    action: "s3:GetBucketAcl",
    resource: arnOf("the trail bucket", trailBucket),
    context: { "aws:SourceArn": TRAIL_ARN, "aws:SourceAccount": ACCOUNT },
    expected: "Allowed",
    source: [SOURCES.cloudtrailBucketPolicy],
  },
  {
    id: "AZ-AUD-2",
    request: "CloudTrail writes a log file of this trail into the trail bucket",
    stacks: ["audit"],
    principal: CLOUDTRAIL,
    action: "s3:PutObject",
    resource: LOG_FILE,
    context: { "aws:SourceArn": TRAIL_ARN, "aws:SourceAccount": ACCOUNT, "s3:x-amz-acl": "bucket-owner-full-control", "aws:SecureTransport": "true" },
    expected: "Allowed",
    source: [SOURCES.cloudtrailBucketPolicy],
  },
  {
    id: "AZ-AUD-3",
    request: "CloudTrail writes another trail's log file into the trail bucket",
    stacks: ["audit"],
    principal: CLOUDTRAIL,
    action: "s3:PutObject",
    resource: LOG_FILE,
    context: { "aws:SourceArn": OTHER_TRAIL, "aws:SourceAccount": ACCOUNT, "s3:x-amz-acl": "bucket-owner-full-control", "aws:SecureTransport": "true" },
    expected: "Denied",
    source: [SOURCES.cloudtrailBucketPolicy, SOURCES.confusedDeputy],
    why: "A trail someone else creates must not be able to fill (or be mistaken for) this account's record.",
  },
  {
    id: "AZ-AUD-4",
    request: "CloudTrail generates the data key of a log file of this trail",
    stacks: ["audit"],
    principal: CLOUDTRAIL,
    action: "kms:GenerateDataKey",
    resource: TRAIL_KEY,
    context: { "aws:SourceArn": TRAIL_ARN, "kms:EncryptionContext:aws:cloudtrail:arn": TRAIL_ARN },
    expected: "Allowed",
    source: [SOURCES.cloudtrailKeyPolicy],
  },
  {
    id: "AZ-AUD-5",
    request: "CloudTrail uses the trail key for another trail",
    stacks: ["audit"],
    principal: CLOUDTRAIL,
    action: "kms:GenerateDataKey",
    resource: TRAIL_KEY,
    context: { "aws:SourceArn": OTHER_TRAIL, "kms:EncryptionContext:aws:cloudtrail:arn": OTHER_TRAIL },
    expected: "Denied",
    source: [SOURCES.cloudtrailKeyPolicy, SOURCES.confusedDeputy],
  },
  {
    id: "AZ-AUD-6",
    request: "CloudTrail's logs role writes the trail's events into its log group",
    stacks: ["audit"],
    principal: role("the trail's CloudWatch Logs role (cloud_watch_logs_role_arn)", trailLogsRole),
    action: "logs:PutLogEvents",
    resource: sym("<trail log group ARN>:log-stream:<account>_CloudTrail_<region>", (s) => `${s.world.attribute(trailLogGroup(s), "arn")}:log-stream:${s.account}_CloudTrail_${s.region}`),
    expected: "Allowed",
    source: [SOURCES.cloudtrailLogsRole],
  },
  {
    id: "AZ-AUD-7",
    request: "CloudWatch Logs encrypts the trail's log group with the trail key",
    stacks: ["audit"],
    principal: service("logs.<region>.amazonaws.com"),
    action: "kms:GenerateDataKey",
    resource: TRAIL_KEY,
    context: { "kms:EncryptionContext:aws:logs:arn": arnOf("the trail's log group", trailLogGroup) },
    expected: "Allowed",
    source: [SOURCES.logsKms],
  },
  {
    id: "AZ-AUD-8",
    request: "AWS Config delivers a configuration snapshot into its bucket",
    stacks: ["audit"],
    principal: CONFIG,
    action: "s3:PutObject",
    resource: CONFIG_FILE,
    context: { "aws:SourceAccount": ACCOUNT, "s3:x-amz-acl": "bucket-owner-full-control", "aws:SecureTransport": "true" },
    expected: "Allowed",
    source: [SOURCES.configBucketPolicy],
  },
  {
    id: "AZ-AUD-9",
    request: "AWS Config, for another account, delivers into the config bucket",
    stacks: ["audit"],
    principal: CONFIG,
    action: "s3:PutObject",
    resource: CONFIG_FILE,
    context: { "aws:SourceAccount": OTHER_ACCOUNT, "s3:x-amz-acl": "bucket-owner-full-control", "aws:SecureTransport": "true" },
    expected: "Denied",
    source: [SOURCES.configBucketPolicy, SOURCES.confusedDeputy],
  },
  {
    id: "AZ-AUD-15",
    request: "AWS Config of the recovery region delivers a configuration snapshot into the same bucket",
    stacks: ["audit"],
    principal: CONFIG,
    action: "s3:PutObject",
    resource: RECOVERY_CONFIG_FILE,
    context: { "aws:SourceAccount": ACCOUNT, "s3:x-amz-acl": "bucket-owner-full-control", "aws:SecureTransport": "true" },
    expected: "Allowed",
    source: [SOURCES.configBucketPolicy],
  },
  {
    id: "AZ-AUD-10",
    request: "AWS Config encrypts its delivery with the audit key",
    stacks: ["audit"],
    principal: CONFIG,
    action: "kms:GenerateDataKey",
    resource: TRAIL_KEY,
    context: { "aws:SourceAccount": ACCOUNT, "kms:ViaService": via("s3") },
    expected: "Allowed",
    source: [SOURCES.configKmsKey],
  },
  {
    id: "AZ-AUD-11",
    request: "A GuardDuty finding reaches the pages topic through its EventBridge rule",
    stacks: ["audit"],
    principal: EVENTS,
    action: "sns:Publish",
    resource: arnOf("the topic the guardduty-finding rule targets", topicOf("rule", "guardduty-finding")),
    context: { "aws:SourceArn": arnOf("the guardduty-finding rule", (s) => auditRule(s, "guardduty-finding").rule) },
    expected: "Allowed",
    source: [SOURCES.guardDutyEvents, SOURCES.eventsToSns],
  },
  {
    id: "AZ-AUD-12",
    request: "The root-account-use alarm notifies the pages topic",
    stacks: ["audit"],
    principal: CLOUDWATCH,
    action: "sns:Publish",
    resource: arnOf("the topic the root-account-use alarm notifies", topicOf("alarm", "root-account-use")),
    context: { "aws:SourceAccount": ACCOUNT, "aws:SourceArn": arnOf("the root-account-use alarm", (s) => auditAlarm(s, "root-account-use").alarm) },
    expected: "Allowed",
    source: [SOURCES.alarmTopicPolicy],
  },
  {
    id: "AZ-AUD-13",
    request: "CloudWatch publishes an alarm to the encrypted pages topic: SNS generates the data key with the audit alerts key",
    stacks: ["audit"],
    principal: CLOUDWATCH,
    action: "kms:GenerateDataKey",
    resource: arnOf("the pages topic's key", (s) => s.world.follow(s.stackId, topicOf("alarm", "root-account-use")(s).values.kms_master_key_id, "aws_kms_key")),
    context: { "aws:SourceAccount": ACCOUNT, "aws:SourceArn": arnOf("the root-account-use alarm", (s) => auditAlarm(s, "root-account-use").alarm) },
    expected: "Allowed",
    source: [SOURCES.snsKeys, SOURCES.alarmEncryptedTopic],
  },
  {
    id: "AZ-AUD-14",
    request: "An alarm of another account publishes to the audit pages topic",
    stacks: ["audit"],
    principal: CLOUDWATCH,
    action: "sns:Publish",
    resource: arnOf("the pages topic", topicOf("alarm", "root-account-use")),
    context: { "aws:SourceAccount": OTHER_ACCOUNT, "aws:SourceArn": sym("arn:aws:cloudwatch:<region>:<another account>:alarm:any", (s) => `arn:aws:cloudwatch:${s.region}:111122223333:alarm:any`) },
    expected: "Denied",
    source: [SOURCES.alarmTopicPolicy, SOURCES.confusedDeputy],
  },
];
