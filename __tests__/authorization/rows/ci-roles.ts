/**
 * The roles GitHub Actions assumes (tools/ci-roles.ts, the policies docs/ci.md ships), generated from each
 * environment stack's own backend block, and asked what CI does and what a hostile pull request would try. The trust
 * rows present a job's OIDC token claims to the role's trust policy; the permission rows evaluate the generated
 * policies against the synthesized state, buckets and log groups.
 */
import { DRIFT_WORKFLOW, EXAMPLE_REPOSITORY, GITHUB_ENVIRONMENTS, GITHUB_OIDC_HOST, PR_PLAN_ENVIRONMENT, PR_PLAN_WORKFLOW, ciRoles, ciRolesInputFromStack, oidcSubject, workflowRef, type CiRole } from "../../../tools/ci-roles";
import { ACCOUNT, sym, via, type AuthorizationRow, type Principal, type Scope, type Source, type Value } from "../row";
import { accessLogBucket, appLogGroup, originBucket, originObjectKey, stateBucket, stateKey } from "../selectors";
import { managedPolicies } from "../world";
import { SOURCES } from "./sources";

const page = (title: string, url: string): Source => ({ title, url });
const CI_SOURCES = {
  oidcRole: page("Create a role for OpenID Connect federation (IAM User Guide)", "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_oidc.html"),
  oidcKeys: page("Available keys for AWS OIDC federation (IAM User Guide)", "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#condition-keys-wif"),
  stsKeys: page("Actions, resources, and condition keys for AWS Security Token Service (Service Authorization Reference)", "https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssecuritytokenservice.html"),
  s3Kms: page("Using server-side encryption with AWS KMS keys (SSE-KMS)", "https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html"),
  kmsAliases: page("Use aliases to control access to KMS keys", "https://docs.aws.amazon.com/kms/latest/developerguide/alias-authorization.html"),
  dynamodbConditions: page("Using IAM policy conditions for fine-grained access control (Amazon DynamoDB)", "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/specifying-conditions.html"),
  headObject: page("HeadObject (Amazon S3 API Reference)", "https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html"),
} as const;

// ------------------------------------------------------------------------------------------------------------------
// The roles, generated for the row's stack

const environmentOf = (s: Scope) => s.stackId.replace(/^medicare-hub-/, "");
const backendOf = (s: Scope, stackId = s.stackId) => (s.world.stacks[stackId] as any).terraform.backend.s3;

function rolesOf(s: Scope): { plan: CiRole; deploy: CiRole } {
  const input = ciRolesInputFromStack(s.world.stacks[s.stackId] as any, { repository: EXAMPLE_REPOSITORY, environment: environmentOf(s), stateAccountId: s.stack("state").account });
  const [plan, deploy] = ciRoles(input);
  return { plan, deploy };
}

const inline = (role: CiRole) => role.inlinePolicies.map((p) => ({ name: `${role.name} ${p.name}`, policy: p.policy }));

const PLAN_ROLE: Principal = {
  label: "CI plan role `medicare-hub-<env>-ci-plan`, its own statements (tools/ci-roles.ts)",
  resolve: (s) => ({ arn: rolesOf(s).plan.arn, identityPolicies: inline(rolesOf(s).plan) }),
};

/** ReadOnlyAccess is replaced by its upper bound: the denials must hold whatever AWS puts in it. */
const PLAN_ROLE_UNBOUNDED: Principal = {
  label: "CI plan role, with ReadOnlyAccess modelled as allowing every action",
  resolve: (s) => ({
    arn: rolesOf(s).plan.arn,
    identityPolicies: [...inline(rolesOf(s).plan), { name: "ReadOnlyAccess (upper bound)", policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] } }],
  }),
};

function administratorAccess() {
  const policy = managedPolicies().get("arn:aws:iam::aws:policy/AdministratorAccess");
  if (!policy) throw new Error("AdministratorAccess is not vendored in __tests__/authorization/managed-policies/");
  return policy;
}

const DEPLOY_ROLE: Principal = {
  label: "CI deploy role `medicare-hub-<env>-ci-deploy` with AdministratorAccess (tools/ci-roles.ts)",
  resolve: (s) => ({ arn: rolesOf(s).deploy.arn, identityPolicies: [...inline(rolesOf(s).deploy), administratorAccess()] }),
};

/** A job's OIDC token, presented to STS by GitHub's identity provider in the role's account. */
const GITHUB_OIDC: Principal = {
  label: `GitHub Actions job (federated: \`oidc-provider/${GITHUB_OIDC_HOST}\`)`,
  resolve: (s) => ({ arn: `arn:aws:iam::${s.account}:oidc-provider/${GITHUB_OIDC_HOST}`, identityPolicies: [] }),
};

