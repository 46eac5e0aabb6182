/**
 * The resources rows talk about, found by following the synthesized references the way AWS follows them at run time
 * (launch template → instance profile → role; log group ← flow log; key ← the resource it encrypts), never by name.
 * A site's own things (its launch template, load balancer, flow log, ...) are looked for among the resources the site
 * built (Scope.resources): the prod stack builds two of each, one for its primary and one for its standby.
 */
import type { Scope } from "./row";
import type { Located } from "./world";

/** The one resource of `type` the scope's site built (and `filter` accepts). */
function only(scope: Scope, type: string, filter: (r: Located) => boolean = () => true): Located {
  const found = scope.resources(type).filter(filter);
  if (found.length !== 1) throw new Error(`${scope.stackId} (${scope.site}): expected one ${type}, found ${found.length}: ${found.map((r) => r.name).join(", ")}`);
  return found[0];
}

const follow = (scope: Scope, value: unknown, type: string) => scope.world.follow(scope.stackId, value, type);

// --- app tier ------------------------------------------------------------------------------------------------------

export const launchTemplate = (s: Scope) => only(s, "aws_launch_template");

/** The role the app instances run as: launch template → instance profile → role. */
export function instanceRole(s: Scope): Located {
  const profile = follow(s, launchTemplate(s).values.iam_instance_profile?.arn, "aws_iam_instance_profile");
  return follow(s, profile.values.role, "aws_iam_role");
}

/** The key encrypting the root volume of every instance the launch template starts. */
export function rootVolumeKey(s: Scope): Located {
  const mappings: any[] = launchTemplate(s).values.block_device_mappings ?? [];
  const keys = mappings.map((m) => m.ebs?.kms_key_id).filter(Boolean);
  if (keys.length !== 1) throw new Error(`${s.stackId}: expected one encrypted volume in the launch template, found ${keys.length}`);
  return follow(s, keys[0], "aws_kms_key");
}

export const autoScalingGroup = (s: Scope) => only(s, "aws_autoscaling_group");

/** A tag the launch template puts on every instance it starts (how the app finds its database and files). */
function instanceTag(s: Scope, key: string): unknown {
  return (launchTemplate(s).values.tag_specifications ?? []).find((t: any) => t.resource_type === "instance")?.tags?.[key];
}

/** The log group a Session Manager document of the stack streams session transcripts to. */
export function sessionLogGroup(s: Scope): Located {
  const document = only(s, "aws_ssm_document", (d) => d.values.document_type === "Session");
  const name = JSON.parse(String(document.values.content)).inputs.cloudWatchLogGroupName;
  return only(s, "aws_cloudwatch_log_group", (g) => g.values.name === name);
}

/** The log group the instance role's own policies let it write to, other than the session transcripts'. */
export function appLogGroup(s: Scope): Located {
  const sessions = sessionLogGroup(s).name;
  const role = instanceRole(s);
  const policies = s.resources("aws_iam_role_policy").filter((p) => s.world.referenced(s.stackId, p.values.role, "aws_iam_role")?.name === role.name);
  const groups = new Map<string, Located>();
  for (const p of policies) {
    const name = /^\$\{data\.aws_iam_policy_document\.([\w-]+)\.json\}$/.exec(String(p.values.policy))?.[1];
    for (const statement of s.world.stacks[s.stackId].data?.aws_iam_policy_document?.[name ?? ""]?.statement ?? []) {
      for (const resource of statement.resources ?? []) {
        const group = s.world.referenced(s.stackId, String(resource).replace(/:\*$/, ""), "aws_cloudwatch_log_group");
        if (group && group.name !== sessions) groups.set(group.name, group);
      }
    }
  }
  if (groups.size !== 1) throw new Error(`${s.stackId}: the instance role writes to ${groups.size} log groups`);
  return [...groups.values()][0];
}

// --- data tier -----------------------------------------------------------------------------------------------------

