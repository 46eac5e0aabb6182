/**
 * Loads the project configuration: committed defaults, deep-merged with an optional JSON override file, validated
 * as a whole. Every problem is collected (not just the first) and reported with the environment, the field path,
 * the value given, what is allowed and where the value came from, before anything is synthesized.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { z } from "zod";
import { DEFAULT_CONFIG } from "./environments";
import { ENVIRONMENT_NAMES, ProjectConfigSchema, type ProjectConfig } from "./schema";
import { MINIMUM_WINDOW_MINUTES, dailyWindowMinutes, weeklyWindowMinutes, windowsOverlap } from "./windows";

/** Environment variable naming the JSON override file. */
export const OVERRIDE_FILE_ENV = "MEDICARE_HUB_CONFIG_OVERRIDES";

/** One invalid value. */
export interface ConfigIssue {
  /** `dev`, `prod`, or `stateBackend` for the shared state backend. */
  readonly scope: string;
  /** Dotted field path inside that scope, e.g. `network.vpcCidr` or `availabilityZones[1]`. */
  readonly field: string;
  /** The value given (undefined when the field is missing). */
  readonly value: unknown;
  /** What is wrong and what is allowed. */
  readonly problem: string;
  /** True when the value came from the override file rather than the committed defaults. */
  readonly fromOverride: boolean;
}

/** Thrown when configuration is invalid; `message` is the full human-readable report. */
export class ConfigError extends Error {
  constructor(
    readonly issues: readonly ConfigIssue[],
    readonly overrideFile: string | undefined,
  ) {
    super(formatIssues(issues, overrideFile));
    this.name = "ConfigError";
  }
}

export interface LoadConfigOptions {
  /** Environment to read {@link OVERRIDE_FILE_ENV} from. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** Defaults to merge the override onto. @default DEFAULT_CONFIG */
  readonly defaults?: ProjectConfig;
}

/** Returns the validated configuration or throws {@link ConfigError}. Reads nothing but the override file. */
export function loadConfig(options: LoadConfigOptions = {}): ProjectConfig {
  const env = options.env ?? process.env;
  const overridePath = env[OVERRIDE_FILE_ENV] ? resolve(env[OVERRIDE_FILE_ENV] as string) : undefined;
  const override = overridePath === undefined ? {} : readOverrideFile(overridePath);
  return validateConfig(deepMerge(options.defaults ?? DEFAULT_CONFIG, override), override, overridePath);
}

/** Validates a merged configuration object; `override` is only used to say where a bad value came from. */
export function validateConfig(merged: unknown, override: unknown = {}, overridePath?: string): ProjectConfig {
  const overridden = leafPaths(override);
  // A value came from the override when an override path and the issue's path share their whole shorter length
  // (an array replaced whole, or an unknown key that holds a whole object).
  const fromOverride = (path: readonly PropertyKey[]) =>
    overridden.some((p) => p.slice(0, path.length).every((key, i) => key === path[i]));

  const raw: RawIssue[] = [];
  const result = ProjectConfigSchema.safeParse(merged, { reportInput: true });
  if (!result.success) {
    for (const issue of result.error.issues) raw.push(...explainZodIssue(issue, merged));
  }
  raw.push(...crossFieldIssues(merged));
  if (raw.length > 0) {
    const issues = raw.map((issue) => toConfigIssue(issue, fromOverride(issue.path)));
    throw new ConfigError(sortByScope(dedupe(issues)), overridePath);
  }
  return (result as { data: ProjectConfig }).data;
}

/**
 * Objects merge key by key; arrays and scalars replace; `null` removes the key (so an optional setting can be unset).
 */
export function deepMerge(base: unknown, override: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(override)) return override === undefined ? base : override;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) {
    if (value === null) delete out[key];
    else out[key] = deepMerge(base[key], value);
  }
  return out;
}

function readOverrideFile(path: string): unknown {
  const fail = (problem: string): never => {
    throw new ConfigError([{ scope: "override file", field: "(file)", value: undefined, problem, fromOverride: true }], path);
  };
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    return fail(`cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)}); ${OVERRIDE_FILE_ENV} must name an existing JSON file`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return fail(`is not valid JSON: ${(error as Error).message}`);
  }
  if (!isPlainObject(parsed)) {
    return fail('must contain a JSON object such as {"environments": {"dev": {"app": {"maxCapacity": 6}}}}');
  }
  return parsed;
}

interface RawIssue {
  readonly path: readonly PropertyKey[];
  readonly value: unknown;
  readonly problem: string;
}

