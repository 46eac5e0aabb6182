/**
 * `npm run failback -- --env prod [--dry-run] [--cutover] ...`: brings a pilot-light or warm-standby environment back
 * to its primary region once that region is healthy again, after `npm run failover` (docs/runbooks.md#region-failback).
 * Same engine as the failover: every step timed, `--dry-run` reads and prints every call with its parameters, a failing
 * step stops the run and says how to resume (`--from-step N`, same flags), the `check-*` steps run on every resume.
 *
 * The primary region's database and file system are stale: they stopped when the region was lost, and the recovery
 * region has taken writes since. EFS replicates into an existing file system and "identifies data differences between
 * the file systems and applies the differences" (EFS User Guide, "Configuring replication to an existing EFS file
 * system"). The database cannot replicate back into the stale instance: a new one is made in the primary region, and
 * the stale one is renamed and kept (it holds the last writes that never left the region).
 *
 * How the new primary is made depends on recovery.database:
 * - "restore" (the default): from the recovery database's automated backups, replicated into the primary region
 *   (StartDBInstanceAutomatedBackupsReplication), restored at the cutover once they are restorable past the moment
 *   writes stopped. Not a read replica: the recovery database manages its master password in Secrets Manager (the
 *   failover turned that on), and AWS does not support "Creating a read replica when the source DB or DB cluster
 *   manages credentials with Secrets Manager" (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-secrets-manager.html).
 *   Turning the management off for the replica's sake would mean handing RDS a master password that no secret holds,
 *   on the database serving patients, for the hours the replica takes; replicated backups have no such limit (the
 *   primary replicates its own while managing its password) and keep the password managed throughout. The price is
 *   a longer cutover: a point-in-time restore, tens of minutes, instead of a promotion.
 * - "replica": a cross-region read replica of the promoted recovery database, promoted at the cutover. Refused while
 *   the recovery database manages its master password in Secrets Manager, for the reason above.
 *
 * Prepare (no user impact; run it as soon as the primary region answers, it takes hours):
 *
 *   1 check-recovery-site          the recovery database (standalone, with automated backups) and the writable
 *                                  file-system copy, which serve users now
 *   2 check-primary-site           the stale database (it lends its settings), the file system, the app group; with
 *                                  "restore", whether RDS replicates backups from the recovery region here
 *   3 hold-primary-app             the primary app group to 0/0/0: its instances and background jobs write to the
 *                                  stale database (the failover's fence keeps users off it)
 *   4 back-up-primary-files        an AWS Backup on-demand backup (StartBackupJob) of the primary file system into the
 *                                  primary region's vault, waited for: replicating the copy back makes the file system
 *                                  match the copy and destroys what was written there after the copy's last sync
 *   5 release-primary-file-system  delete what is left of the old replication on the primary file system ("A file system
 *                                  can be part of only one replication configuration"), then disable its replication
 *                                  overwrite protection ("Before you can use the file system as the destination ... you
 *                                  must disable the protection", EFS User Guide, "File system protection")
 *   6 replicate-files-back         CreateReplicationConfiguration: the recovery copy -> the primary file system
 *   7 rename-stale-database        the stale primary to `<identifier>-stale`, kept. Renaming frees the identifier, so the
 *                                  new primary gets the old endpoint and the app's configuration does not change (RDS
 *                                  User Guide, "Renaming to replace an existing DB instance")
 *   8 wait-for-rename              until the stale instance is available under its new name
 *   9 replicate-database-backups   "restore": StartDBInstanceAutomatedBackupsReplication of the recovery database into
 *                                  the primary region, encrypted with the stale instance's key
 *     create-database-replica      "replica": an encrypted cross-region read replica of it, under the original identifier
 *  10 wait-for-database-backups    until the replicated backups have a restorable time (a snapshot copied across
 *     wait-for-database-replica    regions first: hours) / until the replica is available and replicating
 *  11 wait-for-files-back          until the file replication is ENABLED and has completed a sync
 *
 * Cutover (`--cutover`, at a moment you choose: users see the maintenance page or errors for its duration):
 *
 *  12 verify-ready                 the database's copy and the files are ready, the primary group is held at zero
 *  13 stop-writes                  the recovery app group to 0/0/0, until no instance is left: nothing writes any more
 *  14 wait-for-sync                files and database both past the moment writes stopped (below)
 *  "restore":
 *  15 restore-primary-database     RestoreDBInstanceToPointInTime of the replicated backups, latest restorable time,
 *                                  under the original identifier, with the stale instance's settings
 *  16 wait-for-primary-database    until it is available
 *  17 configure-primary-database   the master password managed by RDS (under the stale one's secret key), monitoring,
 *                                  Performance Insights: a restore cannot set them
 *  "replica":
 *  15 promote-primary-database     PromoteReadReplica, with the configured backup retention and window
 *  16 wait-for-primary-database    until it is available and no longer a replica
 *  then apply-app-role: the run stops, outcome "paused" (exit 0), because the primary app's role allows IAM sign-in to
 *  the old instance's resource id (constructs/app-tier.ts) and the new primary has its own: reconcile Terraform's state,
 *  apply the role's policy, resume with `--cutover --from-step N` (printed). Then promote-primary-files (delete the
 *  replication), wait-for-primary-files (writable), scale-primary-app (the configured capacity),
 *  wait-for-primary-health, and unfence-primary: the primary's Route 53 health check requests /health again (the
 *  failover's fence-primary pointed it at a path that never answers 2xx/3xx), so Route 53 returns users to it.
 *
 * "Synced past the stop": EFS says any change made before `LastReplicatedTimestamp` "has been successfully replicated"
 * (EFS API, Destination). Replicated backups restore "to any point in time" up to their `RestoreWindow.LatestTime`,
 * so one after the stop holds every commit. A replica's "ReplicaLag 0" is no test on PostgreSQL: RDS measures it as
 * `now() - pg_last_xact_replay_timestamp()` (RDS User Guide, "Monitoring and tuning the replication process"), so once
 * writes stop it grows instead of reaching 0. `pg_last_xact_replay_timestamp` is the time a replayed commit "was
 * generated on the primary" (PostgreSQL documentation), and WAL replays in order, so a ReplicaLag point that dates the
 * last replayed commit after the stop proves every earlier commit is on the replica. A point taken at or after `t` with
 * maximum lag `L` dates it after `t - L`: the step waits for a point with `t - L` after the stop. Any commit after the
 * stop makes it pass; if none comes, the step times out and says how to make one, or to compare LSNs and resume.
 *
 * Manual, printed at the end (docs/runbooks.md#region-failback): reconcile Terraform's state with the new database,
 * rebuild the standby (`terraform apply`), and delete the stale instance once its last writes are reconciled.
 *
 * Exit codes: 0 done, ready for the cutover, or dry run; 1 a step failed or timed out; 2 bad arguments.
 */
