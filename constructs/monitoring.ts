import { Fn, type TerraformProvider } from "cdktf";
import { Construct } from "constructs";
import { CloudwatchCompositeAlarm } from "@cdktf/provider-aws/lib/cloudwatch-composite-alarm";
import { CloudwatchDashboard } from "@cdktf/provider-aws/lib/cloudwatch-dashboard";
import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { CloudwatchMetricAlarm, type CloudwatchMetricAlarmMetricQuery } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import type { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SnsTopicPolicy } from "@cdktf/provider-aws/lib/sns-topic-policy";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription";
import { alarmsPublishToEncryptedTopics, alertsTopicStatements, eventsPublishToEncryptedTopics } from "./encryption";
import { customerKey } from "./kms";
import { databaseIdentifier, resourceName } from "./naming";
import type { KmsKeyRef } from "./secure-bucket";
import type { DeploymentContext } from "./context";

/** What each layer's alarms watch, by construct-independent identifiers (dimensions). */
export interface MonitoredResources {
  readonly loadBalancerArnSuffix: string;
  readonly targetGroupArnSuffix: string;
  readonly autoScalingGroupName: string;
  readonly databaseIdentifier: string;
  readonly fileSystemId: string;
  /** The Route 53 health check of the load balancer (its metrics exist in us-east-1 only). */
  readonly healthCheckId: string;
  /**
   * The WAF web ACL's name, when there is one.
   * @default - no WAF alarms
   */
  readonly webAclName?: string;
  /**
   * Synthetic checks (constructs/synthetic-checks.ts): the journey canary's failures page, the maintenance page's are a
   * ticket.
   * @default - none
   */
  readonly canaries?: readonly { readonly name: string; readonly kind: "journey" | "maintenance"; readonly intervalSeconds: number }[];
  /**
   * The web ACL's rules and their metric names: each gets its own alarm.
   * @default - none
   */
  readonly wafRules?: readonly { readonly rule: string; readonly metricName: string; readonly kind: "rate-limit" | "managed" }[];
  /**
   * The NAT gateways the app tier's egress depends on.
   * @default - none watched
   */
  readonly natGatewayIds?: readonly string[];
  /**
   * The app's log group: if nothing arrives there, the agent or the instances are broken.
   * @default - not watched
   */
  readonly appLogGroupName?: string;
  /**
   * Route 53's probe of the app's deep health endpoint (in us-east-1, like the other).
   * @default - not watched
   */
  readonly deepHealthCheckId?: string;
  /**
   * Customer managed keys in this region besides the alerts key (which is always watched): disabling one or scheduling
   * its deletion pages, because everything it encrypts stops working with it.
   * @default - only the alerts key
   */
  readonly keyArns?: readonly string[];
  /**
   * The shared file system's replication to the recovery region (constructs/recovery.ts): its copy falling behind
   * is a ticket.
   * @default - not replicated
   */
  readonly fileSystemReplica?: { readonly sourceId: string; readonly destinationId: string };
  /**
   * The environment standing in its recovery region (recovery.strategy "pilot-light" or "warm-standby"): its alarms
   * are created there, where the metrics are, and notify a ticket topic of that region with a key of its own.
   * @default - no standby
   */
  readonly standby?: StandbyResources;
}

/** What the monitoring watches of the standby in the recovery region. */
export interface StandbyResources {
  /** The recovery region, and its provider. */
  readonly region: string;
  readonly provider: TerraformProvider;
  /**
   * Identifier of the database's cross-region read replica, whose ReplicaLag is the database's recovery point.
   * @default - no replica (recovery.database "restore": the replicated backups are the recovery point)
   */
  readonly replicaIdentifier?: string;
  /**
   * The standby's target group and load balancer (ARN suffixes): a warm standby always has healthy instances there.
   * @default - a pilot light: nothing runs until failover, so nothing is watched
   */
  readonly warm?: {
    /** The standby's load balancer and target group (ARN suffixes), whose healthy hosts a warm standby always has. */
    readonly loadBalancerArnSuffix: string;
    readonly targetGroupArnSuffix: string;
    /**
     * The Route 53 check of the standby's public path (shallow, `Dns` `standbyReachabilityCheck`): its alarm lives in
     * us-east-1 with the other health checks' and tickets there.
     * @default - none
     */
    readonly reachabilityCheckId?: string;
  };
}

export interface AlarmThresholds {
  readonly http5xxRatePercent: number;
  readonly p99LatencyMilliseconds: number;
  readonly databaseCpuPercent: number;
  readonly databaseFreeStoragePercent: number;
  readonly databaseFreeableMemoryMib: number;
  readonly databaseConnections: number;
  readonly efsIoLimitPercent: number;
  readonly wafBlockedRequestsPer5Minutes: number;
  readonly wafRuleBlockedPercent: number;
}

export interface MonitoringProps extends DeploymentContext {
  /** What the alarms watch, by the identifiers their metrics' dimensions name. */
  readonly resources: MonitoredResources;
  /** Where each alarm fires (config: alarms). */
  readonly thresholds: AlarmThresholds;
  /** Instances the group never goes below: fewer healthy or in service is an alarm. */
  readonly minCapacity: number;
  /**
   * Seconds from launch by which a new instance serves at worst (`instanceReadySeconds` of constructs/app-tier.ts): a
   * shortfall of healthy targets pages only when it outlasts two of these, so a scale-out of several instances at once
   * is not an outage.
   */
  readonly instanceReadySeconds: number;
  /** Allocated database storage, for the free-storage threshold. */
  readonly databaseAllocatedStorageGib: number;
  /**
   * Whether AWS Backup copies recovery points to another vault: only then is a failed copy job possible, and alarmed.
   * @default false
   */
  readonly backupCopies?: boolean;
  /** us-east-1, where Route 53 health-check metrics live; its alarm and topic must be there too. */
  readonly usEast1: TerraformProvider;
  /**
   * Who is e-mailed for pages (and tickets, unless ticketEmail is set).
   * @default - no e-mail
   */
  readonly email?: string;
  /**
   * Where tickets are e-mailed.
   * @default - `email`
   */
  readonly ticketEmail?: string;
  /**
   * HTTPS endpoints of a paging service (PagerDuty, Opsgenie and the like confirm SNS subscriptions themselves),
   * subscribed to the page topics in every region.
   * @default - none: pages are e-mails only
   */
  readonly pageUrls?: readonly string[];
  /**
   * An HTTPS heartbeat check (a dead man's switch) sent a message every 5 minutes through EventBridge, its own topic
   * and the alerts key.
   * @default - none
   */
  readonly heartbeatUrl?: string;
  /** The availability objective of the user journey (e.g. 99.9 % over 30 days): its error budget drives the burn-rate alarms. */
  readonly availabilitySloPercent: number;
  /**
   * `prevent_destroy` on the alerts keys, like every other key of the environment.
   * @default true
   */
  readonly preventDestroy?: boolean;
}

/**
 * Who is told, and how: "page" wakes the on-call person (users are affected, or will be within the hour); "ticket" is
 * worked in business hours (a trend, a capacity question, one failed replacement that healed).
 */
