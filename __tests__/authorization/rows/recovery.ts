/**
 * The recovery region (prod): RDS and EFS write the environment's copies there under keys of that region, and AWS
 * Backup copies recovery points into a vault there. Each service uses a key through a grant made with the permissions
 * of whoever creates the copy, calling KMS through the service in the key's region.
 *
 * The standby (prod-dr, recovery.strategy "pilot-light" or "warm-standby") runs the app there. What it shares with the
 * primary is asked of both sites by the rows of each area; what only a standby does is here: its instances wait for
 * the database failover restores from the replicated backups (`<environment>-dr-db`, with IAM authentication), whose
 * resource id nobody knows before the restore, and connect to it as the app's user.
 */
import { ACCOUNT, arnOf, sym, type AuthorizationRow, type Scope } from "../row";
import {
  backupCopyVault,
  backupCopyVaultKey,
  database,
  databaseArn,
  fileSystemCopyKey,
  fileSystemReplication,
  replicatedBackups,
  replicatedBackupsKey,
} from "../selectors";
import type { Located } from "../world";
import { BACKUP_ROLE, DEPLOYER, INSTANCE_ROLE, UNPRIVILEGED } from "./principals";
import { SOURCES } from "./sources";

/** `<service>.<region of what `of` finds>.amazonaws.com`: a service calling KMS in the recovery region. */
const viaRecovery = (service: string, of: (s: Scope) => Located, region = (s: Scope) => of(s).region) =>
  sym(`${service}.<recovery region>.amazonaws.com`, (s) => `${service}.${region(s)}.amazonaws.com`);

const BACKUPS_KEY = arnOf("key of the replicated automated backups (their kms_key_id, in the recovery region)", replicatedBackupsKey);
const FILES_KEY = arnOf("key of the file system's copy (the replication's destination kms_key_id)", fileSystemCopyKey);
const COPY_VAULT_KEY = arnOf("key of the backup copy vault (in the recovery region)", backupCopyVaultKey);
/** The copy's region is the replication's destination, not the configuration's own (it lives in the source region). */
const efsRegion = (s: Scope) => String([fileSystemReplication(s).values.destination].flat()[0]?.region);

/** The DbiResourceId RDS gives the restored instance ("db-" and 26 characters), known only once failover has run. */
const RESTORED_RESOURCE_ID = "db-RESTOREDATFAILOVER0123456789";
const restoredUser = (user: (s: Scope) => string, label: string) =>
  sym(`arn:aws:rds-db:<recovery region>:<account>:dbuser:<the restored database's resource id>/${label}`, (s) => `arn:aws:rds-db:${s.region}:${s.account}:dbuser:${RESTORED_RESOURCE_ID}/${user(s)}`);
const RESTORED_DATABASE = sym("arn:aws:rds:<recovery region>:<account>:db:<the identifier the launch template tags instances with (DatabaseIdentifier)>", databaseArn);
/** The primary's database, in the primary region: what the standby's instances have no business with. */
const PRIMARY_DATABASE = sym("the primary's database (its ARN, in the primary region)", (s) => s.world.attribute(database(s.primary), "arn"));

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
  {
    id: "AZ-DR-5",
    request: "A standby instance looks up the database it waits for: the one failover restores in the recovery region",
    stacks: ["prod-dr"],
    principal: INSTANCE_ROLE,
    action: "rds:DescribeDBInstances",
    resource: RESTORED_DATABASE,
    expected: "Allowed",
    source: [SOURCES.rdsIamAuth, SOURCES.rdsResourceLevel],
    why: "The bootstrap finds the restored database's endpoint by its identifier: without it the standby's instances never connect after failover, and fail their health checks.",
  },
  {
    id: "AZ-DR-6",
    request: "A standby instance describes the primary's database",
    stacks: ["prod-dr"],
    principal: INSTANCE_ROLE,
    action: "rds:DescribeDBInstances",
    resource: PRIMARY_DATABASE,
    expected: "Denied",
    source: [SOURCES.evaluationLogic],
  },
  {
    id: "AZ-DR-7",
    request: "A standby instance connects to the database restored in the recovery region as the app's user, with an IAM authentication token",
    stacks: ["prod-dr"],
    principal: INSTANCE_ROLE,
    action: "rds-db:connect",
    resource: restoredUser(() => "medicare_app", "medicare_app"),
    expected: "Allowed",
    source: [SOURCES.rdsIamAuth],
    why: "The restored instance's resource id exists only after the restore, so the grant names any database of the recovery region (dbuser:*/medicare_app): without it the app has no password to fall back on.",
  },
  {
    id: "AZ-DR-8",
    request: "A standby instance connects to the restored database as the master user (restored with the primary's)",
    stacks: ["prod-dr"],
    principal: INSTANCE_ROLE,
    action: "rds-db:connect",
    resource: restoredUser((s) => database(s.primary).values.username, "<the primary's master user>"),
    expected: "Denied",
    source: [SOURCES.rdsIamAuth],
    why: "A compromised instance must not be the database superuser, in the recovery region as in the primary.",
  },
  {
    id: "AZ-DR-9",
    request: "A standby instance connects as the app's user to the primary's database, in the primary region",
    stacks: ["prod-dr"],
    principal: INSTANCE_ROLE,
    action: "rds-db:connect",
    resource: sym("arn:aws:rds-db:<primary region>:<account>:dbuser:<the primary database's resource id>/medicare_app", (s) => {
      const primary = database(s.primary);
      return `arn:aws:rds-db:${primary.region}:${primary.account}:dbuser:${s.world.attribute(primary, "resource_id")}/medicare_app`;
    }),
    expected: "Denied",
    source: [SOURCES.rdsIamAuth],
    why: "The wildcard over resource ids is held to the recovery region: the standby reaches the database of its own region only.",
  },
];
