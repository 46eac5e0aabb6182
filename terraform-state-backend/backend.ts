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
