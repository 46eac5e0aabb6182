/**
 * tools/failback.ts against a small fake of both regions (aws-sdk-client-mock on one client per region): the mutating
 * calls change the fake's state the way AWS would, the reads report it. For each recovery.database mode: the dry run's
 * whole plan, the preparation (ready for the cutover), the cutover, a step failing halfway and the resumed run, the sync
 * gate (the replicated backups' restorable time; PostgreSQL's ReplicaLag), and the command line's refusals.
 * Identifiers and settings are written out as AWS would show them.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AutoScalingClient, DescribeAutoScalingGroupsCommand, UpdateAutoScalingGroupCommand, type UpdateAutoScalingGroupCommandInput } from "@aws-sdk/client-auto-scaling";
import { BackupClient, DescribeBackupJobCommand, StartBackupJobCommand } from "@aws-sdk/client-backup";
import { CloudWatchClient, GetMetricStatisticsCommand, type GetMetricStatisticsCommandInput } from "@aws-sdk/client-cloudwatch";
import {
  CreateReplicationConfigurationCommand,
  DeleteReplicationConfigurationCommand,
  DescribeFileSystemsCommand,
  DescribeReplicationConfigurationsCommand,
  EFSClient,
  UpdateFileSystemProtectionCommand,
  type DescribeReplicationConfigurationsCommandInput,
} from "@aws-sdk/client-efs";
import { DescribeTargetHealthCommand, ElasticLoadBalancingV2Client } from "@aws-sdk/client-elastic-load-balancing-v2";
import {
  CreateDBInstanceReadReplicaCommand,
  DescribeDBInstanceAutomatedBackupsCommand,
  DescribeDBInstancesCommand,
  DescribeSourceRegionsCommand,
  ModifyDBInstanceCommand,
  PromoteReadReplicaCommand,
  RDSClient,
  RestoreDBInstanceToPointInTimeCommand,
  StartDBInstanceAutomatedBackupsReplicationCommand,
  type DescribeDBInstancesCommandInput,
  type ModifyDBInstanceCommandInput,
} from "@aws-sdk/client-rds";
import { mockClient } from "aws-sdk-client-mock";
import { DEFAULT_CONFIG } from "../../config/environments";
import { FAILBACK_STEPS, REPLICA_FAILBACK_STEPS, parseArgs, runFailback, type FailbackClients, type FailbackOptions } from "../../tools/failback";
import type { FailoverWorld, HealthChecks } from "../../tools/failover";

const RECOVERY_DB_ARN = "arn:aws:rds:us-west-2:123456789012:db:medicare-hub-prod-dr-db";
const PRIMARY_KEY = "arn:aws:kms:us-east-2:123456789012:key/1111aaaa-2222-bbbb-3333-cccc4444dddd";
const TARGET_GROUP_ARN = "arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/medicare-hub-prod-app-https/0123456789abcdef";
const BACKUPS_BACK_ARN = "arn:aws:rds:us-east-2:123456789012:auto-backup:ab-recovery-db-replicated";
const PRIMARY_FILES_RECOVERY_POINT = "arn:aws:backup:us-east-2:123456789012:recovery-point:0a1b2c3d-4e5f-6789-abcd-ef0123456789";

/** recovery.database "restore", prod's committed default. */
const OPTIONS: FailbackOptions = {
  environment: "prod",
  strategy: "warm-standby",
  databaseMode: "restore",
  primaryRegion: "us-east-2",
  recoveryRegion: "us-west-2",
  database: "medicare-hub-prod-db",
  staleDatabase: "medicare-hub-prod-db-stale",
  recoveryDatabase: "medicare-hub-prod-dr-db",
  backupRetentionDays: 35,
  backupWindow: "03:00-03:30",
  fileSystemId: "fs-0aaaaaaaaaaaaaaa1",
  recoveryFileSystemId: "fs-0bbbbbbbbbbbbbbb2",
  backupVault: "medicare-hub-prod-backup",
  backupRole: "medicare-hub-prod-backup",
  primaryGroup: "medicare-hub-prod-app",
  primaryTargetGroup: "medicare-hub-prod-app-https",
  recoveryGroup: "medicare-hub-prod-dr-app",
  capacity: { min: 3, desired: 3, max: 9 },
  cutover: false,
  dryRun: false,
  fromStep: 1,
  timeoutSeconds: 14400,
  intervalSeconds: 60,
};
const REPLICA_OPTIONS: FailbackOptions = { ...OPTIONS, databaseMode: "replica" };

const mocks = {
  primaryRds: new RDSClient({ region: "us-east-2" }),
  primaryEfs: new EFSClient({ region: "us-east-2" }),
  primaryAutoScaling: new AutoScalingClient({ region: "us-east-2" }),
  primaryElb: new ElasticLoadBalancingV2Client({ region: "us-east-2" }),
  primaryCloudWatch: new CloudWatchClient({ region: "us-east-2" }),
  primaryBackup: new BackupClient({ region: "us-east-2" }),
  recoveryRds: new RDSClient({ region: "us-west-2" }),
  recoveryEfs: new EFSClient({ region: "us-west-2" }),
  recoveryAutoScaling: new AutoScalingClient({ region: "us-west-2" }),
};
const primaryRds = mockClient(mocks.primaryRds);
const primaryEfs = mockClient(mocks.primaryEfs);
const primaryAutoScaling = mockClient(mocks.primaryAutoScaling);
const primaryElb = mockClient(mocks.primaryElb);
const primaryCloudWatch = mockClient(mocks.primaryCloudWatch);
const primaryBackup = mockClient(mocks.primaryBackup);
const recoveryRds = mockClient(mocks.recoveryRds);
const recoveryEfs = mockClient(mocks.recoveryEfs);
const recoveryAutoScaling = mockClient(mocks.recoveryAutoScaling);
/** The primary's Route 53 health check, fenced by the failover (constructs/dns.ts tags it); updates in order. */
const route53 = { check: { id: "hc-primary-alb", resourcePath: "/fenced-by-failover", version: 2 }, updates: [] as { id: string; resourcePath: string; version: number }[] };
const fakeRoute53: HealthChecks = {
  named: async (name) => (name === "medicare-hub-prod-alb-health" ? [{ ...route53.check }] : []),
  setResourcePath: async (id, resourcePath, version) => {
    if (id !== route53.check.id || version !== route53.check.version) throw Object.assign(new Error("The value of HealthCheckVersion in the request doesn't match"), { name: "HealthCheckVersionMismatch" });
    route53.updates.push({ id, resourcePath, version });
    aws.events.push(`health check requests ${resourcePath}`);
    route53.check = { id, resourcePath, version: version + 1 };
  },  status: async () => ({ healthy: 16, checkers: 16 }),
};
const clients: FailbackClients = {
  primary: { rds: mocks.primaryRds, efs: mocks.primaryEfs, autoScaling: mocks.primaryAutoScaling, elb: mocks.primaryElb, cloudWatch: mocks.primaryCloudWatch, backup: mocks.primaryBackup },
  recovery: { rds: mocks.recoveryRds, efs: mocks.recoveryEfs, autoScaling: mocks.recoveryAutoScaling },
  route53: fakeRoute53,
};

