import { Fn, type TerraformProvider } from "cdktf";
import { Construct } from "constructs";
import { CloudwatchDashboard } from "@cdktf/provider-aws/lib/cloudwatch-dashboard";
import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { CloudwatchMetricAlarm, type CloudwatchMetricAlarmMetricQuery } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import type { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SnsTopicPolicy } from "@cdktf/provider-aws/lib/sns-topic-policy";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription";
import { alarmSource, alarmsPublishToEncryptedTopics, customerKey, eventsPublishToEncryptedTopics } from "./encryption";
import { databaseIdentifier, resourceName } from "./naming";
import type { KmsKeyRef } from "./secure-bucket";

/** What each layer's alarms watch, by construct-independent identifiers (dimensions). */
export interface MonitoredResources {
  readonly loadBalancerArnSuffix: string;
  readonly targetGroupArnSuffix: string;
  readonly autoScalingGroupName: string;
  readonly databaseIdentifier: string;
  readonly fileSystemId: string;
  /** The Route 53 health check of the load balancer (its metrics exist in us-east-1 only). */
  readonly healthCheckId: string;
  /** The WAF web ACL's name, when there is one. */
  readonly webAclName?: string;
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
}

export interface MonitoringProps {
  readonly environment: string;
  readonly accountId: string;
  readonly region: string;
  readonly partition: string;
  readonly resources: MonitoredResources;
  readonly thresholds: AlarmThresholds;
  /** Instances the group never goes below: fewer healthy or in service is an alarm. */
  readonly minCapacity: number;
  /** Allocated database storage, for the free-storage threshold. */
  readonly databaseAllocatedStorageGib: number;
  /**
   * Whether AWS Backup copies recovery points to another vault: only then is a failed copy job possible, and alarmed.
   * @default false
   */
  readonly backupCopies?: boolean;
  /** us-east-1, where Route 53 health-check metrics live; its alarm and topic must be there too. */
  readonly usEast1: TerraformProvider;
  /** Who is e-mailed. @default - alarms only notify the topics (subscribe a pager to them) */
  readonly email?: string;
  /** `prevent_destroy` on the us-east-1 alerts key, like every other key of the environment. */
  readonly preventDestroy: boolean;
}

