/**
 * `npm run export -- [--env dev|prod|state|all] [--out DIR]`: a self-contained plain-Terraform folder per stack, for
 * teams that never run Node: `main.tf` (the HCL synth, `terraform fmt`-clean), a README (what it is, how to init it
 * with its backend, its outputs) and, where Terraform can make one offline (TF_PLUGIN_MIRROR), `.terraform.lock.hcl`.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { loadConfig } from "../config/load";
import { ENVIRONMENT_NAMES, type ProjectConfig } from "../config/schema";
import { environmentStackId } from "../constructs/naming";
import { BOOTSTRAP_STATE_PATH, STATE_STACK_ID } from "../terraform-state-backend/state-backend-stack";
import { buildApp } from "../main";
import { UsageError, exitOnConfigError, flag, runCommand, type CommandLine } from "./cli";
import { HCL_FILE, JSON_FILE, finalizeSynthOutput, terraformCommand } from "../synth-output";

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
  readonly lockFile: boolean;
}

export function exportStacks(options: ExportOptions): ExportedStack[] {
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
      const dir = join(options.out, stack);
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      let hcl = readFileSync(join(hclOut, "stacks", stack, HCL_FILE), "utf8");
      // The bootstrap state path points out of cdktf.out/stacks/<stack>; in a folder of its own it lives beside main.tf.
      hcl = hcl.split(JSON.stringify(BOOTSTRAP_STATE_PATH)).join(JSON.stringify("terraform.tfstate"));
      writeFileSync(join(dir, "main.tf"), hcl);
      const tf = JSON.parse(readFileSync(join(jsonOut, "stacks", stack, JSON_FILE), "utf8"));
      writeFileSync(join(dir, "README.md"), readme(stack, tf));
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
      return { stack, dir, lockFile: existsSync(lockPath) };
    });
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
}

function readme(stack: string, tf: { terraform: { backend?: Record<string, Record<string, unknown>> }; output?: Record<string, { description?: string }> }): string {
  const [backendType, backend] = Object.entries(tf.terraform.backend ?? { local: {} })[0];
  const outputs = Object.entries(tf.output ?? {}).map(([name, o]) => `| \`${name}\` | ${o.description ?? ""} |`);
  const init =
    backendType === "s3"
      ? [
          `State is kept in the S3 backend: bucket \`${backend.bucket}\`, key \`${backend.key}\`, region \`${backend.region}\`,`,
          `locked with DynamoDB table \`${backend.dynamodb_table}\` and S3 lock files, encrypted with \`${backend.kms_key_id}\`.`,
          "The state backend (`medicare-hub-state`) must exist first. With AWS credentials for the account:",
        ]
      : ["State is kept in a local file, `terraform.tfstate`, beside this file: back it up. With AWS credentials for the account:"];
  return [
    `# ${stack}`,
    "",
    `Plain Terraform for the MediCare Hub stack \`${stack}\`, exported from the cdktf project by \`npm run export\`.`,
    "Everything is in `main.tf`; nothing here needs Node.js or cdktf. Values are fixed at export time (there are no",
    "input variables): change them in the project's configuration and export again, rather than editing `main.tf`.",
    "",
    "## Use",
    "",
    ...init,
    "",
    "```bash",
    "terraform init        # installs hashicorp/aws as pinned in main.tf (and .terraform.lock.hcl, when present)",
    "terraform plan",
    "terraform apply",
    "```",
    "",
    "Requires Terraform >= 1.10.",
    "",
    "## Outputs",
    "",
    "| output | description |",
    "|---|---|",
    ...outputs,
    "",
  ].join("\n");
}

const USAGE = "npm run export -- [--env all|state|dev|prod] [--out DIR]   (default: every stack, into export/)";

function main(line: CommandLine): number | Promise<number> {
  const env = flag(line, "env", "all") as string;
  const choices: Record<string, string[]> = {
    all: [STATE_STACK_ID, ...ENVIRONMENT_NAMES.map(environmentStackId)],
    state: [STATE_STACK_ID],
    ...Object.fromEntries(ENVIRONMENT_NAMES.map((e) => [e, [environmentStackId(e)]])),
  };
  if (!Object.hasOwn(choices, env)) throw new UsageError(`--env takes one of ${Object.keys(choices).join(", ")}, got "${env}"\nusage: ${USAGE}`);
  return exitOnConfigError(() => {
    const out = resolve(flag(line, "out") ?? "export");
    const exported = exportStacks({ config: loadConfig(), stacks: choices[env], out, mirror: process.env.TF_PLUGIN_MIRROR });
    for (const e of exported) console.log(`${e.dir}: main.tf, README.md${e.lockFile ? ", .terraform.lock.hcl" : " (no lock file: set TF_PLUGIN_MIRROR, or run terraform providers lock online)"}`);
    return 0;
  });
}

if (require.main === module) runCommand({ usage: USAGE, options: { env: { type: "string" }, out: { type: "string" } } }, main);
