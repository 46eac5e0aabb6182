/**
 * `npm run failover -- --env prod [--dry-run] ...`: moves an environment to its recovery region when the primary region
 * is lost (docs/runbooks.md#region-lost). Each step is printed with its measured time; `--dry-run` runs the read-only
 * checks and prints every call the other steps would make, with its parameters; a step that fails stops the run, says
 * where and why, and how to resume (`--from-step N` with the same flags; the checks run again whatever N is).
 *
 * recovery.strategy "backup-and-restore" (the data is there, nothing runs there):
 *
 *   1 check-database-copy   the replicated automated backups in the recovery region, and how far behind they are
 *   2 check-file-copy       the file system's replication to the recovery region, and its last sync
 *   3 restore-database      a point-in-time restore there, to the latest restorable time
 *   4 wait-for-database     until the restored instance is available
 *   5 promote-file-copy     delete the replication so the copy becomes writable
 *   6 wait-for-file-copy    until the copy's replication overwrite protection is back on (it is writable)
 *
 * What is left after step 6 (network, app, DNS in the recovery region) is printed: that rung builds none of it.
 *
 * recovery.strategy "pilot-light" / "warm-standby" with recovery.database "restore" (the default): the environment
 * stands there (network, the database's subnet group, parameter group, security group, log groups and monitoring role,
 * the file system's copy mounted by an Auto Scaling group at zero, or at one instance per AZ), but not the database:
 *
 *   1 check-database-copy        as above
 *   2 check-file-copy            as above
 *   3 check-restore-target       the subnet group and parameter group Terraform built, the database security group
 *                                (--security-group, --outputs, or found by its name in the subnet group's VPC)
 *   4 check-standby-group        the standby group exists and is registered in the standby target group
 *   5 fence-primary              the primary's Route 53 health check (tagged Name=<project>-<env>-alb-health) requests
 *                                FENCED_PATH, which never answers 2xx/3xx: Route 53 sends users to the standby (or the
 *                                maintenance page) whatever the primary region does, until the failback lifts it
 *   6 restore-database           a point-in-time restore into them, set as the primary is (config: database.*)
 *   7 wait-for-database          until it is available
 *   8 configure-database         what a restore cannot set: the master password managed by RDS under the recovery
 *                                region's key, enhanced monitoring, Performance Insights, the maintenance window
 *   9 promote-file-copy          as above
 *  10 wait-for-file-copy         as above
 *  11 scale-app                  the standby group to the primary's capacity (at least one instance per recovery AZ)
 *  12 refresh-standby-instances  replace the instances that booted before the database existed, and wait
 *  13 wait-for-health            until the target group has that many healthy targets
 *  14 wait-for-dns               until Route 53's checkers find the standby's health check (the deep path) healthy:
 *                                only then does the domain answer with the standby
 *
 * recovery.database "replica" (refused by guardrail MH-DR-2 unless accepted): a cross-region read replica stands there.
 *
 *   1 check-replica         the replica replicates the primary and is available; its ReplicaLag is the data at risk
 *   2 check-file-copy       as above
 *   3 check-standby-group   as above
 *   4 fence-primary         as above
 *   5 promote-database      PromoteReadReplica, with the primary's backup retention and window
 *   6 wait-for-database     until it is available and no longer a replica
 *   7 promote-file-copy     as above
 *   8 wait-for-file-copy    as above
 *   9 scale-app             as above
 *  10 wait-for-health       as above
 *  11 wait-for-dns          as above
 *
 * Why a restore and not a replica: AWS does not support "Creating a read replica when the source DB or DB cluster
 * manages credentials with Secrets Manager" (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-secrets-manager.html,
 * "Limitations for Secrets Manager integration with Amazon RDS"), and MediCare Hub's primary always does.
 *
 * Why this order:
 * - The checks first (1-4): a restore started into a subnet group or security group that is not there fails after
 *   minutes, or lands in the VPC's defaults ("with the default security group", RestoreDBInstanceToPointInTime).
 * - The fence before any data moves (5): otherwise Route 53 decides on a shallow check of the primary's load balancer,
 *   which a partly impaired region can pass (users keep writing there while the standby restores) and which passes
 *   again the moment the region returns (users back on the stale database). Route 53's API is global, so the fence
 *   needs nothing of the lost region. Terraform shows the changed resource_path as drift until the failback restores it.
 * - The database before anything that serves users: it takes longest (RDS restores a snapshot and replays the
 *   transaction logs, tens of minutes), and nothing serves without it.
 * - The master password after the restore (8): RestoreDBInstanceToPointInTime's ManageMasterUserPassword "Applies to
 *   RDS for Oracle only" (https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_RestoreDBInstanceToPointInTime.html),
 *   while "Modify the DB instance" is among the operations that can turn it on (the User Guide page above), and
 *   ModifyDBInstance says "If the DB instance doesn't manage the master user password with Amazon Web Services Secrets
 *   Manager, you can turn on this management" (https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_ModifyDBInstance.html).
 *   The primary's secret is in the lost region. Monitoring and Performance Insights have no restore parameter either.
 * - The files after the database (9-10): rows are at least as new as the files they point to.
 * - Capacity last (11-14). The standby's instances find the database's address at boot (constructs/app/bootstrap.sh,
 *   the DatabaseIdentifier tag), once: a warm standby's instances booted before the restore know no database and are
 *   replaced (12), launching the new ones first so capacity never drops. A pilot light's group is at zero until 11, so
 *   its instances boot after the restore. Route 53 sends users to the standby once the primary's health check fails
 *   and the standby's passes (constructs/dns.ts): it probes /health/deep, which fails while an instance expects a
 *   database it has not found, so users stay on the maintenance page until the instances of 11-12 answer with it.
 * - In "replica" mode the promotion comes first after the fence (5-6): a PostgreSQL replica is read-only until promoted, and RDS
 *   reboots it to promote it. The backup retention and window are passed because a replica has no automated backups
 *   and PromoteReadReplica's BackupRetentionPeriod is "Default: 1". Its instances know the replica's address already.
 *
 * Exit codes: 0 done (or dry run); 1 a step failed or timed out; 2 bad arguments.
 */
import { readFileSync } from "node:fs";
import {
  AutoScalingClient,
  DescribeAutoScalingGroupsCommand,
  DescribeInstanceRefreshesCommand,
  StartInstanceRefreshCommand,
  UpdateAutoScalingGroupCommand,
  type StartInstanceRefreshCommandInput,
} from "@aws-sdk/client-auto-scaling";
import { CloudWatchClient, GetMetricStatisticsCommand } from "@aws-sdk/client-cloudwatch";
import { DescribeSecurityGroupsCommand, EC2Client } from "@aws-sdk/client-ec2";
import { DeleteReplicationConfigurationCommand, DescribeFileSystemsCommand, DescribeReplicationConfigurationsCommand, EFSClient } from "@aws-sdk/client-efs";
import { DescribeTargetHealthCommand, ElasticLoadBalancingV2Client } from "@aws-sdk/client-elastic-load-balancing-v2";
import {
  DescribeDBInstanceAutomatedBackupsCommand,
  DescribeDBInstancesCommand,
  DescribeDBParameterGroupsCommand,
  DescribeDBSubnetGroupsCommand,
  ModifyDBInstanceCommand,
  PromoteReadReplicaCommand,
  RDSClient,
  RestoreDBInstanceToPointInTimeCommand,
  type DBInstance,
  type DBInstanceAutomatedBackup,
  type ModifyDBInstanceCommandInput,
  type RestoreDBInstanceToPointInTimeCommandInput,
} from "@aws-sdk/client-rds";
import { Hash } from "@smithy/hash-node";
import { SignatureV4 } from "@smithy/signature-v4";
import { loadConfig } from "../config/load";
import type { EnvironmentConfig } from "../config/schema";
import { RDS_CA_CERTIFICATE } from "../constructs/aws-facts";
import { DATABASE_LOG_EXPORTS, PHI_TAGS, databaseIdentifier, databaseParameterGroupName, keyAliasName, projectTags, recoverySiteName, resourceName, targetGroupName } from "../constructs/naming";
import { UsageError, flag, parseCommandLine, runMain, type CommandLine } from "./cli";

export const FAILOVER_STEPS = ["check-database-copy", "check-file-copy", "restore-database", "wait-for-database", "promote-file-copy", "wait-for-file-copy"] as const;
export type FailoverStep = (typeof FAILOVER_STEPS)[number];
/** recovery.database "restore" (the default) of the standby rungs. */
export const RESTORE_STANDBY_FAILOVER_STEPS = [
  "check-database-copy",
  "check-file-copy",
  "check-restore-target",
  "check-standby-group",
  "fence-primary",
  "restore-database",
  "wait-for-database",
  "configure-database",
  "promote-file-copy",
  "wait-for-file-copy",
  "scale-app",
  "refresh-standby-instances",
  "wait-for-health",
  "wait-for-dns",
] as const;
export type RestoreStandbyFailoverStep = (typeof RESTORE_STANDBY_FAILOVER_STEPS)[number];
/** recovery.database "replica" of the standby rungs. */
export const STANDBY_FAILOVER_STEPS = [
  "check-replica",
  "check-file-copy",
  "check-standby-group",
  "fence-primary",
  "promote-database",
  "wait-for-database",
  "promote-file-copy",
  "wait-for-file-copy",
  "scale-app",
  "wait-for-health",
  "wait-for-dns",
] as const;
export type StandbyFailoverStep = (typeof STANDBY_FAILOVER_STEPS)[number];

/** The window over which the replica's lag is read, as AWS's console shows it: long enough to hold several 1-minute points. */
const REPLICA_LAG_MINUTES = 5;

/** The CA of the database's server certificate, which clients pin for verify-full TLS (constructs/aws-facts.ts). */
export const DATABASE_CA_CERTIFICATE = RDS_CA_CERTIFICATE;

/**
 * Instance refreshes that are still running: the standby's own is adopted, not started twice.
 * (EC2 Auto Scaling API, InstanceRefresh Status.)
 */
