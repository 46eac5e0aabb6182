/**
 * `npm run cost`: an estimated monthly cost per environment, from the synthesized stacks (what would be deployed:
 * instance types and counts, NAT gateways, endpoints, alarms, keys...) and the dated unit-price table in
 * tools/data/prices.ts. Usage the Terraform cannot tell (traffic, stored data) comes from stated assumptions, printed.
 * Each line names the layer whose resources it counts (layerOf: the construct below the stack in their construct path).
 *
 * `--compare <base>` prints the cost before (base: a synth output directory, or a git ref synthesized by its own code,
 * tools/base-output.ts), after (head: `--from DIR`, else the current configuration) and the difference, per environment,
 * layer and line (tools/cost-delta.ts). `--format json` for programs. Bad input is exit code 2, naming the argument.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { ENVIRONMENT_NAMES } from "../config/schema";
import { AUDIT_STACK_ID as AUDIT_STACK, environmentStackId } from "../constructs/naming";
import type { StackView, SynthesizedResource } from "../constructs/policy/stack-view";
import { HOURS_PER_MONTH, PRICES, PRICES_AS_OF, PRICES_REGION, PRICES_SOURCE, USAGE_ASSUMPTIONS, type UnitPrice } from "./data/prices";
import { exitOnConfigError, flag, outputFormat, runCommand, type CommandLine } from "./cli";
import { costDelta, costDeltaMarkdown, type CostDelta, type EstimatedOutput } from "./cost-delta";
import { readComparison } from "./base-output";
import { environmentStacks, layerOf, readStackView, withSynthesizedOutput, type SynthOutput } from "./synthesized";

export interface CostLine {
  readonly item: string;
  /**
   * The layer whose resources the line counts (layerOf: `network`, `app-tier`, `monitoring`...); a line counting
   * resources of several layers is one line per layer. WHOLE_ENVIRONMENT for usage no one layer carries.
   */
  readonly layer: string;
  readonly quantity: number;
  readonly price: UnitPrice;
  readonly monthlyUsd: number;
}

export interface CostEstimate {
  readonly environment: string;
  readonly stackId: string;
  readonly lines: readonly CostLine[];
  readonly totalUsd: number;
}

/** The layer of an assumed usage spread over several layers' resources (CloudWatch Logs ingestion). */
export const WHOLE_ENVIRONMENT = "(whole environment)";

const round = (n: number) => Math.round(n * 100) / 100;

function line(item: string, layer: string, quantity: number, price: UnitPrice, perMonthFactor = 1): CostLine {
  return { item, layer, quantity, price, monthlyUsd: round(quantity * price.usd * perMonthFactor) };
}

/** The one layer `resources` share; WHOLE_ENVIRONMENT when they span several (or there are none). */
function sharedLayer(resources: readonly SynthesizedResource[]): string {
  const layers = new Set(resources.map(layerOf));
  return layers.size === 1 ? [...layers][0] : WHOLE_ENVIRONMENT;
}

/** One line per layer of `resources`, each with `quantity` of that layer's resources. */
function linesByLayer(item: string, resources: readonly SynthesizedResource[], quantity: (ofLayer: SynthesizedResource[]) => number, price: UnitPrice, perMonthFactor = 1): CostLine[] {
  const byLayer = new Map<string, SynthesizedResource[]>();
  for (const resource of resources) byLayer.set(layerOf(resource), [...(byLayer.get(layerOf(resource)) ?? []), resource]);
  return [...byLayer.keys()].sort().map((layer) => line(item, layer, quantity(byLayer.get(layer) ?? []), price, perMonthFactor));
}

const each = (resources: readonly SynthesizedResource[]) => resources.length;