// ------------------------------------------------------------------------------------------------------------------
// Resources and claims

const PLAN_ROLE_ARN = sym("`medicare-hub-<env>-ci-plan`", (s) => rolesOf(s).plan.arn);
const DEPLOY_ROLE_ARN = sym("`medicare-hub-<env>-ci-deploy`", (s) => rolesOf(s).deploy.arn);
const planTrust = (s: Scope) => rolesOf(s).plan.trustPolicy;
const deployTrust = (s: Scope) => rolesOf(s).deploy.trustPolicy;

const STATE_OBJECT = sym("<state bucket ARN>/<the stack's backend key>", (s) => `${s.world.attribute(stateBucket(s), "arn")}/${backendOf(s).key}`);
const LOCK_FILE = sym("<state bucket ARN>/<the stack's backend key>.tflock", (s) => `${s.world.attribute(stateBucket(s), "arn")}/${backendOf(s).key}.tflock`);
const OTHER_STATE_OBJECT = sym("<state bucket ARN>/<the other environment's backend key>", (s) => {
  const other = s.stackId.endsWith("-dev") ? s.stack("prod") : s.stack("dev");
  return `${s.world.attribute(stateBucket(s), "arn")}/${backendOf(s, other.stackId).key}`;
});
const LOCK_TABLE = sym("<lock table ARN> (the state stack's lock_table_name output)", (s) => {
  const state = s.stack("state");
  const table = s.world.follow(state.stackId, s.world.stacks[state.stackId].output?.lock_table_name?.value, "aws_dynamodb_table");
  return `arn:aws:dynamodb:${state.region}:${state.account}:table/${table.values.name}`;
});
const LOCK_ITEM = sym("<bucket>/<key>", (s) => `${backendOf(s).bucket}/${backendOf(s).key}`);
const DIGEST_ITEM = sym("<bucket>/<key>-md5", (s) => `${backendOf(s).bucket}/${backendOf(s).key}-md5`);
const STATE_KEY = sym("the state key (the state stack's kms_key_arn output)", (s) => s.world.attribute(stateKey(s), "arn"));
/** The aliases AWS reports for the state key: those the state stack points at it. */
const STATE_KEY_ALIASES = sym("the state key's alias", (s) => {
  const state = s.stack("state");
  const key = stateKey(s);
  const aliases = s.world.resources(state.stackId, "aws_kms_alias").filter((a) => s.world.referenced(state.stackId, a.values.target_key_id, "aws_kms_key")?.name === key.name);
  if (aliases.length !== 1) throw new Error(`expected one alias of the state key, found ${aliases.length}`);
  return aliases[0].values.name;
});
const ALB_LOG_OBJECT = sym("<ALB access-log bucket ARN>/AWSLogs/<account>/elasticloadbalancing/<file>", (s) => `${s.world.attribute(accessLogBucket(s), "arn")}/AWSLogs/${s.account}/elasticloadbalancing/${s.region}/2025/01/01/x.log.gz`);
const APP_LOG_STREAM = sym("<app log group ARN>:log-stream:<instance>", (s) => `${s.world.attribute(appLogGroup(s), "arn")}:log-stream:i-0123456789abcdef0`);
const MAINTENANCE_PAGE = sym("<maintenance bucket ARN>/<page key>", (s) => `${s.world.attribute(originBucket(s), "arn")}/${originObjectKey(s)}`);

/** What the S3 backend sends with a write (`encrypt = true`, `kms_key_id` = the state key's alias). */
const BACKEND_WRITE: Readonly<Record<string, Value>> = {
  "s3:x-amz-server-side-encryption": "aws:kms",
  "s3:x-amz-server-side-encryption-aws-kms-key-id": sym("<the backend's kms_key_id>", (s) => backendOf(s).kms_key_id),
};

const claim = (name: string) => `${GITHUB_OIDC_HOST}:${name}`;
const REPO = EXAMPLE_REPOSITORY;
const DEPLOY_WORKFLOW_ON_MAIN = `${REPO}/.github/workflows/deploy-environment.yml@refs/heads/main`;
const applySubject = (repository: string) => sym(`repo:${repository}:environment:<dev, production>`, (s) => oidcSubject(repository, { environment: GITHUB_ENVIRONMENTS[environmentOf(s)] }));