export const database = (s: Scope) => only(s, "aws_db_instance");
export const databaseKey = (s: Scope) => follow(s, database(s).values.kms_key_id, "aws_kms_key");
export const databaseSecretKey = (s: Scope) => follow(s, database(s).values.master_user_secret_kms_key_id, "aws_kms_key");

/** Whether the site has its database (else a standby whose database failover restores from the replicated backups). */
const hasDatabase = (s: Scope) => s.resources("aws_db_instance").length > 0;

/**
 * The identifier of the site's database: its instance's, or, for a standby whose database failover restores, the one
 * the launch template tells its instances to wait for (tag DatabaseIdentifier).
 */
export function databaseIdentifier(s: Scope): string {
  const identifier = hasDatabase(s) ? database(s).values.identifier : instanceTag(s, "DatabaseIdentifier");
  if (typeof identifier !== "string" || identifier.includes("${")) throw new Error(`${s.stackId} (${s.site}): no literal database identifier (got ${JSON.stringify(identifier)})`);
  return identifier;
}

/** The ARN of the site's database, the restored one's once failover has made it. */
export const databaseArn = (s: Scope) => `arn:aws:rds:${s.region}:${s.account}:db:${databaseIdentifier(s)}`;

/** The Enhanced Monitoring role: the instance's monitoring_role_arn, or the one a restore target prepared for it. */
export function databaseMonitoringRole(s: Scope): Located {
  if (hasDatabase(s)) return follow(s, database(s).values.monitoring_role_arn, "aws_iam_role");
  const attachment = only(s, "aws_iam_role_policy_attachment", (a) => String(a.values.policy_arn).endsWith("/AmazonRDSEnhancedMonitoringRole"));
  return follow(s, attachment.values.role, "aws_iam_role");
}

/** The log group RDS exports a database log to: `/aws/rds/instance/<identifier>/<log>`, which the site must create. */
export function databaseLogGroup(s: Scope, log: string): Located {
  const name = `/aws/rds/instance/${databaseIdentifier(s)}/${log}`;
  return only(s, "aws_cloudwatch_log_group", (g) => g.values.name === name);
}

/** The file system the stack creates (what backups protect and replication copies; a standby mounts its copy). */
export const fileSystem = (s: Scope) => only(s, "aws_efs_file_system");

/** The access point the app instances mount through: the one the launch template tags them with. */
export function appAccessPoint(s: Scope): Located {
  return follow(s, instanceTag(s, "EfsAccessPointId"), "aws_efs_access_point");
}

/**
 * The ARN of the file system the site's instances mount: the one their access point is on (the primary's own, or the
 * standby's read-only copy, which has no aws_efs_file_system: its id is the replication's destination), in the access
 * point's region. The launch template's EfsFileSystemId tag must name the same one, or the mount helper fails.
 */
export function siteFileSystemArn(s: Scope): string {
  const point = appAccessPoint(s);
  const id = s.world.substitute(s.stackId, String(point.values.file_system_id), `${point.address}.file_system_id`);
  const tagged = s.world.substitute(s.stackId, String(instanceTag(s, "EfsFileSystemId")), `${launchTemplate(s).address} tag EfsFileSystemId`);
  if (tagged !== id) throw new Error(`${s.stackId} (${s.site}): instances are told to mount ${tagged} through an access point of ${id}`);
  return `arn:aws:elasticfilesystem:${point.region}:${point.account}:file-system/${id}`;
}

/** The key of that file system: its kms_key_id, or for the copy the key its replication's destination names. */
export function siteFileSystemKey(s: Scope): Located {
  const id = appAccessPoint(s).values.file_system_id;
  const own = s.world.referenced(s.stackId, id, "aws_efs_file_system");
  if (own) return follow(s, own.values.kms_key_id, "aws_kms_key");
  const replication = follow(s, id, "aws_efs_replication_configuration");
  return follow(s, [replication.values.destination].flat()[0]?.kms_key_id, "aws_kms_key");
}

