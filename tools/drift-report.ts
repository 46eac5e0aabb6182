/**
 * `npm run drift:report -- <plan.json> --env dev|prod [--format json|markdown]`: the decision of the scheduled drift
 * check (.github/workflows/drift.yml). Reads `terraform show -json` of the `terraform plan -detailed-exitcode` the
 * workflow ran against an environment's state with main's code, and decides what happens to the environment's one
 * drift issue, found by its stable title (`Drift: medicare-hub-prod`):
 *
 *   open-or-update  something drifted: open the issue, or replace the body of the open one
 *   close           nothing drifted and the plan is complete: close the issue if one is open
 *   none            nothing drifted, but the plan errored or is incomplete, so drift is not ruled out: leave it
 *
 * Drift is either list of the plan: `resource_drift` (live differs from the state: changed or deleted outside
 * Terraform) and `resource_changes` (code differs from live: what applying main would do, as plan:summary shows it).
 *
 *   --env     the environment planned: dev or prod (required)
 *   --format  json (default): {environment, drift, action, title, body}, for the workflow;
 *             markdown: the issue body only, for a person
 *
 * Exit code: 0 whatever the decision (drift is a finding, not a failure), 2 on a wrong command line or input that is
 * not a plan's JSON (the message names the field).
 */
import { ENVIRONMENT_NAMES, type EnvironmentName } from "../config/schema";
import { environmentStackId } from "../constructs/naming";
import { UsageError, flag, runCommand, type CommandLine } from "./cli";
import { readPlanFile, type PlanJson } from "./plan-json";
import { ACTIONS_SHOWN, STATEFUL_RESOURCES, actionOf, changesOf, summarizePlan, type PlanChange } from "./plan-summary";

/** What the workflow does with the issue; its `case` handles exactly these (a test holds it to this list). */
export const DRIFT_ACTIONS = ["open-or-update", "close", "none"] as const;
export type DriftAction = (typeof DRIFT_ACTIONS)[number];

/** What the drift workflow does with the environment's issue. */
export interface DriftDecision {
  /** The environment planned: dev or prod. */
  readonly environment: EnvironmentName;
  /** Whether live infrastructure differs from the state or from the code. */
  readonly drift: boolean;
  readonly action: DriftAction;
  /** The issue's title, the same on every run: the workflow finds the open issue by it. */
  readonly title: string;
  /** Markdown: the issue's body when drift is found; the closing comment (or why nothing is done) otherwise. */
  readonly body: string;
}

/** The one issue title per environment. */
export const driftTitle = (environment: EnvironmentName): string => `Drift: ${environmentStackId(environment)}`;

/** A resource changed (`update`) or deleted (`delete`) outside Terraform, from `resource_drift`. */
export interface DriftedResource {
  readonly address: string;
  readonly type: string;
  readonly action: "update" | "delete";
}

/** The managed resources of `resource_drift` that changed or went away outside Terraform. */
export function driftedResources(plan: Pick<PlanJson, "resource_drift">): DriftedResource[] {
  return (plan.resource_drift ?? [])
    .filter((c) => c.mode !== "data")
    .map((c) => ({ address: c.address, type: c.type, action: actionOf(c.change.actions) }))
    .filter((c): c is DriftedResource => c.action === "update" || c.action === "delete");
}

/** Addresses listed in a body at most: GitHub limits an issue body to 65,536 characters. */
export const MAX_LISTED = 50;

function driftTable(drifted: readonly DriftedResource[]): string[] {
  const lines = [`## Changed outside Terraform: live differs from the last apply (${drifted.length})`, ""];
  if (drifted.length === 0) return [...lines, "Nothing: every resource is as the last apply left it.", ""];
  lines.push("| resource | type | outside Terraform |", "|---|---|---|");
  for (const d of drifted.slice(0, MAX_LISTED)) {
    const lost = d.action === "delete" && STATEFUL_RESOURCES[d.type] ? ` (stateful: ${STATEFUL_RESOURCES[d.type]})` : "";
    lines.push(`| \`${d.address}\` | ${d.type} | ${d.action === "delete" ? `**deleted**${lost}` : "changed"} |`);
  }
  if (drifted.length > MAX_LISTED) lines.push(`| ... and ${drifted.length - MAX_LISTED} more | | |`);
  return [...lines, ""];
}