/** The claims of a job's token. */
function token(sub: Value, ref: string, workflow: string, aud = "sts.amazonaws.com"): Readonly<Record<string, Value>> {
  return { [claim("aud")]: aud, [claim("sub")]: sub, [claim("ref")]: ref, [claim("job_workflow_ref")]: workflow };
}

const TRUST_SOURCES = [CI_SOURCES.oidcRole, CI_SOURCES.oidcKeys, CI_SOURCES.stsKeys];
const ENVS = ["dev", "prod"] as const;

const trustRow = (id: string, request: string, role: "plan" | "deploy", context: Readonly<Record<string, Value>>, expected: AuthorizationRow["expected"], why?: string): AuthorizationRow => ({
  id,
  request,
  stacks: ENVS,
  principal: GITHUB_OIDC,
  action: "sts:AssumeRoleWithWebIdentity",
  resource: role === "plan" ? PLAN_ROLE_ARN : DEPLOY_ROLE_ARN,
  resourcePolicy: role === "plan" ? planTrust : deployTrust,
  context,
  expected,
  source: TRUST_SOURCES,
  ...(why ? { why } : {}),
});

/** plan.yml as a pull request has it: on pull_request, GitHub runs the pull request's copy. */
const PR_WORKFLOW = `${REPO}/.github/workflows/plan.yml@refs/pull/42/merge`;
/** main's pr-plan.yml, called by a pull request's plan.yml at main: GitHub names the callee at the ref it was called at. */
const PR_PLAN_ON_MAIN = workflowRef(REPO, PR_PLAN_WORKFLOW, "refs/heads/main");
const PR_PLAN_SUBJECT = oidcSubject(REPO, { environment: PR_PLAN_ENVIRONMENT });
/** main's scheduled drift check (drift.yml), whose plan job runs on main without a GitHub environment. */
const DRIFT_ON_MAIN = workflowRef(REPO, DRIFT_WORKFLOW, "refs/heads/main");

