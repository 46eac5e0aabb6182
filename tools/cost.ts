/**
 * `npm run cost`: an estimated monthly cost per environment, from the synthesized stacks (what would be deployed:
 * instance types and counts, NAT gateways, endpoints, alarms, keys...) and the dated unit-price table in
 * tools/data/prices.ts. Usage the Terraform cannot tell (traffic, stored data) comes from stated assumptions, printed.
 */
import { ENVIRONMENT_NAMES } from "../config/schema";
import { environmentStackId } from "../constructs/naming";
import type { StackView } from "../constructs/policy/stack-view";
import { HOURS_PER_MONTH, PRICES, PRICES_AS_OF, PRICES_REGION, PRICES_SOURCE, USAGE_ASSUMPTIONS, type UnitPrice } from "./data/prices";
import { flag, runCommand } from "./cli";
import { readStackView, withSynthesizedOutput } from "./synthesized";

export interface CostLine {
  readonly item: string;
  readonly quantity: number;
  readonly price: UnitPrice;
  readonly monthlyUsd: number;
}

export interface CostEstimate {
  readonly environment: string;
  readonly lines: readonly CostLine[];
  readonly totalUsd: number;
}

const round = (n: number) => Math.round(n * 100) / 100;

function line(item: string, quantity: number, price: UnitPrice, perMonthFactor = 1): CostLine {
  return { item, quantity, price, monthlyUsd: round(quantity * price.usd * perMonthFactor) };
}

