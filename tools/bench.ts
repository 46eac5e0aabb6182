/**
 * `npm run bench`: how long synth takes and how much memory it needs, as figures against the project's budgets, and
 * against the floor of cdktf itself: the flat 97-resource reference stack (../shared/bench/flat-cdktf), timed
 * alternately with our synth in one run (A B A B ..., medians), so both see the same machine. Exits 1 when a budget
 * is missed; run it on a quiet machine, and read the figures.
 *
 * Usage: npm run bench -- [--runs N] [--cli] [--tests] [--reference DIR]
 *   --runs N          runs per measurement (default 7; the median is reported)
 *   --cli             also measure `cdktf synth` through the cdktf CLI, for reference
 *   --tests           also time one full `npm test`
 *   --reference DIR   the flat reference stack (default ../shared/bench/flat-cdktf)
 *   --baseline REF    also time `npm test` of this checkout against REF's (a commit, in a throwaway worktree sharing
 *                     node_modules), alternately, and print the ratio (implies --tests)
 *   --growth          also the cost growth: synth of 10 environments against synth of 2 (tools/bench-growth.ts),
 *                     whole processes, timed alternately
 *
 * Peak RSS is the largest sum of resident memory over the whole process tree (node, tsx's esbuild service, and
 * terraform fmt for HCL), sampled from /proc every 10 ms; where /proc does not exist it is reported as n/a.
 */
import { spawn } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { UsageError, flag, runCommand, type CommandLine } from "./cli";

const ROOT = resolve(__dirname, "..");
/**
 * How package.json runs TypeScript: one node process with tsx's CommonJS loader (no wrapper process), and young-
 * generation semi-spaces capped at 4 MB: synth allocates many short-lived strings, and V8's default growth of the
 * semi-spaces alone added ~100 MB of resident memory (measured: 278 MB → 169 MB for HCL, same wall time).
 */
const NODE_TSX = [process.execPath, "--max-semi-space-size=4", "--require", "tsx/cjs"] as const;
const CDKTF = join(ROOT, "node_modules", ".bin", "cdktf");

/** Budgets the project keeps as it grows (README, "Budgets"). */
export const BUDGETS = { synthMedianSeconds: 2.5, synthPeakRssMb: 300, testSeconds: 90, synthToReferenceRatio: 1.2, tenEnvironmentGrowth: 2 } as const;
/** Where the flat reference stack is kept, beside this repository (README "Budgets"). */
export const DEFAULT_REFERENCE = resolve(ROOT, "..", "shared", "bench", "flat-cdktf");

export interface Sample {
  readonly seconds: number;
  /** Peak RSS of the process tree in MB, or undefined without /proc. */
  readonly peakRssMb: number | undefined;
  readonly code: number;
}

/** Runs a command once, measuring wall time and peak RSS of its process tree. */
export function measure(command: string, args: readonly string[], env: NodeJS.ProcessEnv = {}, cwd = ROOT): Promise<Sample> {
  return new Promise((done, fail) => {
    const started = process.hrtime.bigint();
    const child = spawn(command, args, { cwd, env: { ...process.env, CHECKPOINT_DISABLE: "1", ...env }, stdio: "ignore" });
    const sampling = existsSync("/proc/self/stat");
    let peak = 0;
    const timer = setInterval(() => {
      if (child.pid !== undefined) peak = Math.max(peak, treeRssBytes(child.pid));
    }, 10);
    child.on("error", (error) => {
      clearInterval(timer);
      fail(error);
    });
    child.on("exit", (code) => {
      clearInterval(timer);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      done({ seconds, peakRssMb: sampling ? peak / 2 ** 20 : undefined, code: code ?? 1 });
    });
  });
}

/** Resident memory of `root` and all its descendants, from /proc. */
export function treeRssBytes(root: number): number {
  const children = new Map<number, number[]>();
  const rss = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // Fields after the parenthesised command: state ppid ... rss is field 24 (1-based) of the whole line.
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const pid = Number(entry);
      const ppid = Number(fields[1]);
      rss.set(pid, Number(fields[21]) * 4096);
      children.set(ppid, [...(children.get(ppid) ?? []), pid]);
    } catch {
      // The process ended while we looked: it holds no memory any more.
    }
  }
  let total = 0;
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.pop() as number;
    total += rss.get(pid) ?? 0;
    queue.push(...(children.get(pid) ?? []));
  }
  return total;
}