import { AutoScalingClient, DescribeAutoScalingGroupsCommand, UpdateAutoScalingGroupCommand } from "@aws-sdk/client-auto-scaling";
import { BackupClient, DescribeBackupJobCommand, StartBackupJobCommand, type DescribeBackupJobCommandOutput } from "@aws-sdk/client-backup";
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import {
  CreateReplicationConfigurationCommand,
  DeleteReplicationConfigurationCommand,
  DescribeFileSystemsCommand,
  DescribeReplicationConfigurationsCommand,
  EFSClient,
  UpdateFileSystemProtectionCommand,
  type ReplicationConfigurationDescription,
} from "@aws-sdk/client-efs";
import { ElasticLoadBalancingV2Client } from "@aws-sdk/client-elastic-load-balancing-v2";
import {
  CreateDBInstanceReadReplicaCommand,
  DescribeSourceRegionsCommand,
  ModifyDBInstanceCommand,
  PromoteReadReplicaCommand,
  RDSClient,
  RestoreDBInstanceToPointInTimeCommand,
  StartDBInstanceAutomatedBackupsReplicationCommand,
  type DBInstance,
  type DBInstanceAutomatedBackup,
} from "@aws-sdk/client-rds";
import { loadConfig } from "../config/load";
import { HEALTH_CHECK_PATH } from "../constructs/app/user-data";
import { DATABASE_LOG_EXPORTS, databaseIdentifier, recoverySiteName, resourceName, targetGroupName } from "../constructs/naming";
import { UsageError, flag, parseCommandLine, runMain } from "./cli";
import {
  REAL_WORLD,
  StepFailure,
  ago,
  arnAccount,
  clientConfig,
  configureDatabase,
  describeInstance,
  healthyTargets,
  isInstance,
  primaryHealthCheckName,
  readOutputs,
  route53HealthChecks,
  setHealthCheckPath,
  recoveryDatabaseMode,
  recoveryEnvironment,
  replicaLagPoints,
  replicatedBackups,
  replicationStatus,
  runSteps,
  stopOnStuckStatus,
  stringOutput,
  waiter,
  wholeFlag,
  type FailoverWorld,
  type HealthChecks,
  type RecoveryEnvironment,
  type StepsRun,
} from "./failover";

/** The steps both modes begin with: hold the primary, keep its files, and start copying the data home. */
const PREPARE_FIRST = [
  "check-recovery-site",
  "check-primary-site",
  "hold-primary-app",
  "back-up-primary-files",
  "release-primary-file-system",
  "replicate-files-back",
  "rename-stale-database",
  "wait-for-rename",
] as const;
/** The prepare's last wait (the files' first sync home), then the cutover's first steps: writes stop, the copies catch up. */
const READY_THEN_STOP = ["wait-for-files-back", "verify-ready", "stop-writes", "wait-for-sync"] as const;
/** The steps both modes end with: the app role, the files, the app and DNS back in the primary region. */
const CUTOVER_LAST = ["apply-app-role", "promote-primary-files", "wait-for-primary-files", "scale-primary-app", "wait-for-primary-health", "unfence-primary"] as const;

/** recovery.database "restore" (the default): the new primary restored from the recovery database's replicated backups. */
export const FAILBACK_STEPS = [
  ...PREPARE_FIRST,
  "replicate-database-backups",
  "wait-for-database-backups",
  ...READY_THEN_STOP,
  "restore-primary-database",
  "wait-for-primary-database",
  "configure-primary-database",
  ...CUTOVER_LAST,
] as const;
/** recovery.database "replica": the new primary a read replica of the recovery database, promoted at the cutover. */
export const REPLICA_FAILBACK_STEPS = [
  ...PREPARE_FIRST,
  "create-database-replica",
  "wait-for-database-replica",
  ...READY_THEN_STOP,
  "promote-primary-database",
  "wait-for-primary-database",
  ...CUTOVER_LAST,
] as const;
export type FailbackStep = (typeof FAILBACK_STEPS)[number] | (typeof REPLICA_FAILBACK_STEPS)[number];
/** The cutover's first step, in both modes: the steps before it prepare, with no user impact. */
export const CUTOVER_STEP = FAILBACK_STEPS.indexOf("verify-ready") + 1;

/** The steps of a mode. */
export function failbackSteps(mode: "restore" | "replica"): readonly FailbackStep[] {
  return mode === "restore" ? FAILBACK_STEPS : REPLICA_FAILBACK_STEPS;
}

export interface FailbackOptions {
  readonly environment: string;
  readonly strategy: "pilot-light" | "warm-standby";
  /** How the recovery database was made, and so how the new primary is (config: recovery.database). */
  readonly databaseMode: "restore" | "replica";
  readonly primaryRegion: string;
  readonly recoveryRegion: string;
  /** The database's identifier in the primary region: the stale primary's now, the new primary's at the end. */
  readonly database: string;
  /** What the stale primary is renamed to. */
  readonly staleDatabase: string;
  /** The recovery region's database (restored or promoted by the failover), serving users now. */
  readonly recoveryDatabase: string;
  /** Given to the new primary (config: database.backupRetentionDays, database.backupWindow). */
  readonly backupRetentionDays: number;
  readonly backupWindow: string;
  /** The primary region's file system (stale) and the recovery region's copy (serving). */
  readonly fileSystemId: string;
  readonly recoveryFileSystemId: string;
  /** The primary region's AWS Backup vault and the role its plan backs up as (constructs/backup.ts). */
  readonly backupVault: string;
  readonly backupRole: string;
  /** The app groups of both regions, and the primary's target group. */
  readonly primaryGroup: string;
  readonly primaryTargetGroup: string;
  readonly recoveryGroup: string;
  /** The primary app group's configured capacity (config: app.*). */
  readonly capacity: { readonly min: number; readonly desired: number; readonly max: number };
  /** Run the cutover (from verify-ready on); without it the run stops after the prepare steps. */
  readonly cutover: boolean;
  readonly dryRun: boolean;
  readonly fromStep: number;
  readonly timeoutSeconds: number;
  readonly intervalSeconds: number;
}

/** Clients of each region. */
export interface FailbackClients {
  readonly primary: {
    readonly rds: RDSClient;
    readonly efs: EFSClient;
    readonly autoScaling: AutoScalingClient;
    readonly elb: ElasticLoadBalancingV2Client;
    readonly cloudWatch: CloudWatchClient;
    readonly backup: BackupClient;
  };
  readonly recovery: { readonly rds: RDSClient; readonly efs: EFSClient; readonly autoScaling: AutoScalingClient };
  /** Route 53 (global): the failover's fence on the primary's health check, lifted at the end. */
  readonly route53: HealthChecks;
}

