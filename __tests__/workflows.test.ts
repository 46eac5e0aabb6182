/**
 * The GitHub Actions workflows users copy, parsed as YAML and checked for what they promise, assuming every pull
 * request is hostile: its code never runs where AWS credentials exist, credentials come only after an approval, the
 * summary reviewers read is built by the base branch's tools, and production applies exactly the plan it showed.
 */
import { execFile } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { ENVIRONMENT_NAMES } from "../config/schema";
import { DEPLOY_BRANCH, DEPLOY_JOB_WORKFLOW, DRIFT_WORKFLOW, EXAMPLE_REPOSITORY, GITHUB_ENVIRONMENTS, PLAN_WORKFLOW, PR_PLAN_ENVIRONMENT, PR_PLAN_WORKFLOW, prPlanCall } from "../tools/ci-roles";
import { DRIFT_ACTIONS } from "../tools/drift-report";
import { APPROVAL_LABEL } from "../tools/plan-check";
import { describeWithTool } from "./support/required-tool";

const ROOT = join(__dirname, "..");
const DIR = join(ROOT, ".github/workflows");
const FILES = readdirSync(DIR).filter((f) => f.endsWith(".yml")).sort();
const text = (name: string) => readFileSync(join(DIR, name), "utf8");
const workflow = (name: string): any => parse(text(name));

const steps = (job: any): any[] => job.steps ?? [];
const runs = (job: any): string => steps(job).map((s) => s.run ?? "").join("\n");
const uses = (job: any): string[] => steps(job).map((s) => s.uses).filter(Boolean);
const action = (step: any): string => String(step.uses ?? "").split("@")[0];
const stepsUsing = (job: any, name: string) => steps(job).filter((s) => action(s) === name);
const needsOf = (job: any): string[] => [job.needs ?? []].flat();
const holdsOidc = (job: any) => job.permissions?.["id-token"] === "write";
const BASE_REF = "${{ github.event.pull_request.base.sha }}";
const checksOutBase = (job: any) => stepsUsing(job, "actions/checkout").length > 0 && stepsUsing(job, "actions/checkout").every((s) => s.with?.ref === BASE_REF);
const checksOutEventCode = (job: any) => stepsUsing(job, "actions/checkout").some((s) => s.with?.ref !== BASE_REF);

/** Every job `id` waits for, directly or through other jobs. */
function upstream(wf: any, id: string, seen = new Set<string>()): Set<string> {
  for (const need of needsOf(wf.jobs[id])) {
    if (!seen.has(need)) {
      seen.add(need);
      upstream(wf, need, seen);
    }
  }
  return seen;
}

/** A reusable workflow of this repository called at the default branch: `<owner>/<repo>/.github/workflows/<file>@main`. */
const PINNED_CALL = new RegExp(`^[\\w.-]+/[\\w.-]+/\\.github/workflows/[\\w-]+\\.yml@${DEPLOY_BRANCH}$`);

/** `${{ needs.<job>.outputs.<name> }}` → [job, name]. */
const needsOutput = (value: unknown) => /^\$\{\{ needs\.([\w-]+)\.outputs\.([\w-]+) \}\}$/.exec(String(value))?.slice(1) ?? [];

const SHELLCHECK = { binary: "shellcheck", requireVariable: "REQUIRE_SHELLCHECK", installHint: "Install it (Debian: apt-get install shellcheck)" };

/** ShellCheck's findings (all severities) on `script` as bash, which runs a step without `shell:`; "" when clean. */
function shellcheck(script: string): Promise<string> {
  return new Promise((done) => {
    const child = execFile("shellcheck", ["--shell=bash", "--severity=style", "--format=gcc", "-"], (_error, stdout, stderr) => done(stdout + stderr));
    child.stdin?.end(script);
  });
}

/** A run block as bash sees it once GitHub has replaced the expressions (each with a plain word). */
const asBash = (run: string) => run.replace(/\$\{\{[^}]*\}\}/g, "EXPRESSION");

/**
 * What an expression of `job` refers to that does not exist, actionlint-style: `needs.<job>.outputs.<name>` of a job it
 * does not need or an output that job does not declare, `matrix.<key>` outside its matrix, `steps.<id>` of no step of
 * the job, `inputs.<name>` the workflow does not declare, `env.<name>` set nowhere in the workflow, job or step.
 */