/** The state of both regions after a failover, as the fake's reads report it. */
interface Regions {
  now: number;
  /** The stale primary renamed; the new replica's life ("replica"); the new primary's restore and its secret ("restore"). */
  renamed: boolean;
  replica?: "creating" | "replicating" | "standalone";
  restored?: "creating" | "available";
  restoredSecret: boolean;
  /** The recovery database's backups replicated into the primary region ("restore"): read once as pending. */
  backupsBack?: "pending" | "replicating";
  /** How far the replicated backups' latest restorable time trails the clock. */
  backupsBehindSeconds: number;
  /** The old replication primary -> copy, left on the primary side by a failover with --primary-unreachable. */
  leftoverReplication: boolean;
  primaryProtection: "ENABLED" | "DISABLED" | "REPLICATING";
  filesBack?: "ENABLING" | "ENABLED";
  /** The recovery group's size, and whether its instances are still terminating (for one more read). */
  recoveryInstances: number;
  recoveryDraining: boolean;
  /**
   * The age in seconds ReplicaLag reports at a 1-minute point starting at `at`: by default the replica replays a
   * commit made 5 s before each point (the source keeps committing).
   */
  lag: (at: number) => number;
  /** What happened, in order, across both regions. */
  events: string[];
}
let aws: Regions;

/** A clock at 10:00 UTC that moves only when the tool sleeps; the fake reads it too. */
function world(): FailoverWorld & { lines: string[] } {
  const lines: string[] = [];
  return { lines, now: () => aws.now, sleep: async (ms) => void (aws.now += ms), log: (line) => void lines.push(line) };
}

const notFound = (name: string, message: string) => Object.assign(new Error(message), { name });
const group = (name: string, size: number, live: number, targetGroupArns: string[] = []) => ({
  AutoScalingGroups: [{ AutoScalingGroupName: name, MinSize: size, DesiredCapacity: size, MaxSize: size, TargetGroupARNs: targetGroupArns, Instances: Array.from({ length: live }, () => ({ LifecycleState: "InService" })) } as never],
});
/** The recovery database as the failover left it; "restore" turned RDS's management of its master password on. */
const recoveryDatabase = (managedSecret: boolean) => ({
  DBInstances: [
    {
      DBInstanceIdentifier: "medicare-hub-prod-dr-db",
      DBInstanceArn: RECOVERY_DB_ARN,
      DbiResourceId: "db-RECOVERY0000000000000000",
      DBInstanceStatus: "available",
      BackupRetentionPeriod: 35,
      MasterUserSecret: managedSecret ? { SecretArn: "arn:aws:secretsmanager:us-west-2:123456789012:secret:rds!db-recovery", SecretStatus: "active" } : undefined,
    },
  ],
});

