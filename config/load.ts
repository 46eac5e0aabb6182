/**
 * Loads the project configuration: committed defaults, deep-merged with an optional JSON override file, validated
 * as a whole. Every problem is collected (not just the first) and reported with the environment, the field path,
 * the value given, what is allowed and where the value came from, before anything is synthesized.
 */
import { readFileSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { z } from "zod";
import { DEFAULT_CONFIG } from "./environments";
import { cidrContains, parseIpv4Cidr, type CidrParseResult } from "./cidr";
import { OVERRIDE_LIMITS, OverrideFileProblems, PROTOTYPE_KEYS, parseOverrideText } from "./override-file";
import { ENVIRONMENT_NAMES, EnvironmentSchema, ProjectConfigSchema, REGION, VPC_PREFIX_MAX, VPC_PREFIX_MIN, type ProjectConfig } from "./schema";
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
  return loadConfigWithSource(options).config;
}

/** Where the configuration's values came from: what guardrail refusals name as the place to fix a value. */
export interface ConfigSource {
  /** The override file, when one was read. */
  readonly overrideFile?: string;
  /** Dotted paths the override file sets (`environments.prod.loadBalancer.waf`); a set object counts for its leaves. */
  readonly overridden: readonly string[];
}

/** {@link loadConfig}, also saying which values came from the override file. */
export function loadConfigWithSource(options: LoadConfigOptions = {}): { readonly config: ProjectConfig; readonly source: ConfigSource } {
  const env = options.env ?? process.env;
  const named = env[OVERRIDE_FILE_ENV];
  if (named !== undefined && named.trim() === "") {
    throw new ConfigError(
      [{ scope: "override file", field: "(file)", value: named, problem: `is named by ${OVERRIDE_FILE_ENV}, which is set but empty: unset it to use the committed configuration, or name a JSON file`, fromOverride: true }],
      undefined,
    );
  }
  const overridePath = named ? resolve(named) : undefined;
  const override = overridePath === undefined ? {} : readOverrideFile(overridePath);
  const config = validateConfig(deepMerge(options.defaults ?? DEFAULT_CONFIG, override), override, overridePath);
  return { config, source: { overrideFile: overridePath, overridden: leafPaths(override).map((path) => formatPath(path)) } };
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
 * Only own keys are read and results have no prototype; a prototype key (`__proto__`, `constructor`, `prototype`) in
 * the override is refused with its path, whatever its value. The recursion follows `base`, whose depth is the
 * configuration's own (5 levels), never the override's.
 */
export function deepMerge(base: unknown, override: unknown, path: readonly PropertyKey[] = []): unknown {
  if (!isPlainObject(base) || !isPlainObject(override)) return override === undefined ? base : override;
  const out: Record<string, unknown> = Object.assign(Object.create(null), base);
  for (const key of Object.keys(override)) {
    if (PROTOTYPE_KEYS.includes(key)) {
      throw new ConfigError([toConfigIssue({ path: [...path, key], value: undefined, problem: PROTOTYPE_KEY_PROBLEM(key) }, true)], undefined);
    }
    const value = override[key];
    if (value === null) delete out[key];
    else out[key] = deepMerge(Object.hasOwn(base, key) ? base[key] : undefined, value, [...path, key]);
  }
  return out;
}

const PROTOTYPE_KEY_PROBLEM = (key: string) =>
  `is a key JavaScript treats as an object's prototype ("${key}"): it would change values the file does not name, so it is refused; remove it`;

function readOverrideFile(path: string): unknown {
  const fail = (problem: string): never => {
    throw new ConfigError([{ scope: "override file", field: "(file)", value: undefined, problem, fromOverride: true }], path);
  };
  let text: string;
  try {
    // Checked before reading: a huge file (or /dev/zero) is refused without being read.
    const stat = statSync(path);
    if (!stat.isFile()) return fail(`is not a regular file; ${OVERRIDE_FILE_ENV} must name a JSON file`);
    if (stat.size > OVERRIDE_LIMITS.maxBytes) return fail(`is ${stat.size} bytes; at most ${OVERRIDE_LIMITS.maxBytes} bytes are read`);
    text = readFileSync(path, "utf8");
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    return fail(`cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)}); ${OVERRIDE_FILE_ENV} must name an existing JSON file`);
  }
  return parseOverride(text, path);
}

/** The override file's text as data, or a {@link ConfigError} naming every problem with its path and the file. */
export function parseOverride(text: string, path: string): unknown {
  try {
    return parseOverrideText(text);
  } catch (error) {
    if (!(error instanceof OverrideFileProblems)) throw error;
    const issues = error.problems.map((p) =>
      p.path.length === 0
        ? { scope: "override file", field: "(file)", value: undefined, problem: p.problem, fromOverride: true }
        : toConfigIssue({ path: p.path, value: undefined, problem: p.problem }, true),
    );
    throw new ConfigError(issues, path);
  }
}

/**
 * What loading an override file of this text gives: the validated configuration, or a {@link ConfigError}. The
 * whole path of `loadConfig` but the file system, for tests that feed it any text.
 */
export function configFromOverrideText(text: string, path = "override.json", defaults: ProjectConfig = DEFAULT_CONFIG): ProjectConfig {
  const override = parseOverride(text, path);
  return validateConfig(deepMerge(defaults, override), override, path);
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

/** The AWS partition a region belongs to: replication, keys and roles never cross partitions. */
function partitionOf(region: string): string {
  return region.includes("-gov-") ? "aws-us-gov" : region.startsWith("cn-") ? "aws-cn" : "aws";
}

function crossFieldIssues(root: unknown): RawIssue[] {
  const issues: RawIssue[] = [];
  const state = isPlainObject(root) && isPlainObject(root.stateBackend) ? root.stateBackend : {};
  if (typeof state.replicaRegion === "string" && typeof state.region === "string" && REGION.test(state.replicaRegion) && partitionOf(state.replicaRegion) !== partitionOf(state.region)) {
    issues.push({
      path: ["stateBackend", "replicaRegion"],
      value: state.replicaRegion,
      problem: `must be a region of the same AWS partition as stateBackend.region (${partitionOf(state.region)}): S3 replication does not cross partitions`,
    });
  }
  if (typeof state.replicaRegion === "string" && state.replicaRegion === state.region) {
    issues.push({
      path: ["stateBackend", "replicaRegion"],
      value: state.replicaRegion,
      problem: "must be another region than stateBackend.region: a replica in the same region does not survive its loss",
    });
  }
  const environments = isPlainObject(root) && isPlainObject(root.environments) ? root.environments : {};
  for (const [name, env] of Object.entries(environments)) {
    if (!isPlainObject(env)) continue;
    const at = (...path: PropertyKey[]) => ["environments", name, ...path];
    const azs = Array.isArray(env.availabilityZones) ? env.availabilityZones : [];
    // Checked only once the region is a region: no pattern is ever built from input.
    const region = typeof env.region === "string" && REGION.test(env.region) ? env.region : undefined;
    azs.forEach((az, i) => {
      if (typeof az !== "string") return;
      const first = azs.indexOf(az);
      if (first !== i) {
        issues.push({ path: at("availabilityZones", i), value: az, problem: `duplicates availabilityZones[${first}]; each AZ may appear once, or the "multi-AZ" tiers share one AZ` });
      }
      const inRegion = region !== undefined && az.length === region.length + 1 && az.startsWith(region) && /^[a-z]$/.test(az.slice(-1));
      if (region && !inRegion) {
        issues.push({ path: at("availabilityZones", i), value: az, problem: `is not an AZ of region ${region}; allowed: "${region}" followed by a letter, e.g. "${region}a"` });
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
    // Windows are compared only once each is valid by the schema itself.
    const windows = EnvironmentSchema.shape.database.shape;
    const backupWindow = windows.backupWindow.safeParse(db.backupWindow).success ? (db.backupWindow as string) : undefined;
    const maintenanceWindow = windows.maintenanceWindow.safeParse(db.maintenanceWindow).success ? (db.maintenanceWindow as string) : undefined;
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
    if (typeof backup.copyToRegion === "string" && region && REGION.test(backup.copyToRegion) && partitionOf(backup.copyToRegion) !== partitionOf(region)) {
      issues.push({
        path: at("backup", "copyToRegion"),
        value: backup.copyToRegion,
        problem: `must be a region of the same AWS partition as the environment's region (${partitionOf(region)}): AWS Backup copies within a partition only`,
      });
    }
    if (typeof backup.copyToRegion === "string" && backup.copyToRegion === env.region) {
      issues.push({
        path: at("backup", "copyToRegion"),
        value: backup.copyToRegion,
        problem: "must be another region than the environment's: a copy in the same region does not survive its loss",
      });
    }
    const recovery = isPlainObject(env.recovery) ? env.recovery : {};
    if (recovery.strategy !== undefined && recovery.strategy !== "off" && recovery.region === undefined) {
      issues.push({
        path: at("recovery", "strategy"),
        value: recovery.strategy,
        problem: 'needs recovery.region, the region the data is kept in (another region than the environment\'s), e.g. "us-west-2"',
      });
    }
    if (typeof recovery.region === "string" && region && REGION.test(recovery.region) && partitionOf(recovery.region) !== partitionOf(region)) {
      issues.push({
        path: at("recovery", "region"),
        value: recovery.region,
        problem: `must be a region of the same AWS partition as the environment's region (${partitionOf(region)}): backups and file systems replicate within a partition only`,
      });
    }
    if (typeof recovery.region === "string" && recovery.region === env.region) {
      issues.push({
        path: at("recovery", "region"),
        value: recovery.region,
        problem: "must be another region than the environment's: a copy in the same region does not survive its loss",
      });
    }
    const standing = recovery.strategy === "pilot-light" || recovery.strategy === "warm-standby";
    if (!standing && recovery.database !== undefined) {
      issues.push({
        path: at("recovery", "database"),
        value: recovery.database,
        problem: `is only used by recovery.strategy "pilot-light" or "warm-standby" (it is ${JSON.stringify(recovery.strategy)}): remove it, or choose one of those strategies`,
      });
    }
    for (const field of ["availabilityZones", "vpcCidr"] as const) {
      if (standing && recovery[field] === undefined) {
        issues.push({
          path: at("recovery", "strategy"),
          value: recovery.strategy,
          problem: `needs recovery.${field}: the ${String(recovery.strategy)} environment stands in the recovery region on a network of its own (${field === "vpcCidr" ? 'e.g. "10.21.0.0/16", overlapping no other VPC' : 'e.g. ["us-west-2a", "us-west-2b", "us-west-2c"]'})`,
        });
      }
      if (!standing && recovery[field] !== undefined) {
        issues.push({
          path: at("recovery", field),
          value: recovery[field],
          problem: `is only used by recovery.strategy "pilot-light" or "warm-standby" (it is ${JSON.stringify(recovery.strategy)}): remove it, or choose one of those strategies`,
        });
      }
    }
    const recoveryRegion = typeof recovery.region === "string" && REGION.test(recovery.region) ? recovery.region : undefined;
    const recoveryAzs = Array.isArray(recovery.availabilityZones) ? recovery.availabilityZones : [];
    recoveryAzs.forEach((az, i) => {
      if (typeof az !== "string") return;
      const first = recoveryAzs.indexOf(az);
      if (first !== i) issues.push({ path: at("recovery", "availabilityZones", i), value: az, problem: `duplicates recovery.availabilityZones[${first}]; each AZ may appear once` });
      const inRegion = recoveryRegion !== undefined && az.length === recoveryRegion.length + 1 && az.startsWith(recoveryRegion) && /^[a-z]$/.test(az.slice(-1));
      if (recoveryRegion && !inRegion) {
        issues.push({
          path: at("recovery", "availabilityZones", i),
          value: az,
          problem: `is not an AZ of the recovery region ${recoveryRegion}; allowed: "${recoveryRegion}" followed by a letter, e.g. "${recoveryRegion}a"`,
        });
      }
    });
    if (isInt(db.allocatedStorageGib) && isInt(db.maxAllocatedStorageGib) && db.maxAllocatedStorageGib < db.allocatedStorageGib) {
      issues.push({
        path: at("database", "maxAllocatedStorageGib"),
        value: db.maxAllocatedStorageGib,
        problem: `must be at least database.allocatedStorageGib (${db.allocatedStorageGib}) so storage can only grow`,
      });
    }
  }
  issues.push(...recoveryCidrOverlaps(environments));
  return issues;
}

/**
 * A recovery VPC overlapping any VPC of the project (every environment's own and every other recovery VPC) is refused:
 * the standby is reached from the primary's network during a failback and by the same operators' VPN, and a restored
 * database's clients must stay addressable. Checked only on CIDRs that parse; the schema reports the others.
 */
function recoveryCidrOverlaps(environments: Record<string, unknown>): RawIssue[] {
  const vpcs: { path: PropertyKey[]; value: string; cidr: CidrParseResult }[] = [];
  // Only ranges the schema accepts as a VPC's: the schema reports the others, and one problem per field is enough.
  const asVpc = (value: string) => {
    const cidr = parseIpv4Cidr(value);
    return cidr.ok && cidr.cidr.prefix >= VPC_PREFIX_MIN && cidr.cidr.prefix <= VPC_PREFIX_MAX ? cidr : ({ ok: false, reason: "not a VPC range" } as const);
  };
  for (const [name, env] of Object.entries(environments)) {
    if (!isPlainObject(env)) continue;
    const network = isPlainObject(env.network) ? env.network : {};
    const recovery = isPlainObject(env.recovery) ? env.recovery : {};
    if (typeof network.vpcCidr === "string") vpcs.push({ path: ["environments", name, "network", "vpcCidr"], value: network.vpcCidr, cidr: asVpc(network.vpcCidr) });
    if (typeof recovery.vpcCidr === "string") vpcs.push({ path: ["environments", name, "recovery", "vpcCidr"], value: recovery.vpcCidr, cidr: asVpc(recovery.vpcCidr) });
  }
  const issues: RawIssue[] = [];
  vpcs.forEach((vpc, i) => {
    if (vpc.path[2] !== "recovery" || !vpc.cidr.ok) return;
    for (const [j, other] of vpcs.entries()) {
      if (j === i || !other.cidr.ok || !(cidrContains(vpc.cidr.cidr, other.cidr.cidr) || cidrContains(other.cidr.cidr, vpc.cidr.cidr))) continue;
      issues.push({
        path: vpc.path,
        value: vpc.value,
        problem: `overlaps ${formatPath(other.path)} (${other.value}); the recovery VPC needs a range no other VPC of the project uses`,
      });
    }
  });
  return issues;
}

/**
 * Warnings about a valid configuration: environments whose VPC ranges overlap. Allowed (they are separate VPCs), but
 * peering, a transit gateway or a recovery region later need distinct ranges. One message per environment affected.
 */
export function configWarnings(config: ProjectConfig): { readonly environment: string; readonly message: string }[] {
  const warnings: { environment: string; message: string }[] = [];
  for (const environment of ENVIRONMENT_NAMES) {
    const own = parseIpv4Cidr(config.environments[environment].network.vpcCidr);
    for (const other of ENVIRONMENT_NAMES) {
      if (other === environment) continue;
      const theirs = parseIpv4Cidr(config.environments[other].network.vpcCidr);
      if (own.ok && theirs.ok && (cidrContains(own.cidr, theirs.cidr) || cidrContains(theirs.cidr, own.cidr))) {
        warnings.push({
          environment,
          message:
            `network.vpcCidr ${config.environments[environment].network.vpcCidr} overlaps environments.${other}.network.vpcCidr ` +
            `(${config.environments[other].network.vpcCidr}): the VPCs cannot be peered or joined by a transit gateway, and a ` +
            "recovery region needs a range of its own. Give every environment a distinct range.",
        });
      }
    }
  }
  return warnings;
}

function toConfigIssue(issue: RawIssue, fromOverride: boolean): ConfigIssue {
  const [head, envName, ...rest] = issue.path;
  const isEnv = head === "environments" && envName !== undefined;
  const isState = head === "stateBackend";
  return {
    scope: isEnv ? String(envName) : isState ? "stateBackend" : TOP_LEVEL,
    field: isEnv ? (rest.length === 0 ? "(environment)" : formatPath(rest)) : isState ? formatPath(issue.path.slice(1)) : formatPath(issue.path),
    value: issue.value,
    problem: issue.problem,
    fromOverride,
  };
}

/** Scope of a key outside `stateBackend` and `environments`. */
const TOP_LEVEL = "(top level)";
/** A report lists this many problems, then how many more there are: a 10,000-entry mistake stays readable. */
export const MAX_REPORTED_ISSUES = 20;

function formatIssues(issues: readonly ConfigIssue[], overrideFile: string | undefined): string {
  const lines = [`Invalid MediCare Hub configuration; nothing was synthesized. ${issues.length} problem(s):`];
  issues.slice(0, MAX_REPORTED_ISSUES).forEach((issue, i) => {
    const scope =
      issue.scope === "stateBackend"
        ? 'the state backend ("stateBackend")'
        : issue.scope === "override file"
          ? "the override file"
          : issue.scope === TOP_LEVEL
            ? "the top level"
            : `environment "${issue.scope}"`;
    const source = issue.fromOverride ? ` (from override file ${overrideFile})` : " (from config/environments.ts)";
    lines.push(`  ${i + 1}. ${scope}, field ${issue.field}: got ${describeValue(issue.value)}${source}`);
    lines.push(`     ${issue.field === "(file)" ? "the file" : "it"} ${issue.problem}`);
  });
  if (issues.length > MAX_REPORTED_ISSUES) lines.push(`  ... and ${issues.length - MAX_REPORTED_ISSUES} more problem(s) of the same file.`);
  lines.push(
    overrideFile
      ? `Fix the values in ${overrideFile} (named by ${OVERRIDE_FILE_ENV}) or config/environments.ts, then synth again.`
      : `Fix the values in config/environments.ts, or override them in a JSON file named by ${OVERRIDE_FILE_ENV}, then synth again.`,
  );
  return lines.join("\n");
}

function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  const text = preview(value, 3);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

/** JSON-like text of a value, at most `depth` levels and a few entries per level: bounded work on any value. */
function preview(value: unknown, depth: number): string {
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : String(value);
  if (typeof value === "string") return JSON.stringify(value.length > 100 ? `${value.slice(0, 100)}...` : value);
  if (value === null || typeof value !== "object") return String(value);
  if (depth === 0) return Array.isArray(value) ? "[...]" : "{...}";
  if (Array.isArray(value)) {
    const items = value.slice(0, 8).map((item) => preview(item, depth - 1));
    return `[${items.join(",")}${value.length > 8 ? `,... ${value.length - 8} more` : ""}]`;
  }
  const keys = Object.keys(value);
  const entries = keys.slice(0, 8).map((key) => `${JSON.stringify(key)}:${preview((value as Record<string, unknown>)[key], depth - 1)}`);
  return `{${entries.join(",")}${keys.length > 8 ? `,... ${keys.length - 8} more` : ""}}`;
}

/**
 * `network.vpcCidr`, `availabilityZones[1]`; a key that is not a plain name is quoted (`app["bad\nkey"]`), so no key
 * can forge a line of the report.
 */
function formatPath(path: readonly PropertyKey[]): string {
  const plain = /^[A-Za-z0-9_$-]+$/;
  return (
    path.reduce<string>((out, key) => {
      if (typeof key === "number") return `${out}[${key}]`;
      const name = String(key);
      if (!plain.test(name)) return `${out}[${JSON.stringify(name)}]`;
      return out ? `${out}.${name}` : name;
    }, "") || "(root)"
  );
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

/** Paths of the values an override sets (an object set empty counts as a leaf). Iterative: any depth is fine. */
function leafPaths(value: unknown): PropertyKey[][] {
  const leaves: PropertyKey[][] = [];
  const work: { value: unknown; path: PropertyKey[] }[] = [{ value, path: [] }];
  while (work.length > 0) {
    const { value: node, path } = work.pop() as { value: unknown; path: PropertyKey[] };
    const keys = isPlainObject(node) ? Object.keys(node) : [];
    if (keys.length === 0) {
      if (path.length > 0) leaves.push(path);
      continue;
    }
    for (const key of keys.reverse()) work.push({ value: (node as Record<string, unknown>)[key], path: [...path, key] });
  }
  return leaves;
}

/** The value at `path`, through own properties only: nothing inherited is ever read. */
function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = root;
  for (const key of path) {
    if (current === null || typeof current !== "object" || !Object.hasOwn(current, key)) return undefined;
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
