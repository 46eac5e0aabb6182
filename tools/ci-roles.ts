/**
 * The two IAM roles the GitHub workflows assume, per environment, as policy JSON generated from the synthesized
 * stacks: docs/ci.md ships this output (a test keeps it equal), and the run-time authorization rows evaluate it.
 *
 * - plan role `medicare-hub-<env>-ci-plan`: assumed by the approved pull-request plan job (GitHub environment
 *   `pr-plan`) of main's reusable `pr-plan.yml` (a pull request can edit `plan.yml`, never main's copy of the workflow
 *   it calls), and by the plan jobs of the deploy workflow and of the scheduled drift check (`drift.yml`) on `main`.
 *   ReadOnlyAccess lets Terraform refresh every resource; its own statements read this environment's state and take
 *   its lock; explicit denials remove what ReadOnlyAccess (or anything attached later) would otherwise allow: patient
 *   data, logs, secrets, and every state write.
 * - deploy role `medicare-hub-<env>-ci-deploy`: assumed only by the apply job in the environment's GitHub environment
 *   (`dev`, `production`: required reviewers, deployment branch `main`). AdministratorAccess, because apply creates
 *   roles, keys and policies; explicit denials keep CI from erasing state history or rewriting its own roles.
 *
 * Usage: node --require tsx/cjs tools/ci-roles.ts --repository ORG/REPO [--env dev|prod] [--doc]
 *   --repository  the repository part of GitHub's OIDC subject: ORG/REPO, or ORG@<org id>/REPO@<repo id> for
 *                 repositories that emit immutable subject claims
 *   --env         only this environment (default: every environment)
 *   --doc         rewrite docs/ci.md's generated section (committed configuration, repository ORG/REPO)
 * Without --doc it prints a JSON object per role (name, trust policy, managed policy ARNs, inline policies) for the
 * configuration named by MEDICARE_HUB_CONFIG_OVERRIDES, like `npm run synth`.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { OVERRIDE_FILE_ENV, loadConfig } from "../config/load";
import { GITHUB_OIDC_HOST, deployGuardPolicy, document, planGuardPolicy, planStatePolicy, type CiRolesInput, type PolicyDocument } from "./ci-role-policies";
import { withSynthesizedOutput } from "./synthesized";
import { UsageError, flag, runCommand, type CommandLine } from "./cli";

export { GITHUB_OIDC_HOST, deployGuardPolicy, planGuardPolicy, planStatePolicy } from "./ci-role-policies";
export type { CiRolesInput, PolicyDocument, StateLocation, Statement } from "./ci-role-policies";

export const STS_AUDIENCE = "sts.amazonaws.com";
/** The GitHub environment whose required reviewers approve a pull request's plan before it gets credentials. */
export const PR_PLAN_ENVIRONMENT = "pr-plan";
/** The only branch the deploy workflow runs on, and whose plan job (no GitHub environment) may use the plan role. */
export const DEPLOY_BRANCH = "main";
/** The pull-request workflow: runs the pull request's code without credentials and calls PR_PLAN_WORKFLOW at main. */
export const PLAN_WORKFLOW = "plan.yml";
/**
 * The reusable workflow whose approved plan job uses the plan role on pull requests. plan.yml calls it as
 * `ORG/REPO/.github/workflows/pr-plan.yml@main`, so it always runs main's copy: on `pull_request` the caller comes from
 * the pull request, and `./.github/workflows/…` would run the pull request's copy too. GitHub names the callee at the
 * ref it was called at in the `job_workflow_ref` claim, which the plan role requires.
 */
export const PR_PLAN_WORKFLOW = "pr-plan.yml";
/** The reusable workflow whose plan and apply jobs run on main (deploy.yml calls it once per environment). */
export const DEPLOY_JOB_WORKFLOW = "deploy-environment.yml";
/** The scheduled drift check: its plan job runs on main, with main's code, and holds the plan role. */
export const DRIFT_WORKFLOW = "drift.yml";
/** GitHub environment of each environment's apply job (the deploy role trusts only its subject). */
export const GITHUB_ENVIRONMENTS: Readonly<Record<string, string>> = { dev: "dev", prod: "production" };
/** The repository the committed docs are generated for. */
export const EXAMPLE_REPOSITORY = "ORG/REPO";