function explainZodIssue(issue: z.core.$ZodIssue, root: unknown): RawIssue[] {
  if (issue.code === "unrecognized_keys") {
    const allowed = allowedKeysAt(issue.path);
    return issue.keys.map((key) => {
      const path = [...issue.path, key];
      const isEnvironment = issue.path.length === 1 && issue.path[0] === "environments";
      const hint = closest(key, allowed);
      const problem = isEnvironment
        ? `is not a known environment; known environments: ${ENVIRONMENT_NAMES.join(", ")}`
        : `is not a known key${hint ? ` (did you mean "${hint}"?)` : ""}; allowed keys here: ${allowed.join(", ")}`;
      return { path, value: valueAt(root, path), problem };
    });
  }
  const given = valueAt(root, issue.path);
  const problem = given === undefined && issue.code === "invalid_type" ? `is missing; it ${issue.message}` : issue.message;
  return [{ path: issue.path, value: given, problem }];
}

function crossFieldIssues(root: unknown): RawIssue[] {
  const issues: RawIssue[] = [];
  const environments = isPlainObject(root) && isPlainObject(root.environments) ? root.environments : {};
  for (const [name, env] of Object.entries(environments)) {
    if (!isPlainObject(env)) continue;
    const at = (...path: PropertyKey[]) => ["environments", name, ...path];
    const azs = Array.isArray(env.availabilityZones) ? env.availabilityZones : [];
    azs.forEach((az, i) => {
      if (typeof az !== "string") return;
      const first = azs.indexOf(az);
      if (first !== i) {
        issues.push({ path: at("availabilityZones", i), value: az, problem: `duplicates availabilityZones[${first}]; each AZ may appear once, or the "multi-AZ" tiers share one AZ` });
      }
      if (typeof env.region === "string" && !new RegExp(`^${env.region}[a-z]$`).test(az)) {
        issues.push({ path: at("availabilityZones", i), value: az, problem: `is not an AZ of region ${env.region}; allowed: "${env.region}" followed by a letter, e.g. "${env.region}a"` });
      }
    });
    const app = isPlainObject(env.app) ? env.app : {};
    const { minCapacity: min, desiredCapacity: desired, maxCapacity: max } = app;
    if (isInt(min) && isInt(max) && min > max) {
      issues.push({ path: at("app", "minCapacity"), value: min, problem: `must not exceed app.maxCapacity (${max})` });
    }
    if (isInt(desired) && isInt(min) && desired < min) {
      issues.push({ path: at("app", "desiredCapacity"), value: desired, problem: `must be at least app.minCapacity (${min})` });
    }
    if (isInt(desired) && isInt(max) && desired > max) {
      issues.push({ path: at("app", "desiredCapacity"), value: desired, problem: `must not exceed app.maxCapacity (${max})` });
    }
    if (isInt(min) && azs.length >= 2 && min < azs.length) {
      issues.push({
        path: at("app", "minCapacity"),
        value: min,
        problem: `must be at least the number of availabilityZones (${azs.length}), so every AZ keeps an instance when one fails (guardrail MH-CMP-5)`,
      });
    }
    const lb = isPlainObject(env.loadBalancer) ? env.loadBalancer : {};
    const check = isPlainObject(lb.healthCheck) ? lb.healthCheck : {};
    if (isInt(check.timeoutSeconds) && isInt(check.intervalSeconds) && check.timeoutSeconds >= check.intervalSeconds) {
      issues.push({
        path: at("loadBalancer", "healthCheck", "timeoutSeconds"),
        value: check.timeoutSeconds,
        problem: `must be less than loadBalancer.healthCheck.intervalSeconds (${check.intervalSeconds})`,
      });
    }
    const db = isPlainObject(env.database) ? env.database : {};
    const DAILY = /^\d\d:\d\d-\d\d:\d\d$/;
    const WEEKLY = /^[a-z]{3}:\d\d:\d\d-[a-z]{3}:\d\d:\d\d$/;
    const backupWindow = typeof db.backupWindow === "string" && DAILY.test(db.backupWindow) ? db.backupWindow : undefined;
    const maintenanceWindow = typeof db.maintenanceWindow === "string" && WEEKLY.test(db.maintenanceWindow) ? db.maintenanceWindow : undefined;
    if (backupWindow && dailyWindowMinutes(backupWindow) < MINIMUM_WINDOW_MINUTES) {
      issues.push({ path: at("database", "backupWindow"), value: backupWindow, problem: `must last at least ${MINIMUM_WINDOW_MINUTES} minutes (RDS minimum)` });
    }
    if (maintenanceWindow && weeklyWindowMinutes(maintenanceWindow) < MINIMUM_WINDOW_MINUTES) {
      issues.push({ path: at("database", "maintenanceWindow"), value: maintenanceWindow, problem: `must last at least ${MINIMUM_WINDOW_MINUTES} minutes (RDS minimum)` });
    }
    if (backupWindow && maintenanceWindow && windowsOverlap(backupWindow, maintenanceWindow)) {
      issues.push({
        path: at("database", "maintenanceWindow"),
        value: maintenanceWindow,
        problem: `overlaps database.backupWindow (${backupWindow}); RDS requires the two not to overlap`,
      });
    }
    const backup = isPlainObject(env.backup) ? env.backup : {};
    if (typeof backup.copyToRegion === "string" && backup.copyToRegion === env.region) {
      issues.push({
        path: at("backup", "copyToRegion"),
        value: backup.copyToRegion,
        problem: "must be another region than the environment's: a copy in the same region does not survive its loss",
      });
    }
    if (isInt(db.allocatedStorageGib) && isInt(db.maxAllocatedStorageGib) && db.maxAllocatedStorageGib < db.allocatedStorageGib) {
      issues.push({
        path: at("database", "maxAllocatedStorageGib"),
        value: db.maxAllocatedStorageGib,
        problem: `must be at least database.allocatedStorageGib (${db.allocatedStorageGib}) so storage can only grow`,
      });
    }
  }
  return issues;
}

