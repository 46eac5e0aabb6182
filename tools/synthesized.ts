/**
 * What the report tools (recovery report, inventory, cost, diagram, the cost and guardrail comparisons) share: they
 * describe what would be deployed, so they read synthesized stacks, never the TypeScript configuration directly.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { OVERRIDE_FILE_ENV, loadConfig } from "../config/load";
import type { EnvironmentName } from "../config/schema";
import { environmentStackId } from "../constructs/naming";
import { StackView, layerOfConstructPath, type SynthesizedResource } from "../constructs/policy/stack-view";
import { UsageError, exitOnConfigError } from "./cli";
import { HCL_FILE, JSON_FILE } from "../synth-output";

/** The synthesized stack `stackId` of a synth output directory. */
export function readStackView(outdir: string, stackId: string): StackView {
  return new StackView(stackId, JSON.parse(readFileSync(join(outdir, "stacks", stackId, JSON_FILE), "utf8")));
}

/**
 * Synthesizes the current configuration (guardrails included) into a temporary directory, or uses `from`, and runs
 * `report` on it; the temporary directory is removed afterwards. Invalid configuration is printed, exit code 1.
 */
export function withSynthesizedOutput(report: (outdir: string) => void | Promise<void>, from?: string): Promise<number> {
  return exitOnConfigError(async () => {
    const temp = from ? undefined : mkdtempSync(join(tmpdir(), "medicare-hub-report-"));
    try {
      const outdir = from ?? join(temp as string, "cdktf.out");
      if (!from) {
        // Loaded only to synthesize: reading an existing output (`from`) loads nothing of cdktf or the constructs.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { buildApp } = require("../main") as typeof import("../main");
        buildApp(loadConfig(), { outdir, hclOutput: false }).synth();
      }
      await report(outdir);
      return 0;
    } finally {
      if (temp) rmSync(temp, { recursive: true, force: true });
    }
  });
}

/** Every stack of one synthesis, read into memory: one side of a comparison (cost and guardrail deltas). */
export interface SynthOutput {
  /** Where the stacks came from, as a reviewer reads it: `cdktf.out`, `main (bcbc84b)`, `the current configuration`. */
  readonly label: string;
  /** The stacks: in the App's order when built, by id when read from a directory. */
  readonly stacks: readonly StackView[];
}

/** How every message about a wrong synth output directory ends. */
const MAKE_ONE = "write one with: npm run synth -- --outdir DIR (JSON; synth:hcl output cannot be read)";

/**
 * The stack JSON files of a synth output directory, by stack id: `<dir>/stacks/<stack>/cdk.tf.json` as `npm run synth`
 * writes it, or `<dir>/<stack>/cdk.tf.json` as the workflows' artifacts (and `npm run ci:vet`) hold the stacks.
 */
export function stackJsonFiles(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const parent of [join(dir, "stacks"), dir]) {
    if (!existsSync(parent) || !statSync(parent).isDirectory()) continue;
    for (const entry of readdirSync(parent, { withFileTypes: true })) {
      const file = join(parent, entry.name, JSON_FILE);
      if (entry.isDirectory() && existsSync(file)) files[entry.name] = file;
    }
    if (Object.keys(files).length > 0) break;
  }
  return files;
}

/**
 * Reads every stack of a synth output directory. `argument` names the command-line argument in messages: a path that
 * does not exist, is not a directory, or holds no stack JSON is a UsageError (exit 2) that names it and says how to
 * make one.
 */
export function readSynthOutput(dir: string, argument: string, label: string = dir): SynthOutput {
  if (!existsSync(dir)) throw new UsageError(`${argument} ${dir}: no such directory; ${MAKE_ONE}`);
  if (!statSync(dir).isDirectory()) throw new UsageError(`${argument} ${dir}: a file, not a synth output directory; ${MAKE_ONE}`);
  const files = stackJsonFiles(dir);
  if (Object.keys(files).length === 0) {
    const hcl = [join(dir, "stacks"), dir].some((parent) => existsSync(parent) && statSync(parent).isDirectory() && readdirSync(parent).some((name) => existsSync(join(parent, name, HCL_FILE))));
    const why = hcl ? `it holds HCL (${HCL_FILE}), not JSON` : `no stacks/<stack>/${JSON_FILE} in it`;
    throw new UsageError(`${argument} ${dir}: not a synth output (${why}); ${MAKE_ONE}`);
  }
  const stacks = Object.keys(files)
    .sort()
    .map((stackId) => {
      let tf: unknown;
      try {
        tf = JSON.parse(readFileSync(files[stackId], "utf8"));
      } catch (error) {
        throw new UsageError(`${argument} ${dir}: ${files[stackId]} is not JSON (${(error as Error).message}); ${MAKE_ONE}`);
      }
      return new StackView(stackId, tf as StackView["tf"]);
    });
  const output = { label, stacks };
  if (environmentStacks(output).length === 0) {
    throw new UsageError(`${argument} ${dir}: not a synth output of this project: none of its stacks (${stacks.map((s) => s.stackId).join(", ")}) is an environment's (medicare-hub-<env>); ${MAKE_ONE}`);
  }
  return output;
}

/**
 * The current configuration's stacks, built in memory as synth would write them, without the guardrails' refusal:
 * a comparison shows what a change breaks instead of stopping at it. Loads the App (cdktf) only when called.
 * Invalid configuration throws ConfigError.
 */
export function configuredOutput(): SynthOutput {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { buildApp } = require("../main") as typeof import("../main");
  const outdir = mkdtempSync(join(tmpdir(), "medicare-hub-stacks-"));
  try {
    const app = buildApp(loadConfig(), { outdir, hclOutput: false });
    const stacks = app.node.children.map((stack) => new StackView(stack.node.id, (stack as unknown as { toTerraform(): StackView["tf"] }).toTerraform()));
    const overrides = process.env[OVERRIDE_FILE_ENV];
    const label = `the current configuration${overrides ? ` (with ${overrides})` : ""}`;
    return { label, stacks };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/** The environment stacks of an output (`medicare-hub-<env>` for its Environment tag), not the state backend's. */
export function environmentStacks(output: SynthOutput): StackView[] {
  return output.stacks.filter((stack) => stack.stackId === environmentStackId(stack.environment as EnvironmentName));
}

/** Layer of resources cdktf wrote without a construct path (none of ours; hand-added JSON could be). */
export const UNKNOWN_LAYER = "(no construct path)";
// Layer of a resource the stack declares itself: the same rule as the export's files (constructs/policy/stack-view.ts).
export { STACK_LAYER } from "../constructs/policy/stack-view";

/**
 * The layer a resource belongs to: the construct below its stack in the path cdktf records (`//.metadata.path`,
 * layerOfConstructPath), or UNKNOWN_LAYER when it has none.
 */
export function layerOf(resource: SynthesizedResource): string {
  const path: unknown = resource.values["//"]?.metadata?.path;
  return (typeof path === "string" ? layerOfConstructPath(path) : undefined) ?? UNKNOWN_LAYER;
}

export { runMain } from "./cli";