const READ_ONLY_ACCESS = "arn:aws:iam::aws:policy/ReadOnlyAccess";
const ADMINISTRATOR_ACCESS = "arn:aws:iam::aws:policy/AdministratorAccess";
const REPOSITORY = /^[A-Za-z0-9-]+(@\d+)?\/[A-Za-z0-9._-]+(@\d+)?$/;

export interface CiRole {
  readonly name: string;
  readonly arn: string;
  readonly description: string;
  readonly trustPolicy: PolicyDocument;
  readonly managedPolicyArns: readonly string[];
  readonly inlinePolicies: readonly { readonly name: string; readonly policy: PolicyDocument }[];
}


/** The OIDC `sub` GitHub gives a job: with an environment, a ref, or a pull request (default subject template). */
export function oidcSubject(repository: string, of: { environment: string } | { ref: string } | "pull_request"): string {
  if (of === "pull_request") return `repo:${repository}:pull_request`;
  return "environment" in of ? `repo:${repository}:environment:${of.environment}` : `repo:${repository}:ref:${of.ref}`;
}

export const planRoleName = (environment: string) => `medicare-hub-${environment}-ci-plan`;
export const deployRoleName = (environment: string) => `medicare-hub-${environment}-ci-deploy`;

/** `ORG/REPO` without the immutable ids: how `job_workflow_ref` names the repository. */
const repositoryName = (repository: string) => repository.replace(/@\d+/g, "");

/** A job's token claims a trust statement requires, besides the audience. */
interface TrustedJob {
  readonly sid: string;
  readonly subject: string;
  /** Exact `ref` claim, if required, and the exact `job_workflow_ref` claim (always required). */
  readonly ref?: string;
  readonly workflow: string;
}

function trustPolicy(input: CiRolesInput, jobs: readonly TrustedJob[]): PolicyDocument {
  const partition = input.partition ?? "aws";
  const claim = (name: string) => `${GITHUB_OIDC_HOST}:${name}`;
  return document(
    ...jobs.map((job) => ({
      Sid: job.sid,
      Effect: "Allow",
      Principal: { Federated: `arn:${partition}:iam::${input.accountId}:oidc-provider/${GITHUB_OIDC_HOST}` },
      Action: "sts:AssumeRoleWithWebIdentity",
      // StringEquals / StringLike on each claim; never ForAllValues, which is true when a claim is missing.
      Condition: {
        StringEquals: {
          [claim("aud")]: STS_AUDIENCE,
          [claim("sub")]: job.subject,
          ...(job.ref ? { [claim("ref")]: job.ref } : {}),
          [claim("job_workflow_ref")]: job.workflow,
        },
      },
    })),
  );
}

/** The workflow file (in this repository) whose jobs may assume a role, at a ref: the `job_workflow_ref` claim. */
export const workflowRef = (repository: string, file: string, ref: string) => `${repositoryName(repository)}/.github/workflows/${file}@${ref}`;

/** How a workflow calls PR_PLAN_WORKFLOW pinned to the default branch (the `uses:` of plan.yml's plan job). */
export const prPlanCall = (repository: string) => `${repositoryName(repository)}/.github/workflows/${PR_PLAN_WORKFLOW}@${DEPLOY_BRANCH}`;

