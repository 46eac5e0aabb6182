/**
 * The MediCare Hub cdktf App: the state backend stack plus one MediCareHubStack per environment.
 *
 * Run by `cdktf synth|diff|deploy` (cdktf.json) and by `npm run synth` (tools/synth.ts). Configuration is loaded and
 * validated before the App exists, because constructing an App already creates its output directory.
 */
import { App, Aspects } from "cdktf";
import { ConfigError, loadConfig } from "./config/load";
import { ENVIRONMENT_NAMES, type ProjectConfig } from "./config/schema";
import { MediCareHubStack, environmentStackId } from "./constructs/medicare-hub-stack";
import { STATE_STACK_ID, StateBackendStack } from "./terraform-state-backend/state-backend-stack";
import { PolicyAspect } from "./constructs/policy/aspect";
import type { Suppression } from "./constructs/policy/suppressions";
import { finalizeSynthOutput, formatRefusals, synthOrRefusals } from "./tools/synth-output";

export interface BuildAppOptions {
  /** Output directory. @default - $CDKTF_OUTDIR, else "cdktf.out" */
  readonly outdir?: string;
  /** Write HCL (`cdk.tf`) instead of JSON (`cdk.tf.json`). @default - $SYNTH_HCL_OUTPUT, else false */
  readonly hclOutput?: boolean;
  /** Accepted guardrail findings per environment. @default SUPPRESSIONS (constructs/policy/suppressions.ts) */
  readonly suppressions?: Readonly<Record<string, readonly Suppression[]>>;
}

/** Builds (but does not synthesize) the App from an already validated configuration. */
export function buildApp(config: ProjectConfig, options: BuildAppOptions = {}): App {
  const hcl = options.hclOutput ?? ["true", "1"].includes(process.env[HCL_ENV] ?? "");
  // cdktf 0.21 reads the output format from $SYNTH_HCL_OUTPUT when each stack is constructed and ignores the App's
  // hclOutput there (it would write JSON into cdk.tf): hold the variable for the construction, then restore it.
  const previous = process.env[HCL_ENV];
  process.env[HCL_ENV] = String(hcl);
  try {
    // Stack traces in annotation metadata would put absolute paths of this machine into the output.
    const app = new App({ outdir: options.outdir, hclOutput: hcl, stackTraces: false });
    new StateBackendStack(app, STATE_STACK_ID, { config: config.stateBackend });
    for (const environment of ENVIRONMENT_NAMES) {
      new MediCareHubStack(app, environmentStackId(environment), {
        environment,
        config: config.environments[environment],
        stateBackend: config.stateBackend,
      });
    }
    // Guardrails: every stack is checked against the rule pack when it is synthesized (constructs/policy). cdktf
    // invokes aspects from each stack down, so the aspect goes on the stacks, not on the App.
    const guardrails = new PolicyAspect(options.suppressions);
    for (const stack of app.node.children) Aspects.of(stack).add(guardrails);
    return app;
  } finally {
    if (previous === undefined) delete process.env[HCL_ENV];
    else process.env[HCL_ENV] = previous;
  }
}

const HCL_ENV = "SYNTH_HCL_OUTPUT";

/** Loads configuration, synthesizes every stack and tidies the output; returns the process exit code. */
export function main(): number {
  let config: ProjectConfig;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      return 1;
    }
    throw error;
  }
  const app = buildApp(config);
  const refusals = synthOrRefusals(() => app.synth());
  if (refusals.length > 0) {
    console.error(formatRefusals(refusals));
    return 1;
  }
  finalizeSynthOutput(app.outdir, app.hclOutput);
  return 0;
}

if (require.main === module) {
  process.exitCode = main();
}