export function estimate(stack: StackView): CostEstimate {
  const all = (type: string) => stack.resources(type);
  const lines: CostLine[] = [];
  for (const group of stack.resources("aws_autoscaling_group")) {
    const template = stack.referenced(group.values.launch_template?.id)?.values ?? {};
    const type = template.instance_type as keyof typeof PRICES.ec2;
    const instances = group.values.desired_capacity ?? group.values.min_size;
    const price = PRICES.ec2[type];
    if (!price) throw new Error(`no price for instance type ${type}: add it to tools/data/prices.ts`);
    lines.push(line(`EC2 ${type} × desired capacity`, layerOf(group), instances, price, HOURS_PER_MONTH));
    const volume = template.block_device_mappings?.[0]?.ebs?.volume_size ?? 8;
    lines.push(line(`EBS gp3 root volumes (${volume} GB each)`, layerOf(group), instances * volume, PRICES.ebsGp3));
  }
  for (const database of stack.resources("aws_db_instance")) {
    const db = database.values;
    const copies = db.multi_az ? 2 : 1;
    const price = PRICES.rds[db.instance_class as keyof typeof PRICES.rds];
    if (!price) throw new Error(`no price for DB class ${db.instance_class}: add it to tools/data/prices.ts`);
    lines.push(line(`RDS ${db.instance_class}${db.multi_az ? " Multi-AZ (primary + standby)" : ""}`, layerOf(database), copies, price, HOURS_PER_MONTH));
    lines.push(line(`RDS gp3 storage (${db.allocated_storage} GB${db.multi_az ? " × 2" : ""})`, layerOf(database), db.allocated_storage * copies, PRICES.rdsGp3));
  }
  const nat = all("aws_nat_gateway");
  lines.push(...linesByLayer("NAT gateways", nat, each, PRICES.natGateway, HOURS_PER_MONTH));
  // Only where there is a NAT gateway to process it (the audit stack has none).
  // The assumed traffic is the serving region's: a standby's NAT gateways carry next to nothing until failover.
  const servingNat = nat.filter((n) => stack.regionOf(n) === stack.region);
  if (servingNat.length > 0) lines.push(line(`NAT data processed (assumed ${USAGE_ASSUMPTIONS.natGbPerMonth} GB)`, sharedLayer(servingNat), USAGE_ASSUMPTIONS.natGbPerMonth, PRICES.natData));
  const interfaceEndpoints = all("aws_vpc_endpoint").filter((e) => e.values.vpc_endpoint_type === "Interface");
  const endpointAzs = (endpoints: SynthesizedResource[]) => endpoints.reduce((n, e) => n + (e.values.subnet_ids?.length ?? 0), 0);
  lines.push(...linesByLayer("Interface endpoints (endpoint × AZ)", interfaceEndpoints, endpointAzs, PRICES.interfaceEndpoint, HOURS_PER_MONTH));
  const albs = all("aws_lb");
  lines.push(...linesByLayer("Application Load Balancer", albs, each, PRICES.alb, HOURS_PER_MONTH));
  lines.push(...linesByLayer(`ALB capacity units (assumed ${USAGE_ASSUMPTIONS.albLcusAverage} LCU average)`, albs, (l) => l.length * USAGE_ASSUMPTIONS.albLcusAverage, PRICES.albLcu, HOURS_PER_MONTH));
  const fileSystems = all("aws_efs_file_system");
  if (fileSystems.length > 0) lines.push(line(`EFS Standard (assumed ${USAGE_ASSUMPTIONS.efsGb} GB)`, sharedLayer(fileSystems), USAGE_ASSUMPTIONS.efsGb, PRICES.efs));
  lines.push(...linesByLayer("KMS customer-managed keys", all("aws_kms_key"), each, PRICES.kmsKey));
  lines.push(...linesByLayer("CloudWatch alarms", all("aws_cloudwatch_metric_alarm"), each, PRICES.cloudwatchAlarm));
  lines.push(...linesByLayer("CloudWatch dashboards", all("aws_cloudwatch_dashboard"), each, PRICES.cloudwatchDashboard));
  lines.push(line(`CloudWatch Logs ingestion (assumed ${USAGE_ASSUMPTIONS.logsGbPerMonth} GB)`, sharedLayer(all("aws_cloudwatch_log_group")), USAGE_ASSUMPTIONS.logsGbPerMonth, PRICES.cloudwatchLogs));
  lines.push(...linesByLayer("Route 53 hosted zones", all("aws_route53_zone"), each, PRICES.route53Zone));
  lines.push(...linesByLayer("Route 53 HTTPS health checks (fast, latency)", all("aws_route53_health_check"), each, PRICES.route53HealthCheck));
  const acls = all("aws_wafv2_web_acl");
  lines.push(...linesByLayer("WAF web ACLs", acls, each, PRICES.wafWebAcl));
  const rules = (ofLayer: SynthesizedResource[]) => ofLayer.reduce((n, a) => n + (JSON.parse(a.values.rule_json ?? "[]") as unknown[]).length, 0);
  lines.push(...linesByLayer("WAF rules", acls, rules, PRICES.wafRule));
  // A canary runs every `rate(N minutes)`: 30 days of runs.
  const runs = (canaries: SynthesizedResource[]) =>
    canaries.reduce((total, canary) => {
      const minutes = Number(/^rate\((\d+) minutes?\)$/.exec(String(canary.values.schedule?.expression))?.[1] ?? 5);
      return total + (30 * 24 * 60) / minutes;
    }, 0);
  lines.push(...linesByLayer("CloudWatch Synthetics canary runs", all("aws_synthetics_canary"), runs, PRICES.syntheticsRun));
  const vaults = all("aws_backup_vault");
  const where = vaults.length > 1 ? ` per vault, × ${vaults.length} (a copy in another region)` : "";
  lines.push(...linesByLayer(`AWS Backup storage (assumed ${USAGE_ASSUMPTIONS.backupGb} GB${where})`, vaults, (v) => USAGE_ASSUMPTIONS.backupGb * v.length, PRICES.backupStorage));
  // The recovery region (recovery.strategy "backup-and-restore"): the copies' storage, and the data sent there.
  const replicatedBackups = all("aws_db_instance_automated_backups_replication");
  const replicatedFiles = all("aws_efs_replication_configuration");
  if (replicatedBackups.length > 0) {
    const storage = stack.resources("aws_db_instance").reduce((gb, db) => gb + (db.values.allocated_storage ?? 0), 0);
    lines.push(line(`Recovery region: replicated RDS backups (≈ the allocated ${storage} GB)`, sharedLayer(replicatedBackups), storage, PRICES.rdsBackupStorage));
  }
  if (replicatedFiles.length > 0) {
    lines.push(line(`Recovery region: EFS copy (assumed ${USAGE_ASSUMPTIONS.efsGb} GB)`, sharedLayer(replicatedFiles), USAGE_ASSUMPTIONS.efsGb, PRICES.efs));
  }
  if (replicatedBackups.length > 0 || replicatedFiles.length > 0) {
    lines.push(line(`Recovery region: data replicated there (assumed ${USAGE_ASSUMPTIONS.replicatedGbPerMonth} GB)`, sharedLayer([...replicatedBackups, ...replicatedFiles]), USAGE_ASSUMPTIONS.replicatedGbPerMonth, PRICES.interRegionTransfer));
  }
  // The audit stack: the first copy of management events is free ("AWS CloudTrail pricing"); data events, GuardDuty's
  // analysis, Config's recorded items and Security Hub's checks are billed by use.
  const trails = all("aws_cloudtrail");
  type Selector = { readonly field_selector?: readonly { readonly field: string; readonly equals?: readonly string[] }[] };
  const recordsData = (selector: Selector) => (selector.field_selector ?? []).some((f) => f.field === "eventCategory" && (f.equals ?? []).includes("Data"));
  const withDataEvents = trails.filter((t) => ((t.values.advanced_event_selector ?? []) as Selector[]).some(recordsData));
  lines.push(...linesByLayer(`CloudTrail S3 data events (assumed ${USAGE_ASSUMPTIONS.s3DataEventsPerMonth.toLocaleString("en-US")})`, withDataEvents, (t) => t.length * USAGE_ASSUMPTIONS.s3DataEventsPerMonth, PRICES.cloudtrailDataEvents));
  const detectors = all("aws_guardduty_detector");
  lines.push(...linesByLayer(`GuardDuty: management events analyzed (assumed ${USAGE_ASSUMPTIONS.managementEventsPerMonth.toLocaleString("en-US")})`, detectors, (d) => d.length * USAGE_ASSUMPTIONS.managementEventsPerMonth, PRICES.guardDutyEvents));
  lines.push(...linesByLayer(`GuardDuty: flow and DNS logs analyzed (assumed ${USAGE_ASSUMPTIONS.guardDutyLogGbPerMonth} GB)`, detectors, (d) => d.length * USAGE_ASSUMPTIONS.guardDutyLogGbPerMonth, PRICES.guardDutyLogs));
  lines.push(...linesByLayer(`AWS Config items recorded (assumed ${USAGE_ASSUMPTIONS.configItemsPerMonth.toLocaleString("en-US")})`, all("aws_config_configuration_recorder"), (r) => r.length * USAGE_ASSUMPTIONS.configItemsPerMonth, PRICES.configItems));
  lines.push(...linesByLayer(`Security Hub checks (assumed ${USAGE_ASSUMPTIONS.securityHubChecksPerMonth.toLocaleString("en-US")})`, all("aws_securityhub_account"), (h) => h.length * USAGE_ASSUMPTIONS.securityHubChecksPerMonth, PRICES.securityHubChecks));
  const billed = lines.filter((l) => l.quantity > 0);
  return { environment: stack.environment, stackId: stack.stackId, lines: billed, totalUsd: round(billed.reduce((sum, l) => sum + l.monthlyUsd, 0)) };
}

