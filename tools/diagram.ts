/**
 * `npm run diagram`: the architecture picture, drawn from the synthesized prod stack (not a static file): the VPC
 * with a column per AZ and its subnet tiers, the load balancer, the app instances, the database primary and standby,
 * the file system's mount targets, Route 53 with its failover, the alarms, and the recovery region with what is kept
 * there. Graphviz (compiled to WebAssembly)
 * lays it out; resvg (WebAssembly) renders the PNG with a bundled DejaVu font. Nothing to install on the system.
 *
 * Usage: tsx tools/diagram.ts [--env prod] [--out docs]  → <out>/architecture.svg and <out>/architecture.png
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { SUBNET_TIERS } from "../config/subnet-plan";
import { ENVIRONMENT_NAMES, type EnvironmentName } from "../config/schema";
import { environmentStackId } from "../constructs/naming";
import { block, type StackView } from "../constructs/policy/stack-view";
import { UsageError, flag, runCommand, type CommandLine } from "./cli";
import { readStackView, withSynthesizedOutput } from "./synthesized";

const TIER_COLORS: Record<string, string> = { public: "#e8f1fb", "private-app": "#eef8ec", "private-data": "#fdf0e6" };

const quote = (text: string) => JSON.stringify(text);
const id = (text: string) => quote(text.replace(/[^\w-]/g, "_"));

/** The Graphviz description of one synthesized environment stack. */
export function architectureDot(stack: StackView): string {
  // The primary region's columns; the recovery region is a cluster of its own below.
  const home = (type: string) => stack.resources(type).filter((r) => stack.regionOf(r) === stack.region);
  const away = (type: string) => stack.resources(type).filter((r) => stack.regionOf(r) !== stack.region);
  const subnets = home("aws_subnet").map((s) => s.values);
  const azs = [...new Set(subnets.map((s) => s.availability_zone as string))].sort();
  const tiers = SUBNET_TIERS.filter((tier) => subnets.some((s) => s.tags?.Tier === tier));
  const natAzs = new Set(home("aws_nat_gateway").map((n) => stack.referenced(n.values.subnet_id)?.values.availability_zone));
  const mountAzs = new Set(home("aws_efs_mount_target").map((t) => stack.referenced(t.values.subnet_id)?.values.availability_zone));
  const group = home("aws_autoscaling_group")[0]?.values ?? {};
  const db = home("aws_db_instance")[0]?.values;
  const vpc = home("aws_vpc")[0]?.values ?? {};
  const alarms = stack.resources("aws_cloudwatch_metric_alarm").length;
  const failover = stack.resources("aws_cloudfront_distribution").length > 0;
  const waf = home("aws_wafv2_web_acl").length > 0;
  // The standby (recovery.strategy "pilot-light" / "warm-standby"): its load balancer, group and network.
  const standbyGroup = away("aws_autoscaling_group")[0]?.values;
  const standbyVpc = away("aws_vpc")[0]?.values;
  const standbyAzs = [...new Set(away("aws_subnet").map((s) => s.values.availability_zone as string))].sort();
  const standbyReplica = away("aws_db_instance")[0]?.values;

  const lines = [
    "digraph medicarehub {",
    '  graph [rankdir=TB, fontname="DejaVu Sans", fontsize=12, nodesep=0.3, ranksep=0.5, compound=true, newrank=true];',
    '  node [shape=box, style="rounded,filled", fillcolor=white, fontname="DejaVu Sans", fontsize=10];',
    '  edge [fontname="DejaVu Sans", fontsize=9, color="#555555"];',
    `  users [label="Users", shape=oval];`,
    `  route53 [label=${quote(`Route 53\n${failover ? "health-checked failover" : "alias records, health check"}`)}, fillcolor="#f3e8fb"];`,
    `  alb [label=${quote(`Application Load Balancer\nHTTPS (TLS 1.3)${waf ? " + WAF" : ""}`)}, fillcolor="#dbe9fa"];`,
    `  alarms [label=${quote(`CloudWatch alarms (${alarms})\n→ SNS → on-call`)}, fillcolor="#fff6d6"];`,
    `  efs [label="EFS shared file system\\n(regional)", fillcolor="#e6f4f1"];`,
    "  users -> route53;",
    "  route53 -> alb [label=primary];",
  ];
  if (failover) {
    lines.push(`  maintenance [label="CloudFront + S3\\nmaintenance page", fillcolor="#f3e8fb"];`, `  route53 -> maintenance [label=${quote(standbyGroup ? "last resort" : "secondary")}, style=dashed];`);
  }
  lines.push(`  subgraph cluster_vpc {`, `    label=${quote(`VPC ${vpc.cidr_block ?? ""}`)}; style="rounded"; color="#7a869a";`);
  azs.forEach((az, column) => {
    lines.push(`    subgraph ${id(`cluster_${az}`)} {`, `      label=${quote(az)}; style="rounded,dashed"; color="#9aa5b1";`);
    for (const tier of tiers) {
      const subnet = subnets.find((s) => s.availability_zone === az && s.tags?.Tier === tier);
      const extras: string[] = [];
      if (tier === "public" && natAzs.has(az)) extras.push("NAT gateway");
      if (tier === "private-app") extras.push(`app instances (ASG ${group.min_size ?? "?"}–${group.max_size ?? "?"} in all)`, ...(mountAzs.has(az) ? ["EFS mount target"] : []));
      if (tier === "private-data" && db) extras.push(column === 0 ? "RDS primary" : column === 1 && db.multi_az ? "RDS standby" : "");
      const label = [`${tier} subnet`, subnet?.cidr_block ?? "", ...extras.filter(Boolean)].join("\n");
      lines.push(`      ${id(`${tier}_${az}`)} [label=${quote(label)}, fillcolor=${quote(TIER_COLORS[tier])}];`);
    }
    for (let i = 1; i < tiers.length; i++) lines.push(`      ${id(`${tiers[i - 1]}_${az}`)} -> ${id(`${tiers[i]}_${az}`)} [style=invis];`);
    lines.push("    }");
  });
  lines.push("  }");
  for (const az of azs) {
    lines.push(`  alb -> ${id(`private-app_${az}`)};`);
    if (mountAzs.has(az)) lines.push(`  ${id(`private-app_${az}`)} -> efs [style=dotted];`);
  }
  if (db?.multi_az && azs.length > 1) {
    lines.push(`  ${id(`private-data_${azs[0]}`)} -> ${id(`private-data_${azs[1]}`)} [label="synchronous\\nreplication", dir=both, constraint=false];`);
  }
  // The recovery region (recovery.strategy): what is kept there, read from the replications and their providers.
  const backupsCopy = stack.resources("aws_db_instance_automated_backups_replication")[0];
  const filesCopy = stack.resources("aws_efs_replication_configuration")[0];
  const copyVault = stack.resources("aws_backup_vault").find((v) => stack.regionOf(v) !== stack.region);
  const recoveryRegion = (backupsCopy && stack.regionOf(backupsCopy)) ?? block(filesCopy?.values.destination)?.region ?? (copyVault && stack.regionOf(copyVault));
  if (recoveryRegion) {
    const what = !standbyGroup ? "data kept, nothing running" : (standbyGroup.min_size ?? 0) > 0 ? "warm standby" : "pilot light";
    lines.push(`  subgraph cluster_recovery {`, `    label=${quote(`${recoveryRegion}: recovery region (${what})`)}; style="rounded,dashed"; color="#b36b00";`);
    if (standbyGroup) {
      lines.push(
        `    standby_alb [label=${quote(`Application Load Balancer\nHTTPS${away("aws_wafv2_web_acl").length > 0 ? " + WAF" : ""}, own health check`)}, fillcolor="#dbe9fa"];`,
        `    standby_app [label=${quote(`VPC ${standbyVpc?.cidr_block ?? ""}, ${standbyAzs.length} AZs (${standbyAzs.join(", ")})\nNAT per AZ, endpoints\napp instances (ASG ${standbyGroup.min_size}–${standbyGroup.max_size})`)}, fillcolor="#e8f1e4"];`,
        `    standby_db [label=${quote(standbyReplica ? "RDS read replica" : "RDS subnet and parameter groups\n(restored at failover)")}, fillcolor="#fdf0e6"];`,
        "    standby_alb -> standby_app;",
        "    standby_app -> standby_db [style=dotted];",
      );
    }
    if (backupsCopy) lines.push(`    recovery_backups [label="RDS automated backups\n(point-in-time restore)", fillcolor="#fdf0e6"];`);
    if (filesCopy) lines.push(`    recovery_files [label="EFS copy\n(read-only until failover)", fillcolor="#e6f4f1"];`);
    if (copyVault) lines.push(`    recovery_vault [label="AWS Backup copy vault", fillcolor="#fff6d6"];`);
    lines.push("  }");
    if (backupsCopy && db) lines.push(`  ${id(`private-data_${azs[0]}`)} -> recovery_backups [label="replicated", style=dashed, constraint=false];`);
    if (filesCopy) lines.push(`  efs -> recovery_files [label="replicated", style=dashed];`);
    if (standbyGroup) {
      lines.push(`  route53 -> standby_alb [label="secondary", style=dashed];`);
      if (filesCopy) lines.push("  standby_app -> recovery_files [style=dotted];");
      if (backupsCopy) lines.push(`  recovery_backups -> standby_db [label=${quote(standbyReplica ? "" : "restore")}, style=dotted];`);
    }
  }
  lines.push("  alb -> alarms [style=invis];", "}");
  return `${lines.join("\n")}\n`;
}

