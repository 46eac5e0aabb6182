/**
 * `npm run plan:summary -- <plan.json> [--policy FILE] [--base <base> [--head <head>] [--env ENV]] [--title TEXT]`:
 * turns `terraform show -json <planfile>` into PR-ready markdown. Every replacement or deletion of a stateful resource
 * (STATEFUL_RESOURCES: databases, file systems, buckets, keys, tables, vaults, secrets, zones, log groups) is called
 * out at the top; then counts of create / update / replace / delete by resource type; then, with --base, what the
 * change does to the guardrails (newly failing and newly suppressed results called out first) and to the estimated
 * monthly cost, per layer; then the guardrail results (a report from `npm run policy`, when given).
 * `npm run plan:check` gates on the same list.
 *
 *   --base BASE  the synth output the change starts from: a directory (`npm run synth -- --outdir DIR`) or a git ref
 *   --head DIR   the synth output of the change (default: the current configuration); in CI the vetted stacks
 *   --env ENV    only this environment's cost and stack (the pull request comment is per environment)
 *
 * Exit code: 0 (the summary informs a reviewer; it does not judge), 2 on unreadable input.
 */
import { readFileSync } from "node:fs";
import type { EnvironmentName } from "../config/schema";
import { environmentStackId } from "../constructs/naming";
import type { Suppression } from "../constructs/policy/suppressions";
import { readComparison } from "./base-output";
import { UsageError, exitOnConfigError, flag, runCommand, type CommandLine } from "./cli";
import { compareCost } from "./cost";
import { environmentCostMarkdown, type CostDelta } from "./cost-delta";
import { readPlanFile, type PlanJson } from "./plan-json";
import { comparePolicy, forStacks, policyDeltaMarkdown, type PolicyDelta } from "./policy-delta";

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
  // The copies in the recovery region (constructs/recovery.ts): every argument forces a replacement.
  aws_db_instance_automated_backups_replication: "the database's point-in-time copy in the recovery region until it is rebuilt (replication stops; a region loss meanwhile loses the database)",
  aws_efs_replication_configuration: "the file system's copy in the recovery region: EFS deletes the replication on both sides, the old copy is left writable and untracked, and a new copy starts a full sync",
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

/** What the summary says about a change besides its plan. */
export interface SummaryOptions {
  /** The heading. @default "Terraform plan" */
  readonly title?: string;
  /** A guardrail report (`npm run policy`'s markdown), shown last. @default - none */
  readonly policy?: string;
  /** The change's guardrail delta (tools/policy-delta.ts), already narrowed to the stacks shown. @default - none */
  readonly guardrailChanges?: PolicyDelta;
  /**
   * The change's cost delta (tools/cost-delta.ts), already narrowed to the environments shown, or why it could not be
   * estimated (a resource the price table has no price for). @default - none
   */
  readonly costChanges?: CostDelta | { readonly error: string };
}

export function summarizePlan(plan: Pick<PlanJson, "resource_changes">, options: SummaryOptions = {}): string {
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
  if (options.guardrailChanges) lines.push(policyDeltaMarkdown(options.guardrailChanges, "###", { labels: false }));
  if (options.costChanges) {
    lines.push("### Estimated monthly cost: base → head", "");
    if ("error" in options.costChanges) lines.push(`Not estimated: ${options.costChanges.error}`, "");
    else {
      lines.push(`Unit prices as of ${options.costChanges.pricesAsOf} (tools/data/prices.ts), the same for both sides; \`npm run cost\` lists every line and assumption.`, "");
      for (const env of options.costChanges.environments) lines.push(...environmentCostMarkdown(env, "####", { changedLayersOnly: true }));
    }
  }
  if (options.policy) lines.push("### Guardrails", "", options.policy.replace(/^# .*\n+/, ""), "");
  return `${lines.join("\n").trimEnd()}\n`;
}

/**
 * The guardrail and cost deltas from `base` to `head` (directories, or a ref for the base; the current configuration
 * without --head), narrowed to `environment` when given: an environment neither side has is a UsageError. Both sides
 * are judged with `suppressions` (default: this checkout's).
 */
export async function reviewDeltas(
  base: string,
  head: string | undefined,
  environment?: string,
  suppressions?: Readonly<Record<string, readonly Suppression[]>>,
): Promise<Pick<SummaryOptions, "guardrailChanges" | "costChanges">> {
  const { baseOutput, headOutput } = await readComparison(base, "--base", head, "--head");
  const { delta } = comparePolicy(baseOutput, headOutput, suppressions);
  let cost: CostDelta | { error: string };
  try {
    cost = compareCost(baseOutput, headOutput);
  } catch (error) {
    // The head may deploy what this checkout's price table does not know (a new instance type): the rest of the
    // summary still informs.
    cost = { error: (error as Error).message };
  }
  if (environment === undefined) return { guardrailChanges: delta, costChanges: cost };
  const stackId = environmentStackId(environment as EnvironmentName);
  const known = [...baseOutput.stacks, ...headOutput.stacks].map((s) => s.stackId);
  if (!known.includes(stackId)) throw new UsageError(`--env ${environment}: neither the base nor the head has a stack ${stackId}; they have ${[...new Set(known)].join(", ")}`);
  return { guardrailChanges: forStacks(delta, [stackId]), costChanges: "error" in cost ? cost : { ...cost, environments: cost.environments.filter((e) => e.stackId === stackId) } };
}

export const USAGE =
  "npm run plan:summary -- <plan.json> [--policy policy-report.md] [--base <base> [--head <head>] [--env prod]] [--title TEXT]  (plan.json: terraform show -json <planfile>; " +
  "<base>: a synth output directory or a git ref, <head>: a synth output directory, default the current configuration: adds the guardrail and cost changes)";

function main(line: CommandLine): Promise<number> {
  const plan = readPlanFile(line.positionals[0]);
  const policyFile = flag(line, "policy");
  const policy = policyFile ? readFileSync(policyFile, "utf8") : undefined;
  const [base, head, environment] = [flag(line, "base"), flag(line, "head"), flag(line, "env")];
  if (base === undefined && (head !== undefined || environment !== undefined)) throw new UsageError(`--head and --env go with --base <base>\nusage: ${USAGE}`);
  return exitOnConfigError(async () => {
    const deltas = base === undefined ? {} : await reviewDeltas(base, head, environment);
    console.log(summarizePlan(plan, { title: flag(line, "title"), policy, ...deltas }));
    return 0;
  });
}

if (require.main === module) {
  const options = { policy: { type: "string" }, title: { type: "string" }, base: { type: "string" }, head: { type: "string" }, env: { type: "string" } } as const;
  runCommand({ usage: USAGE, options, positionals: { min: 1, max: 1 } }, main);
}