const REFRESH_RUNNING = new Set(["Pending", "InProgress", "Cancelling", "RollbackInProgress", "Baking"]);

// ---------------------------------------------------------------------------------------------------------------------
// The step engine, shared with tools/failback.ts.

/** Time, waiting and output (injected in tests). */
export interface FailoverWorld {
  now(): number;
  sleep(ms: number): Promise<void>;
  log(line: string): void;
}

/** A step's own verdict, printed as it is (an AWS error is printed with its name). */
export class StepFailure extends Error {}

/** One step: `run` says what it did (or, in a dry run, would do). Steps named `check-*` only read. */
export interface Step<N extends string> {
  readonly name: N;
  run(): Promise<string>;
}

/** What a run of steps came to. */
export interface StepsRun<N extends string> {
  /** The step that failed and the run's verdict: where it stopped, why, and how to go on. */
  readonly failed?: { readonly step: N; readonly message: string };
  /** Seconds each step took, in order. */
  readonly timings: readonly { readonly step: N; readonly seconds: number }[];
}

/**
 * Runs `steps` in order, from `fromStep` (1-based) through `toStep`, each timed and printed as `[n/total] step: ...`.
 * The read-only `check-*` steps run whatever `fromStep` is: they find what the later steps act on. A failing step
 * stops the run; missing credentials are not a step's failure and are thrown.
 */
export async function runSteps<N extends string>(steps: readonly Step<N>[], range: { readonly fromStep: number; readonly toStep?: number }, world: FailoverWorld): Promise<StepsRun<N>> {
  const timings: { step: N; seconds: number }[] = [];
  const total = steps.length;
  for (const [index, step] of steps.entries()) {
    const number = index + 1;
    if (range.toStep !== undefined && number > range.toStep) break;
    const check = step.name.startsWith("check-");
    if (number < range.fromStep && !check) {
      world.log(`[${number}/${total}] ${step.name}: skipped (--from-step ${range.fromStep})`);
      continue;
    }
    const started = world.now();
    try {
      const said = await step.run();
      const seconds = Math.round((world.now() - started) / 1000);
      timings.push({ step: step.name, seconds });
      world.log(`[${number}/${total}] ${step.name}: ${said} (${seconds} s)`);
    } catch (error) {
      if ((error as Error).name === "CredentialsProviderError") throw error;
      const reason = error instanceof StepFailure ? error.message : `${(error as Error).name}: ${(error as Error).message}`;
      world.log(`[${number}/${total}] ${step.name}: FAILED: ${reason}`);
      const resume = check ? "fix the cause, then run it again" : `fix the cause, then resume with --from-step ${number} and the same flags`;
      return { failed: { step: step.name, message: `stopped at step ${number} (${step.name}): ${reason}; steps before it are done; ${resume}` }, timings };
    }
  }
  return { timings };
}

/** Error names of throttling and timeouts, which the next poll may not meet (the SDK's own retries gave up first). */
const TRANSIENT_ERRORS = new Set([
  "Throttling",
  "ThrottlingException",
  "ThrottledException",
  "TooManyRequestsException",
  "RequestLimitExceeded",
  "RequestThrottled",
  "RequestThrottledException",
  "PriorRequestNotComplete",
  "RequestTimeout",
  "RequestTimeoutException",
  "TimeoutError",
  "AbortError",
]);
const NETWORK_ERRORS = new Set(["ECONNRESET", "ECONNREFUSED", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EAI_AGAIN", "ENETUNREACH", "EHOSTUNREACH"]);

/** A throttle, a 5xx or a network failure: worth the next poll, not the end of the step. */
export function isTransient(error: unknown): boolean {
  if (error instanceof StepFailure) return false;
  // fetch (the Route 53 calls) reports a network failure as a TypeError whose cause has the code.
  const e = error as { name?: string; code?: string; cause?: { code?: string }; $metadata?: { httpStatusCode?: number }; $retryable?: unknown };
  return TRANSIENT_ERRORS.has(e.name ?? "") || NETWORK_ERRORS.has(e.code ?? e.cause?.code ?? "") || (e.$metadata?.httpStatusCode ?? 0) >= 500 || !!e.$retryable;
}

/**
 * Polls `done` every `intervalSeconds` until it holds, or fails the step after `timeoutSeconds`. A transient error
 * (isTransient) is polled again within the same deadline; any other error, or a StepFailure `done` throws, ends it.
 */
export function waiter(world: FailoverWorld, timeoutSeconds: number, intervalSeconds: number) {
  return async (what: string, done: () => Promise<boolean>): Promise<void> => {
    const deadline = world.now() + timeoutSeconds * 1000;
    let lastError: Error | undefined;
    for (;;) {
      try {
        if (await done()) return;
        lastError = undefined;
      } catch (error) {
        if (!isTransient(error)) throw error;
        lastError = error as Error;
        world.log(`  ${what}: ${lastError.name}: ${lastError.message}; polling again`);
      }
      if (world.now() >= deadline) throw new StepFailure(`${what} not reached within ${timeoutSeconds} s${lastError ? ` (last poll: ${lastError.name}: ${lastError.message})` : ""}`);
      await world.sleep(intervalSeconds * 1000);
    }
  };
}

/**
 * DB instance statuses a wait for "available" will not see end by themselves (RDS User Guide, "Viewing Amazon RDS DB
 * instance status": "failed", "incompatible-restore", "incompatible-parameters", "storage-full" and the others here).
 */
export const RDS_STUCK_STATUSES: ReadonlySet<string> = new Set([
  "failed",
  "incompatible-restore",
  "incompatible-parameters",
  "incompatible-network",
  "incompatible-option-group",
  "incompatible-credentials",
  "inaccessible-encryption-credentials",
  "restore-error",
  "storage-full",
  "deleting",
]);

/** Stops a wait at once on a status RDS will not leave by itself, naming it. */
export function stopOnStuckStatus(identifier: string, status: string | undefined): void {
  if (status && RDS_STUCK_STATUSES.has(status)) throw new StepFailure(`${identifier} is ${status}: RDS will not make it available by itself (read its events: aws rds describe-events --source-identifier ${identifier} --source-type db-instance)`);
}

/** `N s ago`, or `never`. */
export function ago(world: FailoverWorld, time: Date | undefined): string {
  return time ? `${Math.max(0, Math.round((world.now() - time.getTime()) / 1000))} s ago` : "never";
}

/** A `check-*` step of a resumed run may find its resource changed by the step it resumes after. */
export function resumedPast(fromStep: number, steps: readonly string[], step: string): boolean {
  return fromStep > steps.indexOf(step) + 1;
}

/** `terraform output -json` as `{ name: value }`, or a UsageError naming --outputs. */
export function readOutputs(file: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new UsageError(`--outputs ${file}: not readable as \`terraform output -json\` (${(error as Error).message})`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new UsageError(`--outputs ${file}: not the object \`terraform output -json\` writes`);
  return Object.fromEntries(Object.entries(parsed).map(([name, output]) => [name, typeof output === "object" && output !== null && "value" in output ? output.value : output]));
}

/** A string output of `terraform output -json`, if there is one. */
export function stringOutput(outputs: Record<string, unknown> | undefined, name: string): string | undefined {
  return typeof outputs?.[name] === "string" ? (outputs[name] as string) : undefined;
}

// ---------------------------------------------------------------------------------------------------------------------
// Reads shared with tools/failback.ts.

/**
 * The largest ReplicaLag (seconds) of `identifier` over `[from, to]`, per 1-minute point. For RDS for PostgreSQL it is
 * `now() - pg_last_xact_replay_timestamp()` (RDS User Guide, "Monitoring and tuning the replication process"), the age
 * of the last replayed commit: it also grows while the source writes nothing, or is gone.
 */
export async function replicaLagPoints(cloudWatch: CloudWatchClient, identifier: string, from: Date, to: Date): Promise<{ readonly at: Date; readonly seconds: number }[]> {
  const answer = await cloudWatch.send(
    new GetMetricStatisticsCommand({
      Namespace: "AWS/RDS",
      MetricName: "ReplicaLag",
      Dimensions: [{ Name: "DBInstanceIdentifier", Value: identifier }],
      StartTime: from,
      EndTime: to,
      Period: 60,
      Statistics: ["Maximum"],
    }),
  );
  return (answer.Datapoints ?? [])
    .filter((p) => p.Timestamp && p.Maximum !== undefined)
    .map((p) => ({ at: p.Timestamp as Date, seconds: p.Maximum as number }))
    .sort((a, b) => a.at.getTime() - b.at.getTime());
}

/** One DB instance, or undefined when RDS does not know it. */
export async function describeInstance(rds: RDSClient, identifier: string): Promise<DBInstance | undefined> {
  try {
    return (await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: identifier }))).DBInstances?.[0];
  } catch (error) {
    if ((error as Error).name === "DBInstanceNotFoundFault") return undefined;
    throw error;
  }
}

/** The status of a replica's replication (`replicating`, `error`, ...: RDS User Guide, "Monitoring read replication"). */
export function replicationStatus(db: DBInstance): string {
  const info = db.StatusInfos?.find((s) => s.StatusType === "read replication");
  return info ? `${info.Status}${info.Message ? `: ${info.Message}` : ""}` : "unknown";
}

/** `source` names `identifier` in `region`: a cross-region replica's source is an ARN, a same-region one's an identifier. */
export function isInstance(source: string | undefined, identifier: string, region: string): boolean {
  return source === identifier || new RegExp(`^arn:aws[\\w-]*:rds:${region}:\\d{12}:db:${identifier}$`).test(source ?? "");
}

/** Healthy targets of a target group (DescribeTargetHealth `State` "healthy"). */
export async function healthyTargets(elb: ElasticLoadBalancingV2Client, targetGroupArn: string): Promise<number> {
  const answer = await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: targetGroupArn }));
  return (answer.TargetHealthDescriptions ?? []).filter((t) => t.TargetHealth?.State === "healthy").length;
}