/** Median of a non-empty list. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

interface Row {
  readonly name: string;
  readonly samples: readonly Sample[];
  readonly budget?: { seconds: number; rssMb?: number };
}

function report(rows: readonly Row[]): string {
  const lines = [
    "| measurement | runs | median wall | min | max | peak RSS (tree) | budget |",
    "|---|---|---|---|---|---|---|",
  ];
  for (const { name, samples, budget } of rows) {
    const seconds = samples.map((s) => s.seconds);
    const rss = samples.map((s) => s.peakRssMb).filter((v): v is number => v !== undefined);
    const wall = median(seconds);
    const peak = rss.length > 0 ? Math.max(...rss) : undefined;
    const verdict = budget
      ? `${wall <= budget.seconds ? "within" : "OVER"} ${budget.seconds} s` +
        (budget.rssMb !== undefined && peak !== undefined ? `, ${peak <= budget.rssMb ? "within" : "OVER"} ${budget.rssMb} MB` : "")
      : "reference";
    lines.push(
      `| ${name} | ${samples.length} | ${wall.toFixed(2)} s | ${Math.min(...seconds).toFixed(2)} s | ${Math.max(...seconds).toFixed(2)} s | ` +
        `${peak === undefined ? "n/a" : `${peak.toFixed(0)} MB`} | ${verdict} |`,
    );
  }
  return lines.join("\n");
}

async function repeat(runs: number, command: string, args: (outdir: string) => string[], env: NodeJS.ProcessEnv = {}): Promise<Sample[]> {
  const samples: Sample[] = [];
  for (let i = 0; i < runs; i++) {
    const outdir = join(mkdtempSync(join(tmpdir(), "medicare-hub-bench-")), "cdktf.out");
    const sample = await measure(command, args(outdir), { CDKTF_OUTDIR: outdir, ...env });
    rmSync(join(outdir, ".."), { recursive: true, force: true });
    if (sample.code !== 0) throw new Error(`${command} ${args(outdir).join(" ")} exited ${sample.code}; run it by hand to see why`);
    samples.push(sample);
  }
  return samples;
}

export const BENCH_USAGE =
  "npm run bench -- [--runs N] [--cli] [--tests] [--baseline REF] [--growth] [--reference DIR]   (medians of N runs, default 7; --cli adds the cdktf CLI, --tests npm test, --growth 10 environments against 2; DIR: the flat reference stack)";

/**
 * The reference stack copied under .bench/ (gitignored) so it resolves this repository's node_modules (the same cdktf,
 * provider and constructs versions), or undefined with how to get it.
 */
function stageReference(dir: string): string | undefined {
  if (!existsSync(join(dir, "main.ts"))) return undefined;
  const staged = join(ROOT, ".bench", "flat-cdktf");
  rmSync(staged, { recursive: true, force: true });
  mkdirSync(staged, { recursive: true });
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".ts"))) copyFileSync(join(dir, file), join(staged, file));
  return staged;
}

/** Our synth and the reference, alternately: A B A B ..., so a machine that slows down slows both. */
async function alternate(runs: number, ours: (out: string) => string[], reference: string): Promise<{ ours: Sample[]; reference: Sample[] }> {
  const result = { ours: [] as Sample[], reference: [] as Sample[] };
  for (let i = 0; i < runs; i++) {
    result.ours.push(...(await repeat(1, NODE_TSX[0], ours)));
    rmSync(join(reference, "cdktf.out"), { recursive: true, force: true });
    const sample = await measure(NODE_TSX[0], [...NODE_TSX.slice(1), join(reference, "main.ts")], { CDKTF_OUTDIR: join(reference, "cdktf.out") }, reference);
    if (sample.code !== 0) throw new Error(`the reference stack (${reference}/main.ts) exited ${sample.code}; run it by hand to see why`);
    result.reference.push(sample);
  }
  return result;
}

