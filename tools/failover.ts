/**
 * `npm run failover -- --env prod [--dry-run] ...`: moves an environment's data to its recovery region when the
 * primary region is lost (recovery.strategy "backup-and-restore": docs/runbooks.md#region-lost). Step by step, each
 * printed with its measured time:
 *
 *   1 check-database-copy   the replicated automated backups in the recovery region, and how far behind they are
 *   2 check-file-copy       the file system's replication to the recovery region, and its last sync
 *   3 restore-database      a point-in-time restore there, to the latest restorable time
 *   4 wait-for-database     until the restored instance is available
 *   5 promote-file-copy     delete the replication so the copy becomes writable
 *   6 wait-for-file-copy    until the copy's replication overwrite protection is back on (it is writable)
 *
 * `--dry-run` runs the two read-only checks and prints what the other steps would call, with every parameter. A step
 * that fails stops the run, says where and why, and how to resume (`--from-step N` with the same flags). What is left
 * after step 6 (network, app, DNS in the recovery region) is printed: this rung of the ladder builds none of it.
 *
 * Exit codes: 0 done (or dry run); 1 a step failed or timed out; 2 bad arguments.
 */
import {
  DescribeDBInstanceAutomatedBackupsCommand,
  DescribeDBInstancesCommand,
  RDSClient,
  RestoreDBInstanceToPointInTimeCommand,
  type RestoreDBInstanceToPointInTimeCommandInput,
} from "@aws-sdk/client-rds";
import { DeleteReplicationConfigurationCommand, DescribeFileSystemsCommand, DescribeReplicationConfigurationsCommand, EFSClient } from "@aws-sdk/client-efs";
import { loadConfig } from "../config/load";
import { DATABASE_LOG_EXPORTS, databaseIdentifier, recoverySiteName } from "../constructs/naming";
import { UsageError, flag, parseCommandLine, runMain } from "./cli";

export const FAILOVER_STEPS = ["check-database-copy", "check-file-copy", "restore-database", "wait-for-database", "promote-file-copy", "wait-for-file-copy"] as const;
export type FailoverStep = (typeof FAILOVER_STEPS)[number];


export interface FailoverOptions {
  readonly environment: string;
  readonly primaryRegion: string;
  readonly recoveryRegion: string;
  /** The primary database's identifier: its replicated backups carry it. */
  readonly sourceDatabase: string;
  /** The restored instance's identifier in the recovery region. */
  readonly targetDatabase: string;
  /** DB subnet group in the recovery region (required unless --dry-run). */
  readonly subnetGroup?: string;
  /** Security groups of the restored instance (required unless --dry-run). */
  readonly securityGroupIds: readonly string[];
  /** A parameter group there with rds.force_ssl=1 (the restore otherwise takes the engine's default). */
  readonly parameterGroup?: string;
  /** The primary file system's id; found from the replication configurations when absent. */
  readonly fileSystemId?: string;
  /** Delete only the recovery region's side of the file-system replication (the primary cannot be reached). */
  readonly primaryUnreachable: boolean;
  readonly dryRun: boolean;
  /** Resume from this step (1-6); the checks run again whatever it is. */
  readonly fromStep: number;
  readonly timeoutSeconds: number;
  readonly intervalSeconds: number;
}

/** Clients of the recovery region. */
export interface FailoverClients {
  readonly rds: RDSClient;
  readonly efs: EFSClient;
}

/** Time, waiting and output (injected in tests). */
export interface FailoverWorld {
  now(): number;
  sleep(ms: number): Promise<void>;
  log(line: string): void;
}

export interface FailoverResult {
  readonly outcome: "done" | "dry-run" | "failed";
  /** The step that failed. */
  readonly stoppedAt?: FailoverStep;
  readonly message: string;
  /** Seconds each step took, in order. */
  readonly timings: readonly { readonly step: FailoverStep; readonly seconds: number }[];
}

class StepFailure extends Error {}