/** The layers what each rung of the disaster-recovery ladder adds run in (constructs/recovery.ts, constructs/standby.ts). */
const RECOVERY_LAYER = "recovery";
const STANDBY_LAYER = "standby";

/**
 * What surviving the loss of the region costs an environment per month, per strategy, from the lines of its estimate:
 * backup and restore is the recovery region's data (the recovery layer, and the copies' storage and transfer); a
 * pilot light adds the standby without its instances; a warm standby adds them too. Empty without a recovery region.
 */
export function standbyCostByStrategy(estimate: CostEstimate): { readonly strategy: string; readonly monthlyUsd: number }[] {
  const data = estimate.lines.filter((l) => l.layer === RECOVERY_LAYER || l.item.startsWith("Recovery region:"));
  const standby = estimate.lines.filter((l) => l.layer === STANDBY_LAYER);
  if (data.length === 0) return [];
  const sum = (ls: readonly CostLine[]) => round(ls.reduce((total, l) => total + l.monthlyUsd, 0));
  const instances = standby.filter((l) => l.item.startsWith("EC2 ") || l.item.startsWith("EBS "));
  const rows = [{ strategy: "backup-and-restore", monthlyUsd: sum(data) }];
  if (standby.length > 0) {
    rows.push({ strategy: "pilot-light", monthlyUsd: sum([...data, ...standby.filter((l) => !instances.includes(l))]) });
    if (instances.length > 0) rows.push({ strategy: "warm-standby", monthlyUsd: sum([...data, ...standby]) });
  }
  return rows;
}

