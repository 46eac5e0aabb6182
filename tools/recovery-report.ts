/**
 * `npm run report:recovery`: for each environment, how each failure is handled and how long detection and recovery
 * take, derived from the synthesized Terraform (not from the TypeScript config: the report describes what would be
 * deployed), plus every single point of failure found. Printed, and written to docs/reliability.md.
 *
 * Usage: tsx tools/recovery-report.ts [--from OUTDIR] [--write FILE]
 *   --from OUTDIR  read an existing synth output (default: synthesize the current configuration into a temp dir)
 *   --write FILE   where the markdown goes (default docs/reliability.md; "-" prints only)
 */
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { ENVIRONMENT_NAMES } from "../config/schema";
import { ALB_ALIAS_TTL_SECONDS } from "../constructs/aws-facts";
import { environmentStackId } from "../constructs/naming";
import { SUBNET_TIERS } from "../config/subnet-plan";
import { StackView, TARGET_HEALTH_CHECK_DEFAULTS, block, targetDetectionSeconds } from "../constructs/policy/stack-view";
import { flag, runCommand, type CommandLine } from "./cli";
import { readStackView, withSynthesizedOutput } from "./synthesized";

/** AWS documents Multi-AZ DB instance failover as typically 60-120 seconds. */
export const RDS_FAILOVER = "60–120 s (AWS documented)";
/** RDS uploads transaction logs to S3 every 5 minutes: the worst-case loss of a point-in-time restore. */
export const PITR_RPO = "≤ 5 min";

/**
 * RDS cross-region automated backups replication is asynchronous: "the underlying RPO is on the slightly higher side,
 * ranging 5–30 minutes"; restoring from it "can take up to a few hours" (AWS Prescriptive Guidance, "Disaster recovery
 * for Amazon RDS for SQL Server Standard edition: point-in-time recovery and snapshots").
 */
export const REPLICATED_PITR_RPO = "5–30 min (AWS Prescriptive Guidance)";
/** "The majority of source file systems have their subsequent changes replicated ... within 15 minutes" (EFS User Guide, "Amazon EFS replication"). */
export const EFS_REPLICATION_RPO = "≈ 15 min (EFS documented, most file systems)";

export interface FailureMode {
  readonly failure: string;
  readonly handledBy: string;
  /** When automation reacts: health checks, the Auto Scaling Group, RDS, Route 53. */
  readonly detection: string;
  /** When a human is told: the synthesized alarm or event rule that fires, its severity, and its earliest time. */
  readonly notified: string;
  readonly recovery: string;
  readonly dataLoss: string;
}

export interface EnvironmentReport {
  readonly environment: string;
  readonly modes: readonly FailureMode[];
  readonly singlePointsOfFailure: readonly string[];
}

const seconds = (n: number) => `${n} s`;

