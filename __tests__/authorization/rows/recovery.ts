/**
 * The recovery region (recovery.strategy "backup-and-restore", prod): RDS and EFS write the environment's copies there
 * under keys of that region, and AWS Backup copies recovery points into a vault there. Each service uses a key through
 * a grant made with the permissions of whoever creates the copy, calling KMS through the service in the key's region.
 */
import { ACCOUNT, arnOf, sym, type AuthorizationRow, type Scope } from "../row";
import { backupCopyVault, backupCopyVaultKey, fileSystemCopyKey, fileSystemReplication, replicatedBackups, replicatedBackupsKey } from "../selectors";
import type { Located } from "../world";
import { BACKUP_ROLE, DEPLOYER, UNPRIVILEGED } from "./principals";
import { SOURCES } from "./sources";

/** `<service>.<region of what `of` finds>.amazonaws.com`: a service calling KMS in the recovery region. */
const viaRecovery = (service: string, of: (s: Scope) => Located, region = (s: Scope) => of(s).region) =>
  sym(`${service}.<recovery region>.amazonaws.com`, (s) => `${service}.${region(s)}.amazonaws.com`);

const BACKUPS_KEY = arnOf("key of the replicated automated backups (their kms_key_id, in the recovery region)", replicatedBackupsKey);
const FILES_KEY = arnOf("key of the file system's copy (the replication's destination kms_key_id)", fileSystemCopyKey);
const COPY_VAULT_KEY = arnOf("key of the backup copy vault (in the recovery region)", backupCopyVaultKey);
/** The copy's region is the replication's destination, not the configuration's own (it lives in the source region). */
const efsRegion = (s: Scope) => String([fileSystemReplication(s).values.destination].flat()[0]?.region);

export const RECOVERY_ROWS: readonly AuthorizationRow[] = [
  {
    id: "AZ-DR-1",
    request: "An administrator starts replicating the database's automated backups: RDS creates its grant on the recovery region's key",
    stacks: ["prod"],
    principal: DEPLOYER,
    action: "kms:CreateGrant",
    resource: BACKUPS_KEY,
    context: { "kms:ViaService": viaRecovery("rds", replicatedBackups), "kms:CallerAccount": ACCOUNT, "kms:GrantIsForAWSResource": "true" },
    expected: "Allowed",
    source: [SOURCES.rdsReplicatedBackups, SOURCES.rdsKms, SOURCES.kmsKeyPolicies],
    why: "The key is in the destination region (KMS keys are regional); its policy delegates to IAM, so the administrator's policy decides.",
  },
  {
    id: "AZ-DR-2",
    request: "A principal with no permissions uses the replicated backups' key through RDS",
    stacks: ["prod"],
    principal: UNPRIVILEGED,
    action: "kms:Decrypt",
    resource: BACKUPS_KEY,
    context: { "kms:ViaService": viaRecovery("rds", replicatedBackups), "kms:CallerAccount": ACCOUNT },
    expected: "Denied",
    source: [SOURCES.kmsKeyPolicies],
    why: "No key policy statement lets a principal of the account use the key through a service without its own IAM permission.",
  },
  {
    id: "AZ-DR-3",
    request: "An administrator creates the file system's replication: EFS creates the read-only copy under the recovery region's key",
    stacks: ["prod"],
    principal: DEPLOYER,
    action: "kms:CreateGrant",
    resource: FILES_KEY,
    context: { "kms:ViaService": viaRecovery("elasticfilesystem", fileSystemReplication, efsRegion), "kms:CallerAccount": ACCOUNT, "kms:GrantIsForAWSResource": "true" },
    expected: "Allowed",
    source: [SOURCES.efsReplication, SOURCES.efsKms, SOURCES.kmsKeyPolicies],
  },
  {
    id: "AZ-DR-4",
    request: "AWS Backup copies a recovery point into the copy vault: the backup role's grant on the copy vault's key",
    stacks: ["prod"],
    principal: BACKUP_ROLE,
    action: "kms:CreateGrant",
    resource: COPY_VAULT_KEY,
    context: { "kms:ViaService": viaRecovery("backup", backupCopyVault), "kms:CallerAccount": ACCOUNT, "kms:GrantIsForAWSResource": "true" },
    expected: "Allowed",
    source: [SOURCES.backupCrossRegion, SOURCES.backupEncryption],
    why: "The copy is re-encrypted under the destination vault's key, in the destination region.",
  },
];
