/**
 * `npm run plan:summary -- <plan.json> [--policy FILE] [--title TEXT]`: turns `terraform show -json <planfile>` into
 * PR-ready markdown. Every replacement or deletion of a stateful resource (databases, file systems, buckets, keys,
 * tables, vaults, secrets) is called out at the top; then counts of create / update / replace / delete by resource
 * type; then the guardrail results (a report from `npm run policy`, when given).
 *
 * Exit code: 0 (the summary informs a reviewer; it does not judge), 2 on unreadable input.
 */
import { readFileSync } from "node:fs";
import { flag, runCommand, type CommandLine } from "./cli";

/** Resource types whose replacement or deletion loses data or access to it. */
export const STATEFUL_TYPES = new Set([
  "aws_db_instance",
  "aws_rds_cluster",
  "aws_efs_file_system",
  "aws_s3_bucket",
  "aws_kms_key",
  "aws_dynamodb_table",
  "aws_backup_vault",
  "aws_secretsmanager_secret",
  "aws_route53_zone",
]);

export type Action = "create" | "update" | "replace" | "delete" | "read" | "no-op";
export const ACTIONS_SHOWN: readonly Action[] = ["create", "update", "replace", "delete"];

interface PlanJson {
  readonly resource_changes?: { address: string; type: string; mode?: string; change: { actions: string[] } }[];
}

export interface PlanChange {
  readonly address: string;
  readonly type: string;
  readonly action: Action;
}

/** Terraform's action list for one resource, as one action. */
export function actionOf(actions: readonly string[]): Action {
  if (actions.includes("delete") && actions.includes("create")) return "replace";
  return (["create", "update", "delete", "read"].find((a) => actions.includes(a)) as Action | undefined) ?? "no-op";
}

export function changesOf(plan: PlanJson): PlanChange[] {
  return (plan.resource_changes ?? [])
    .filter((c) => c.mode !== "data")
    .map((c) => ({ address: c.address, type: c.type, action: actionOf(c.change.actions) }));
}

/** Stateful resources the plan replaces or deletes. */
export function destructiveChanges(changes: readonly PlanChange[]): PlanChange[] {
  return changes.filter((c) => STATEFUL_TYPES.has(c.type) && (c.action === "replace" || c.action === "delete"));
}

export function summarizePlan(plan: PlanJson, options: { title?: string; policy?: string } = {}): string {
  const changes = changesOf(plan);
  const destructive = destructiveChanges(changes);
  const lines = [`## ${options.title ?? "Terraform plan"}`, ""];
  if (destructive.length > 0) {
    lines.push(`> **Warning: ${destructive.length} stateful resource(s) would be replaced or deleted.** Data in them is lost unless restored from backup:`);
    for (const change of destructive) lines.push(`> - \`${change.address}\` (${change.type}): **${change.action}**`);
    lines.push("");
  }
  const total = (action: Action) => changes.filter((c) => c.action === action).length;
  lines.push(`Plan: ${ACTIONS_SHOWN.map((a) => `${total(a)} to ${a}`).join(", ")}.`, "");
  const types = [...new Set(changes.filter((c) => ACTIONS_SHOWN.includes(c.action)).map((c) => c.type))].sort();
  if (types.length > 0) {
    lines.push(`| resource type | ${ACTIONS_SHOWN.join(" | ")} |`, `|---|${ACTIONS_SHOWN.map(() => "---:").join("|")}|`);
    for (const type of types) {
      lines.push(`| ${type} | ${ACTIONS_SHOWN.map((a) => changes.filter((c) => c.type === type && c.action === a).length || "").join(" | ")} |`);
    }
    lines.push("");
  } else {
    lines.push("No changes.", "");
  }
  if (options.policy) lines.push("### Guardrails", "", options.policy.replace(/^# .*\n+/, ""), "");
  return `${lines.join("\n").trimEnd()}\n`;
}

const USAGE = "npm run plan:summary -- <plan.json> [--policy policy-report.md] [--title TEXT]  (plan.json: terraform show -json <planfile>)";

function main(line: CommandLine): number {
  const [file] = line.positionals;
  let plan: PlanJson;
  try {
    plan = JSON.parse(readFileSync(file, "utf8")) as PlanJson;
  } catch (error) {
    console.error(`${file} is not the JSON of a plan (terraform show -json <planfile> > plan.json): ${(error as Error).message}`);
    return 2;
  }
  const policyFile = flag(line, "policy");
  console.log(summarizePlan(plan, { title: flag(line, "title"), policy: policyFile ? readFileSync(policyFile, "utf8") : undefined }));
  return 0;
}

if (require.main === module) runCommand({ usage: USAGE, options: { policy: { type: "string" }, title: { type: "string" } }, positionals: { min: 1, max: 1 } }, main);