/** The report of one synthesized environment stack. */
export function analyse(stack: StackView): EnvironmentReport {
  // The primary region's resources (and the global ones, created through its provider): the recovery region's standby
  // is judged in the "whole region is lost" row only.
  const home = (type: string) => stack.resources(type).filter((r) => stack.regionOf(r) === stack.region);
  const one = (type: string) => home(type)[0]?.values ?? {};
  const check = one("aws_lb_target_group").health_check ?? {};
  const interval = check.interval ?? TARGET_HEALTH_CHECK_DEFAULTS.interval;
  const detection = targetDetectionSeconds(check);
  const group = one("aws_autoscaling_group");
  // The group's warmup is launch-to-serving at worst (boot, the bootstrap's deadline, the passing checks:
  // instanceReadySeconds in constructs/app-tier.ts); the grace period adds a margin to it.
  const ready = group.default_instance_warmup ?? group.health_check_grace_period ?? 300;
  const inService = detection + ready;
  const db = one("aws_db_instance");
  const route53 = one("aws_route53_health_check");
  const failover = stack.resources("aws_route53_record").some((r) => r.values.failover_routing_policy?.type === "SECONDARY");
  const dnsFailover = (route53.request_interval ?? 30) * (route53.failure_threshold ?? 3) + ALB_ALIAS_TTL_SECONDS;
  const backupRules: { rule_name: string; lifecycle?: { delete_after?: number } }[] = one("aws_backup_plan").rule ?? [];
  const daily = backupRules.find((r) => r.rule_name === "daily");

  const azsOf = (tier: string) => new Set(home("aws_subnet").filter((s) => s.values.tags?.Tier === tier).map((s) => s.values.availability_zone));
  const azs = azsOf("private-app");
  const nats = home("aws_nat_gateway");
  const natAzs = new Set(nats.map((n) => stack.referenced(n.values.subnet_id)?.values.availability_zone));

  const spofs: string[] = [];
  for (const tier of SUBNET_TIERS) {
    if (azsOf(tier).size < 2) spofs.push(`${tier} subnets exist in ${azsOf(tier).size} AZ only`);
  }
  if (natAzs.size < azs.size) {
    spofs.push(`NAT: ${nats.length} NAT gateway(s) in ${[...natAzs].join(", ")} serve private-app subnets in ${azs.size} AZs (${nats.map((n) => n.address).join(", ")})`);
  }
  if (db.multi_az !== true) spofs.push(`database: ${stack.resources("aws_db_instance")[0]?.address ?? "the DB instance"} is single-AZ`);
  if ((group.vpc_zone_identifier ?? []).length < 2) spofs.push("app: the Auto Scaling Group spans fewer than 2 subnets");
  if ((one("aws_lb").subnets ?? []).length < 2) spofs.push("load balancer: fewer than 2 subnets");
  const mountTargets = home("aws_efs_mount_target").length;
  if (stack.resources("aws_efs_file_system").length > 0 && mountTargets < azs.size) spofs.push(`shared storage: ${mountTargets} mount target(s) for ${azs.size} AZs`);

  const natPerAz = natAzs.size >= azs.size;
  const standbyLb = stack.resources("aws_lb").find((lb) => stack.regionOf(lb) !== stack.region);
  const standbyRegion = standbyLb && stack.regionOf(standbyLb);
  // Only a standby reading a replica has its database before a failover; one restored at failover does not.
  const standbyServesAtOnce = standbyRegion !== undefined && stack.resources("aws_db_instance").some((d) => d.values.replicate_source_db !== undefined);

  // A human hears of a failure through an alarm (no sooner than datapoints-to-alarm periods of breaching data) or an
  // event rule (as soon as EventBridge delivers): read from the synthesized resources, so a changed alarm changes this.
  const prefix = `medicare-hub-${stack.environment}-`;
  const alarms = stack.resources("aws_cloudwatch_metric_alarm").map((a) => a.values);
  const rules = stack.resources("aws_cloudwatch_event_rule").map((r) => r.values);
  const told = (id: string, when = ""): string => {
    const alarm = alarms.find((a) => a.alarm_name === `${prefix}${id}`);
    if (alarm) {
      const period: number = alarm.period ?? alarm.metric_query?.find((q: { metric?: { period: number } }) => q.metric)?.metric.period;
      const points: number = alarm.datapoints_to_alarm ?? alarm.evaluation_periods;
      return `\`${id}\` ${alarm.tags?.Severity ?? "?"}${when} after ≥ ${seconds(points * period)} (${points} × ${period} s)`;
    }
    const rule = rules.find((r) => r.name === `${prefix}${id}`);
    if (rule) return `\`${id}\` ${rule.tags?.Severity ?? "?"}${when}, as soon as EventBridge delivers the event`;
    throw new Error(`${stack.environment}: no alarm or event rule named ${prefix}${id}: the reliability report names one that is not deployed`);
  };
  const modes: FailureMode[] = [
    {
      failure: "an app instance fails",
      handledBy: "ALB health check takes it out of rotation; the Auto Scaling Group (ELB health checks) replaces it",
      detection: `${seconds(detection)} (${interval} s × ${check.unhealthy_threshold ?? TARGET_HEALTH_CHECK_DEFAULTS.unhealthyThreshold})`,
      recovery: `replacement in service within ${seconds(inService)} (detection + at most ${ready} s from launch: boot, the bootstrap's deadline, ${check.healthy_threshold ?? TARGET_HEALTH_CHECK_DEFAULTS.healthyThreshold} × ${interval} s checks); the others serve meanwhile`,
      notified: `${told("unhealthy-hosts")}; ${told("launch-failed", " if its replacement cannot launch")}`,
      dataLoss: "none (instances keep no data; shared files live on EFS)",
    },
    {
      failure: `an Availability Zone is lost (of ${azs.size})`,
      handledBy: `every tier in every AZ; ${natPerAz ? "NAT per AZ" : "ONE NAT gateway for all AZs"}; Multi-AZ database${db.multi_az === true ? "" : " (OFF)"}; EFS mount target per AZ`,
      detection: `${seconds(detection)} for its instances`,
      recovery: `the remaining AZs serve at once; lost capacity is replaced within ${seconds(inService)}`,
      notified: `${told("unhealthy-hosts")}; ${told("healthy-hosts-below-desired", " if two or more targets stay missing")}`,
      dataLoss: db.multi_az === true ? "none (synchronous standby; EFS is regional)" : "since the last backup (single-AZ database)",
    },
    {
      failure: "the database primary fails",
      handledBy: db.multi_az === true ? "Multi-AZ: RDS promotes the synchronous standby in another AZ" : "nothing automatic: restore from backup (single-AZ)",
      detection: "automatic (RDS)",
      notified: told("database-failover"),
      recovery: db.multi_az === true ? RDS_FAILOVER : "a restore: tens of minutes to hours",
      dataLoss: db.multi_az === true ? "none" : PITR_RPO,
    },
    {
      failure: "a NAT gateway fails",
      handledBy: natPerAz ? "each AZ has its own: only that AZ's outbound traffic is affected" : "NOTHING: every AZ's outbound traffic goes through it",
      detection: "none automatic: nothing replaces or bypasses a NAT gateway",
      notified: `${told("nat-1-packets-dropped", " (one per gateway)")}; ${told("nat-1-port-allocation-errors")}`,
      recovery: natPerAz
        ? "until AWS recovers it; the other AZs are unaffected, but that AZ's instances stay healthy (shallow /health), so the ALB keeps sending them requests, and those that need outbound calls fail"
        : "until AWS recovers it or it is recreated",
      dataLoss: "none",
    },
    {
      failure: "the load balancer or the region's endpoint is unreachable",
      handledBy: failover
        ? standbyRegion
          ? `Route 53 health check; DNS fails over to the load balancer in ${standbyRegion} while its own health check passes, else to the maintenance page (CloudFront)`
          : "Route 53 health check; DNS fails over to the maintenance page (CloudFront)"
        : "Route 53 health check alarms (no failover configured)",
      detection: `${seconds((route53.request_interval ?? 30) * (route53.failure_threshold ?? 3))} (${route53.request_interval ?? 30} s × ${route53.failure_threshold ?? 3})`,
      notified: told("route53-health-check"),
      recovery: failover
        ? `users ${standbyServesAtOnce ? "reach the standby" : "see the maintenance page"} within ${seconds(dnsFailover)} (detection + ${ALB_ALIAS_TTL_SECONDS} s alias TTL)${standbyRegion && !standbyServesAtOnce ? "; the standby takes them once it has its database (a failover: the whole region is lost, below)" : ""}`
        : "users see errors until the endpoint returns",
      dataLoss: "none",
    },
    regionLost(stack, told, `${seconds((route53.request_interval ?? 30) * (route53.failure_threshold ?? 3))} (${route53.request_interval ?? 30} s × ${route53.failure_threshold ?? 3})`, dnsFailover),
    {
      failure: "data is corrupted or deleted by mistake",
      handledBy: `point-in-time restore (${db.backup_retention_period ?? 0}-day window); AWS Backup ${daily ? `daily points kept ${daily.lifecycle?.delete_after} days` : "(no plan)"}`,
      detection: "none automatic",
      notified: "no alarm can tell a mistaken write from a real one: people notice",
      recovery: "a restore to a new instance, then a switch-over",
      dataLoss: `database ${PITR_RPO}; files ≤ 24 h (daily backup)`,
    },
  ];
  return { environment: stack.environment, modes, singlePointsOfFailure: spofs };
}