/** Which replicated backups are the source's: its instance's resource id when known, else their status. */
export interface BackupsWanted {
  /** The source instance's DbiResourceId: one instance's, whatever else once had its identifier. */
  readonly resourceId?: string;
  /** @default - any status */
  readonly status?: string;
}

/**
 * The replicated automated backups of `identifier` kept in `region`. Listed unfiltered and page by page: a
 * DBInstanceIdentifier filter must name an instance of the region asked, and the source is in another one. The
 * identifier alone is not enough: backups of a deleted instance, or whose replication stopped, stay listed under the
 * same identifier with status "retained" ("Automated backups for deleted instances and after backup replication is
 * stopped", RDS API, DBInstanceAutomatedBackup), until their retention ends. More than one candidate left is refused.
 */
export async function replicatedBackups(rds: RDSClient, identifier: string, region: string, wanted: BackupsWanted = {}): Promise<DBInstanceAutomatedBackup | undefined> {
  const named: DBInstanceAutomatedBackup[] = [];
  let marker: string | undefined;
  do {
    const answer = await rds.send(new DescribeDBInstanceAutomatedBackupsCommand(marker ? { Marker: marker } : {}));
    named.push(...(answer.DBInstanceAutomatedBackups ?? []).filter((b) => b.DBInstanceIdentifier === identifier && b.DBInstanceAutomatedBackupsArn?.includes(`:rds:${region}:`)));
    marker = answer.Marker;
  } while (marker);
  const newest = (b: DBInstanceAutomatedBackup) => b.RestoreWindow?.LatestTime?.getTime() ?? 0;
  const describe = (list: DBInstanceAutomatedBackup[]) =>
    [...list].sort((a, b) => newest(b) - newest(a)).map((b) => `${b.DbiResourceId} (${b.Status}, restorable until ${b.RestoreWindow?.LatestTime?.toISOString() ?? "never"})`).join(", ");
  const candidates = named.filter((b) => (wanted.resourceId ? b.DbiResourceId === wanted.resourceId : !wanted.status || b.Status === wanted.status));
  if (candidates.length > 1) {
    throw new StepFailure(`${candidates.length} sets of replicated backups of ${identifier} in ${region}, newest first: ${describe(candidates)}; name the source instance's with --source-resource-id`);
  }
  if (!candidates.length && named.length && !wanted.resourceId && wanted.status) {
    throw new StepFailure(`no replicated backups of ${identifier} in ${region} are ${wanted.status}; there are ${describe(named)}: if one of them is the source's, name it with --source-resource-id`);
  }
  return candidates[0];
}

/** The partition and account of an ARN (`arn:<partition>:<service>:<region>:<account>:...`). */
export function arnAccount(arn: string): { partition: string; account: string } {
  const [, partition, , , account] = arn.split(":");
  return { partition, account };
}

/** What a restored instance gets from ModifyDBInstance, because RestoreDBInstanceToPointInTime has no parameter for it. */
export interface DatabaseConfiguration {
  /** Encrypts the master user's secret that RDS creates (key ARN, id, alias ARN or alias name). */
  readonly secretKey: string;
  readonly monitoringIntervalSeconds: number;
  /** Enhanced monitoring's role; required unless the interval is 0. */
  readonly monitoringRoleArn?: string;
  /** @default - Performance Insights off */
  readonly performanceInsights?: { readonly key: string; readonly retentionDays: number };
  readonly maintenanceWindow?: string;
}

/**
 * The ModifyDBInstance call that finishes a restored instance. The master password part only while RDS does not
 * manage it yet: then "you can turn on this management", and once it does "you can't change the KMS key used to
 * encrypt the secret" (https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_ModifyDBInstance.html), so a
 * resumed run asks nothing of it twice.
 */
export function configureDatabaseInput(identifier: string, current: DBInstance | undefined, wanted: DatabaseConfiguration): ModifyDBInstanceCommandInput {
  return {
    DBInstanceIdentifier: identifier,
    ...(current?.MasterUserSecret ? {} : { ManageMasterUserPassword: true, MasterUserSecretKmsKeyId: wanted.secretKey }),
    MonitoringInterval: wanted.monitoringIntervalSeconds,
    MonitoringRoleArn: wanted.monitoringRoleArn,
    ...(wanted.performanceInsights
      ? { EnablePerformanceInsights: true, PerformanceInsightsKMSKeyId: wanted.performanceInsights.key, PerformanceInsightsRetentionPeriod: wanted.performanceInsights.retentionDays }
      : {}),
    PreferredMaintenanceWindow: wanted.maintenanceWindow,
    ApplyImmediately: true,
  };
}

/** What configure-database says it did, or would do. */
export async function configureDatabase(
  rds: RDSClient,
  identifier: string,
  wanted: DatabaseConfiguration,
  dryRun: boolean,
  where = "",
  waitUntil?: (what: string, done: () => Promise<boolean>) => Promise<void>,
): Promise<string> {
  const current = dryRun ? undefined : await describeInstance(rds, identifier);
  const input = configureDatabaseInput(identifier, current, wanted);
  if (dryRun) return `would call ModifyDBInstance ${JSON.stringify(input)}${where}`;
  // Right after a restore RDS takes the first automated backup ("backing-up") and refuses modifications until the
  // instance is available again (InvalidDBInstanceState, ModifyDBInstance's errors in the RDS API Reference): tried
  // again within the step's bounded wait rather than ending the run with the database restored and users still out.
  const modify = async (): Promise<boolean> => {
    try {
      await rds.send(new ModifyDBInstanceCommand(input));
      return true;
    } catch (error) {
      if (!/^InvalidDBInstanceState/.test((error as Error).name) || !waitUntil) throw error;
      throw Object.assign(new Error((error as Error).message), { name: (error as Error).name, $retryable: true });
    }
  };
  if (waitUntil) await waitUntil(`${identifier} accepting its configuration`, modify);
  else await modify();
  const secret = current?.MasterUserSecret ? `its master password is managed already (${current.MasterUserSecret.SecretArn})` : `RDS manages its master password, encrypted with ${wanted.secretKey}`;
  return `${identifier}: ${secret}; enhanced monitoring every ${wanted.monitoringIntervalSeconds} s${wanted.performanceInsights ? ", Performance Insights" : ""} (applied now; the instance reads "modifying" meanwhile)`;
}

// ---------------------------------------------------------------------------------------------------------------------
// The fence: the primary's Route 53 health check, shared with tools/failback.ts.

/** A Route 53 health check, as the fence reads it. */
export interface HealthCheckInfo {
  readonly id: string;
  /** The path the checkers request (HTTP, HTTPS and their string-matching types). */
  readonly resourcePath?: string;
  /** Route 53's counter of the check's updates: an update naming it fails if someone changed the check meanwhile. */
  readonly version: number;
}

/**
 * The Route 53 calls the fence makes. Route 53 is a global service: its API answers whatever region is lost, so the
 * fence needs nothing of the primary region.
 */
export interface HealthChecks {
  /** The health checks whose Name tag is `name` (ListHealthChecks, then ListTagsForResources). */
  named(name: string): Promise<HealthCheckInfo[]>;
  /** UpdateHealthCheck of `id`'s ResourcePath, at `version`. */
  setResourcePath(id: string, resourcePath: string, version: number): Promise<void>;
  /** GetHealthCheckStatus: how many of the checkers' last observations are a success, of how many. */
  status(id: string): Promise<{ readonly healthy: number; readonly checkers: number }>;
}

/**
 * Route 53 calls an endpoint healthy when "more than 18% of health checkers report that an endpoint is healthy" (Route
 * 53 Developer Guide, "How Amazon Route 53 determines whether a health check is healthy").
 */
export const HEALTHY_CHECKER_SHARE = 0.18;

/** The Name tag of an environment's standby load-balancer health check, the secondary's of the failover records (constructs/dns.ts). */
export function standbyHealthCheckName(environment: string): string {
  return resourceName(environment, "dr-alb-health");
}

/**
 * The path the fence gives the primary's health check: one the app answers with neither 2xx nor 3xx (a 404 from the
 * app, a 503 from a load balancer with no healthy target). An HTTPS check is healthy only when "the endpoint must
 * respond with an HTTP status code of 2xx or 3xx within two seconds after connecting" (Route 53 Developer Guide, "How
 * Amazon Route 53 determines whether a health check is healthy",
 * https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/dns-failover-determining-health-of-endpoints.html).
 */
export const FENCED_PATH = "/fenced-by-failover";

/** The Name tag of an environment's primary load-balancer health check (constructs/dns.ts). */
export function primaryHealthCheckName(environment: string): string {
  return resourceName(environment, "alb-health");
}

/** The one health check named `name`, or the step's verdict. */
async function theHealthCheck(checks: HealthChecks, name: string): Promise<HealthCheckInfo> {
  const found = await checks.named(name);
  if (found.length !== 1) {
    throw new StepFailure(`${found.length ? `${found.length} Route 53 health checks are` : "no Route 53 health check is"} tagged Name=${name}: the fence needs exactly one (constructs/dns.ts)`);
  }
  return found[0];
}

/**
 * Points the health check named `name` at `resourcePath` (UpdateHealthCheck's ResourcePath: "The path, if any, that
 * you want Amazon Route 53 to request when performing health checks. The path can be any value for which your endpoint
 * will return an HTTP status code of 2xx or 3xx when the endpoint is healthy",
 * https://docs.aws.amazon.com/Route53/latest/APIReference/API_UpdateHealthCheck.html), at the HealthCheckVersion read
 * ("This prevents Route 53 from overwriting an intervening update"), and says what it was. Already there: nothing is
 * changed (a resumed run).
 */
export async function setHealthCheckPath(checks: HealthChecks, name: string, resourcePath: string, dryRun: boolean, why: string): Promise<string> {
  const check = await theHealthCheck(checks, name);
  if (check.resourcePath === resourcePath) return `${check.id} (${name}) requests ${resourcePath} already: nothing to change`;
  const input = { HealthCheckId: check.id, HealthCheckVersion: check.version, ResourcePath: resourcePath };
  if (dryRun) return `would call UpdateHealthCheck ${JSON.stringify(input)} (Route 53, global; ${name} requests ${check.resourcePath ?? "no path"} now)`;
  await checks.setResourcePath(check.id, resourcePath, check.version);
  return `${check.id} (${name}): ResourcePath ${check.resourcePath ?? "none"} -> ${resourcePath} (the original path was ${check.resourcePath ?? "none"}); ${why}`;
}