export interface FailbackResult {
  /**
   * "ready": the prepare steps are done, the cutover is next (`--cutover`). "paused": the cutover waits at apply-app-role
   * for a Terraform apply, then goes on with `--cutover --from-step N`.
   */
  readonly outcome: "done" | "ready" | "paused" | "dry-run" | "failed";
  readonly stoppedAt?: FailbackStep;
  readonly message: string;
  readonly timings: StepsRun<FailbackStep>["timings"];
}

/** A file system's replication configurations (as source or destination); none is an answer, not an error. */
async function replications(efs: EFSClient, fileSystemId: string): Promise<ReplicationConfigurationDescription[]> {
  try {
    return (await efs.send(new DescribeReplicationConfigurationsCommand({ FileSystemId: fileSystemId }))).Replications ?? [];
  } catch (error) {
    if ((error as Error).name === "ReplicationNotFound") return [];
    throw error;
  }
}

async function protection(efs: EFSClient, fileSystemId: string): Promise<string> {
  const answer = await efs.send(new DescribeFileSystemsCommand({ FileSystemId: fileSystemId }));
  return answer.FileSystems?.[0]?.FileSystemProtection?.ReplicationOverwriteProtection ?? "unknown";
}

async function groupInstances(autoScaling: AutoScalingClient, name: string) {
  const group = (await autoScaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] }))).AutoScalingGroups?.[0];
  if (!group) throw new StepFailure(`no Auto Scaling group ${name}`);
  return { group, live: (group.Instances ?? []).filter((i) => i.LifecycleState !== "Terminated") };
}

/** `restorable until <time>`, or why not yet. */
function restorable(backups: DBInstanceAutomatedBackup | undefined): string {
  if (!backups) return "not replicated here";
  return `${backups.Status}, ${backups.RestoreWindow?.LatestTime ? `restorable until ${backups.RestoreWindow.LatestTime.toISOString()}` : "no restorable time yet"}`;
}

