/**
 * Test helpers around a real `app.synth()` (not Testing.synth): cross-stack wiring, backends and annotations only
 * exist in what the App writes.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULT_CONFIG } from "../../config/environments";
import type { ProjectConfig } from "../../config/schema";
import { buildApp } from "../../main";
import { JSON_FILE, finalizeSynthOutput, stackDirectories } from "../../synth-output";

export interface SynthResult {
  /** The output directory (a fresh temp dir). */
  readonly outdir: string;
  /** Stack id → its directory. */
  readonly stackDirs: Record<string, string>;
}

/** Where global-setup.ts left the default configuration's synth, per format (read-only for tests). */
export const SHARED_SYNTH_ENV = { json: "MEDICARE_HUB_TEST_SYNTH_JSON", hcl: "MEDICARE_HUB_TEST_SYNTH_HCL" } as const;

export interface SynthOptions {
  /** @default DEFAULT_CONFIG; any other configuration is always synthesized afresh */
  readonly config?: ProjectConfig;
  readonly hcl?: boolean;
  /** Synthesize again even when the shared synth of the default configuration exists. @default false */
  readonly fresh?: boolean;
}

/**
 * The whole App synthesized the way `npm run synth[:hcl]` does. The default configuration is synthesized once per
 * test run (jest globalSetup) and shared read-only; anything else goes into a fresh temp dir.
 */
export function synthApp(options: SynthOptions = {}): SynthResult {
  const shared = process.env[SHARED_SYNTH_ENV[options.hcl ? "hcl" : "json"]];
  if (shared && !options.config && !options.fresh) return resultFor(shared);
  return synthFresh(options);
}

export function synthFresh(options: SynthOptions = {}): SynthResult {
  const outdir = join(mkdtempSync(join(tmpdir(), "medicare-hub-synth-")), "cdktf.out");
  withPlainStackTraces(() => buildApp(options.config ?? DEFAULT_CONFIG, { outdir, hclOutput: options.hcl ?? false }).synth());
  finalizeSynthOutput(outdir, options.hcl ?? false);
  return resultFor(outdir);
}

/**
 * Runs `fn` with V8's own stack-trace formatting: cdktf captures a stack trace for every token it creates, and Jest's
 * source-map support would map each back to TypeScript (main.ts's synthesize does the same for Node's own maps).
 */
export function withPlainStackTraces<T>(fn: () => T): T {
  const error = Error as { prepareStackTrace?: ErrorConstructor["prepareStackTrace"] };
  const prepare = error.prepareStackTrace;
  error.prepareStackTrace = undefined;
  try {
    return fn();
  } finally {
    error.prepareStackTrace = prepare;
  }
}

function resultFor(outdir: string): SynthResult {
  const stackDirs: Record<string, string> = {};
  for (const dir of stackDirectories(outdir)) stackDirs[dir.split("/").pop() as string] = dir;
  return { outdir, stackDirs };
}

/** The parsed cdk.tf.json of a JSON synth. */
export function readStackJson(result: SynthResult, stackId: string): TerraformJson {
  const dir = result.stackDirs[stackId];
  if (!dir) throw new Error(`no stack ${stackId} in ${result.outdir}; have ${Object.keys(result.stackDirs).join(", ")}`);
  return JSON.parse(readFileSync(join(dir, JSON_FILE), "utf8")) as TerraformJson;
}

/** Synthesized Terraform JSON, loosely typed: tests assert on its shape. */
export interface TerraformJson {
  readonly terraform: Record<string, any>;
  readonly provider?: Record<string, any[]>;
  readonly resource?: Record<string, Record<string, any>>;
  readonly data?: Record<string, Record<string, any>>;
  readonly output?: Record<string, any>;
}

/**
 * The stack as its primary region sees it: without what the recovery-region provider (alias "recovery") builds, the
 * standby and the copies' keys (tested in __tests__/constructs/standby.test.ts and recovery.test.ts). Layer tests of
 * the primary region's network, tiers and alarms read this; global resources (Route 53, IAM) stay in.
 */
export function primaryRegion(tf: TerraformJson): TerraformJson {
  const keep = (blocks: Record<string, Record<string, any>> | undefined) =>
    blocks &&
    Object.fromEntries(
      Object.entries(blocks)
        .map(([type, byName]) => [type, Object.fromEntries(Object.entries(byName).filter(([, value]) => value.provider !== "aws.recovery"))] as const)
        .filter(([, byName]) => Object.keys(byName).length > 0),
    );
  return { ...tf, resource: keep(tf.resource), data: keep(tf.data) };
}

/** Every resource of `type`, by name. */
export function resourcesOf(tf: TerraformJson, type: string): Record<string, any> {
  return tf.resource?.[type] ?? {};
}

/** The one resource of `type` in the stack, as [name, resource]; fails the test when there are none or several. */
export function only(tf: TerraformJson, type: string): [string, any] {
  const all = Object.entries(resourcesOf(tf, type));
  if (all.length !== 1) throw new Error(`expected exactly one ${type}, found ${all.length}: ${all.map(([name]) => name).join(", ")}`);
  return all[0];
}

/** The one resource of `type` called `name`; fails the test with what exists instead. */
export function resource(tf: TerraformJson, type: string, name: string): any {
  const found = resourcesOf(tf, type)[name];
  if (!found) throw new Error(`no ${type}.${name}; have: ${Object.keys(resourcesOf(tf, type)).join(", ") || "none"}`);
  return found;
}

/** The interpolation cdktf writes for a reference: `${type.name.attribute}`. */
export function ref(type: string, name: string, attribute: string): string {
  return `\${${type}.${name}.${attribute}}`;
}

/** The resource a `${type.name.attribute}` interpolation points at, or undefined for anything else. */
export function parseRef(value: unknown): { type: string; name: string; attribute: string } | undefined {
  const match = typeof value === "string" ? /^\$\{((?:data\.)?[a-z0-9_]+)\.([\w-]+)\.([\w.]+)\}$/.exec(value) : null;
  return match ? { type: match[1], name: match[2], attribute: match[3] } : undefined;
}

/** The name of the `type` resource that `value` references; fails when it references anything else. */
export function refName(value: unknown, type: string): string {
  const parsed = parseRef(value);
  if (!parsed || parsed.type !== type) throw new Error(`expected a reference to a ${type}, got ${JSON.stringify(value)}`);
  return parsed.name;
}