// ---------------------------------------------------------------------------------------------------------------------
// The failover.

interface CommonOptions {
  readonly environment: string;
  readonly primaryRegion: string;
  readonly recoveryRegion: string;
  /** The primary database's identifier. */
  readonly sourceDatabase: string;
  /** The primary file system's id; found from the replication configurations when absent. */
  readonly fileSystemId?: string;
  /**
   * The copy's id, for a run resumed after the replication was deleted (nothing names the copy any more).
   * @default - found from the replication configuration
   */
  readonly recoveryFileSystemId?: string;
  /** Delete only the recovery region's side of the file-system replication (the primary cannot be reached). */
  readonly primaryUnreachable: boolean;
  /**
   * The primary database's DbiResourceId, which picks its replicated backups among others of the same identifier.
   * @default - the backups of that identifier whose status is "replicating", if there is exactly one set
   */
  readonly sourceResourceId?: string;
  readonly dryRun: boolean;
  /** Resume from this step; the checks run again whatever it is. */
  readonly fromStep: number;
  readonly timeoutSeconds: number;
  readonly intervalSeconds: number;
}

/** What a point-in-time restore's wait is bounded by. */
interface RestoreOptions {
  /**
   * Seconds wait-for-database waits for the restore: RDS restores a snapshot and then replays the transaction logs,
   * which takes longer than the other waits (up to 1000 GiB in prod).
   * @default 14400 (4 h)
   */
  readonly restoreTimeoutSeconds: number;
}

/** --restore-timeout's default: a restore of prod's volume, with its logs replayed, is measured in hours. */
export const DEFAULT_RESTORE_TIMEOUT_SECONDS = 4 * 3600;

/** recovery.strategy "backup-and-restore". */
export interface FailoverOptions extends CommonOptions, RestoreOptions {
  readonly strategy: "backup-and-restore";
  /** The restored instance's identifier in the recovery region. */
  readonly targetDatabase: string;
  /** DB subnet group in the recovery region (required unless --dry-run). */
  readonly subnetGroup?: string;
  /** Security groups of the restored instance (required unless --dry-run). */
  readonly securityGroupIds: readonly string[];
  /** A parameter group there with rds.force_ssl=1 (the restore otherwise takes the engine's default). */
  readonly parameterGroup?: string;
}

/** What both standby modes share: the standby group, scaled to the primary's size. */
interface StandbyOptions extends CommonOptions {
  readonly strategy: "pilot-light" | "warm-standby";
  /** The standby Auto Scaling group and its target group. */
  readonly appGroup: string;
  readonly targetGroup: string;
  /** What the standby group is scaled to: the primary's app capacity, min at least one instance per recovery AZ. */
  readonly capacity: { readonly min: number; readonly desired: number; readonly max: number };
}

/** recovery.strategy "pilot-light" or "warm-standby" with recovery.database "replica". */
export interface StandbyFailoverOptions extends StandbyOptions {
  readonly databaseMode: "replica";
  /** The cross-region read replica of `sourceDatabase` in the recovery region. */
  readonly replica: string;
  /** The primary's automated-backup retention and window, given to the promoted replica (config: database.*). */
  readonly backupRetentionDays: number;
  readonly backupWindow: string;
}

/** The primary's database settings a restored instance is given (config: database.*). */
export type DatabaseSettings = Pick<
  EnvironmentConfig["database"],
  | "instanceClass"
  | "multiAz"
  | "deletionProtection"
  | "backupRetentionDays"
  | "backupWindow"
  | "maintenanceWindow"
  | "maxAllocatedStorageGib"
  | "monitoringIntervalSeconds"
  | "performanceInsightsRetentionDays"
>;

/** recovery.strategy "pilot-light" or "warm-standby" with recovery.database "restore" (the default). */
export interface RestoreStandbyFailoverOptions extends StandbyOptions, RestoreOptions {
  readonly databaseMode: "restore";
  /** The instance restored in the recovery region, `databaseIdentifier(<env>-dr)`: the standby's instances look it up by it. */
  readonly targetDatabase: string;
  /** The DB subnet group and parameter group Terraform built for it (constructs/database.ts, DatabaseRestoreTarget). */
  readonly subnetGroup: string;
  readonly parameterGroup: string;
  /** The recovery VPC's database security group, by name (constructs/security-groups.ts). */
  readonly securityGroupName: string;
  /** @default - found by `securityGroupName` in the subnet group's VPC */
  readonly securityGroupId?: string;
  /** The enhanced-monitoring role Terraform built for it (its trust names this instance). */
  readonly monitoringRoleName: string;
  /**
   * The recovery region's database key (constructs/encryption.ts, `alias/<project>-<env>-dr-database`): the restored
   * storage keeps it (the replicated backups are encrypted with it), and it encrypts the new master secret and
   * Performance Insights.
   */
  readonly keyAlias: string;
  readonly settings: DatabaseSettings;
  /** Tags of the restored instance: what Terraform's default tags and the database construct would give it. */
  readonly tags: Readonly<Record<string, string>>;
}

/** Clients of the recovery region (backup-and-restore uses RDS and EFS only). */
export interface FailoverClients {
  readonly rds: RDSClient;
  readonly efs: EFSClient;
}

interface StandbyClients extends FailoverClients {
  readonly autoScaling: AutoScalingClient;
  readonly elb: ElasticLoadBalancingV2Client;
  /** Route 53 (global): the fence. */
  readonly route53: HealthChecks;
}

export interface StandbyFailoverClients extends StandbyClients {
  readonly cloudWatch: CloudWatchClient;
}

export interface RestoreStandbyFailoverClients extends StandbyClients {
  readonly ec2: EC2Client;
}

export interface FailoverResult<N extends string = FailoverStep> {
  readonly outcome: "done" | "dry-run" | "failed";
  /** The step that failed. */
  readonly stoppedAt?: N;
  readonly message: string;
  /** Seconds each step took, in order. */
  readonly timings: readonly { readonly step: N; readonly seconds: number }[];
}

/**
 * The file-system steps every rung shares: find the replication, then delete it so the copy becomes writable. A run
 * resumed after `promote` finds no replication: that is the promotion's doing, not a failure.
 */
function fileCopySteps(options: CommonOptions, steps: readonly string[], efs: EFSClient, world: FailoverWorld) {
  const facts: { sourceFileSystemId?: string; copyId?: string } = {};
  const deletionMode = options.primaryUnreachable ? "LOCAL_CONFIGURATION_ONLY" : "ALL_CONFIGURATIONS";
  const waitUntil = waiter(world, options.timeoutSeconds, options.intervalSeconds);
  return {
    facts,
    check: async () => {
      // Every replication this account has in the recovery region, filtered below: asked by the primary's id there, EFS
      // may refuse ("you can only describe the replication configuration for a file system in its own Region").
      const answer = await efs.send(new DescribeReplicationConfigurationsCommand({})).catch((error: Error) => {
        if (error.name === "ReplicationNotFound") return { Replications: [] };
        throw error;
      });
      const replication = (answer.Replications ?? []).find(
        (r) => (!options.fileSystemId || r.SourceFileSystemId === options.fileSystemId) && r.SourceFileSystemRegion === options.primaryRegion && r.Destinations?.[0]?.Region === options.recoveryRegion,
      );
      const destination = replication?.Destinations?.[0];
      if (!replication && resumedPast(options.fromStep, steps, "promote-file-copy")) {
        facts.copyId = options.recoveryFileSystemId;
        return `no replication left: deleted by the run this one resumes (the copy: ${facts.copyId ?? "unknown, give --recovery-file-system-id to wait for it"})`;
      }
      if (!replication?.SourceFileSystemId || !destination?.FileSystemId) throw new StepFailure(`no replication of ${options.fileSystemId ?? "a file system"} from ${options.primaryRegion} to ${options.recoveryRegion}`);
      facts.sourceFileSystemId = replication.SourceFileSystemId;
      facts.copyId = destination.FileSystemId;
      return `${replication.SourceFileSystemId} -> ${destination.FileSystemId} (${destination.Status}), last synced ${destination.LastReplicatedTimestamp?.toISOString() ?? "never"} (${ago(world, destination.LastReplicatedTimestamp)})`;
    },
    promote: async () => {
      const input = { SourceFileSystemId: facts.sourceFileSystemId, DeletionMode: deletionMode } as const;
      if (options.dryRun) return `would call DeleteReplicationConfiguration ${JSON.stringify(input)} (the copy ${facts.copyId} becomes writable)`;
      await efs.send(new DeleteReplicationConfigurationCommand(input));
      return `replication of ${facts.sourceFileSystemId} deleted (${deletionMode})`;
    },
    wait: async () => {
      if (options.dryRun) return `would wait until ${facts.copyId} is writable (replication overwrite protection ENABLED)`;
      if (!facts.copyId) throw new StepFailure("the copy's id is unknown once its replication is deleted: give --recovery-file-system-id (or --outputs)");
      let protection = "unknown";
      // "If you delete the replication configuration, the file system's replication overwrite protection is re-enabled
      // and the file system becomes writeable" (EFS User Guide, "File system protection").
      await waitUntil(`${facts.copyId} writable`, async () => {
        const answer = await efs.send(new DescribeFileSystemsCommand({ FileSystemId: facts.copyId }));
        protection = answer.FileSystems?.[0]?.FileSystemProtection?.ReplicationOverwriteProtection ?? "unknown";
        return protection === "ENABLED";
      });
      return `${facts.copyId} is writable (replication overwrite protection ${protection})`;
    },
  };
}

/**
 * The database steps of a restore, shared by backup-and-restore and the standby's "restore" mode: find the replicated
 * automated backups, restore them to their latest restorable time, wait for the instance.
 */