/** Runs the failback's prepare steps, or with `cutover` its cutover, or the dry run of both. */
export async function runFailback(options: FailbackOptions, clients: FailbackClients, world: FailoverWorld): Promise<FailbackResult> {
  const { primary, recovery } = clients;
  const restore = options.databaseMode === "restore";
  const order = failbackSteps(options.databaseMode);
  const facts: {
    recoveryArn?: string;
    recoveryResourceId?: string;
    template?: DBInstance;
    renamed?: boolean;
    current?: DBInstance;
    backups?: DBInstanceAutomatedBackup;
    primaryTargetGroupArn?: string;
    writesStoppedAt?: number;
    pauseMessage?: string;
  } = {};
  const waitUntil = waiter(world, options.timeoutSeconds, options.intervalSeconds);
  const dry = options.dryRun;
  const stepNumber = (step: FailbackStep) => order.indexOf(step) + 1;
  const hold = (name: string) => ({ AutoScalingGroupName: name, MinSize: 0, DesiredCapacity: 0, MaxSize: 0 });
  const filesBack = async () =>
    (await replications(recovery.efs, options.recoveryFileSystemId)).find((r) => r.SourceFileSystemId === options.recoveryFileSystemId && r.Destinations?.[0]?.FileSystemId === options.fileSystemId)?.Destinations?.[0];
  const isNewReplica = (db: DBInstance | undefined) => !!db?.ReadReplicaSourceDBInstanceIdentifier && isInstance(db.ReadReplicaSourceDBInstanceIdentifier, options.recoveryDatabase, options.recoveryRegion);
  // The recovery database's own, by its resource id: an earlier failback's, retained, may carry the same identifier.
  const backupsHere = () => replicatedBackups(primary.rds, options.recoveryDatabase, options.primaryRegion, { resourceId: facts.recoveryResourceId });
  const databaseReady = (db: DBInstance | undefined) => db?.DBInstanceStatus === "available" && isNewReplica(db) && replicationStatus(db) === "replicating";

  const steps: Record<FailbackStep, () => Promise<string>> = {
    "check-recovery-site": async () => {
      const db = await describeInstance(recovery.rds, options.recoveryDatabase);
      if (!db?.DBInstanceArn) throw new StepFailure(`no instance ${options.recoveryDatabase} in ${options.recoveryRegion}: nothing to fail back from`);
      if (db.ReadReplicaSourceDBInstanceIdentifier) throw new StepFailure(`${options.recoveryDatabase} is still a replica of ${db.ReadReplicaSourceDBInstanceIdentifier}: the environment has not failed over, there is nothing to fail back`);
      // A replica's source "needs to have automated backups configured" (RDS User Guide, "Read replica configuration
      // with PostgreSQL"); replicated backups are copies of them.
      if (!db.BackupRetentionPeriod) {
        throw new StepFailure(
          `${options.recoveryDatabase} has no automated backups, and the failback copies them: aws rds modify-db-instance --db-instance-identifier ${options.recoveryDatabase} --backup-retention-period ${options.backupRetentionDays} --apply-immediately`,
        );
      }
      if (!restore && db.MasterUserSecret) {
        throw new StepFailure(
          `${options.recoveryDatabase} manages its master password in Secrets Manager (${db.MasterUserSecret.SecretArn}), and AWS does not support creating a read replica of such a source ` +
            `("Limitations for Secrets Manager integration with Amazon RDS"). Hand the password back to whoever keeps it outside RDS (MH-DR-2): aws rds modify-db-instance --db-instance-identifier ${options.recoveryDatabase} ` +
            "--no-manage-master-user-password --master-user-password <from your store> --apply-immediately, then run again",
        );
      }
      facts.recoveryArn = db.DBInstanceArn;
      facts.recoveryResourceId = db.DbiResourceId;
      const copy = await protection(recovery.efs, options.recoveryFileSystemId);
      if (copy === "REPLICATING") throw new StepFailure(`${options.recoveryFileSystemId} is still a replication destination (read-only): the failover has not promoted it`);
      const { live } = await groupInstances(recovery.autoScaling, options.recoveryGroup);
      return `${options.recoveryDatabase} standalone (${db.DBInstanceStatus}, ${db.BackupRetentionPeriod}-day backups); ${options.recoveryFileSystemId} writable (protection ${copy}); ${options.recoveryGroup}: ${live.length} instances`;
    },
    "check-primary-site": async () => {
      const stale = await describeInstance(primary.rds, options.staleDatabase);
      const current = await describeInstance(primary.rds, options.database);
      // Before the rename the stale primary holds the identifier; after it, the identifier is the new primary's.
      const template = stale ?? (current && !current.ReadReplicaSourceDBInstanceIdentifier ? current : undefined);
      if (!template) throw new StepFailure(`neither ${options.staleDatabase} nor a standalone ${options.database} in ${options.primaryRegion}: no stale primary to take the settings from (docs/runbooks.md#region-failback)`);
      facts.template = template;
      facts.renamed = !!stale;
      facts.current = stale ? current : undefined;
      const { group } = await groupInstances(primary.autoScaling, options.primaryGroup);
      const arn = group.TargetGroupARNs?.find((a) => a.includes(`:targetgroup/${options.primaryTargetGroup}/`));
      if (!arn) throw new StepFailure(`${options.primaryGroup} is not registered in target group ${options.primaryTargetGroup}`);
      facts.primaryTargetGroupArn = arn;
      const files = await protection(primary.efs, options.fileSystemId);
      let copy: string;
      if (restore) {
        facts.backups = await backupsHere();
        if (!facts.backups) {
          // Not every pair of regions replicates automated backups ("Finding information about replicated backups",
          // https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/AutomatedBackups.Replicating.Describe.html).
          const source = (await primary.rds.send(new DescribeSourceRegionsCommand({ RegionName: options.recoveryRegion }))).SourceRegions?.[0];
          if (!source?.SupportsDBInstanceAutomatedBackupsReplication) {
            throw new StepFailure(`RDS does not replicate automated backups from ${options.recoveryRegion} to ${options.primaryRegion} (DescribeSourceRegions): copy a snapshot by hand (docs/runbooks.md#region-failback)`);
          }
        }
        copy = `backups of ${options.recoveryDatabase} here: ${restorable(facts.backups)}; ${facts.current ? `${options.database} restored (${facts.current.DBInstanceStatus})` : "no new primary yet"}`;
      } else {
        copy = !facts.current
          ? "no new replica yet"
          : isNewReplica(facts.current)
            ? `${options.database} replicates ${options.recoveryDatabase} (${facts.current.DBInstanceStatus}, replication ${replicationStatus(facts.current)})`
            : `${options.database} is standalone (${facts.current.DBInstanceStatus})`;
      }
      return `stale primary ${template.DBInstanceIdentifier} (${template.DBInstanceStatus}); ${copy}; ${options.fileSystemId} protection ${files}; ${options.primaryGroup}: desired ${group.DesiredCapacity}`;
    },
    "hold-primary-app": async () => {
      const input = hold(options.primaryGroup);
      if (dry) return `would call UpdateAutoScalingGroup ${JSON.stringify(input)} in ${options.primaryRegion}`;
      await primary.autoScaling.send(new UpdateAutoScalingGroupCommand(input));
      return `${options.primaryGroup} held at 0: no user reaches the stale database, no instance writes to it`;
    },
    "back-up-primary-files": async () => {
      // Replicating the copy back makes the primary file system match it: files written there after the copy's last
      // sync (before the loss, or while the region was only impaired) are destroyed. This recovery point keeps them.
      const { partition, account } = arnAccount(facts.recoveryArn as string);
      const input = {
        BackupVaultName: options.backupVault,
        ResourceArn: `arn:${partition}:elasticfilesystem:${options.primaryRegion}:${account}:file-system/${options.fileSystemId}`,
        IamRoleArn: `arn:${partition}:iam::${account}:role/${options.backupRole}`,
        // "Retrying a successful request with the same idempotency token results in a success message with no action
        // taken" (StartBackupJob): a resumed run the same day adopts the job instead of starting another.
        IdempotencyToken: `failback-${options.fileSystemId}-${new Date(world.now()).toISOString().slice(0, 10)}`,
        RecoveryPointTags: { Reason: "failback: the primary file system before the recovery copy replaced it" },
      };
      if (dry) return `would call StartBackupJob ${JSON.stringify(input)} in ${options.primaryRegion}, then wait until it is COMPLETED`;
      const started = await primary.backup.send(new StartBackupJobCommand(input));
      let job: DescribeBackupJobCommandOutput | undefined;
      await waitUntil(`backup job ${started.BackupJobId} of ${options.fileSystemId} COMPLETED`, async () => {
        job = await primary.backup.send(new DescribeBackupJobCommand({ BackupJobId: started.BackupJobId }));
        if (job.State && BACKUP_JOB_FAILED.has(job.State)) {
          throw new StepFailure(`backup job ${started.BackupJobId} of ${options.fileSystemId} is ${job.State}${job.StatusMessage ? ` (${job.StatusMessage})` : ""}: nothing was replicated over it yet`);
        }
        return job.State === "COMPLETED";
      });
      return `${options.fileSystemId} backed up before the copy replaces it: recovery point ${job?.RecoveryPointArn ?? started.RecoveryPointArn} in ${options.backupVault} (job ${started.BackupJobId})`;
    },
    "release-primary-file-system": async () => {
      const leftover = (await replications(primary.efs, options.fileSystemId)).filter((r) => r.SourceFileSystemId === options.fileSystemId);
      // The recovery side was deleted by the failover (check-recovery-site found the copy writable): only this side is left.
      const remove = { SourceFileSystemId: options.fileSystemId, DeletionMode: "LOCAL_CONFIGURATION_ONLY" } as const;
      const unprotect = { FileSystemId: options.fileSystemId, ReplicationOverwriteProtection: "DISABLED" } as const;
      if (dry) return `${leftover.length ? `would call DeleteReplicationConfiguration ${JSON.stringify(remove)}, wait until it is gone, then ` : "no old replication left; would "}call UpdateFileSystemProtection ${JSON.stringify(unprotect)}`;
      if (leftover.length) {
        await primary.efs.send(new DeleteReplicationConfigurationCommand(remove));
        await waitUntil(`the old replication of ${options.fileSystemId} deleted`, async () => !(await replications(primary.efs, options.fileSystemId)).some((r) => r.SourceFileSystemId === options.fileSystemId));
      }
      await primary.efs.send(new UpdateFileSystemProtectionCommand(unprotect));
      return `${leftover.length ? "old replication deleted; " : ""}${options.fileSystemId} can be a replication destination (protection DISABLED)`;
    },
    "replicate-files-back": async () => {
      const input = { SourceFileSystemId: options.recoveryFileSystemId, Destinations: [{ Region: options.primaryRegion, FileSystemId: options.fileSystemId }] };
      if (dry) return `would call CreateReplicationConfiguration ${JSON.stringify(input)} in ${options.recoveryRegion}`;
      await recovery.efs.send(new CreateReplicationConfigurationCommand(input));
      return `${options.recoveryFileSystemId} replicates to ${options.fileSystemId}: only the differences are copied`;
    },
    "rename-stale-database": async () => {
      if (facts.renamed) return `${options.staleDatabase} exists: renamed by an earlier run`;
      const input = { DBInstanceIdentifier: options.database, NewDBInstanceIdentifier: options.staleDatabase, ApplyImmediately: true };
      if (dry) return `would call ModifyDBInstance ${JSON.stringify(input)} in ${options.primaryRegion}`;
      await primary.rds.send(new ModifyDBInstanceCommand(input));
      return `renaming ${options.database} to ${options.staleDatabase} (it reboots; deletion protection stays on)`;
    },
    "wait-for-rename": async () => {
      if (dry) return `would wait until ${options.staleDatabase} is available and ${options.database} is free`;
      let status = "unknown";
      await waitUntil(`${options.staleDatabase} available under its new name`, async () => {
        const stale = await describeInstance(primary.rds, options.staleDatabase);
        status = stale?.DBInstanceStatus ?? "not found";
        stopOnStuckStatus(options.staleDatabase, stale?.DBInstanceStatus);
        const current = await describeInstance(primary.rds, options.database);
        return status === "available" && (!current || isNewReplica(current));
      });
      return `${options.staleDatabase} is ${status}; ${options.database} is free for the new primary`;
    },
    "replicate-database-backups": async () => {
      if (facts.backups) return `the backups of ${options.recoveryDatabase} replicate here already (${restorable(facts.backups)}): started by an earlier run`;
      const t = facts.template as DBInstance;
      if (!t.KmsKeyId) throw new StepFailure(`${t.DBInstanceIdentifier} has no KMS key to encrypt the replicated backups with: they need a key of ${options.primaryRegion}`);
      // The SDK signs the source region's PreSignedUrl from the ARN (@aws-sdk/middleware-sdk-rds).
      const input = { SourceDBInstanceArn: facts.recoveryArn, KmsKeyId: t.KmsKeyId, BackupRetentionPeriod: options.backupRetentionDays };
      if (dry) return `would call StartDBInstanceAutomatedBackupsReplication ${JSON.stringify(input)} in ${options.primaryRegion}`;
      await primary.rds.send(new StartDBInstanceAutomatedBackupsReplicationCommand(input));
      return `the automated backups of ${facts.recoveryArn} replicate to ${options.primaryRegion}, encrypted with ${t.KmsKeyId}`;
    },
    "wait-for-database-backups": async () => {
      if (dry) return `would wait until the backups of ${options.recoveryDatabase} replicated to ${options.primaryRegion} have a restorable time (up to ${options.timeoutSeconds} s)`;
      await waitUntil(`a restorable time of ${options.recoveryDatabase}'s backups in ${options.primaryRegion}`, async () => {
        facts.backups = await backupsHere();
        return !!facts.backups?.RestoreWindow?.LatestTime;
      });
      return `${facts.backups?.DBInstanceAutomatedBackupsArn}: ${restorable(facts.backups)}`;
    },
    "create-database-replica": async () => {
      const t = facts.template as DBInstance;
      if (isNewReplica(facts.current)) return `${options.database} replicates ${options.recoveryDatabase} already: created by an earlier run`;
      if (!t.KmsKeyId) throw new StepFailure(`${t.DBInstanceIdentifier} has no KMS key to encrypt the replica with: an encrypted cross-region replica needs a key of ${options.primaryRegion}`);
      const input = {
        DBInstanceIdentifier: options.database,
        SourceDBInstanceIdentifier: facts.recoveryArn,
        KmsKeyId: t.KmsKeyId,
        DBInstanceClass: t.DBInstanceClass,
        MultiAZ: t.MultiAZ,
        StorageType: t.StorageType,
        DBSubnetGroupName: t.DBSubnetGroup?.DBSubnetGroupName,
        VpcSecurityGroupIds: (t.VpcSecurityGroups ?? []).map((g) => g.VpcSecurityGroupId).filter((id): id is string => !!id),
        DBParameterGroupName: t.DBParameterGroups?.[0]?.DBParameterGroupName,
        PubliclyAccessible: false,
        EnableIAMDatabaseAuthentication: true,
        DeletionProtection: true,
        CopyTagsToSnapshot: true,
        EnableCloudwatchLogsExports: [...DATABASE_LOG_EXPORTS],
        Tags: t.TagList,
      };
      if (dry) return `would call CreateDBInstanceReadReplica ${JSON.stringify(input)} in ${options.primaryRegion}`;
      await primary.rds.send(new CreateDBInstanceReadReplicaCommand(input));
      return `creating ${options.database} in ${options.primaryRegion}, a replica of ${facts.recoveryArn}`;
    },
    "wait-for-database-replica": async () => {
      if (dry) return `would wait until ${options.database} is available and replicating (up to ${options.timeoutSeconds} s)`;
      let said = "not found";
      await waitUntil(`${options.database} available and replicating`, async () => {
        const db = await describeInstance(primary.rds, options.database);
        said = db ? `${db.DBInstanceStatus}, replication ${replicationStatus(db)}` : "not found";
        stopOnStuckStatus(options.database, db?.DBInstanceStatus);
        return databaseReady(db);
      });
      return `${options.database} is ${said}`;
    },
    "wait-for-files-back": async () => {
      if (dry) return `would wait until the replication ${options.recoveryFileSystemId} -> ${options.fileSystemId} is ENABLED and has synced once`;
      let destination: Awaited<ReturnType<typeof filesBack>>;
      await waitUntil(`the first sync of ${options.recoveryFileSystemId} -> ${options.fileSystemId}`, async () => {
        destination = await filesBack();
        if (destination?.Status === "ERROR" || destination?.Status === "PAUSED") {
          throw new StepFailure(`the replication ${options.recoveryFileSystemId} -> ${options.fileSystemId} is ${destination.Status}${destination.StatusMessage ? ` (${destination.StatusMessage})` : ""}: it will not sync by itself`);
        }
        return destination?.Status === "ENABLED" && !!destination.LastReplicatedTimestamp;
      });
      return `${options.fileSystemId} last synced ${ago(world, destination?.LastReplicatedTimestamp)}`;
    },
    "verify-ready": async () => {
      const db = await describeInstance(primary.rds, options.database);
      const backups = restore ? await backupsHere() : undefined;
      const files = await filesBack();
      const { group } = await groupInstances(primary.autoScaling, options.primaryGroup);
      const database = restore
        ? `backups of ${options.recoveryDatabase}: ${restorable(backups)}; ${options.database}: ${db ? `exists (${db.DBInstanceStatus})` : "free"}`
        : `${options.database}: ${db ? `${db.DBInstanceStatus}, replication ${replicationStatus(db)}` : "not found"}`;
      const state = `${database}; files: ${files ? `${files.Status}, last synced ${ago(world, files.LastReplicatedTimestamp)}` : "not replicating"}; ${options.primaryGroup} desired ${group.DesiredCapacity}`;
      const what = restore ? "the backups are restorable, the identifier is free" : "the replica replicates";
      if (dry) return `would check that ${what}, the files synced and ${options.primaryGroup} is held at 0 (now: ${state})`;
      const databaseOk = restore ? !!backups?.RestoreWindow?.LatestTime && !db : databaseReady(db);
      if (!(databaseOk && files?.Status === "ENABLED" && !!files.LastReplicatedTimestamp && group.MaxSize === 0)) {
        throw new StepFailure(`not ready for the cutover (${state}): finish the prepare steps (npm run failback -- --env ${options.environment}) first`);
      }
      return state;
    },
    "stop-writes": async () => {
      const input = hold(options.recoveryGroup);
      if (dry) return `would call UpdateAutoScalingGroup ${JSON.stringify(input)} in ${options.recoveryRegion}, then wait until it holds no instance`;
      await recovery.autoScaling.send(new UpdateAutoScalingGroupCommand(input));
      let left = 0;
      await waitUntil(`no instance left in ${options.recoveryGroup}`, async () => {
        left = (await groupInstances(recovery.autoScaling, options.recoveryGroup)).live.length;
        return left === 0;
      });
      facts.writesStoppedAt = world.now();
      return `no instance left in ${options.recoveryGroup} at ${new Date(facts.writesStoppedAt).toISOString()}: nothing writes any more`;
    },
    "wait-for-sync": async () => {
      const database = restore ? `the backups of ${options.recoveryDatabase} replicated here are restorable to a time after writes stopped` : `${options.database} has replayed a commit made after writes stopped`;
      if (dry) return `would wait until ${options.fileSystemId} has synced and ${database}`;
      if (facts.writesStoppedAt === undefined) {
        // Resumed: the stop is no later than now, if the group is still empty; "now" only makes the test stricter.
        if ((await groupInstances(recovery.autoScaling, options.recoveryGroup)).live.length) throw new StepFailure(`${options.recoveryGroup} has instances again: writes are not stopped; resume with --from-step ${CUTOVER_STEP + 1}`);
        facts.writesStoppedAt = world.now();
      }
      const stop = facts.writesStoppedAt;
      let filesSynced: Date | undefined;
      let newest: { at: Date; seconds: number } | undefined;
      const databaseSynced = async () => {
        if (restore) {
          facts.backups = await backupsHere();
          return (facts.backups?.RestoreWindow?.LatestTime?.getTime() ?? 0) > stop;
        }
        const points = await replicaLagPoints(primary.cloudWatch, options.database, new Date(stop), new Date(world.now()));
        newest = points.at(-1);
        return points.some((p) => p.at.getTime() >= stop && p.seconds >= 0 && p.at.getTime() - p.seconds * 1000 > stop);
      };
      try {
        await waitUntil("files and database synced past the stop", async () => {
          filesSynced = (await filesBack())?.LastReplicatedTimestamp;
          const synced = await databaseSynced();
          return !!filesSynced && filesSynced.getTime() > stop && synced;
        });
      } catch (error) {
        if (!(error instanceof StepFailure)) throw error;
        const files = `files last synced ${filesSynced?.toISOString() ?? "never"}`;
        if (restore) {
          throw new StepFailure(
            `${error.message} (${files}; the replicated backups ${restorable(facts.backups)}). RDS uploads the transaction logs about every 5 minutes and then copies them across regions: ` +
              `if both are merely late, run the cutover again (--cutover --from-step ${stepNumber("wait-for-sync")}); if the backups' status is not replicating, read the recovery database's events`,
          );
        }
        throw new StepFailure(
          `${error.message} (${files}; database ReplicaLag ${newest ? `${newest.seconds} s at ${newest.at.toISOString()}` : "not reported"}). ` +
            `No commit made after the stop has been replayed: make one on ${options.recoveryDatabase} (SELECT txid_current();) and run again, ` +
            `or check that pg_last_wal_replay_lsn() on ${options.database} equals pg_current_wal_lsn() on ${options.recoveryDatabase} and resume with --from-step ${stepNumber("wait-for-sync") + 1}`,
        );
      }
      const said = restore ? `the replicated backups ${restorable(facts.backups)}` : `database replayed past the stop (ReplicaLag ${newest?.seconds} s at ${newest?.at.toISOString()})`;
      return `files synced ${filesSynced?.toISOString()}, ${said}`;
    },
    "restore-primary-database": async () => {
      if (facts.current) return `${options.database} exists (${facts.current.DBInstanceStatus}): restored by an earlier run`;
      const t = facts.template as DBInstance;
      const input = {
        SourceDBInstanceAutomatedBackupsArn: facts.backups?.DBInstanceAutomatedBackupsArn ?? (dry ? `<the replicated backups of step ${stepNumber("wait-for-database-backups")}>` : undefined),
        // Nothing has written since the stop, and the backups are restorable past it: the latest time is the stop's state.
        UseLatestRestorableTime: true,
        TargetDBInstanceIdentifier: options.database,
        DBInstanceClass: t.DBInstanceClass,
        DBSubnetGroupName: t.DBSubnetGroup?.DBSubnetGroupName,
        VpcSecurityGroupIds: (t.VpcSecurityGroups ?? []).map((g) => g.VpcSecurityGroupId).filter((id): id is string => !!id),
        DBParameterGroupName: t.DBParameterGroups?.[0]?.DBParameterGroupName,
        MultiAZ: t.MultiAZ,
        PubliclyAccessible: false,
        AutoMinorVersionUpgrade: t.AutoMinorVersionUpgrade,
        // No StorageType, as in the failover's restore: the restore keeps "most of the original configuration" (gp3), and
        // StorageType gp3 "you must also include a value for the Iops parameter" (RDS API Reference,
        // RestoreDBInstanceToPointInTime), which a 100 GiB gp3 volume cannot take.
        MaxAllocatedStorage: t.MaxAllocatedStorage,
        CACertificateIdentifier: t.CACertificateIdentifier,
        EnableIAMDatabaseAuthentication: true,
        EnableCloudwatchLogsExports: [...DATABASE_LOG_EXPORTS],
        DeletionProtection: true,
        CopyTagsToSnapshot: true,
        BackupRetentionPeriod: options.backupRetentionDays,
        PreferredBackupWindow: options.backupWindow,
        Tags: t.TagList,
      };
      if (dry) return `would call RestoreDBInstanceToPointInTime ${JSON.stringify(input)} in ${options.primaryRegion}`;
      if (!input.SourceDBInstanceAutomatedBackupsArn) throw new StepFailure(`no backups of ${options.recoveryDatabase} replicated to ${options.primaryRegion}: run the prepare steps first`);
      await primary.rds.send(new RestoreDBInstanceToPointInTimeCommand(input));
      return `restoring ${options.database} in ${options.primaryRegion} from ${input.SourceDBInstanceAutomatedBackupsArn}`;
    },
    "promote-primary-database": async () => {
      const input = { DBInstanceIdentifier: options.database, BackupRetentionPeriod: options.backupRetentionDays, PreferredBackupWindow: options.backupWindow };
      if (dry) return `would call PromoteReadReplica ${JSON.stringify(input)} in ${options.primaryRegion}`;
      await primary.rds.send(new PromoteReadReplicaCommand(input));
      return `promoting ${options.database}, with ${options.backupRetentionDays} days of automated backups taken in ${options.backupWindow} UTC`;
    },
    "wait-for-primary-database": async () => {
      if (dry) return `would wait until ${options.database} is available${restore ? "" : " and no longer a replica"}`;
      await waitUntil(`${options.database} available and standalone`, async () => {
        const db = await describeInstance(primary.rds, options.database);
        stopOnStuckStatus(options.database, db?.DBInstanceStatus);
        return db?.DBInstanceStatus === "available" && !db.ReadReplicaSourceDBInstanceIdentifier;
      });
      return `${options.database} is available and writable`;
    },
    "configure-primary-database": async () => {
      const t = facts.template as DBInstance;
      const secretKey = t.MasterUserSecret?.KmsKeyId ?? t.KmsKeyId;
      if (!secretKey) throw new StepFailure(`${t.DBInstanceIdentifier} names no key for the master secret`);
      const pi = t.PerformanceInsightsEnabled && t.PerformanceInsightsKMSKeyId ? { key: t.PerformanceInsightsKMSKeyId, retentionDays: t.PerformanceInsightsRetentionPeriod ?? 7 } : undefined;
      return configureDatabase(
        primary.rds,
        options.database,
        { secretKey, monitoringIntervalSeconds: t.MonitoringInterval ?? 0, monitoringRoleArn: t.MonitoringRoleArn, performanceInsights: pi, maintenanceWindow: t.PreferredMaintenanceWindow },
        dry,
        ` in ${options.primaryRegion}`,
        waitUntil,
      );
    },
    "apply-app-role": async () => {
      // The app's role allows rds-db:connect to the old instance's resource id (constructs/app-tier.ts): the new primary
      // has its own, and an app scaled up now would serve users errors until Terraform names it.
      const db = dry ? undefined : await describeInstance(primary.rds, options.database);
      const resume = `--cutover --from-step ${stepNumber("apply-app-role") + 1}`;
      const what =
        `reconcile Terraform's state with the new ${options.database} (docs/runbooks.md#region-failback: terraform state rm and import of its aws_db_instance), ` +
        "then run `terraform apply` for the environment now (it updates the app role to the new database's resource id: npm run plan:check first; " +
        `apply only the role's policy, -target=aws_iam_role_policy.app-tier_instance-policy: a whole apply would also set both app groups' sizes and the primary health check's path back mid-cutover), then resume with ${resume}`;
      if (dry) return `would stop here (outcome paused): ${what}`;
      facts.pauseMessage = `${options.database} is available with resource id ${db?.DbiResourceId ?? "unknown"}, which the primary app's role does not name yet: ${what}`;
      return `paused: the primary app stays at zero until its role names ${db?.DbiResourceId ?? "the new resource id"}`;
    },
    "promote-primary-files": async () => {
      const input = { SourceFileSystemId: options.recoveryFileSystemId, DeletionMode: "ALL_CONFIGURATIONS" } as const;
      if (dry) return `would call DeleteReplicationConfiguration ${JSON.stringify(input)} in ${options.recoveryRegion}`;
      await recovery.efs.send(new DeleteReplicationConfigurationCommand(input));
      return `replication of ${options.recoveryFileSystemId} to ${options.fileSystemId} deleted`;
    },
    "wait-for-primary-files": async () => {
      if (dry) return `would wait until ${options.fileSystemId} is writable (replication overwrite protection ENABLED)`;
      await waitUntil(`${options.fileSystemId} writable`, async () => (await protection(primary.efs, options.fileSystemId)) === "ENABLED");
      return `${options.fileSystemId} is writable`;
    },
    "scale-primary-app": async () => {
      const { min, desired, max } = options.capacity;
      const input = { AutoScalingGroupName: options.primaryGroup, MinSize: min, DesiredCapacity: desired, MaxSize: max };
      if (dry) return `would call UpdateAutoScalingGroup ${JSON.stringify(input)} in ${options.primaryRegion}`;
      await primary.autoScaling.send(new UpdateAutoScalingGroupCommand(input));
      return `${options.primaryGroup}: min ${min}, desired ${desired}, max ${max}`;
    },
    "wait-for-primary-health": async () => {
      const min = options.capacity.min;
      if (dry) return `would wait until ${options.primaryTargetGroup} has ${min} healthy targets`;
      let healthy = 0;
      await waitUntil(`${min} healthy targets in ${options.primaryTargetGroup}`, async () => {
        healthy = await healthyTargets(primary.elb, facts.primaryTargetGroupArn as string);
        return healthy >= min;
      });
      return `${healthy} healthy targets in ${options.primaryTargetGroup}: Route 53 returns users to the primary once unfence-primary lifts the fence`;
    },
    "unfence-primary": () =>
      setHealthCheckPath(
        clients.route53,
        primaryHealthCheckName(options.environment),
        HEALTH_CHECK_PATH,
        dry,
        `the failover's fence is lifted: Route 53 returns users to ${options.primaryRegion} once its checkers get 2xx/3xx there (Terraform's resource_path again: no drift)`,
      ),
  };

  const what = dry ? "Dry run of the failback" : options.cutover ? "Failback cutover" : "Failback preparation";
  world.log(`${what} of ${options.environment} (${options.strategy}, database ${options.databaseMode}): ${options.recoveryRegion} -> ${options.primaryRegion}`);
  const pause = stepNumber("apply-app-role");
  const toStep = dry ? undefined : !options.cutover ? CUTOVER_STEP - 1 : options.fromStep <= pause ? pause : undefined;
  const run = await runSteps(order.map((name) => ({ name, run: steps[name] })), { fromStep: options.fromStep, toStep }, world);
  if (run.failed) return { outcome: "failed", stoppedAt: run.failed.step, message: run.failed.message, timings: run.timings };
  if (dry) return { outcome: "dry-run", message: "nothing was changed; the read-only checks passed", timings: run.timings };
  if (toStep === pause) return { outcome: "paused", stoppedAt: "apply-app-role", message: facts.pauseMessage as string, timings: run.timings };
  if (!options.cutover) {
    const database = restore ? `the backups of ${options.recoveryDatabase} replicate to ${options.primaryRegion}` : `${options.database} replicates ${options.recoveryDatabase}`;
    return {
      outcome: "ready",
      message: `prepared: ${database}, ${options.fileSystemId} receives ${options.recoveryFileSystemId}; at a quiet hour, npm run failback -- --env ${options.environment} --cutover (users see the maintenance page until it ends)`,
      timings: run.timings,
    };
  }
  const database = restore
    ? `${options.recoveryDatabase} (outside Terraform's state) and its backups replicated to ${options.primaryRegion} (aws rds stop-db-instance-automated-backups-replication --source-db-instance-arn ${facts.recoveryArn} --region ${options.primaryRegion}) are to be deleted`
    : `${options.recoveryDatabase} and ${options.recoveryFileSystemId} are to be replaced`;
  world.log(
    `Left to do (docs/runbooks.md#region-failback): ${database}; ` +
      `then terraform apply to rebuild the ${options.strategy} standby; keep ${options.staleDatabase} until its last writes are reconciled.`,
  );
  return { outcome: "done", message: `${options.environment} runs in ${options.primaryRegion} again: database ${options.database}, files ${options.fileSystemId}`, timings: run.timings };
}