/** SVG from DOT, through Graphviz compiled to WebAssembly (an ES module, loaded by a real dynamic import). */
export async function renderSvg(dot: string): Promise<string> {
  // A real import(): TypeScript's CommonJS output would turn `await import()` into require(), which cannot load ESM.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const importModule = new Function("specifier", "return import(specifier)") as (specifier: string) => Promise<any>;
  const { Graphviz } = await importModule("@hpcc-js/wasm-graphviz");
  const graphviz = await Graphviz.load();
  return graphviz.dot(dot) as string;
}

/** PNG from SVG, through resvg compiled to WebAssembly, with the bundled DejaVu Sans (no system fonts). */
export async function renderPng(svg: string): Promise<Buffer> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const resvg = require("@resvg/resvg-wasm") as typeof import("@resvg/resvg-wasm");
  await resvg.initWasm(readFileSync(require.resolve("@resvg/resvg-wasm/index_bg.wasm")));
  const fonts = ["DejaVuSans.ttf", "DejaVuSans-Bold.ttf"].map((file) => readFileSync(require.resolve(`dejavu-fonts-ttf/ttf/${file}`)));
  const renderer = new resvg.Resvg(svg, { background: "white", fitTo: { mode: "zoom", value: 1.5 }, font: { fontBuffers: fonts, defaultFontFamily: "DejaVu Sans" } });
  return Buffer.from(renderer.render().asPng());
}

const USAGE = "npm run diagram -- [--env prod|dev] [--out DIR]   (writes architecture.svg and .png, default docs/)";

function main(line: CommandLine): Promise<number> {
  const env = flag(line, "env", "prod") as EnvironmentName;
  if (!(ENVIRONMENT_NAMES as readonly string[]).includes(env)) throw new UsageError(`--env takes one of ${ENVIRONMENT_NAMES.join(", ")}, got "${env}"\nusage: ${USAGE}`);
  const out = resolve(flag(line, "out") ?? join(__dirname, "..", "docs"));
  return withSynthesizedOutput(async (outdir) => {
    const stackId = environmentStackId(env);
    const svg = await renderSvg(architectureDot(readStackView(outdir, stackId)));
    writeFileSync(join(out, "architecture.svg"), svg);
    writeFileSync(join(out, "architecture.png"), await renderPng(svg));
    console.log(`${join(out, "architecture.svg")} and .png drawn from the synthesized ${stackId}`);
  });
}

if (require.main === module) runCommand({ usage: USAGE, options: { env: { type: "string" }, out: { type: "string" } } }, main);
