/** The GitHub Actions workflows users copy: parsed as YAML and checked for what they promise. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";

const ROOT = join(__dirname, "..");
const workflow = (name: string): any => parse(readFileSync(join(ROOT, ".github/workflows", name), "utf8"));
const runs = (job: any): string => (job.steps ?? []).map((s: any) => s.run ?? "").join("\n");
const uses = (job: any): string[] => (job.steps ?? []).map((s: any) => s.uses).filter(Boolean);

describe("plan.yml (pull requests)", () => {
  const plan = workflow("plan.yml");

  test("runs on pull requests with OIDC, read-only contents, and permission to comment", () => {
    expect(Object.keys(plan.on)).toEqual(["pull_request"]);
    expect(plan.permissions).toEqual({ contents: "read", "id-token": "write", "pull-requests": "write" });
  });

  test("tests first, with terraform and shellcheck required", () => {
    const test = plan.jobs.test;
    expect(runs(test)).toMatch(/npm ci[\s\S]*npm test/);
    expect(test.steps.find((s: any) => s.run === "npm test").env).toEqual({ REQUIRE_TERRAFORM: "1", REQUIRE_SHELLCHECK: "1" });
    expect(uses(test)).toEqual(expect.arrayContaining([expect.stringMatching(/^hashicorp\/setup-terraform@/)]));
  });

  test("plans every environment with the plan role, and posts the summary with the guardrail report", () => {
    const job = plan.jobs.plan;
    expect(job.needs).toBe("test");
    expect(job.strategy.matrix.environment).toEqual(["dev", "prod"]);
    const credentials = job.steps.find((s: any) => String(s.uses).startsWith("aws-actions/configure-aws-credentials@"));
    expect(credentials.with["role-to-assume"]).toBe("${{ vars.MEDICARE_HUB_PLAN_ROLE_ARN }}");
    expect(runs(job)).toMatch(/npm run synth[\s\S]*npm run policy[\s\S]*terraform plan[\s\S]*terraform show -json[\s\S]*plan:summary/);
    expect(uses(job)).toContain("actions/github-script@v7");
  });
});

describe("deploy.yml (main)", () => {
  const deploy = workflow("deploy.yml");
  const environment = workflow("deploy-environment.yml");

  test("deploys dev, then prod only after dev, through the production environment's manual approval", () => {
    expect(Object.keys(deploy.on).sort()).toEqual(["push", "workflow_dispatch"]);
    expect(deploy.on.push.branches).toEqual(["main"]);
    expect(deploy.jobs.prod.needs).toBe("dev");
    expect(deploy.jobs.prod.with).toEqual({ stack: "medicare-hub-prod", "github-environment": "production" });
    expect(deploy.concurrency["cancel-in-progress"]).toBe(false);
  });

  test("applies exactly the plan it made, with the environment's deploy role", () => {
    const job = environment.jobs.deploy;
    expect(job.environment).toBe("${{ inputs.github-environment }}");
    expect(job.steps.find((s: any) => String(s.uses).startsWith("aws-actions/configure-aws-credentials@")).with["role-to-assume"]).toBe("${{ vars.MEDICARE_HUB_DEPLOY_ROLE_ARN }}");
    expect(runs(job)).toMatch(/terraform plan [^\n]*-out=plan.tfplan\n\s*terraform apply [^\n]*plan.tfplan/);
  });
});