export const CI_ROLE_ROWS: readonly AuthorizationRow[] = [
  trustRow("AZ-CI-1", "The apply job in the stack's GitHub environment, from main's deploy workflow, assumes the deploy role", "deploy", token(applySubject(REPO), "refs/heads/main", DEPLOY_WORKFLOW_ON_MAIN), "Allowed"),
  trustRow(
    "AZ-CI-2",
    "A pull request's job (no environment) assumes the deploy role",
    "deploy",
    token(oidcSubject(REPO, "pull_request"), "refs/pull/42/merge", PR_WORKFLOW),
    "Denied",
    "A job gets the subject `repo:ORG/REPO:pull_request` without anyone's approval: anyone who can open a pull request could deploy.",
  ),
  trustRow("AZ-CI-3", "An approved pull-request plan job (environment pr-plan, main's pr-plan.yml) assumes the deploy role", "deploy", token(PR_PLAN_SUBJECT, "refs/pull/42/merge", PR_PLAN_ON_MAIN), "Denied"),
  trustRow(
    "AZ-CI-4",
    "A job of another branch that names the stack's GitHub environment assumes the deploy role",
    "deploy",
    token(applySubject(REPO), "refs/heads/feature", `${REPO}/.github/workflows/deploy-environment.yml@refs/heads/feature`),
    "Denied",
    "A job of any branch that names an environment gets that environment's subject; the deployment-branch rule is the only other thing in the way, so the trust policy also requires main's deploy workflow.",
  ),
  trustRow("AZ-CI-5", "A job on main without an environment (no approval) assumes the deploy role", "deploy", token(oidcSubject(REPO, { ref: "refs/heads/main" }), "refs/heads/main", DEPLOY_WORKFLOW_ON_MAIN), "Denied"),
  trustRow("AZ-CI-6", "Another repository's production job assumes the deploy role", "deploy", token(applySubject("ORG/OTHER-REPO"), "refs/heads/main", "ORG/OTHER-REPO/.github/workflows/deploy-environment.yml@refs/heads/main"), "Denied"),
  trustRow("AZ-CI-7", "A token minted for another audience assumes the deploy role", "deploy", token(applySubject(REPO), "refs/heads/main", DEPLOY_WORKFLOW_ON_MAIN, "https://github.com/ORG"), "Denied"),
  trustRow(
    "AZ-CI-8",
    "The approved pull-request plan job (environment pr-plan) of main's pr-plan.yml, called by a pull request's plan.yml, assumes the plan role",
    "plan",
    token(PR_PLAN_SUBJECT, "refs/pull/42/merge", PR_PLAN_ON_MAIN),
    "Allowed",
  ),
  trustRow("AZ-CI-9", "A pull request's job of main's pr-plan.yml that skipped the approval (no environment) assumes the plan role", "plan", token(oidcSubject(REPO, "pull_request"), "refs/pull/42/merge", PR_PLAN_ON_MAIN), "Denied"),
  trustRow("AZ-CI-10", "The deploy workflow's plan job on main assumes the plan role", "plan", token(oidcSubject(REPO, { ref: "refs/heads/main" }), "refs/heads/main", DEPLOY_WORKFLOW_ON_MAIN), "Allowed"),
  trustRow("AZ-CI-11", "Another workflow on main assumes the plan role", "plan", token(oidcSubject(REPO, { ref: "refs/heads/main" }), "refs/heads/main", `${REPO}/.github/workflows/other.yml@refs/heads/main`), "Denied"),
  trustRow(
    "AZ-CI-26",
    "An approved job (environment pr-plan) of plan.yml as a pull request rewrote it assumes the plan role",
    "plan",
    token(PR_PLAN_SUBJECT, "refs/pull/42/merge", PR_WORKFLOW),
    "Denied",
    "On pull_request GitHub runs the pull request's copy of plan.yml: a job it defines could check out and run anything once approved. Only main's pr-plan.yml, which the pull request cannot change, gets the plan role.",
  ),
  trustRow(
    "AZ-CI-27",
    "An approved job (environment pr-plan) of the pull request's own copy of pr-plan.yml (called as ./.github/workflows/pr-plan.yml) assumes the plan role",
    "plan",
    token(PR_PLAN_SUBJECT, "refs/pull/42/merge", workflowRef(REPO, PR_PLAN_WORKFLOW, "refs/pull/42/merge")),
    "Denied",
    "A local call runs the callee from the caller's commit, the pull request's: its job_workflow_ref is at refs/pull/<n>/merge, not main.",
  ),
  trustRow(
    "AZ-CI-28",
    "An approved job (environment pr-plan) of another workflow file on main assumes the plan role",
    "plan",
    token(PR_PLAN_SUBJECT, "refs/pull/42/merge", `${REPO}/.github/workflows/other.yml@refs/heads/main`),
    "Denied",
  ),
  trustRow("AZ-CI-29", "The drift check's plan job (main's drift.yml, scheduled or run by hand on main) assumes the plan role", "plan", token(oidcSubject(REPO, { ref: "refs/heads/main" }), "refs/heads/main", DRIFT_ON_MAIN), "Allowed"),
  trustRow(
    "AZ-CI-30",
    "The drift check's plan job, run by hand on another branch (that branch's drift.yml), assumes the plan role",
    "plan",
    token(oidcSubject(REPO, { ref: "refs/heads/feature" }), "refs/heads/feature", workflowRef(REPO, DRIFT_WORKFLOW, "refs/heads/feature")),
    "Denied",
    "workflow_dispatch runs the chosen branch's copy of drift.yml, which anyone who can push a branch can rewrite; only main's copy, on main, may plan.",
  ),
  trustRow("AZ-CI-31", "The drift check's plan job assumes the deploy role", "deploy", token(oidcSubject(REPO, { ref: "refs/heads/main" }), "refs/heads/main", DRIFT_ON_MAIN), "Denied"),
  {
    id: "AZ-CI-12",
    request: "The plan role reads the stack's state",
    stacks: ENVS,
    principal: PLAN_ROLE,
    action: "s3:GetObject",
    resource: STATE_OBJECT,
    expected: "Allowed",
    source: [SOURCES.evaluationLogic],
  },
  {
    id: "AZ-CI-13",
    request: "The plan role reads the stack's state: S3 decrypts it with the state key",
    stacks: ENVS,
    principal: PLAN_ROLE,
    action: "kms:Decrypt",
    resource: STATE_KEY,
    context: { "kms:ViaService": via("s3"), "kms:CallerAccount": ACCOUNT, "kms:ResourceAliases": [STATE_KEY_ALIASES] },
    expected: "Allowed",
    source: [CI_SOURCES.s3Kms, CI_SOURCES.kmsAliases],
  },
  {
    id: "AZ-CI-14",
    request: "The plan role writes the S3 lock file (use_lockfile)",
    stacks: ENVS,
    principal: PLAN_ROLE,
    action: "s3:PutObject",
    resource: LOCK_FILE,
    context: BACKEND_WRITE,
    expected: "Allowed",
    source: [SOURCES.evaluationLogic],
  },
  {
    id: "AZ-CI-15",
    request: "The plan role takes the DynamoDB lock of the stack's state",
    stacks: ENVS,
    principal: PLAN_ROLE,
    action: "dynamodb:PutItem",
    resource: LOCK_TABLE,
    context: { "dynamodb:LeadingKeys": [LOCK_ITEM] },
    expected: "Allowed",
    source: [CI_SOURCES.dynamodbConditions],
  },
  {
    id: "AZ-CI-16",
    request: "The plan role overwrites the state digest in the lock table",
    stacks: ENVS,
    principal: PLAN_ROLE,
    action: "dynamodb:PutItem",
    resource: LOCK_TABLE,
    context: { "dynamodb:LeadingKeys": [DIGEST_ITEM] },
    expected: "Denied",
    source: [CI_SOURCES.dynamodbConditions],
    why: "A wrong digest makes every later plan and apply of the stack fail its consistency check.",
  },
  {
    id: "AZ-CI-17",
    request: "The plan role overwrites the stack's state",
    stacks: ENVS,
    principal: PLAN_ROLE_UNBOUNDED,
    action: "s3:PutObject",
    resource: STATE_OBJECT,
    context: BACKEND_WRITE,
    expected: "ExplicitlyDenied",
    source: [SOURCES.evaluationLogic],
    why: "An approved pull request's Terraform runs with the plan role: it may describe the infrastructure, never change the record of it. The denial is explicit so no managed policy can lift it.",
  },
  {
    id: "AZ-CI-18",
    request: "The plan role deletes a version of the stack's state",
    stacks: ENVS,
    principal: PLAN_ROLE_UNBOUNDED,
    action: "s3:DeleteObjectVersion",
    resource: STATE_OBJECT,
    expected: "ExplicitlyDenied",
    source: [SOURCES.evaluationLogic],
  },
  {
    id: "AZ-CI-19",
    request: "The plan role reads the other environment's state",
    stacks: ENVS,
    principal: PLAN_ROLE_UNBOUNDED,
    action: "s3:GetObject",
    resource: OTHER_STATE_OBJECT,
    expected: "ExplicitlyDenied",
    source: [SOURCES.evaluationLogic],
  },
  {
    id: "AZ-CI-20",
    request: "The plan role reads a load balancer access log (client addresses and request paths)",
    stacks: [...ENVS, "prod-dr"],
    principal: PLAN_ROLE_UNBOUNDED,
    action: "s3:GetObject",
    resource: ALB_LOG_OBJECT,
    expected: "ExplicitlyDenied",
    source: [SOURCES.evaluationLogic, SOURCES.albLogs],
  },
  {
    id: "AZ-CI-21",
    request: "The plan role reads the application's log events",
    stacks: [...ENVS, "prod-dr"],
    principal: PLAN_ROLE_UNBOUNDED,
    action: "logs:GetLogEvents",
    resource: APP_LOG_STREAM,
    expected: "ExplicitlyDenied",
    source: [SOURCES.evaluationLogic, SOURCES.logsIdentity],
  },
  {
    id: "AZ-CI-22",
    request: "The plan role refreshes the maintenance page object Terraform manages (HeadObject)",
    stacks: ["prod"],
    principal: PLAN_ROLE_UNBOUNDED,
    action: "s3:GetObject",
    resource: MAINTENANCE_PAGE,
    expected: "Allowed",
    source: [CI_SOURCES.headObject],
    why: "HeadObject needs s3:GetObject: without it every plan of prod fails refreshing aws_s3_object. Objects Terraform manages are the only ones outside the state the plan role may read.",
  },
  {
    id: "AZ-CI-23",
    request: "The deploy role writes the stack's state",
    stacks: ENVS,
    principal: DEPLOY_ROLE,
    action: "s3:PutObject",
    resource: STATE_OBJECT,
    context: BACKEND_WRITE,
    expected: "Allowed",
    source: [SOURCES.evaluationLogic],
  },
  {
    id: "AZ-CI-24",
    request: "The deploy role deletes a version of the stack's state",
    stacks: ENVS,
    principal: DEPLOY_ROLE,
    action: "s3:DeleteObjectVersion",
    resource: STATE_OBJECT,
    expected: "ExplicitlyDenied",
    source: [SOURCES.evaluationLogic],
    why: "Terraform never deletes a state version; versions are how a bad apply is undone.",
  },
  {
    id: "AZ-CI-25",
    request: "The deploy role rewrites its own trust policy",
    stacks: ENVS,
    principal: DEPLOY_ROLE,
    action: "iam:UpdateAssumeRolePolicy",
    resource: DEPLOY_ROLE_ARN,
    expected: "ExplicitlyDenied",
    source: [SOURCES.evaluationLogic],
    why: "A deploy that widens who may assume the deploy role would outlive the approval that let it run.",
  },
];
