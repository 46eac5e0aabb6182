/**
 * `npm run bench`: how long synth takes and how much memory it needs, as figures against the project's budgets.
 * It never fails on a slow run (a busy machine is not a regression); read the numbers, compare them over time.
 *
 * Usage: tsx tools/bench.ts [--runs N] [--cli] [--tests]
 *   --runs N   runs per measurement (default 7; the median is reported)
 *   --cli      also measure `cdktf synth` through the cdktf CLI, for reference
 *   --tests    also time one full `npm test`
 *
 * Peak RSS is the largest sum of resident memory over the whole process tree (node, tsx's esbuild service, and
 * terraform fmt for HCL), sampled from /proc every 10 ms; where /proc does not exist it is reported as n/a.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
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
export const BUDGETS = { synthMedianSeconds: 2.5, synthPeakRssMb: 300, testSeconds: 90 } as const;

export interface Sample {
  readonly seconds: number;
  /** Peak RSS of the process tree in MB, or undefined without /proc. */
  readonly peakRssMb: number | undefined;
  readonly code: number;
}

/** Runs a command once, measuring wall time and peak RSS of its process tree. */
export function measure(command: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<Sample> {
  return new Promise((done, fail) => {
    const started = process.hrtime.bigint();
    const child = spawn(command, args, { cwd: ROOT, env: { ...process.env, CHECKPOINT_DISABLE: "1", ...env }, stdio: "ignore" });
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

export const BENCH_USAGE = "npm run bench -- [--runs N] [--cli] [--tests]   (medians of N runs, default 7; --cli adds the cdktf CLI, --tests npm test)";

async function main(line: CommandLine): Promise<number> {
  const runs = Number(flag(line, "runs", "7"));
  if (!Number.isInteger(runs) || runs < 1) throw new UsageError(`--runs takes a whole number ≥ 1, got "${flag(line, "runs")}"\nusage: ${BENCH_USAGE}`);
  const budget = { seconds: BUDGETS.synthMedianSeconds, rssMb: BUDGETS.synthPeakRssMb };
  console.log(`Benchmarking synth of all stacks, ${runs} runs each (node ${process.version}, ${process.platform})...`);
  const rows: Row[] = [
    { name: "npm run synth (JSON)", samples: await repeat(runs, NODE_TSX[0], (out) => [...NODE_TSX.slice(1), "tools/synth.ts", "--outdir", out]), budget },
    { name: "npm run synth:hcl (HCL + fmt)", samples: await repeat(runs, NODE_TSX[0], (out) => [...NODE_TSX.slice(1), "tools/synth.ts", "--hcl", "--outdir", out]), budget },
  ];
  if (line.values.cli) {
    rows.push({ name: "cdktf synth (CLI, reference)", samples: await repeat(runs, CDKTF, (out) => ["synth", "--output", out]) });
  }
  if (line.values.tests) {
    const sample = await measure("npm", ["test", "--silent"]);
    if (sample.code !== 0) {
      console.error("npm test failed, so its time says little: run it directly to see why (offline? set TF_PLUGIN_MIRROR).");
    }
    rows.push({ name: `npm test (exit ${sample.code})`, samples: [sample], budget: { seconds: BUDGETS.testSeconds } });
  }
  console.log(report(rows));
  return 0;
}

if (require.main === module) runCommand({ usage: BENCH_USAGE, options: { runs: { type: "string" }, cli: { type: "boolean" }, tests: { type: "boolean" } } }, main);