const USAGE =
  "npm run failback -- --env ENV [--dry-run] [--cutover] [--outputs FILE | --file-system-id ID --recovery-file-system-id ID] [--from-step N] [--timeout s] [--interval s]";
const COMMAND_LINE = {
  usage: USAGE,
  options: {
    env: { type: "string" },
    "dry-run": { type: "boolean" },
    cutover: { type: "boolean" },
    outputs: { type: "string" },
    "file-system-id": { type: "string" },
    "recovery-file-system-id": { type: "string" },
    "from-step": { type: "string" },
    timeout: { type: "string" },
    interval: { type: "string" },
  },
} as const;

const FILE_SYSTEM_ID = /^fs-[0-9a-f]{8,40}$/;

/** Backup job states that will never reach COMPLETED (AWS Backup API, BackupJob State). */
const BACKUP_JOB_FAILED = new Set(["ABORTING", "ABORTED", "FAILED", "EXPIRED", "PARTIAL"]);

/** The failback's options from its command line and the configuration, or "help". */
export function parseArgs(argv: readonly string[], environments: Readonly<Record<string, RecoveryEnvironment>>): FailbackOptions | "help" {
  const line = parseCommandLine(argv, COMMAND_LINE);
  if (line === "help") return "help";
  const { environment, config, recoveryRegion } = recoveryEnvironment(line, environments, USAGE, "the environment to bring back to its primary region");
  const strategy = config.recovery.strategy;
  if (strategy !== "pilot-light" && strategy !== "warm-standby") {
    throw new UsageError(`--env ${environment}: recovery.strategy is "${strategy}"; the failback returns from a pilot-light or warm-standby failover (a restore goes back by hand: docs/runbooks.md#region-lost)`);
  }
  const outputsFile = flag(line, "outputs");
  const outputs = outputsFile ? readOutputs(outputsFile) : undefined;
  const fileSystem = (name: string, output: string) => {
    const id = flag(line, name) ?? stringOutput(outputs, output);
    if (!id) throw new UsageError(`--${name} is required (or --outputs FILE with ${output}): the failback replicates files between the two file systems\nusage: ${USAGE}`);
    if (!FILE_SYSTEM_ID.test(id)) throw new UsageError(`--${name} takes a file system id such as fs-0123456789abcdef0, got "${id}"`);
    return id;
  };
  const mode = recoveryDatabaseMode(config);
  const cutover = line.values.cutover === true;
  const dryRun = line.values["dry-run"] === true;
  const total = failbackSteps(mode).length;
  const fromStep = wholeFlag(line, "from-step", cutover ? CUTOVER_STEP : 1, 1, total);
  if (!dryRun && cutover && fromStep < CUTOVER_STEP) throw new UsageError(`--from-step ${fromStep} with --cutover: the cutover is steps ${CUTOVER_STEP} to ${total}; the steps before it run without --cutover`);
  if (!dryRun && !cutover && fromStep >= CUTOVER_STEP) throw new UsageError(`--from-step ${fromStep}: steps ${CUTOVER_STEP} to ${total} are the cutover, add --cutover`);
  const site = recoverySiteName(environment);
  const database = databaseIdentifier(environment);
  return {
    environment,
    strategy,
    databaseMode: mode,
    primaryRegion: config.region,
    recoveryRegion,
    database,
    staleDatabase: `${database}-stale`,
    recoveryDatabase: databaseIdentifier(site),
    backupRetentionDays: config.database.backupRetentionDays,
    backupWindow: config.database.backupWindow,
    fileSystemId: fileSystem("file-system-id", "file_system_id"),
    recoveryFileSystemId: fileSystem("recovery-file-system-id", "recovery_file_system_id"),
    backupVault: resourceName(environment, "backup"),
    backupRole: resourceName(environment, "backup"),
    primaryGroup: resourceName(environment, "app"),
    primaryTargetGroup: targetGroupName(environment),
    recoveryGroup: resourceName(site, "app"),
    capacity: { min: config.app.minCapacity, desired: config.app.desiredCapacity, max: config.app.maxCapacity },
    cutover,
    dryRun,
    fromStep,
    timeoutSeconds: wholeFlag(line, "timeout", 4 * 3600, 1),
    intervalSeconds: wholeFlag(line, "interval", 60, 1),
  };
}

