/**
 * The S3 backend block every MediCare Hub stack uses once the state backend exists. Kept here, next to the stack
 * that creates the bucket, table and key, so the names on both sides come from one configuration.
 */
import { S3Backend, type TerraformStack } from "cdktf";
import type { StateBackendConfig } from "../config/schema";
import { PROJECT } from "../constructs/naming";

/** Alias of the KMS key that encrypts state objects, the lock table and (through S3) every state version. */
export const STATE_KEY_ALIAS = `alias/${PROJECT}-terraform-state`;

/** State object key of one stack: `medicare-hub/<name>/terraform.tfstate`. */
export function stateKeyFor(name: string): string {
  return `${PROJECT}/${name}/terraform.tfstate`;
}

/** The state's replica bucket (stateBackend.replicaRegion): `<bucketName>-replica` (bucketName ≤ 51 characters, S3 allows 63). */
export const replicaBucketName = (bucketName: string): string => `${bucketName}-replica`;

/**
 * The arguments of `terraform init` that point a stack at the state's replica when the state's region is lost
 * (terraform-state-backend/README.md): the same state key in the replica bucket, in the replica region. Everything
 * else follows by name: the lock table is a global table with a replica of the same name there, and the backend's
 * `kms_key_id` alias resolves to the replica's key in that region. `-reconfigure` discards the recorded backend
 * without migrating anything (the primary cannot be read).
 */
export function failoverInitArgs(config: StateBackendConfig): string[] {
  if (!config.replicaRegion) throw new Error("stateBackend.replicaRegion is not set: the state has no replica to fail over to");
  return ["-reconfigure", `-backend-config=bucket=${replicaBucketName(config.bucketName)}`, `-backend-config=region=${config.replicaRegion}`];
}

/**
 * Points `stack` at the shared state bucket. Locking uses both the DynamoDB table and S3-native lock files
 * (`use_lockfile`, Terraform ≥ 1.10): the table keeps older clients safe during the migration window, the lock
 * file is what Terraform keeps once DynamoDB locking is removed. cdktf's S3Backend has no `use_lockfile`, hence the
 * override.
 */
export function useStateBackend(stack: TerraformStack, config: StateBackendConfig, name: string): S3Backend {
  const backend = new S3Backend(stack, {
    bucket: config.bucketName,
    key: stateKeyFor(name),
    region: config.region,
    encrypt: true,
    // Without kms_key_id, `encrypt` would ask S3 for SSE-S3 and bypass the bucket's customer key.
    kmsKeyId: STATE_KEY_ALIAS,
    dynamodbTable: config.lockTableName,
  });
  stack.addOverride("terraform.backend.s3.use_lockfile", true);
  return backend;
}