/**
 * The loss of the whole primary region: what is kept elsewhere (replicated database backups, the file system's copy,
 * AWS Backup's copies: each read from the synthesized resources and their providers' regions) decides what can be
 * restored, how fast and how much is lost.
 */
function regionLost(stack: StackView, told: (id: string) => string, detection: string, dnsFailover: number): FailureMode {
  const databaseCopy = stack.resources("aws_db_instance_automated_backups_replication")[0];
  const fileCopy = stack.resources("aws_efs_replication_configuration")[0];
  const fileRegion = block(fileCopy?.values.destination)?.region;
  const copyVault = stack.resources("aws_backup_vault").find((v) => stack.regionOf(v) !== stack.region);
  const kept = [
    databaseCopy && `the database's automated backups replicated to ${stack.regionOf(databaseCopy)} (point-in-time restore there)`,
    fileCopy && `the file system replicated to ${fileRegion} (a read-only copy)`,
    copyVault && `AWS Backup's daily copies in ${stack.regionOf(copyVault)}`,
  ].filter(Boolean);
  const base = { failure: "the whole region is lost", detection, notified: told("route53-health-check") };
  if (kept.length === 0) {
    return { ...base, handledBy: "NOTHING: no data is kept outside the region (recovery.strategy \"off\")", recovery: "until the region returns", dataLoss: "everything, unless the region's data returns with it" };
  }
  const dataLoss = [
    databaseCopy ? `database ${REPLICATED_PITR_RPO}` : copyVault ? "database ≤ 24 h (daily copy)" : "database: all",
    fileCopy ? `files ${EFS_REPLICATION_RPO}` : copyVault ? "files ≤ 24 h (daily copy)" : "files: all",
  ].join("; ");
  // The standby (recovery.strategy "pilot-light" / "warm-standby"): an app group in another region behind its own load
  // balancer, which the DNS failover chain reaches through a health check of its own.
  const standbyGroup = stack.resources("aws_autoscaling_group").find((g) => stack.regionOf(g) !== stack.region);
  if (standbyGroup) {
    const where = stack.regionOf(standbyGroup);
    const min: number = standbyGroup.values.min_size ?? 0;
    // The standby's Route 53 check: the one probing the recovery region's load balancer.
    const standbyLb = stack.resources("aws_lb").find((lb) => stack.regionOf(lb) !== stack.region);
    const standbyCheck = standbyLb && stack.resources("aws_route53_health_check").find((c) => StackView.refersTo(c.values.fqdn, standbyLb));
    const standbyPath: string | undefined = standbyCheck?.values.resource_path;
    const ready: number = standbyGroup.values.default_instance_warmup ?? 300;
    const replica = stack.resources("aws_db_instance").find((db) => db.values.replicate_source_db !== undefined);
    const database = replica
      ? `the database's read replica there is promoted by npm run failover (RDS: "several minutes or longer")`
      : `npm run failover restores the database there from its replicated backups (AWS: a cross-region point-in-time restore "can take up to a few hours")`;
    return {
      ...base,
      handledBy:
        `${min > 0 ? `warm standby: ${min} instances serving` : "pilot light: network, load balancer and an app group at zero"} in ${where}, behind a health-checked load balancer the DNS failover chain reaches before the maintenance page; ` +
        `${kept.join("; ")}`,
      recovery: replica
        ? `the standby answers users within ${seconds(dnsFailover)} (detection + ${ALB_ALIAS_TTL_SECONDS} s alias TTL), reading from the replica; ${database}; scaled to the primary's size, new instances serve within ${seconds(ready)} of launch (docs/runbooks.md#region-lost)`
        : `users see the maintenance page within ${seconds(dnsFailover)}; ${database}, the file system's copy is promoted, ` +
          `${min > 0 ? "the standby's instances are replaced to find the database" : "the group is scaled up"} (each serving within ${seconds(ready)} of launch), and DNS moves users there once the standby's health check of ${standbyPath ?? "its load balancer"} passes (docs/runbooks.md#region-lost)`,
      dataLoss: replica ? [`database: the replica's lag (the dr-replica-lag alarm tickets over 900 s)`, dataLoss.split("; ")[1]].join("; ") : dataLoss,
    };
  }
  return {
    ...base,
    handledBy: `backup and restore: ${kept.join("; ")}; no standby stack`,
    recovery: "hours: restore the database and promote the file system's copy in the recovery region, deploy the environment there, point DNS at it (docs/runbooks.md#region-lost; AWS: a cross-region point-in-time restore \"can take up to a few hours\")",
    dataLoss,
  };
}

