/**
 * The Terraform state: readable by those who deploy, over TLS only, never by the workloads it describes. Its bucket
 * records every request in server access logs, delivered by the S3 logging service.
 */
import { ACCOUNT, OTHER_ACCOUNT, arnOf, sym, via, type AuthorizationRow } from "../row";
import { serverAccessLogging, stateBucket, stateKey } from "../selectors";
import { DEPLOYER, INSTANCE_ROLE, S3_LOGGING, UNPRIVILEGED } from "./principals";
import { SOURCES } from "./sources";

const STATE_OBJECT = sym("<state bucket ARN>/medicare-hub/<env>/terraform.tfstate", (s) => `${s.world.attribute(stateBucket(s), "arn")}/medicare-hub/prod/terraform.tfstate`);
const STATE_KEY = arnOf("the state key (the state stack's kms_key_arn output)", stateKey);
const LOG_OBJECT = sym("<access-log bucket ARN>/<target_prefix><date>-<id>", (s) => {
  const { target, prefix } = serverAccessLogging(s);
  return `${s.world.attribute(target, "arn")}/${prefix}2025-01-01-00-00-00-0123456789ABCDEF`;
});
const LOGGED_BUCKET = arnOf("the logged bucket's ARN (aws_s3_bucket_logging.bucket)", (s) => serverAccessLogging(s).source);

export const STATE_ROWS: readonly AuthorizationRow[] = [
  {
    id: "AZ-STATE-1",
    request: "An administrator reads the state over TLS",
    stacks: ["state"],
    principal: DEPLOYER,
    action: "s3:GetObject",
    resource: STATE_OBJECT,
    expected: "Allowed",
    source: [SOURCES.evaluationLogic],
  },
  {
    id: "AZ-STATE-2",
    request: "An administrator reads the state: S3 decrypts it with the state key",
    stacks: ["state"],
    principal: DEPLOYER,
    action: "kms:Decrypt",
    resource: STATE_KEY,
    context: { "kms:ViaService": via("s3"), "kms:CallerAccount": ACCOUNT },
    expected: "Allowed",
    source: [SOURCES.kmsDefaultKeyPolicy],
  },
  {
    id: "AZ-STATE-3",
    request: "An administrator reads the state over plain HTTP",
    stacks: ["state"],
    principal: DEPLOYER,
    action: "s3:GetObject",
    resource: STATE_OBJECT,
    context: { "aws:SecureTransport": "false" },
    expected: "ExplicitlyDenied",
    source: [SOURCES.s3Tls],
  },
  {
    id: "AZ-STATE-4",
    request: "A principal with no permissions uses the state key through S3",
    stacks: ["state"],
    principal: UNPRIVILEGED,
    action: "kms:Decrypt",
    resource: STATE_KEY,
    context: { "kms:ViaService": via("s3"), "kms:CallerAccount": ACCOUNT },
    expected: "Denied",
    source: [SOURCES.kmsDefaultKeyPolicy],
  },
  {
    id: "AZ-STATE-5",
    request: "An app instance reads the Terraform state",
    stacks: ["dev", "prod"],
    principal: INSTANCE_ROLE,
    action: "s3:GetObject",
    resource: STATE_OBJECT,
    expected: "Denied",
    source: [SOURCES.evaluationLogic],
    why: "The state holds every resource's attributes; a compromised instance must learn nothing from it.",
  },
  {
    id: "AZ-STATE-6",
    request: "An app instance overwrites the Terraform state",
    stacks: ["dev", "prod"],
    principal: INSTANCE_ROLE,
    action: "s3:PutObject",
    resource: STATE_OBJECT,
    expected: "Denied",
    source: [SOURCES.evaluationLogic],
  },
  {
    id: "AZ-STATE-7",
    request: "An app instance decrypts with the state key through S3",
    stacks: ["dev", "prod"],
    principal: INSTANCE_ROLE,
    action: "kms:Decrypt",
    resource: STATE_KEY,
    context: { "kms:ViaService": via("s3"), "kms:CallerAccount": ACCOUNT },
    expected: "Denied",
    source: [SOURCES.kmsDefaultKeyPolicy, SOURCES.evaluationLogic],
  },
  {
    id: "AZ-STATE-8",
    request: "S3 delivers the state bucket's server access logs",
    stacks: ["state"],
    principal: S3_LOGGING,
    action: "s3:PutObject",
    resource: LOG_OBJECT,
    context: { "aws:SourceArn": LOGGED_BUCKET, "aws:SourceAccount": ACCOUNT },
    expected: "Allowed",
    source: [SOURCES.s3ServerLogs],
  },
  {
    id: "AZ-STATE-9",
    request: "S3 delivers another bucket's server access logs into the access-log bucket",
    stacks: ["state"],
    principal: S3_LOGGING,
    action: "s3:PutObject",
    resource: LOG_OBJECT,
    context: { "aws:SourceArn": "arn:aws:s3:::some-other-bucket", "aws:SourceAccount": ACCOUNT },
    expected: "Denied",
    source: [SOURCES.s3ServerLogs],
  },
  {
    id: "AZ-STATE-10",
    request: "S3 delivers logs of a bucket of the same name owned by another account",
    stacks: ["state"],
    principal: S3_LOGGING,
    action: "s3:PutObject",
    resource: LOG_OBJECT,
    context: { "aws:SourceArn": LOGGED_BUCKET, "aws:SourceAccount": OTHER_ACCOUNT },
    expected: "Denied",
    source: [SOURCES.s3ServerLogs, SOURCES.confusedDeputy],
    why: "Bucket names are reused after deletion; the documented policy pins aws:SourceAccount as well as aws:SourceArn.",
  },
];