/** Runs the failover (or its dry run) against the recovery region's RDS and EFS. */
export async function runFailover(options: FailoverOptions, clients: FailoverClients, world: FailoverWorld): Promise<FailoverResult> {
  const timings: { step: FailoverStep; seconds: number }[] = [];
  const facts: { backupsArn?: string; latest?: Date; sourceFileSystemId?: string; copyId?: string } = {};
  const restoreInput = (): RestoreDBInstanceToPointInTimeCommandInput => ({
    SourceDBInstanceAutomatedBackupsArn: facts.backupsArn,
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
  });
  const deletionMode = options.primaryUnreachable ? "LOCAL_CONFIGURATION_ONLY" : "ALL_CONFIGURATIONS";
  const ago = (time: Date | undefined) => (time ? `${Math.max(0, Math.round((world.now() - time.getTime()) / 1000))} s ago` : "never");

  const waitUntil = async (what: string, done: () => Promise<boolean>) => {
    const deadline = world.now() + options.timeoutSeconds * 1000;
    for (;;) {
      if (await done()) return;
      if (world.now() >= deadline) throw new StepFailure(`${what} not reached within ${options.timeoutSeconds} s`);
      await world.sleep(options.intervalSeconds * 1000);
    }
  };

  const steps: Record<FailoverStep, () => Promise<string>> = {
    "check-database-copy": async () => {
      // Unfiltered: a DBInstanceIdentifier filter must name an instance of this region, and the source is in the lost one.
      const answer = await clients.rds.send(new DescribeDBInstanceAutomatedBackupsCommand({}));
      const copy = (answer.DBInstanceAutomatedBackups ?? []).find(
        (b) => b.DBInstanceIdentifier === options.sourceDatabase && b.DBInstanceAutomatedBackupsArn?.includes(`:rds:${options.recoveryRegion}:`),
      );
      if (!copy?.DBInstanceAutomatedBackupsArn) throw new StepFailure(`no replicated automated backups of ${options.sourceDatabase} in ${options.recoveryRegion}: nothing to restore there`);
      if (!copy.RestoreWindow?.LatestTime) throw new StepFailure(`the replicated backups (${copy.Status ?? "no status"}) have no restorable time yet`);
      facts.backupsArn = copy.DBInstanceAutomatedBackupsArn;
      facts.latest = copy.RestoreWindow.LatestTime;
      return `${copy.DBInstanceAutomatedBackupsArn} (${copy.Status}), latest restorable time ${copy.RestoreWindow.LatestTime.toISOString()}: the database loses what was written after it (${ago(facts.latest)})`;
    },
    "check-file-copy": async () => {
      const answer = await clients.efs.send(new DescribeReplicationConfigurationsCommand(options.fileSystemId ? { FileSystemId: options.fileSystemId } : {}));
      const replication = (answer.Replications ?? []).find(
        (r) => (!options.fileSystemId || r.SourceFileSystemId === options.fileSystemId) && r.SourceFileSystemRegion === options.primaryRegion && r.Destinations?.[0]?.Region === options.recoveryRegion,
      );
      const destination = replication?.Destinations?.[0];
      if (!replication?.SourceFileSystemId || !destination?.FileSystemId) throw new StepFailure(`no replication of ${options.fileSystemId ?? "a file system"} from ${options.primaryRegion} to ${options.recoveryRegion}`);
      facts.sourceFileSystemId = replication.SourceFileSystemId;
      facts.copyId = destination.FileSystemId;
      return `${replication.SourceFileSystemId} -> ${destination.FileSystemId} (${destination.Status}), last synced ${destination.LastReplicatedTimestamp?.toISOString() ?? "never"} (${ago(destination.LastReplicatedTimestamp)})`;
    },
    "restore-database": async () => {
      const input = restoreInput();
      if (options.dryRun) return `would call RestoreDBInstanceToPointInTime ${JSON.stringify(input)}`;
      await clients.rds.send(new RestoreDBInstanceToPointInTimeCommand(input));
      return `restoring ${options.targetDatabase} from ${facts.backupsArn}`;
    },
    "wait-for-database": async () => {
      if (options.dryRun) return `would wait until ${options.targetDatabase} is available (up to ${options.timeoutSeconds} s)`;
      let status = "unknown";
      await waitUntil(`${options.targetDatabase} available`, async () => {
        const answer = await clients.rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: options.targetDatabase }));
        status = answer.DBInstances?.[0]?.DBInstanceStatus ?? "unknown";
        return status === "available";
      });
      return `${options.targetDatabase} is ${status}`;
    },
    "promote-file-copy": async () => {
      const input = { SourceFileSystemId: facts.sourceFileSystemId, DeletionMode: deletionMode } as const;
      if (options.dryRun) return `would call DeleteReplicationConfiguration ${JSON.stringify(input)} (the copy ${facts.copyId} becomes writable)`;
      await clients.efs.send(new DeleteReplicationConfigurationCommand(input));
      return `replication of ${facts.sourceFileSystemId} deleted (${deletionMode})`;
    },
    "wait-for-file-copy": async () => {
      if (options.dryRun) return `would wait until ${facts.copyId} is writable (replication overwrite protection ENABLED)`;
      let protection = "unknown";
      await waitUntil(`${facts.copyId} writable`, async () => {
        const answer = await clients.efs.send(new DescribeFileSystemsCommand({ FileSystemId: facts.copyId }));
        protection = answer.FileSystems?.[0]?.FileSystemProtection?.ReplicationOverwriteProtection ?? "unknown";
        return protection === "ENABLED";
      });
      return `${facts.copyId} is writable (replication overwrite protection ${protection})`;
    },
  };

  world.log(`${options.dryRun ? "Dry run of the failover" : "Failover"} of ${options.environment}: ${options.primaryRegion} -> ${options.recoveryRegion}`);
  for (const [index, step] of FAILOVER_STEPS.entries()) {
    const number = index + 1;
    // The checks always run: they find what the later steps act on.
    if (number < options.fromStep && !step.startsWith("check-")) {
      world.log(`[${number}/${FAILOVER_STEPS.length}] ${step}: skipped (--from-step ${options.fromStep})`);
      continue;
    }
    const started = world.now();
    try {
      const said = await steps[step]();
      const seconds = Math.round((world.now() - started) / 1000);
      timings.push({ step, seconds });
      world.log(`[${number}/${FAILOVER_STEPS.length}] ${step}: ${said} (${seconds} s)`);
    } catch (error) {
      if ((error as Error).name === "CredentialsProviderError") throw error;
      const reason = error instanceof StepFailure ? error.message : `${(error as Error).name}: ${(error as Error).message}`;
      world.log(`[${number}/${FAILOVER_STEPS.length}] ${step}: FAILED: ${reason}`);
      const resume = step.startsWith("check-") ? "fix the cause, then run it again" : `fix the cause, then resume with --from-step ${number} and the same flags`;
      return { outcome: "failed", stoppedAt: step, message: `stopped at step ${number} (${step}): ${reason}; steps before it are done; ${resume}`, timings };
    }
  }
  world.log(
    `Left to do (docs/runbooks.md#region-lost): mount targets, the TLS-only policy and backups on ${facts.copyId ?? "the copy"}; ` +
      `the app in ${options.recoveryRegion} pointed at ${options.targetDatabase}; DNS to its load balancer.`,
  );
  return options.dryRun
    ? { outcome: "dry-run", message: "nothing was changed; the read-only checks passed", timings }
    : { outcome: "done", message: `${options.environment}'s data is in ${options.recoveryRegion}: database ${options.targetDatabase}, files ${facts.copyId}`, timings };
}