function plannedList(planned: readonly PlanChange[]): string[] {
  if (planned.length === 0) return [];
  const lines = ["### Planned changes by address", "", ...planned.slice(0, MAX_LISTED).map((c) => `- \`${c.address}\` (${c.type}): ${c.action}`)];
  if (planned.length > MAX_LISTED) lines.push(`- ... and ${planned.length - MAX_LISTED} more (the run's plan log lists them all)`);
  return [...lines, ""];
}

const RESOLVE = [
  "## What to do",
  "",
  "- **A change nobody meant** (a console edit, a deleted resource): re-run the deploy workflow of main's last commit; its plan puts live back to the code, after the usual approvals.",
  "- **A change to keep**: make it in the code, in a pull request; once deployed, the drift is gone.",
  "",
  "Every scheduled check replaces this text with its own result; the first check without drift closes this issue.",
];

/** The decision for one environment's plan. */
export function driftDecision(plan: PlanJson, environment: EnvironmentName): DriftDecision {
  const stack = environmentStackId(environment);
  const title = driftTitle(environment);
  const drifted = driftedResources(plan);
  const changes = changesOf(plan);
  const planned = changes.filter((c) => ACTIONS_SHOWN.includes(c.action));
  const drift = drifted.length > 0 || planned.length > 0;
  const incomplete = plan.errored === true ? "the plan errored" : plan.complete === false ? "the plan is incomplete (deferred or targeted changes)" : undefined;
  if (drift) {
    const body = [
      `Live infrastructure of **${stack}** differs from the code on main: ${drifted.length} resource(s) changed outside Terraform, ${planned.length} change(s) to bring live back to the code.${incomplete ? ` Not the whole picture: ${incomplete}.` : ""}`,
      "",
      ...driftTable(drifted),
      summarizePlan(plan, { title: "What applying main would do: code differs from live" }).trimEnd(),
      "",
      ...plannedList(planned),
      ...RESOLVE,
    ];
    return { environment, drift, action: "open-or-update", title, body: `${body.join("\n")}\n` };
  }
  if (incomplete) {
    return { environment, drift, action: "none", title, body: `No drift seen in **${stack}**, but ${incomplete}, so drift is not ruled out: the drift issue is left as it is.\n` };
  }
  return { environment, drift, action: "close", title, body: `No drift: live infrastructure of **${stack}** matches the code on main (${changes.length} resource(s) compared).\n` };
}

export const FORMATS = ["json", "markdown"] as const;
export const USAGE = `npm run drift:report -- <plan.json> --env ${ENVIRONMENT_NAMES.join("|")} [--format ${FORMATS.join("|")}]  (plan.json: terraform show -json of a plan -detailed-exitcode)`;

function main(line: CommandLine): number {
  const environment = flag(line, "env");
  if (environment === undefined) throw new UsageError(`--env is required: the environment the plan is of (${ENVIRONMENT_NAMES.join(" or ")})\nusage: ${USAGE}`);
  if (!(ENVIRONMENT_NAMES as readonly string[]).includes(environment)) throw new UsageError(`--env takes ${ENVIRONMENT_NAMES.join(" or ")}; got "${environment}"\nusage: ${USAGE}`);
  const format = flag(line, "format", "json") as string;
  if (!(FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format takes ${FORMATS.join(" or ")}; got "${format}"\nusage: ${USAGE}`);
  const decision = driftDecision(readPlanFile(line.positionals[0]), environment as EnvironmentName);
  console.log(format === "json" ? JSON.stringify(decision, null, 2) : decision.body.trimEnd());
  return 0;
}

if (require.main === module) runCommand({ usage: USAGE, options: { env: { type: "string" }, format: { type: "string" } }, positionals: { min: 1, max: 1 } }, main);
