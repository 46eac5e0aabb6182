/**
 * `npm run plan:check -- <plan.json> [--allow]`: the data-loss gate of pull requests. Reads `terraform show -json
 * <planfile>` (or the workflows' reduced copy of it) and names every stateful resource (STATEFUL_RESOURCES in
 * plan-summary.ts: database, file system, bucket, key, table, vault, secret, zone, log group) the plan replaces or
 * deletes: address, type, action, the attributes that force a replacement, and what is lost.
 *
 *   --allow   the loss is approved (in CI: the pull request carries the label approved-data-loss, docs/ci.md):
 *             the same list is printed, then a line saying so, and the exit code is 0
 *
 * Exit code: 0 when nothing stateful is replaced or deleted (or with --allow), 1 when something is, 2 when the input
 * is not a plan's JSON (the message names the field) or the plan errored.
 */
import { UsageError, runCommand, type CommandLine } from "./cli";
import { readPlanFile, type PlanJson } from "./plan-json";
import { ACTIONS_SHOWN, STATEFUL_RESOURCES, changesOf, destructiveChanges, type PlanChange } from "./plan-summary";

/** The pull-request label that approves a data loss: the PR workflow passes --allow when it is present. */
export const APPROVAL_LABEL = "approved-data-loss";

/** A stateful resource the plan replaces or deletes. */
export interface DataLoss extends PlanChange {
  readonly action: "replace" | "delete";
  /** Attributes whose change forces the replacement (`replace_paths`), as `a.b[0]`; empty when the plan omits them. */
  readonly forcedBy: readonly string[];
  /** Terraform's reason, e.g. `delete_because_no_resource_config`, when the plan has it. */
  readonly reason?: string;
  /** What the replacement or deletion loses (STATEFUL_RESOURCES). */
  readonly loses: string;
}

/** `["ebs_block_device", 0, "size"]` → `ebs_block_device[0].size`. */
export const attributePath = (path: readonly (string | number)[]): string =>
  path.map((step, i) => (typeof step === "number" ? `[${step}]` : i === 0 ? step : `.${step}`)).join("");

/** Every stateful resource the plan replaces or deletes, in plan order. */
export function findDataLoss(plan: Pick<PlanJson, "resource_changes">): DataLoss[] {
  const managed = (plan.resource_changes ?? []).filter((c) => c.mode !== "data");
  return destructiveChanges(changesOf(plan)).map((change) => {
    const entry = managed.find((c) => c.address === change.address);
    return {
      ...change,
      action: change.action as DataLoss["action"],
      forcedBy: (entry?.change.replace_paths ?? []).map(attributePath),
      ...(entry?.action_reason ? { reason: entry.action_reason } : {}),
      loses: STATEFUL_RESOURCES[change.type],
    };
  });
}

/** One line per loss, as the gate prints it. */
export function describeLoss(loss: DataLoss): string {
  const why = [loss.forcedBy.length ? `forced by ${loss.forcedBy.join(", ")}` : "", loss.reason ?? ""].filter(Boolean).join("; ");
  return `  - ${loss.action} ${loss.address} (${loss.type}${why ? `; ${why}` : ""}): loses ${loss.loses}`;
}

export interface CheckResult {
  readonly code: 0 | 1;
  /** Printed on stdout: the findings and, with --allow, the approval. */
  readonly report: readonly string[];
  /** Printed on stderr when the gate fails. */
  readonly failure?: string;
}

/** The gate's verdict on a plan; `allow` approves a loss (exit 0) without hiding it. */
export function checkPlan(plan: PlanJson, options: { allow?: boolean } = {}): CheckResult {
  if (plan.errored === true) throw new UsageError(`the plan errored (field "errored" is true): Terraform stopped planning, so its list of changes may be incomplete. Fix the plan's errors, then check it again.`);
  const losses = findDataLoss(plan);
  const planned = changesOf(plan).filter((c) => ACTIONS_SHOWN.includes(c.action)).length;
  if (losses.length === 0) return { code: 0, report: [`plan:check: no stateful resource is replaced or deleted (${planned} planned change(s) checked).`] };
  const report = [`plan:check: ${losses.length} stateful resource(s) would be replaced or deleted, and their data lost unless restored:`, ...losses.map(describeLoss)];
  if (options.allow) return { code: 0, report: [...report, `plan:check: data loss approved (--allow): the ${losses.length} resource(s) above may be replaced or deleted.`] };
  return {
    code: 1,
    report,
    failure: `plan:check: refused: the plan loses data (${losses.length} stateful resource(s) above). Change the code so nothing stateful is replaced (for an immutable attribute: a new resource beside the old one and a migration), or have a reviewer approve the loss: the pull request label "${APPROVAL_LABEL}" (docs/ci.md), which makes the workflow pass --allow.`,
  };
}

export const USAGE = `npm run plan:check -- <plan.json> [--allow]  (plan.json: terraform show -json <planfile>; --allow: the loss is approved, exit 0)`;

function main(line: CommandLine): number {
  const result = checkPlan(readPlanFile(line.positionals[0]), { allow: line.values.allow === true });
  for (const text of result.report) console.log(text);
  if (result.failure) console.error(result.failure);
  return result.code;
}

if (require.main === module) runCommand({ usage: USAGE, options: { allow: { type: "boolean" } }, positionals: { min: 1, max: 1 } }, main);
