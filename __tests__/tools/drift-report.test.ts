/**
 * tools/drift-report.ts, the decision of the scheduled drift check, on plans in the shape `terraform show -json`
 * writes (Terraform 1.11): fixtures/no-drift-plan.json is a real plan of a deployed database and Auto Scaling group
 * with nothing to do; fixtures/drift-plan.json is a real plan of the same code against a state in which the database
 * was resized and the group deleted outside Terraform, with the `resource_drift` entries a refreshing plan reports
 * for that written in by hand (an offline plan cannot refresh).
 */
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { MAX_LISTED, driftDecision, driftTitle, driftedResources } from "../../tools/drift-report";
import { parsePlanJson, type PlanJson } from "../../tools/plan-json";
import { describeWithTool } from "../support/required-tool";
import { JQ, runJq, showJsonFilter } from "../support/workflow-jq";

const ROOT = resolve(__dirname, "../..");
const fixture = (name: string) => readFileSync(join(__dirname, "fixtures", name), "utf8");
const DRIFT = fixture("drift-plan.json");
const NO_DRIFT = fixture("no-drift-plan.json");

/** A fixture, edited by `edit`. */
function edited(text: string, edit: (plan: any) => void): PlanJson {
  const plan = JSON.parse(text);
  edit(plan);
  return parsePlanJson(JSON.stringify(plan), "edited plan");
}
const entry = (address: string, actions: string[]) => {
  const [type, name] = address.split(".");
  return { address, mode: "managed", type, name, provider_name: "registry.terraform.io/hashicorp/aws", change: { actions, before: {}, after: actions.includes("delete") ? null : {}, after_unknown: {}, before_sensitive: {}, after_sensitive: {} } };
};
const noChanges = (p: any) => p.resource_changes.forEach((c: any) => (c.change.actions = ["no-op"]));

