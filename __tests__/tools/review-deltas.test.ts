/**
 * The cost and guardrail deltas a reviewer reads (issue 17), end to end from two synthesized outputs: the committed
 * configuration, and one with prod's maxCapacity 9 → 12 and its WAF off (__tests__/support/review-change.ts says why
 * the "after" output is synthesized with a suppression of MH-ELB-7). Then the commands as processes, their refusals of
 * bad input, the git-ref base built in a throwaway worktree, and docs/ci.md's example comment.
 */
import { execFile, execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync, symlinkSync, cpSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { StackView } from "../../constructs/policy/stack-view";
import { SUPPRESSIONS } from "../../constructs/policy/suppressions";
import { UsageError } from "../../tools/cli";
import { compareCost, estimate } from "../../tools/cost";
import { PRICES } from "../../tools/data/prices";
import { readBase, registeredWorktrees } from "../../tools/base-output";
import { comparePolicy, policyDeltaMarkdown } from "../../tools/policy-delta";
import { exitCode } from "../../tools/policy";
import { reviewDeltas, summarizePlan } from "../../tools/plan-summary";
import { readSynthOutput, type SynthOutput } from "../../tools/synthesized";
import {
  EXAMPLE_OVERRIDE,
  EXAMPLE_SUPPRESSION,
  EXAMPLE_SUPPRESSIONS,
  REVIEW_EXAMPLE_DOC,
  REVIEW_EXAMPLE_MARKERS,
  UPDATE_REVIEW_EXAMPLE_ENV,
  reviewExampleSection,
  synthesizeWithOverride,
} from "../support/review-change";
import { synthApp } from "../support/synth";

const ROOT = resolve(__dirname, "../..");
const PROD = "medicare-hub-prod";
const DEV = "medicare-hub-dev";

/** The committed configuration's synth (shared by the run) and the example change's. */
let baseDir: string;
let headDir: string;
let base: SynthOutput;
let head: SynthOutput;

beforeAll(() => {
  baseDir = synthApp().outdir;
  headDir = synthesizeWithOverride(EXAMPLE_OVERRIDE, EXAMPLE_SUPPRESSIONS);
  base = readSynthOutput(baseDir, "base");
  head = readSynthOutput(headDir, "head");
});

const stack = (output: SynthOutput, id: string) => output.stacks.find((s) => s.stackId === id) as StackView;

describe("prod's maxCapacity 9 → 12 and WAF off, from two synthesized outputs", () => {
  test("the change is in the head's Terraform: the groups may grow to 12, and the web ACLs and their associations are gone, in both regions", () => {
    const groups = (output: SynthOutput) => stack(output, PROD).resources("aws_autoscaling_group").map((g) => g.values);
    // The primary's group and the warm standby's (built from the same app settings).
    expect(groups(base).map((g) => [g.name, g.max_size, g.desired_capacity])).toEqual([["medicare-hub-prod-app", 9, 3], ["medicare-hub-prod-dr-app", 9, 3]]);
    expect(groups(head).map((g) => [g.name, g.max_size, g.desired_capacity])).toEqual([["medicare-hub-prod-app", 12, 3], ["medicare-hub-prod-dr-app", 12, 3]]);
    for (const type of ["aws_wafv2_web_acl", "aws_wafv2_web_acl_association"]) {
      expect({ type, base: stack(base, PROD).resources(type).length, head: stack(head, PROD).resources(type).length }).toEqual({ type, base: 2, head: 0 });
    }
  });

  test("cost: prod loses the WAF lines of both regions and its four WAF alarms, $18.40 a month; the larger maximum costs nothing at desired capacity; dev is unchanged", () => {
    // The unit prices the difference is made of (tools/data/prices.ts): a change there shows up here first.
    expect([PRICES.wafWebAcl.usd, PRICES.wafRule.usd, PRICES.cloudwatchAlarm.usd]).toEqual([5, 1, 0.1]);
    const delta = compareCost(base, head);
    expect(delta.environments.map((e) => e.environment)).toEqual(["dev", "prod"]);
    const [dev, prod] = delta.environments;
    expect({ difference: dev.differenceUsd, lines: dev.lines }).toEqual({ difference: 0, lines: [] });

    // 2 web ACLs (the primary's, the standby's) × ($5 + 4 rules × $1) + the primary's 4 WAF alarms × $0.10.
    expect(prod.differenceUsd).toBe(-18.4);
    expect(prod.afterUsd).toBeCloseTo(prod.beforeUsd - 18.4, 2);
    expect(prod.lines.map((l) => ({ layer: l.layer, item: l.item, before: l.before, after: l.after, difference: l.differenceUsd }))).toEqual([
      { layer: "load-balancer", item: "WAF web ACLs", before: { quantity: 1, monthlyUsd: 5 }, after: undefined, difference: -5 },
      { layer: "standby", item: "WAF web ACLs", before: { quantity: 1, monthlyUsd: 5 }, after: undefined, difference: -5 },
      { layer: "load-balancer", item: "WAF rules", before: { quantity: 4, monthlyUsd: 4 }, after: undefined, difference: -4 },
      { layer: "standby", item: "WAF rules", before: { quantity: 4, monthlyUsd: 4 }, after: undefined, difference: -4 },
      { layer: "monitoring", item: "CloudWatch alarms", before: expect.anything(), after: expect.anything(), difference: -0.4 },
    ]);
    const alarms = prod.lines[4];
    expect((alarms.before?.quantity ?? 0) - (alarms.after?.quantity ?? 0)).toBe(4);
    expect(prod.layers.filter((l) => l.differenceUsd !== 0).map((l) => [l.layer, l.differenceUsd])).toEqual([
      ["load-balancer", -9],
      ["standby", -9],
      ["monitoring", -0.4],
    ]);
    // The head's own estimate has no WAF line at all, and prices instances at desired capacity (3), not the maximum.
    const after = estimate(stack(head, PROD));
    expect(after.lines.filter((l) => l.item.startsWith("WAF"))).toEqual([]);
    expect(after.lines.filter((l) => l.item.startsWith("EC2")).map((l) => [l.layer, l.quantity])).toEqual([["app-tier", 3], ["standby", 3]]);
  });

  test("guardrails, judged by a base branch that carries the suppression: MH-ELB-7 newly suppressed in prod, called out first, and nothing else", () => {
    const { delta, headResults } = comparePolicy(base, head, EXAMPLE_SUPPRESSIONS);
    expect(delta.changes).toEqual([
      {
        kind: "newly-suppressed",
        stackId: PROD,
        rule: "MH-ELB-7",
        title: "Internet-facing load balancers are protected by an AWS WAF web ACL",
        severity: "error",
        before: "pass",
        after: "suppressed (2)",
        addresses: ["aws_lb.load-balancer_alb", "aws_lb.standby_load-balancer_alb"],
        reasons: [EXAMPLE_SUPPRESSION.reason],
      },
    ]);
    expect(exitCode(headResults)).toBe(0);
    const markdown = policyDeltaMarkdown(delta).split("\n");
    const callout = markdown.findIndex((l) => l.startsWith("> - **newly suppressed**: `medicare-hub-prod` MH-ELB-7 (error)"));
    expect(markdown[callout - 1]).toBe("> **Review first: 1 newly suppressed.**");
    expect(callout).toBeGreaterThan(0);
    expect(callout).toBeLessThan(markdown.indexOf("| change | stack | rule | before | after | addresses |"));
  });

  test("judged by a base branch without it (the committed suppressions), the same change is newly failing: what vet refuses", () => {
    const { delta, headResults } = comparePolicy(base, head, SUPPRESSIONS);
    expect(delta.changes.map(({ kind, stackId, rule, before, after, addresses, reasons, fix }) => ({ kind, stackId, rule, before, after, addresses, reasons, fix }))).toEqual([
      {
        kind: "newly-failing",
        stackId: PROD,
        rule: "MH-ELB-7",
        before: "pass",
        after: "FAIL (2)",
        addresses: ["aws_lb.load-balancer_alb", "aws_lb.standby_load-balancer_alb"],
        reasons: ["no WAF web ACL"],
        fix: "Set loadBalancer.waf to true.",
      },
    ]);
    expect(exitCode(headResults)).toBe(1);
  });

  test("the plan summary embeds both for the environment it is about: guardrail changes, then the cost of each changed layer and line", async () => {
    const deltas = await reviewDeltas(baseDir, headDir, "prod", EXAMPLE_SUPPRESSIONS);
    const summary = summarizePlan({ resource_changes: [] }, { title: PROD, ...deltas }).split("\n");
    const at = (line: string) => summary.indexOf(line);
    expect(at("### Guardrail changes: base → head")).toBeGreaterThan(at("No changes."));
    expect(at("### Estimated monthly cost: base → head")).toBeGreaterThan(at("### Guardrail changes: base → head"));
    expect(summary.find((l) => l.startsWith("#### "))).toMatch(/^#### prod: \$\d+\.\d\d → \$\d+\.\d\d per month \(-\$18\.40\)$/);
    expect(summary.filter((l) => l.startsWith("#### dev"))).toEqual([]);
    // Only the layers that changed, then the lines.
    expect(summary.filter((l) => /^\| (load-balancer|monitoring|app-tier|network) \| \$/.test(l)).map((l) => l.split(" | ")[0])).toEqual(["| load-balancer", "| monitoring"]);
    expect(summary).toContain("| standby | WAF web ACLs | 1 ($5.00) | — | -$5.00 |");
    expect(summary).toContain("| load-balancer | WAF web ACLs | 1 ($5.00) | — | -$5.00 |");
    expect(summary).toContain("> - **newly suppressed**: `medicare-hub-prod` MH-ELB-7 (error) Internet-facing load balancers are protected by an AWS WAF web ACL: pass → suppressed (2), at `aws_lb.load-balancer_alb`, `aws_lb.standby_load-balancer_alb`: accepted by a suppression: \"" + EXAMPLE_SUPPRESSION.reason + "\"");
  });
});

describe("a delta lists newly failing results, then newly suppressed, then fixed, then other changes", () => {
  test("dev gets its recovery region, prod loses its heartbeat, and dev's Route 53 health checks are removed", () => {
    // Real configuration changes: prod without heartbeat fails MH-OBS-5 (a warning, so synth goes on); dev's recovery
    // region adds keys there that dev's MH-KMS-2 suppression accepts, and ends dev's MH-DR-1 suppression.
    const changed = readSynthOutput(synthesizeWithOverride({ environments: { prod: { alerts: { heartbeatUrl: null } }, dev: { recovery: { strategy: "backup-and-restore", region: "us-west-2" } } } }), "head");
    // No setting removes dev's health checks: the synthesized JSON is edited, so MH-DNS-1 stops applying.
    const edited: SynthOutput = {
      label: "edited",
      stacks: changed.stacks.map((s) => {
        if (s.stackId !== DEV) return s;
        const tf = structuredClone(s.tf) as any;
        delete tf.resource.aws_route53_health_check;
        for (const [name, alarm] of Object.entries<any>(tf.resource.aws_cloudwatch_metric_alarm)) if (alarm.namespace === "AWS/Route53") delete tf.resource.aws_cloudwatch_metric_alarm[name];
        return new StackView(s.stackId, tf);
      }),
    };
    const { delta } = comparePolicy(base, edited, SUPPRESSIONS);
    expect(delta.changes.map((c) => [c.kind, c.stackId, c.rule, c.before, c.after])).toEqual([
      ["newly-failing", PROD, "MH-OBS-5", "pass", "FAIL (1)"],
      ["newly-suppressed", DEV, "MH-KMS-2", expect.stringMatching(/^suppressed \(\d+\)$/), expect.stringMatching(/^suppressed \(\d+\)$/)],
      ["fixed", DEV, "MH-DR-1", expect.stringMatching(/^suppressed \(\d+\)$/), "pass"],
      ["changed", DEV, "MH-DNS-1", "pass", "n/a"],
    ]);
    const markdown = policyDeltaMarkdown(delta).split("\n");
    const callouts = markdown.filter((l) => l.startsWith("> - "));
    expect(callouts.map((l) => /^> - \*\*([\w ]+)\*\*: `([\w-]+)` ([\w-]+)/.exec(l)?.slice(1))).toEqual([
      ["newly failing", PROD, "MH-OBS-5"],
      ["newly suppressed", DEV, "MH-KMS-2"],
    ]);
    expect(markdown).toContain("> **Review first: 1 newly failing, 1 newly suppressed.**");
    expect(markdown.filter((l) => /^\| (newly|fixed|changed)/.test(l)).map((l) => l.split(" | ")[0])).toEqual(["| newly failing", "| newly suppressed", "| fixed", "| changed"]);
  });
});

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function tool(file: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((done) =>
    execFile(process.execPath, ["--require", "tsx/cjs", file, ...args], { cwd: ROOT, env: { ...process.env, ...env }, timeout: 90_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) =>
      done({ code: error ? (typeof error.code === "number" ? error.code : -1) : 0, stdout, stderr }),
    ),
  );
}

/** Temporary directories the base builder left behind in this run's temporary root. */
const leftovers = () => readdirSync(tmpdir()).filter((name) => name.startsWith("medicare-hub-base-"));

describe("npm run cost / policy -- --compare, as processes", () => {
  test("cost prints before, after and the difference per environment and layer; --format json is the same delta", async () => {
    const [markdown, json] = await Promise.all([tool("tools/cost.ts", ["--compare", baseDir, "--from", headDir]), tool("tools/cost.ts", ["--compare", baseDir, "--from", headDir, "--format", "json"])]);
    expect([markdown.code, json.code]).toEqual([0, 0]);
    expect(markdown.stdout).toMatch(/^## prod: \$\d+\.\d\d → \$\d+\.\d\d per month \(-\$18\.40\)$/m);
    expect(markdown.stdout).toMatch(/^## dev: \$(\d+\.\d\d) → \$\1 per month \(\$0\.00\)$/m);
    expect(markdown.stdout).toContain("| load-balancer | WAF rules | 4 ($4.00) | — | -$4.00 |");
    expect(markdown.stdout).toMatch(/^\| app-tier \| \$(\d+\.\d\d) \| \$\1 \| \$0\.00 \|$/m);
    expect(JSON.parse(json.stdout)).toEqual(JSON.parse(JSON.stringify(compareCost(readSynthOutput(baseDir, "--compare"), readSynthOutput(headDir, "--from")))));
  });

  test("the workflow's layout is read too: <stack>/cdk.tf.json beside policy-report.md, as vet writes the head", async () => {
    const vetted = mkdtempSync(join(tmpdir(), "medicare-hub-vetted-"));
    for (const id of [DEV, PROD]) {
      mkdirSync(join(vetted, id));
      cpSync(join(headDir, "stacks", id, "cdk.tf.json"), join(vetted, id, "cdk.tf.json"));
    }
    writeFileSync(join(vetted, "policy-report.md"), "# MediCare Hub guardrails\n");
    expect(readSynthOutput(vetted, "--head").stacks.map((s) => s.stackId)).toEqual([DEV, PROD]);
    const fromVetted = await reviewDeltas(baseDir, vetted, "prod", EXAMPLE_SUPPRESSIONS);
    const comment = (deltas: Awaited<ReturnType<typeof reviewDeltas>>) => summarizePlan({ resource_changes: [] }, deltas);
    expect(comment(fromVetted)).toBe(comment(await reviewDeltas(baseDir, headDir, "prod", EXAMPLE_SUPPRESSIONS)));
    expect(comment(fromVetted)).toContain("| load-balancer | WAF web ACLs | 1 ($5.00) | — | -$5.00 |");
    // Judged without the state stack the vetted stacks lack: prod's comment names no other stack.
    expect(fromVetted.guardrailChanges?.onlyInBase).toEqual([]);
  });

  test("a head this checkout cannot price still gets its guardrail changes; the cost section says why it is missing", async () => {
    const unpriced = mkdtempSync(join(tmpdir(), "medicare-hub-unpriced-"));
    for (const id of [DEV, PROD]) {
      const tf = JSON.parse(readFileSync(join(headDir, "stacks", id, "cdk.tf.json"), "utf8"));
      if (id === PROD) for (const template of Object.values<any>(tf.resource.aws_launch_template)) template.instance_type = "t3.xlarge";
      mkdirSync(join(unpriced, id));
      writeFileSync(join(unpriced, id, "cdk.tf.json"), JSON.stringify(tf));
    }
    const summary = summarizePlan({ resource_changes: [] }, await reviewDeltas(baseDir, unpriced, "prod", EXAMPLE_SUPPRESSIONS));
    expect(summary).toContain("### Estimated monthly cost: base → head\n\nNot estimated: no price for instance type t3.xlarge: add it to tools/data/prices.ts\n");
    expect(summary).toContain("> - **newly suppressed**: `medicare-hub-prod` MH-ELB-7");
  });

  test("policy lists the change with the committed suppressions and exits 1 on the head's unsuppressed failure", async () => {
    const run = await tool("tools/policy.ts", ["--compare", baseDir, "--from", headDir, "--format", "json"]);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout).changes.map((c: any) => [c.kind, c.stackId, c.rule])).toEqual([["newly-failing", PROD, "MH-ELB-7"]]);
  });

  test.each([
    ["a missing directory", (dir: string) => join(dir, "nowhere"), /^--compare \S+\/nowhere: no such directory, and not a git ref of this repository\. Give a synth output directory \(npm run synth -- --outdir DIR writes one\) or a commit, branch or tag/m],
    ["a file", (dir: string) => writeAndReturn(join(dir, "plan.json"), "{}"), /^--compare \S+\/plan\.json: a file, not a synth output directory; write one with: npm run synth -- --outdir DIR/m],
    ["an empty directory", (dir: string) => mkdirAndReturn(join(dir, "empty")), /^--compare \S+\/empty: not a synth output \(no stacks\/<stack>\/cdk\.tf\.json in it\); write one with: npm run synth -- --outdir DIR/m],
    ["an HCL synth", (dir: string) => writeAndReturn(join(mkdirAndReturn(join(dir, "hcl", "stacks", PROD)), "cdk.tf"), "", join(dir, "hcl")), /^--compare \S+\/hcl: not a synth output \(it holds HCL \(cdk\.tf\), not JSON\)/m],
    ["an unknown ref", () => "no-such-branch-of-medicare-hub", /^--compare no-such-branch-of-medicare-hub: no such directory, and not a git ref of this repository/m],
  ])("refuses %s as the base: exit 2, naming the argument and the fix", async (_what, make, message) => {
    const argument = make(mkdtempSync(join(tmpdir(), "medicare-hub-bad-base-")));
    const [cost, policy] = await Promise.all([tool("tools/cost.ts", ["--compare", argument, "--from", headDir]), tool("tools/policy.ts", ["--compare", argument, "--from", headDir])]);
    expect([cost.code, policy.code]).toEqual([2, 2]);
    expect(cost.stderr).toMatch(message);
    expect(policy.stderr).toMatch(message);
  });

  test("a git ref is synthesized by its own code in a worktree, removed afterwards", async () => {
    const worktrees = registeredWorktrees();
    const sha = execFileSync("git", ["rev-parse", "HEAD"], { cwd: ROOT, encoding: "utf8" }).trim();
    const run = await tool("tools/cost.ts", ["--compare", "HEAD", "--from", baseDir, "--format", "json"]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const delta = JSON.parse(run.stdout);
    expect(delta.base).toBe(`HEAD (${sha.slice(0, 7)})`);
    expect(delta.environments.map((e: any) => [e.environment, e.inBase, e.inHead])).toEqual([
      ["dev", true, true],
      ["prod", true, true],
    ]);
    expect(registeredWorktrees()).toEqual(worktrees);
    expect(leftovers()).toEqual([]);
  }, 90_000);
});

function writeAndReturn(file: string, text: string, returned = file): string {
  writeFileSync(file, text);
  return returned;
}

function mkdirAndReturn(dir: string): string {
  mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * A scratch repository whose commits each carry a stand-in tools/synth.ts: proves which commit's code builds the base,
 * and that the worktree goes whatever that code does.
 */
describe("the base built from a git ref, in a scratch repository", () => {
  let repository: string;
  const git = (...args: string[]) => execFileSync("git", args, { cwd: repository, encoding: "utf8", env: { ...process.env, GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@example.test", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@example.test" } }).trim();
  /** A tools/synth.ts that writes one prod stack recording `marker`, its working directory and its override file. */
  const stubSynth = (marker: string, exit = 0) => `
    const { mkdirSync, writeFileSync } = require("node:fs");
    if (${exit}) { console.error("stand-in synth failed on purpose"); process.exit(${exit}); }
    mkdirSync("cdktf.out/stacks/medicare-hub-prod", { recursive: true });
    const tags = { Environment: "prod" };
    writeFileSync("cdktf.out/stacks/medicare-hub-prod/cdk.tf.json", JSON.stringify({
      provider: { aws: [{ region: "us-east-2", default_tags: [{ tags }] }] },
      resource: { terraform_data: { marker: { input: { marker: ${JSON.stringify(marker)}, cwd: process.cwd(), overrides: process.env.MEDICARE_HUB_CONFIG_OVERRIDES } } } },
    }));`;
  const commit = (message: string, files: Record<string, string>) => {
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(join(repository, path, ".."), { recursive: true });
      writeFileSync(join(repository, path), text);
    }
    git("add", "-A");
    git("commit", "--quiet", "-m", message);
    return git("rev-parse", "HEAD");
  };
  const markerOf = (output: SynthOutput) => output.stacks[0].resources("terraform_data")[0].values.input;

  beforeAll(() => {
    repository = mkdtempSync(join(tmpdir(), "medicare-hub-scratch-repo-"));
    git("init", "--quiet");
    // tsx, which the ref's synth is started with, comes through node_modules as in a checkout.
    symlinkSync(join(ROOT, "node_modules"), join(repository, "node_modules"), "dir");
    writeFileSync(join(repository, ".gitignore"), "node_modules\ncdktf.out\n");
    cpSync(join(ROOT, "tsconfig.json"), join(repository, "tsconfig.json"));
  });

  test("the ref's own synth builds it, not the checked-out one; the override file goes by absolute path; nothing is left", async () => {
    const first = commit("first", { "tools/synth.ts": stubSynth("first") });
    commit("second", { "tools/synth.ts": stubSynth("second") });
    const output = await readBase(first.slice(0, 10), "--compare", { repository, env: { ...process.env, MEDICARE_HUB_CONFIG_OVERRIDES: "ops/acme.json" } });
    expect(output.label).toBe(first.slice(0, 7));
    const recorded = markerOf(output);
    expect(recorded.marker).toBe("first");
    expect(recorded.cwd).toMatch(/\/medicare-hub-base-[^/]+\/worktree$/);
    expect(recorded.overrides).toBe(resolve("ops/acme.json"));
    expect(registeredWorktrees(repository)).toEqual([repository]);
    expect(leftovers()).toEqual([]);
    expect((await readBase("HEAD", "--compare", { repository })).label).toMatch(/^HEAD \([0-9a-f]{7}\)$/);
  });

  test("a failing synth is an error with its output, and the worktree is removed all the same", async () => {
    commit("broken", { "tools/synth.ts": stubSynth("broken", 3) });
    await expect(readBase("HEAD", "--compare", { repository })).rejects.toThrow(/^--compare HEAD \([0-9a-f]{7}\): its tools\/synth\.ts failed \(exit code 3\) in a worktree of that commit:\nstand-in synth failed on purpose$/);
    expect(registeredWorktrees(repository)).toEqual([repository]);
    expect(leftovers()).toEqual([]);
  });

  test("a commit without tools/synth.ts, and a name that is no ref, are usage errors", async () => {
    commit("no synth", { "tools/synth.ts": "" });
    git("rm", "--quiet", "tools/synth.ts");
    git("commit", "--quiet", "-m", "removed");
    await expect(readBase("HEAD", "--compare", { repository })).rejects.toThrow(new UsageError(`--compare HEAD: commit ${git("rev-parse", "--short=7", "HEAD")} has no tools/synth.ts to synthesize it with; synthesize that commit yourself and give the directory (--compare DIR)`));
    await expect(readBase("-x", "--compare", { repository })).rejects.toBeInstanceOf(UsageError);
    await expect(readBase("nope", "--compare", { repository })).rejects.toBeInstanceOf(UsageError);
    expect(registeredWorktrees(repository)).toEqual([repository]);
  });
});

test("docs/ci.md's example comment is what plan:summary renders for the example change", async () => {
  const generated = await reviewExampleSection(baseDir, headDir);
  const path = REVIEW_EXAMPLE_DOC;
  const text = readFileSync(path, "utf8");
  const [open, close] = REVIEW_EXAMPLE_MARKERS;
  const start = text.indexOf(open);
  const end = text.indexOf(close) + close.length;
  if (process.env[UPDATE_REVIEW_EXAMPLE_ENV] === "1" && start >= 0 && end > start) writeFileSync(path, text.slice(0, start) + generated + text.slice(end));
  const current = readFileSync(path, "utf8");
  const section = current.includes(open) ? current.slice(current.indexOf(open), current.indexOf(close) + close.length) : `(missing: add ${open} ${close} to docs/ci.md)`;
  expect(section).toBe(generated);
  // What the example shows a reviewer, whatever the prices: the WAF log group's deletion, the newly suppressed rule, the cost.
  expect(generated).toContain("> - `aws_cloudwatch_log_group.load-balancer_waf_log-group` (aws_cloudwatch_log_group): **delete**");
  expect(generated).toContain("> **Review first: 1 newly suppressed.**");
  expect(generated).toMatch(/^#### prod: .* \(-\$18\.40\)$/m);
});
