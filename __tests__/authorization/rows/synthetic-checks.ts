/**
 * The synthetic checks (constructs/synthetic-checks.ts): the canaries' Lambda runs as the role their
 * execution_role_arn names, writes artifacts into its bucket under SSE-KMS, publishes its own metrics and logs, and
 * can do nothing else: not rewrite its own code, not use the key outside S3. (Its PutMetricData is limited to the
 * CloudWatchSynthetics namespace by a condition; the action has no resource to simulate against, so
 * __tests__/constructs/synthetic-checks.test.ts asserts that statement instead.)
 */
import { ACCOUNT, arnOf, role, service, sym, via, type AuthorizationRow, type Scope } from "../row";
import type { Located } from "../world";
import { SOURCES } from "./sources";

const CANARY_ROLES = { title: "Required roles and permissions for canaries (Amazon CloudWatch User Guide)", url: "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Synthetics_Canaries_CanaryPermissions.html" };
const CANARY_ENCRYPTION = { title: "Encrypting canary artifacts (Amazon CloudWatch User Guide)", url: "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Synthetics_artifact_encryption.html" };
const LAMBDA_ROLE = { title: "Defining Lambda function permissions with an execution role (AWS Lambda Developer Guide)", url: "https://docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html" };

/** The journey canary: the one canary every environment has. */
function journeyCanary(s: Scope): Located {
  const found = s.world.resources(s.stackId, "aws_synthetics_canary").filter((c) => String(c.values.name).endsWith("-journey"));
  if (found.length !== 1) throw new Error(`${s.stackId}: expected one journey canary, found ${found.length}`);
  return found[0];
}
const follow = (s: Scope, value: unknown, type: string) => s.world.follow(s.stackId, value, type);
const canaryRole = (s: Scope) => follow(s, journeyCanary(s).values.execution_role_arn, "aws_iam_role");
/** The bucket of the canary's code and artifacts: the bucket its s3_bucket names. */
const canaryBucket = (s: Scope) => follow(s, journeyCanary(s).values.s3_bucket, "aws_s3_bucket");
const artifactsKey = (s: Scope) => follow(s, journeyCanary(s).values.artifact_config?.s3_encryption?.kms_key_arn, "aws_kms_key");

const CANARY_ROLE = role("canary role (the canary's execution_role_arn)", canaryRole);
const LAMBDA = service("lambda.amazonaws.com");
const objectIn = (label: string, path: string) => sym(`<canary bucket ARN>/${label}`, (s) => `${s.world.attribute(canaryBucket(s), "arn")}/${path}`);

export const SYNTHETIC_CHECK_ROWS: readonly AuthorizationRow[] = [
  {
    id: "AZ-CAN-1",
    request: "Lambda assumes the canary role to run a canary",
    stacks: ["dev", "prod"],
    principal: LAMBDA,
    action: "sts:AssumeRole",
    resource: arnOf("the canary role", canaryRole),
    expected: "Allowed",
    source: [LAMBDA_ROLE],
  },
  {
    id: "AZ-CAN-2",
    request: "A canary run writes its artifacts (screenshots, log, report) under artifacts/",
    stacks: ["dev", "prod"],
    principal: CANARY_ROLE,
    action: "s3:PutObject",
    resource: objectIn("artifacts/journey/2026/11/30/run/log.txt", "artifacts/journey/2026/11/30/12/00-00-000/log.txt"),
    context: { "aws:SecureTransport": "true", "s3:x-amz-server-side-encryption": "aws:kms" },
    expected: "Allowed",
    source: [CANARY_ROLES],
  },
  {
    id: "AZ-CAN-3",
    request: "S3 gets a data key under the artifacts key for that write",
    stacks: ["dev", "prod"],
    principal: CANARY_ROLE,
    action: "kms:GenerateDataKey",
    resource: arnOf("the key of artifact_config.s3_encryption", artifactsKey),
    context: { "kms:ViaService": via("s3"), "kms:CallerAccount": ACCOUNT },
    expected: "Allowed",
    source: [CANARY_ENCRYPTION, SOURCES.kmsDefaultKeyPolicy],
    why: "Without it every run fails to store its artifacts, and the canary reports failure for a healthy site.",
  },
  {
    id: "AZ-CAN-4",
    request: "The canary role uses the artifacts key directly, outside S3",
    stacks: ["dev", "prod"],
    principal: CANARY_ROLE,
    action: "kms:Decrypt",
    resource: arnOf("the key of artifact_config.s3_encryption", artifactsKey),
    context: { "kms:CallerAccount": ACCOUNT },
    expected: "Denied",
    source: [SOURCES.kmsConditionKeys],
  },
  {
    id: "AZ-CAN-5",
    request: "A canary rewrites its own code object",
    stacks: ["dev", "prod"],
    principal: CANARY_ROLE,
    action: "s3:PutObject",
    resource: sym("<canary bucket ARN>/<the canary's s3_key>", (s) => `${s.world.attribute(canaryBucket(s), "arn")}/code/journey.zip`),
    context: { "aws:SecureTransport": "true" },
    expected: "Denied",
    source: [CANARY_ROLES],
    why: "Code that can rewrite itself would make the check report whatever an attacker wants.",
  },
  {
    id: "AZ-CAN-6",
    request: "The canary's Lambda writes its log (the log group Synthetics names /aws/lambda/cwsyn-<canary>-<id>)",
    stacks: ["dev", "prod"],
    principal: CANARY_ROLE,
    action: "logs:PutLogEvents",
    resource: sym("arn:aws:logs:<region>:<account>:log-group:/aws/lambda/cwsyn-<journey canary>-<id>:log-stream:run", (s) =>
      `arn:aws:logs:${s.region}:${s.account}:log-group:/aws/lambda/cwsyn-${journeyCanary(s).values.name}-0123abcd-4567-89ef-0123-456789abcdef:log-stream:2026/11/30/run`),
    expected: "Allowed",
    source: [CANARY_ROLES, SOURCES.logsIdentity],
  },
];
