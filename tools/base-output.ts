/**
 * The base of a comparison (`npm run cost -- --compare <base>`, `npm run policy -- --compare <base>`,
 * `npm run plan:summary -- --base <base>`): a synth output directory, or a git ref of this repository. A ref is
 * synthesized by its own code (its tools/synth.ts, configuration and constructs) in a throwaway `git worktree` under
 * the system's temporary directory, which is removed afterwards whatever happens: a failed synth, an error, Ctrl-C.
 *
 * The worktree borrows this checkout's node_modules through a symlink (`npm ci` per comparison would take minutes), so
 * a ref whose dependencies differ is built with this checkout's. It reads the same override file
 * (MEDICARE_HUB_CONFIG_OVERRIDES) as the head, so the two sides differ only by their code.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, realpathSync, rmSync, symlinkSync, unlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { OVERRIDE_FILE_ENV } from "../config/load";
import { UsageError } from "./cli";
import { configuredOutput, readSynthOutput, type SynthOutput } from "./synthesized";

/** This checkout: the repository whose refs `--compare` names, and whose node_modules the worktree borrows. */
const ROOT = resolve(__dirname, "..");
/** What a ref needs to be synthesized with its own code. */
export const REF_SYNTH_SCRIPT = "tools/synth.ts";
/** Lines of a failed synth's stderr shown in the error. */
const STDERR_LINES = 20;

export interface BaseOptions {
  /** Environment of the ref's synth (its override file). @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** The repository the ref belongs to. @default this checkout */
  readonly repository?: string;
}

function git(args: readonly string[], cwd: string): { ok: boolean; stdout: string; stderr: string } {
  const result = spawnSync("git", args, { cwd, encoding: "utf8" });
  return { ok: result.status === 0, stdout: (result.stdout ?? "").trim(), stderr: (result.stderr ?? result.error?.message ?? "").trim() };
}

/**
 * The stacks of `base`: read from the directory of that name, else synthesized from the git ref of that name.
 * `argument` names the flag in messages. Not a directory, not a synth output, not a ref: a UsageError (exit 2) that
 * names the argument and the fix. A ref whose synth fails: an Error with the end of its output (exit 1).
 */
export async function readBase(base: string, argument: string, options: BaseOptions = {}): Promise<SynthOutput> {
  const repository = options.repository ?? ROOT;
  if (existsSync(base)) {
    try {
      return readSynthOutput(base, argument);
    } catch (error) {
      // A directory and a ref of the same name (a branch called docs): the directory wins, say how to mean the ref.
      const alsoRef = !base.startsWith("-") && git(["rev-parse", "--verify", "--quiet", `${base}^{commit}`], repository).ok;
      if (error instanceof UsageError && alsoRef) throw new UsageError(`${error.message}. For the git ref ${base}, write ${base}^0 (names the same commit, and no directory)`);
      throw error;
    }
  }
  const notFound = `${argument} ${base}: no such directory, and not a git ref of this repository. Give a synth output directory (npm run synth -- --outdir DIR writes one) or a commit, branch or tag, e.g. ${argument} main or ${argument} HEAD~1`;
  // A leading dash would be read by git as an option.
  if (base.startsWith("-")) throw new UsageError(notFound);
  const commit = git(["rev-parse", "--verify", "--quiet", `${base}^{commit}`], repository);
  if (!commit.ok) throw new UsageError(notFound);
  const short = commit.stdout.slice(0, 7);
  const label = commit.stdout.startsWith(base) ? short : `${base} (${short})`;
  if (!git(["cat-file", "-e", `${commit.stdout}:${REF_SYNTH_SCRIPT}`], repository).ok) {
    throw new UsageError(`${argument} ${base}: commit ${short} has no ${REF_SYNTH_SCRIPT} to synthesize it with; synthesize that commit yourself and give the directory (${argument} DIR)`);
  }
  return synthesizeRef(commit.stdout, label, argument, repository, options.env ?? process.env);
}

/**
 * Both sides of a comparison: the base (`baseArgument`, a directory or a git ref) and the head (the directory given by
 * `headArgument`, else the current configuration, built in memory). A head directory is read first, so a wrong one
 * fails before a ref is built. Invalid configuration throws ConfigError.
 */
