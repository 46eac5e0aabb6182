/**
 * The state's replica (stateBackend.replicaRegion): S3 replicates every state version into a bucket of another region
 * through a role of its own, which may decrypt with the state key and encrypt with the replica key only through S3 of
 * each key's region, for its own bucket (with S3 Bucket Keys the encryption context is the bucket's ARN: "Replicating
 * objects created with server-side encryption", S3 User Guide). During an outage administrators read the replica.
 */
import { ACCOUNT, arnOf, role, service, sym, type AuthorizationRow, type Scope } from "../row";
import { serverAccessLogging, stateBucket, stateKey, stateReplicaBucket, stateReplicaKey, stateReplicationRole } from "../selectors";
import type { Located } from "../world";
import { DEPLOYER, S3_LOGGING } from "./principals";
import { SOURCES } from "./sources";

const REPLICATION_ROLE = role("the state's replication role (the replication configuration's role)", stateReplicationRole);
const S3 = service("s3.amazonaws.com");
const STATE_KEY = arnOf("the state key", stateKey);
const REPLICA_KEY = arnOf("the replica's key (the replication's replica_kms_key_id)", stateReplicaKey);
const arnOfBucket = (label: string, bucket: (s: Scope) => Located) => sym(label, (s) => s.world.attribute(bucket(s), "arn"));
const STATE_BUCKET = arnOfBucket("<state bucket ARN>", stateBucket);
const REPLICA_BUCKET = arnOfBucket("<replica bucket ARN>", stateReplicaBucket);
/** kms:ViaService of S3 in the region of the bucket `of` finds. */
const viaS3Of = (of: (s: Scope) => Located) => sym("s3.<that bucket's region>.amazonaws.com", (s) => `s3.${of(s).region}.amazonaws.com`);
const REPLICA_LOG_OBJECT = sym("<replica log bucket ARN>/<target_prefix><date>-<id>", (s) => {
  const { target, prefix } = serverAccessLogging(s, "replica");
  return `${s.world.attribute(target, "arn")}/${prefix}2025-01-01-00-00-00-0123456789ABCDEF`;
});

export const STATE_REPLICA_ROWS: readonly AuthorizationRow[] = [
  {
    id: "AZ-REPL-1",
    request: "S3 assumes the replication role to replicate the state bucket",
    stacks: ["state"],
    principal: S3,
    action: "sts:AssumeRole",
    resource: arnOf("the replication role", stateReplicationRole),
    context: { "aws:SourceAccount": ACCOUNT, "aws:SourceArn": STATE_BUCKET },
    expected: "Allowed",
    source: [SOURCES.s3ReplicationPermissions],
  },
  {
    id: "AZ-REPL-2",
    request: "S3, for another account's bucket, assumes the replication role",
    stacks: ["state"],
    principal: S3,
    action: "sts:AssumeRole",
    resource: arnOf("the replication role", stateReplicationRole),
    context: { "aws:SourceAccount": "111122223333", "aws:SourceArn": "arn:aws:s3:::someone-elses-bucket" },
    expected: "Denied",
    source: [SOURCES.confusedDeputy],
  },
  {
    id: "AZ-REPL-3",
    request: "The replication role reads a state version for replication",
    stacks: ["state"],
    principal: REPLICATION_ROLE,
    action: "s3:GetObjectVersionForReplication",
    resource: sym("<state bucket ARN>/medicare-hub/prod/terraform.tfstate", (s) => `${s.world.attribute(stateBucket(s), "arn")}/medicare-hub/prod/terraform.tfstate`),
    expected: "Allowed",
    source: [SOURCES.s3ReplicationPermissions],
  },
  {
    id: "AZ-REPL-4",
    request: "The replication role decrypts the state version with the state key, through S3 of the state's region",
    stacks: ["state"],
    principal: REPLICATION_ROLE,
    action: "kms:Decrypt",
    resource: STATE_KEY,
    context: { "kms:ViaService": viaS3Of(stateBucket), "kms:CallerAccount": ACCOUNT, "kms:EncryptionContext:aws:s3:arn": STATE_BUCKET },
    expected: "Allowed",
    source: [SOURCES.s3ReplicationKms],
  },
  {
    id: "AZ-REPL-5",
    request: "The replication role decrypts another bucket's objects with the state key",
    stacks: ["state"],
    principal: REPLICATION_ROLE,
    action: "kms:Decrypt",
    resource: STATE_KEY,
    context: { "kms:ViaService": viaS3Of(stateBucket), "kms:CallerAccount": ACCOUNT, "kms:EncryptionContext:aws:s3:arn": "arn:aws:s3:::some-other-bucket" },
    expected: "Denied",
    source: [SOURCES.s3ReplicationKms],
  },
  {
    id: "AZ-REPL-6",
    request: "The replication role writes the replica into the replica bucket",
    stacks: ["state"],
    principal: REPLICATION_ROLE,
    action: "s3:ReplicateObject",
    resource: sym("<replica bucket ARN>/medicare-hub/prod/terraform.tfstate", (s) => `${s.world.attribute(stateReplicaBucket(s), "arn")}/medicare-hub/prod/terraform.tfstate`),
    expected: "Allowed",
    source: [SOURCES.s3ReplicationPermissions],
  },
  {
    id: "AZ-REPL-7",
    request: "The replication role encrypts the replica with the replica key, through S3 of the replica's region",
    stacks: ["state"],
    principal: REPLICATION_ROLE,
    action: "kms:Encrypt",
    resource: REPLICA_KEY,
    context: { "kms:ViaService": viaS3Of(stateReplicaBucket), "kms:CallerAccount": ACCOUNT, "kms:EncryptionContext:aws:s3:arn": REPLICA_BUCKET },
    expected: "Allowed",
    source: [SOURCES.s3ReplicationKms],
  },
  {
    id: "AZ-REPL-8",
    request: "During an outage an administrator reads the replica: S3 decrypts it with the replica key",
    stacks: ["state"],
    principal: DEPLOYER,
    action: "kms:Decrypt",
    resource: REPLICA_KEY,
    context: { "kms:ViaService": viaS3Of(stateReplicaBucket), "kms:CallerAccount": ACCOUNT },
    expected: "Allowed",
    source: [SOURCES.kmsDefaultKeyPolicy],
  },
  {
    id: "AZ-REPL-9",
    request: "S3 delivers the replica's server access logs",
    stacks: ["state"],
    principal: S3_LOGGING,
    action: "s3:PutObject",
    resource: REPLICA_LOG_OBJECT,
    context: { "aws:SourceArn": arnOf("the replica bucket", (s) => serverAccessLogging(s, "replica").source), "aws:SourceAccount": ACCOUNT },
    expected: "Allowed",
    source: [SOURCES.s3ServerLogs],
  },
];