export type Severity = "page" | "ticket";

/** Where each alarm's runbook lives: a section per alarm id (a test keeps one for every alarm). */
export const RUNBOOK_DOC = "docs/runbooks.md";

interface AlarmSpec {
  readonly severity: Severity;
  /**
   * The runbook section, when it is another alarm's (a burn-rate window's is its pair's).
   * @default - the alarm's id
   */
  readonly runbook?: string;
  readonly description: string;
  readonly comparison: "GreaterThanThreshold" | "LessThanThreshold" | "GreaterThanOrEqualToThreshold" | "LessThanOrEqualToThreshold";
  readonly threshold: number;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm?: number;
  /** Missing data means healthy for error counts, unhealthy for "is it there" signals. */
  readonly treatMissingData: "notBreaching" | "breaching" | "missing";
  readonly metric?: { namespace: string; name: string; stat: string; dimensions: Record<string, string>; period?: number };
  readonly query?: CloudwatchMetricAlarmMetricQuery[];
}

/**
 * Events that page like alarms, as EventBridge patterns: a failed backup or copy job (AWS Backup's "Backup Job State
 * Change" / "Copy Job State Change" events, "Monitoring AWS Backup events using EventBridge"), and the database's
 * low-storage events, which fire when storage autoscaling cannot keep up or has reached maxAllocatedStorageGib
 * ("Amazon RDS event categories and event messages": category "low storage").
 */
export function eventPatterns(databaseIdentifier: string, autoScalingGroupName: string): Record<string, { severity: Severity; description: string; pattern: object }> {
  return {
    // "Amazon EC2 Auto Scaling events" (EventBridge reference): launches that fail (capacity, quota, AMI, a key the
    // service-linked role cannot use) and instance refreshes that fail or are cancelled.
    "launch-failed": {
      severity: "ticket",
      description: "The Auto Scaling Group could not launch an instance. Read the event's StatusMessage; in-service-below-minimum pages if capacity suffers.",
      pattern: { source: ["aws.autoscaling"], "detail-type": ["EC2 Instance Launch Unsuccessful"], detail: { AutoScalingGroupName: [autoScalingGroupName] } },
    },
    "instance-refresh-failed": {
      severity: "ticket",
      description: "An instance refresh (a deploy) failed or was cancelled: some instances run the old configuration, some the new.",
      pattern: {
        source: ["aws.autoscaling"],
        "detail-type": ["EC2 Auto Scaling Instance Refresh Failed", "EC2 Auto Scaling Instance Refresh Cancelled"],
        detail: { AutoScalingGroupName: [autoScalingGroupName] },
      },
    },
    "database-failover": {
      severity: "ticket",
      description: "The database failed over to its standby (RDS event category failover): check why, and that the app reconnected.",
      pattern: { source: ["aws.rds"], "detail-type": ["RDS DB Instance Event"], detail: { SourceArn: [{ suffix: `:db:${databaseIdentifier}` }], EventCategories: ["failover"] } },
    },
    // ACM renews DNS-validated certificates on its own; this event means it could not ("ACM Certificate Approaching Expiration").
    "certificate-expiring": {
      severity: "ticket",
      description: "An ACM certificate of the account approaches expiry without renewal: check its validation record in the hosted zone.",
      pattern: { source: ["aws.acm"], "detail-type": ["ACM Certificate Approaching Expiration"] },
    },
    "backup-job-failed": {
      severity: "ticket",
      description: "An AWS Backup job in this account and region failed, was aborted or expired: a recovery point is missing. Read the job's status message in AWS Backup.",
      pattern: { source: ["aws.backup"], "detail-type": ["Backup Job State Change"], detail: { state: ["FAILED", "ABORTED", "EXPIRED"] } },
    },
    "backup-copy-failed": {
      severity: "ticket",
      description: "An AWS Backup copy job failed: the cross-region copy of a recovery point is missing.",
      pattern: { source: ["aws.backup"], "detail-type": ["Copy Job State Change"], detail: { state: ["FAILED"] } },
    },
    "database-low-storage": {
      severity: "page",
      description: "The database reports low storage: autoscaling could not grow it or reached maxAllocatedStorageGib. Raise the maximum or free space now.",
      // Matched on the instance ARN's suffix: the event's SourceIdentifier is "rds:<id>" in AWS's example event.
      pattern: {
        source: ["aws.rds"],
        "detail-type": ["RDS DB Instance Event"],
        detail: { SourceArn: [{ suffix: `:db:${databaseIdentifier}` }], EventCategories: ["low storage"] },
      },
    },
  };
}

/** One metric of a metric-math alarm, at one-minute resolution unless a period is given. */
function metric(id: string, namespace: string, metricName: string, stat: string, dimensions: Record<string, string>, period = 60): CloudwatchMetricAlarmMetricQuery {
  return { id, returnData: false, metric: { namespace, metricName, stat, period, dimensions } };
}

/**
 * Multiwindow, multi-burn-rate alerts on the availability SLO ("Alerting on SLOs", The Site Reliability Workbook,
 * table 5-8): each fires when both its long and its short window burn the error budget faster than `burn` times the
 * rate that would spend it exactly over the SLO period. The short window makes the alert reset soon after recovery.
 * The workbook's ticket uses 3 days / 6 hours; CloudWatch alarm periods end at one day, so 1 day / 6 hours here.
 */
/** Alarms evaluate one-minute periods unless a metric says otherwise (the metrics are published every minute). */
export const DEFAULT_ALARM_PERIOD_SECONDS = 60;
/** A 99th percentile of fewer requests than this is the slowest single request, not a percentile. */
export const P99_MINIMUM_REQUESTS_PER_5_MINUTES = 100;
/** Below this many requests per 5 minutes, a share blocked by one WAF rule is a handful of requests: not alarmed. */
export const WAF_MINIMUM_REQUESTS_PER_5_MINUTES = 100;

export const BURN_RATE_ALERTS = [
  { id: "slo-fast-burn", severity: "page", burn: 14.4, longSeconds: 3600, shortSeconds: 300, meaning: "2 % of the 30-day error budget in one hour" },
  { id: "slo-slow-burn", severity: "page", burn: 6, longSeconds: 21600, shortSeconds: 1800, meaning: "5 % of the 30-day error budget in six hours" },
  { id: "slo-budget-burn", severity: "ticket", burn: 1, longSeconds: 86400, shortSeconds: 21600, meaning: "spending the budget as fast as it accrues, for a day" },
] as const;

/**
 * Alarms that reach a human: an encrypted SNS topic (e-mailed when configured) and, per layer, alarms whose
 * description says what to do; the same signals on a dashboard. Route 53 health-check metrics only exist in
 * us-east-1, so that alarm has its own topic and key there.
 */
