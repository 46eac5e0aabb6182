/**
 * What the report tools (recovery report, inventory, cost, diagram) share: they describe what would be deployed, so
 * they read synthesized stacks, never the TypeScript configuration directly.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError, loadConfig } from "../config/load";
import { StackView } from "../constructs/policy/rule";
import { buildApp } from "../main";
import { JSON_FILE } from "./synth-output";

/** The synthesized stack `stackId` of a synth output directory. */
export function readStackView(outdir: string, stackId: string): StackView {
  return new StackView(stackId, JSON.parse(readFileSync(join(outdir, "stacks", stackId, JSON_FILE), "utf8")));
}

/**
 * Synthesizes the current configuration (guardrails included) into a temporary directory, or uses `from`, and runs
 * `report` on it; the temporary directory is removed afterwards. Invalid configuration is printed, exit code 1.
 */
export async function withSynthesizedOutput(report: (outdir: string) => void | Promise<void>, from?: string): Promise<number> {
  const temp = from ? undefined : mkdtempSync(join(tmpdir(), "medicare-hub-report-"));
  try {
    const outdir = from ?? join(temp as string, "cdktf.out");
    if (!from) buildApp(loadConfig(), { outdir, hclOutput: false }).synth();
    await report(outdir);
    return 0;
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      return 1;
    }
    throw error;
  } finally {
    if (temp) rmSync(temp, { recursive: true, force: true });
  }
}

/** Runs a tool's async main as the process, mapping its result to the exit code. */
export function runMain(main: () => Promise<number>): void {
  main().then(
    (code) => (process.exitCode = code),
    (error: Error) => {
      console.error(error.message);
      process.exitCode = 1;
    },
  );
}