async function main(line: CommandLine): Promise<number> {
  const runs = Number(flag(line, "runs", "7"));
  if (!Number.isInteger(runs) || runs < 1) throw new UsageError(`--runs takes a whole number ≥ 1, got "${flag(line, "runs")}"\nusage: ${BENCH_USAGE}`);
  const budget = { seconds: BUDGETS.synthMedianSeconds, rssMb: BUDGETS.synthPeakRssMb };
  console.log(`Benchmarking synth of all stacks, ${runs} runs each (node ${process.version}, ${process.platform})...`);
  const synthJson = (out: string) => [...NODE_TSX.slice(1), "tools/synth.ts", "--outdir", out];
  const referenceDir = stageReference(flag(line, "reference", DEFAULT_REFERENCE) as string);
  const rows: Row[] = [];
  let ratio: number | undefined;
  if (referenceDir) {
    const timed = await alternate(runs, synthJson, referenceDir);
    rows.push({ name: "npm run synth (JSON)", samples: timed.ours, budget }, { name: "flat reference stack (97 resources, cdktf floor)", samples: timed.reference });
    ratio = median(timed.ours.map((s) => s.seconds)) / median(timed.reference.map((s) => s.seconds));
  } else {
    console.error(`no reference stack at ${flag(line, "reference", DEFAULT_REFERENCE)}: pass --reference DIR (a copy of shared/bench/flat-cdktf) to time the ratio`);
    rows.push({ name: "npm run synth (JSON)", samples: await repeat(runs, NODE_TSX[0], synthJson), budget });
  }
  rows.push({ name: "npm run synth:hcl (HCL + fmt)", samples: await repeat(runs, NODE_TSX[0], (out) => [...NODE_TSX.slice(1), "tools/synth.ts", "--hcl", "--outdir", out]), budget });
  if (line.values.cli) {
    rows.push({ name: "cdktf synth (CLI, reference)", samples: await repeat(runs, CDKTF, (out) => ["synth", "--output", out]) });
  }
  let growth: number | undefined;
  if (line.values.growth) {
    const probe = (count: number) => [...NODE_TSX.slice(1), "tools/bench-growth.ts", "--environments", String(count)];
    const two: Sample[] = [];
    const ten: Sample[] = [];
    for (let i = 0; i < runs; i++) {
      two.push(...(await repeat(1, NODE_TSX[0], () => probe(2))));
      ten.push(...(await repeat(1, NODE_TSX[0], () => probe(10))));
    }
    rows.push({ name: "synth, 2 environments (growth probe)", samples: two }, { name: "synth, 10 environments (growth probe)", samples: ten });
    growth = median(ten.map((s) => s.seconds)) / median(two.map((s) => s.seconds));
  }
  let suiteRatio: number | undefined;
  const baseline = flag(line, "baseline");
  if (baseline) {
    const timed = await testsAgainst(baseline, runs);
    rows.push(
      { name: `npm test (this checkout, exit ${timed.ours.map((s) => s.code).join("/")})`, samples: timed.ours, budget: { seconds: BUDGETS.testSeconds } },
      { name: `npm test at ${baseline} (exit ${timed.baseline.map((s) => s.code).join("/")})`, samples: timed.baseline },
    );
    suiteRatio = median(timed.ours.map((s) => s.seconds)) / median(timed.baseline.map((s) => s.seconds));
  } else if (line.values.tests) {
    const sample = await measure("npm", ["test", "--silent"]);
    if (sample.code !== 0) {
      console.error("npm test failed, so its time says little: run it directly to see why (offline? set TF_PLUGIN_MIRROR).");
    }
    rows.push({ name: `npm test (exit ${sample.code})`, samples: [sample], budget: { seconds: BUDGETS.testSeconds } });
  }
  console.log(report(rows));
  const missed = rows.filter((row) => row.budget && overBudget(row));
  if (ratio !== undefined) {
    const within = ratio <= BUDGETS.synthToReferenceRatio;
    console.log(`\nsynth / flat reference (medians, timed alternately): ${ratio.toFixed(2)} (budget ≤ ${BUDGETS.synthToReferenceRatio}: ${within ? "within" : "OVER"})`);
    if (!within) missed.push({ name: "synth / reference ratio", samples: [] });
  }
  if (suiteRatio !== undefined) console.log(`npm test / npm test at ${baseline} (medians, timed alternately): ${suiteRatio.toFixed(2)}`);
  if (growth !== undefined) {
    const within = growth <= BUDGETS.tenEnvironmentGrowth;
    console.log(`synth of 10 environments / synth of 2 (medians, whole processes): ${growth.toFixed(2)} (budget ≤ ${BUDGETS.tenEnvironmentGrowth}: ${within ? "within" : "OVER"})`);
    if (!within) missed.push({ name: "10-environment growth", samples: [] });
  }
  if (missed.length > 0) console.error(`over budget: ${missed.map((row) => row.name).join(", ")}`);
  return missed.length > 0 ? 1 : 0;
}

/**
 * `npm test` here and at `ref` (a throwaway `git worktree`, node_modules shared by a link), alternately: A B A B, so
 * a machine that slows down slows both. The worktree is removed afterwards.
 */
async function testsAgainst(ref: string, runs: number): Promise<{ ours: Sample[]; baseline: Sample[] }> {
  const tree = mkdtempSync(join(tmpdir(), "medicare-hub-baseline-"));
  rmSync(tree, { recursive: true, force: true });
  const git = (args: string[]) => measure("git", args);
  if ((await git(["worktree", "add", "--detach", tree, ref])).code !== 0) throw new UsageError(`--baseline ${ref}: git worktree add failed (is it a commit of this repository?)\nusage: ${BENCH_USAGE}`);
  try {
    symlinkSync(join(ROOT, "node_modules"), join(tree, "node_modules"), "dir");
    const result = { ours: [] as Sample[], baseline: [] as Sample[] };
    for (let i = 0; i < runs; i++) {
      result.ours.push(await measure("npm", ["test", "--silent"]));
      result.baseline.push(await measure("npm", ["test", "--silent"], {}, tree));
    }
    return result;
  } finally {
    await git(["worktree", "remove", "--force", tree]);
  }
}

function overBudget(row: Row): boolean {
  const wall = median(row.samples.map((s) => s.seconds));
  const rss = row.samples.map((s) => s.peakRssMb).filter((v): v is number => v !== undefined);
  return wall > (row.budget?.seconds ?? Infinity) || (row.budget?.rssMb !== undefined && rss.length > 0 && Math.max(...rss) > row.budget.rssMb);
}

if (require.main === module) {
  runCommand({ usage: BENCH_USAGE, options: { runs: { type: "string" }, cli: { type: "boolean" }, tests: { type: "boolean" }, baseline: { type: "string" }, growth: { type: "boolean" }, reference: { type: "string" } } }, main);
}