export class Monitoring extends Construct {
  /** The regional page topic: alarms and events that need a human now. */
  readonly topic: SnsTopic;
  /** The us-east-1 page topic (Route 53 health-check metrics exist there only); the same humans subscribe. */
  readonly globalTopic: SnsTopic;
  /** Tickets: worked in business hours. */
  readonly ticketTopic: SnsTopic;
  readonly alarms: CloudwatchMetricAlarm[] = [];
  /**
   * The share of requests failing at the load balancer and in the app: what users see first. The failure experiments
   * stop on them, and the instance refresh.
   */
  readonly userErrorAlarms: { readonly loadBalancer: CloudwatchMetricAlarm; readonly app: CloudwatchMetricAlarm };
  /** Composite alarms (the SLO burn-rate alerts): each notifies for its pair of window alarms. */
  readonly compositeAlarms: CloudwatchCompositeAlarm[] = [];
  /** EventBridge rules that notify the alerts topic (failed backups, database low storage). */
  readonly eventRules: CloudwatchEventRule[] = [];
  /** The heartbeat's topic, when `heartbeatUrl` is set. */
  heartbeatTopic?: SnsTopic;
  private readonly environment: string;
  /** The us-east-1 alerts key: the page topic there, and the standby's ticket topic there when it has one. */
  private readonly globalKey: KmsKey;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const { environment, resources: r, thresholds: t } = props;
    this.environment = environment;
    // The pattern names the database by its identifier as configured, not by reference: cdktf 0.21 writes a JSON string
    // holding a reference as invalid HCL, and the identifier is fixed by naming.ts anyway.
    const patterns = eventPatterns(databaseIdentifier(environment), resourceName(environment, "app"));
    if (!props.backupCopies) delete patterns["backup-copy-failed"];
    const ruleSeverity = new Map<CloudwatchEventRule, Severity>();
    this.eventRules = Object.entries(patterns).map(([ruleId, { severity, description, pattern }]) => {
      const rule = new CloudwatchEventRule(this, ruleId, {
        name: resourceName(environment, ruleId),
        description: `[${severity.toUpperCase()}] MediCare Hub ${environment}: ${description} Runbook: ${RUNBOOK_DOC}#${ruleId}`,
        eventPattern: JSON.stringify(pattern),
        tags: { Severity: severity, Runbook: `${RUNBOOK_DOC}#${ruleId}` },
      });
      ruleSeverity.set(rule, severity);
      return rule;
    });
    const alertsKey = this.alertsKey("alerts-key", props, props.region);
    // A key disabled or scheduled for deletion takes down what it encrypts (storage, logs, the database, alerting).
    // KMS itself emits no event for either; CloudTrail's record of the call does, delivered to EventBridge only when
    // the account has a trail with logging enabled ("AWS service events delivered via AWS CloudTrail", EventBridge
    // User Guide), which docs/first-deploy.md checks. Matched on the keys' ARNs in the record's resources, by
    // reference: jsonencode, since cdktf 0.21 writes a JSON string holding a reference as invalid HCL.
    const keyRule = new CloudwatchEventRule(this, "kms-key-disabled", {
      name: resourceName(environment, "kms-key-disabled"),
      description: `[PAGE] MediCare Hub ${environment}: a key of this environment was disabled or scheduled for deletion: what it encrypts fails. Cancel the deletion or enable the key now. Runbook: ${RUNBOOK_DOC}#kms-key-disabled`,
      eventPattern: Fn.jsonencode({
        source: ["aws.kms"],
        "detail-type": ["AWS API Call via CloudTrail"],
        detail: { eventSource: ["kms.amazonaws.com"], eventName: ["DisableKey", "ScheduleKeyDeletion"], resources: { ARN: [alertsKey.arn, ...(r.keyArns ?? [])] } },
      }),
      tags: { Severity: "page", Runbook: `${RUNBOOK_DOC}#kms-key-disabled` },
    });
    this.eventRules.push(keyRule);
    ruleSeverity.set(keyRule, "page");
    const rulesOf = (severity: Severity) => this.eventRules.filter((rule) => ruleSeverity.get(rule) === severity);
    const pages = [...(props.email ? [{ protocol: "email", endpoint: props.email }] : []), ...(props.pageUrls ?? []).map((endpoint) => ({ protocol: "https", endpoint }))];
    this.topic = this.alertsTopic("alerts", props, alertsKey, pages, undefined, rulesOf("page"));
    this.globalKey = this.alertsKey("alerts-us-east-1-key", props, "us-east-1", props.usEast1);
    this.globalTopic = this.alertsTopic("alerts-us-east-1", props, this.globalKey, pages, props.usEast1);
    const ticketEmail = props.ticketEmail ?? props.email;
    this.ticketTopic = this.alertsTopic("tickets", props, alertsKey, ticketEmail ? [{ protocol: "email", endpoint: ticketEmail }] : [], undefined, rulesOf("ticket"));
    for (const rule of this.eventRules) {
      const topic = ruleSeverity.get(rule) === "page" ? this.topic : this.ticketTopic;
      new CloudwatchEventTarget(this, `${rule.node.id}-to-alerts`, { rule: rule.name, arn: topic.arn });
    }
    if (props.heartbeatUrl) {
      // Every 5 minutes, through EventBridge, an SNS topic of its own and the alerts key: the check that receives it
      // pages when it stops, which is the only way to learn that alerting itself is dead (a disabled key, a broken
      // policy, SNS or EventBridge down).
      const heartbeat = new CloudwatchEventRule(this, "heartbeat-schedule", {
        name: resourceName(environment, "heartbeat"),
        description: `MediCare Hub ${environment}: the alerting path's heartbeat, every 5 minutes, to a dead man's switch. Runbook: ${RUNBOOK_DOC}#heartbeat`,
        scheduleExpression: "rate(5 minutes)",
        tags: { Runbook: `${RUNBOOK_DOC}#heartbeat` },
      });
      this.heartbeatTopic = this.alertsTopic("heartbeat", props, alertsKey, [{ protocol: "https", endpoint: props.heartbeatUrl }], undefined, [heartbeat]);
      new CloudwatchEventTarget(this, "heartbeat-to-topic", {
        rule: heartbeat.name,
        arn: this.heartbeatTopic.arn,
        input: JSON.stringify({ heartbeat: resourceName(environment, "alerts"), every: "5 minutes" }),
      });
    }

    const alb = { LoadBalancer: r.loadBalancerArnSuffix };
    const targets = { LoadBalancer: r.loadBalancerArnSuffix, TargetGroup: r.targetGroupArnSuffix };
    const group = { AutoScalingGroupName: r.autoScalingGroupName };
    const rate = (errors: string, label: string): CloudwatchMetricAlarmMetricQuery[] => [
      metric("errors", "AWS/ApplicationELB", errors, "Sum", errors.includes("Target") ? targets : alb),
      metric("requests", "AWS/ApplicationELB", "RequestCount", "Sum", alb),
      { id: "e", expression: "FILL(errors, 0)", label: "errors (missing = 0)", returnData: false },
      // RequestCount counts only requests for which a target was chosen ("CloudWatch metrics for your Application Load
      // Balancer"): with no healthy target every request is an ELB 503 and RequestCount is missing. Counting the
      // errors into the total makes that outage 100 %, where dividing by RequestCount alone read 0 %.
      { id: "total", expression: errors.includes("Target") ? "FILL(requests, 0)" : "FILL(requests, 0) + e", label: "requests", returnData: false },
      { id: "rate", expression: "IF(total > 0, 100 * e / total, 0)", label, returnData: true },
    ];

