/**
 * Offline Terraform harness: runs the real `terraform` binary on synthesized stacks.
 *
 * - `TF_PLUGIN_MIRROR=<dir>`: a CLI config is written that installs providers only from that filesystem mirror
 *   (CI and air-gapped machines); without it Terraform downloads providers as usual.
 * - `REQUIRE_TERRAFORM=1`: a missing terraform fails the suite instead of skipping it.
 * - Plans run against override files written next to a copy of the stack: a local backend and fake credentials with
 *   the provider's skip_* flags. The synthesized output itself never contains them.
 */
import { execFile, spawn } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeWithTool } from "../support/required-tool";

export const TERRAFORM = process.env.TERRAFORM_BINARY || "terraform";
/** Name of the override file the plan step adds; Terraform merges any `*_override.tf.json` over the stack. */
export const OFFLINE_OVERRIDE_FILE = "zz_offline_override.tf.json";
/** Values only the harness uses; a test asserts none of them ever reaches synthesized output. */
export const FAKE_CREDENTIALS = { access_key: "AKIAMEDICAREHUBTESTS0", secret_key: "medicare-hub-offline-plan-not-a-secret" };

/**
 * `describe` for suites that need terraform: skipped with a loud warning when it is missing, or failed when
 * REQUIRE_TERRAFORM=1 (CI), so a machine without terraform can never pass CI by skipping.
 */
export function describeWithTerraform(name: string, body: () => void): void {
  describeWithTool(
    { binary: TERRAFORM, requireVariable: "REQUIRE_TERRAFORM", versionArgs: ["version"], installHint: "Install Terraform >= 1.10 or set TERRAFORM_BINARY" },
    name,
    body,
  );
}

let sharedEnv: NodeJS.ProcessEnv | undefined;

/**
 * Environment for every terraform run: no telemetry, no colour, a plugin cache shared by the runs of this process,
 * a lighter garbage collector, and, with TF_PLUGIN_MIRROR, a CLI config that allows nothing but the mirror.
 */
export function terraformEnv(): NodeJS.ProcessEnv {
  if (sharedEnv) return sharedEnv;
  const root = mkdtempSync(join(tmpdir(), "medicare-hub-tf-"));
  const cache = process.env.TF_PLUGIN_CACHE_DIR || join(root, "plugin-cache");
  mkdirSync(cache, { recursive: true });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    CHECKPOINT_DISABLE: "1",
    TF_IN_AUTOMATION: "1",
    TF_INPUT: "0",
    TF_PLUGIN_CACHE_DIR: cache,
    // Terraform and the providers it starts are Go programs and inherit this: collecting garbage at 4x the live heap
    // instead of 2x cut the CPU time of an offline prod plan from 7.4 s to 5.8 s here (each AWS provider process
    // builds its whole schema at start), at ~650 MB instead of ~330 MB peak per process. A GOGC already set wins.
    GOGC: process.env.GOGC || "400",
  };
  delete env.TF_LOG;
  const mirror = process.env.TF_PLUGIN_MIRROR;
  if (mirror) {
    const cliConfig = join(root, "terraform.rc");
    writeFileSync(cliConfig, mirrorCliConfig(mirror));
    env.TF_CLI_CONFIG_FILE = cliConfig;
  }
  sharedEnv = env;
  return env;
}

/** A CLI config that installs registry providers from `mirror` only: an offline run can never reach the internet. */
export function mirrorCliConfig(mirror: string): string {
  return [
    "provider_installation {",
    "  filesystem_mirror {",
    `    path    = ${JSON.stringify(mirror)}`,
    '    include = ["registry.terraform.io/*/*"]',
    "  }",
    "  direct {",
    '    exclude = ["registry.terraform.io/*/*"]',
    "  }",
    "}",
    "",
  ].join("\n");
}

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs terraform in `cwd`; rejects with its output unless `allowFailure`. */
export function terraform(cwd: string, args: readonly string[], allowFailure = false): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    execFile(TERRAFORM, args, { cwd, env: terraformEnv(), maxBuffer: 256 * 1024 * 1024, timeout: 300_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
      if (code !== 0 && !allowFailure) {
        reject(new Error(`terraform ${args.join(" ")} failed in ${cwd} (exit ${code}):\n${stderr}\n${stdout}`));
      } else {
        resolvePromise({ code, stdout, stderr });
      }
    });
  });
}

/** A terraform run whose output can be watched while it runs (to act at a given point of an apply). */
export interface StreamingRun {
  /** Everything printed so far, stdout and stderr interleaved. */
  output(): string;
  readonly done: Promise<RunResult>;
}

export function terraformStreaming(cwd: string, args: readonly string[], timeoutMs = 120_000): StreamingRun {
  const child = spawn(TERRAFORM, args, { cwd, env: terraformEnv() });
  let stdout = "";
  let stderr = "";
  let all = "";
  child.stdout.on("data", (chunk) => ((stdout += chunk), (all += chunk)));
  child.stderr.on("data", (chunk) => ((stderr += chunk), (all += chunk)));
  const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  const done = new Promise<RunResult>((resolvePromise) => {
    child.on("close", (code) => {
      clearTimeout(timer);
      resolvePromise({ code: code ?? 1, stdout, stderr });
    });
  });
  return { output: () => all, done };
}