export async function readComparison(base: string, baseArgument: string, head: string | undefined, headArgument: string, options: BaseOptions = {}): Promise<{ baseOutput: SynthOutput; headOutput: SynthOutput }> {
  const headDirectory = head === undefined ? undefined : readSynthOutput(head, headArgument);
  const baseOutput = await readBase(base, baseArgument, options);
  return { baseOutput, headOutput: headDirectory ?? configuredOutput() };
}

/** The environment of a ref's synth: JSON into its own cdktf.out, the override file by absolute path. */
function synthEnvironment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const result: NodeJS.ProcessEnv = { ...env, CHECKPOINT_DISABLE: "1" };
  delete result.CDKTF_OUTDIR;
  delete result.SYNTH_HCL_OUTPUT;
  if (result[OVERRIDE_FILE_ENV]) result[OVERRIDE_FILE_ENV] = resolve(result[OVERRIDE_FILE_ENV] as string);
  return result;
}

async function synthesizeRef(commit: string, label: string, argument: string, repository: string, env: NodeJS.ProcessEnv): Promise<SynthOutput> {
  // Real path: git lists worktrees by it.
  const temp = realpathSync(mkdtempSync(join(tmpdir(), "medicare-hub-base-")));
  const worktree = join(temp, "worktree");
  const interrupted: { signal?: NodeJS.Signals; stop?: () => void } = {};
  const onSignal = (signal: NodeJS.Signals) => {
    interrupted.signal = signal;
    interrupted.stop?.();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    const added = git(["worktree", "add", "--detach", "--quiet", worktree, commit], repository);
    if (!added.ok) throw new Error(`${argument}: could not create a worktree of ${label}: ${added.stderr}`);
    symlinkSync(join(repository, "node_modules"), join(worktree, "node_modules"), "dir");
    if (interrupted.signal) throw new Error(`interrupted (${interrupted.signal}) before synthesizing ${label}`);
    const synth = await new Promise<{ code: number | null; stderr: string }>((done) => {
      const child = spawn(process.execPath, ["--max-semi-space-size=4", "--require", "tsx/cjs", REF_SYNTH_SCRIPT], { cwd: worktree, env: synthEnvironment(env), stdio: ["ignore", "ignore", "pipe"] });
      interrupted.stop = () => child.kill("SIGTERM");
      let stderr = "";
      child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      child.on("error", (error) => done({ code: null, stderr: error.message }));
      child.on("close", (code) => done({ code, stderr }));
    });
    if (interrupted.signal) throw new Error(`interrupted (${interrupted.signal}) while synthesizing ${label}`);
    if (synth.code !== 0) {
      const tail = synth.stderr.trim().split("\n").slice(-STDERR_LINES).join("\n");
      throw new Error(`${argument} ${label}: its ${REF_SYNTH_SCRIPT} failed (exit code ${synth.code}) in a worktree of that commit:\n${tail}`);
    }
    return readSynthOutput(join(worktree, "cdktf.out"), argument, label);
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    removeWorktree(worktree, temp, repository);
  }
}

/** Removes the worktree and its registration; the node_modules link first, so nothing follows it into ours. */
function removeWorktree(worktree: string, temp: string, repository: string): void {
  try {
    unlinkSync(join(worktree, "node_modules"));
  } catch {
    // Not created: the worktree failed before.
  }
  if (existsSync(worktree)) git(["worktree", "remove", "--force", "--force", worktree], repository);
  rmSync(temp, { recursive: true, force: true });
  // Still registered (the removal failed and the directory went with rmSync): prune the registration of the vanished
  // directory. Only then, as prune would also drop other vanished worktrees' registrations.
  if (registeredWorktrees(repository).includes(worktree)) git(["worktree", "prune"], repository);
}

/** The paths of the repository's registered worktrees. */
export function registeredWorktrees(repository: string = ROOT): string[] {
  return [...git(["worktree", "list", "--porcelain"], repository).stdout.matchAll(/^worktree (.+)$/gm)].map((m) => m[1]);
}