const USAGE =
  "npm run failover -- --env ENV [--dry-run] [--db-subnet-group NAME --security-group ID [--security-group ID]] [--parameter-group NAME] " +
  "[--file-system-id ID] [--primary-unreachable] [--from-step N] [--timeout s] [--interval s]";
const COMMAND_LINE = {
  usage: USAGE,
  options: {
    env: { type: "string" },
    "dry-run": { type: "boolean" },
    "db-subnet-group": { type: "string" },
    "security-group": { type: "string" },
    "parameter-group": { type: "string" },
    "file-system-id": { type: "string" },
    "primary-unreachable": { type: "boolean" },
    "from-step": { type: "string" },
    timeout: { type: "string" },
    interval: { type: "string" },
  },
} as const;

/** The failover's options from its command line and the configuration, or "help". */
export function parseArgs(
  argv: readonly string[],
  environments: Readonly<Record<string, { readonly region: string; readonly recovery: { readonly strategy: string; readonly region?: string } }>>,
): FailoverOptions | "help" {
  const line = parseCommandLine(argv, COMMAND_LINE);
  if (line === "help") return "help";
  const environment = flag(line, "env");
  if (!environment) throw new UsageError(`--env is required: the environment whose region is lost\nusage: ${USAGE}`);
  const config = environments[environment];
  if (!config) throw new UsageError(`--env: unknown environment "${environment}"; known: ${Object.keys(environments).join(", ")}`);
  if (config.recovery.strategy === "off" || !config.recovery.region) {
    throw new UsageError(`--env ${environment}: recovery.strategy is "off", so nothing of its data is in another region to fail over to`);
  }
  const whole = (name: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER) => {
    const value = Number(flag(line, name) ?? fallback);
    if (!Number.isInteger(value) || value < min || value > max) throw new UsageError(`--${name} takes a whole number from ${min}${max < Number.MAX_SAFE_INTEGER ? ` to ${max}` : ""}, got "${flag(line, name)}"`);
    return value;
  };
  const dryRun = line.values["dry-run"] === true;
  const subnetGroup = flag(line, "db-subnet-group");
  const securityGroup = flag(line, "security-group");
  if (!dryRun && (!subnetGroup || !securityGroup)) {
    throw new UsageError(
      "--db-subnet-group and --security-group are required to restore: the recovery region has none of this environment's network yet " +
        "(docs/runbooks.md#region-lost, step 1); --dry-run shows the plan without them",
    );
  }
  return {
    environment,
    primaryRegion: config.region,
    recoveryRegion: config.recovery.region,
    sourceDatabase: databaseIdentifier(environment),
    targetDatabase: databaseIdentifier(recoverySiteName(environment)),
    subnetGroup,
    securityGroupIds: securityGroup ? [securityGroup] : [],
    parameterGroup: flag(line, "parameter-group"),
    fileSystemId: flag(line, "file-system-id"),
    primaryUnreachable: line.values["primary-unreachable"] === true,
    dryRun,
    fromStep: whole("from-step", 1, 1, FAILOVER_STEPS.length),
    timeoutSeconds: whole("timeout", 3600, 1),
    intervalSeconds: whole("interval", 30, 1),
  };
}

async function main(argv: readonly string[]): Promise<number> {
  const options = parseArgs(argv, loadConfig().environments);
  if (options === "help") {
    console.log(`usage: ${USAGE}`);
    return 0;
  }
  const clients = { rds: new RDSClient({ region: options.recoveryRegion }), efs: new EFSClient({ region: options.recoveryRegion }) };
  const world: FailoverWorld = { now: () => Date.now(), sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)), log: (line) => console.log(line) };
  let result: FailoverResult;
  try {
    result = await runFailover(options, clients, world);
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
