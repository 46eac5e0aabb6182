/**
 * The MediCare Hub cdktf App: the state backend stack plus one MediCareHubStack per environment.
 *
 * Run by `cdktf synth|diff|deploy` (cdktf.json) and by `npm run synth` (tools/synth.ts). Configuration is loaded and
 * validated before the App exists, because constructing an App already creates its output directory.
 */
import { cpSync, mkdirSync, mkdtempSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { Annotations, App, Aspects } from "cdktf";
import { ConfigError, configWarnings, loadConfigWithSource, type ConfigSource } from "./config/load";
import { ENVIRONMENT_NAMES, type EnvironmentConfig, type EnvironmentName, type ProjectConfig, type StateBackendConfig } from "./config/schema";
import { MediCareHubStack, environmentStackId } from "./constructs/medicare-hub-stack";
import { useStateBackend } from "./terraform-state-backend/backend";
import { STATE_STACK_ID, StateBackendStack } from "./terraform-state-backend/state-backend-stack";
import { AUDIT_STACK_ID, AuditStack } from "./constructs/audit/audit-stack";
import { environmentPlaceholders, stateBackendPlaceholders } from "./config/placeholders";
import { PolicyAspect } from "./constructs/policy/aspect";
import type { ConfigHint } from "./constructs/policy/evaluate";
import type { Suppression } from "./constructs/policy/suppressions";
import { HCL_FILE, JSON_FILE, finalizeSynthOutput, formatRefusals, stackDirectories, synthOrRefusals } from "./synth-output";

export interface BuildAppOptions {
  /** Output directory. @default - $CDKTF_OUTDIR, else "cdktf.out" */
  readonly outdir?: string;
  /** Write HCL (`cdk.tf`) instead of JSON (`cdk.tf.json`). @default - $SYNTH_HCL_OUTPUT, else false */
  readonly hclOutput?: boolean;
  /** Accepted guardrail findings per environment. @default SUPPRESSIONS (constructs/policy/suppressions.ts) */
  readonly suppressions?: Readonly<Record<string, readonly Suppression[]>>;
  /**
   * Which values came from the override file: guardrail refusals name the configuration fields to change, their
   * values and the file each came from. @default - every value from config/environments.ts
   */
  readonly configSource?: ConfigSource;
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
      const stack = addEnvironmentStack(app, environment, config.environments[environment], config.stateBackend);
      for (const warning of configWarnings(config).filter((w) => w.environment === environment)) Annotations.of(stack).addWarning(warning.message);
    }
    if (config.audit.enabled) addAuditStack(app, config);
    // Guardrails: every stack is checked against the rule pack when it is synthesized (constructs/policy). cdktf
    // invokes aspects from each stack down, so the aspect goes on the stacks, not on the App.
    const guardrails = new PolicyAspect(options.suppressions, undefined, configHint(config, options.configSource));
    for (const stack of app.node.children) Aspects.of(stack).add(guardrails);
    return app;
  } finally {
    if (previous === undefined) delete process.env[HCL_ENV];
    else process.env[HCL_ENV] = previous;
  }
}

const HCL_ENV = "SYNTH_HCL_OUTPUT";

/**
 * One environment's stack in `app`, its state in the shared backend: the App, not the stack, points each
 * environment's state there, so the layers know nothing of it. (npm run bench's growth probe adds more than the two
 * committed environments with it.)
 */
export function addEnvironmentStack(app: App, environment: EnvironmentName, config: EnvironmentConfig, stateBackend: StateBackendConfig): MediCareHubStack {
  const stack = new MediCareHubStack(app, environmentStackId(environment), { environment, config, stateBackend });
  useStateBackend(stack, stateBackend, environment);
  return stack;
}

/**
 * The audit stack of the account `config.audit.environment` deploys to, its state in the shared backend. Its plans are
 * refused while that environment's account id or alert addresses, or the state bucket's name, are placeholders (the
 * environment's own stack warns about them).
 */
export function addAuditStack(app: App, config: ProjectConfig): AuditStack {
  const audited = config.audit.environment;
  const environment = config.environments[audited];
  const placeholders = [
    ...stateBackendPlaceholders(config.stateBackend).filter((p) => p.path === "stateBackend.bucketName"),
    ...environmentPlaceholders(audited, environment).filter((p) => /\.(accountId|alerts\.[\w]+)$/.test(p.path) && !p.path.endsWith("heartbeatUrl")),
  ];
  const stack = new AuditStack(app, AUDIT_STACK_ID, { audit: config.audit, environment, stateBucketName: config.stateBackend.bucketName, placeholders });
  useStateBackend(stack, config.stateBackend, "audit");
  return stack;
}

