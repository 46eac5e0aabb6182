/**
 * `npm run export -- [--env dev|prod|state|all] [--out DIR]`: a self-contained plain-Terraform folder per stack, for
 * teams that never run Node, laid out by concern like a terraform-aws-modules root module (export-layout.ts):
 * `versions.tf`, `providers.tf`, one file per layer (`network.tf`, `database.tf`, ...; `main.tf` for what the stack
 * declares outside any layer), `outputs.tf`, each headed by what it holds and which document explains it and
 * `terraform fmt`-clean; a generated README (files, inputs, use, outputs, resources per layer); and, where Terraform can
 * make one offline (TF_PLUGIN_MIRROR), `.terraform.lock.hcl`. `npm run synth:hcl` keeps writing one cdk.tf per stack,
 * which the cdktf CLI reads.
 */
import { execFileSync } from "node:child_process";
import { accessSync, constants, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { loadConfig } from "../config/load";
import { ENVIRONMENT_NAMES, type ProjectConfig } from "../config/schema";
import { AUDIT_STACK_ID, environmentStackId } from "../constructs/naming";
import { StackView } from "../constructs/policy/stack-view";
import { BOOTSTRAP_STATE_PATH, STATE_STACK_ID } from "../terraform-state-backend/state-backend-stack";
import { buildApp } from "../main";
import { UsageError, exitOnConfigError, flag, runCommand, type CommandLine } from "./cli";
import { layoutStack, type StackJson } from "./export-layout";
import { exportReadme } from "./export-readme";
import { inventory } from "./inventory";
import { HCL_FILE, JSON_FILE, finalizeSynthOutput, formatHclFiles, terraformCommand } from "../synth-output";

/** Where an exported folder with a local backend (the state stack before migration) keeps its state: beside its files. */
export const EXPORTED_STATE_PATH = "terraform.tfstate";

/** The platforms the lock file records hashes for (CI runners and most workstations). */
export const LOCK_PLATFORMS = ["linux_amd64"];

export interface ExportOptions {
  readonly config: ProjectConfig;
  readonly stacks: readonly string[];
  readonly out: string;
  /** Filesystem mirror to compute provider hashes from, offline. @default - no lock file */
  readonly mirror?: string;
  /** Existing synth outputs of the same configuration to export from. @default - synthesized here */
  readonly synthesized?: { readonly hclOutdir: string; readonly jsonOutdir: string };
}

export interface ExportedStack {
  readonly stack: string;
  readonly dir: string;
  /** The .tf files written, in reading order: versions.tf, providers.tf, main.tf (if any), the layers, outputs.tf. */
  readonly files: readonly string[];
  readonly lockFile: boolean;
}

/** An --out that cannot be written: said before anything is synthesized. */
export class OutputDirectoryError extends Error {}

/**
 * Creates `out` (and its missing parents) and checks it can be written, one directory at a time: Node's recursive
 * mkdir never returns for some unwritable paths (under /proc, for one).
 */
export function prepareOutputDirectory(out: string): void {
  const missing: string[] = [];
  let dir = resolve(out);
  while (!existsSync(dir)) {
    missing.unshift(dir);
    if (dirname(dir) === dir) break;
    dir = dirname(dir);
  }
  try {
    for (const path of missing) mkdirSync(path);
    const target = resolve(out);
    if (!statSync(target).isDirectory()) throw new Error(`${target} is not a directory`);
    accessSync(target, constants.W_OK);
  } catch (error) {
    throw new OutputDirectoryError(`cannot export into ${resolve(out)}: ${(error as Error).message}. Choose a writable --out directory.`);
  }
}

export function exportStacks(options: ExportOptions): ExportedStack[] {
  prepareOutputDirectory(options.out);
  const temp = mkdtempSync(join(tmpdir(), "medicare-hub-export-"));
  try {
    let hclOut = options.synthesized?.hclOutdir;
    let jsonOut = options.synthesized?.jsonOutdir;
    if (!hclOut || !jsonOut) {
      hclOut = join(temp, "hcl");
      jsonOut = join(temp, "json");
      buildApp(options.config, { outdir: hclOut, hclOutput: true }).synth();
      finalizeSynthOutput(hclOut, true);
      buildApp(options.config, { outdir: jsonOut, hclOutput: false }).synth();
    }
    // Every stack pins the same provider, so one lock file (hashing the provider once) serves them all.
    let lock: string | undefined;
    return options.stacks.map((stack) => {
      let hcl = readFileSync(join(hclOut, "stacks", stack, HCL_FILE), "utf8");
      // The bootstrap state path points out of cdktf.out/stacks/<stack>; in a folder of its own it lives beside its files.
      hcl = hcl.split(JSON.stringify(BOOTSTRAP_STATE_PATH)).join(JSON.stringify(EXPORTED_STATE_PATH));
      const tf = JSON.parse(readFileSync(join(jsonOut, "stacks", stack, JSON_FILE), "utf8")) as StackJson;
      const local = tf.terraform?.backend?.local;
      if (local?.path === BOOTSTRAP_STATE_PATH) local.path = EXPORTED_STATE_PATH;
      // Laid out before the previous export is removed: a layout that fails leaves that export as it was.
      const files = layoutStack(stack, hcl, tf);
      const dir = join(options.out, stack);
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir);
      for (const file of files) writeFileSync(join(dir, file.name), file.content);
      // The blocks are cdktf's formatted rendering, unchanged; a local moved beside its layer may need realigning.
      formatHclFiles(files.map((file) => join(dir, file.name)), dir);
      writeFileSync(join(dir, "README.md"), exportReadme({ stack, tf, files, inventory: inventory(new StackView(stack, tf)) }));
      const lockPath = join(dir, ".terraform.lock.hcl");
      if (lock) {
        writeFileSync(lockPath, lock);
      } else if (options.mirror && existsSync(options.mirror)) {
        execFileSync(terraformCommand(), ["providers", "lock", `-fs-mirror=${options.mirror}`, ...LOCK_PLATFORMS.map((p) => `-platform=${p}`)], {
          cwd: dir,
          stdio: ["ignore", "ignore", "pipe"],
          env: { ...process.env, CHECKPOINT_DISABLE: "1" },
        });
        if (existsSync(lockPath)) lock = readFileSync(lockPath, "utf8");
      }
      return { stack, dir, files: files.map((file) => file.name), lockFile: existsSync(lockPath) };
    });
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
}

const USAGE = "npm run export -- [--env all|state|dev|prod|audit] [--out DIR]   (default: every stack, into export/)";

function main(line: CommandLine): number | Promise<number> {
  const env = flag(line, "env", "all") as string;
  const choices: Record<string, string[]> = {
    all: [STATE_STACK_ID, ...ENVIRONMENT_NAMES.map(environmentStackId), AUDIT_STACK_ID],
    state: [STATE_STACK_ID],
    ...Object.fromEntries(ENVIRONMENT_NAMES.map((e) => [e, [environmentStackId(e)]])),
    audit: [AUDIT_STACK_ID],
  };
  if (!Object.hasOwn(choices, env)) throw new UsageError(`--env takes one of ${Object.keys(choices).join(", ")}, got "${env}"\nusage: ${USAGE}`);
  return exitOnConfigError(() => {
    const out = resolve(flag(line, "out") ?? "export");
    // Before the configuration is loaded and synthesized: a wrong --out is said at once.
    prepareOutputDirectory(out);
    const config = loadConfig();
    if (env === "audit" && !config.audit.enabled) throw new UsageError('--env audit: the configuration has no audit stack (audit.enabled is false: a landing zone provides it)');
    // "all" is every stack the configuration builds: the audit stack only while audit.enabled.
    const stacks = choices[env].filter((stack) => stack !== AUDIT_STACK_ID || config.audit.enabled);
    const exported = exportStacks({ config, stacks, out, mirror: process.env.TF_PLUGIN_MIRROR });
    for (const e of exported) {
      const lock = e.lockFile ? ", .terraform.lock.hcl" : " (no lock file: set TF_PLUGIN_MIRROR, or run terraform providers lock online)";
      console.log(`${e.dir}: ${e.files.join(", ")}, README.md${lock}`);
    }
    return 0;
  });
}

if (require.main === module) runCommand({ usage: USAGE, options: { env: { type: "string" }, out: { type: "string" } } }, main);