beforeEach(() => {
  for (const mock of [primaryRds, primaryEfs, primaryAutoScaling, primaryElb, primaryCloudWatch, primaryBackup, recoveryRds, recoveryEfs, recoveryAutoScaling]) mock.reset();
  aws = {
    now: Date.parse("2026-11-30T10:00:00Z"),
    renamed: false,
    restoredSecret: false,
    backupsBehindSeconds: 240,
    leftoverReplication: true,
    primaryProtection: "ENABLED",
    recoveryInstances: 3,
    recoveryDraining: false,
    lag: () => 5,
    events: [],
  };
  route53.check = { id: "hc-primary-alb", resourcePath: "/fenced-by-failover", version: 2 };
  route53.updates = [];

  recoveryRds.on(DescribeDBInstancesCommand).resolves(recoveryDatabase(true));
  primaryRds.on(DescribeDBInstancesCommand).callsFake((input: DescribeDBInstancesCommandInput) => {
    const stalePrimary = {
      DBInstanceStatus: "available",
      DBInstanceClass: "db.r6g.large",
      MultiAZ: true,
      StorageType: "gp3",
      MaxAllocatedStorage: 1000,
      AutoMinorVersionUpgrade: true,
      CACertificateIdentifier: "rds-ca-rsa2048-g1",
      KmsKeyId: PRIMARY_KEY,
      MasterUserSecret: { SecretArn: "arn:aws:secretsmanager:us-east-2:123456789012:secret:rds!db-stale", KmsKeyId: PRIMARY_KEY, SecretStatus: "active" },
      MonitoringInterval: 15,
      MonitoringRoleArn: "arn:aws:iam::123456789012:role/medicare-hub-prod-db-monitoring",
      PerformanceInsightsEnabled: true,
      PerformanceInsightsKMSKeyId: PRIMARY_KEY,
      PerformanceInsightsRetentionPeriod: 7,
      PreferredMaintenanceWindow: "sun:04:30-sun:05:30",
      DBSubnetGroup: { DBSubnetGroupName: "medicare-hub-prod-db" },
      VpcSecurityGroups: [{ VpcSecurityGroupId: "sg-0database" }],
      DBParameterGroups: [{ DBParameterGroupName: "medicare-hub-prod-db-postgres17" }],
      TagList: [{ Key: "Name", Value: "medicare-hub-prod-db" }],
    };
    if (input.DBInstanceIdentifier === "medicare-hub-prod-db-stale") {
      if (!aws.renamed) throw notFound("DBInstanceNotFoundFault", "DBInstance medicare-hub-prod-db-stale not found.");
      return { DBInstances: [{ ...stalePrimary, DBInstanceIdentifier: "medicare-hub-prod-db-stale" }] };
    }
    if (!aws.renamed) return { DBInstances: [{ ...stalePrimary, DBInstanceIdentifier: "medicare-hub-prod-db" }] };
    if (aws.restored) {
      const status = aws.restored;
      aws.restored = "available";
      const secret = aws.restoredSecret ? { SecretArn: "arn:aws:secretsmanager:us-east-2:123456789012:secret:rds!db-new", KmsKeyId: PRIMARY_KEY, SecretStatus: "active" } : undefined;
      return { DBInstances: [{ DBInstanceIdentifier: "medicare-hub-prod-db", DBInstanceStatus: status, DbiResourceId: "db-NEWPRIMARY0123456789ABCD", MasterUserSecret: secret }] };
    }
    if (!aws.replica) throw notFound("DBInstanceNotFoundFault", "DBInstance medicare-hub-prod-db not found.");
    const state = aws.replica;
    if (state === "creating") aws.replica = "replicating";
    return {
      DBInstances: [
        state === "standalone"
          ? { DBInstanceIdentifier: "medicare-hub-prod-db", DBInstanceStatus: "available", DbiResourceId: "db-NEWPRIMARY0123456789ABCD" }
          : {
              DBInstanceIdentifier: "medicare-hub-prod-db",
              DBInstanceStatus: state === "creating" ? "creating" : "available",
              ReadReplicaSourceDBInstanceIdentifier: RECOVERY_DB_ARN,
              StatusInfos: [{ StatusType: "read replication", Status: state === "creating" ? "pending" : "replicating" }],
            },
      ],
    };
  });
  primaryRds.on(ModifyDBInstanceCommand).callsFake((input: ModifyDBInstanceCommandInput) => {
    if (input.NewDBInstanceIdentifier) {
      aws.renamed = true;
      aws.events.push("renamed");
    } else {
      aws.restoredSecret = aws.restoredSecret || input.ManageMasterUserPassword === true;
      aws.events.push("configured");
    }
  });
  primaryRds.on(CreateDBInstanceReadReplicaCommand).callsFake(() => void (aws.replica = "creating"));
  primaryRds.on(PromoteReadReplicaCommand).callsFake(() => void (aws.replica = "standalone"));
  primaryRds.on(DescribeSourceRegionsCommand).resolves({ SourceRegions: [{ RegionName: "us-west-2", Status: "available", SupportsDBInstanceAutomatedBackupsReplication: true }] });
  primaryRds.on(StartDBInstanceAutomatedBackupsReplicationCommand).callsFake(() => {
    aws.backupsBack = "pending";
    aws.events.push("backups replicate back");
  });
  primaryRds.on(DescribeDBInstanceAutomatedBackupsCommand).callsFake(() => {
    // The stale primary's own backups are listed too: not the ones to restore.
    const own = { DBInstanceIdentifier: "medicare-hub-prod-db", DBInstanceAutomatedBackupsArn: "arn:aws:rds:us-east-2:123456789012:auto-backup:ab-stale", Status: "active", RestoreWindow: { LatestTime: new Date("2026-11-29T08:00:00Z") } };
    const state = aws.backupsBack;
    if (state === "pending") aws.backupsBack = "replicating";
    // An earlier failback's backups of a recovery database with the same identifier, retained: not the ones to restore.
    const earlier = {
      DBInstanceIdentifier: "medicare-hub-prod-dr-db",
      DbiResourceId: "db-EARLIERRECOVERY000000000",
      DBInstanceAutomatedBackupsArn: "arn:aws:rds:us-east-2:123456789012:auto-backup:ab-earlier-failback",
      Status: "retained",
      RestoreWindow: { LatestTime: new Date("2026-06-01T08:00:00Z") },
    };
    const back = state && {
      DBInstanceIdentifier: "medicare-hub-prod-dr-db",
      DbiResourceId: "db-RECOVERY0000000000000000",
      DBInstanceArn: RECOVERY_DB_ARN,
      DBInstanceAutomatedBackupsArn: BACKUPS_BACK_ARN,
      Status: state,
      RestoreWindow: state === "replicating" ? { LatestTime: new Date(aws.now - aws.backupsBehindSeconds * 1000) } : undefined,
    };
    return { DBInstanceAutomatedBackups: back ? [own, earlier, back] : [own, earlier] };
  });
  primaryRds.on(RestoreDBInstanceToPointInTimeCommand).callsFake(() => {
    aws.restored = "creating";
    aws.events.push(`restored at ${new Date(aws.now).toISOString()}`);
  });

  primaryEfs.on(DescribeReplicationConfigurationsCommand).callsFake(() => {
    if (!aws.leftoverReplication) throw notFound("ReplicationNotFound", "Replication does not exist");
    return { Replications: [{ SourceFileSystemId: "fs-0aaaaaaaaaaaaaaa1", SourceFileSystemRegion: "us-east-2", Destinations: [{ FileSystemId: "fs-0bbbbbbbbbbbbbbb2", Region: "us-west-2", Status: "DELETING" }] }] as never };
  });
  primaryEfs.on(DeleteReplicationConfigurationCommand).callsFake(() => void (aws.leftoverReplication = false));
  primaryEfs.on(UpdateFileSystemProtectionCommand).callsFake(() => void (aws.primaryProtection = "DISABLED"));
  primaryEfs.on(DescribeFileSystemsCommand).callsFake(() => ({ FileSystems: [{ FileSystemProtection: { ReplicationOverwriteProtection: aws.primaryProtection } }] as never }));
  recoveryEfs.on(DescribeFileSystemsCommand).resolves({ FileSystems: [{ FileSystemProtection: { ReplicationOverwriteProtection: "ENABLED" } }] as never });
  // The on-demand backup of the primary file system: read RUNNING once, then COMPLETED.
  primaryBackup.on(StartBackupJobCommand).callsFake(() => {
    aws.events.push("primary files backed up");
    return { BackupJobId: "job-failback-0001", RecoveryPointArn: PRIMARY_FILES_RECOVERY_POINT };
  });
  primaryBackup.on(DescribeBackupJobCommand).resolvesOnce({ BackupJobId: "job-failback-0001", State: "RUNNING" }).resolves({ BackupJobId: "job-failback-0001", State: "COMPLETED", RecoveryPointArn: PRIMARY_FILES_RECOVERY_POINT });
  recoveryEfs.on(CreateReplicationConfigurationCommand).callsFake(() => {
    aws.events.push("files replicate back");
    aws.filesBack = "ENABLING";
    aws.primaryProtection = "REPLICATING";
  });
  recoveryEfs.on(DescribeReplicationConfigurationsCommand).callsFake((input: DescribeReplicationConfigurationsCommandInput) => {
    if (!aws.filesBack || input.FileSystemId !== "fs-0bbbbbbbbbbbbbbb2") throw notFound("ReplicationNotFound", "Replication does not exist");
    const status = aws.filesBack;
    aws.filesBack = "ENABLED";
    // Synced continuously once enabled: the last sync is half a minute before each read.
    const synced = status === "ENABLED" ? new Date(aws.now - 30_000) : undefined;
    return { Replications: [{ SourceFileSystemId: "fs-0bbbbbbbbbbbbbbb2", Destinations: [{ FileSystemId: "fs-0aaaaaaaaaaaaaaa1", Region: "us-east-2", Status: status, LastReplicatedTimestamp: synced }] }] as never };
  });
  recoveryEfs.on(DeleteReplicationConfigurationCommand).callsFake(() => {
    aws.filesBack = undefined;
    aws.primaryProtection = "ENABLED";
    aws.events.push("files promoted");
  });

  recoveryAutoScaling.on(DescribeAutoScalingGroupsCommand).callsFake(() => {
    const live = aws.recoveryDraining ? 3 : aws.recoveryInstances;
    aws.recoveryDraining = false;
    return group("medicare-hub-prod-dr-app", aws.recoveryInstances, live);
  });
  recoveryAutoScaling.on(UpdateAutoScalingGroupCommand).callsFake(() => {
    aws.recoveryInstances = 0;
    aws.recoveryDraining = true;
    aws.events.push(`recovery group held at zero at ${new Date(aws.now).toISOString()}`);
  });
  let primaryMax = 9;
  primaryAutoScaling.on(DescribeAutoScalingGroupsCommand).callsFake(() => group("medicare-hub-prod-app", primaryMax, 0, [TARGET_GROUP_ARN]));
  primaryAutoScaling.on(UpdateAutoScalingGroupCommand).callsFake((input: UpdateAutoScalingGroupCommandInput) => {
    primaryMax = input.MaxSize ?? primaryMax;
    if (primaryMax > 0) aws.events.push("primary scaled");
  });
  primaryElb.on(DescribeTargetHealthCommand).resolves({ TargetHealthDescriptions: [1, 2, 3].map((i) => ({ Target: { Id: `i-${i}` }, TargetHealth: { State: "healthy" } })) as never });
  primaryCloudWatch.on(GetMetricStatisticsCommand).callsFake((input: GetMetricStatisticsCommandInput) => {
    const points = [];
    const start = (input.StartTime as Date).getTime();
    for (let at = start; at + 60_000 <= (input.EndTime as Date).getTime(); at += 60_000) points.push({ Timestamp: new Date(at), Maximum: aws.lag(at) });
    return { Datapoints: points };
  });
});