/** `environments.prod.loadBalancer.waf = false (from /ops/prod.json)`, for each field of a failed rule. */
export function configHint(config: ProjectConfig, source: ConfigSource = { overridden: [] }): ConfigHint {
  return (environment, fields) => {
    if (!(ENVIRONMENT_NAMES as readonly string[]).includes(environment)) return undefined;
    const settings = config.environments[environment as (typeof ENVIRONMENT_NAMES)[number]];
    return fields
      .map((field) => {
        const path = `environments.${environment}.${field}`;
        const value = field.split(".").reduce<unknown>((node, key) => (node && typeof node === "object" && Object.hasOwn(node, key) ? (node as Record<string, unknown>)[key] : undefined), settings);
        const overridden = source.overridden.some((p) => p === path || path.startsWith(`${p}.`) || p.startsWith(`${path}.`));
        return `${path} = ${JSON.stringify(value)} (from ${overridden && source.overrideFile ? source.overrideFile : "config/environments.ts"})`;
      })
      .join(", ");
  };
}

export interface SynthesizeOptions {
  readonly outdir: string;
  readonly hcl: boolean;
  /** Replace the output directory (npm run synth); else write into it (the cdktf CLI owns it). */
  readonly clean: boolean;
  readonly configSource?: ConfigSource;
  readonly suppressions?: BuildAppOptions["suppressions"];
}

export interface SynthesisResult {
  /** Guardrail refusals: when any, nothing was written to the output directory. */
  readonly refusals: readonly string[];
  /** Stack ids written. */
  readonly stacks: readonly string[];
  /** Set when HCL could not be formatted. */
  readonly formatWarning?: string;
}

/**
 * The one way the App is synthesized (the cdktf CLI through main(), npm run synth, the tools): into a private staging
 * directory, where the guardrails decide; only a synthesis they accept reaches the output directory. A refusal leaves
 * the output directory as it was, instead of writing some stacks and deleting them again.
 */
export function synthesize(config: ProjectConfig, options: SynthesizeOptions): SynthesisResult {
  const staging = mkdtempSync(join(tmpdir(), "medicare-hub-synth-"));
  // cdktf captures a full stack trace for every token it creates (thousands per synth); with the source maps tsx
  // enables, each is mapped back to TypeScript, about a tenth of the synth's time. Nothing of synthesis shows those
  // traces (the App is built with stackTraces off), so maps are off while it runs and restored after.
  const sourceMaps = process.sourceMapsEnabled;
  process.setSourceMapsEnabled(false);
  try {
    const staged = join(staging, "out");
    const app = buildApp(config, { outdir: staged, hclOutput: options.hcl, configSource: options.configSource, suppressions: options.suppressions });
    const refusals = synthOrRefusals(() => app.synth());
    if (refusals.length > 0) return { refusals, stacks: [] };
    const formatWarning = finalizeSynthOutput(staged, options.hcl);
    publish(staged, options.outdir, options.clean, options.hcl);
    return { refusals: [], stacks: app.node.children.map((child) => child.node.id), formatWarning };
  } finally {
    process.setSourceMapsEnabled(sourceMaps);
    rmSync(staging, { recursive: true, force: true });
  }
}

function publish(staged: string, outdir: string, clean: boolean, hcl: boolean): void {
  if (clean) {
    rmSync(outdir, { recursive: true, force: true });
    mkdirSync(dirname(outdir), { recursive: true });
    try {
      renameSync(staged, outdir);
      return;
    } catch {
      // Another file system than the temp dir's: copy instead.
    }
  }
  cpSync(staged, outdir, { recursive: true, force: true });
  // Written into an existing directory: a stale file of the other format would make Terraform load every resource twice.
  for (const dir of stackDirectories(outdir)) rmSync(join(dir, hcl ? JSON_FILE : HCL_FILE), { force: true });
}

/** Loads configuration and synthesizes every stack (the cdktf CLI's entry point); returns the process exit code. */
export function main(): number {
  let loaded: ReturnType<typeof loadConfigWithSource>;
  try {
    loaded = loadConfigWithSource();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      return 1;
    }
    throw error;
  }
  const result = synthesize(loaded.config, {
    outdir: process.env.CDKTF_OUTDIR || "cdktf.out",
    hcl: ["true", "1"].includes(process.env[HCL_ENV] ?? ""),
    clean: false,
    configSource: loaded.source,
  });
  if (result.refusals.length > 0) {
    console.error(formatRefusals(result.refusals));
    return 1;
  }
  return 0;
}

if (require.main === module) {
  process.exitCode = main();
}
