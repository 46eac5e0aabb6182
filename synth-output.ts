/**
 * Post-processing of `cdktf.out` that cdktf itself does not do, shared by every way of synthesizing.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";

export const JSON_FILE = "cdk.tf.json";
export const HCL_FILE = "cdk.tf";

/** The stack directories under `<outdir>/stacks`. */
export function stackDirectories(outdir: string): string[] {
  const stacks = join(outdir, "stacks");
  if (!existsSync(stacks)) return [];
  return readdirSync(stacks, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => join(stacks, entry.name));
}

/**
 * Removes the other format's file left by an earlier synth (Terraform would load both and see every resource twice)
 * and, for HCL, runs `terraform fmt` so the output is what `terraform fmt -check` expects: cdktf writes HCL unindented.
 * Returns a warning when HCL could not be formatted.
 */
export function finalizeSynthOutput(outdir: string, hcl: boolean, terraformBinary = terraformCommand()): string | undefined {
  const dirs = stackDirectories(outdir);
  for (const dir of dirs) rmSync(join(dir, hcl ? JSON_FILE : HCL_FILE), { force: true });
  if (!hcl || dirs.length === 0) return undefined;
  return formatHclFiles(
    dirs.map((dir) => join(dir, HCL_FILE)),
    outdir,
    terraformBinary,
  );
}

/**
 * `terraform fmt` of HCL files, in one process. Returns (and prints) a warning naming `where` when it cannot run: the
 * HCL is still valid, only not formatted.
 */
export function formatHclFiles(files: readonly string[], where: string, terraformBinary = terraformCommand()): string | undefined {
  if (files.length === 0) return undefined;
  try {
    execFileSync(terraformBinary, ["fmt", "-list=false", ...files], {
      stdio: ["ignore", "ignore", "pipe"],
      env: { ...process.env, CHECKPOINT_DISABLE: "1" },
    });
    return undefined;
  } catch (error) {
    const warning =
      `warning: the HCL in ${where} is valid but not formatted: running "${terraformBinary} fmt" failed ` +
      `(${(error as Error).message.split("\n")[0]}). Install Terraform >= 1.10 or set TERRAFORM_BINARY.`;
    console.error(warning);
    return warning;
  }
}

/** The Terraform binary: $TERRAFORM_BINARY, else `terraform` on PATH. */
export function terraformCommand(): string {
  return process.env.TERRAFORM_BINARY || "terraform";
}

/** One annotation cdktf recorded in manifest.json (the cdktf CLI prints these; `npm run synth` does too). */
export interface SynthAnnotation {
  readonly stack: string;
  readonly constructPath: string;
  readonly level: "warning" | "info" | "error";
  readonly message: string;
}

/** Annotations of every stack in `<outdir>/manifest.json`. */
export function readAnnotations(outdir: string): SynthAnnotation[] {
  const manifestPath = join(outdir, "manifest.json");
  if (!existsSync(manifestPath)) return [];
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as {
    stacks: Record<string, { annotations?: { constructPath: string; level: string; message: string }[] }>;
  };
  const levels: Record<string, SynthAnnotation["level"]> = { "@cdktf/warn": "warning", "@cdktf/info": "info", "@cdktf/error": "error" };
  return Object.entries(manifest.stacks).flatMap(([stack, { annotations = [] }]) =>
    annotations.map((a) => ({ stack, constructPath: a.constructPath, level: levels[a.level] ?? "info", message: a.message })),
  );
}

/** Human-readable lines, one per annotation: `warning [medicare-hub-dev/network] ...`. */
export function formatAnnotations(annotations: readonly SynthAnnotation[]): string[] {
  return annotations.map((a) => `${a.level} [${a.constructPath}] ${a.message}`);
}

/** cdktf's error when a construct carries an error annotation (our guardrails, among others). */
const ANNOTATION_ERRORS = /^Encountered Annotations with level "ERROR":\n/;

/**
 * Runs `synth`; when cdktf refuses because of error annotations, returns them as readable lines instead of throwing,
 * so callers can report them and exit non-zero. Any other error is rethrown.
 */
export function synthOrRefusals(synth: () => void): string[] {
  try {
    synth();
    return [];
  } catch (error) {
    const message = (error as Error).message ?? "";
    if (!ANNOTATION_ERRORS.test(message)) throw error;
    return message
      .replace(ANNOTATION_ERRORS, "")
      .split("\n")
      .map((line) => line.trim())
      // cdktf's own advice (an environment variable that ignores errors) is not ours to give.
      .filter((line) => line && !line.startsWith("Either fix the issues above"));
  }
}

/** How a refused synth is reported. */
export function formatRefusals(refusals: readonly string[]): string {
  return [
    `Synth refused: ${refusals.length} guardrail failure(s). Nothing was written.`,
    ...refusals.map((line) => `  ${line}`),
    "Fix the configuration, or accept a finding with a reason in constructs/policy/suppressions.ts; `npm run policy` shows every rule.",
  ].join("\n");
}