/** The plan and deploy roles of one environment. Invalid input throws, saying what was given and what is allowed. */
export function ciRoles(input: CiRolesInput): CiRole[] {
  if (!REPOSITORY.test(input.repository)) throw new Error(`repository "${input.repository}" must be ORG/REPO (or ORG@<org id>/REPO@<repo id>)`);
  if (!/^\d{12}$/.test(input.accountId)) throw new Error(`accountId "${input.accountId}" must be a 12-digit AWS account id`);
  const githubEnvironment = GITHUB_ENVIRONMENTS[input.environment];
  if (!githubEnvironment) throw new Error(`environment "${input.environment}" has no GitHub environment; known: ${Object.keys(GITHUB_ENVIRONMENTS).join(", ")}`);
  const roleArn = (name: string) => `arn:${input.partition ?? "aws"}:iam::${input.accountId}:role/${name}`;
  const plan = planRoleName(input.environment);
  const deploy = deployRoleName(input.environment);
  const main = `refs/heads/${DEPLOY_BRANCH}`;
  return [
    {
      name: plan,
      arn: roleArn(plan),
      description: `Terraform plan of medicare-hub-${input.environment}: approved pull requests (${PR_PLAN_ENVIRONMENT}, ${DEPLOY_BRANCH}'s ${PR_PLAN_WORKFLOW}), the deploy workflow and the drift check on ${DEPLOY_BRANCH}`,
      trustPolicy: trustPolicy(input, [
        {
          // The approval (environment subject) and main's copy of the reusable workflow: a pull request edits the
          // caller (plan.yml) at will, but a job of an edited file has a job_workflow_ref at refs/pull/<n>/merge.
          sid: "ApprovedPullRequestPlan",
          subject: oidcSubject(input.repository, { environment: PR_PLAN_ENVIRONMENT }),
          workflow: workflowRef(input.repository, PR_PLAN_WORKFLOW, main),
        },
        {
          sid: "DeployWorkflowPlanOnMain",
          subject: oidcSubject(input.repository, { ref: main }),
          ref: main,
          workflow: workflowRef(input.repository, DEPLOY_JOB_WORKFLOW, main),
        },
        {
          // Scheduled runs are main's; a manual run of another branch carries that branch's ref and is refused.
          sid: "DriftCheckPlanOnMain",
          subject: oidcSubject(input.repository, { ref: main }),
          ref: main,
          workflow: workflowRef(input.repository, DRIFT_WORKFLOW, main),
        },
      ]),
      managedPolicyArns: [READ_ONLY_ACCESS],
      inlinePolicies: [
        { name: "terraform-state", policy: planStatePolicy(input) },
        { name: "deny-data-and-state-writes", policy: planGuardPolicy(input) },
      ],
    },
    {
      name: deploy,
      arn: roleArn(deploy),
      description: `Terraform apply of medicare-hub-${input.environment}: only the apply job in the ${githubEnvironment} GitHub environment`,
      // The environment's subject is the same for a job of any branch: the ref and workflow claims pin main's own
      // deploy workflow, should the environment's deployment-branch rule be loosened by mistake.
      trustPolicy: trustPolicy(input, [
        { sid: "ApplyInEnvironmentFromMain", subject: oidcSubject(input.repository, { environment: githubEnvironment }), ref: main, workflow: workflowRef(input.repository, DEPLOY_JOB_WORKFLOW, main) },
      ]),
      managedPolicyArns: [ADMINISTRATOR_ACCESS],
      inlinePolicies: [{ name: "deny-state-erasure-and-ci-changes", policy: deployGuardPolicy(input) }],
    },
  ];
}

// ------------------------------------------------------------------------------------------------------------------
// From a synthesized environment stack

interface S3Backend {
  readonly bucket: string;
  readonly key: string;
  readonly region: string;
  readonly dynamodb_table: string;
  readonly kms_key_id: string;
}

export interface StackJson {
  readonly terraform?: { readonly backend?: { readonly s3?: S3Backend } };
  readonly provider?: { readonly aws?: readonly { alias?: string; allowed_account_ids?: string[] }[] };
  readonly resource?: Readonly<Record<string, Readonly<Record<string, Readonly<Record<string, unknown>>>>>>;
}

/** The input for one environment stack, read from its synthesized JSON (backend block, provider, aws_s3_object). */
export function ciRolesInputFromStack(stack: StackJson, options: { repository: string; environment: string; stateAccountId: string }): CiRolesInput {
  const backend = stack.terraform?.backend?.s3;
  if (!backend) throw new Error(`medicare-hub-${options.environment} has no S3 backend: the CI roles read state from one`);
  const accountId = (stack.provider?.aws ?? []).find((p) => !p.alias)?.allowed_account_ids?.[0];
  if (!accountId) throw new Error(`medicare-hub-${options.environment}: its AWS provider names no allowed_account_ids`);
  const buckets = stack.resource?.aws_s3_bucket ?? {};
  const bucketName = (value: unknown): string => {
    const reference = /^\$\{aws_s3_bucket\.([\w-]+)\.(id|bucket)\}$/.exec(String(value));
    const name = reference ? buckets[reference[1]]?.bucket : value;
    if (typeof name !== "string" || name.includes("${")) throw new Error(`cannot tell which bucket ${String(value)} names`);
    return name;
  };
  const objects = Object.values(stack.resource?.aws_s3_object ?? {}).map((o) => `${bucketName(o.bucket)}/${String(o.key)}`);
  return {
    repository: options.repository,
    environment: options.environment,
    accountId,
    state: { accountId: options.stateAccountId, region: backend.region, bucket: backend.bucket, key: backend.key, lockTable: backend.dynamodb_table, kmsKeyAlias: backend.kms_key_id },
    terraformManagedObjects: objects.sort(),
  };
}