    const loadBalancerErrors = this.alarm("alb-5xx-rate", {
      severity: "page",
      description: `More than ${t.http5xxRatePercent}% of requests fail at the load balancer (no healthy target, or it cannot reach one). Check target health and the app tier's instances first.`,
      query: rate("HTTPCode_ELB_5XX_Count", "ELB 5xx %"),
      comparison: "GreaterThanThreshold", threshold: t.http5xxRatePercent, evaluationPeriods: 5, datapointsToAlarm: 3, treatMissingData: "notBreaching",
    });
    const appErrors = this.alarm("target-5xx-rate", {
      severity: "page",
      description: `More than ${t.http5xxRatePercent}% of requests fail in the app. Check the app logs (/medicare-hub/${environment}/app) and the last deploy; deploy the previous configuration if it started then.`,
      query: rate("HTTPCode_Target_5XX_Count", "Target 5xx %"),
      comparison: "GreaterThanThreshold", threshold: t.http5xxRatePercent, evaluationPeriods: 5, datapointsToAlarm: 3, treatMissingData: "notBreaching",
    });
    this.userErrorAlarms = { loadBalancer: loadBalancerErrors, app: appErrors };
    this.alarm("unhealthy-hosts", {
      severity: "ticket",
      description: "An instance fails its /health check. The Auto Scaling Group replaces it on its own; if this stays in alarm, replacements fail too: read their bootstrap logs.",
      metric: { namespace: "AWS/ApplicationELB", name: "UnHealthyHostCount", stat: "Maximum", dimensions: targets },
      comparison: "GreaterThanThreshold", threshold: 0, evaluationPeriods: 3, datapointsToAlarm: 2, treatMissingData: "notBreaching",
    });
    // A routine replacement leaves one target short of desired for a boot; that is the unhealthy-hosts ticket, not a
    // page. Users are affected when no target is healthy, or when the shortfall is two or more and outlasts two boots
    // (a stuck group, a lost AZ), which a scale-out of several instances at once does not.
    this.alarm("no-healthy-hosts", {
      severity: "page",
      description: "No healthy target: every request is answered 503 by the load balancer. Check the targets' health reasons and the group's activity history.",
      metric: { namespace: "AWS/ApplicationELB", name: "HealthyHostCount", stat: "Minimum", dimensions: targets },
      comparison: "LessThanThreshold", threshold: 1, evaluationPeriods: 3, datapointsToAlarm: 2, treatMissingData: "breaching",
    });
    const shortfallMinutes = Math.max(10, Math.ceil((2 * props.instanceReadySeconds) / 60));
    this.alarm("healthy-hosts-below-desired", {
      severity: "page",
      description: `At least two fewer healthy targets than the group's desired capacity for ${shortfallMinutes} minutes: replacements keep failing, or an AZ holding two or more targets is lost. Check which AZ's targets are missing and the group's activity history.`,
      query: [
        metric("healthy", "AWS/ApplicationELB", "HealthyHostCount", "Minimum", targets),
        metric("desired", "AWS/AutoScaling", "GroupDesiredCapacity", "Maximum", group),
        { id: "shortfall", expression: "desired - FILL(healthy, 0)", label: "healthy targets short of desired", returnData: true },
      ],
      comparison: "GreaterThanThreshold", threshold: 1, evaluationPeriods: shortfallMinutes, datapointsToAlarm: shortfallMinutes, treatMissingData: "notBreaching",
    });
    // p99 over 5 minutes, and only with enough requests for a 99th percentile to mean anything: of fewer than 100
    // requests, the "p99" is the slowest single one, which at night is one slow report, not a slow service.
    this.alarm("p99-latency", {
      severity: "ticket",
      description: `The slowest 1% of requests take over ${t.p99LatencyMilliseconds} ms, over 5-minute periods with at least ${P99_MINIMUM_REQUESTS_PER_5_MINUTES} requests. Check database load (CPU, connections) and whether the group is scaling out.`,
      query: [
        metric("latency", "AWS/ApplicationELB", "TargetResponseTime", "p99", alb, 300),
        metric("requests", "AWS/ApplicationELB", "RequestCount", "Sum", alb, 300),
        { id: "p99", expression: `IF(FILL(requests, 0) >= ${P99_MINIMUM_REQUESTS_PER_5_MINUTES}, latency, 0)`, label: "p99 response time (s), busy periods", returnData: true },
      ],
      comparison: "GreaterThanThreshold", threshold: t.p99LatencyMilliseconds / 1000, evaluationPeriods: 3, datapointsToAlarm: 3, treatMissingData: "notBreaching",
    });
    this.alarm("in-service-below-minimum", {
      severity: "page",
      description: `Fewer than ${props.minCapacity} instances in service in the Auto Scaling Group. Check its activity history for failed launches (capacity, quotas, AMI, bootstrap).`,
      metric: { namespace: "AWS/AutoScaling", name: "GroupInServiceInstances", stat: "Minimum", dimensions: group },
      comparison: "LessThanThreshold", threshold: props.minCapacity, evaluationPeriods: 5, datapointsToAlarm: 3, treatMissingData: "breaching",
    });

    this.alarm("in-service-below-desired", {
      severity: "ticket",
      description: "The group has run below its desired capacity for 15 minutes: launches keep failing (capacity in an AZ, a quota, the AMI, a key). Check its activity history.",
      query: [
        metric("inservice", "AWS/AutoScaling", "GroupInServiceInstances", "Minimum", group),
        metric("desired", "AWS/AutoScaling", "GroupDesiredCapacity", "Maximum", group),
        { id: "missing", expression: "desired - inservice", label: "instances short of desired", returnData: true },
      ],
      comparison: "GreaterThanThreshold", threshold: 0, evaluationPeriods: 15, datapointsToAlarm: 15, treatMissingData: "notBreaching",
    });
    this.alarm("at-max-capacity", {
      severity: "ticket",
      description: "The group has run at its maximum size for 15 minutes: scaling cannot add capacity if load grows further. Check the load and raise app.maxCapacity if it is real.",
      query: [
        metric("inservice", "AWS/AutoScaling", "GroupInServiceInstances", "Minimum", group),
        metric("max", "AWS/AutoScaling", "GroupMaxSize", "Maximum", group),
        { id: "atmax", expression: "inservice >= max", label: "at maximum size", returnData: true },
      ],
      comparison: "GreaterThanOrEqualToThreshold", threshold: 1, evaluationPeriods: 15, datapointsToAlarm: 15, treatMissingData: "notBreaching",
    });