export function reportMarkdown(reports: readonly EnvironmentReport[]): string {
  const lines = [
    "# Reliability report",
    "",
    "Generated by `npm run report:recovery` from the synthesized stacks; a test keeps this file equal to it.",
    "",
    "Two clocks: *automation reacts* is when health checks, the Auto Scaling Group, RDS or Route 53 act on their own;",
    "*a human is notified* is the earliest an alarm can fire (its datapoints to alarm × its period; CloudWatch adds",
    "its own evaluation delay) or an event rule delivers, with the severity that decides page or ticket.",
  ];
  for (const report of reports) {
    lines.push("", `## ${report.environment}`, "", "| failure | handled by | automation reacts | a human is notified | recovery | data lost |", "|---|---|---|---|---|---|");
    for (const m of report.modes) lines.push(`| ${m.failure} | ${m.handledBy} | ${m.detection} | ${m.notified} | ${m.recovery} | ${m.dataLoss} |`);
    lines.push("", report.singlePointsOfFailure.length === 0 ? "Single points of failure: none." : "Single points of failure:", "");
    for (const spof of report.singlePointsOfFailure) lines.push(`- ${spof}`);
  }
  return `${lines.join("\n")}\n`;
}

/** Reports of every environment stack in a synth output directory. */
export function reportsFrom(outdir: string): EnvironmentReport[] {
  return ENVIRONMENT_NAMES.map((env) => analyse(readStackView(outdir, environmentStackId(env))));
}

const USAGE = "npm run report:recovery -- [--from cdktf.out] [--write FILE|-]   (default: synthesize; write docs/reliability.md)";

function main(line: CommandLine): Promise<number> {
  const from = flag(line, "from");
  const write = flag(line, "write") ?? resolve(__dirname, "..", "docs", "reliability.md");
  return withSynthesizedOutput((outdir) => {
    const markdown = reportMarkdown(reportsFrom(outdir));
    console.log(markdown);
    if (write !== "-") writeFileSync(write, markdown);
  }, from);
}

if (require.main === module) runCommand({ usage: USAGE, options: { from: { type: "string" }, write: { type: "string" } } }, main);