/** The vault backup jobs write to: the one in the stack's own region (a copy vault lives in another). */
export const backupVault = (s: Scope) => only(s, "aws_backup_vault", (v) => v.region === s.region);
/** The vault recovery points are copied to, in another region (the recovery region, or backup.copyToRegion). */
export const backupCopyVault = (s: Scope) => only(s, "aws_backup_vault", (v) => v.region !== s.region);
export const backupCopyVaultKey = (s: Scope) => follow(s, backupCopyVault(s).values.kms_key_arn, "aws_kms_key");
export const backupVaultKey = (s: Scope) => follow(s, backupVault(s).values.kms_key_arn, "aws_kms_key");
export const backupRole = (s: Scope) => follow(s, only(s, "aws_backup_selection").values.iam_role_arn, "aws_iam_role");
/** The role restore jobs run as: the one the AWS managed restore policy is attached to. */
export function restoreRole(s: Scope): Located {
  const attachment = only(s, "aws_iam_role_policy_attachment", (a) => String(a.values.policy_arn).endsWith("/AWSBackupServiceRolePolicyForRestores"));
  return follow(s, attachment.values.role, "aws_iam_role");
}

// --- recovery region -------------------------------------------------------------------------------------------------

/** The database's automated backups replicated to the recovery region (created there). */
export const replicatedBackups = (s: Scope) => only(s, "aws_db_instance_automated_backups_replication");
export const replicatedBackupsKey = (s: Scope) => follow(s, replicatedBackups(s).values.kms_key_id, "aws_kms_key");
/** The file system's replication configuration (in the source region); its destination names the copy's key. */
export const fileSystemReplication = (s: Scope) => only(s, "aws_efs_replication_configuration");
export const fileSystemCopyKey = (s: Scope) => follow(s, [fileSystemReplication(s).values.destination].flat()[0]?.kms_key_id, "aws_kms_key");

// --- monitoring ----------------------------------------------------------------------------------------------------

/**
 * The topic the alarms of `severity` notify in `region`: "stack" is the site's region, `us-east-1` the Route 53
 * health-check alarm's. Alarms are the stack's monitoring, not a site's (the standby's alarm is built with the rest, in
 * the recovery region): the site's topic is the one in its region.
 */
export function alertsTopic(s: Scope, region: "stack" | "us-east-1", severity: "page" | "ticket" = "page"): Located {
  const want = region === "stack" ? s.region : region;
  const topics = new Map<string, Located>();
  for (const alarm of s.world.resources(s.stackId, "aws_cloudwatch_metric_alarm").filter((a) => a.values.tags?.Severity === severity)) {
    for (const action of alarm.values.alarm_actions ?? []) {
      const topic = s.world.referenced(s.stackId, action, "aws_sns_topic");
      if (topic && topic.region === want) topics.set(topic.name, topic);
    }
  }
  if (topics.size !== 1) throw new Error(`${s.stackId}: alarms notify ${topics.size} topics in ${want}`);
  return [...topics.values()][0];
}

export const topicKey = (s: Scope, region: "stack" | "us-east-1", severity: "page" | "ticket" = "page") =>
  follow(s, alertsTopic(s, region, severity).values.kms_master_key_id, "aws_kms_key");

/** An alarm that publishes to the topic: the aws:SourceArn CloudWatch sends. */
export function alarmOf(s: Scope, region: "stack" | "us-east-1", severity: "page" | "ticket" = "page"): Located {
  const topic = alertsTopic(s, region, severity);
  const alarm = s.world
    .resources(s.stackId, "aws_cloudwatch_metric_alarm")
    .find((a) => (a.values.alarm_actions ?? []).some((v: unknown) => s.world.referenced(s.stackId, v, "aws_sns_topic")?.name === topic.name));
  if (!alarm) throw new Error(`${s.stackId}: no alarm notifies ${topic.address}`);
  return alarm;
}

/** The tickets topic: the one the ticket-severity alarms notify. */
export const ticketTopic = (s: Scope) => alertsTopic(s, "stack", "ticket");