describe("with drift: one issue per environment, opened or updated", () => {
  const decision = driftDecision(parsePlanJson(DRIFT, "drift-plan.json"), "prod");

  test("decides open-or-update under the environment's stable title", () => {
    expect({ ...decision, body: undefined }).toEqual({ environment: "prod", drift: true, action: "open-or-update", title: "Drift: medicare-hub-prod", body: undefined });
    expect(driftTitle("prod")).toBe("Drift: medicare-hub-prod");
    expect(driftTitle("dev")).toBe("Drift: medicare-hub-dev");
  });

  test("the body names what changed outside Terraform (resource_drift) and what applying main would do (resource_changes)", () => {
    const lines = decision.body.split("\n");
    expect(lines[0]).toBe("Live infrastructure of **medicare-hub-prod** differs from the code on main: 2 resource(s) changed outside Terraform, 2 change(s) to bring live back to the code.");
    expect(lines).toEqual(
      expect.arrayContaining([
        "## Changed outside Terraform: live differs from the last apply (2)",
        "| `aws_db_instance.database` | aws_db_instance | changed |",
        "| `aws_autoscaling_group.app` | aws_autoscaling_group | **deleted** |",
        "## What applying main would do: code differs from live",
        "Plan: 1 to create, 1 to update, 0 to replace, 0 to delete.",
        "- `aws_autoscaling_group.app` (aws_autoscaling_group): create",
        "- `aws_db_instance.database` (aws_db_instance): update",
      ]),
    );
    expect(decision.body).toMatch(/## What to do\n\n- \*\*A change nobody meant\*\*[\s\S]*the first check without drift closes this issue\.\n$/);
  });

  test("drift the code does not notice (an attribute it leaves unset changed) still opens the issue", () => {
    const d = driftDecision(edited(DRIFT, (p) => (noChanges(p), p.resource_drift.splice(1))), "prod");
    expect([d.drift, d.action]).toEqual([true, "open-or-update"]);
    expect(d.body).toMatch(/^Live infrastructure of \*\*medicare-hub-prod\*\* differs from the code on main: 1 resource\(s\) changed outside Terraform, 0 change\(s\)/);
    expect(d.body).toContain("No changes.");
  });

  test("code that differs from live without drift (a merge not yet deployed) opens it too", () => {
    const d = driftDecision(edited(DRIFT, (p) => delete p.resource_drift), "dev");
    expect([d.drift, d.action, d.title]).toEqual([true, "open-or-update", "Drift: medicare-hub-dev"]);
    expect(d.body).toContain("## Changed outside Terraform: live differs from the last apply (0)\n\nNothing: every resource is as the last apply left it.");
  });

  test("a data store deleted outside Terraform is called out with what went with it", () => {
    const d = driftDecision(edited(DRIFT, (p) => p.resource_drift.push(entry("aws_s3_bucket.access-logs", ["delete"]))), "prod");
    expect(d.body).toContain("| `aws_s3_bucket.access-logs` | aws_s3_bucket | **deleted** (stateful: every object in it, and its name, which anyone may then take) |");
  });

  test(`a long list stops after ${MAX_LISTED} addresses, saying how many more, well under GitHub's 65,536-character body`, () => {
    const many = Array.from({ length: 400 }, (_, i) => entry(`aws_cloudwatch_metric_alarm.monitoring_alarm-${i}`, ["update"]));
    const d = driftDecision(edited(DRIFT, (p) => ((p.resource_drift = many), (p.resource_changes = many))), "prod");
    expect(d.body.split("\n").filter((l) => l.includes("aws_cloudwatch_metric_alarm.monitoring_alarm-"))).toHaveLength(2 * MAX_LISTED);
    expect(d.body).toContain("| ... and 350 more | | |");
    expect(d.body).toContain("- ... and 350 more (the run's plan log lists them all)");
    expect(d.body.length).toBeLessThan(20_000);
  });
});

describe("without drift: the issue closes; an unfinished plan leaves it as it is", () => {
  test("a complete plan with nothing to do: close, with the comment that says so", () => {
    expect(driftDecision(parsePlanJson(NO_DRIFT, "no-drift-plan.json"), "dev")).toEqual({
      environment: "dev",
      drift: false,
      action: "close",
      title: "Drift: medicare-hub-dev",
      body: "No drift: live infrastructure of **medicare-hub-dev** matches the code on main (2 resource(s) compared).\n",
    });
  });

  test.each([
    ["errored", (p: any) => (p.errored = true), "the plan errored"],
    ["incomplete", (p: any) => (p.complete = false), "the plan is incomplete (deferred or targeted changes)"],
  ])("an %s plan without drift: none, since drift is not ruled out", (_, edit, why) => {
    const d = driftDecision(edited(NO_DRIFT, edit), "prod");
    expect(d).toEqual({ environment: "prod", drift: false, action: "none", title: "Drift: medicare-hub-prod", body: `No drift seen in **medicare-hub-prod**, but ${why}, so drift is not ruled out: the drift issue is left as it is.\n` });
  });

  test("an errored plan that shows drift still reports it, saying it is not the whole picture", () => {
    const d = driftDecision(edited(DRIFT, (p) => (p.errored = true)), "prod");
    expect(d.action).toBe("open-or-update");
    expect(d.body.split("\n")[0]).toMatch(/ Not the whole picture: the plan errored\.$/);
  });

  test("drift entries that are neither a change nor a deletion are not drift", () => {
    expect(driftedResources(edited(NO_DRIFT, (p) => (p.resource_drift = [entry("aws_s3_bucket.b", ["no-op"]), entry("aws_s3_bucket.c", ["update"])])))).toEqual([{ address: "aws_s3_bucket.c", type: "aws_s3_bucket", action: "update" }]);
  });
});

describe("npm run drift:report, as a process", () => {
  const [command, ...scriptArgs] = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).scripts["drift:report"].split(/\s+/);
  const run = (...args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((done) =>
      execFile(command === "node" ? process.execPath : command, [...scriptArgs, ...args], { cwd: ROOT, timeout: 30_000 }, (error, stdout, stderr) => done({ code: error ? Number(error.code) : 0, stdout, stderr })),
    );
  const plan = join(__dirname, "fixtures", "drift-plan.json");

  test("prints the decision as JSON (default) or the body as markdown; a missing or unknown --env or --format is exit 2", async () => {
    const [json, markdown, noEnv, badEnv, badFormat] = await Promise.all([
      run(plan, "--env", "prod"),
      run(plan, "--env", "prod", "--format", "markdown"),
      run(plan),
      run(plan, "--env", "production"),
      run(plan, "--env", "prod", "--format", "yaml"),
    ]);
    const expected = driftDecision(parsePlanJson(DRIFT, "drift-plan.json"), "prod");
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual(expected);
    expect(markdown).toEqual({ code: 0, stdout: expected.body, stderr: "" });
    expect(noEnv.code).toBe(2);
    expect(noEnv.stderr).toMatch(/^--env is required: the environment the plan is of \(dev or prod\)\nusage: npm run drift:report -- /);
    expect(badEnv.code).toBe(2);
    expect(badEnv.stderr).toMatch(/^--env takes dev or prod; got "production"/);
    expect(badFormat.code).toBe(2);
    expect(badFormat.stderr).toMatch(/^--format takes json or markdown; got "yaml"/);
  }, 60_000);
});

describeWithTool(JQ, "what the drift workflow keeps of a plan (drift.yml's jq)", () => {
  test("keeps everything drift:report decides on, and no attribute value", () => {
    const filter = showJsonFilter("drift.yml", "plan");
    for (const [name, text] of [["drift", DRIFT], ["no drift", NO_DRIFT]]) {
      const kept = runJq(filter, JSON.parse(text));
      expect(JSON.stringify(kept)).not.toMatch(/"(before|after|after_unknown|before_sensitive|after_sensitive|planned_values)"/);
      for (const env of ["dev", "prod"] as const) {
        expect({ name, env, decision: driftDecision(parsePlanJson(JSON.stringify(kept), `${name} (jq)`), env) }).toEqual({ name, env, decision: driftDecision(parsePlanJson(text, name), env) });
      }
    }
    const errored = runJq(filter, { ...JSON.parse(NO_DRIFT), errored: true });
    expect(driftDecision(parsePlanJson(JSON.stringify(errored), "errored (jq)"), "prod").action).toBe("none");
  });
});