export function costMarkdown(estimates: readonly CostEstimate[]): string {
  const lines = [
    "# Estimated monthly cost",
    "",
    `Unit prices: ${PRICES_SOURCE}, as of ${PRICES_AS_OF} (tools/data/prices.ts). An order of magnitude, not a quote: free tiers, data transfer, support and taxes are not included.`,
    "",
    `Usage assumptions: ${Object.entries(USAGE_ASSUMPTIONS).map(([k, v]) => `${k} = ${v}`).join(", ")}.`,
  ];
  for (const e of estimates) {
    lines.push("", `## ${e.environment}: about $${e.totalUsd.toFixed(2)} per month`, "", "| item | layer | quantity | unit price | per month |", "|---|---|---:|---|---:|");
    for (const l of e.lines) lines.push(`| ${l.item} | ${l.layer} | ${l.quantity} | $${l.price.usd} per ${l.price.unit} | $${l.monthlyUsd.toFixed(2)} |`);
    const ladder = standbyCostByStrategy(e);
    if (ladder.length > 0) {
      lines.push(
        "",
        `Surviving the loss of the region, per recovery.strategy (included above; from the lines of the ${RECOVERY_LAYER} and ${STANDBY_LAYER} layers: a pilot light is the standby without its instances):`,
        "",
        "| strategy | per month |",
        "|---|---:|",
        ...ladder.map((r) => `| ${r.strategy} | $${r.monthlyUsd.toFixed(2)} |`),
      );
    }
  }
  lines.push("", `Totals (${PRICES_REGION}, prices as of ${PRICES_AS_OF}): ${estimates.map((e) => `${e.environment} $${e.totalUsd.toFixed(2)}`).join(", ")}.`);
  return `${lines.join("\n")}\n`;
}