// ------------------------------------------------------------------------------------------------------------------
// docs/ci.md

export const CI_DOC = join(__dirname, "..", "docs", "ci.md");
export const CI_DOC_MARKERS = ["<!-- ci-roles -->", "<!-- /ci-roles -->"] as const;

const json = (value: unknown) => ["```json", JSON.stringify(value, null, 2), "```"];

/** The generated section: every role of every environment, exactly as `ciRoles` returns it. */
export function ciRolesMarkdown(roles: readonly CiRole[]): string {
  const lines = [
    "<!-- Generated by tools/ci-roles.ts from the synthesized stacks (committed configuration, repository ORG/REPO);",
    "     `node --require tsx/cjs tools/ci-roles.ts --doc` rewrites it, and a test keeps it equal. -->",
  ];
  for (const role of roles) {
    lines.push("", `#### \`${role.name}\``, "", `${role.description}. Attach: ${role.managedPolicyArns.map((a) => `\`${a}\``).join(", ")}.`);
    lines.push("", "<details><summary>Trust policy and inline policies (JSON)</summary>", "", "Trust policy:", "", ...json(role.trustPolicy));
    for (const inline of role.inlinePolicies) lines.push("", `Inline policy \`${inline.name}\`:`, "", ...json(inline.policy));
    lines.push("", "</details>");
  }
  return lines.join("\n");
}

/** `text` with the part between the markers replaced by `section`. */
export function replaceSection(text: string, section: string): string {
  const [open, close] = CI_DOC_MARKERS;
  const start = text.indexOf(open);
  const end = text.indexOf(close);
  if (start < 0 || end < start) throw new Error(`docs/ci.md lacks the ${open} … ${close} markers`);
  return `${text.slice(0, start + open.length)}\n${section}\n${text.slice(end)}`;
}

/** The part of docs/ci.md between the markers, as committed. */
export function committedSection(text: string): string {
  const [open, close] = CI_DOC_MARKERS;
  return text.slice(text.indexOf(open) + open.length, text.indexOf(close)).replace(/^\n/, "").replace(/\n$/, "");
}

// ------------------------------------------------------------------------------------------------------------------
// Command line

/** Every environment's roles from a synth output directory. */
export function rolesOfOutput(outdir: string, repository: string, stateAccountId: string, only?: string): CiRole[] {
  return Object.keys(GITHUB_ENVIRONMENTS)
    .filter((environment) => !only || environment === only)
    .flatMap((environment) => {
      const stack = JSON.parse(readFileSync(join(outdir, "stacks", `medicare-hub-${environment}`, "cdk.tf.json"), "utf8")) as StackJson;
      return ciRoles(ciRolesInputFromStack(stack, { repository, environment, stateAccountId }));
    });
}

const USAGE = "npm run ci:roles -- --repository ORG/REPO [--env dev|prod]   |   npm run ci:roles -- --doc (rewrite docs/ci.md)";

function main(line: CommandLine): Promise<number> {
  const doc = line.values.doc === true;
  const repository = doc ? EXAMPLE_REPOSITORY : flag(line, "repository");
  if (!repository) throw new UsageError(`--repository is required (or --doc)\nusage: ${USAGE}`);
  // The committed docs describe the committed configuration, whatever the caller's environment says.
  if (doc) delete process.env[OVERRIDE_FILE_ENV];
  return withSynthesizedOutput((outdir) => {
    const config = loadConfig();
    const roles = rolesOfOutput(outdir, repository, config.stateBackend.accountId, flag(line, "env"));
    if (doc) {
      writeFileSync(CI_DOC, replaceSection(readFileSync(CI_DOC, "utf8"), ciRolesMarkdown(roles)));
      console.log(`rewrote ${resolve(CI_DOC)}`);
      return;
    }
    const elsewhere = roles.filter((r) => !r.arn.includes(`:${config.stateBackend.accountId}:`));
    if (elsewhere.length) console.error(`note: the state is in account ${config.stateBackend.accountId}; grant ${elsewhere.map((r) => r.name).join(", ")} in its bucket and key policies too`);
    console.log(JSON.stringify(roles, null, 2));
  });
}

if (require.main === module) runCommand({ usage: USAGE, options: { repository: { type: "string" }, env: { type: "string" }, doc: { type: "boolean" } } }, main);
