import { Construct } from "constructs";
import type { TerraformProvider } from "cdktf";
import { DbInstanceAutomatedBackupsReplication } from "@cdktf/provider-aws/lib/db-instance-automated-backups-replication";
import { EfsReplicationConfiguration } from "@cdktf/provider-aws/lib/efs-replication-configuration";
import { Encryption } from "./encryption";
import { recoverySiteName } from "./naming";
import { buildInRegion } from "./regions";
import type { DeploymentContext } from "./context";

export interface RegionRecoveryProps extends DeploymentContext {
  /** The recovery region (config: recovery.region), not `region`. */
  readonly recoveryRegion: string;
  /** The provider of the recovery region: its keys and the replicated backups are created through it. */
  readonly provider: TerraformProvider;
  /** The primary database, whose automated backups and transaction logs are replicated. */
  readonly database: {
    /** ARN of the source instance. */
    readonly arn: string;
    /** Days the replicated backups are kept: the primary's point-in-time window (config: database.backupRetentionDays). */
    readonly backupRetentionDays: number;
  };
  /** The shared file system replicated to the recovery region. */
  readonly fileSystemId: string;
  /**
   * `prevent_destroy` on the recovery region's keys and on both replications.
   * @default true
   */
  readonly preventDestroy?: boolean;
}

/**
 * The first rung of AWS's disaster-recovery ladder, backup and restore ("Disaster Recovery of Workloads on AWS"): the
 * environment's data is kept in a second region, so losing the whole primary region loses minutes of data, not all
 * of it. Restoring there is docs/runbooks.md, "region-lost".
 *
 * - Keys of its own in the recovery region (KMS keys are regional): the same {@link Encryption} construct, built there.
 * - The database's automated backups and transaction logs, replicated by RDS (`aws_db_instance_automated_backups_replication`,
 *   created in the destination region as the provider documents): point-in-time restore in the recovery region, with
 *   an RPO AWS Prescriptive Guidance puts at 5 to 30 minutes (asynchronous replication).
 * - The file system, replicated by EFS to a read-only copy there ("most file systems ... within 15 minutes", EFS User
 *   Guide, "Amazon EFS replication"); failover deletes the replication configuration, which makes the copy writable.
 * - AWS Backup's copies go to the recovery region too (the stack points `backup.copyToRegion` there by default).
 *
 * Who uses the keys: RDS and EFS encrypt with them through grants made with the permissions of whoever creates the
 * replication (the deploying role), as for the primary keys (constructs/encryption.ts); EFS's service-linked role
 * only describes the key (AmazonElasticFileSystemServiceRolePolicy grants it kms:DescribeKey).
 */
export class RegionRecovery extends Construct {
  /** The recovery region's keys: `databaseKey` encrypts the replicated backups, `storageKey` the file-system copy. */
  readonly keys: Encryption;
  readonly databaseBackups: DbInstanceAutomatedBackupsReplication;
  /** Created in the primary region, where the source file system is; the copy's id is `destination.fileSystemId`. */
  readonly fileSystemReplication: EfsReplicationConfiguration;

  constructor(scope: Construct, id: string, props: RegionRecoveryProps) {
    super(scope, id);
    if (props.recoveryRegion === props.region) throw new Error(`RegionRecovery ${this.node.path}: the recovery region must differ from ${props.region}`);
    this.keys = new Encryption(this, "keys", {
      environment: recoverySiteName(props.environment),
      accountId: props.accountId,
      region: props.recoveryRegion,
      partition: props.partition,
      preventDestroy: props.preventDestroy,
    });
    buildInRegion(this.keys, props.provider);

    // Every argument of both resources forces a replacement (provider), and replacing either is not harmless: EFS
    // deletes the configuration on both sides, leaving the old copy writable and untracked while a new copy starts a
    // full sync; RDS stops replicating, then starts again. So they refuse destroy like the data they copy.
    const lifecycle = { preventDestroy: props.preventDestroy ?? true };
    this.databaseBackups = new DbInstanceAutomatedBackupsReplication(this, "database-backups", {
      provider: props.provider,
      sourceDbInstanceArn: props.database.arn,
      kmsKeyId: this.keys.databaseKey.arn,
      retentionPeriod: props.database.backupRetentionDays,
      lifecycle,
    });

    this.fileSystemReplication = new EfsReplicationConfiguration(this, "file-system", {
      sourceFileSystemId: props.fileSystemId,
      destination: { region: props.recoveryRegion, kmsKeyId: this.keys.storageKey.arn },
      lifecycle,
    });
  }
}