function danglingReferences(wf: any, id: string): string[] {
  const job = wf.jobs[id];
  const matrix = job.strategy?.matrix ?? {};
  const matrixKeys = new Set([...Object.keys(matrix).filter((k) => k !== "include" && k !== "exclude"), ...(matrix.include ?? []).flatMap((row: object) => Object.keys(row))]);
  const stepIds = new Set(steps(job).map((st) => st.id).filter(Boolean));
  const trigger = typeof wf.on === "object" && wf.on !== null ? wf.on : {};
  const inputs = new Set([...Object.keys(trigger.workflow_call?.inputs ?? {}), ...Object.keys(trigger.workflow_dispatch?.inputs ?? {})]);
  const envNames = new Set([wf.env, job.env, ...steps(job).map((st) => st.env)].flatMap((e) => Object.keys(e ?? {})));
  const problems: string[] = [];
  for (const [, expression] of JSON.stringify(job).matchAll(/\$\{\{(.*?)\}\}/g)) {
    for (const [ref, kind, name, rest] of expression.matchAll(/\b(needs|matrix|steps|inputs|env)\.([\w-]+)((?:\.[\w-]+)*)/g)) {
      const output = /^\.outputs\.([\w-]+)/.exec(rest)?.[1];
      if (kind === "needs" && !needsOf(job).includes(name)) problems.push(`${ref}: job ${id} does not need ${name}`);
      else if (kind === "needs" && output && !wf.jobs[name]?.outputs?.[output]) problems.push(`${ref}: job ${name} has no output ${output}`);
      else if (kind === "matrix" && !matrixKeys.has(name)) problems.push(`${ref}: not a key of ${id}'s matrix`);
      else if (kind === "steps" && !stepIds.has(name)) problems.push(`${ref}: no step of ${id} has id ${name}`);
      else if (kind === "inputs" && !inputs.has(name)) problems.push(`${ref}: the workflow declares no input ${name}`);
      else if (kind === "env" && !envNames.has(name)) problems.push(`${ref}: no env of the workflow, job ${id} or its steps sets ${name}`);
    }
  }
  return problems;
}

