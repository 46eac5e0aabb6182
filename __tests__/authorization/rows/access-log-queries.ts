/**
 * Athena over the load balancer's access logs (constructs/access-log-queries.ts). Athena reads and writes S3 with the
 * querying principal's own permissions, so whoever queries needs the log bucket, the results bucket and the storage
 * key; the workloads get none of them. The results bucket's server access logs are delivered by the S3 logging service.
 */
import { ACCOUNT, arnOf, sym, via, type AuthorizationRow, type Scope } from "../row";
import { accessLogBucket, loadBalancer } from "../selectors";
import type { Located } from "../world";
import { DEPLOYER, INSTANCE_ROLE, S3_LOGGING, UNPRIVILEGED } from "./principals";
import { SOURCES } from "./sources";

const ATHENA_ENCRYPTION = { title: "Encryption at rest (Amazon Athena User Guide)", url: "https://docs.aws.amazon.com/athena/latest/ug/encryption.html" };
const ATHENA_ACCESS = { title: "Control access to Amazon S3 from Athena (Amazon Athena User Guide)", url: "https://docs.aws.amazon.com/athena/latest/ug/s3-permissions.html" };

const only = (s: Scope, type: string): Located => {
  const found = s.world.resources(s.stackId, type);
  if (found.length !== 1) throw new Error(`${s.stackId}: expected one ${type}, found ${found.length}`);
  return found[0];
};
const follow = (s: Scope, value: unknown, type: string) => s.world.follow(s.stackId, value, type);
const workgroupResults = (s: Scope) => only(s, "aws_athena_workgroup").values.configuration.result_configuration;

/** The bucket the workgroup writes results to: `s3://${aws_s3_bucket.x.bucket}/results/`. */
function resultsBucket(s: Scope): Located {
  const reference = /^s3:\/\/(\$\{[^}]+\})\//.exec(String(workgroupResults(s).output_location))?.[1];
  return follow(s, reference, "aws_s3_bucket");
}

/** Where S3 writes the results bucket's server access logs: the logging resource of that bucket. */
function resultsBucketLogging(s: Scope): { target: Located; prefix: string } {
  const results = resultsBucket(s);
  const logging = s.world.resources(s.stackId, "aws_s3_bucket_logging").find((l) => follow(s, l.values.bucket, "aws_s3_bucket").name === results.name);
  if (!logging) throw new Error(`${s.stackId}: ${results.address} has no server access logging`);
  return { target: follow(s, logging.values.target_bucket, "aws_s3_bucket"), prefix: String(logging.values.target_prefix ?? "") };
}

const RESULTS_KEY = arnOf("the key the workgroup encrypts results with (its kms_key_arn)", (s) => follow(s, workgroupResults(s).encryption_configuration.kms_key_arn, "aws_kms_key"));
const RESULT_OBJECT = sym("<results bucket ARN>/results/<query id>.csv", (s) => `${s.world.attribute(resultsBucket(s), "arn")}/results/01234567-89ab-cdef-0123-456789abcdef.csv`);
const ALB_LOG_OBJECT = sym("<access-log bucket ARN>/<prefix>/AWSLogs/<account>/elasticloadbalancing/<region>/…/log.gz", (s) => {
  const prefix = loadBalancer(s).values.access_logs?.prefix;
  return `${s.world.attribute(accessLogBucket(s), "arn")}/${prefix ? `${prefix}/` : ""}AWSLogs/${s.account}/elasticloadbalancing/${s.region}/2026/11/30/log.gz`;
});
const AUDIT_LOG_OBJECT = sym("<audit bucket ARN>/<target_prefix><date>-<id>", (s) => {
  const { target, prefix } = resultsBucketLogging(s);
  return `${s.world.attribute(target, "arn")}/${prefix}2026-11-30-00-00-00-0123456789ABCDEF`;
});
const RESULTS_BUCKET = arnOf("the results bucket's ARN (aws_s3_bucket_logging.bucket)", resultsBucket);

export const ACCESS_LOG_QUERY_ROWS: readonly AuthorizationRow[] = [
  {
    id: "AZ-ATH-1",
    request: "An administrator's Athena query reads an access-log file of the load balancer",
    stacks: ["dev", "prod"],
    principal: DEPLOYER,
    action: "s3:GetObject",
    resource: ALB_LOG_OBJECT,
    expected: "Allowed",
    source: [ATHENA_ACCESS],
  },
  {
    id: "AZ-ATH-2",
    request: "An administrator's Athena query writes its result: S3 gets a data key under the workgroup's key",
    stacks: ["dev", "prod"],
    principal: DEPLOYER,
    action: "kms:GenerateDataKey",
    resource: RESULTS_KEY,
    context: { "kms:ViaService": via("s3"), "kms:CallerAccount": ACCOUNT },
    expected: "Allowed",
    source: [ATHENA_ENCRYPTION, SOURCES.kmsDefaultKeyPolicy],
    why: "The workgroup enforces SSE-KMS: a querier who cannot use the key gets no result at all, not an unencrypted one.",
  },
  {
    id: "AZ-ATH-3",
    request: "An administrator reads a query result over plain HTTP",
    stacks: ["dev", "prod"],
    principal: DEPLOYER,
    action: "s3:GetObject",
    resource: RESULT_OBJECT,
    context: { "aws:SecureTransport": "false" },
    expected: "ExplicitlyDenied",
    source: [SOURCES.s3Tls],
  },
  {
    id: "AZ-ATH-4",
    request: "An app instance reads a query result",
    stacks: ["dev", "prod"],
    principal: INSTANCE_ROLE,
    action: "s3:GetObject",
    resource: RESULT_OBJECT,
    expected: "Denied",
    source: [SOURCES.evaluationLogic],
    why: "Results copy log lines (client IPs, request URLs): a compromised instance must not read what on-call looked at.",
  },
  {
    id: "AZ-ATH-5",
    request: "A principal with no permissions uses the results key through S3",
    stacks: ["dev", "prod"],
    principal: UNPRIVILEGED,
    action: "kms:Decrypt",
    resource: RESULTS_KEY,
    context: { "kms:ViaService": via("s3"), "kms:CallerAccount": ACCOUNT },
    expected: "Denied",
    source: [SOURCES.kmsDefaultKeyPolicy],
  },
  {
    id: "AZ-ATH-6",
    request: "S3 delivers the query-results bucket's server access logs",
    stacks: ["dev", "prod"],
    principal: S3_LOGGING,
    action: "s3:PutObject",
    resource: AUDIT_LOG_OBJECT,
    context: { "aws:SourceArn": RESULTS_BUCKET, "aws:SourceAccount": ACCOUNT },
    expected: "Allowed",
    source: [SOURCES.s3ServerLogs],
  },
  {
    id: "AZ-ATH-7",
    request: "S3 delivers another bucket's server access logs into the results' audit bucket",
    stacks: ["dev", "prod"],
    principal: S3_LOGGING,
    action: "s3:PutObject",
    resource: AUDIT_LOG_OBJECT,
    context: { "aws:SourceArn": "arn:aws:s3:::some-other-bucket", "aws:SourceAccount": ACCOUNT },
    expected: "Denied",
    source: [SOURCES.s3ServerLogs, SOURCES.confusedDeputy],
  },
];