function toConfigIssue(issue: RawIssue, fromOverride: boolean): ConfigIssue {
  const [head, envName, ...rest] = issue.path;
  const isEnv = head === "environments" && envName !== undefined;
  const fieldPath = isEnv ? rest : issue.path.slice(1);
  return {
    scope: isEnv ? String(envName) : String(head ?? "(root)"),
    field: isEnv && rest.length === 0 ? "(environment)" : formatPath(fieldPath),
    value: issue.value,
    problem: issue.problem,
    fromOverride,
  };
}

function formatIssues(issues: readonly ConfigIssue[], overrideFile: string | undefined): string {
  const lines = [`Invalid MediCare Hub configuration; nothing was synthesized. ${issues.length} problem(s):`];
  issues.forEach((issue, i) => {
    const scope = issue.scope === "stateBackend" ? 'the state backend ("stateBackend")' : issue.scope === "override file" ? "the override file" : `environment "${issue.scope}"`;
    const source = issue.fromOverride ? ` (from override file ${overrideFile})` : " (from config/environments.ts)";
    lines.push(`  ${i + 1}. ${scope}, field ${issue.field}: got ${describeValue(issue.value)}${source}`);
    lines.push(`     ${issue.field === "(file)" ? "the file" : "it"} ${issue.problem}`);
  });
  lines.push(
    overrideFile
      ? `Fix the values in ${overrideFile} (named by ${OVERRIDE_FILE_ENV}) or config/environments.ts, then synth again.`
      : `Fix the values in config/environments.ts, or override them in a JSON file named by ${OVERRIDE_FILE_ENV}, then synth again.`,
  );
  return lines.join("\n");
}

function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  const text = JSON.stringify(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, key) => (typeof key === "number" ? `${out}[${key}]` : out ? `${out}.${String(key)}` : String(key)), "") || "(root)";
}

function allowedKeysAt(path: readonly PropertyKey[]): string[] {
  let schema: z.ZodType = ProjectConfigSchema;
  for (const key of path) {
    const inner = unwrap(schema);
    if (inner instanceof z.ZodObject) schema = (inner.shape as Record<string, z.ZodType>)[String(key)];
    else if (inner instanceof z.ZodArray) schema = inner.element as z.ZodType;
    else return [];
    if (!schema) return [];
  }
  const inner = unwrap(schema);
  return inner instanceof z.ZodObject ? Object.keys(inner.shape) : [];
}

function unwrap(schema: z.ZodType): z.ZodType {
  return schema instanceof z.ZodOptional ? (schema.unwrap() as z.ZodType) : schema;
}

/** The allowed key within edit distance 2 of a typo, if any. */
function closest(key: string, allowed: readonly string[]): string | undefined {
  let best: { key: string; distance: number } | undefined;
  for (const candidate of allowed) {
    const distance = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (distance <= 2 && (!best || distance < best.distance)) best = { key: candidate, distance };
  }
  return best?.key;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

function leafPaths(value: unknown, prefix: PropertyKey[] = []): PropertyKey[][] {
  if (!isPlainObject(value)) return prefix.length > 0 ? [prefix] : [];
  const entries = Object.entries(value);
  if (entries.length === 0) return prefix.length > 0 ? [prefix] : [];
  return entries.flatMap(([key, inner]) => leafPaths(inner, [...prefix, key]));
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = root;
  for (const key of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

function dedupe(issues: ConfigIssue[]): ConfigIssue[] {
  const seen = new Set<string>();
  return issues.filter((issue) => {
    const key = `${issue.scope}|${issue.field}|${issue.problem}`;
    return seen.has(key) ? false : (seen.add(key), true);
  });
}

/** State backend first, then environments in synth order, so related problems read together. */
function sortByScope(issues: ConfigIssue[]): ConfigIssue[] {
  const rank = (scope: string) => {
    const env = (ENVIRONMENT_NAMES as readonly string[]).indexOf(scope);
    return scope === "stateBackend" ? -1 : env >= 0 ? env : ENVIRONMENT_NAMES.length;
  };
  return issues.map((issue, i) => ({ issue, i })).sort((a, b) => rank(a.issue.scope) - rank(b.issue.scope) || a.i - b.i).map(({ issue }) => issue);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isInt(value: unknown): value is number {
  return Number.isInteger(value);
}