    const db = { DBInstanceIdentifier: r.databaseIdentifier };
    this.alarm("database-cpu", {
      severity: "ticket",
      description: `Database CPU above ${t.databaseCpuPercent}% for 15 minutes. Look at Performance Insights for the top statements; scale the instance class if the load is real.`,
      metric: { namespace: "AWS/RDS", name: "CPUUtilization", stat: "Average", dimensions: db, period: 300 },
      comparison: "GreaterThanThreshold", threshold: t.databaseCpuPercent, evaluationPeriods: 3, treatMissingData: "missing",
    });
    this.alarm("database-free-storage", {
      severity: "page",
      description: `Less than ${t.databaseFreeStoragePercent}% of the database's initial storage is free (a floor: storage autoscales, and the database-low-storage event pages when it cannot). Check it has not reached maxAllocatedStorageGib.`,
      metric: { namespace: "AWS/RDS", name: "FreeStorageSpace", stat: "Minimum", dimensions: db, period: 300 },
      comparison: "LessThanThreshold", threshold: Math.round(props.databaseAllocatedStorageGib * 2 ** 30 * (t.databaseFreeStoragePercent / 100)),
      evaluationPeriods: 2, treatMissingData: "breaching",
    });
    this.alarm("database-freeable-memory", {
      severity: "ticket",
      description: `Less than ${t.databaseFreeableMemoryMib} MiB of database memory is free: queries will spill to disk and slow down. Check connections and Performance Insights; consider a larger class.`,
      metric: { namespace: "AWS/RDS", name: "FreeableMemory", stat: "Minimum", dimensions: db, period: 300 },
      comparison: "LessThanThreshold", threshold: t.databaseFreeableMemoryMib * 2 ** 20, evaluationPeriods: 3, treatMissingData: "breaching",
    });
    this.alarm("database-connections", {
      severity: "ticket",
      description: `More than ${t.databaseConnections} database connections: a connection leak or a scale-out storm. Check the app's pool settings and instance count.`,
      metric: { namespace: "AWS/RDS", name: "DatabaseConnections", stat: "Maximum", dimensions: db },
      comparison: "GreaterThanThreshold", threshold: t.databaseConnections, evaluationPeriods: 5, datapointsToAlarm: 3, treatMissingData: "missing",
    });
    this.alarm("efs-io-limit", {
      severity: "ticket",
      description: `The shared file system is at ${t.efsIoLimitPercent}% of its I/O limit: file operations will slow down. Check which instances drive the I/O.`,
      metric: { namespace: "AWS/EFS", name: "PercentIOLimit", stat: "Maximum", dimensions: { FileSystemId: r.fileSystemId } },
      comparison: "GreaterThanThreshold", threshold: t.efsIoLimitPercent, evaluationPeriods: 5, datapointsToAlarm: 3, treatMissingData: "notBreaching",
    });
    if (r.fileSystemReplica) {
      // TimeSinceLastSync (AWS/EFS, dimensions FileSystemId = the source and DestinationFileSystemId, seconds: "CloudWatch
      // metrics for Amazon EFS"). EFS replicates most file systems within 15 minutes; an hour behind, for two periods of
      // 15 minutes, is the recovery point slipping. Missing data counts as behind: a copy nobody hears from is not one.
      const replica = r.fileSystemReplica;
      this.alarm("efs-replication-behind", {
        severity: "ticket",
        description: "The file system's copy in the recovery region is more than an hour behind (or reports nothing): a region loss now would lose that hour of files. Check the replication configuration's status (ENABLED, PAUSED, ERROR) and its destination key.",
        metric: { namespace: "AWS/EFS", name: "TimeSinceLastSync", stat: "Maximum", dimensions: { FileSystemId: replica.sourceId, DestinationFileSystemId: replica.destinationId }, period: 900 },
        comparison: "GreaterThanThreshold", threshold: 3600, evaluationPeriods: 2, treatMissingData: "breaching",
      });
    }
    if (r.standby) this.standbyAlarms(props, r.standby);
    // One alarm per WAF rule, never the sum of all: a blocked scanner, a flood and a managed rule blocking clinicians
    // are different stories with different fixes. All tickets: the firewall working is not an outage.
    const webAcl = r.webAclName;
    for (const rule of webAcl ? (r.wafRules ?? []) : []) {
      const acl = (ruleDimension: string) => ({ WebACL: webAcl as string, Region: props.region, Rule: ruleDimension });
      if (rule.kind === "rate-limit") {
        this.alarm("waf-rate-limit-blocking", {
          severity: "ticket",
          description: `The per-IP rate limit blocked more than ${t.wafBlockedRequestsPer5Minutes} requests in 5 minutes: a flood from a few addresses, or a hospital's shared egress address over the limit. Read the rule's sampled requests; exempt a shared egress range with loadBalancer.wafRateLimitExemptCidrs.`,
          metric: { namespace: "AWS/WAFV2", name: "BlockedRequests", stat: "Sum", dimensions: acl(rule.metricName), period: 300 },
          comparison: "GreaterThanThreshold", threshold: t.wafBlockedRequestsPer5Minutes, evaluationPeriods: 1, treatMissingData: "notBreaching",
        });
        continue;
      }
      // AWSManagedRulesCommonRuleSet -> waf-common-rule-set-blocking: alarm ids are kebab-case Terraform addresses.
      const short = rule.rule.replace(/^AWSManagedRules/, "").replace(/([a-z0-9])([A-Z])/g, "$1-$2").toLowerCase();
      this.alarm(`waf-${short}-blocking`, {
        severity: "ticket",
        runbook: "waf-rule-blocking",
        description: `The AWS managed rule group ${rule.rule} has blocked more than ${t.wafRuleBlockedPercent}% of all requests for 15 minutes (with at least ${WAF_MINIMUM_REQUESTS_PER_5_MINUTES} requests per 5 minutes): a sustained attack, or the rule blocking real users. Read its sampled requests: many different clients on ordinary pages means a false positive; set the sub-rule to count.`,
        query: [
          metric("blocked", "AWS/WAFV2", "BlockedRequests", "Sum", acl(rule.metricName), 300),
          metric("allblocked", "AWS/WAFV2", "BlockedRequests", "Sum", acl("ALL"), 300),
          metric("allallowed", "AWS/WAFV2", "AllowedRequests", "Sum", acl("ALL"), 300),
          { id: "all", expression: "FILL(allblocked, 0) + FILL(allallowed, 0)", label: "requests seen by the web ACL", returnData: false },
          {
            id: "share",
            expression: `IF(all >= ${WAF_MINIMUM_REQUESTS_PER_5_MINUTES}, 100 * FILL(blocked, 0) / all, 0)`,
            label: `% of requests blocked by ${rule.rule}`,
            returnData: true,
          },
        ],
        comparison: "GreaterThanThreshold", threshold: t.wafRuleBlockedPercent, evaluationPeriods: 3, datapointsToAlarm: 3, treatMissingData: "notBreaching",
      });
    }
    // Outside-in: a canary run fails when the public URL does not answer as users need (constructs/canary/journey.js).
    // Two failed runs of three, so one lost run (a cold start, a blip on the internet) is not a page. Missing points are
    // left out ("missing"): with "breaching", one failed run next to a run not yet published would count as two, and a
    // new alarm would page before the first run. A canary that stopped running is its own alarm below.
    for (const canary of r.canaries ?? []) {
      const journey = canary.kind === "journey";
      this.alarm(`canary-${canary.kind}-failed`, {
        severity: journey ? "page" : "ticket",
        description: journey
          ? `The synthetic check of the public journey (canary ${canary.name}) failed 2 of its last 3 runs: from outside, users cannot reach the app (DNS, certificate, WAF, load balancer, or the maintenance page is being served). Read the failed runs' messages in the canary console.`
          : `The synthetic check of the maintenance page (canary ${canary.name}) failed 2 of its last 3 runs: a DNS failover would send users to a broken page. Check the CloudFront distribution and its bucket.`,
        metric: { namespace: "CloudWatchSynthetics", name: "SuccessPercent", stat: "Average", dimensions: { CanaryName: canary.name }, period: canary.intervalSeconds },
        comparison: "LessThanThreshold", threshold: 100, evaluationPeriods: 3, datapointsToAlarm: 2, treatMissingData: "missing",
      });
      // No run reported for three intervals: the canary stopped (a deprecated runtime, a deleted function, a failed
      // start), and nothing outside is watching. A ticket: users are not affected by it, but the blind spot is real.
      this.alarm(`canary-${canary.kind}-stopped`, {
        severity: "ticket",
        runbook: "canary-stopped",
        description: `The synthetic check ${canary.name} has reported no run for three intervals: it stopped, and the public journey is unwatched from outside. Check the canary's state and its last error in the console.`,
        metric: { namespace: "CloudWatchSynthetics", name: "SuccessPercent", stat: "SampleCount", dimensions: { CanaryName: canary.name }, period: canary.intervalSeconds },
        comparison: "LessThanThreshold", threshold: 1, evaluationPeriods: 3, datapointsToAlarm: 3, treatMissingData: "breaching",
      });
    }