export function estimate(stack: StackView): CostEstimate {
  const count = (type: string) => stack.resources(type).length;
  const lines: CostLine[] = [];
  for (const group of stack.resources("aws_autoscaling_group")) {
    const template = stack.referenced(group.values.launch_template?.id)?.values ?? {};
    const type = template.instance_type as keyof typeof PRICES.ec2;
    const instances = group.values.desired_capacity ?? group.values.min_size;
    const price = PRICES.ec2[type];
    if (!price) throw new Error(`no price for instance type ${type}: add it to tools/data/prices.ts`);
    lines.push(line(`EC2 ${type} × desired capacity`, instances, price, HOURS_PER_MONTH));
    const volume = template.block_device_mappings?.[0]?.ebs?.volume_size ?? 8;
    lines.push(line(`EBS gp3 root volumes (${volume} GB each)`, instances * volume, PRICES.ebsGp3));
  }
  for (const { values: db } of stack.resources("aws_db_instance")) {
    const copies = db.multi_az ? 2 : 1;
    const price = PRICES.rds[db.instance_class as keyof typeof PRICES.rds];
    if (!price) throw new Error(`no price for DB class ${db.instance_class}: add it to tools/data/prices.ts`);
    lines.push(line(`RDS ${db.instance_class}${db.multi_az ? " Multi-AZ (primary + standby)" : ""}`, copies, price, HOURS_PER_MONTH));
    lines.push(line(`RDS gp3 storage (${db.allocated_storage} GB${db.multi_az ? " × 2" : ""})`, db.allocated_storage * copies, PRICES.rdsGp3));
  }
  lines.push(line("NAT gateways", count("aws_nat_gateway"), PRICES.natGateway, HOURS_PER_MONTH));
  lines.push(line(`NAT data processed (assumed ${USAGE_ASSUMPTIONS.natGbPerMonth} GB)`, USAGE_ASSUMPTIONS.natGbPerMonth, PRICES.natData));
  const endpointAzs = stack.resources("aws_vpc_endpoint").filter((e) => e.values.vpc_endpoint_type === "Interface").reduce((n, e) => n + (e.values.subnet_ids?.length ?? 0), 0);
  lines.push(line("Interface endpoints (endpoint × AZ)", endpointAzs, PRICES.interfaceEndpoint, HOURS_PER_MONTH));
  lines.push(line("Application Load Balancer", count("aws_lb"), PRICES.alb, HOURS_PER_MONTH));
  lines.push(line(`ALB capacity units (assumed ${USAGE_ASSUMPTIONS.albLcusAverage} LCU average)`, count("aws_lb") * USAGE_ASSUMPTIONS.albLcusAverage, PRICES.albLcu, HOURS_PER_MONTH));
  if (count("aws_efs_file_system") > 0) lines.push(line(`EFS Standard (assumed ${USAGE_ASSUMPTIONS.efsGb} GB)`, USAGE_ASSUMPTIONS.efsGb, PRICES.efs));
  lines.push(line("KMS customer-managed keys", count("aws_kms_key"), PRICES.kmsKey));
  lines.push(line("CloudWatch alarms", count("aws_cloudwatch_metric_alarm"), PRICES.cloudwatchAlarm));
  lines.push(line("CloudWatch dashboards", count("aws_cloudwatch_dashboard"), PRICES.cloudwatchDashboard));
  lines.push(line(`CloudWatch Logs ingestion (assumed ${USAGE_ASSUMPTIONS.logsGbPerMonth} GB)`, USAGE_ASSUMPTIONS.logsGbPerMonth, PRICES.cloudwatchLogs));
  lines.push(line("Route 53 hosted zones", count("aws_route53_zone"), PRICES.route53Zone));
  lines.push(line("Route 53 HTTPS health checks (fast, latency)", count("aws_route53_health_check"), PRICES.route53HealthCheck));
  const acls = stack.resources("aws_wafv2_web_acl");
  if (acls.length > 0) {
    lines.push(line("WAF web ACLs", acls.length, PRICES.wafWebAcl));
    const rules = acls.reduce((n, a) => n + (JSON.parse(a.values.rule_json ?? "[]") as unknown[]).length, 0);
    lines.push(line("WAF rules", rules, PRICES.wafRule));
  }
  // A canary runs every `rate(N minutes)`: 30 days of runs.
  const canaryRuns = stack.resources("aws_synthetics_canary").reduce((runs, canary) => {
    const minutes = Number(/^rate\((\d+) minutes?\)$/.exec(String(canary.values.schedule?.expression))?.[1] ?? 5);
    return runs + (30 * 24 * 60) / minutes;
  }, 0);
  if (canaryRuns > 0) lines.push(line("CloudWatch Synthetics canary runs", canaryRuns, PRICES.syntheticsRun));
  const vaults = count("aws_backup_vault");
  if (vaults > 0) {
    const where = vaults > 1 ? ` per vault, × ${vaults} (a copy in another region)` : "";
    lines.push(line(`AWS Backup storage (assumed ${USAGE_ASSUMPTIONS.backupGb} GB${where})`, USAGE_ASSUMPTIONS.backupGb * vaults, PRICES.backupStorage));
  }
  // The recovery region (recovery.strategy "backup-and-restore"): the copies' storage, and the data sent there.
  const replicatedBackups = stack.resources("aws_db_instance_automated_backups_replication");
  if (replicatedBackups.length > 0) {
    const storage = stack.resources("aws_db_instance").reduce((gb, db) => gb + (db.values.allocated_storage ?? 0), 0);
    lines.push(line(`Recovery region: replicated RDS backups (≈ the allocated ${storage} GB)`, storage, PRICES.rdsBackupStorage));
  }
  if (count("aws_efs_replication_configuration") > 0) {
    lines.push(line(`Recovery region: EFS copy (assumed ${USAGE_ASSUMPTIONS.efsGb} GB)`, USAGE_ASSUMPTIONS.efsGb, PRICES.efs));
  }
  if (replicatedBackups.length > 0 || count("aws_efs_replication_configuration") > 0) {
    lines.push(line(`Recovery region: data replicated there (assumed ${USAGE_ASSUMPTIONS.replicatedGbPerMonth} GB)`, USAGE_ASSUMPTIONS.replicatedGbPerMonth, PRICES.interRegionTransfer));
  }
  const billed = lines.filter((l) => l.quantity > 0);
  return { environment: stack.environment, lines: billed, totalUsd: round(billed.reduce((sum, l) => sum + l.monthlyUsd, 0)) };
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
    lines.push("", `## ${e.environment}: about $${e.totalUsd.toFixed(2)} per month`, "", "| item | quantity | unit price | per month |", "|---|---:|---|---:|");
    for (const l of e.lines) lines.push(`| ${l.item} | ${l.quantity} | $${l.price.usd} per ${l.price.unit} | $${l.monthlyUsd.toFixed(2)} |`);
  }
  lines.push("", `Totals (${PRICES_REGION}, prices as of ${PRICES_AS_OF}): ${estimates.map((e) => `${e.environment} $${e.totalUsd.toFixed(2)}`).join(", ")}.`);
  return `${lines.join("\n")}\n`;
}

export function estimatesFrom(outdir: string): CostEstimate[] {
  return ENVIRONMENT_NAMES.map((env) => estimate(readStackView(outdir, environmentStackId(env))));
}

if (require.main === module) {
  runCommand({ usage: "npm run cost -- [--from cdktf.out]   (default: synthesize the current configuration)", options: { from: { type: "string" } } }, (line) =>
    withSynthesizedOutput((outdir) => console.log(costMarkdown(estimatesFrom(outdir))), flag(line, "from")),
  );
}
