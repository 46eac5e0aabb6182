/** tools/ci-roles.ts: the CI roles' policies, generated from the synthesized stacks and shipped in docs/ci.md. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { DEFAULT_CONFIG } from "../../config/environments";
import { synthApp } from "../support/synth";
import {
  CI_DOC,
  EXAMPLE_REPOSITORY,
  GITHUB_ENVIRONMENTS,
  PR_PLAN_ENVIRONMENT,
  DEPLOY_JOB_WORKFLOW,
  DRIFT_WORKFLOW,
  PR_PLAN_WORKFLOW,
  ciRoles,
  ciRolesInputFromStack,
  ciRolesMarkdown,
  committedSection,
  replaceSection,
  rolesOfOutput,
  type CiRole,
} from "../../tools/ci-roles";

let roles: CiRole[];
let stack: (env: string) => any;

beforeAll(() => {
  const synth = synthApp();
  roles = rolesOfOutput(synth.outdir, EXAMPLE_REPOSITORY, DEFAULT_CONFIG.stateBackend.accountId);
  stack = (env) => JSON.parse(readFileSync(join(synth.stackDirs[`medicare-hub-${env}`], "cdk.tf.json"), "utf8"));
});

const role = (name: string) => roles.find((r) => r.name === name) as CiRole;
const conditions = (r: CiRole) => r.trustPolicy.Statement.map((s: any) => s.Condition);

test("docs/ci.md ships exactly the policies generated from the synthesized stacks", () => {
  const committed = committedSection(readFileSync(CI_DOC, "utf8"));
  const generated = ciRolesMarkdown(roles);
  if (committed !== generated) throw new Error("docs/ci.md's CI role policies are stale: run `node --require tsx/cjs tools/ci-roles.ts --doc`");
  expect(replaceSection(`a\n<!-- ci-roles -->\nold\n<!-- /ci-roles -->\nb`, "new")).toBe("a\n<!-- ci-roles -->\nnew\n<!-- /ci-roles -->\nb");
});

test("every environment has a plan role and a deploy role, in the account its provider is pinned to", () => {
  expect(roles.map((r) => r.arn)).toEqual([
    `arn:aws:iam::${DEFAULT_CONFIG.environments.dev.accountId}:role/medicare-hub-dev-ci-plan`,
    `arn:aws:iam::${DEFAULT_CONFIG.environments.dev.accountId}:role/medicare-hub-dev-ci-deploy`,
    `arn:aws:iam::${DEFAULT_CONFIG.environments.prod.accountId}:role/medicare-hub-prod-ci-plan`,
    `arn:aws:iam::${DEFAULT_CONFIG.environments.prod.accountId}:role/medicare-hub-prod-ci-deploy`,
  ]);
});

test("the deploy role trusts only its GitHub environment's apply job, from main's deploy workflow, for STS", () => {
  for (const env of ["dev", "prod"]) {
    expect(conditions(role(`medicare-hub-${env}-ci-deploy`))).toEqual([
      {
        StringEquals: {
          "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
          "token.actions.githubusercontent.com:sub": `repo:ORG/REPO:environment:${GITHUB_ENVIRONMENTS[env]}`,
          "token.actions.githubusercontent.com:ref": "refs/heads/main",
          "token.actions.githubusercontent.com:job_workflow_ref": `ORG/REPO/.github/workflows/${DEPLOY_JOB_WORKFLOW}@refs/heads/main`,
        },
      },
    ]);
  }
  expect(GITHUB_ENVIRONMENTS).toEqual({ dev: "dev", prod: "production" });
});

test("the plan role trusts the approved job of main's pr-plan.yml, main's deploy workflow and main's drift check, nothing else", () => {
  for (const env of ["dev", "prod"]) {
    expect(conditions(role(`medicare-hub-${env}-ci-plan`))).toEqual([
      {
        // A pull request edits plan.yml (the caller) at will; main's copy of the workflow it calls is the only one
        // whose jobs carry this job_workflow_ref, and the subject exists only after the pr-plan approval.
        StringEquals: {
          "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
          "token.actions.githubusercontent.com:sub": `repo:ORG/REPO:environment:${PR_PLAN_ENVIRONMENT}`,
          "token.actions.githubusercontent.com:job_workflow_ref": `ORG/REPO/.github/workflows/${PR_PLAN_WORKFLOW}@refs/heads/main`,
        },
      },
      {
        StringEquals: {
          "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
          "token.actions.githubusercontent.com:sub": "repo:ORG/REPO:ref:refs/heads/main",
          "token.actions.githubusercontent.com:ref": "refs/heads/main",
          "token.actions.githubusercontent.com:job_workflow_ref": `ORG/REPO/.github/workflows/${DEPLOY_JOB_WORKFLOW}@refs/heads/main`,
        },
      },
      {
        // The scheduled drift check: main's drift.yml on main (a manual run of another branch has that branch's ref).
        StringEquals: {
          "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
          "token.actions.githubusercontent.com:sub": "repo:ORG/REPO:ref:refs/heads/main",
          "token.actions.githubusercontent.com:ref": "refs/heads/main",
          "token.actions.githubusercontent.com:job_workflow_ref": `ORG/REPO/.github/workflows/${DRIFT_WORKFLOW}@refs/heads/main`,
        },
      },
    ]);
  }
  expect(DRIFT_WORKFLOW).toBe("drift.yml");
  expect(JSON.stringify(role("medicare-hub-prod-ci-plan").trustPolicy)).not.toMatch(/ForAllValues|StringLike|refs\/pull|pull_request"|\*/);
});