/** Copies a synthesized stack directory's Terraform files into a fresh working directory. */
export function copyStack(stackDir: string, workDir: string): string {
  mkdirSync(workDir, { recursive: true });
  for (const entry of readdirSync(stackDir, { withFileTypes: true })) {
    if (entry.isFile() && /\.tf(\.json)?$/.test(entry.name)) copyFileSync(join(stackDir, entry.name), join(workDir, entry.name));
  }
  return workDir;
}

/**
 * The override that lets `plan` run offline: local state and fake credentials for every provider alias. The account
 * guard (`allowed_account_ids`) is lifted because with skip_requesting_account_id the provider knows no account to
 * compare; the construct tests assert the guard itself.
 */
export function offlineOverride(providerAliases: readonly (string | undefined)[]): object {
  const offline = {
    allowed_account_ids: null,
    ...FAKE_CREDENTIALS,
    skip_credentials_validation: true,
    skip_requesting_account_id: true,
    skip_metadata_api_check: true,
    skip_region_validation: true,
  };
  return {
    terraform: { backend: { local: { path: "terraform.tfstate" } } },
    provider: { aws: providerAliases.map((alias) => (alias ? { alias, ...offline } : offline)) },
  };
}

export interface ValidateResult {
  readonly valid: boolean;
  readonly error_count: number;
  readonly warning_count: number;
  readonly diagnostics: { severity: string; summary: string; detail?: string }[];
}

/** `terraform fmt -check`: the files Terraform would rewrite (empty when formatted). */
export async function fmtCheck(dir: string): Promise<string[]> {
  const result = await terraform(dir, ["fmt", "-check", "-list=true", "-no-color"], true);
  return result.stdout.split("\n").filter(Boolean);
}

let initQueue: Promise<unknown> = Promise.resolve();

/**
 * `terraform init`, one at a time in this process: the shared plugin cache is not safe for concurrent writers.
 * Inits after the first only link from the cache, so this costs well under a second each.
 */
export function init(dir: string, args: readonly string[]): Promise<RunResult> {
  const run = initQueue.then(() => terraform(dir, ["init", "-input=false", "-no-color", ...args]));
  initQueue = run.catch(() => undefined);
  return run;
}

/**
 * Adds the offline override, initialises with the local backend and plans. `plan` validates the configuration first,
 * as `terraform validate` would, and reports every diagnostic (errors and warnings) in its machine-readable output
 * (`-json`, "Machine-readable UI": `"type": "diagnostic"` messages): those are the validation result, without loading
 * the provider a third time for a separate `validate`. `terraform show -json` of the saved plan when it succeeded.
 */
export async function planOffline(dir: string, providerAliases: readonly (string | undefined)[]): Promise<{ validation: ValidateResult; plan?: TerraformPlan }> {
  writeFileSync(join(dir, OFFLINE_OVERRIDE_FILE), JSON.stringify(offlineOverride(providerAliases), null, 2));
  await init(dir, ["-reconfigure"]);
  const planned = await terraform(dir, ["plan", "-json", "-input=false", "-lock=false", "-refresh=false", "-out=offline.tfplan"], true);
  const messages = planned.stdout.split("\n").filter((line) => line.startsWith("{")).map((line) => JSON.parse(line) as { type?: string; diagnostic?: ValidateResult["diagnostics"][number] });
  const diagnostics = messages.filter((m) => m.type === "diagnostic" && m.diagnostic).map((m) => m.diagnostic as ValidateResult["diagnostics"][number]);
  const count = (severity: string) => diagnostics.filter((d) => d.severity === severity).length;
  const validation: ValidateResult = { valid: planned.code === 0 && count("error") === 0, error_count: count("error"), warning_count: count("warning"), diagnostics };
  if (!validation.valid) return { validation: { ...validation, diagnostics: diagnostics.length ? diagnostics : [{ severity: "error", summary: planned.stderr.trim() || `plan exited ${planned.code}` }] } };
  const shown = await terraform(dir, ["show", "-json", "-no-color", "offline.tfplan"]);
  return { validation, plan: JSON.parse(shown.stdout) as TerraformPlan };
}

/**
 * `plan` of another synth of the same stack in `dir`, without a second init: the offline override, the lock file and
 * the `.terraform` directory (providers, local backend) come from `initialized`, where {@link planOffline} ran. Nothing
 * is saved (no `-out`); the result is returned whatever the exit code.
 */
export function planReusingInit(dir: string, initialized: string): Promise<RunResult> {
  for (const file of [OFFLINE_OVERRIDE_FILE, ".terraform.lock.hcl"]) copyFileSync(join(initialized, file), join(dir, file));
  symlinkSync(join(initialized, ".terraform"), join(dir, ".terraform"), "dir");
  return terraform(dir, ["plan", "-input=false", "-no-color", "-lock=false", "-refresh=false"], true);
}

/** The parts of `terraform show -json <plan>` the tests read. */
export interface TerraformPlan {
  readonly format_version: string;
  readonly planned_values: { root_module: PlannedModule; outputs?: Record<string, { sensitive: boolean; value?: unknown }> };
  readonly resource_changes?: ResourceChange[];
  readonly configuration: { provider_config?: Record<string, { name: string; expressions?: Record<string, unknown> }> };
}

export interface PlannedModule {
  readonly resources?: PlannedResource[];
}

export interface PlannedResource {
  readonly address: string;
  readonly mode: "managed" | "data";
  readonly type: string;
  readonly name: string;
  readonly values: Record<string, any>;
}

export interface ResourceChange {
  readonly address: string;
  readonly mode: "managed" | "data";
  readonly type: string;
  readonly change: { actions: string[]; after?: Record<string, any> };
}
