/**
 * What the report tools (recovery report, inventory, cost, diagram) share: they describe what would be deployed, so
 * they read synthesized stacks, never the TypeScript configuration directly.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../config/load";
import { StackView } from "../constructs/policy/stack-view";
import { exitOnConfigError } from "./cli";
import { JSON_FILE } from "../synth-output";

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

export { runMain } from "./cli";