    // The availability SLI of the user journey: requests answered 5xx by the load balancer (no target, none reachable)
    // or by the app, over every request, the no-target ones included (see the rate above).
    const budget = 1 - props.availabilitySloPercent / 100;
    const sli = (period: number, label: string): CloudwatchMetricAlarmMetricQuery[] => [
      metric("elb", "AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count", "Sum", alb, period),
      metric("target", "AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", "Sum", targets, period),
      metric("requests", "AWS/ApplicationELB", "RequestCount", "Sum", alb, period),
      { id: "bad", expression: "FILL(elb, 0) + FILL(target, 0)", label: "failed requests", returnData: false },
      { id: "total", expression: "FILL(requests, 0) + FILL(elb, 0)", label: "requests", returnData: false },
      { id: "ratio", expression: "IF(total > 0, bad / total, 0)", label, returnData: true },
    ];
    for (const burn of BURN_RATE_ALERTS) {
      const windows = [
        ["long", burn.longSeconds],
        ["short", burn.shortSeconds],
      ] as const;
      const children = windows.map(([which, seconds]) =>
        this.alarm(
          `${burn.id}-${which}`,
          {
            severity: burn.severity,
            runbook: burn.id,
            description: `The share of failed requests over ${seconds / 60} minutes exceeds ${burn.burn} x the error budget of the ${props.availabilitySloPercent} % SLO (one window of ${burn.id}).`,
            query: sli(seconds, `failed share, ${seconds / 60} min`),
            comparison: "GreaterThanThreshold",
            threshold: burn.burn * budget,
            evaluationPeriods: 1,
            treatMissingData: "notBreaching",
          },
          undefined,
          undefined,
          false,
        ),
      );
      const target = burn.severity === "page" ? this.topic : this.ticketTopic;
      // Names, not references, in the rule: a reference inside the rule string is written as invalid HCL by cdktf 0.21.
      const composite = new CloudwatchCompositeAlarm(this, burn.id, {
        alarmName: resourceName(environment, burn.id),
        alarmDescription: `[${burn.severity.toUpperCase()}] The availability SLO (${props.availabilitySloPercent} %) is burning ${burn.burn}x too fast: ${burn.meaning}. Users are seeing errors: follow the 5xx alarms to the failing layer. Runbook: ${RUNBOOK_DOC}#${burn.id}`,
        alarmRule: windows.map(([which]) => `ALARM("${resourceName(environment, `${burn.id}-${which}`)}")`).join(" AND "),
        alarmActions: [target.arn],
        okActions: [target.arn],
        tags: { Severity: burn.severity, Runbook: `${RUNBOOK_DOC}#${burn.id}` },
        dependsOn: children,
      });
      this.compositeAlarms.push(composite);
    }

    // Signals that no user sees yet, worked as tickets: NAT gateways that cannot open connections (the instances' way
    // out), alert deliveries that fail, and app logs that stop arriving ("Monitoring NAT gateways with CloudWatch",
    // "Amazon SNS metrics", "CloudWatch Logs metrics").
    (r.natGatewayIds ?? []).forEach((natGatewayId, i) => {
      this.alarm(`nat-${i + 1}-port-allocation-errors`, {
        severity: "ticket",
        description: `NAT gateway ${i + 1} could not allocate a source port: instances behind it cannot open new connections (packages, AWS APIs without an endpoint). Check its ActiveConnectionCount.`,
        metric: { namespace: "AWS/NATGateway", name: "ErrorPortAllocation", stat: "Sum", dimensions: { NatGatewayId: natGatewayId }, period: 300 },
        comparison: "GreaterThanThreshold", threshold: 0, evaluationPeriods: 1, treatMissingData: "notBreaching",
        runbook: "nat-port-allocation-errors",
      });
      // "A value greater than zero may indicate an ongoing transient issue with the NAT gateway"; AWS suggests alarming
      // on more than 0.01 % of the packets it handles ("Monitoring NAT gateways with CloudWatch", PacketsDropCount).
      const nat = { NatGatewayId: natGatewayId };
      this.alarm(`nat-${i + 1}-packets-dropped`, {
        severity: "ticket",
        description: `NAT gateway ${i + 1} drops more than 0.01 % of its packets: connections out of its AZ fail or stall. Check the AWS Health Dashboard for the AZ and its ErrorPortAllocation.`,
        query: [
          metric("dropped", "AWS/NATGateway", "PacketsDropCount", "Sum", nat, 300),
          metric("fromsource", "AWS/NATGateway", "PacketsInFromSource", "Sum", nat, 300),
          metric("fromdestination", "AWS/NATGateway", "PacketsInFromDestination", "Sum", nat, 300),
          { id: "packets", expression: "FILL(fromsource, 0) + FILL(fromdestination, 0)", label: "packets in", returnData: false },
          { id: "droppct", expression: "IF(packets > 0, 100 * FILL(dropped, 0) / packets, 0)", label: "dropped %", returnData: true },
        ],
        comparison: "GreaterThanThreshold", threshold: 0.01, evaluationPeriods: 3, datapointsToAlarm: 2, treatMissingData: "notBreaching",
        runbook: "nat-packets-dropped",
      });
    });
    this.alarm("alerts-delivery-failed", {
      severity: "ticket",
      description: "Notifications from the page topic failed to deliver: pages may not be reaching the on-call person. Check the subscriptions (confirmed? endpoint up?).",
      metric: { namespace: "AWS/SNS", name: "NumberOfNotificationsFailed", stat: "Sum", dimensions: { TopicName: resourceName(environment, "alerts") }, period: 300 },
      comparison: "GreaterThanThreshold", threshold: 0, evaluationPeriods: 1, treatMissingData: "notBreaching",
    });
    if (r.appLogGroupName) {
      this.alarm("app-logs-stopped", {
        severity: "ticket",
        description: "No app log event has arrived for 15 minutes although instances run: the CloudWatch agent or the instances are broken, and the next failure will leave no logs. Check the agent's status on one instance through Session Manager.",
        metric: { namespace: "AWS/Logs", name: "IncomingLogEvents", stat: "Sum", dimensions: { LogGroupName: r.appLogGroupName }, period: 300 },
        comparison: "LessThanThreshold", threshold: 1, evaluationPeriods: 3, treatMissingData: "breaching",
      });
    }

