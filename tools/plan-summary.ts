/**
 * `npm run plan:summary -- <plan.json> [--policy FILE] [--title TEXT]`: turns `terraform show -json <planfile>` into
 * PR-ready markdown. Every replacement or deletion of a stateful resource (STATEFUL_RESOURCES: databases, file systems,
 * buckets, keys, tables, vaults, secrets, zones, log groups) is called out at the top; then counts of create / update /
 * replace / delete by resource type; then the guardrail results (a report from `npm run policy`, when given).
 * `npm run plan:check` gates on the same list.
 *
 * Exit code: 0 (the summary informs a reviewer; it does not judge), 2 on unreadable input.
 */
import { readFileSync } from "node:fs";
import { flag, runCommand, type CommandLine } from "./cli";
import { readPlanFile, type PlanJson } from "./plan-json";

/**
 * Resource types whose replacement or deletion loses data or access to it, and what is lost. The one list behind the
 * summary's warning and the data-loss gate (`npm run plan:check`). Every type here that the stacks synthesize:
 * aws_backup_vault, aws_cloudwatch_log_group, aws_db_instance, aws_dynamodb_table, aws_efs_file_system, aws_kms_key,
 * aws_s3_bucket (`npm run inventory`); the others are the stores a change could add or adopt.
 */
export const STATEFUL_RESOURCES: Readonly<Record<string, string>> = {
  aws_db_instance: "the database's data (the new instance starts empty: restore from a snapshot or a point in time)",
  aws_rds_cluster: "the cluster volume's data (the new cluster starts empty: restore from a snapshot)",
  aws_efs_file_system: "every file on it (restore from an AWS Backup recovery point)",
  aws_s3_bucket: "every object in it, and its name, which anyone may then take",
  aws_kms_key: "access to everything encrypted with it once its deletion window ends",
  aws_dynamodb_table: "every item in it",
  aws_backup_vault: "its recovery points, the backups of the database and the file system",
  aws_secretsmanager_secret: "the secret's value once its recovery window ends",
  aws_route53_zone: "every record in it, and the delegation: a new zone gets new name servers",
  // Flow, database, session and WAF logs are the audit trail; a deleted group takes every event with it.
  aws_cloudwatch_log_group: "its log events (the audit trail: flow, database, session and firewall logs)",
};

/** The types of STATEFUL_RESOURCES. */
export const STATEFUL_TYPES: ReadonlySet<string> = new Set(Object.keys(STATEFUL_RESOURCES));

export type Action = "create" | "update" | "replace" | "delete" | "read" | "no-op";
export const ACTIONS_SHOWN: readonly Action[] = ["create", "update", "replace", "delete"];

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

/** The plan's managed resources (data sources are read, never changed) with one action each. */
export function changesOf(plan: Pick<PlanJson, "resource_changes">): PlanChange[] {
  return (plan.resource_changes ?? [])
    .filter((c) => c.mode !== "data")
    .map((c) => ({ address: c.address, type: c.type, action: actionOf(c.change.actions) }));
}

/** Stateful resources the plan replaces or deletes. */
export function destructiveChanges(changes: readonly PlanChange[]): PlanChange[] {
  return changes.filter((c) => STATEFUL_TYPES.has(c.type) && (c.action === "replace" || c.action === "delete"));
}

export function summarizePlan(plan: Pick<PlanJson, "resource_changes">, options: { title?: string; policy?: string } = {}): string {
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
  const plan = readPlanFile(line.positionals[0]);
  const policyFile = flag(line, "policy");
  console.log(summarizePlan(plan, { title: flag(line, "title"), policy: policyFile ? readFileSync(policyFile, "utf8") : undefined }));
  return 0;
}

if (require.main === module) runCommand({ usage: USAGE, options: { policy: { type: "string" }, title: { type: "string" } }, positionals: { min: 1, max: 1 } }, main);