interface AlarmSpec {
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
export function eventPatterns(databaseIdentifier: string): Record<string, { description: string; pattern: object }> {
  return {
    "backup-job-failed": {
      description: "An AWS Backup job in this account and region failed, was aborted or expired: a recovery point is missing. Read the job's status message in AWS Backup.",
      pattern: { source: ["aws.backup"], "detail-type": ["Backup Job State Change"], detail: { state: ["FAILED", "ABORTED", "EXPIRED"] } },
    },
    "backup-copy-failed": {
      description: "An AWS Backup copy job failed: the cross-region copy of a recovery point is missing.",
      pattern: { source: ["aws.backup"], "detail-type": ["Copy Job State Change"], detail: { state: ["FAILED"] } },
    },
    "database-low-storage": {
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

/** One metric of a metric-math alarm, at one-minute resolution. */
function metric(id: string, namespace: string, metricName: string, stat: string, dimensions: Record<string, string>): CloudwatchMetricAlarmMetricQuery {
  return { id, returnData: false, metric: { namespace, metricName, stat, period: 60, dimensions } };
}

/**
 * Alarms that reach a human: an encrypted SNS topic (e-mailed when configured) and, per layer, alarms whose
 * description says what to do; the same signals on a dashboard. Route 53 health-check metrics only exist in
 * us-east-1, so that alarm has its own topic and key there.
 */
export class Monitoring extends Construct {
  readonly topic: SnsTopic;
  readonly globalTopic: SnsTopic;
  readonly alarms: CloudwatchMetricAlarm[] = [];
  /** Alarms by id (e.g. "alb-5xx-rate"), for layers that act on them (failure experiments stop on them). */
  readonly alarmsById: Record<string, CloudwatchMetricAlarm> = {};
  /** EventBridge rules that notify the alerts topic (failed backups, database low storage). */
  readonly eventRules: CloudwatchEventRule[] = [];
  private readonly environment: string;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const { environment, resources: r, thresholds: t } = props;
    this.environment = environment;
    // The pattern names the database by its identifier as configured, not by reference: cdktf 0.21 writes a JSON string
    // holding a reference as invalid HCL, and the identifier is fixed by naming.ts anyway.
    const patterns = eventPatterns(databaseIdentifier(environment));
    if (!props.backupCopies) delete patterns["backup-copy-failed"];
    this.eventRules = Object.entries(patterns).map(
      ([ruleId, { description, pattern }]) =>
        new CloudwatchEventRule(this, ruleId, {
          name: resourceName(environment, ruleId),
          description: `MediCare Hub ${environment}: ${description}`,
          eventPattern: JSON.stringify(pattern),
        }),
    );
    this.topic = this.alertsTopic("alerts", props, this.alertsKey("alerts-key", props, props.region), undefined, this.eventRules);
    this.globalTopic = this.alertsTopic("alerts-us-east-1", props, this.alertsKey("alerts-us-east-1-key", props, "us-east-1", props.usEast1), props.usEast1);
    for (const rule of this.eventRules) {
      new CloudwatchEventTarget(this, `${rule.node.id}-to-alerts`, { rule: rule.name, arn: this.topic.arn });
    }

    const alb = { LoadBalancer: r.loadBalancerArnSuffix };
    const targets = { LoadBalancer: r.loadBalancerArnSuffix, TargetGroup: r.targetGroupArnSuffix };
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

    this.alarm("alb-5xx-rate", {
      description: `More than ${t.http5xxRatePercent}% of requests fail at the load balancer (no healthy target, or it cannot reach one). Check target health and the app tier's instances first.`,
      query: rate("HTTPCode_ELB_5XX_Count", "ELB 5xx %"),
      comparison: "GreaterThanThreshold", threshold: t.http5xxRatePercent, evaluationPeriods: 5, datapointsToAlarm: 3, treatMissingData: "notBreaching",
    });
    this.alarm("target-5xx-rate", {
      description: `More than ${t.http5xxRatePercent}% of requests fail in the app. Check the app logs (/medicare-hub/${environment}/app) and the last deploy; roll back through instance refresh if it started then.`,
      query: rate("HTTPCode_Target_5XX_Count", "Target 5xx %"),
      comparison: "GreaterThanThreshold", threshold: t.http5xxRatePercent, evaluationPeriods: 5, datapointsToAlarm: 3, treatMissingData: "notBreaching",
    });
    this.alarm("unhealthy-hosts", {
      description: "An instance fails its /health check. The Auto Scaling Group replaces it on its own; if this stays in alarm, replacements fail too: read their bootstrap logs.",
      metric: { namespace: "AWS/ApplicationELB", name: "UnHealthyHostCount", stat: "Maximum", dimensions: targets },
      comparison: "GreaterThanThreshold", threshold: 0, evaluationPeriods: 3, datapointsToAlarm: 2, treatMissingData: "notBreaching",
    });
    this.alarm("healthy-hosts-below-minimum", {
      description: `Fewer than ${props.minCapacity} healthy instances (the group's minimum): an AZ may be lost, or replacements keep failing. Check the group's activity history.`,
      metric: { namespace: "AWS/ApplicationELB", name: "HealthyHostCount", stat: "Minimum", dimensions: targets },
      comparison: "LessThanThreshold", threshold: props.minCapacity, evaluationPeriods: 5, datapointsToAlarm: 3, treatMissingData: "breaching",
    });
    this.alarm("p99-latency", {
      description: `The slowest 1% of requests take over ${t.p99LatencyMilliseconds} ms. Check database load (CPU, connections) and whether the group is scaling out.`,
      metric: { namespace: "AWS/ApplicationELB", name: "TargetResponseTime", stat: "p99", dimensions: alb },
      comparison: "GreaterThanThreshold", threshold: t.p99LatencyMilliseconds / 1000, evaluationPeriods: 5, datapointsToAlarm: 3, treatMissingData: "notBreaching",
    });
    this.alarm("in-service-below-minimum", {
      description: `Fewer than ${props.minCapacity} instances in service in the Auto Scaling Group. Check its activity history for failed launches (capacity, quotas, AMI, bootstrap).`,
      metric: { namespace: "AWS/AutoScaling", name: "GroupInServiceInstances", stat: "Minimum", dimensions: { AutoScalingGroupName: r.autoScalingGroupName } },
      comparison: "LessThanThreshold", threshold: props.minCapacity, evaluationPeriods: 5, datapointsToAlarm: 3, treatMissingData: "breaching",
    });

    const db = { DBInstanceIdentifier: r.databaseIdentifier };
    this.alarm("database-cpu", {
      description: `Database CPU above ${t.databaseCpuPercent}% for 15 minutes. Look at Performance Insights for the top statements; scale the instance class if the load is real.`,
      metric: { namespace: "AWS/RDS", name: "CPUUtilization", stat: "Average", dimensions: db, period: 300 },
      comparison: "GreaterThanThreshold", threshold: t.databaseCpuPercent, evaluationPeriods: 3, treatMissingData: "missing",
    });
    this.alarm("database-free-storage", {
      description: `Less than ${t.databaseFreeStoragePercent}% of the database's initial storage is free (a floor: storage autoscales, and the database-low-storage event pages when it cannot). Check it has not reached maxAllocatedStorageGib.`,
      metric: { namespace: "AWS/RDS", name: "FreeStorageSpace", stat: "Minimum", dimensions: db, period: 300 },
      comparison: "LessThanThreshold", threshold: Math.round(props.databaseAllocatedStorageGib * 2 ** 30 * (t.databaseFreeStoragePercent / 100)),
      evaluationPeriods: 2, treatMissingData: "breaching",
    });
    this.alarm("database-freeable-memory", {
      description: `Less than ${t.databaseFreeableMemoryMib} MiB of database memory is free: queries will spill to disk and slow down. Check connections and Performance Insights; consider a larger class.`,
      metric: { namespace: "AWS/RDS", name: "FreeableMemory", stat: "Minimum", dimensions: db, period: 300 },
      comparison: "LessThanThreshold", threshold: t.databaseFreeableMemoryMib * 2 ** 20, evaluationPeriods: 3, treatMissingData: "breaching",
    });
    this.alarm("database-connections", {
      description: `More than ${t.databaseConnections} database connections: a connection leak or a scale-out storm. Check the app's pool settings and instance count.`,
      metric: { namespace: "AWS/RDS", name: "DatabaseConnections", stat: "Maximum", dimensions: db },
      comparison: "GreaterThanThreshold", threshold: t.databaseConnections, evaluationPeriods: 5, datapointsToAlarm: 3, treatMissingData: "missing",
    });
    this.alarm("efs-io-limit", {
      description: `The shared file system is at ${t.efsIoLimitPercent}% of its I/O limit: file operations will slow down. Check which instances drive the I/O.`,
      metric: { namespace: "AWS/EFS", name: "PercentIOLimit", stat: "Maximum", dimensions: { FileSystemId: r.fileSystemId } },
      comparison: "GreaterThanThreshold", threshold: t.efsIoLimitPercent, evaluationPeriods: 5, datapointsToAlarm: 3, treatMissingData: "notBreaching",
    });
    if (r.webAclName) {
      this.alarm("waf-blocked-spike", {
        description: `WAF blocked more than ${t.wafBlockedRequestsPer5Minutes} requests in 5 minutes: an attack, or a rule blocking real users. Read the sampled requests of the web ACL.`,
        metric: { namespace: "AWS/WAFV2", name: "BlockedRequests", stat: "Sum", dimensions: { WebACL: r.webAclName, Region: props.region, Rule: "ALL" }, period: 300 },
        comparison: "GreaterThanThreshold", threshold: t.wafBlockedRequestsPer5Minutes, evaluationPeriods: 1, treatMissingData: "notBreaching",
      });
    }
    this.alarm(
      "route53-health-check",
      {
        description: "Route 53 sees the load balancer as unhealthy from the internet: DNS is failing over to the maintenance page (when configured). Check the load balancer and its targets.",
        metric: { namespace: "AWS/Route53", name: "HealthCheckStatus", stat: "Minimum", dimensions: { HealthCheckId: r.healthCheckId } },
        comparison: "LessThanThreshold", threshold: 1, evaluationPeriods: 2, treatMissingData: "breaching",
      },
      this.globalTopic,
      props.usEast1,
    );

    new CloudwatchDashboard(this, "dashboard", {
      dashboardName: resourceName(environment, "overview"),
      dashboardBody: Fn.jsonencode(dashboardBody(props)),
    });
  }

  private alarm(id: string, spec: AlarmSpec, topic: SnsTopic = this.topic, provider?: TerraformProvider): CloudwatchMetricAlarm {
    const metricProps = spec.metric
      ? {
          namespace: spec.metric.namespace,
          metricName: spec.metric.name,
          dimensions: spec.metric.dimensions,
          period: spec.metric.period ?? 60,
          ...(/^p\d/.test(spec.metric.stat) ? { extendedStatistic: spec.metric.stat } : { statistic: spec.metric.stat }),
        }
      : { metricQuery: spec.query };
    const alarm = new CloudwatchMetricAlarm(this, id, {
      provider,
      alarmName: resourceName(this.environment, id),
      alarmDescription: spec.description,
      comparisonOperator: spec.comparison,
      threshold: spec.threshold,
      evaluationPeriods: spec.evaluationPeriods,
      datapointsToAlarm: spec.datapointsToAlarm,
      treatMissingData: spec.treatMissingData,
      alarmActions: [topic.arn],
      okActions: [topic.arn],
      ...metricProps,
    });
    this.alarms.push(alarm);
    this.alarmsById[id] = alarm;
    return alarm;
  }

  private alertsTopic(id: string, props: MonitoringProps, key: KmsKeyRef, provider?: TerraformProvider, rules: readonly CloudwatchEventRule[] = []): SnsTopic {
    const topic = new SnsTopic(this, id, { provider, name: resourceName(props.environment, id), kmsMasterKeyId: key.arn });
    const policy = new DataAwsIamPolicyDocument(this, `${id}-policy-document`, {
      provider,
      statement: [
        {
          sid: "CloudWatchAlarmsOfThisAccountPublish",
          effect: "Allow",
          principals: [{ type: "Service", identifiers: ["cloudwatch.amazonaws.com"] }],
          actions: ["sns:Publish"],
          resources: [topic.arn],
          condition: alarmSource(props),
        },
        ...(rules.length > 0
          ? [
              {
                sid: "EventRulesOfThisEnvironmentPublish",
                effect: "Allow",
                principals: [{ type: "Service", identifiers: ["events.amazonaws.com"] }],
                actions: ["sns:Publish"],
                resources: [topic.arn],
                condition: [{ test: "ArnEquals", variable: "aws:SourceArn", values: rules.map((rule) => rule.arn) }],
              },
            ]
          : []),
        {
          sid: "DenyInsecureTransport",
          effect: "Deny",
          principals: [{ type: "*", identifiers: ["*"] }],
          actions: ["sns:Publish"],
          resources: [topic.arn],
          condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
        },
      ],
    });
    new SnsTopicPolicy(this, `${id}-policy`, { provider, arn: topic.arn, policy: policy.json });
    if (props.email) {
      new SnsTopicSubscription(this, `${id}-email`, { provider, topicArn: topic.arn, protocol: "email", endpoint: props.email });
    }
    return topic;
  }

  /**
   * A key of each alerts topic's own: alarm text is no PHI, and the statements AWS services need to publish (EventBridge's
   * cannot be scoped by source) stay off the key that protects volumes, files, logs and backups. Keys are regional, so
   * the us-east-1 topic has its own too.
   */
  private alertsKey(id: string, props: MonitoringProps, region: string, provider?: TerraformProvider): KmsKey {
    const usEast1 = provider !== undefined;
    return customerKey(this, id, {
      provider,
      accountId: props.accountId,
      partition: props.partition,
      description: `MediCare Hub ${props.environment}: the ${usEast1 ? "us-east-1" : "regional"} alerts topic`,
      // The us-east-1 alias predates the regional key; the regional one names its region so the two never collide.
      alias: usEast1 ? resourceName(props.environment, "alerts") : resourceName(props.environment, `alerts-${region}`),
      preventDestroy: props.preventDestroy,
      statements: [
        ...alarmsPublishToEncryptedTopics({ accountId: props.accountId, partition: props.partition, region, environment: props.environment }),
        ...(usEast1 ? [] : [eventsPublishToEncryptedTopics()]),
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