/** The mutating calls made, by API and region, in order within each client. */
function mutations(): string[] {
  const named = (region: string, mock: { calls(): { args: unknown[] }[] }) =>
    mock
      .calls()
      .map((call) => (call.args[0] as { constructor: { name: string } }).constructor.name.replace(/Command$/, ""))
      .filter((name) => !/^(Describe|Get)/.test(name))
      .map((name) => `${region} ${name}`);
  return [
    ...named("us-east-2", primaryRds),
    ...named("us-east-2", primaryEfs),
    ...named("us-east-2", primaryBackup),
    ...named("us-east-2", primaryAutoScaling),
    ...named("us-west-2", recoveryEfs),
    ...named("us-west-2", recoveryAutoScaling),
  ];
}

/** The JSON a dry-run line prints after "would call <api> ". */
function printed(line: string, api: string): unknown {
  return JSON.parse(line.replace(new RegExp(`^.*would call ${api} (\\{.*\\})(, then .*)? in us-(east|west)-2 \\(0 s\\)$`), "$1"));
}

describe('recovery.database "restore": the new primary is restored from the recovery database\'s replicated backups', () => {
  test("--dry-run prints the whole plan, prepare and cutover, with every call's parameters, and changes nothing", async () => {
    const w = world();
    const result = await runFailback({ ...OPTIONS, dryRun: true }, clients, w);
    expect(result.outcome).toBe("dry-run");
    expect(mutations()).toEqual([]);
    expect(w.lines[0]).toBe("Dry run of the failback of prod (warm-standby, database restore): us-west-2 -> us-east-2");
    expect(w.lines.slice(1, 24).map((l) => l.split(":")[0])).toEqual(FAILBACK_STEPS.map((step, i) => `[${i + 1}/23] ${step}`));
    const said = (step: string) => w.lines.find((l) => l.includes(`] ${step}: `)) as string;
    expect(said("check-primary-site")).toBe(
      "[2/23] check-primary-site: stale primary medicare-hub-prod-db (available); backups of medicare-hub-prod-dr-db here: not replicated here; no new primary yet; " +
        "fs-0aaaaaaaaaaaaaaa1 protection ENABLED; medicare-hub-prod-app: desired 9 (0 s)",
    );
    expect(primaryRds.commandCalls(DescribeSourceRegionsCommand)[0].args[0].input).toEqual({ RegionName: "us-west-2" });
    expect(printed(said("replicate-database-backups"), "StartDBInstanceAutomatedBackupsReplication")).toEqual({ SourceDBInstanceArn: RECOVERY_DB_ARN, KmsKeyId: PRIMARY_KEY, BackupRetentionPeriod: 35 });
    expect(printed(said("restore-primary-database"), "RestoreDBInstanceToPointInTime")).toMatchObject({
      SourceDBInstanceAutomatedBackupsArn: "<the replicated backups of step 10>",
      TargetDBInstanceIdentifier: "medicare-hub-prod-db",
    });
    expect(printed(said("configure-primary-database"), "ModifyDBInstance")).toEqual({
      DBInstanceIdentifier: "medicare-hub-prod-db",
      ManageMasterUserPassword: true,
      MasterUserSecretKmsKeyId: PRIMARY_KEY,
      MonitoringInterval: 15,
      MonitoringRoleArn: "arn:aws:iam::123456789012:role/medicare-hub-prod-db-monitoring",
      EnablePerformanceInsights: true,
      PerformanceInsightsKMSKeyId: PRIMARY_KEY,
      PerformanceInsightsRetentionPeriod: 7,
      PreferredMaintenanceWindow: "sun:04:30-sun:05:30",
      ApplyImmediately: true,
    });
    expect(said("wait-for-sync")).toContain("the backups of medicare-hub-prod-dr-db replicated here are restorable to a time after writes stopped");
    expect(said("back-up-primary-files")).toBe(
      '[4/23] back-up-primary-files: would call StartBackupJob {"BackupVaultName":"medicare-hub-prod-backup","ResourceArn":"arn:aws:elasticfilesystem:us-east-2:123456789012:file-system/fs-0aaaaaaaaaaaaaaa1",' +
        '"IamRoleArn":"arn:aws:iam::123456789012:role/medicare-hub-prod-backup","IdempotencyToken":"failback-fs-0aaaaaaaaaaaaaaa1-2026-11-30",' +
        '"RecoveryPointTags":{"Reason":"failback: the primary file system before the recovery copy replaced it"}} in us-east-2, then wait until it is COMPLETED (0 s)',
    );
    expect(said("apply-app-role")).toContain("[18/23] apply-app-role: would stop here (outcome paused): reconcile Terraform's state with the new medicare-hub-prod-db");
    expect(said("apply-app-role")).toContain("then resume with --cutover --from-step 19");
    expect(said("unfence-primary")).toBe(
      '[23/23] unfence-primary: would call UpdateHealthCheck {"HealthCheckId":"hc-primary-alb","HealthCheckVersion":2,"ResourcePath":"/health"} (Route 53, global; medicare-hub-prod-alb-health requests /fenced-by-failover now) (0 s)',
    );
    expect(route53.updates).toEqual([]);
  });

  test("preparing replicates the files and the database's backups back with no user impact, then stops: ready for the cutover", async () => {
    const w = world();
    const result = await runFailback(OPTIONS, clients, w);
    expect(result).toMatchObject({ outcome: "ready", message: expect.stringContaining("the backups of medicare-hub-prod-dr-db replicate to us-east-2") });
    expect(mutations()).toEqual([
      "us-east-2 ModifyDBInstance",
      "us-east-2 StartDBInstanceAutomatedBackupsReplication",
      "us-east-2 DeleteReplicationConfiguration",
      "us-east-2 UpdateFileSystemProtection",
      "us-east-2 StartBackupJob",
      "us-east-2 UpdateAutoScalingGroup",
      "us-west-2 CreateReplicationConfiguration",
    ]);
    // No read replica: the recovery database manages its master password in Secrets Manager.
    expect(primaryRds.commandCalls(CreateDBInstanceReadReplicaCommand)).toHaveLength(0);
    expect(primaryRds.commandCalls(StartDBInstanceAutomatedBackupsReplicationCommand)[0].args[0].input).toEqual({ SourceDBInstanceArn: RECOVERY_DB_ARN, KmsKeyId: PRIMARY_KEY, BackupRetentionPeriod: 35 });
    expect(recoveryAutoScaling.commandCalls(UpdateAutoScalingGroupCommand)).toHaveLength(0);
    expect(result.timings.map((t) => t.step)).toEqual(FAILBACK_STEPS.slice(0, 11));
    // The backup job read RUNNING once, the replicated backups "pending" once, the file replication "ENABLING" once: a minute each.
    expect(result.timings.filter((t) => t.seconds > 0)).toEqual([
      { step: "back-up-primary-files", seconds: 60 },
      { step: "wait-for-database-backups", seconds: 60 },
      { step: "wait-for-files-back", seconds: 60 },
    ]);
  });

  test("the primary file system is backed up by AWS Backup, and the backup completed, before the recovery copy replicates over it", async () => {
    const w = world();
    expect((await runFailback(OPTIONS, clients, w)).outcome).toBe("ready");
    expect(primaryBackup.commandCalls(StartBackupJobCommand)[0].args[0].input).toEqual({
      BackupVaultName: "medicare-hub-prod-backup",
      ResourceArn: "arn:aws:elasticfilesystem:us-east-2:123456789012:file-system/fs-0aaaaaaaaaaaaaaa1",
      IamRoleArn: "arn:aws:iam::123456789012:role/medicare-hub-prod-backup",
      IdempotencyToken: "failback-fs-0aaaaaaaaaaaaaaa1-2026-11-30",
      RecoveryPointTags: { Reason: "failback: the primary file system before the recovery copy replaced it" },
    });
    expect(aws.events.indexOf("primary files backed up")).toBeLessThan(aws.events.indexOf("files replicate back"));
    expect(w.lines.find((l) => l.includes("] back-up-primary-files: "))).toBe(
      `[4/23] back-up-primary-files: fs-0aaaaaaaaaaaaaaa1 backed up before the copy replaces it: recovery point ${PRIMARY_FILES_RECOVERY_POINT} in medicare-hub-prod-backup (job job-failback-0001) (60 s)`,
    );
  });

  test("a backup job that fails stops the preparation before the primary file system is released or replicated over", async () => {
    primaryBackup.on(DescribeBackupJobCommand).resolves({ BackupJobId: "job-failback-0001", State: "FAILED", StatusMessage: "Insufficient privileges to perform this action." });
    const result = await runFailback(OPTIONS, clients, world());
    expect(result).toMatchObject({
      outcome: "failed",
      stoppedAt: "back-up-primary-files",
      message:
        "stopped at step 4 (back-up-primary-files): backup job job-failback-0001 of fs-0aaaaaaaaaaaaaaa1 is FAILED (Insufficient privileges to perform this action.): " +
        "nothing was replicated over it yet; steps before it are done; fix the cause, then resume with --from-step 4 and the same flags",
    });
    expect(primaryEfs.commandCalls(UpdateFileSystemProtectionCommand)).toHaveLength(0);
    expect(recoveryEfs.commandCalls(CreateReplicationConfigurationCommand)).toHaveLength(0);
  });

  describe("the cutover", () => {
    async function prepared() {
      expect((await runFailback(OPTIONS, clients, world())).outcome).toBe("ready");
      for (const mock of [primaryRds, primaryEfs, primaryAutoScaling, recoveryEfs, recoveryAutoScaling]) mock.resetHistory();
      aws.now = Date.parse("2026-11-30T10:00:00Z");
      aws.events = [];
    }

    test("stops writes, waits until the backups are restorable past the stop, restores, configures, pauses for the app role, then promotes the files, scales back and lifts the fence", async () => {
      await prepared();
      const w = world();
      const paused = await runFailback({ ...OPTIONS, cutover: true, fromStep: 12 }, clients, w);
      // The app's role names the old instance's resource id: no user is sent to an app that cannot sign in.
      expect(paused).toMatchObject({ outcome: "paused", stoppedAt: "apply-app-role" });
      expect(paused.message).toBe(
        "medicare-hub-prod-db is available with resource id db-NEWPRIMARY0123456789ABCD, which the primary app's role does not name yet: " +
          "reconcile Terraform's state with the new medicare-hub-prod-db (docs/runbooks.md#region-failback: terraform state rm and import of its aws_db_instance), " +
          "then run `terraform apply` for the environment now (it updates the app role to the new database's resource id: npm run plan:check first; " +
          "apply only the role's policy, -target=aws_iam_role_policy.app-tier_instance-policy: a whole apply would also set both app groups' sizes and the primary health check's path back mid-cutover), " +
          "then resume with --cutover --from-step 19",
      );
      expect(paused.timings.map((t) => t.step)).toEqual(["check-recovery-site", "check-primary-site", ...FAILBACK_STEPS.slice(11, 18)]);
      expect(primaryAutoScaling.commandCalls(UpdateAutoScalingGroupCommand)).toHaveLength(0);
      expect(route53.updates).toEqual([]);
      const after = world();
      const result = await runFailback({ ...OPTIONS, cutover: true, fromStep: 19 }, clients, after);
      expect(result).toMatchObject({ outcome: "done", message: "prod runs in us-east-2 again: database medicare-hub-prod-db, files fs-0aaaaaaaaaaaaaaa1" });
      expect(result.timings.map((t) => t.step)).toEqual(["check-recovery-site", "check-primary-site", ...FAILBACK_STEPS.slice(18)]);
      expect(route53.updates).toEqual([{ id: "hc-primary-alb", resourcePath: "/health", version: 2 }]);
      expect(primaryRds.commandCalls(RestoreDBInstanceToPointInTimeCommand)[0].args[0].input).toEqual({
        SourceDBInstanceAutomatedBackupsArn: BACKUPS_BACK_ARN,
        UseLatestRestorableTime: true,
        TargetDBInstanceIdentifier: "medicare-hub-prod-db",
        DBInstanceClass: "db.r6g.large",
        DBSubnetGroupName: "medicare-hub-prod-db",
        VpcSecurityGroupIds: ["sg-0database"],
        DBParameterGroupName: "medicare-hub-prod-db-postgres17",
        MultiAZ: true,
        PubliclyAccessible: false,
        AutoMinorVersionUpgrade: true,
        MaxAllocatedStorage: 1000,
        CACertificateIdentifier: "rds-ca-rsa2048-g1",
        EnableIAMDatabaseAuthentication: true,
        EnableCloudwatchLogsExports: ["postgresql", "upgrade"],
        DeletionProtection: true,
        CopyTagsToSnapshot: true,
        BackupRetentionPeriod: 35,
        PreferredBackupWindow: "03:00-03:30",
        Tags: [{ Key: "Name", Value: "medicare-hub-prod-db" }],
      });
      // No StorageType, as in the failover's restore: gp3 "you must also include a value for the Iops parameter" (RDS API
      // Reference, RestoreDBInstanceToPointInTime); left out, the restore keeps the backups' storage type (gp3).
      expect(primaryRds.commandCalls(RestoreDBInstanceToPointInTimeCommand)[0].args[0].input).not.toHaveProperty("StorageType");
      expect(primaryRds.commandCalls(ModifyDBInstanceCommand)[0].args[0].input).toMatchObject({ DBInstanceIdentifier: "medicare-hub-prod-db", ManageMasterUserPassword: true, MasterUserSecretKmsKeyId: PRIMARY_KEY });
      // Writes stopped at 10:01 (held at 10:00, drained in one poll). The backups trail the clock by 4 minutes: at 10:05 they
      // are restorable to 10:01, the stop itself, not after it; at 10:06 to 10:02: the restore starts then.
      expect(aws.events).toEqual([
        "recovery group held at zero at 2026-11-30T10:00:00.000Z",
        "restored at 2026-11-30T10:06:00.000Z",
        "configured",
        "files promoted",
        "primary scaled",
        "health check requests /health",
      ]);
      expect(paused.timings.find((t) => t.step === "wait-for-sync")).toEqual({ step: "wait-for-sync", seconds: 300 });
      expect(after.lines.at(-1)).toMatch(/^Left to do \(docs\/runbooks.md#region-failback\): medicare-hub-prod-dr-db .*stop-db-instance-automated-backups-replication/);
    });

    test("a restore that fails stops the cutover at step 15; the resumed cutover does not stop writes again", async () => {
      await prepared();
      primaryRds
        .on(RestoreDBInstanceToPointInTimeCommand)
        .rejectsOnce(Object.assign(new Error("Cannot create a db.r6g.large Multi-AZ instance in us-east-2 now"), { name: "InsufficientDBInstanceCapacityFault" }))
        .callsFake(() => {
          aws.restored = "creating";
          aws.events.push("restored");
        });
      const first = await runFailback({ ...OPTIONS, cutover: true, fromStep: 12 }, clients, world());
      expect(first).toMatchObject({
        outcome: "failed",
        stoppedAt: "restore-primary-database",
        message:
          "stopped at step 15 (restore-primary-database): InsufficientDBInstanceCapacityFault: Cannot create a db.r6g.large Multi-AZ instance in us-east-2 now; " +
          "steps before it are done; fix the cause, then resume with --from-step 15 and the same flags",
      });
      const w = world();
      const resumed = await runFailback({ ...OPTIONS, cutover: true, fromStep: 15 }, clients, w);
      expect(resumed.outcome).toBe("paused");
      expect(recoveryAutoScaling.commandCalls(UpdateAutoScalingGroupCommand)).toHaveLength(1);
      expect(primaryRds.commandCalls(RestoreDBInstanceToPointInTimeCommand)).toHaveLength(2);
      expect(w.lines.filter((l) => l.includes("skipped (--from-step 15)")).map((l) => l.split(":")[0])).toEqual([
        "[3/23] hold-primary-app",
        "[4/23] back-up-primary-files",
        "[5/23] release-primary-file-system",
        "[6/23] replicate-files-back",
        "[7/23] rename-stale-database",
        "[8/23] wait-for-rename",
        "[9/23] replicate-database-backups",
        "[10/23] wait-for-database-backups",
        "[11/23] wait-for-files-back",
        "[12/23] verify-ready",
        "[13/23] stop-writes",
        "[14/23] wait-for-sync",
      ]);
      // A run resumed again at the restore finds the instance the last one made, and configures nothing twice.
      const again = world();
      expect((await runFailback({ ...OPTIONS, cutover: true, fromStep: 15 }, clients, again)).outcome).toBe("paused");
      expect(primaryRds.commandCalls(RestoreDBInstanceToPointInTimeCommand)).toHaveLength(2);
      expect(again.lines.find((l) => l.includes("] restore-primary-database: "))).toMatch(/medicare-hub-prod-db exists \(available\): restored by an earlier run/);
      expect(primaryRds.commandCalls(ModifyDBInstanceCommand).at(-1)?.args[0].input).not.toHaveProperty("ManageMasterUserPassword");
    });

    test("backups that never become restorable past the stop time out, and the step says why and how to go on", async () => {
      await prepared();
      aws.backupsBehindSeconds = 3600;
      const result = await runFailback({ ...OPTIONS, cutover: true, fromStep: 12, timeoutSeconds: 600 }, clients, world());
      expect(result).toMatchObject({ outcome: "failed", stoppedAt: "wait-for-sync" });
      expect(result.message).toContain("stopped at step 14 (wait-for-sync): files and database synced past the stop not reached within 600 s");
      expect(result.message).toContain("RDS uploads the transaction logs about every 5 minutes and then copies them across regions");
      expect(primaryRds.commandCalls(RestoreDBInstanceToPointInTimeCommand)).toHaveLength(0);
    });

    test("refuses to start before the preparation is done", async () => {
      const result = await runFailback({ ...OPTIONS, cutover: true, fromStep: 12 }, clients, world());
      expect(result).toMatchObject({ outcome: "failed", stoppedAt: "verify-ready", message: expect.stringContaining("not ready for the cutover") });
      expect(recoveryAutoScaling.commandCalls(UpdateAutoScalingGroupCommand)).toHaveLength(0);
    });
  });

  test("a file replication back in ERROR stops wait-for-files-back at once, naming the state and EFS's message", async () => {
    recoveryEfs.on(DescribeReplicationConfigurationsCommand).resolves({
      Replications: [
        {
          SourceFileSystemId: "fs-0bbbbbbbbbbbbbbb2",
          Destinations: [{ FileSystemId: "fs-0aaaaaaaaaaaaaaa1", Region: "us-east-2", Status: "ERROR", StatusMessage: "The destination file system was deleted." }],
        },
      ] as never,
    });
    const result = await runFailback(OPTIONS, clients, world());
    expect(result).toMatchObject({
      outcome: "failed",
      stoppedAt: "wait-for-files-back",
      message: expect.stringContaining(
        "stopped at step 11 (wait-for-files-back): the replication fs-0bbbbbbbbbbbbbbb2 -> fs-0aaaaaaaaaaaaaaa1 is ERROR (The destination file system was deleted.): it will not sync by itself",
      ),
    });
    expect(result.timings.find((t) => t.step === "wait-for-files-back")).toBeUndefined();
  });

  test("a recovery region RDS does not replicate backups from stops the preparation before anything changes", async () => {
    primaryRds.on(DescribeSourceRegionsCommand).resolves({ SourceRegions: [{ RegionName: "us-west-2", SupportsDBInstanceAutomatedBackupsReplication: false }] });
    const result = await runFailback(OPTIONS, clients, world());
    expect(result).toMatchObject({ outcome: "failed", stoppedAt: "check-primary-site", message: expect.stringContaining("RDS does not replicate automated backups from us-west-2 to us-east-2") });
    expect(mutations()).toEqual([]);
  });
});

describe('recovery.database "replica": the new primary is a read replica of the recovery database', () => {
  beforeEach(() => {
    recoveryRds.on(DescribeDBInstancesCommand).resolves(recoveryDatabase(false));
  });

  test("--dry-run prints the whole plan with every call's parameters, and changes nothing", async () => {
    const w = world();
    const result = await runFailback({ ...REPLICA_OPTIONS, dryRun: true }, clients, w);
    expect(result.outcome).toBe("dry-run");
    expect(mutations()).toEqual([]);
    expect(w.lines.slice(1, 23).map((l) => l.split(":")[0])).toEqual(REPLICA_FAILBACK_STEPS.map((step, i) => `[${i + 1}/22] ${step}`));
    const said = (step: string) => w.lines.find((l) => l.includes(`] ${step}: `)) as string;
    expect(said("check-recovery-site")).toBe(
      "[1/22] check-recovery-site: medicare-hub-prod-dr-db standalone (available, 35-day backups); fs-0bbbbbbbbbbbbbbb2 writable (protection ENABLED); medicare-hub-prod-dr-app: 3 instances (0 s)",
    );
    expect(said("hold-primary-app")).toContain('would call UpdateAutoScalingGroup {"AutoScalingGroupName":"medicare-hub-prod-app","MinSize":0,"DesiredCapacity":0,"MaxSize":0} in us-east-2');
    expect(said("release-primary-file-system")).toContain(
      'would call DeleteReplicationConfiguration {"SourceFileSystemId":"fs-0aaaaaaaaaaaaaaa1","DeletionMode":"LOCAL_CONFIGURATION_ONLY"}, wait until it is gone, then call UpdateFileSystemProtection {"FileSystemId":"fs-0aaaaaaaaaaaaaaa1","ReplicationOverwriteProtection":"DISABLED"}',
    );
    expect(said("replicate-files-back")).toContain(
      'would call CreateReplicationConfiguration {"SourceFileSystemId":"fs-0bbbbbbbbbbbbbbb2","Destinations":[{"Region":"us-east-2","FileSystemId":"fs-0aaaaaaaaaaaaaaa1"}]} in us-west-2',
    );
    expect(said("rename-stale-database")).toContain('would call ModifyDBInstance {"DBInstanceIdentifier":"medicare-hub-prod-db","NewDBInstanceIdentifier":"medicare-hub-prod-db-stale","ApplyImmediately":true}');
    expect(printed(said("create-database-replica"), "CreateDBInstanceReadReplica")).toEqual({
      DBInstanceIdentifier: "medicare-hub-prod-db",
      SourceDBInstanceIdentifier: RECOVERY_DB_ARN,
      KmsKeyId: PRIMARY_KEY,
      DBInstanceClass: "db.r6g.large",
      MultiAZ: true,
      StorageType: "gp3",
      DBSubnetGroupName: "medicare-hub-prod-db",
      VpcSecurityGroupIds: ["sg-0database"],
      DBParameterGroupName: "medicare-hub-prod-db-postgres17",
      PubliclyAccessible: false,
      EnableIAMDatabaseAuthentication: true,
      DeletionProtection: true,
      CopyTagsToSnapshot: true,
      EnableCloudwatchLogsExports: ["postgresql", "upgrade"],
      Tags: [{ Key: "Name", Value: "medicare-hub-prod-db" }],
    });
    expect(said("promote-primary-database")).toContain('would call PromoteReadReplica {"DBInstanceIdentifier":"medicare-hub-prod-db","BackupRetentionPeriod":35,"PreferredBackupWindow":"03:00-03:30"} in us-east-2');
    expect(said("scale-primary-app")).toContain('would call UpdateAutoScalingGroup {"AutoScalingGroupName":"medicare-hub-prod-app","MinSize":3,"DesiredCapacity":3,"MaxSize":9} in us-east-2');
  });

  test("preparing replicates files and database back with no user impact, then stops: ready for the cutover", async () => {
    const result = await runFailback(REPLICA_OPTIONS, clients, world());
    expect(result).toMatchObject({ outcome: "ready", message: expect.stringContaining("npm run failback -- --env prod --cutover") });
    expect(mutations()).toEqual([
      "us-east-2 ModifyDBInstance",
      "us-east-2 CreateDBInstanceReadReplica",
      "us-east-2 DeleteReplicationConfiguration",
      "us-east-2 UpdateFileSystemProtection",
      "us-east-2 StartBackupJob",
      "us-east-2 UpdateAutoScalingGroup",
      "us-west-2 CreateReplicationConfiguration",
    ]);
    expect(primaryRds.commandCalls(CreateDBInstanceReadReplicaCommand)[0].args[0].input).toMatchObject({ DBInstanceIdentifier: "medicare-hub-prod-db", SourceDBInstanceIdentifier: RECOVERY_DB_ARN, KmsKeyId: PRIMARY_KEY });
    // Users are still served from the recovery region: its group was not touched.
    expect(recoveryAutoScaling.commandCalls(UpdateAutoScalingGroupCommand)).toHaveLength(0);
    expect(result.timings.map((t) => t.step)).toEqual(REPLICA_FAILBACK_STEPS.slice(0, 11));
    // The backup job read RUNNING once, the new replica "creating" once, the file replication "ENABLING" once: a minute each.
    expect(result.timings.filter((t) => t.seconds > 0)).toEqual([
      { step: "back-up-primary-files", seconds: 60 },
      { step: "wait-for-database-replica", seconds: 60 },
      { step: "wait-for-files-back", seconds: 60 },
    ]);
  });

  describe("the cutover", () => {
    async function prepared() {
      expect((await runFailback(REPLICA_OPTIONS, clients, world())).outcome).toBe("ready");
      for (const mock of [primaryRds, primaryEfs, primaryAutoScaling, recoveryEfs, recoveryAutoScaling]) mock.resetHistory();
      aws.now = Date.parse("2026-11-30T10:00:00Z");
    }

    test("stops writes, waits until both stores are past the stop, promotes and scales the primary back", async () => {
      await prepared();
      const w = world();
      const paused = await runFailback({ ...REPLICA_OPTIONS, cutover: true, fromStep: 12 }, clients, w);
      // A promoted replica is a new instance too, with its own resource id.
      expect(paused).toMatchObject({ outcome: "paused", stoppedAt: "apply-app-role", message: expect.stringMatching(/resource id db-NEWPRIMARY0123456789ABCD.*then resume with --cutover --from-step 18$/) });
      expect(w.lines.filter((l) => l.includes("skipped (--from-step 12)"))).toHaveLength(9);
      expect(paused.timings.map((t) => t.step)).toEqual(["check-recovery-site", "check-primary-site", ...REPLICA_FAILBACK_STEPS.slice(11, 17)]);
      expect(primaryAutoScaling.commandCalls(UpdateAutoScalingGroupCommand)).toHaveLength(0);
      const after = world();
      const result = await runFailback({ ...REPLICA_OPTIONS, cutover: true, fromStep: 18 }, clients, after);
      expect(result).toMatchObject({ outcome: "done", message: "prod runs in us-east-2 again: database medicare-hub-prod-db, files fs-0aaaaaaaaaaaaaaa1" });
      expect(route53.updates).toEqual([{ id: "hc-primary-alb", resourcePath: "/health", version: 2 }]);
      expect(recoveryAutoScaling.commandCalls(UpdateAutoScalingGroupCommand)[0].args[0].input).toEqual({ AutoScalingGroupName: "medicare-hub-prod-dr-app", MinSize: 0, DesiredCapacity: 0, MaxSize: 0 });
      expect(primaryRds.commandCalls(PromoteReadReplicaCommand)[0].args[0].input).toEqual({ DBInstanceIdentifier: "medicare-hub-prod-db", BackupRetentionPeriod: 35, PreferredBackupWindow: "03:00-03:30" });
      expect(recoveryEfs.commandCalls(DeleteReplicationConfigurationCommand)[0].args[0].input).toEqual({ SourceFileSystemId: "fs-0bbbbbbbbbbbbbbb2", DeletionMode: "ALL_CONFIGURATIONS" });
      expect(primaryAutoScaling.commandCalls(UpdateAutoScalingGroupCommand)[0].args[0].input).toEqual({ AutoScalingGroupName: "medicare-hub-prod-app", MinSize: 3, DesiredCapacity: 3, MaxSize: 9 });
      // Writes stopped at 10:01 (the group drained in one poll). The ReplicaLag point of 10:01-10:02 (5 s) dates the last
      // replayed commit after 10:00:55 only, which is before the stop; the point of 10:02-10:03 dates it after 10:01:55: the
      // gate opens on the third poll, at 10:03.
      expect(paused.timings.find((t) => t.step === "wait-for-sync")).toEqual({ step: "wait-for-sync", seconds: 120 });
      expect(w.lines.find((l) => l.includes("] stop-writes: "))).toContain("no instance left in medicare-hub-prod-dr-app at 2026-11-30T10:01:00.000Z");
      expect(after.lines.at(-1)).toMatch(/^Left to do \(docs\/runbooks.md#region-failback\): medicare-hub-prod-dr-db and fs-0bbbbbbbbbbbbbbb2 are to be replaced/);
    });

    test("an idle source never proves the replica caught up: PostgreSQL's ReplicaLag grows, and the step says how to go on", async () => {
      await prepared();
      // The last commit was at 10:00:50, before the stop; nothing commits after it.
      aws.lag = (at) => (at + 60_000 - Date.parse("2026-11-30T10:00:50Z")) / 1000;
      const result = await runFailback({ ...REPLICA_OPTIONS, cutover: true, fromStep: 12, timeoutSeconds: 600 }, clients, world());
      expect(result).toMatchObject({ outcome: "failed", stoppedAt: "wait-for-sync" });
      expect(result.message).toContain("stopped at step 14 (wait-for-sync): files and database synced past the stop not reached within 600 s");
      expect(result.message).toContain("make one on medicare-hub-prod-dr-db (SELECT txid_current();) and run again");
      expect(result.message).toContain("pg_last_wal_replay_lsn() on medicare-hub-prod-db equals pg_current_wal_lsn() on medicare-hub-prod-dr-db and resume with --from-step 15");
      expect(primaryRds.commandCalls(PromoteReadReplicaCommand)).toHaveLength(0);
    });

    test("refuses to start before the preparation is done", async () => {
      const result = await runFailback({ ...REPLICA_OPTIONS, cutover: true, fromStep: 12 }, clients, world());
      expect(result).toMatchObject({ outcome: "failed", stoppedAt: "verify-ready", message: expect.stringContaining("not ready for the cutover") });
      expect(recoveryAutoScaling.commandCalls(UpdateAutoScalingGroupCommand)).toHaveLength(0);
    });
  });

  test("a step failing halfway stops the run, says where and what to run next; --from-step resumes without renaming twice", async () => {
    primaryRds
      .on(CreateDBInstanceReadReplicaCommand)
      .rejectsOnce(Object.assign(new Error("The source instance's automated backups are not ready"), { name: "InvalidDBInstanceStateFault" }))
      .callsFake(() => void (aws.replica = "creating"));
    const first = await runFailback(REPLICA_OPTIONS, clients, world());
    expect(first).toMatchObject({
      outcome: "failed",
      stoppedAt: "create-database-replica",
      message:
        "stopped at step 9 (create-database-replica): InvalidDBInstanceStateFault: The source instance's automated backups are not ready; " +
        "steps before it are done; fix the cause, then resume with --from-step 9 and the same flags",
    });
    const w = world();
    const resumed = await runFailback({ ...REPLICA_OPTIONS, fromStep: 9 }, clients, w);
    expect(resumed.outcome).toBe("ready");
    expect(primaryRds.commandCalls(ModifyDBInstanceCommand)).toHaveLength(1);
    expect(recoveryEfs.commandCalls(CreateReplicationConfigurationCommand)).toHaveLength(1);
    expect(primaryRds.commandCalls(CreateDBInstanceReadReplicaCommand)).toHaveLength(2);
    // The checks ran again and found the stale primary under its new name.
    expect(w.lines[2]).toMatch(/^\[2\/22\] check-primary-site: stale primary medicare-hub-prod-db-stale \(available\); no new replica yet;/);
  });

  test("a recovery database whose master password RDS manages cannot be a replica's source: refused before anything changes", async () => {
    recoveryRds.on(DescribeDBInstancesCommand).resolves(recoveryDatabase(true));
    const result = await runFailback(REPLICA_OPTIONS, clients, world());
    expect(result).toMatchObject({ outcome: "failed", stoppedAt: "check-recovery-site" });
    expect(result.message).toContain("AWS does not support creating a read replica of such a source");
    expect(result.message).toContain("--no-manage-master-user-password");
    expect(mutations()).toEqual([]);
  });
});

test("a recovery database that is still a replica means there was no failover: nothing is changed", async () => {
  recoveryRds.on(DescribeDBInstancesCommand).resolves({ DBInstances: [{ DBInstanceIdentifier: "medicare-hub-prod-dr-db", DBInstanceArn: RECOVERY_DB_ARN, ReadReplicaSourceDBInstanceIdentifier: "arn:aws:rds:us-east-2:123456789012:db:medicare-hub-prod-db" }] });
  const result = await runFailback(OPTIONS, clients, world());
  expect(result).toMatchObject({ outcome: "failed", stoppedAt: "check-recovery-site", message: expect.stringContaining("the environment has not failed over") });
  expect(mutations()).toEqual([]);
});

describe("command line", () => {
  const prod = DEFAULT_CONFIG.environments.prod;
  const standing = { region: "us-west-2", availabilityZones: ["us-west-2a", "us-west-2b", "us-west-2c"], vpcCidr: "10.21.0.0/16" };
  const environments = {
    dev: DEFAULT_CONFIG.environments.dev,
    prod,
    staging: { ...prod, recovery: { strategy: "pilot-light" as const, ...standing, database: "replica" as const } },
    restored: { ...prod, recovery: { strategy: "backup-and-restore" as const, region: "us-west-2" } },
  };
  const ids = ["--file-system-id", "fs-0aaaaaaaaaaaaaaa1", "--recovery-file-system-id", "fs-0bbbbbbbbbbbbbbb2"];

  test("names both sites from the configuration: prod's committed default comes back by a restore, the prepare steps by default, the cutover from step 12", () => {
    expect(parseArgs(["--env", "prod", ...ids], environments)).toEqual(OPTIONS);
    expect(parseArgs(["--env", "staging", ...ids, "--cutover"], environments)).toMatchObject({ strategy: "pilot-light", databaseMode: "replica", cutover: true, fromStep: 12 });
  });

  test("reads the file systems from `terraform output -json`", () => {
    const file = join(mkdtempSync(join(tmpdir(), "failback-outputs-")), "outputs.json");
    writeFileSync(file, JSON.stringify({ file_system_id: { value: "fs-0aaaaaaaaaaaaaaa1" }, recovery_file_system_id: { value: "fs-0bbbbbbbbbbbbbbb2" } }));
    expect(parseArgs(["--env", "prod", "--outputs", file], environments)).toMatchObject({ fileSystemId: "fs-0aaaaaaaaaaaaaaa1", recoveryFileSystemId: "fs-0bbbbbbbbbbbbbbb2" });
  });

  test.each([
    [["--env", "prod", "--recovery-file-system-id", "fs-0bbbbbbbbbbbbbbb2"], /^--file-system-id is required \(or --outputs FILE with file_system_id\)/],
    [["--env", "prod", "--file-system-id", "fs-0aaaaaaaaaaaaaaa1", "--recovery-file-system-id", "copy"], /--recovery-file-system-id takes a file system id such as fs-0123456789abcdef0, got "copy"/],
    [["--env", "prod", ...ids, "--from-step", "13"], /--from-step 13: steps 12 to 23 are the cutover, add --cutover/],
    [["--env", "prod", ...ids, "--cutover", "--from-step", "3"], /--from-step 3 with --cutover: the cutover is steps 12 to 23/],
    [["--env", "prod", ...ids, "--from-step", "24"], /--from-step takes a whole number from 1 to 23, got "24"/],
    [["--env", "staging", ...ids, "--from-step", "23"], /--from-step takes a whole number from 1 to 22, got "23"/],
    [["--env", "restored", ...ids], /--env restored: recovery.strategy is "backup-and-restore"; the failback returns from a pilot-light or warm-standby failover/],
    [["--env", "dev", ...ids], /--env dev: recovery.strategy is "off"/],
  ])("refuses %j", (argv, message) => {
    expect(() => parseArgs(argv, environments)).toThrow(message);
  });
});