function databaseRestoreSteps(
  options: CommonOptions & RestoreOptions & { readonly targetDatabase: string },
  rds: RDSClient,
  world: FailoverWorld,
  restoreInput: (backupsArn: string | undefined) => RestoreDBInstanceToPointInTimeCommandInput,
) {
  const facts: { backupsArn?: string; latest?: Date; createdAt?: Date } = {};
  const waitUntil = waiter(world, options.restoreTimeoutSeconds, options.intervalSeconds);
  return {
    facts,
    check: async () => {
      // The primary's own backups replicate as "replicating" while their source exists (even unreachable).
      const copy = await replicatedBackups(rds, options.sourceDatabase, options.recoveryRegion, { resourceId: options.sourceResourceId, status: "replicating" });
      if (!copy?.DBInstanceAutomatedBackupsArn) throw new StepFailure(`no replicated automated backups of ${options.sourceDatabase} in ${options.recoveryRegion}: nothing to restore there`);
      if (!copy.RestoreWindow?.LatestTime) throw new StepFailure(`the replicated backups (${copy.Status ?? "no status"}) have no restorable time yet`);
      facts.backupsArn = copy.DBInstanceAutomatedBackupsArn;
      facts.latest = copy.RestoreWindow.LatestTime;
      return `${copy.DBInstanceAutomatedBackupsArn} (${copy.Status}), latest restorable time ${copy.RestoreWindow.LatestTime.toISOString()}: the database loses what was written after it (${ago(world, facts.latest)})`;
    },
    restore: async () => {
      const input = restoreInput(facts.backupsArn);
      if (options.dryRun) return `would call RestoreDBInstanceToPointInTime ${JSON.stringify(input)}`;
      await rds.send(new RestoreDBInstanceToPointInTimeCommand(input));
      return `restoring ${options.targetDatabase} from ${facts.backupsArn}`;
    },
    wait: async () => {
      if (options.dryRun) return `would wait until ${options.targetDatabase} is available (up to ${options.restoreTimeoutSeconds} s)`;
      let status = "unknown";
      await waitUntil(`${options.targetDatabase} available`, async () => {
        const db = await describeInstance(rds, options.targetDatabase);
        status = db?.DBInstanceStatus ?? "unknown";
        stopOnStuckStatus(options.targetDatabase, db?.DBInstanceStatus);
        facts.createdAt = db?.InstanceCreateTime ?? facts.createdAt;
        return status === "available";
      });
      return `${options.targetDatabase} is ${status}`;
    },
  };
}

/** The standby group's steps, shared by both standby modes: check it, scale it, wait for its targets. */
function standbyGroupSteps(options: StandbyOptions, clients: StandbyClients, world: FailoverWorld) {
  const facts: { targetGroupArn?: string; inService?: number } = {};
  const waitUntil = waiter(world, options.timeoutSeconds, options.intervalSeconds);
  const { min, desired, max } = options.capacity;
  return {
    facts,
    check: async () => {
      const answer = await clients.autoScaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [options.appGroup] }));
      const group = answer.AutoScalingGroups?.[0];
      if (!group) throw new StepFailure(`no Auto Scaling group ${options.appGroup} in ${options.recoveryRegion}: the ${options.strategy} standby is not built (terraform apply)`);
      const arn = group.TargetGroupARNs?.find((a) => a.includes(`:targetgroup/${options.targetGroup}/`));
      if (!arn) throw new StepFailure(`${options.appGroup} is not registered in target group ${options.targetGroup}: instances it launches would get no traffic`);
      facts.targetGroupArn = arn;
      facts.inService = (group.Instances ?? []).filter((i) => i.LifecycleState === "InService").length;
      return `${options.appGroup}: min ${group.MinSize}, desired ${group.DesiredCapacity}, max ${group.MaxSize}, ${facts.inService} in service; registered in ${options.targetGroup}`;
    },
    scale: async () => {
      const input = { AutoScalingGroupName: options.appGroup, MinSize: min, DesiredCapacity: desired, MaxSize: max };
      if (options.dryRun) return `would call UpdateAutoScalingGroup ${JSON.stringify(input)}`;
      await clients.autoScaling.send(new UpdateAutoScalingGroupCommand(input));
      return `${options.appGroup}: min ${min}, desired ${desired}, max ${max}`;
    },
    health: async () => {
      if (options.dryRun) return `would wait until ${options.targetGroup} has ${min} healthy targets (up to ${options.timeoutSeconds} s)`;
      let healthy = 0;
      await waitUntil(`${min} healthy targets in ${options.targetGroup}`, async () => {
        healthy = await healthyTargets(clients.elb, facts.targetGroupArn as string);
        return healthy >= min;
      });
      return `${healthy} healthy targets in ${options.targetGroup}: Route 53 sends users here once the standby's health check passes`;
    },
  };
}

/**
 * The standby's first mutating step: the primary's Route 53 health check requests FENCED_PATH, so it fails whatever
 * the primary region answers. Until then Route 53 decides on a shallow check of the primary's load balancer, which a
 * partly impaired region can pass (users keep writing there), and which passes again when the region returns.
 */
function fencePrimary(options: StandbyOptions, route53: HealthChecks): Promise<string> {
  return setHealthCheckPath(
    route53,
    primaryHealthCheckName(options.environment),
    FENCED_PATH,
    options.dryRun,
    `Route 53 fails the domain over to the standby (or the maintenance page) whatever ${options.primaryRegion} answers, and keeps it there when that region returns, until the failback's unfence-primary`,
  );
}

/**
 * The standby's last step: until Route 53's checkers find the standby healthy (its deep path: the app with its database
 * and files), the secondary failover record is not served and users see the maintenance page, whatever the targets say.
 */
async function waitForStandbyDns(options: StandbyOptions, route53: HealthChecks, waitUntil: ReturnType<typeof waiter>): Promise<string> {
  const name = standbyHealthCheckName(options.environment);
  const check = await theHealthCheck(route53, name);
  if (options.dryRun) return `would wait until Route 53's checkers find ${check.id} (${name}) healthy: more than ${HEALTHY_CHECKER_SHARE * 100} % of them (up to ${options.timeoutSeconds} s)`;
  let seen = { healthy: 0, checkers: 0 };
  await waitUntil(`Route 53 health check ${check.id} (${name}) healthy`, async () => {
    seen = await route53.status(check.id);
    return seen.checkers > 0 && seen.healthy / seen.checkers > HEALTHY_CHECKER_SHARE;
  });
  return `${seen.healthy} of ${seen.checkers} Route 53 checkers find ${check.id} (${name}) healthy: Route 53 answers the domain with ${options.recoveryRegion}'s load balancer`;
}

function result<N extends string>(run: StepsRun<N>, dryRun: boolean, done: string): FailoverResult<N> {
  if (run.failed) return { outcome: "failed", stoppedAt: run.failed.step, message: run.failed.message, timings: run.timings };
  return dryRun ? { outcome: "dry-run", message: "nothing was changed; the read-only checks passed", timings: run.timings } : { outcome: "done", message: done, timings: run.timings };
}

/** Runs the backup-and-restore failover (or its dry run) against the recovery region's RDS and EFS. */
export async function runFailover(options: FailoverOptions, clients: FailoverClients, world: FailoverWorld): Promise<FailoverResult> {
  const files = fileCopySteps(options, FAILOVER_STEPS, clients.efs, world);
  const database = databaseRestoreSteps(options, clients.rds, world, (backupsArn) => ({
    SourceDBInstanceAutomatedBackupsArn: backupsArn,
    UseLatestRestorableTime: true,
    TargetDBInstanceIdentifier: options.targetDatabase,
    DBSubnetGroupName: options.subnetGroup,
    VpcSecurityGroupIds: [...options.securityGroupIds],
    DBParameterGroupName: options.parameterGroup,
    MultiAZ: true,
    EnableIAMDatabaseAuthentication: true,
    DeletionProtection: true,
    CopyTagsToSnapshot: true,
    EnableCloudwatchLogsExports: [...DATABASE_LOG_EXPORTS],
  }));

  const steps: Record<FailoverStep, () => Promise<string>> = {
    "check-database-copy": database.check,
    "check-file-copy": files.check,
    "restore-database": database.restore,
    "wait-for-database": database.wait,
    "promote-file-copy": files.promote,
    "wait-for-file-copy": files.wait,
  };

  world.log(`${options.dryRun ? "Dry run of the failover" : "Failover"} of ${options.environment}: ${options.primaryRegion} -> ${options.recoveryRegion}`);
  const run = await runSteps(FAILOVER_STEPS.map((name) => ({ name, run: steps[name] })), options, world);
  if (run.failed) return result(run, options.dryRun, "");
  world.log(
    `Left to do (docs/runbooks.md#region-lost): mount targets, the TLS-only policy and backups on ${files.facts.copyId ?? "the copy"}; ` +
      `the app in ${options.recoveryRegion} pointed at ${options.targetDatabase}; DNS to its load balancer.`,
  );
  return result(run, options.dryRun, `${options.environment}'s data is in ${options.recoveryRegion}: database ${options.targetDatabase}, files ${files.facts.copyId}`);
}

/**
 * Runs the pilot-light / warm-standby failover of recovery.database "restore" (or its dry run): restore the replicated
 * backups into what Terraform built for them, promote the file-system copy, then scale the standby and replace what
 * booted before the database existed.
 */