    this.alarm(
      "route53-health-check",
      {
        severity: "page",
        description: "Route 53 sees the load balancer as unhealthy from the internet: DNS is failing over to the maintenance page (when configured). Check the load balancer and its targets.",
        metric: { namespace: "AWS/Route53", name: "HealthCheckStatus", stat: "Minimum", dimensions: { HealthCheckId: r.healthCheckId } },
        comparison: "LessThanThreshold", threshold: 1, evaluationPeriods: 2, treatMissingData: "breaching",
      },
      this.globalTopic,
      props.usEast1,
    );
    if (r.deepHealthCheckId) {
      this.alarm(
        "deep-health-check",
        {
          severity: "page",
          description: "The app answers, but most of its instances cannot reach the database or their shared files (/health/deep, probed by Route 53): users get errors although every target is healthy. Check the database's status and security groups, then EFS.",
          metric: { namespace: "AWS/Route53", name: "HealthCheckStatus", stat: "Minimum", dimensions: { HealthCheckId: r.deepHealthCheckId } },
          comparison: "LessThanThreshold", threshold: 1, evaluationPeriods: 3, datapointsToAlarm: 2, treatMissingData: "breaching",
        },
        this.globalTopic,
        props.usEast1,
      );
    }

    new CloudwatchDashboard(this, "dashboard", {
      dashboardName: resourceName(environment, "overview"),
      dashboardBody: Fn.jsonencode(dashboardBody(props)),
    });
  }

  /**
   * The standby's alarms, in the recovery region, to a ticket topic there: a standby falling behind or unable to serve
   * is lost protection, not an outage.
   */
  private standbyAlarms(props: MonitoringProps, standby: StandbyResources): void {
    // A pilot light restored at failover runs nothing and replicates nothing of its own before it: nothing to watch.
    if (!standby.replicaIdentifier && !standby.warm) return;
    const key = this.alertsKey("alerts-recovery-key", props, standby.region, standby.provider, false);
    const ticketEmail = props.ticketEmail ?? props.email;
    const topic = this.alertsTopic("dr-tickets", props, key, ticketEmail ? [{ protocol: "email", endpoint: ticketEmail }] : [], standby.provider);
    // ReplicaLag (AWS/RDS, seconds, dimension DBInstanceIdentifier: "Amazon CloudWatch metrics for Amazon RDS"): how far
    // the cross-region replica is behind, the data a region loss would take with it. EFS's copy is allowed 15 minutes
    // ("Amazon EFS replication"); the database the same, for three minutes in a row. An idle PostgreSQL source makes
    // its replica report up to 5 minutes ("Working with read replicas for Amazon RDS for PostgreSQL"), under it. RDS
    // reports -1 when it cannot tell and nothing when replication is broken: both count as behind.
    const replica = standby.replicaIdentifier;
    if (replica) {
      this.alarm(
        "dr-replica-lag",
        {
          severity: "ticket",
          description: "The database's replica in the recovery region is more than 15 minutes behind (or replication has stopped): a region loss now would lose that much. Check the replica's replication state and the source's transaction log usage.",
          metric: { namespace: "AWS/RDS", name: "ReplicaLag", stat: "Maximum", dimensions: { DBInstanceIdentifier: replica } },
          comparison: "GreaterThanThreshold", threshold: 900, evaluationPeriods: 3, datapointsToAlarm: 3, treatMissingData: "breaching",
        },
        topic,
        standby.provider,
      );
      this.alarm(
        "dr-replica-lag-unknown",
        {
          severity: "ticket",
          runbook: "dr-replica-lag",
          description: "RDS cannot tell how far the database's replica in the recovery region is behind (ReplicaLag -1): replication may be broken. Check the replica's status and its replication error.",
          metric: { namespace: "AWS/RDS", name: "ReplicaLag", stat: "Minimum", dimensions: { DBInstanceIdentifier: replica } },
          comparison: "LessThanThreshold", threshold: 0, evaluationPeriods: 5, datapointsToAlarm: 5, treatMissingData: "notBreaching",
        },
        topic,
        standby.provider,
      );
    }
    if (standby.warm?.reachabilityCheckId) {
      const ticketsThere = this.alertsTopic("dr-tickets-us-east-1", props, this.globalKey, ticketEmail ? [{ protocol: "email", endpoint: ticketEmail }] : [], props.usEast1);
      this.alarm(
        "dr-standby-unreachable",
        {
          severity: "ticket",
          description: "Route 53 cannot reach the warm standby's load balancer over HTTPS (/health) for 5 minutes: its listener, certificate, firewall or instances are broken, and a failover would find them so. Check the standby's listener and certificate, then its targets.",
          metric: { namespace: "AWS/Route53", name: "HealthCheckStatus", stat: "Minimum", dimensions: { HealthCheckId: standby.warm.reachabilityCheckId } },
          comparison: "LessThanThreshold", threshold: 1, evaluationPeriods: 5, datapointsToAlarm: 5, treatMissingData: "breaching",
        },
        ticketsThere,
        props.usEast1,
      );
    }
    if (standby.warm) {
      this.alarm(
        "dr-standby-unhealthy",
        {
          severity: "ticket",
          description: "The warm standby in the recovery region has no healthy instance: a region loss now would fail over to an empty load balancer. Check the standby group's activity and its instances' bootstrap log.",
          metric: {
            namespace: "AWS/ApplicationELB",
            name: "HealthyHostCount",
            stat: "Minimum",
            dimensions: { LoadBalancer: standby.warm.loadBalancerArnSuffix, TargetGroup: standby.warm.targetGroupArnSuffix },
          },
          comparison: "LessThanThreshold", threshold: 1, evaluationPeriods: 5, datapointsToAlarm: 5, treatMissingData: "breaching",
        },
        topic,
        standby.provider,
      );
    }
  }

  private alarm(id: string, spec: AlarmSpec, topic?: SnsTopic, provider?: TerraformProvider, notify = true): CloudwatchMetricAlarm {
    const target = topic ?? (spec.severity === "page" ? this.topic : this.ticketTopic);
    const runbook = `${RUNBOOK_DOC}#${spec.runbook ?? id}`;
    const metricProps = spec.metric
      ? {
          namespace: spec.metric.namespace,
          metricName: spec.metric.name,
          dimensions: spec.metric.dimensions,
          period: spec.metric.period ?? DEFAULT_ALARM_PERIOD_SECONDS,
          ...(/^p\d/.test(spec.metric.stat) ? { extendedStatistic: spec.metric.stat } : { statistic: spec.metric.stat }),
        }
      : { metricQuery: spec.query };
    const alarm = new CloudwatchMetricAlarm(this, id, {
      provider,
      alarmName: resourceName(this.environment, id),
      alarmDescription: `[${spec.severity.toUpperCase()}] ${spec.description} Runbook: ${runbook}`,
      comparisonOperator: spec.comparison,
      threshold: spec.threshold,
      evaluationPeriods: spec.evaluationPeriods,
      datapointsToAlarm: spec.datapointsToAlarm,
      treatMissingData: spec.treatMissingData,
      // A window of a burn-rate pair notifies nobody itself: its composite alarm does (guardrail MH-OBS-1 follows it).
      alarmActions: notify ? [target.arn] : undefined,
      okActions: notify ? [target.arn] : undefined,
      tags: { Severity: spec.severity, Runbook: runbook },
      ...metricProps,
    });
    this.alarms.push(alarm);
    return alarm;
  }

  private alertsTopic(
    id: string,
    props: MonitoringProps,
    key: KmsKeyRef,
    subscriptions: readonly { protocol: string; endpoint: string }[],
    provider?: TerraformProvider,
    rules: readonly CloudwatchEventRule[] = [],
  ): SnsTopic {
    const topic = new SnsTopic(this, id, { provider, name: resourceName(props.environment, id), kmsMasterKeyId: key.arn });
    const policy = new DataAwsIamPolicyDocument(this, `${id}-policy-document`, {
      provider,
      statement: alertsTopicStatements(topic.arn, props, rules.map((rule) => rule.arn)),
    });
    new SnsTopicPolicy(this, `${id}-policy`, { provider, arn: topic.arn, policy: policy.json });
    subscriptions.forEach(({ protocol, endpoint }, i) => {
      // The first e-mail keeps its original id: renaming it would drop and re-request a confirmed subscription.
      const subscriptionId = protocol === "email" ? `${id}-email` : `${id}-${protocol}-${i}`;
      new SnsTopicSubscription(this, subscriptionId, { provider, topicArn: topic.arn, protocol, endpoint });
    });
    return topic;
  }

  /**
   * A key of each alerts topic's own: alarm text is no PHI, and the statements AWS services need to publish (EventBridge's
   * cannot be scoped by source) stay off the key that protects volumes, files, logs and backups. Keys are regional, so
   * the us-east-1 topic has its own too.
   */
  private alertsKey(id: string, props: MonitoringProps, region: string, provider?: TerraformProvider, usEast1 = provider !== undefined): KmsKey {
    return customerKey(this, id, {
      provider,
      accountId: props.accountId,
      partition: props.partition,
      description: `MediCare Hub ${props.environment}: the ${usEast1 ? "us-east-1" : region === props.region ? "regional" : `${region} (recovery region)`} alerts topic`,
      // The us-east-1 alias predates the regional key; the regional one names its region so the two never collide.
      alias: usEast1 ? resourceName(props.environment, "alerts") : resourceName(props.environment, `alerts-${region}`),
      preventDestroy: props.preventDestroy ?? true,
      statements: [
        ...alarmsPublishToEncryptedTopics({ accountId: props.accountId, partition: props.partition, region, environment: props.environment }),
        // Only the regional topics receive EventBridge rules' events.
        ...(usEast1 || region !== props.region ? [] : [eventsPublishToEncryptedTopics()]),
      ],
    });
  }
}