describe.each(FILES)("%s, like every workflow", (file) => {
  const wf = workflow(file);
  const jobs = Object.entries<any>(wf.jobs);

  test("grants nothing by default; every job asks for its own permissions", () => {
    expect(wf.permissions).toEqual({});
    for (const [id, job] of jobs) expect({ id, permissions: typeof job.permissions }).toEqual({ id, permissions: "object" });
  });

  test("pins every action to a full commit SHA, its release in a comment (Dependabot keeps both current)", () => {
    const lines = text(file).split("\n").filter((l) => /^\s*(-\s+)?uses:/.test(l));
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) {
      const ref = /uses: (\S+)/.exec(line)?.[1] ?? "";
      if (PINNED_CALL.test(ref)) continue; // this repository's reusable workflow at main (see plan.yml's tests)
      expect(line).toMatch(/uses: (\.\/\.github\/workflows\/[\w-]+\.yml|[\w.-]+\/[\w.-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+)$/);
    }
  });

  test("keeps no token in .git/config: every checkout has persist-credentials: false", () => {
    for (const [, job] of jobs) for (const step of stepsUsing(job, "actions/checkout")) expect(step.with?.["persist-credentials"]).toBe(false);
  });

  test("passes no secrets on (no secrets: inherit, no secrets context)", () => {
    expect(text(file)).not.toMatch(/secrets:\s*inherit|\$\{\{\s*secrets\./);
    for (const [, job] of jobs) expect(job.secrets).toBeUndefined();
  });

  test("installs without install scripts", () => {
    const all = jobs.map(([, job]) => runs(job)).join("\n");
    expect(all).not.toMatch(/\bnpm (install|i|add)\b/);
    for (const command of all.match(/npm ci[^\n]*/g) ?? []) expect(command).toMatch(/--ignore-scripts/);
  });

  test("interpolates no event data into scripts (values reach run steps through env)", () => {
    for (const [, job] of jobs) for (const step of steps(job)) expect(String(step.run ?? "")).not.toMatch(/\$\{\{[^}]*(github\.event|github\.head_ref|inputs\.|matrix\.)/);
  });

  test("jobs holding an OIDC token run terraform and pinned actions only: no checkout, no npm, no node", () => {
    for (const [id, job] of jobs.filter(([, j]) => holdsOidc(j) && !j.uses)) {
      expect({ id, actions: uses(job).map((u) => u.split("@")[0]).filter((a) => !["hashicorp/setup-terraform", "actions/download-artifact", "actions/upload-artifact", "aws-actions/configure-aws-credentials"].includes(a)) }).toEqual({ id, actions: [] });
      expect({ id, commands: runs(job).match(/\b(npm|npx|node|yarn|pnpm)\b/g) }).toEqual({ id, commands: null });
      expect({ id, permissions: job.permissions }).toEqual({ id, permissions: { "id-token": "write" } });
    }
  });

  test("no job can both mint AWS credentials and write to the repository or its pull requests", () => {
    for (const [id, job] of jobs) {
      if (!holdsOidc(job) || job.uses) continue;
      expect({ id, writes: Object.entries(job.permissions).filter(([k, v]) => k !== "id-token" && v === "write") }).toEqual({ id, writes: [] });
    }
  });

  test("every expression refers to what exists: needed jobs' declared outputs, its matrix, its steps, declared inputs and env", () => {
    for (const [id] of jobs) expect({ id, dangling: danglingReferences(wf, id) }).toEqual({ id, dangling: [] });
  });

  describeWithTool(SHELLCHECK, "its run blocks under ShellCheck", () => {
    test("every run block has no finding at any severity, as bash runs it", async () => {
      const blocks = jobs.flatMap(([id, job]) => steps(job).filter((st) => st.run).map((st, i) => ({ at: `${id}: ${st.name ?? `run ${i}`}`, run: asBash(st.run) })));
      const findings = await Promise.all(blocks.map(async ({ at, run }) => ({ at, findings: await shellcheck(run) })));
      expect(findings).toEqual(blocks.map(({ at }) => ({ at, findings: "" })));
    });
  });
});

describe("the checks every workflow gets can fail", () => {
  test("a dangling reference is named", () => {
    const wf = {
      on: { workflow_call: { inputs: { stack: {} } } },
      env: { TERRAFORM_VERSION: "1" },
      jobs: {
        a: { outputs: { id: "${{ steps.up.outputs.id }}" }, steps: [{ id: "up" }] },
        b: { needs: "a", strategy: { matrix: { include: [{ environment: "dev" }] } }, steps: [{ with: { x: "${{ needs.a.outputs.other }} ${{ needs.c.outputs.id }} ${{ matrix.env }} ${{ steps.nope.outputs.x }} ${{ inputs.stak }} ${{ env.TERRAFORM_VERSON }} ${{ matrix.environment }} ${{ env.TERRAFORM_VERSION }}" } }] },
      },
    };
    expect(danglingReferences(wf, "a")).toEqual([]);
    expect(danglingReferences(wf, "b")).toEqual([
      "needs.a.outputs.other: job a has no output other",
      "needs.c.outputs.id: job b does not need c",
      "matrix.env: not a key of b's matrix",
      "steps.nope.outputs.x: no step of b has id nope",
      "inputs.stak: the workflow declares no input stak",
      "env.TERRAFORM_VERSON: no env of the workflow, job b or its steps sets TERRAFORM_VERSON",
    ]);
  });

  describeWithTool(SHELLCHECK, "ShellCheck", () => {
    test("reports an unquoted variable in a run block", async () => {
      expect(await shellcheck(asBash('terraform plan -out=${{ runner.temp }}/plan $RUNNER_TEMP/x'))).toMatch(/SC2086/);
    });
  });
});

describe("plan.yml (pull requests: the pull request's own copy runs)", () => {
  const plan = workflow("plan.yml");
  const jobs = Object.entries<any>(plan.jobs);

  test("runs on pull requests to main only, never with the base repository's privileges (pull_request_target)", () => {
    expect(plan.on).toEqual({ pull_request: { branches: ["main"] } });
  });

  /*
   * On pull_request GitHub runs this file as the pull request has it, so nothing in it can be trusted to hold: it has
   * no job that holds credentials itself, and hands everything after the pull request's own jobs to main's copy of
   * pr-plan.yml, the only pull-request workflow the plan role trusts.
   */
  test("holds no credentialed job itself: only the call of main's pr-plan.yml gets id-token: write", () => {
    const prCode = jobs.filter(([, job]) => checksOutEventCode(job)).map(([id]) => id).sort();
    expect(prCode).toEqual(["synth", "test"]);
    for (const id of prCode) expect({ id, permissions: plan.jobs[id].permissions }).toEqual({ id, permissions: { contents: "read" } });
    expect(jobs.filter(([, job]) => holdsOidc(job) && !job.uses).map(([id]) => id)).toEqual([]);
    expect(jobs.filter(([, job]) => holdsOidc(job)).map(([id]) => id)).toEqual(["plan"]);
    expect(jobs.filter(([, job]) => job.environment !== undefined).map(([id]) => id)).toEqual([]);
  });

  test("calls pr-plan.yml at the default branch, never the pull request's copy (./), after every job that ran the pull request's code", () => {
    const call = plan.jobs.plan;
    expect(call.uses).toBe(prPlanCall(EXAMPLE_REPOSITORY));
    expect(call.uses).toBe(`ORG/REPO/.github/workflows/${PR_PLAN_WORKFLOW}@main`);
    expect(text("plan.yml")).not.toMatch(/uses:\s*\.\/\.github\/workflows/);
    expect(needsOf(call).sort()).toEqual(["synth", "test"]);
    expect(call.permissions).toEqual({ contents: "read", "id-token": "write", "pull-requests": "write" });
    expect(call.with).toEqual({ "synth-artifact-id": "${{ needs.synth.outputs.artifact-id }}" });
    for (const [id, job] of jobs.filter(([, j]) => j.uses)) expect({ id, uses: job.uses }).toEqual({ id, uses: expect.stringMatching(PINNED_CALL) });
  });

  test("tests first, with terraform and shellcheck required, on the pull request's code without credentials", () => {
    const test = plan.jobs.test;
    expect(runs(test)).toMatch(/npm ci --ignore-scripts[\s\S]*npm test/);
    expect(test.steps.find((s: any) => s.run === "npm test").env).toEqual({ REQUIRE_TERRAFORM: "1", REQUIRE_SHELLCHECK: "1", REQUIRE_JQ: "1" });
    expect(uses(test)).toEqual(expect.arrayContaining([expect.stringMatching(/^hashicorp\/setup-terraform@/)]));
  });
});

describe("pr-plan.yml (main's copy, called by plan.yml)", () => {
  const prPlan = workflow(PR_PLAN_WORKFLOW);
  const jobs = Object.entries<any>(prPlan.jobs);
  const ON_PULL_REQUEST_TO_MAIN = "github.event_name == 'pull_request' && github.event.pull_request.base.ref == 'main'";

  test("is only callable, takes only the synth artifact's id, and reads the plan roles itself", () => {
    expect(prPlan.on).toEqual({ workflow_call: { inputs: { "synth-artifact-id": expect.objectContaining({ type: "string", required: true }) } } });
    expect(text(PR_PLAN_WORKFLOW)).not.toMatch(/inputs\.(?!synth-artifact-id\b)/);
  });

  test("runs for pull requests to main only, whatever event or branch filter an edited caller uses", () => {
    expect(prPlan.jobs.vet.if).toBe(ON_PULL_REQUEST_TO_MAIN);
    for (const [id] of jobs.filter(([i]) => i !== "vet")) expect({ id, upstream: upstream(prPlan, id).has("vet") }).toEqual({ id, upstream: true });
  });

  /*
   * The invariant: a job holding `id-token: write` (1) waits for an approval (a GitHub environment whose required
   * reviewers gate it, and which the plan role's trust policy names), (2) checks out no code and runs no npm/node, so
   * the only pull-request input it handles is Terraform JSON, (3) runs after the vetting, and (4) downloads only
   * artifacts named by id by a job of this workflow that checked out the BASE branch (the vetted JSON), never the
   * pull request's own uploads. plan.yml's call waits for every job that runs the pull request's code.
   */
  test("no job checks out the pull request's code; the one holding credentials waits for approval and for the vetting", () => {
    expect(jobs.filter(([, job]) => checksOutEventCode(job)).map(([id]) => id)).toEqual([]);
    const credentialed = jobs.filter(([, job]) => holdsOidc(job)).map(([id]) => id);
    expect(credentialed).toEqual(["plan"]);
    for (const id of credentialed) {
      const job = prPlan.jobs[id];
      expect(job.environment).toBe(PR_PLAN_ENVIRONMENT);
      expect(stepsUsing(job, "actions/checkout")).toEqual([]);
      expect([...upstream(prPlan, id)]).toContain("vet");
      const downloads = stepsUsing(job, "actions/download-artifact");
      expect(downloads.length).toBeGreaterThan(0);
      for (const download of downloads) {
        expect(download.with.name).toBeUndefined();
        const [from, output] = needsOutput(download.with["artifact-ids"]);
        expect(checksOutBase(prPlan.jobs[from])).toBe(true);
        expect(prPlan.jobs[from].outputs[output]).toMatch(/^\$\{\{ steps\.[\w-]+\.outputs\.artifact-id \}\}$/);
      }
      const credentials = stepsUsing(job, "aws-actions/configure-aws-credentials");
      expect(credentials.map((s) => s.with["role-to-assume"])).toEqual(["${{ matrix.plan-role }}"]);
      expect(steps(job).indexOf(credentials[0])).toBeGreaterThan(steps(job).indexOf(downloads[0]));
    }
  });

  test("fork pull requests (which get no OIDC token) skip the plan instead of failing it", () => {
    expect(prPlan.jobs.plan.if).toBe(`${ON_PULL_REQUEST_TO_MAIN} && github.event.pull_request.head.repo.full_name == github.repository`);
  });

  test("plans every environment with its own plan role, without taking the state lock a cancelled run would leave", () => {
    const job = prPlan.jobs.plan;
    expect(job.strategy.matrix.include).toEqual([
      { environment: "dev", "plan-role": "${{ vars.MEDICARE_HUB_DEV_PLAN_ROLE_ARN }}" },
      { environment: "prod", "plan-role": "${{ vars.MEDICARE_HUB_PROD_PLAN_ROLE_ARN }}" },
    ]);
    expect(runs(job)).toMatch(/terraform init[\s\S]*terraform plan [^\n]*-lock=false[^\n]*-out=plan\.tfplan[\s\S]*terraform show -json plan\.tfplan[\s\S]*jq /);
    expect(stepsUsing(job, "actions/upload-artifact")[0].with.overwrite).toBe(true);
  });

  test("the pull request's Terraform is vetted by the base branch's tools before anything plans it", () => {
    const vet = prPlan.jobs.vet;
    expect(checksOutBase(vet)).toBe(true);
    expect(vet.needs).toBeUndefined();
    expect(stepsUsing(vet, "actions/download-artifact")[0].with["artifact-ids"]).toBe("${{ inputs.synth-artifact-id }}");
    expect(runs(vet)).toMatch(/npm ci --ignore-scripts[\s\S]*tools\/ci-plan-input\.ts "\$RUNNER_TEMP\/pr-synth" --out "\$RUNNER_TEMP\/vetted"/);
    expect(stepsUsing(vet, "actions/upload-artifact")[0].with.overwrite).toBe(true);
    for (const id of ["vet", "report"]) expect(stepsUsing(prPlan.jobs[id], "actions/setup-node")[0].with["package-manager-cache"]).toBe(false);
  });

  test("the summary and the comment are built by the base branch's tools, in a job without AWS credentials", () => {
    const report = prPlan.jobs.report;
    expect(checksOutBase(report)).toBe(true);
    expect(report.permissions).toEqual({ contents: "read", "pull-requests": "write" });
    expect(report.needs).toEqual(["vet", "plan"]);
    expect(runs(report)).toMatch(/npm ci --ignore-scripts[\s\S]*plan:summary[^\n]*changes\.json[^\n]*--policy "\$RUNNER_TEMP\/vetted\/policy-report\.md"/);
    expect(uses(report).map((u) => u.split("@")[0])).toContain("actions/github-script");
  });

  /*
   * The guardrail and cost changes compare the pull request's vetted stacks with its base commit. The base is
   * synthesized in the report job by the base commit's own code (the job's only checkout), from the override file the
   * pull request's synth used, before anything of the pull request is downloaded; downloads land beside it, never in
   * it, and nothing downloaded is run: the pull request's tools never write where the base is read.
   */
  test("the summary compares the vetted stacks with the base commit, synthesized in the report job by its own code", () => {
    const report = prPlan.jobs.report;
    const all = steps(report);
    const synth = all.filter((st) => /\bnpm run synth\b/.test(st.run ?? ""));
    expect(synth).toHaveLength(1);
    expect(synth[0].run).toBe('npm run synth -- --outdir "$RUNNER_TEMP/base"');
    expect(synth[0].env).toEqual({ MEDICARE_HUB_CONFIG_OVERRIDES: "${{ runner.temp }}/overrides.json" });
    // The same override file as the pull request's synth (plan.yml) and vet: the two sides differ by their code only.
    const writeOverrides = (job: any) => steps(job).find((st) => /overrides\.json/.test(st.run ?? "") && !/npm run/.test(st.run ?? ""));
    expect(writeOverrides(report)).toEqual(writeOverrides(prPlan.jobs.vet));
    expect(writeOverrides(report)).toEqual(writeOverrides(workflow("plan.yml").jobs.synth));
    const index = (step: any) => all.indexOf(step);
    expect(index(synth[0])).toBeGreaterThan(all.findIndex((st) => st.run === "npm ci --ignore-scripts"));
    expect(index(synth[0])).toBeGreaterThan(index(writeOverrides(report)));
    const downloads = stepsUsing(report, "actions/download-artifact");
    for (const download of downloads) expect(index(download)).toBeGreaterThan(index(synth[0]));
    expect(downloads.map((d) => d.with.path).sort()).toEqual(["${{ runner.temp }}/changes", "${{ runner.temp }}/vetted"]);
    // The head is the vet job's artifact, by id; the base is the directory the synth step wrote.
    expect(downloads.find((d) => d.with.path.endsWith("/vetted")).with["artifact-ids"]).toBe("${{ needs.vet.outputs.artifact-id }}");
    const summary = all.find((st) => /plan:summary/.test(st.run ?? ""));
    const flags = (name: string) => new RegExp(`--${name} ("[^"]+")`).exec(summary.run)?.[1];
    expect([flags("base"), flags("head"), flags("env")]).toEqual(['"$RUNNER_TEMP/base"', '"$RUNNER_TEMP/vetted"', '"$ENVIRONMENT"']);
    expect(summary.env).toEqual({ ENVIRONMENT: "${{ matrix.environment }}" });
    // Nothing downloaded is run: every command of the job is npm ci, the base synth, the two review tools, gh and the shell's own.
    const commands = runs(report)
      .split("\n")
      .map((l) => l.trim())
      .filter((l) => l && !/^(if|then|else|fi)\b/.test(l) && !l.startsWith("--"))
      .map((l) => l.replace(/^approved=\$\(/, "").split(/\s+/).slice(0, 3).join(" "));
    expect([...new Set(commands)].sort()).toEqual(["cat \"$RUNNER_TEMP/summary.md\" >>", "gh api \"repos/$GITHUB_REPOSITORY/issues/$PR_NUMBER/labels?per_page=100\"", "npm ci --ignore-scripts", "npm run --silent", "npm run synth", "printf '%s' \"${OVERRIDES:-{\\}}\""]);
    expect(runs(report).match(/npm run --silent ([\w:]+)/g)?.map((m) => m.split(" ").pop()).sort()).toEqual(["plan:check", "plan:check", "plan:summary"]);
    expect(report.permissions).toEqual({ contents: "read", "pull-requests": "write" });
  });

  /*
   * The data-loss gate: after the comment (reviewers read the summary either way), plan:check reads the same changes
   * plan:summary did and fails the job unless the pull request carries the approval label. The label is read from the
   * API when the step runs, not from the event payload, which a re-run repeats unchanged: adding the label and
   * re-running the failed job must let it pass.
   */
  test("the data-loss gate runs plan:check on the summarized changes and passes --allow only for the approval label", () => {
    const report = prPlan.jobs.report;
    const gate = steps(report).filter((st) => /plan:check/.test(st.run ?? ""));
    expect(gate).toHaveLength(1);
    const [step] = gate;
    const order = (pattern: RegExp) => steps(report).findIndex((st) => pattern.test(st.run ?? "") || pattern.test(String(st.uses ?? "")));
    expect(order(/plan:check/)).toBeGreaterThan(order(/plan:summary/));
    expect(order(/plan:check/)).toBeGreaterThan(order(/^actions\/github-script@/));
    expect(order(/plan:check/)).toBe(steps(report).length - 1);
    const summarized = /plan:summary -- ("[^"]+")/.exec(runs(report))?.[1];
    expect(summarized).toBe('"$RUNNER_TEMP/changes/changes.json"');
    const checks = [...step.run.matchAll(/npm run --silent plan:check -- (\S+)(.*)$/gm)].map((m) => [m[1], m[2].trim()]);
    expect(checks).toEqual([
      [summarized, "--allow"],
      [summarized, ""],
    ]);
    expect(step.run.split("\n").slice(0, 2)).toEqual([
      `approved=$(gh api "repos/$GITHUB_REPOSITORY/issues/$PR_NUMBER/labels?per_page=100" --jq 'any(.[]; .name == "${APPROVAL_LABEL}")')`,
      'if [ "$approved" = true ]; then',
    ]);
    expect(APPROVAL_LABEL).toBe("approved-data-loss");
    expect(step.env).toEqual({ GH_TOKEN: "${{ github.token }}", PR_NUMBER: "${{ github.event.pull_request.number }}" });
    expect(text(PR_PLAN_WORKFLOW)).not.toMatch(/pull_request\.labels|contains\(github\.event/);
    expect(report.permissions).toEqual({ contents: "read", "pull-requests": "write" });
    expect(report["continue-on-error"]).toBeUndefined();
    expect(step["continue-on-error"]).toBeUndefined();
  });

  test("the plan keeps, besides addresses and actions, only why and which attributes force a replacement", () => {
    const kept = /jq '([^']+)'/.exec(runs(prPlan.jobs.plan))?.[1].replace(/\s+/g, " ");
    expect(kept).toBe("{resource_changes: [.resource_changes[]? | {address, type, mode, action_reason, change: {actions: .change.actions, replace_paths: .change.replace_paths}}]}");
  });
});

describe("drift.yml (scheduled, main)", () => {
  const drift = workflow(DRIFT_WORKFLOW);
  const jobs = Object.entries<any>(drift.jobs);

  test("runs daily on a schedule and by hand, on nothing else; one run at a time, never cancelled", () => {
    expect(Object.keys(drift.on).sort()).toEqual(["schedule", "workflow_dispatch"]);
    expect(drift.on.workflow_dispatch).toBeNull();
    expect(drift.on.schedule).toHaveLength(1);
    // minute hour day-of-month month day-of-week: every day, once.
    expect(drift.on.schedule[0].cron).toMatch(/^\d{1,2} \d{1,2} \* \* \*$/);
    expect(drift.concurrency).toEqual({ group: "drift", "cancel-in-progress": false });
  });

  test("least privilege: synth reads code, plan only mints the plan role's token, report reads code and writes issues", () => {
    expect(Object.fromEntries(jobs.map(([id, job]) => [id, job.permissions]))).toEqual({
      synth: { contents: "read" },
      plan: { "id-token": "write" },
      report: { contents: "read", issues: "write" },
    });
    expect(drift.jobs.plan.environment).toBeUndefined();
  });

  test("only main plans: a manual run of another branch stops at synth, before any job asks for credentials", () => {
    expect(drift.jobs.synth.if).toBe("github.ref == 'refs/heads/main'");
    expect(needsOf(drift.jobs.plan)).toEqual(["synth"]);
    expect(needsOf(drift.jobs.report)).toEqual(["plan"]);
    // One environment's failed plan does not hold back the other's report; a skipped plan (not main) skips it.
    expect(drift.jobs.report.if).toBe("${{ !cancelled() && needs.plan.result != 'skipped' }}");
    expect(stepsUsing(drift.jobs.report, "actions/download-artifact")[0].with.name).toBe("drift-plan-${{ matrix.environment }}");
    for (const [id, job] of jobs) for (const step of stepsUsing(job, "actions/checkout")) expect({ id, ref: step.with.ref }).toEqual({ id, ref: undefined });
  });

  test("plans every environment with its plan role, -detailed-exitcode, failing only on exit codes other than 0 and 2", () => {
    const plan = drift.jobs.plan;
    expect(plan.strategy.matrix.include).toEqual([
      { environment: "dev", "plan-role": "${{ vars.MEDICARE_HUB_DEV_PLAN_ROLE_ARN }}" },
      { environment: "prod", "plan-role": "${{ vars.MEDICARE_HUB_PROD_PLAN_ROLE_ARN }}" },
    ]);
    expect(plan.strategy.matrix.include.map((row: any) => row.environment)).toEqual([...ENVIRONMENT_NAMES]);
    expect(stepsUsing(plan, "aws-actions/configure-aws-credentials").map((st) => st.with["role-to-assume"])).toEqual(["${{ matrix.plan-role }}"]);
    expect(stepsUsing(plan, "actions/download-artifact").map((st) => st.with["artifact-ids"])).toEqual(["${{ needs.synth.outputs.artifact-id }}"]);
    const script = runs(plan);
    expect(script).toMatch(/^terraform init -input=false$/m);
    expect(script).toMatch(/^terraform plan -input=false -lock-timeout=10m -detailed-exitcode -out=plan\.tfplan \|\| code=\$\?$/m);
    expect(script).toMatch(/^if \[ "\$code" -ne 0 \] && \[ "\$code" -ne 2 \]; then exit "\$code"; fi$/m);
    expect(script).toMatch(/^terraform show -json plan\.tfplan \\\n\s*\| jq '[^']+' \\\n\s*> "\$RUNNER_TEMP\/drift\.json"$/m);
    expect(script).toMatch(/^set -o pipefail$/m);
    expect(stepsUsing(plan, "actions/upload-artifact").map((st) => st.with)).toEqual([
      { name: "drift-plan-${{ matrix.environment }}", path: "${{ runner.temp }}/drift.json", "if-no-files-found": "error", "retention-days": 1 },
    ]);
  });

  test("the report job hands the plan to npm run drift:report and does only what its decision says", () => {
    const report = drift.jobs.report;
    expect(report.strategy.matrix.environment).toEqual([...ENVIRONMENT_NAMES]);
    expect(stepsUsing(report, "actions/download-artifact").map((st) => st.with)).toEqual([{ name: "drift-plan-${{ matrix.environment }}", path: "${{ runner.temp }}/drift" }]);
    const decide = steps(report).find((st) => /drift:report/.test(st.run ?? ""));
    expect(decide.run.split("\n")[0]).toBe('npm run --silent drift:report -- "$RUNNER_TEMP/drift/drift.json" --env "$ENVIRONMENT" --format json > "$RUNNER_TEMP/decision.json"');
    expect(decide.env).toEqual({ ENVIRONMENT: "${{ matrix.environment }}" });
    expect(runs(report)).toMatch(/npm ci --ignore-scripts[\s\S]*drift:report/);
    const issue = steps(report).find((st) => /gh issue/.test(st.run ?? ""));
    expect(issue.env).toEqual({ GH_TOKEN: "${{ github.token }}" });
    expect(issue.run).toMatch(/^action=\$\(jq -r \.action "\$RUNNER_TEMP\/decision\.json"\)$/m);
    expect(issue.run).toMatch(/^title=\$\(jq -r \.title "\$RUNNER_TEMP\/decision\.json"\)$/m);
    // Every action the tool can decide is handled, and an unknown one fails the job instead of doing nothing.
    const handled = [...issue.run.matchAll(/^\s*([\w-]+|\*)\)/gm)].map((m) => m[1]);
    expect(handled).toEqual([...DRIFT_ACTIONS, "*"]);
    expect(issue.run).toMatch(/\*\)\n\s*echo "drift:report gave an unknown action: \$action" >&2\n\s*exit 1/);
    expect(issue.run).toMatch(/gh issue edit "\$number" [^\n]*--body-file "\$RUNNER_TEMP\/body\.md"/);
    expect(issue.run).toMatch(/gh issue create [^\n]*--title "\$title" --body-file "\$RUNNER_TEMP\/body\.md"/);
    expect(issue.run).toMatch(/gh issue close "\$number" /);
    // The open issue is found by its exact title in a listing, not through the lagging search index.
    expect(issue.run).toMatch(/gh issue list [^\n]*--state open [^\n]*--json number,title/);
    expect(issue.run).toContain("jq -r --arg title \"$title\" 'map(select(.title == $title)) | first | .number // empty'");
    expect(issue.run).not.toMatch(/--search/);
  });
});

describe("deploy.yml and deploy-environment.yml (main)", () => {
  const deploy = workflow("deploy.yml");
  const environment = workflow("deploy-environment.yml");

  test("runs only on pushes to main: no manual trigger can deploy another ref", () => {
    expect(deploy.on).toEqual({ push: { branches: ["main"] } });
    expect(deploy.jobs.synth.if).toBe("github.ref == 'refs/heads/main'");
    expect(deploy.jobs.dev.needs).toBe("synth");
    expect(deploy.concurrency["cancel-in-progress"]).toBe(false);
  });

  test("deploys dev, then prod only after dev, through the production environment's approval", () => {
    expect(deploy.jobs.prod.needs).toEqual(["synth", "dev"]);
    expect(deploy.jobs.dev.with).toMatchObject({ stack: "medicare-hub-dev", "github-environment": "dev", "plan-role-arn": "${{ vars.MEDICARE_HUB_DEV_PLAN_ROLE_ARN }}" });
    expect(deploy.jobs.prod.with).toMatchObject({ stack: "medicare-hub-prod", "github-environment": "production", "plan-role-arn": "${{ vars.MEDICARE_HUB_PROD_PLAN_ROLE_ARN }}" });
    for (const id of ["dev", "prod"]) expect(deploy.jobs[id].with["synth-artifact-id"]).toBe("${{ needs.synth.outputs.artifact-id }}");
  });

  test("plans with the plan role outside any environment, and applies with the deploy role inside it", () => {
    const role = (job: any) => stepsUsing(job, "aws-actions/configure-aws-credentials").map((s) => s.with["role-to-assume"]);
    expect(environment.jobs.plan.environment).toBeUndefined();
    expect(role(environment.jobs.plan)).toEqual(["${{ inputs.plan-role-arn }}"]);
    expect(environment.jobs.apply.environment).toBe("${{ inputs.github-environment }}");
    expect(role(environment.jobs.apply)).toEqual(["${{ vars.MEDICARE_HUB_DEPLOY_ROLE_ARN }}"]);
  });

  test("apply applies exactly the saved plan its own plan job uploaded in this run, after the summary", () => {
    const { plan, apply, summary } = environment.jobs;
    expect(apply.needs).toEqual(["plan", "summary"]);
    expect(summary.needs).toBe("plan");

    expect(runs(plan)).toMatch(/terraform plan [^\n]*-out=plan\.tfplan/);
    const [, uploadStep] = /^\$\{\{ steps\.([\w-]+)\.outputs\.artifact-id \}\}$/.exec(plan.outputs["artifact-id"]) ?? [];
    const upload = steps(plan).find((s) => s.id === uploadStep);
    expect(action(upload)).toBe("actions/upload-artifact");
    expect(upload.with.path.split("\n").filter(Boolean)).toEqual(expect.arrayContaining([expect.stringMatching(/\/plan\.tfplan$/)]));
    expect(plan.outputs["plan-sha256"]).toBe("${{ steps.plan.outputs.sha256 }}");
    expect(steps(plan).find((s) => s.id === "plan").run).toMatch(/sha256sum plan\.tfplan/);

    const downloads = stepsUsing(apply, "actions/download-artifact");
    expect(downloads.map((s) => s.with)).toEqual([{ "artifact-ids": "${{ needs.plan.outputs.artifact-id }}", path: "${{ runner.temp }}/plan" }]);
    expect(runs(apply)).toMatch(/sha256sum --check --strict/);
    expect(steps(apply).find((s) => /sha256sum --check/.test(s.run ?? "")).env.PLAN_SHA256).toBe("${{ needs.plan.outputs.plan-sha256 }}");
    expect(runs(apply)).toMatch(/terraform init [^\n]*-lockfile=readonly\n\s*terraform apply [^\n]*plan\.tfplan$/m);
    expect(runs(apply)).not.toMatch(/terraform plan|-auto-approve/);
  });

  test("the summary reviewers read before approving comes from a job without AWS credentials", () => {
    const { summary } = environment.jobs;
    expect(summary.permissions).toEqual({ contents: "read" });
    expect(runs(summary)).toMatch(/plan:summary[\s\S]*GITHUB_STEP_SUMMARY/);
  });
});

test("the workflows name the environments and files the roles' trust policies name (tools/ci-roles.ts)", () => {
  const credentialed = (file: string) => Object.values<any>(workflow(file).jobs).filter((job) => holdsOidc(job) && !job.uses);
  expect(credentialed(PLAN_WORKFLOW)).toEqual([]);
  expect(workflow(PLAN_WORKFLOW).jobs.plan.uses).toBe(prPlanCall(EXAMPLE_REPOSITORY));
  expect(credentialed(PR_PLAN_WORKFLOW).map((job) => job.environment)).toEqual([PR_PLAN_ENVIRONMENT]);
  expect(credentialed(DEPLOY_JOB_WORKFLOW).map((job) => job.environment)).toEqual([undefined, "${{ inputs.github-environment }}"]);
  const deploy = workflow("deploy.yml");
  expect(Object.fromEntries(["dev", "prod"].map((env) => [env, deploy.jobs[env].with["github-environment"]]))).toEqual(GITHUB_ENVIRONMENTS);
  for (const env of ["dev", "prod"]) expect(deploy.jobs[env].uses).toBe(`./.github/workflows/${DEPLOY_JOB_WORKFLOW}`);
  expect(credentialed(DRIFT_WORKFLOW).map((job) => job.environment)).toEqual([undefined]);
  for (const file of FILES.filter((f) => ![PR_PLAN_WORKFLOW, DEPLOY_JOB_WORKFLOW, DRIFT_WORKFLOW].includes(f))) expect({ file, credentialed: credentialed(file).length }).toEqual({ file, credentialed: 0 });
  // Whoever calls pr-plan.yml calls main's copy; deploy-environment.yml is called only by deploy.yml, which runs on main.
  for (const file of FILES) {
    for (const [id, job] of Object.entries<any>(workflow(file).jobs).filter(([, j]) => String(j.uses ?? "").includes(PR_PLAN_WORKFLOW))) {
      expect({ file, id, uses: job.uses }).toEqual({ file, id, uses: prPlanCall(EXAMPLE_REPOSITORY) });
    }
  }
  expect(FILES.filter((f) => text(f).includes(DEPLOY_JOB_WORKFLOW) && f !== DEPLOY_JOB_WORKFLOW)).toEqual(["deploy.yml"]);
});

test("Dependabot keeps the pinned actions current", () => {
  const config = parse(readFileSync(join(ROOT, ".github/dependabot.yml"), "utf8"));
  expect(config.updates).toEqual(expect.arrayContaining([expect.objectContaining({ "package-ecosystem": "github-actions", directory: "/" })]));
});