export async function runRestoreStandbyFailover(options: RestoreStandbyFailoverOptions, clients: RestoreStandbyFailoverClients, world: FailoverWorld): Promise<FailoverResult<RestoreStandbyFailoverStep>> {
  const order = RESTORE_STANDBY_FAILOVER_STEPS;
  const facts: { vpcId?: string; securityGroupId?: string } = {};
  const files = fileCopySteps(options, order, clients.efs, world);
  const group = standbyGroupSteps(options, clients, world);
  const { settings } = options;
  const database = databaseRestoreSteps(options, clients.rds, world, (backupsArn) => ({
    SourceDBInstanceAutomatedBackupsArn: backupsArn,
    UseLatestRestorableTime: true,
    TargetDBInstanceIdentifier: options.targetDatabase,
    DBInstanceClass: settings.instanceClass,
    DBSubnetGroupName: options.subnetGroup,
    VpcSecurityGroupIds: facts.securityGroupId ? [facts.securityGroupId] : [],
    DBParameterGroupName: options.parameterGroup,
    MultiAZ: settings.multiAz,
    PubliclyAccessible: false,
    AutoMinorVersionUpgrade: true,
    // No StorageType: the restore keeps "most of the original configuration" (gp3), and StorageType gp3 "you must also
    // include a value for the Iops parameter" (RDS API Reference), which a 100 GiB gp3 volume cannot take.
    MaxAllocatedStorage: settings.maxAllocatedStorageGib,
    CACertificateIdentifier: DATABASE_CA_CERTIFICATE,
    EnableIAMDatabaseAuthentication: true,
    EnableCloudwatchLogsExports: [...DATABASE_LOG_EXPORTS],
    DeletionProtection: settings.deletionProtection,
    CopyTagsToSnapshot: true,
    BackupRetentionPeriod: settings.backupRetentionDays,
    PreferredBackupWindow: settings.backupWindow,
    Tags: Object.entries(options.tags).map(([Key, Value]) => ({ Key, Value })),
  }));
  const waitUntil = waiter(world, options.timeoutSeconds, options.intervalSeconds);
  const warm = options.strategy === "warm-standby";

  const steps: Record<RestoreStandbyFailoverStep, () => Promise<string>> = {
    "check-database-copy": database.check,
    "check-file-copy": files.check,
    "check-restore-target": async () => {
      const subnets = await standing(() => clients.rds.send(new DescribeDBSubnetGroupsCommand({ DBSubnetGroupName: options.subnetGroup })), "DBSubnetGroupNotFoundFault", `DB subnet group ${options.subnetGroup}`, options);
      const subnetGroup = subnets.DBSubnetGroups?.[0];
      facts.vpcId = subnetGroup?.VpcId;
      await standing(() => clients.rds.send(new DescribeDBParameterGroupsCommand({ DBParameterGroupName: options.parameterGroup })), "DBParameterGroupNotFound", `DB parameter group ${options.parameterGroup}`, options);
      facts.securityGroupId = options.securityGroupId ?? (await findSecurityGroup(clients.ec2, options.securityGroupName, facts.vpcId, options.recoveryRegion));
      const existing = await describeInstance(clients.rds, options.targetDatabase);
      const restoredAlready = resumedPast(options.fromStep, order, "restore-database");
      if (existing && !restoredAlready) throw new StepFailure(`${options.targetDatabase} exists already (${existing.DBInstanceStatus}): if a run restored it, resume with --from-step ${order.indexOf("wait-for-database") + 1}`);
      if (!existing && restoredAlready) throw new StepFailure(`no instance ${options.targetDatabase}: the restore has not started; resume with --from-step ${order.indexOf("restore-database") + 1}`);
      database.facts.createdAt = existing?.InstanceCreateTime;
      const azs = [...new Set((subnetGroup?.Subnets ?? []).map((s) => s.SubnetAvailabilityZone?.Name))].join(", ");
      const instance = existing ? `; ${options.targetDatabase} exists (${existing.DBInstanceStatus}): restored by the run this one resumes` : "";
      return `subnet group ${options.subnetGroup} (${facts.vpcId}, ${azs}); parameter group ${options.parameterGroup}; security group ${facts.securityGroupId}${options.securityGroupId ? "" : ` (${options.securityGroupName})`}${instance}`;
    },
    "check-standby-group": group.check,
    "fence-primary": () => fencePrimary(options, clients.route53),
    "restore-database": database.restore,
    "wait-for-database": database.wait,
    "configure-database": async () => {
      const { partition, account } = arnAccount(database.facts.backupsArn as string);
      return configureDatabase(
        clients.rds,
        options.targetDatabase,
        {
          secretKey: options.keyAlias,
          monitoringIntervalSeconds: settings.monitoringIntervalSeconds,
          monitoringRoleArn: `arn:${partition}:iam::${account}:role/${options.monitoringRoleName}`,
          performanceInsights: { key: options.keyAlias, retentionDays: settings.performanceInsightsRetentionDays },
          maintenanceWindow: settings.maintenanceWindow,
        },
        options.dryRun,
        "",
        waitUntil,
      );
    },
    "promote-file-copy": files.promote,
    "wait-for-file-copy": files.wait,
    "scale-app": group.scale,
    "refresh-standby-instances": async () => {
      // A warm standby's instances booted before the restore; a pilot light's only if someone started some (its
      // instances of a resumed run launched at scale-app, after the restore).
      const stale = warm || ((group.facts.inService ?? 0) > 0 && !resumedPast(options.fromStep, order, "scale-app"));
      if (!stale) return `not needed: ${options.appGroup} held no instance before scale-app, so every instance booted knowing ${options.targetDatabase}`;
      return refreshInstances(clients.autoScaling, options, database.facts.createdAt, waitUntil, order.indexOf("refresh-standby-instances") + 1);
    },
    "wait-for-health": group.health,
    "wait-for-dns": () => waitForStandbyDns(options, clients.route53, waitUntil),
  };

  world.log(`${options.dryRun ? "Dry run of the failover" : "Failover"} of ${options.environment} (${options.strategy}, database restored): ${options.primaryRegion} -> ${options.recoveryRegion}`);
  const run = await runSteps(order.map((name) => ({ name, run: steps[name] })), options, world);
  if (run.failed) return result(run, options.dryRun, "");
  world.log(
    `Left to do (docs/runbooks.md#region-lost): backups of ${files.facts.copyId ?? "the file-system copy"}; no terraform apply while failed over (it would reset ${options.appGroup}'s size, ` +
      `and put the fenced health check's resource_path, which its plan shows as drift, back to /health); ` +
      `as soon as ${options.primaryRegion} answers, \`npm run failback -- --env ${options.environment}\` (its first steps keep users and writes off the stale primary).`,
  );
  return result(run, options.dryRun, `${options.environment} runs in ${options.recoveryRegion}: database ${options.targetDatabase}, files ${files.facts.copyId}, ${options.capacity.min} instances`);
}

/** `call`'s answer; RDS's "not found" (`fault`) is the step's verdict: the standby is not built. */
async function standing<T>(call: () => Promise<T>, fault: string, what: string, options: StandbyOptions): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if ((error as Error).name === fault) throw new StepFailure(`no ${what} in ${options.recoveryRegion}: the ${options.strategy} standby is not built (terraform apply)`);
    throw error;
  }
}

/** The security group named `name` in `vpcId` (group names are unique within a VPC). */
async function findSecurityGroup(ec2: EC2Client, name: string, vpcId: string | undefined, region: string): Promise<string> {
  if (!vpcId) throw new StepFailure(`the DB subnet group names no VPC: cannot find security group ${name}; give --security-group`);
  const answer = await ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: "group-name", Values: [name] }, { Name: "vpc-id", Values: [vpcId] }] }));
  const id = answer.SecurityGroups?.[0]?.GroupId;
  if (!id) throw new StepFailure(`no security group ${name} in ${vpcId} (${region}): the standby is not built (terraform apply), or give --security-group`);
  return id;
}

/**
 * Replaces every instance of the standby group and waits until the refresh succeeds. New instances launch before old
 * ones stop (MinHealthyPercentage 100, MaxHealthyPercentage 200: "Auto Scaling launches a new instance before
 * terminating an old one", StartInstanceRefresh), so the capacity serving users never drops; SkipMatching false, or
 * the instances, launched from the current template, would be skipped. A refresh still running that started after the
 * database was created is this run's own (resumed after a timeout) and is waited for, not started twice.
 */
async function refreshInstances(
  autoScaling: AutoScalingClient,
  options: RestoreStandbyFailoverOptions,
  databaseCreatedAt: Date | undefined,
  waitUntil: ReturnType<typeof waiter>,
  stepNumber: number,
): Promise<string> {
  const input: StartInstanceRefreshCommandInput = {
    AutoScalingGroupName: options.appGroup,
    Strategy: "Rolling",
    Preferences: { MinHealthyPercentage: 100, MaxHealthyPercentage: 200, SkipMatching: false, AutoRollback: false },
  };
  if (options.dryRun) return `would call StartInstanceRefresh ${JSON.stringify(input)}, then wait until it is Successful (up to ${options.timeoutSeconds} s)`;
  const latest = (await autoScaling.send(new DescribeInstanceRefreshesCommand({ AutoScalingGroupName: options.appGroup, MaxRecords: 1 }))).InstanceRefreshes?.[0];
  let id = latest?.InstanceRefreshId;
  const running = !!latest?.Status && REFRESH_RUNNING.has(latest.Status);
  if (running && !(latest?.StartTime && databaseCreatedAt && latest.StartTime >= databaseCreatedAt)) {
    throw new StepFailure(
      `instance refresh ${id} of ${options.appGroup} is ${latest?.Status}, started before ${options.targetDatabase} existed: the instances it launches may not know the database. ` +
        `Cancel it (aws autoscaling cancel-instance-refresh --auto-scaling-group-name ${options.appGroup}) and resume with --from-step ${stepNumber}`,
    );
  }
  if (!running) id = (await autoScaling.send(new StartInstanceRefreshCommand(input))).InstanceRefreshId;
  let status = "unknown";
  await waitUntil(`instance refresh ${id} of ${options.appGroup} Successful`, async () => {
    const refresh = (await autoScaling.send(new DescribeInstanceRefreshesCommand({ AutoScalingGroupName: options.appGroup, InstanceRefreshIds: [id as string] }))).InstanceRefreshes?.[0];
    status = refresh?.Status ?? "unknown";
    if (["Failed", "Cancelled", "RollbackSuccessful", "RollbackFailed"].includes(status)) {
      throw new StepFailure(`instance refresh ${id} ${status}${refresh?.StatusReason ? `: ${refresh.StatusReason}` : ""}; resume with --from-step ${stepNumber} to start another`);
    }
    return status === "Successful";
  });
  return `${running ? "the refresh already running" : "instance refresh"} ${id} ${status}: every instance of ${options.appGroup} booted knowing ${options.targetDatabase}`;
}

