/**
 * The `jq` filters the workflows apply to `terraform show -json` before a plan leaves the credentialed job, taken
 * from the workflow files themselves and run with the real jq, so a test proves the tools still get what they read
 * from exactly what the workflow keeps.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import type { RequiredTool } from "./required-tool";

export const WORKFLOW_DIR = join(__dirname, "..", "..", ".github", "workflows");

/** jq, as the tests that run the workflows' filters need it (REQUIRE_JQ=1 turns a missing jq into a failure). */
export const JQ: RequiredTool = { binary: "jq", requireVariable: "REQUIRE_JQ", installHint: "Install jq (apt-get install jq)" };

/** The one filter of the `terraform show -json … | jq '<filter>'` in job `job` of `file`. */
export function showJsonFilter(file: string, job: string): string {
  const workflow = parse(readFileSync(join(WORKFLOW_DIR, file), "utf8"));
  const scripts = (workflow.jobs[job]?.steps ?? []).map((s: { run?: string }) => s.run ?? "").join("\n");
  const filters = [...scripts.matchAll(/terraform show -json [^|]*\|\s*jq '([^']+)'/g)].map((m) => m[1]);
  if (filters.length !== 1) throw new Error(`${file}, job ${job}: expected one "terraform show -json … | jq '…'", found ${filters.length}`);
  return filters[0];
}

/** Runs `filter` on `json` with the real jq; returns the parsed output. */
export function runJq(filter: string, json: unknown): unknown {
  return JSON.parse(execFileSync(JQ.binary, [filter], { input: JSON.stringify(json), encoding: "utf8" }));
}