/**
 * The sources an event pattern matches: a JSON string, or (a pattern holding references, such as the key ARNs of the
 * kms-key-disabled rule) an HCL `jsonencode({...})` expression, read for its "source" list only.
 */
function patternSources(pattern: string): string[] {
  if (pattern.startsWith("{")) return JSON.parse(pattern).source ?? [];
  const list = /^\$\{jsonencode\(\{"source" = \[([^\]]*)\]/.exec(pattern)?.[1];
  if (list === undefined) throw new Error(`cannot read the sources of the event pattern ${pattern}`);
  return [...list.matchAll(/"([^"]+)"/g)].map((m) => m[1]);
}

/** The EventBridge target of the rule whose pattern has `source` (e.g. aws.backup), and the topic it delivers to. */
function eventTarget(s: Scope, source: string): { rule: Located; topic: Located } {
  for (const target of s.resources("aws_cloudwatch_event_target")) {
    const rule = follow(s, target.values.rule, "aws_cloudwatch_event_rule");
    const topic = s.world.referenced(s.stackId, target.values.arn, "aws_sns_topic");
    // Scheduled rules (the heartbeat) have no pattern.
    if (topic && typeof rule.values.event_pattern === "string" && patternSources(rule.values.event_pattern).includes(source)) return { rule, topic };
  }
  throw new Error(`${s.stackId}: no ${source} event rule delivers to a topic`);
}
export const eventRuleNotifying = (s: Scope, source: string) => eventTarget(s, source).rule;

/** The scheduled rule (the heartbeat) and the topic its target publishes to. */
function scheduledTarget(s: Scope): { rule: Located; topic: Located } {
  const scheduled = s.resources("aws_cloudwatch_event_target").map((target) => ({ target, rule: follow(s, target.values.rule, "aws_cloudwatch_event_rule") }));
  const found = scheduled.filter(({ rule }) => typeof rule.values.schedule_expression === "string");
  if (found.length !== 1) throw new Error(`${s.stackId}: expected one scheduled rule with a target, found ${found.length}`);
  return { rule: found[0].rule, topic: follow(s, found[0].target.values.arn, "aws_sns_topic") };
}
export const heartbeatRule = (s: Scope) => scheduledTarget(s).rule;
export const heartbeatTopic = (s: Scope) => scheduledTarget(s).topic;
/** The key of the heartbeat's topic. */
export const heartbeatKey = (s: Scope) => follow(s, heartbeatTopic(s).values.kms_master_key_id, "aws_kms_key");
export const eventTopic = (s: Scope, source: string) => eventTarget(s, source).topic;

// --- network -------------------------------------------------------------------------------------------------------

export const flowLog = (s: Scope) => only(s, "aws_flow_log");
export const flowLogRole = (s: Scope) => follow(s, flowLog(s).values.iam_role_arn, "aws_iam_role");
export const flowLogGroup = (s: Scope) => follow(s, flowLog(s).values.log_destination, "aws_cloudwatch_log_group");

const experiments = (s: Scope) => s.resources("aws_fis_experiment_template");

export function fisRole(s: Scope): Located {
  const roles = new Set(experiments(s).map((e) => follow(s, e.values.role_arn, "aws_iam_role").name));
  if (roles.size !== 1) throw new Error(`${s.stackId}: experiments run as ${roles.size} roles`);
  return s.world.resource(s.stackId, "aws_iam_role", [...roles][0]);
}

/** The Auto Scaling group the instance experiments target: FIS selects its instances by the group's name tag. */
export function experimentGroup(s: Scope): Located {
  const tags = experiments(s).flatMap((e) => (e.values.target ?? []).flatMap((t: any) => t.resource_tag ?? []));
  const names = new Set(tags.filter((tag: any) => tag.key === "aws:autoscaling:groupName").map((tag: any) => tag.value));
  if (names.size !== 1) throw new Error(`${s.stackId}: the instance experiments target ${names.size} groups`);
  return follow(s, [...names][0], "aws_autoscaling_group");
}

/** The log group experiments log to (`<group arn>:*` in the template). */
export function fisLogGroup(s: Scope): Located {
  const arns = new Set(experiments(s).map((e) => String(e.values.log_configuration?.cloudwatch_logs_configuration?.log_group_arn).replace(/:\*$/, "")));
  if (arns.size !== 1) throw new Error(`${s.stackId}: experiments log to ${arns.size} log groups`);
  return follow(s, [...arns][0], "aws_cloudwatch_log_group");
}

/** The subnet the network-disruption experiment cuts off. */
export function disruptedSubnet(s: Scope): Located {
  const template = experiments(s).find((e) => (e.values.action ?? []).some((a: any) => a.action_id === "aws:network:disrupt-connectivity"));
  if (!template) throw new Error(`${s.stackId}: no network-disruption experiment`);
  return follow(s, template.values.target?.[0]?.resource_arns?.[0], "aws_subnet");
}

/** The first of the subnets the region-isolation experiment cuts off from the recovery region. */
export function isolatedSubnet(s: Scope): Located {
  const template = experiments(s).find((e) => (e.values.action ?? []).some((a: any) => a.action_id === "aws:network:route-table-disrupt-cross-region-connectivity"));
  if (!template) throw new Error(`${s.stackId}: no region-isolation experiment`);
  return follow(s, template.values.target?.[0]?.resource_arns?.[0], "aws_subnet");
}

/** The VPC of the isolated subnets: FIS creates its route tables there. */
export const isolatedVpc = (s: Scope) => follow(s, isolatedSubnet(s).values.vpc_id, "aws_vpc");

/** A tag the stack's default provider puts on every resource it creates (`default_tags`). */
export function defaultTag(s: Scope, key: string): string {
  const provider = (s.world.stacks[s.stackId].provider?.aws ?? []).find((p: any) => !p.alias);
  const value = provider?.default_tags?.[0]?.tags?.[key];
  if (typeof value !== "string") throw new Error(`${s.stackId}: the default provider has no default tag ${key}`);
  return value;
}

// --- delivery into buckets and log groups --------------------------------------------------------------------------

export const loadBalancer = (s: Scope) => only(s, "aws_lb");
export const accessLogBucket = (s: Scope) => follow(s, loadBalancer(s).values.access_logs?.bucket, "aws_s3_bucket");

export function wafLogGroup(s: Scope): Located {
  const logging = only(s, "aws_wafv2_web_acl_logging_configuration");
  return follow(s, logging.values.log_destination_configs?.[0], "aws_cloudwatch_log_group");
}

export const distribution = (s: Scope) => only(s, "aws_cloudfront_distribution");

/** The bucket the distribution's origin reads. */
export function originBucket(s: Scope): Located {
  return follow(s, distribution(s).values.origin?.[0]?.domain_name, "aws_s3_bucket");
}

/** An object the distribution serves: the page uploaded to its origin bucket. */
export function originObjectKey(s: Scope): string {
  const bucket = originBucket(s);
  return only(s, "aws_s3_object", (o) => s.world.referenced(s.stackId, o.values.bucket, "aws_s3_bucket")?.name === bucket.name).values.key;
}

/** Server access logging: the bucket logged, the bucket receiving, and the prefix. */
export function serverAccessLogging(s: Scope, where: "stack" | "replica" = "stack"): { source: Located; target: Located; prefix: string } {
  // The state bucket's in the stack's region; its replica's in the replica region.
  const logging = only(s, "aws_s3_bucket_logging", (l) => (where === "stack" ? l.region === s.region : l.region !== s.region));
  return {
    source: follow(s, logging.values.bucket, "aws_s3_bucket"),
    target: follow(s, logging.values.target_bucket, "aws_s3_bucket"),
    prefix: String(logging.values.target_prefix ?? ""),
  };
}

/** The state stack's bucket and key, through the outputs the environments' deploy roles are told to use. */
export function stateBucket(s: Scope): Located {
  const state = s.stack("state");
  return follow(state, state.world.stacks[state.stackId].output?.state_bucket_name?.value, "aws_s3_bucket");
}

export function stateKey(s: Scope): Located {
  const state = s.stack("state");
  return follow(state, state.world.stacks[state.stackId].output?.kms_key_arn?.value, "aws_kms_key");
}

/** The state's replication to its replica (stateBackend.replicaRegion). */
export const stateReplication = (s: Scope) => only(s.stack("state"), "aws_s3_bucket_replication_configuration");
export function stateReplicaBucket(s: Scope): Located {
  const state = s.stack("state");
  return follow(state, state.world.stacks[state.stackId].output?.replica_bucket_name?.value, "aws_s3_bucket");
}
export function stateReplicaKey(s: Scope): Located {
  const rule = [stateReplication(s).values.rule].flat()[0];
  return follow(s.stack("state"), [rule.destination].flat()[0].encryption_configuration.replica_kms_key_id, "aws_kms_key");
}
export const stateReplicationRole = (s: Scope) => follow(s.stack("state"), stateReplication(s).values.role, "aws_iam_role");

// --- audit stack ----------------------------------------------------------------------------------------------------

export const trail = (s: Scope) => only(s, "aws_cloudtrail");
export const trailBucket = (s: Scope) => follow(s, trail(s).values.s3_bucket_name, "aws_s3_bucket");
export const trailKey = (s: Scope) => follow(s, trail(s).values.kms_key_id, "aws_kms_key");
export const trailLogGroup = (s: Scope) => follow(s, String(trail(s).values.cloud_watch_logs_group_arn).replace(/:\*$/, ""), "aws_cloudwatch_log_group");
export const trailLogsRole = (s: Scope) => follow(s, trail(s).values.cloud_watch_logs_role_arn, "aws_iam_role");
/**
 * The bucket the audited region's AWS Config delivery channel writes to (the recovery region's delivers into the same
 * one: a test below follows both).
 */
export const configBucket = (s: Scope) => follow(s, only(s, "aws_config_delivery_channel", (c) => c.values.provider === undefined).values.s3_bucket_name, "aws_s3_bucket");
/**
 * The delivery channel of AWS Config in the environment's recovery region (the audit stack's provider alias), which
 * delivers into the audited region's Config bucket.
 */
export const recoveryConfigChannel = (s: Scope) => only(s, "aws_config_delivery_channel", (c) => c.values.provider !== undefined);
/** The topic an audit event rule (`guardduty-finding`, ...) targets, and the rule. */
export function auditRule(s: Scope, id: string): { rule: Located; topic: Located } {
  const rule = only(s, "aws_cloudwatch_event_rule", (r) => String(r.values.name).endsWith(`-${id}`));
  const target = only(s, "aws_cloudwatch_event_target", (t) => s.world.referenced(s.stackId, t.values.rule, "aws_cloudwatch_event_rule")?.name === rule.name);
  return { rule, topic: follow(s, target.values.arn, "aws_sns_topic") };
}
/** The topic a CIS alarm notifies, and the alarm. */
export function auditAlarm(s: Scope, id: string): { alarm: Located; topic: Located } {
  const alarm = only(s, "aws_cloudwatch_metric_alarm", (a) => String(a.values.alarm_name).endsWith(`-${id}`));
  return { alarm, topic: follow(s, alarm.values.alarm_actions[0], "aws_sns_topic") };
}

// --- synthetic checks ------------------------------------------------------------------------------------------------

/** The log group made for a canary's Lambda function: the one named after the canary's engine_arn. */
export function canaryLogGroup(s: Scope, kind: "journey" | "maintenance"): Located {
  const canary = only(s, "aws_synthetics_canary", (c) => String(c.values.name).endsWith(`-${kind}`));
  return only(s, "aws_cloudwatch_log_group", (g) => String(g.values.name).includes(`${canary.address}.engine_arn`));
}