/** Runs the pilot-light / warm-standby failover of recovery.database "replica" (or its dry run): promote the standby's data, then scale it up. */
export async function runStandbyFailover(options: StandbyFailoverOptions, clients: StandbyFailoverClients, world: FailoverWorld): Promise<FailoverResult<StandbyFailoverStep>> {
  const files = fileCopySteps(options, STANDBY_FAILOVER_STEPS, clients.efs, world);
  const group = standbyGroupSteps(options, clients, world);
  const waitUntil = waiter(world, options.timeoutSeconds, options.intervalSeconds);

  const steps: Record<StandbyFailoverStep, () => Promise<string>> = {
    "check-replica": async () => {
      const db = await describeInstance(clients.rds, options.replica);
      if (!db) throw new StepFailure(`no instance ${options.replica} in ${options.recoveryRegion}: the ${options.strategy} standby is not built (terraform apply)`);
      const source = db.ReadReplicaSourceDBInstanceIdentifier;
      if (!source) {
        if (resumedPast(options.fromStep, STANDBY_FAILOVER_STEPS, "promote-database")) return `${options.replica} is already a standalone instance (${db.DBInstanceStatus}): promoted by the run this one resumes`;
        throw new StepFailure(`${options.replica} is not a read replica (${db.DBInstanceStatus}): if a run promoted it already, resume with --from-step ${STANDBY_FAILOVER_STEPS.indexOf("wait-for-database") + 1}`);
      }
      if (!isInstance(source, options.sourceDatabase, options.primaryRegion)) throw new StepFailure(`${options.replica} replicates ${source}, not ${options.sourceDatabase} of ${options.primaryRegion}`);
      // RDS promotes an available replica only (PromoteReadReplica: InvalidDBInstanceState "The specified DB instance is not in the available state").
      if (db.DBInstanceStatus !== "available") throw new StepFailure(`${options.replica} is ${db.DBInstanceStatus}, not available: RDS promotes an available replica only`);
      const to = new Date(world.now());
      const points = await replicaLagPoints(clients.cloudWatch, options.replica, new Date(to.getTime() - REPLICA_LAG_MINUTES * 60_000), to);
      const worst = points.length ? Math.max(...points.map((p) => p.seconds)) : undefined;
      const loss =
        worst === undefined
          ? `no ReplicaLag reported in the last ${REPLICA_LAG_MINUTES} minutes: the data at risk is unknown`
          : worst < 0
            ? "ReplicaLag -1: replication is not running, the data at risk is unknown"
            : `ReplicaLag maximum ${worst} s over the last ${REPLICA_LAG_MINUTES} minutes: expected data loss, the primary's last ${worst} s of commits at most (the lag also grows while the primary is silent or gone)`;
      return `${options.replica} replicates ${source} (${db.DBInstanceStatus}, replication ${replicationStatus(db)}); ${loss}`;
    },
    "check-file-copy": files.check,
    "check-standby-group": group.check,
    "fence-primary": () => fencePrimary(options, clients.route53),
    "promote-database": async () => {
      const input = { DBInstanceIdentifier: options.replica, BackupRetentionPeriod: options.backupRetentionDays, PreferredBackupWindow: options.backupWindow };
      if (options.dryRun) return `would call PromoteReadReplica ${JSON.stringify(input)}`;
      await clients.rds.send(new PromoteReadReplicaCommand(input));
      return `promoting ${options.replica}, with ${options.backupRetentionDays} days of automated backups taken in ${options.backupWindow} UTC`;
    },
    "wait-for-database": async () => {
      if (options.dryRun) return `would wait until ${options.replica} is available and no longer a replica (up to ${options.timeoutSeconds} s)`;
      let status = "unknown";
      // Right after the call the instance still reads "available" and a replica: done only once both have changed.
      await waitUntil(`${options.replica} available and standalone`, async () => {
        const db = await describeInstance(clients.rds, options.replica);
        status = db?.DBInstanceStatus ?? "unknown";
        stopOnStuckStatus(options.replica, db?.DBInstanceStatus);
        return status === "available" && !db?.ReadReplicaSourceDBInstanceIdentifier;
      });
      return `${options.replica} is ${status} and writable`;
    },
    "promote-file-copy": files.promote,
    "wait-for-file-copy": files.wait,
    "scale-app": group.scale,
    "wait-for-health": group.health,
    "wait-for-dns": () => waitForStandbyDns(options, clients.route53, waitUntil),
  };

  world.log(`${options.dryRun ? "Dry run of the failover" : "Failover"} of ${options.environment} (${options.strategy}, database replica): ${options.primaryRegion} -> ${options.recoveryRegion}`);
  const run = await runSteps(STANDBY_FAILOVER_STEPS.map((name) => ({ name, run: steps[name] })), options, world);
  if (run.failed) return result(run, options.dryRun, "");
  world.log(
    `Left to do (docs/runbooks.md#region-lost): ${options.replica} has the primary's users and master password (kept outside RDS's Secrets Manager integration: MH-DR-2); ` +
      "no terraform apply while failed over (it would put the fenced health check's resource_path, which its plan shows as drift, back to /health); " +
      `backups of ${files.facts.copyId ?? "the file-system copy"}; as soon as ${options.primaryRegion} answers, \`npm run failback -- --env ${options.environment}\` (its first steps keep users and writes off the stale primary).`,
  );
  return result(run, options.dryRun, `${options.environment} runs in ${options.recoveryRegion}: database ${options.replica}, files ${files.facts.copyId}, ${options.capacity.min} instances`);
}

// ---------------------------------------------------------------------------------------------------------------------
// The command line.

const USAGE =
  "npm run failover -- --env ENV [--dry-run] [--outputs FILE] [--file-system-id ID] [--recovery-file-system-id ID] [--source-resource-id db-...] [--primary-unreachable] [--from-step N] [--timeout s] [--restore-timeout s] [--interval s]\n" +
  "  backup-and-restore: [--db-subnet-group NAME --security-group ID [--parameter-group NAME]]\n" +
  "  pilot-light, warm-standby (recovery.database restore): [--security-group ID]";
const COMMAND_LINE = {
  usage: USAGE,
  options: {
    env: { type: "string" },
    "dry-run": { type: "boolean" },
    outputs: { type: "string" },
    "db-subnet-group": { type: "string" },
    "security-group": { type: "string" },
    "parameter-group": { type: "string" },
    "file-system-id": { type: "string" },
    "recovery-file-system-id": { type: "string" },
    "primary-unreachable": { type: "boolean" },
    "source-resource-id": { type: "string" },
    "from-step": { type: "string" },
    timeout: { type: "string" },
    "restore-timeout": { type: "string" },
    interval: { type: "string" },
  },
} as const;

/** What the command lines read of an environment's configuration. */
export type RecoveryEnvironment = Pick<EnvironmentConfig, "region" | "app" | "database" | "costCenter" | "recovery">;

/** A whole-number flag within bounds, or a UsageError naming it. */
export function wholeFlag(line: CommandLine, name: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const value = Number(flag(line, name) ?? fallback);
  if (!Number.isInteger(value) || value < min || value > max) throw new UsageError(`--${name} takes a whole number from ${min}${max < Number.MAX_SAFE_INTEGER ? ` to ${max}` : ""}, got "${flag(line, name)}"`);
  return value;
}

/** The environment named by --env, refused unless something of it is kept in a recovery region. */
export function recoveryEnvironment(line: CommandLine, environments: Readonly<Record<string, RecoveryEnvironment>>, usage: string, what: string): { environment: string; config: RecoveryEnvironment; recoveryRegion: string } {
  const environment = flag(line, "env");
  if (!environment) throw new UsageError(`--env is required: ${what}\nusage: ${usage}`);
  const config = environments[environment];
  if (!config) throw new UsageError(`--env: unknown environment "${environment}"; known: ${Object.keys(environments).join(", ")}`);
  if (config.recovery.strategy === "off" || !config.recovery.region) {
    throw new UsageError(`--env ${environment}: recovery.strategy is "off", so nothing of its data is in another region to fail over to`);
  }
  return { environment, config, recoveryRegion: config.recovery.region };
}

/** recovery.database, with its default (config/schema.ts). */
export function recoveryDatabaseMode(config: RecoveryEnvironment): "restore" | "replica" {
  return config.recovery.database ?? "restore";
}