/** One row of widgets per layer, with the signals the alarms watch. */
export function dashboardBody(props: Pick<MonitoringProps, "region" | "resources">): object {
  const r = props.resources;
  const widget = (title: string, metrics: unknown[][], x: number, y: number, region = props.region) => ({
    type: "metric",
    x,
    y,
    width: 8,
    height: 6,
    properties: { title, region, view: "timeSeries", stat: "Sum", period: 60, metrics },
  });
  const widgets = [
    widget("Load balancer: requests and 5xx", [
      ["AWS/ApplicationELB", "RequestCount", "LoadBalancer", r.loadBalancerArnSuffix],
      ["AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count", "LoadBalancer", r.loadBalancerArnSuffix],
      ["AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", "LoadBalancer", r.loadBalancerArnSuffix],
    ], 0, 0),
    widget("Load balancer: p99 response time", [["AWS/ApplicationELB", "TargetResponseTime", "LoadBalancer", r.loadBalancerArnSuffix, { stat: "p99" }]], 8, 0),
    widget("Targets: healthy and unhealthy", [
      ["AWS/ApplicationELB", "HealthyHostCount", "TargetGroup", r.targetGroupArnSuffix, "LoadBalancer", r.loadBalancerArnSuffix, { stat: "Minimum" }],
      ["AWS/ApplicationELB", "UnHealthyHostCount", "TargetGroup", r.targetGroupArnSuffix, "LoadBalancer", r.loadBalancerArnSuffix, { stat: "Maximum" }],
    ], 16, 0),
    widget("App tier: instances in service", [["AWS/AutoScaling", "GroupInServiceInstances", "AutoScalingGroupName", r.autoScalingGroupName, { stat: "Minimum" }]], 0, 6),
    widget("Database: CPU and connections", [
      ["AWS/RDS", "CPUUtilization", "DBInstanceIdentifier", r.databaseIdentifier, { stat: "Average" }],
      ["AWS/RDS", "DatabaseConnections", "DBInstanceIdentifier", r.databaseIdentifier, { stat: "Maximum" }],
    ], 8, 6),
    widget("Database: free storage and memory", [
      ["AWS/RDS", "FreeStorageSpace", "DBInstanceIdentifier", r.databaseIdentifier, { stat: "Minimum" }],
      ["AWS/RDS", "FreeableMemory", "DBInstanceIdentifier", r.databaseIdentifier, { stat: "Minimum" }],
    ], 16, 6),
    widget("Shared storage: percent of I/O limit", [["AWS/EFS", "PercentIOLimit", "FileSystemId", r.fileSystemId, { stat: "Maximum" }]], 0, 12),
    widget("DNS: Route 53 health check (1 = healthy)", [["AWS/Route53", "HealthCheckStatus", "HealthCheckId", r.healthCheckId, { stat: "Minimum" }]], 8, 12, "us-east-1"),
  ];
  if (r.webAclName) {
    widgets.push(widget("WAF: blocked requests", [["AWS/WAFV2", "BlockedRequests", "WebACL", r.webAclName, "Region", props.region, "Rule", "ALL"]], 16, 12));
  }
  return { widgets };
}
