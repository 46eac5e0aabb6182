/**
 * CloudWatch alarms notifying the encrypted alert topics, in the stack's region and in us-east-1 (Route 53 health
 * check metrics live there). SNS calls KMS with the publisher's identity: the CloudWatch service principal. The
 * standby's alarm (its load balancer has no healthy host) tickets through a topic of the recovery region, under a key
 * of that region: the ticket rows are asked of prod-dr too.
 */
import { ACCOUNT, OTHER_ACCOUNT, arnOf, sym, via, type AuthorizationRow } from "../row";
import { alarmOf, alertsTopic, eventRuleNotifying, eventTopic, heartbeatKey, heartbeatRule, heartbeatTopic, ticketTopic, topicKey } from "../selectors";
import { CLOUDWATCH, EVENTS, UNPRIVILEGED } from "./principals";
import { SOURCES } from "./sources";

type Where = "stack" | "us-east-1";
const NAME: Record<Where, string> = { stack: "alerts topic", "us-east-1": "us-east-1 alerts topic" };

const onBehalfOfUs = (where: Where) => ({ "aws:SourceAccount": ACCOUNT, "aws:SourceArn": arnOf(`ARN of an alarm notifying the ${NAME[where]}`, (s) => alarmOf(s, where)) });
const OTHER_ALARM = sym("arn:aws:cloudwatch:<region>:<another account>:alarm:any", (s) => `arn:aws:cloudwatch:${s.region}:${OTHER_ACCOUNT.resolve(s)}:alarm:any`);

/** The site's tickets topic: the one its ticket alarms notify in its region (prod-dr: the standby's, in the recovery region). */
const TICKETS_TOPIC = arnOf("the tickets topic (the ticket alarms' alarm_actions, in the site's region)", ticketTopic);
const TICKETS_KEY = arnOf("key of the tickets topic (its kms_master_key_id)", (s) => topicKey(s, "stack", "ticket"));
const ON_BEHALF_OF_A_TICKET_ALARM = { "aws:SourceAccount": ACCOUNT, "aws:SourceArn": arnOf("ARN of a ticket alarm notifying the topic", (s) => alarmOf(s, "stack", "ticket")) };

function rows(where: Where, n: number): AuthorizationRow[] {
  const topic = arnOf(`${NAME[where]} (the alarms' alarm_actions)`, (s) => alertsTopic(s, where));
  const key = arnOf(`key of the ${NAME[where]} (its kms_master_key_id)`, (s) => topicKey(s, where));
  return [
    {
      id: `AZ-ALR-${n}`,
      request: `An alarm changes state and CloudWatch publishes to the ${NAME[where]}`,
      stacks: ["dev", "prod"],
      principal: CLOUDWATCH,
      action: "sns:Publish",
      resource: topic,
      context: onBehalfOfUs(where),
      expected: "Allowed",
      source: [SOURCES.alarmTopicPolicy],
    },
    {
      id: `AZ-ALR-${n + 1}`,
      request: `CloudWatch publishes to the ${NAME[where]}: SNS generates the message data key`,
      stacks: ["dev", "prod"],
      principal: CLOUDWATCH,
      action: "kms:GenerateDataKey",
      resource: key,
      context: onBehalfOfUs(where),
      expected: "Allowed",
      source: [SOURCES.alarmEncryptedTopic, SOURCES.snsKeys],
      why: "Without it the alarm fires and nobody is told.",
    },
    {
      id: `AZ-ALR-${n + 2}`,
      request: `CloudWatch publishes to the ${NAME[where]}: SNS decrypts the message data key`,
      stacks: ["dev", "prod"],
      principal: CLOUDWATCH,
      action: "kms:Decrypt",
      resource: key,
      context: onBehalfOfUs(where),
      expected: "Allowed",
      source: [SOURCES.alarmEncryptedTopic, SOURCES.snsKeys],
    },
    {
      id: `AZ-ALR-${n + 3}`,
      request: `CloudWatch uses the ${NAME[where]}'s key on behalf of an alarm of another account`,
      stacks: ["dev", "prod"],
      principal: CLOUDWATCH,
      action: "kms:GenerateDataKey",
      resource: key,
      context: { "aws:SourceAccount": OTHER_ACCOUNT, "aws:SourceArn": OTHER_ALARM },
      expected: "Denied",
      source: [SOURCES.confusedDeputy, SOURCES.alarmEncryptedTopic],
      why: "A service-principal grant without aws:SourceAccount/aws:SourceArn lets CloudWatch act with the key for any customer (confused deputy).",
    },
  ];
}