/** The failover's options from its command line and the configuration, or "help". */
export function parseArgs(argv: readonly string[], environments: Readonly<Record<string, RecoveryEnvironment>>): FailoverOptions | StandbyFailoverOptions | RestoreStandbyFailoverOptions | "help" {
  const line = parseCommandLine(argv, COMMAND_LINE);
  if (line === "help") return "help";
  const { environment, config, recoveryRegion } = recoveryEnvironment(line, environments, USAGE, "the environment whose region is lost");
  const dryRun = line.values["dry-run"] === true;
  const outputsFile = flag(line, "outputs");
  const outputs = outputsFile ? readOutputs(outputsFile) : undefined;
  const common = {
    environment,
    primaryRegion: config.region,
    recoveryRegion,
    sourceDatabase: databaseIdentifier(environment),
    fileSystemId: flag(line, "file-system-id") ?? stringOutput(outputs, "file_system_id"),
    recoveryFileSystemId: flag(line, "recovery-file-system-id") ?? stringOutput(outputs, "recovery_file_system_id"),
    primaryUnreachable: line.values["primary-unreachable"] === true,
    sourceResourceId: flag(line, "source-resource-id"),
    dryRun,
    timeoutSeconds: wholeFlag(line, "timeout", 3600, 1),
    intervalSeconds: wholeFlag(line, "interval", 30, 1),
  };
  const strategy = config.recovery.strategy;
  const site = recoverySiteName(environment);
  if (strategy === "backup-and-restore") {
    const subnetGroup = flag(line, "db-subnet-group");
    const securityGroup = flag(line, "security-group");
    if (!dryRun && (!subnetGroup || !securityGroup)) {
      throw new UsageError(
        "--db-subnet-group and --security-group are required to restore: the recovery region has none of this environment's network yet " +
          "(docs/runbooks.md#region-lost, step 1); --dry-run shows the plan without them",
      );
    }
    return {
      ...common,
      strategy,
      targetDatabase: databaseIdentifier(site),
      subnetGroup,
      securityGroupIds: securityGroup ? [securityGroup] : [],
      parameterGroup: flag(line, "parameter-group"),
      restoreTimeoutSeconds: wholeFlag(line, "restore-timeout", DEFAULT_RESTORE_TIMEOUT_SECONDS, 1),
      fromStep: wholeFlag(line, "from-step", 1, 1, FAILOVER_STEPS.length),
    };
  }
  if (strategy !== "pilot-light" && strategy !== "warm-standby") throw new UsageError(`--env ${environment}: recovery.strategy "${strategy}" has no failover`);
  const mode = recoveryDatabaseMode(config);
  const known = mode === "restore" ? ["db-subnet-group", "parameter-group"] : ["db-subnet-group", "security-group", "parameter-group"];
  for (const name of known) {
    if (line.values[name] !== undefined) throw new UsageError(`--${name}: ${environment} fails over to its standing ${strategy} environment, whose database ${mode === "restore" ? "restore target Terraform built" : "is a replica"}; only a backup-and-restore takes it`);
  }
  const azs = config.recovery.availabilityZones?.length ?? 0;
  const min = Math.max(config.app.minCapacity, azs);
  const desired = Math.max(config.app.desiredCapacity, min);
  const standby = {
    ...common,
    strategy,
    appGroup: resourceName(site, "app"),
    targetGroup: targetGroupName(site),
    capacity: { min, desired, max: Math.max(config.app.maxCapacity, desired) },
  };
  if (mode === "replica") {
    return {
      ...standby,
      databaseMode: mode,
      replica: databaseIdentifier(site),
      backupRetentionDays: config.database.backupRetentionDays,
      backupWindow: config.database.backupWindow,
      fromStep: wholeFlag(line, "from-step", 1, 1, STANDBY_FAILOVER_STEPS.length),
    };
  }
  const identifier = databaseIdentifier(site);
  const { instanceClass, multiAz, deletionProtection, backupRetentionDays, backupWindow, maintenanceWindow, maxAllocatedStorageGib, monitoringIntervalSeconds, performanceInsightsRetentionDays } = config.database;
  return {
    ...standby,
    databaseMode: mode,
    targetDatabase: identifier,
    // The names constructs/database.ts (databaseFoundation), security-groups.ts and encryption.ts give them.
    subnetGroup: identifier,
    parameterGroup: databaseParameterGroupName(site, config.database.engineVersion),
    securityGroupName: resourceName(site, "database"),
    securityGroupId: flag(line, "security-group") ?? stringOutput(outputs, "recovery_database_security_group_id"),
    monitoringRoleName: resourceName(site, "db-monitoring"),
    keyAlias: `alias/${keyAliasName(site, "database")}`,
    settings: { instanceClass, multiAz, deletionProtection, backupRetentionDays, backupWindow, maintenanceWindow, maxAllocatedStorageGib, monitoringIntervalSeconds, performanceInsightsRetentionDays },
    // The environment's tags, as the recovery provider's default tags give every standby resource (Environment: the
    // environment, not its site): cost, ci:vet and the drift report group by them.
    tags: { ...projectTags(environment, config.costCenter), Name: identifier, ...PHI_TAGS },
    restoreTimeoutSeconds: wholeFlag(line, "restore-timeout", DEFAULT_RESTORE_TIMEOUT_SECONDS, 1),
    fromStep: wholeFlag(line, "from-step", 1, 1, RESTORE_STANDBY_FAILOVER_STEPS.length),
  };
}

/** How long one AWS call may take before it is abandoned: a hung call must not hold a run past its --timeout. */
export const REQUEST_TIMEOUT_MS = 30_000;
/** How long opening a connection to an AWS endpoint may take. */
export const CONNECTION_TIMEOUT_MS = 5_000;

/** Every SDK client's configuration: its region, and timeouts on each request (the SDK sets none by default). */
export function clientConfig(region: string) {
  return { region, requestHandler: { requestTimeout: REQUEST_TIMEOUT_MS, connectionTimeout: CONNECTION_TIMEOUT_MS } };
}

const ROUTE53_API = "https://route53.amazonaws.com/2013-04-01";
const ROUTE53_XMLNS = "https://route53.amazonaws.com/doc/2013-04-01/";
const xmlText = (xml: string, tag: string) => new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(xml)?.[1];
const xmlBlocks = (xml: string, tag: string) => [...xml.matchAll(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, "g"))].map((m) => m[1]);
const xmlEscape = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/**
 * Route 53's REST API, signed with SigV4 (its endpoint route53.amazonaws.com signs for us-east-1), for the few calls
 * the fence makes: there is no Route 53 client among this project's packages.
 */
export function route53HealthChecks(credentials: RDSClient["config"]["credentials"]): HealthChecks {
  const signer = new SignatureV4({ credentials, region: "us-east-1", service: "route53", sha256: Hash.bind(null, "sha256") });
  const call = async (method: "GET" | "POST", path: string, query: Record<string, string> = {}, body?: string): Promise<string> => {
    const url = new URL(`${ROUTE53_API}${path}`);
    for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
    const headers: Record<string, string> = { host: url.host, ...(body ? { "content-type": "application/xml" } : {}) };
    const signed = await signer.sign({ method, protocol: "https:", hostname: url.hostname, path: url.pathname, query, headers, body });
    const answer = await fetch(url, { method, headers: signed.headers, body, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    const text = await answer.text();
    if (!answer.ok) throw Object.assign(new Error(xmlText(text, "Message") ?? `HTTP ${answer.status}`), { name: xmlText(text, "Code") ?? `Route53Http${answer.status}`, $metadata: { httpStatusCode: answer.status } });
    return text;
  };
  return {
    named: async (name) => {
      const checks: HealthCheckInfo[] = [];
      let marker: string | undefined;
      do {
        const page = await call("GET", "/healthcheck", marker ? { marker } : {});
        for (const block of xmlBlocks(page, "HealthCheck")) {
          const id = xmlText(block, "Id");
          if (id) checks.push({ id, resourcePath: xmlText(block, "ResourcePath"), version: Number(xmlText(block, "HealthCheckVersion") ?? 1) });
        }
        marker = xmlText(page, "IsTruncated") === "true" ? xmlText(page, "NextMarker") : undefined;
      } while (marker);
      const named = new Set<string>();
      // ListTagsForResources takes up to 10 ids a call.
      for (let i = 0; i < checks.length; i += 10) {
        const ids = checks.slice(i, i + 10).map((c) => `<ResourceId>${xmlEscape(c.id)}</ResourceId>`).join("");
        const tags = await call("POST", "/tags/healthcheck", {}, `<ListTagsForResourcesRequest xmlns="${ROUTE53_XMLNS}"><ResourceIds>${ids}</ResourceIds></ListTagsForResourcesRequest>`);
        for (const set of xmlBlocks(tags, "ResourceTagSet")) {
          if (xmlBlocks(set, "Tag").some((tag) => xmlText(tag, "Key") === "Name" && xmlText(tag, "Value") === name)) named.add(xmlText(set, "ResourceId") as string);
        }
      }
      return checks.filter((c) => named.has(c.id));
    },
    status: async (id) => {
      const reports = xmlBlocks(await call("GET", `/healthcheck/${encodeURIComponent(id)}/status`), "HealthCheckObservation").map((o) => xmlText(o, "Status") ?? "");
      return { healthy: reports.filter((r) => r.startsWith("Success")).length, checkers: reports.length };
    },
    setResourcePath: async (id, resourcePath, version) => {
      await call(
        "POST",
        `/healthcheck/${encodeURIComponent(id)}`,
        {},
        `<UpdateHealthCheckRequest xmlns="${ROUTE53_XMLNS}"><HealthCheckVersion>${version}</HealthCheckVersion><ResourcePath>${xmlEscape(resourcePath)}</ResourcePath></UpdateHealthCheckRequest>`,
      );
    },
  };
}

/** Real time and the console. */
export const REAL_WORLD: FailoverWorld = { now: () => Date.now(), sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)), log: (line) => console.log(line) };

async function run(options: FailoverOptions | StandbyFailoverOptions | RestoreStandbyFailoverOptions): Promise<FailoverResult<string>> {
  const config = clientConfig(options.recoveryRegion);
  const data = { rds: new RDSClient(config), efs: new EFSClient(config) };
  if (options.strategy === "backup-and-restore") return runFailover(options, data, REAL_WORLD);
  const standby = { ...data, autoScaling: new AutoScalingClient(config), elb: new ElasticLoadBalancingV2Client(config), route53: route53HealthChecks(data.rds.config.credentials) };
  if (options.databaseMode === "replica") return runStandbyFailover(options, { ...standby, cloudWatch: new CloudWatchClient(config) }, REAL_WORLD);
  return runRestoreStandbyFailover(options, { ...standby, ec2: new EC2Client(config) }, REAL_WORLD);
}

async function main(argv: readonly string[]): Promise<number> {
  const options = parseArgs(argv, loadConfig().environments);
  if (options === "help") {
    console.log(`usage: ${USAGE}`);
    return 0;
  }
  let result: FailoverResult<string>;
  try {
    result = await run(options);
  } catch (error) {
    if ((error as Error).name === "CredentialsProviderError") {
      console.error(`No AWS credentials: the failover reads RDS and EFS in ${options.recoveryRegion} even with --dry-run. Sign in to the environment's account and run it again.`);
      return 1;
    }
    throw error;
  }
  console.log(`${result.outcome}: ${result.message}`);
  return result.outcome === "failed" ? 1 : 0;
}

if (require.main === module) runMain(() => main(process.argv.slice(2)));