/** Every environment's estimate, and the audit stack's when the output has one (it belongs to no environment). */
export function estimatesFrom(outdir: string): CostEstimate[] {
  const environments = ENVIRONMENT_NAMES.map((env) => estimate(readStackView(outdir, environmentStackId(env))));
  const audit = existsSync(join(outdir, "stacks", AUDIT_STACK)) ? [{ ...estimate(readStackView(outdir, AUDIT_STACK)), environment: "audit" }] : [];
  return [...environments, ...audit];
}

/** The estimate of every environment stack of a synth output: one side of a comparison. */
export function estimateOutput(output: SynthOutput): EstimatedOutput {
  return { label: output.label, estimates: environmentStacks(output).map(estimate) };
}

/** The cost of the change from `base` to `head`, per environment, layer and line (tools/cost-delta.ts). */
export function compareCost(base: SynthOutput, head: SynthOutput): CostDelta {
  return costDelta(estimateOutput(base), estimateOutput(head));
}

export const USAGE = [
  "npm run cost -- [--from cdktf.out] [--format markdown|json]   (default: synthesize the current configuration)",
  "npm run cost -- --compare <base> [--from <head>] [--format markdown|json]   (monthly cost before, after, difference per environment and layer; <base>: a synth output directory or a git ref, synthesized by its own code; head: --from DIR, default the current configuration)",
].join("\n       ");

async function main(line: CommandLine): Promise<number> {
  const format = outputFormat(line, USAGE);
  const from = flag(line, "from");
  const base = flag(line, "compare");
  if (base === undefined) {
    return withSynthesizedOutput((outdir) => {
      const estimates = estimatesFrom(outdir);
      console.log(format === "json" ? JSON.stringify({ pricesAsOf: PRICES_AS_OF, pricesRegion: PRICES_REGION, usageAssumptions: USAGE_ASSUMPTIONS, estimates }, null, 2) : costMarkdown(estimates));
    }, from);
  }
  return exitOnConfigError(async () => {
    const { baseOutput, headOutput } = await readComparison(base, "--compare", from, "--from");
    const delta = compareCost(baseOutput, headOutput);
    console.log(format === "json" ? JSON.stringify(delta, null, 2) : costDeltaMarkdown(delta));
    return 0;
  });
}

if (require.main === module) runCommand({ usage: USAGE, options: { from: { type: "string" }, compare: { type: "string" }, format: { type: "string" } } }, main);
