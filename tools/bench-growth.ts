/**
 * The cost-growth probe of `npm run bench -- --growth`: synthesizes the state stack and `--environments N`
 * environment stacks (copies of prod's committed configuration, each with a VPC block of its own), with the
 * guardrails, into a temporary directory, and prints the wall time in seconds. The schema names exactly two
 * environments, so this builds the App here rather than through buildApp; it is a measurement, never a deployment.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App, Aspects } from "cdktf";
import { DEFAULT_CONFIG } from "../config/environments";
import type { EnvironmentName } from "../config/schema";
import { PolicyAspect } from "../constructs/policy/aspect";
import { addEnvironmentStack } from "../main";
import { STATE_STACK_ID, StateBackendStack } from "../terraform-state-backend/state-backend-stack";
import { UsageError, flag, runCommand } from "./cli";

const USAGE = "node --require tsx/cjs tools/bench-growth.ts --environments N   (1-40; prints the synth's seconds)";

/** Seconds to build and synthesize the App with `count` environment stacks. */
export function synthSeconds(count: number): number {
  const outdir = join(mkdtempSync(join(tmpdir(), "medicare-hub-growth-")), "cdktf.out");
  const started = process.hrtime.bigint();
  const app = new App({ outdir, stackTraces: false });
  new StateBackendStack(app, STATE_STACK_ID, { config: DEFAULT_CONFIG.stateBackend });
  for (let i = 0; i < count; i++) {
    // Names stay within every limit (canary names: "mh-e9-maintenance"); each VPC gets a /16 of its own.
    const environment = `e${i}` as EnvironmentName;
    const base = DEFAULT_CONFIG.environments.prod;
    addEnvironmentStack(app, environment, { ...base, network: { ...base.network, vpcCidr: `10.${100 + i}.0.0/16` } }, DEFAULT_CONFIG.stateBackend);
  }
  const guardrails = new PolicyAspect();
  for (const stack of app.node.children) Aspects.of(stack).add(guardrails);
  app.synth();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  rmSync(join(outdir, ".."), { recursive: true, force: true });
  return seconds;
}

if (require.main === module) {
  runCommand({ usage: USAGE, options: { environments: { type: "string" } } }, (line) => {
    const count = Number(flag(line, "environments"));
    if (!Number.isInteger(count) || count < 1 || count > 40) throw new UsageError(`--environments takes a whole number from 1 to 40, got "${flag(line, "environments")}"\nusage: ${USAGE}`);
    process.setSourceMapsEnabled(false);
    console.log(synthSeconds(count).toFixed(3));
    return 0;
  });
}