export const ALERT_ROWS: readonly AuthorizationRow[] = [
  ...rows("stack", 1),
  ...rows("us-east-1", 5),
  {
    id: "AZ-ALR-9",
    request: "CloudWatch publishes to the alerts topic on behalf of an alarm of another account",
    stacks: ["dev", "prod"],
    principal: CLOUDWATCH,
    action: "sns:Publish",
    resource: arnOf("alerts topic (the alarms' alarm_actions)", (s) => alertsTopic(s, "stack")),
    context: { "aws:SourceAccount": OTHER_ACCOUNT, "aws:SourceArn": OTHER_ALARM },
    expected: "Denied",
    source: [SOURCES.confusedDeputy, SOURCES.alarmTopicPolicy],
  },
  {
    id: "AZ-ALR-10",
    request: "A principal with no permissions uses the alerts topic's key through SNS",
    stacks: ["dev", "prod"],
    principal: UNPRIVILEGED,
    action: "kms:GenerateDataKey",
    resource: arnOf("key of the alerts topic (its kms_master_key_id)", (s) => topicKey(s, "stack")),
    context: { "kms:ViaService": via("sns"), "kms:CallerAccount": ACCOUNT },
    expected: "Denied",
    source: [SOURCES.kmsKeyPolicies, SOURCES.snsKeys],
    why: "Being in the account must not be enough to use a key: IAM decides, and this role has no policy.",
  },
  {
    id: "AZ-ALR-11",
    request: "A backup job fails and EventBridge delivers the event to the tickets topic",
    stacks: ["dev", "prod"],
    principal: EVENTS,
    action: "sns:Publish",
    resource: arnOf("the topic the aws.backup rule's target delivers to (tickets)", (s) => eventTopic(s, "aws.backup")),
    context: { "aws:SourceArn": arnOf("ARN of the aws.backup event rule targeting the topic", (s) => eventRuleNotifying(s, "aws.backup")) },
    expected: "Allowed",
    source: [SOURCES.backupEvents, SOURCES.eventsToSns],
    why: "Without it a failed backup is noticed only when a restore is needed.",
  },
  {
    id: "AZ-ALR-12",
    request: "EventBridge delivers to the encrypted alerts topic: SNS generates the message data key (no source keys in the request)",
    stacks: ["dev", "prod"],
    principal: EVENTS,
    action: "kms:GenerateDataKey",
    resource: arnOf("key of the alerts topic (its kms_master_key_id)", (s) => topicKey(s, "stack")),
    context: {},
    expected: "Allowed",
    source: [SOURCES.eventsToSns, SOURCES.snsKeys],
  },
  {
    id: "AZ-ALR-13",
    request: "The database reports low storage and EventBridge delivers the event to the page topic",
    stacks: ["dev", "prod"],
    principal: EVENTS,
    action: "sns:Publish",
    resource: arnOf("the topic the aws.rds rule's target delivers to (page)", (s) => eventTopic(s, "aws.rds")),
    context: { "aws:SourceArn": arnOf("ARN of the aws.rds event rule targeting the topic", (s) => eventRuleNotifying(s, "aws.rds")) },
    expected: "Allowed",
    source: [SOURCES.eventsToSns],
  },
  {
    id: "AZ-ALR-14",
    request: "An EventBridge rule of another account publishes to the alerts topic",
    stacks: ["dev", "prod"],
    principal: EVENTS,
    action: "sns:Publish",
    resource: arnOf("alerts topic (the event target's arn)", (s) => alertsTopic(s, "stack")),
    context: { "aws:SourceArn": sym("arn:aws:events:<region>:<another account>:rule/any", (s) => `arn:aws:events:${s.region}:${OTHER_ACCOUNT.resolve(s)}:rule/any`) },
    expected: "Denied",
    source: [SOURCES.confusedDeputy, SOURCES.eventsToSns],
    why: "The key cannot scope EventBridge by source, so the topic policy must.",
  },
  {
    id: "AZ-ALR-15",
    request: "A ticket-severity alarm changes state and CloudWatch publishes to the tickets topic",
    stacks: ["dev", "prod", "prod-dr"],
    principal: CLOUDWATCH,
    action: "sns:Publish",
    resource: TICKETS_TOPIC,
    context: ON_BEHALF_OF_A_TICKET_ALARM,
    expected: "Allowed",
    source: [SOURCES.alarmTopicPolicy],
    why: "On prod-dr this is the standby-unhealthy alarm: if it cannot ticket, a standby that would fail over to an empty load balancer goes unnoticed until the region is lost.",
  },
  {
    id: "AZ-ALR-16",
    request: "A key of the environment is disabled: EventBridge delivers the kms-key-disabled page to its topic",
    stacks: ["dev", "prod"],
    principal: EVENTS,
    action: "sns:Publish",
    resource: arnOf("the topic the aws.kms rule's target delivers to (page)", (s) => eventTopic(s, "aws.kms")),
    context: { "aws:SourceArn": arnOf("ARN of the aws.kms event rule targeting the topic", (s) => eventRuleNotifying(s, "aws.kms")) },
    expected: "Allowed",
    source: [SOURCES.eventsToSns],
    why: "A disabled key fails storage, logs and alerting together; this page is the only warning.",
  },
  {
    id: "AZ-ALR-17",
    request: "Every 5 minutes EventBridge publishes the heartbeat to its topic, for the dead man's switch subscribed to it",
    stacks: ["prod"],
    principal: EVENTS,
    action: "sns:Publish",
    resource: arnOf("the heartbeat topic (the scheduled rule's target)", heartbeatTopic),
    context: { "aws:SourceArn": arnOf("ARN of the scheduled heartbeat rule", heartbeatRule) },
    expected: "Allowed",
    source: [SOURCES.eventsToSns],
    why: "If this is denied, no heartbeat ever arrives and the dead man's switch pages from the first deploy on.",
  },
  {
    id: "AZ-ALR-18",
    request: "EventBridge delivers the heartbeat to its encrypted topic: SNS generates the message data key",
    stacks: ["prod"],
    principal: EVENTS,
    action: "kms:GenerateDataKey",
    resource: arnOf("key of the heartbeat topic (its kms_master_key_id)", heartbeatKey),
    context: {},
    expected: "Allowed",
    source: [SOURCES.eventsToSns, SOURCES.snsKeys],
  },
  {
    id: "AZ-ALR-19",
    request: "CloudWatch publishes to the tickets topic: SNS generates the message data key",
    stacks: ["dev", "prod", "prod-dr"],
    principal: CLOUDWATCH,
    action: "kms:GenerateDataKey",
    resource: TICKETS_KEY,
    context: ON_BEHALF_OF_A_TICKET_ALARM,
    expected: "Allowed",
    source: [SOURCES.alarmEncryptedTopic, SOURCES.snsKeys],
    why: "Without it the alarm fires and nobody is told.",
  },
  {
    id: "AZ-ALR-20",
    request: "CloudWatch publishes to the tickets topic: SNS decrypts the message data key",
    stacks: ["dev", "prod", "prod-dr"],
    principal: CLOUDWATCH,
    action: "kms:Decrypt",
    resource: TICKETS_KEY,
    context: ON_BEHALF_OF_A_TICKET_ALARM,
    expected: "Allowed",
    source: [SOURCES.alarmEncryptedTopic, SOURCES.snsKeys],
  },
  {
    id: "AZ-ALR-21",
    request: "CloudWatch uses the tickets topic's key on behalf of an alarm of another account",
    stacks: ["dev", "prod", "prod-dr"],
    principal: CLOUDWATCH,
    action: "kms:GenerateDataKey",
    resource: TICKETS_KEY,
    context: { "aws:SourceAccount": OTHER_ACCOUNT, "aws:SourceArn": OTHER_ALARM },
    expected: "Denied",
    source: [SOURCES.confusedDeputy, SOURCES.alarmEncryptedTopic],
    why: "A service-principal grant without aws:SourceAccount/aws:SourceArn lets CloudWatch act with the key for any customer (confused deputy).",
  },
  {
    id: "AZ-ALR-22",
    request: "CloudWatch publishes to the tickets topic on behalf of an alarm of another account",
    stacks: ["dev", "prod", "prod-dr"],
    principal: CLOUDWATCH,
    action: "sns:Publish",
    resource: TICKETS_TOPIC,
    context: { "aws:SourceAccount": OTHER_ACCOUNT, "aws:SourceArn": OTHER_ALARM },
    expected: "Denied",
    source: [SOURCES.confusedDeputy, SOURCES.alarmTopicPolicy],
  },
];
