/**
 * The JSON of a Terraform plan, as `terraform show -json <planfile>` writes it or as the workflows keep it (`jq`
 * keeps addresses, types and actions, never attribute values), read and checked before a tool judges it: a wrong
 * file is a usage error that names the field and the fix, never an empty plan that a gate would pass.
 */
import { readFileSync } from "node:fs";
import { UsageError } from "./cli";

/** Every action `terraform show -json` writes into `change.actions` (Terraform 1.7 added "forget"). */
export const PLAN_ACTIONS = ["no-op", "create", "read", "update", "delete", "forget"] as const;

/** One entry of `resource_changes` (what the plan does) or `resource_drift` (what changed outside Terraform). */
export interface PlanResourceChange {
  readonly address: string;
  readonly type: string;
  readonly mode?: "managed" | "data";
  readonly change: {
    readonly actions: readonly string[];
    /** Attribute paths that force the replacement, e.g. `[["kms_key_id"]]`; absent (or null after jq) otherwise. */
    readonly replace_paths?: readonly (readonly (string | number)[])[] | null;
  };
  /** Why Terraform chose the action, e.g. `replace_because_cannot_update`, `delete_because_no_resource_config`. */
  readonly action_reason?: string | null;
}

/** The parts of `terraform show -json <planfile>` the review tools read. */
export interface PlanJson {
  readonly format_version?: string;
  readonly resource_changes?: readonly PlanResourceChange[];
  readonly resource_drift?: readonly PlanResourceChange[];
  /** Always present in Terraform's own output, also when no resource changes. */
  readonly planned_values?: unknown;
  /** False when the plan left changes for a later run (deferred actions, `-target`). */
  readonly complete?: boolean;
  /** True when Terraform stopped planning on an error: the lists of changes may be incomplete. */
  readonly errored?: boolean;
}

/** How to produce the file every message points to. */
export const WRITE_PLAN_JSON = "write it with: terraform plan -out=plan.tfplan && terraform show -json plan.tfplan > plan.json";
/** Problems listed in one message at most. */
const MAX_PROBLEMS = 10;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

/** The problems of one `resource_changes` / `resource_drift` list, each naming the field (`resource_changes[3].type`). */
function listProblems(list: unknown, field: string): string[] {
  if (list === undefined) return [];
  if (!Array.isArray(list)) return [`field "${field}" is ${list === null ? "null" : typeof list}, expected a list of resource changes`];
  const problems: string[] = [];
  for (const [i, entry] of list.entries()) {
    const at = `${field}[${i}]`;
    if (!isObject(entry)) {
      problems.push(`${at} is not an object`);
      continue;
    }
    for (const key of ["address", "type"]) {
      if (typeof entry[key] !== "string" || entry[key] === "") problems.push(`${at}.${key} is missing (expected a string such as ${key === "address" ? '"aws_db_instance.database"' : '"aws_db_instance"'})`);
    }
    if (entry.mode !== undefined && entry.mode !== "managed" && entry.mode !== "data") problems.push(`${at}.mode is ${JSON.stringify(entry.mode)}, expected "managed" or "data"`);
    const actions = isObject(entry.change) ? entry.change.actions : undefined;
    if (!isObject(entry.change)) problems.push(`${at}.change is missing (expected an object with "actions")`);
    else if (!Array.isArray(actions) || actions.length === 0) problems.push(`${at}.change.actions is missing (expected a list such as ["delete","create"])`);
    else {
      const unknown = actions.filter((a) => !(PLAN_ACTIONS as readonly unknown[]).includes(a));
      if (unknown.length > 0) problems.push(`${at}.change.actions holds ${unknown.map((a) => JSON.stringify(a)).join(", ")}; known actions: ${PLAN_ACTIONS.join(", ")}`);
    }
    const paths = isObject(entry.change) ? entry.change.replace_paths : undefined;
    if (paths !== undefined && paths !== null && !(Array.isArray(paths) && paths.every((p) => Array.isArray(p)))) problems.push(`${at}.change.replace_paths is not a list of attribute paths`);
  }
  return problems;
}

/** Parses and checks plan JSON; `source` names it in messages. Throws a UsageError listing every problem found. */
export function parsePlanJson(text: string, source: string): PlanJson {
  if (text.startsWith("PK")) throw new UsageError(`${source} is a saved plan file (binary), not its JSON; ${WRITE_PLAN_JSON}`);
  if (text.trim() === "") throw new UsageError(`${source} is empty (did terraform show fail?); ${WRITE_PLAN_JSON}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${source} is not JSON (${(error as Error).message}); ${WRITE_PLAN_JSON}`);
  }
  if (!isObject(parsed)) throw new UsageError(`${source} is not the JSON of a plan: it is ${Array.isArray(parsed) ? "a list" : String(parsed)}, expected an object with "resource_changes"; ${WRITE_PLAN_JSON}`);
  if (parsed.resource_changes === undefined && parsed.planned_values === undefined) {
    const state = parsed.values !== undefined ? " (it looks like the JSON of a state: terraform show -json without a plan file)" : "";
    throw new UsageError(`${source} is not the JSON of a plan: field "resource_changes" is missing, and so is "planned_values"${state}; ${WRITE_PLAN_JSON}`);
  }
  const problems = [...listProblems(parsed.resource_changes, "resource_changes"), ...listProblems(parsed.resource_drift, "resource_drift")];
  for (const flagField of ["complete", "errored"]) {
    if (parsed[flagField] !== undefined && parsed[flagField] !== null && typeof parsed[flagField] !== "boolean") problems.push(`field "${flagField}" is ${JSON.stringify(parsed[flagField])}, expected true or false`);
  }
  if (problems.length > 0) {
    const shown = problems.slice(0, MAX_PROBLEMS).map((p) => `  ${p}`);
    const more = problems.length > MAX_PROBLEMS ? [`  ... and ${problems.length - MAX_PROBLEMS} more`] : [];
    throw new UsageError([`${source} is not the JSON of a plan; ${problems.length} problem(s):`, ...shown, ...more, WRITE_PLAN_JSON].join("\n"));
  }
  return parsed as PlanJson;
}

/** Reads and checks a plan JSON file (see {@link parsePlanJson}); an unreadable file is a UsageError too. */
export function readPlanFile(file: string): PlanJson {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a directory" : (error as Error).message;
    throw new UsageError(`cannot read ${file}: ${why}; ${WRITE_PLAN_JSON}`);
  }
  return parsePlanJson(text, file);
}