async function main(argv: readonly string[]): Promise<number> {
  const options = parseArgs(argv, loadConfig().environments);
  if (options === "help") {
    console.log(`usage: ${USAGE}`);
    return 0;
  }
  const [p, r] = [clientConfig(options.primaryRegion), clientConfig(options.recoveryRegion)];
  const clients: FailbackClients = {
    primary: { rds: new RDSClient(p), efs: new EFSClient(p), autoScaling: new AutoScalingClient(p), elb: new ElasticLoadBalancingV2Client(p), cloudWatch: new CloudWatchClient(p), backup: new BackupClient(p) },
    recovery: { rds: new RDSClient(r), efs: new EFSClient(r), autoScaling: new AutoScalingClient(r) },
    route53: route53HealthChecks(new RDSClient(p).config.credentials),
  };
  let result: FailbackResult;
  try {
    result = await runFailback(options, clients, REAL_WORLD);
  } catch (error) {
    if ((error as Error).name === "CredentialsProviderError") {
      console.error(`No AWS credentials: the failback reads RDS, EFS and Auto Scaling in ${options.recoveryRegion} and ${options.primaryRegion} even with --dry-run. Sign in to the environment's account and run it again.`);
      return 1;
    }
    throw error;
  }
  console.log(`${result.outcome}: ${result.message}`);
  return result.outcome === "failed" ? 1 : 0;
}

if (require.main === module) runMain(() => main(process.argv.slice(2)));