test("state access follows each stack's own backend block: its key, lock file, lock items and key alias", () => {
  for (const env of ["dev", "prod"]) {
    const backend = stack(env).terraform.backend.s3;
    const state = JSON.stringify(role(`medicare-hub-${env}-ci-plan`).inlinePolicies[0].policy);
    expect(state).toContain(`"arn:aws:s3:::${backend.bucket}/${backend.key}"`);
    expect(state).toContain(`"arn:aws:s3:::${backend.bucket}/${backend.key}.tflock"`);
    expect(state).toContain(`table/${backend.dynamodb_table}"`);
    expect(state).toContain(`"${backend.bucket}/${backend.key}-md5"`);
    expect(state).toContain(`"kms:ResourceAliases":"${backend.kms_key_id}"`);
    expect(state).not.toContain(env === "dev" ? "medicare-hub/prod/" : "medicare-hub/dev/");
  }
});

test("the only objects outside the state the plan role may read are those Terraform manages (refresh is a HeadObject)", () => {
  // The canary's code zip (every environment) and the maintenance page (prod).
  const canaryCode = (env: string) => expect.stringMatching(new RegExp(`^medicare-hub-${env}-canary-\\d{12}-[a-z0-9-]+/code/journey\\.zip$`));
  expect(ciRolesInputFromStack(stack("dev"), { repository: "ORG/REPO", environment: "dev", stateAccountId: "123456789012" }).terraformManagedObjects).toEqual([canaryCode("dev")]);
  const prod = ciRolesInputFromStack(stack("prod"), { repository: "ORG/REPO", environment: "prod", stateAccountId: "123456789012" });
  expect(prod.terraformManagedObjects).toEqual([canaryCode("prod"), expect.stringMatching(/^medicare-hub-prod-maintenance-\d{12}-[a-z0-9-]+\/index\.html$/)]);
  const guard = role("medicare-hub-prod-ci-plan").inlinePolicies[1].policy.Statement.find((s: any) => s.Sid === "DenyObjectReadsOutsideStateAndManagedObjects") as any;
  for (const object of prod.terraformManagedObjects) expect(guard.NotResource).toContain(`arn:aws:s3:::${object}`);
});

test("immutable subjects carry the ids; workflow references keep the names", () => {
  const input = ciRolesInputFromStack(stack("prod"), { repository: "acme@123/hub@456", environment: "prod", stateAccountId: "123456789012" });
  const [deploy] = conditions(ciRoles(input)[1]);
  expect(deploy.StringEquals["token.actions.githubusercontent.com:sub"]).toBe("repo:acme@123/hub@456:environment:production");
  expect(deploy.StringEquals["token.actions.githubusercontent.com:job_workflow_ref"]).toBe("acme/hub/.github/workflows/deploy-environment.yml@refs/heads/main");
  const [pr] = conditions(ciRoles(input)[0]);
  expect(pr.StringEquals["token.actions.githubusercontent.com:job_workflow_ref"]).toBe("acme/hub/.github/workflows/pr-plan.yml@refs/heads/main");
});

test("bad input is refused, saying what was given and what is allowed", () => {
  const input = ciRolesInputFromStack(stack("prod"), { repository: "ORG/REPO", environment: "prod", stateAccountId: "123456789012" });
  expect(() => ciRoles({ ...input, repository: "ORG/REPO:ref:refs/heads/*" })).toThrow(/repository "ORG\/REPO:ref:refs\/heads\/\*" must be ORG\/REPO/);
  expect(() => ciRoles({ ...input, environment: "staging" })).toThrow(/environment "staging" has no GitHub environment; known: dev, prod/);
  expect(() => ciRolesInputFromStack({ terraform: {} }, { repository: "ORG/REPO", environment: "dev", stateAccountId: "123456789012" })).toThrow(/no S3 backend/);
});
