/**
 * `npm run synth` / `npm run synth:hcl`: validate the configuration, then synthesize every stack into a clean
 * output directory (a stale file of the other format would make Terraform load every resource twice).
 *
 * Usage: npm run synth -- [--outdir DIR]; npm run synth:hcl (tools/synth.ts --hcl).
 */
import { execFileSync } from "node:child_process";
import { ConfigError, loadConfigWithSource } from "../config/load";
import { synthesize } from "../main";
import { formatAnnotations, formatRefusals, readAnnotations, terraformCommand } from "../synth-output";
import { UsageError, flag, parseCommandLine } from "./cli";

const USAGE = "npm run synth -- [--outdir DIR]   |   npm run synth:hcl -- [--outdir DIR]   (default cdktf.out, or $CDKTF_OUTDIR)";

interface SynthArgs {
  readonly hcl: boolean;
  readonly outdir: string;
}

/**
 * The whole of `npm run synth`, returning its exit code: 2 for a usage error, 1 for invalid configuration or a
 * guardrail refusal (nothing written), 0 when every stack was written. `env` is where the override file is named.
 */
export function run(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): number {
  let args: SynthArgs;
  let loaded: ReturnType<typeof loadConfigWithSource>;
  try {
    const line = parseCommandLine(argv, { usage: USAGE, options: { hcl: { type: "boolean" }, outdir: { type: "string" } } });
    if (line === "help") {
      console.log(`usage: ${USAGE}`);
      return 0;
    }
    args = { hcl: line.values.hcl === true, outdir: flag(line, "outdir", process.env.CDKTF_OUTDIR || "cdktf.out") as string };
    loaded = loadConfigWithSource({ env });
    if (args.hcl) requireTerraform();
  } catch (error) {
    if (error instanceof ConfigError || error instanceof UsageError) {
      console.error(error.message);
      return error instanceof UsageError ? 2 : 1;
    }
    throw error;
  }
  const result = synthesize(loaded.config, { outdir: args.outdir, hcl: args.hcl, clean: true, configSource: loaded.source });
  if (result.refusals.length > 0) {
    console.error(formatRefusals(result.refusals));
    return 1;
  }
  if (result.formatWarning) return 1;
  for (const line of formatAnnotations(readAnnotations(args.outdir))) console.error(line);
  console.log(`Synthesized ${args.hcl ? "HCL (cdk.tf)" : "JSON (cdk.tf.json)"} for ${result.stacks.join(", ")} into ${args.outdir}/stacks/`);
  return 0;
}

/** HCL is only finished once `terraform fmt` has run: check before anything is written. */
function requireTerraform(): void {
  const binary = terraformCommand();
  try {
    execFileSync(binary, ["version"], { stdio: "ignore", env: { ...process.env, CHECKPOINT_DISABLE: "1" } });
  } catch {
    throw new UsageError(
      `synth:hcl formats its output with "${binary} fmt", and "${binary}" could not be run. ` +
        "Install Terraform >= 1.10 (or set TERRAFORM_BINARY to its path) and run it again; nothing was written.",
    );
  }
}

if (require.main === module) process.exitCode = run(process.argv.slice(2));
