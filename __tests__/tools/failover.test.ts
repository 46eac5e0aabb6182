/**
 * tools/failover.ts against mocked clients of the recovery region (aws-sdk-client-mock), for every rung: the dry run's
 * plan, a whole run with each step's parameters, a run that fails halfway (it stops, says where and how to resume) and
 * the resumed run, and the command line's refusals. The standby's facts (identifiers, retention, capacity, the names
 * Terraform gives the restore target) are written out as AWS would show them, not taken from the code under test.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  AutoScalingClient,
  DescribeAutoScalingGroupsCommand,
  DescribeInstanceRefreshesCommand,
  StartInstanceRefreshCommand,
  UpdateAutoScalingGroupCommand,
  type DescribeInstanceRefreshesCommandInput,
} from "@aws-sdk/client-auto-scaling";
import { CloudWatchClient, GetMetricStatisticsCommand } from "@aws-sdk/client-cloudwatch";
import { DescribeSecurityGroupsCommand, EC2Client, type DescribeSecurityGroupsCommandInput } from "@aws-sdk/client-ec2";
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
  type DescribeDBSubnetGroupsCommandInput,
} from "@aws-sdk/client-rds";
import { mockClient } from "aws-sdk-client-mock";
import { DEFAULT_CONFIG } from "../../config/environments";
import { readStackJson, resourcesOf, synthApp } from "../support/synth";
import {
  DATABASE_CA_CERTIFICATE,
  FAILOVER_STEPS,
  RESTORE_STANDBY_FAILOVER_STEPS,
  STANDBY_FAILOVER_STEPS,
  clientConfig,
  parseArgs,
  runFailover,
  runRestoreStandbyFailover,
  runStandbyFailover,
  type FailoverOptions,
  type FailoverWorld,
  type HealthChecks,
  type RestoreStandbyFailoverOptions,
  type StandbyFailoverOptions,
} from "../../tools/failover";

const rds = mockClient(RDSClient);
const efs = mockClient(EFSClient);
const clients = { rds: new RDSClient({ region: "us-west-2" }), efs: new EFSClient({ region: "us-west-2" }) };
const BACKUPS_ARN = "arn:aws:rds:us-west-2:123456789012:auto-backup:ab-replicated";
const LATEST = new Date("2026-11-30T09:50:00Z");
const SYNCED = new Date("2026-11-30T09:45:00Z");

const OPTIONS: FailoverOptions = {
  strategy: "backup-and-restore",
  environment: "prod",
  primaryRegion: "us-east-2",
  recoveryRegion: "us-west-2",
  sourceDatabase: "medicare-hub-prod-db",
  targetDatabase: "medicare-hub-prod-dr-db",
  subnetGroup: "dr-data",
  securityGroupIds: ["sg-0dr"],
  parameterGroup: "dr-postgres17",
  primaryUnreachable: true,
  dryRun: false,
  fromStep: 1,
  timeoutSeconds: 600,
  restoreTimeoutSeconds: 1800,
  intervalSeconds: 30,
};

/** A clock at 10:00 UTC that moves only when the tool sleeps. */
function world(): FailoverWorld & { lines: string[] } {
  let now = Date.parse("2026-11-30T10:00:00Z");
  const lines: string[] = [];
  return { lines, now: () => now, sleep: async (ms) => void (now += ms), log: (line) => void lines.push(line) };
}

beforeEach(() => {
  rds.reset();
  efs.reset();
  rds.on(DescribeDBInstanceAutomatedBackupsCommand).resolves({
    DBInstanceAutomatedBackups: [
      // The primary region's own automated backups are listed too, in other regions' calls: not the copy.
      { DBInstanceIdentifier: "medicare-hub-prod-db", DBInstanceAutomatedBackupsArn: "arn:aws:rds:us-east-2:123456789012:auto-backup:ab-source", Status: "active" },
      { DBInstanceIdentifier: "medicare-hub-prod-db", DBInstanceAutomatedBackupsArn: BACKUPS_ARN, Status: "replicating", RestoreWindow: { LatestTime: LATEST } },
    ],
  });
  efs.on(DescribeReplicationConfigurationsCommand).resolves({
    Replications: [
      { SourceFileSystemId: "fs-primary", SourceFileSystemRegion: "us-east-2", Destinations: [{ FileSystemId: "fs-copy", Region: "us-west-2", Status: "ENABLED", LastReplicatedTimestamp: SYNCED }] } as never,
    ],
  });
  rds.on(RestoreDBInstanceToPointInTimeCommand).resolves({});
  rds.on(DescribeDBInstancesCommand).resolvesOnce({ DBInstances: [{ DBInstanceStatus: "creating" }] }).resolves({ DBInstances: [{ DBInstanceStatus: "available" }] });
  efs.on(DeleteReplicationConfigurationCommand).resolves({});
  efs.on(DescribeFileSystemsCommand).resolvesOnce({ FileSystems: [{ FileSystemProtection: { ReplicationOverwriteProtection: "REPLICATING" } }] as never }).resolves({
    FileSystems: [{ FileSystemProtection: { ReplicationOverwriteProtection: "ENABLED" } }] as never,
  });
});

test("--dry-run checks the copies, prints every later call with its parameters, and changes nothing", async () => {
  const w = world();
  const result = await runFailover({ ...OPTIONS, dryRun: true }, clients, w);
  expect(result.outcome).toBe("dry-run");
  expect(rds.commandCalls(RestoreDBInstanceToPointInTimeCommand)).toHaveLength(0);
  expect(efs.commandCalls(DeleteReplicationConfigurationCommand)).toHaveLength(0);
  expect(w.lines[1]).toBe(`[1/6] check-database-copy: ${BACKUPS_ARN} (replicating), latest restorable time 2026-11-30T09:50:00.000Z: the database loses what was written after it (600 s ago) (0 s)`);
  expect(w.lines[2]).toBe("[2/6] check-file-copy: fs-primary -> fs-copy (ENABLED), last synced 2026-11-30T09:45:00.000Z (900 s ago) (0 s)");
  expect(w.lines[3]).toMatch(/^\[3\/6\] restore-database: would call RestoreDBInstanceToPointInTime \{"SourceDBInstanceAutomatedBackupsArn":"arn:aws:rds:us-west-2:123456789012:auto-backup:ab-replicated","UseLatestRestorableTime":true,"TargetDBInstanceIdentifier":"medicare-hub-prod-dr-db"/);
  expect(w.lines[5]).toBe('[5/6] promote-file-copy: would call DeleteReplicationConfiguration {"SourceFileSystemId":"fs-primary","DeletionMode":"LOCAL_CONFIGURATION_ONLY"} (the copy fs-copy becomes writable) (0 s)');
  expect(w.lines).toHaveLength(8);
});

test("a whole run restores the database as production runs it, promotes the file-system copy, and times each step", async () => {
  const w = world();
  const result = await runFailover(OPTIONS, clients, w);
  expect(result.outcome).toBe("done");
  expect(rds.commandCalls(RestoreDBInstanceToPointInTimeCommand)[0].args[0].input).toEqual({
    SourceDBInstanceAutomatedBackupsArn: BACKUPS_ARN,
    UseLatestRestorableTime: true,
    TargetDBInstanceIdentifier: "medicare-hub-prod-dr-db",
    DBSubnetGroupName: "dr-data",
    VpcSecurityGroupIds: ["sg-0dr"],
    DBParameterGroupName: "dr-postgres17",
    MultiAZ: true,
    EnableIAMDatabaseAuthentication: true,
    DeletionProtection: true,
    CopyTagsToSnapshot: true,
    EnableCloudwatchLogsExports: ["postgresql", "upgrade"],
  });
  expect(efs.commandCalls(DeleteReplicationConfigurationCommand)[0].args[0].input).toEqual({ SourceFileSystemId: "fs-primary", DeletionMode: "LOCAL_CONFIGURATION_ONLY" });
  // One poll each found it not ready: 30 s of waiting measured.
  expect(result.timings).toEqual([
    { step: "check-database-copy", seconds: 0 },
    { step: "check-file-copy", seconds: 0 },
    { step: "restore-database", seconds: 0 },
    { step: "wait-for-database", seconds: 30 },
    { step: "promote-file-copy", seconds: 0 },
    { step: "wait-for-file-copy", seconds: 30 },
  ]);
  expect(w.lines.at(-1)).toMatch(/^Left to do .*fs-copy.*medicare-hub-prod-dr-db/);
});

test("a step that fails halfway stops the run, says where and why and how to resume; the resumed run does not restore twice", async () => {
  efs.on(DeleteReplicationConfigurationCommand).rejectsOnce(Object.assign(new Error("User is not authorized to perform elasticfilesystem:DeleteReplicationConfiguration"), { name: "AccessDeniedException" }));
  const first = await runFailover(OPTIONS, clients, world());
  expect(first).toMatchObject({
    outcome: "failed",
    stoppedAt: "promote-file-copy",
    message: "stopped at step 5 (promote-file-copy): AccessDeniedException: User is not authorized to perform elasticfilesystem:DeleteReplicationConfiguration; steps before it are done; fix the cause, then resume with --from-step 5 and the same flags",
  });
  expect(efs.commandCalls(DescribeFileSystemsCommand)).toHaveLength(0);

  const w = world();
  const resumed = await runFailover({ ...OPTIONS, fromStep: 5 }, clients, w);
  expect(resumed.outcome).toBe("done");
  expect(rds.commandCalls(RestoreDBInstanceToPointInTimeCommand)).toHaveLength(1);
  expect(w.lines.filter((l) => l.includes("skipped (--from-step 5)")).map((l) => l.split(":")[0])).toEqual(["[3/6] restore-database", "[4/6] wait-for-database"]);
});

test("a database that never becomes available times out at --restore-timeout (not --timeout), naming it", async () => {
  rds.on(DescribeDBInstancesCommand).resolves({ DBInstances: [{ DBInstanceStatus: "creating" }] });
  const result = await runFailover({ ...OPTIONS, timeoutSeconds: 60, restoreTimeoutSeconds: 90 }, clients, world());
  expect(result).toMatchObject({ outcome: "failed", stoppedAt: "wait-for-database", message: expect.stringContaining("medicare-hub-prod-dr-db available not reached within 90 s") });
});

test("a restore RDS gives up on stops the wait at once, naming the status, instead of waiting out --timeout", async () => {
  rds.on(DescribeDBInstancesCommand).resolves({ DBInstances: [{ DBInstanceStatus: "incompatible-restore" }] });
  const result = await runFailover(OPTIONS, clients, world());
  expect(result).toMatchObject({
    outcome: "failed",
    stoppedAt: "wait-for-database",
    message: expect.stringContaining("stopped at step 4 (wait-for-database): medicare-hub-prod-dr-db is incompatible-restore: RDS will not make it available by itself"),
  });
  expect(result.timings.find((t) => t.step === "wait-for-database")).toBeUndefined();
  expect(rds.commandCalls(DescribeDBInstancesCommand)).toHaveLength(1);
});

test("a throttled or failed poll is polled again within the same --timeout; one that keeps failing times out naming the last error", async () => {
  const throttled = Object.assign(new Error("Rate exceeded"), { name: "Throttling", $metadata: { httpStatusCode: 400 } });
  const unavailable = Object.assign(new Error("Service Unavailable"), { name: "InternalFailure", $metadata: { httpStatusCode: 503 } });
  rds.on(DescribeDBInstancesCommand).rejectsOnce(throttled).rejectsOnce(unavailable).resolves({ DBInstances: [{ DBInstanceStatus: "available" }] });
  const w = world();
  const result = await runFailover(OPTIONS, clients, w);
  expect(result.outcome).toBe("done");
  expect(result.timings.find((t) => t.step === "wait-for-database")).toEqual({ step: "wait-for-database", seconds: 60 });
  expect(w.lines.filter((l) => l.includes("polling again"))).toEqual([
    "  medicare-hub-prod-dr-db available: Throttling: Rate exceeded; polling again",
    "  medicare-hub-prod-dr-db available: InternalFailure: Service Unavailable; polling again",
  ]);

  rds.on(DescribeDBInstancesCommand).rejects(throttled);
  const stuck = await runFailover({ ...OPTIONS, fromStep: 4, restoreTimeoutSeconds: 90 }, clients, world());
  expect(stuck.message).toContain("medicare-hub-prod-dr-db available not reached within 90 s (last poll: Throttling: Rate exceeded)");
  // A refusal is not transient: it ends the step at once.
  rds.on(DescribeDBInstancesCommand).rejects(Object.assign(new Error("not authorized to perform rds:DescribeDBInstances"), { name: "AccessDenied", $metadata: { httpStatusCode: 403 } }));
  const denied = await runFailover({ ...OPTIONS, fromStep: 4 }, clients, world());
  expect(denied.message).toContain("stopped at step 4 (wait-for-database): AccessDenied: not authorized to perform rds:DescribeDBInstances");
});

test("every SDK client times out a hung call after 30 s (the SDK sets no request timeout of its own)", () => {
  expect(clientConfig("us-west-2")).toEqual({ region: "us-west-2", requestHandler: { requestTimeout: 30_000, connectionTimeout: 5_000 } });
});

test("no replicated backups in the recovery region: the first check fails and nothing is changed", async () => {
  rds.on(DescribeDBInstanceAutomatedBackupsCommand).resolves({ DBInstanceAutomatedBackups: [] });
  const result = await runFailover(OPTIONS, clients, world());
  expect(result).toMatchObject({ outcome: "failed", stoppedAt: "check-database-copy" });
  expect(result.message).toContain("no replicated automated backups of medicare-hub-prod-db in us-west-2");
  expect(rds.commandCalls(RestoreDBInstanceToPointInTimeCommand)).toHaveLength(0);
});

describe("which replicated backups are the primary's", () => {
  // Retained backups of an older instance that had the same identifier stay listed for their retention period.
  const retained = {
    DBInstanceIdentifier: "medicare-hub-prod-db",
    DbiResourceId: "db-OLDINSTANCE0000000000000",
    DBInstanceAutomatedBackupsArn: "arn:aws:rds:us-west-2:123456789012:auto-backup:ab-retained",
    Status: "retained",
    RestoreWindow: { LatestTime: new Date("2026-11-20T04:00:00Z") },
  };
  const current = { DBInstanceIdentifier: "medicare-hub-prod-db", DbiResourceId: "db-PRIMARY00000000000000000", DBInstanceAutomatedBackupsArn: BACKUPS_ARN, Status: "replicating", RestoreWindow: { LatestTime: LATEST } };

  test("a retained set of the same identifier, listed first, is passed over for the one replicating", async () => {
    rds.on(DescribeDBInstanceAutomatedBackupsCommand).resolves({ DBInstanceAutomatedBackups: [retained, current] });
    const result = await runFailover(OPTIONS, clients, world());
    expect(result.outcome).toBe("done");
    expect(rds.commandCalls(RestoreDBInstanceToPointInTimeCommand)[0].args[0].input.SourceDBInstanceAutomatedBackupsArn).toBe(BACKUPS_ARN);
  });

  test("two sets replicating are refused, newest first, until --source-resource-id names one", async () => {
    const other = { ...current, DbiResourceId: "db-SECOND000000000000000000", DBInstanceAutomatedBackupsArn: "arn:aws:rds:us-west-2:123456789012:auto-backup:ab-second", RestoreWindow: { LatestTime: new Date("2026-11-30T09:55:00Z") } };
    rds.on(DescribeDBInstanceAutomatedBackupsCommand).resolves({ DBInstanceAutomatedBackups: [current, other] });
    const refused = await runFailover(OPTIONS, clients, world());
    expect(refused).toMatchObject({ outcome: "failed", stoppedAt: "check-database-copy" });
    expect(refused.message).toContain(
      "2 sets of replicated backups of medicare-hub-prod-db in us-west-2, newest first: db-SECOND000000000000000000 (replicating, restorable until 2026-11-30T09:55:00.000Z), " +
        "db-PRIMARY00000000000000000 (replicating, restorable until 2026-11-30T09:50:00.000Z); name the source instance's with --source-resource-id",
    );
    expect(rds.commandCalls(RestoreDBInstanceToPointInTimeCommand)).toHaveLength(0);
    const chosen = await runFailover({ ...OPTIONS, sourceResourceId: "db-PRIMARY00000000000000000" }, clients, world());
    expect(chosen.outcome).toBe("done");
    expect(rds.commandCalls(RestoreDBInstanceToPointInTimeCommand)[0].args[0].input.SourceDBInstanceAutomatedBackupsArn).toBe(BACKUPS_ARN);
  });

  test("only retained sets: refused, saying what there is", async () => {
    rds.on(DescribeDBInstanceAutomatedBackupsCommand).resolves({ DBInstanceAutomatedBackups: [retained] });
    const result = await runFailover(OPTIONS, clients, world());
    expect(result.message).toContain(
      "no replicated backups of medicare-hub-prod-db in us-west-2 are replicating; there are db-OLDINSTANCE0000000000000 (retained, restorable until 2026-11-20T04:00:00.000Z): " +
        "if one of them is the source's, name it with --source-resource-id",
    );
  });
});

describe("command line", () => {
  // The rungs are set here, whatever prod's committed strategy is: the tests are about the command line.
  const prod = DEFAULT_CONFIG.environments.prod;
  const environments = { dev: DEFAULT_CONFIG.environments.dev, prod: { ...prod, recovery: { strategy: "backup-and-restore" as const, region: "us-west-2" } } };
  test("names the database and the regions from the configuration", () => {
    expect(parseArgs(["--env", "prod", "--dry-run"], environments)).toMatchObject({
      strategy: "backup-and-restore",
      primaryRegion: "us-east-2",
      recoveryRegion: "us-west-2",
      sourceDatabase: "medicare-hub-prod-db",
      targetDatabase: "medicare-hub-prod-dr-db",
      primaryUnreachable: false,
      fromStep: 1,
      timeoutSeconds: 3600,
      // A restore of prod's volume, with its transaction logs replayed, is measured in hours.
      restoreTimeoutSeconds: 14400,
    });
    expect(parseArgs(["--env", "prod", "--dry-run", "--restore-timeout", "21600"], environments)).toMatchObject({ restoreTimeoutSeconds: 21600 });
  });
  test.each([
    [["--dry-run"], /--env is required/],
    [["--env", "dev", "--dry-run"], /recovery.strategy is "off"/],
    [["--env", "prod"], /--db-subnet-group and --security-group are required to restore/],
    [["--env", "prod", "--dry-run", "--from-step", "7"], /--from-step takes a whole number from 1 to 6, got "7"/],
    [["--env", "qa", "--dry-run"], /unknown environment "qa"/],
  ])("refuses %j", (argv, message) => {
    expect(() => parseArgs(argv, environments)).toThrow(message);
  });
  test("has one step per documented step", () => {
    expect([...FAILOVER_STEPS]).toEqual(["check-database-copy", "check-file-copy", "restore-database", "wait-for-database", "promote-file-copy", "wait-for-file-copy"]);
  });
});

// One mock per client class for the whole file: the standby blocks reset and program them.
const autoScaling = mockClient(AutoScalingClient);
const elb = mockClient(ElasticLoadBalancingV2Client);
const cloudWatch = mockClient(CloudWatchClient);
const ec2 = mockClient(EC2Client);
const TARGET_GROUP_ARN = "arn:aws:elasticloadbalancing:us-west-2:123456789012:targetgroup/medicare-hub-prod-dr-app-https/0123456789abcdef";
const target = (state: string) => ({ Target: { Id: "i-0" }, TargetHealth: { State: state } }) as never;

/** Route 53's health checks as the fake keeps them, tagged as constructs/dns.ts tags them; updates in order. */
interface Route53 {
  checks: { id: string; name: string; resourcePath: string; version: number }[];
  updates: { id: string; resourcePath: string; version: number }[];
  /** Of 16 checkers, how many report success at each GetHealthCheckStatus of a check, in turn (the last one repeats). */
  healthyCheckers: Record<string, number[]>;
}
let route53: Route53;
beforeEach(() => {
  route53 = {
    checks: [
      { id: "hc-primary-alb", name: "medicare-hub-prod-alb-health", resourcePath: "/health", version: 1 },
      { id: "hc-primary-deep", name: "medicare-hub-prod-app-deep-health", resourcePath: "/health/deep", version: 1 },
      { id: "hc-standby-alb", name: "medicare-hub-prod-dr-alb-health", resourcePath: "/health/deep", version: 1 },
    ],
    updates: [],
    // The standby's deep check: failing at the first read (2 of 16 is 12.5 %, not more than 18 %), then passing.
    healthyCheckers: { "hc-standby-alb": [2, 16] },
  };
});
const fakeRoute53: HealthChecks = {
  named: async (name) => route53.checks.filter((c) => c.name === name).map(({ id, resourcePath, version }) => ({ id, resourcePath, version })),
  setResourcePath: async (id, resourcePath, version) => {
    const check = route53.checks.find((c) => c.id === id);
    if (!check) throw Object.assign(new Error(`No health check with ID ${id}`), { name: "NoSuchHealthCheck" });
    if (check.version !== version) throw Object.assign(new Error("The value of HealthCheckVersion in the request doesn't match"), { name: "HealthCheckVersionMismatch" });
    route53.updates.push({ id, resourcePath, version });
    Object.assign(check, { resourcePath, version: version + 1 });
  },
  status: async (id) => {
    const queue = route53.healthyCheckers[id] ?? [16];
    return { healthy: (queue.length > 1 ? queue.shift() : queue[0]) as number, checkers: 16 };
  },
};
const standbyClients = () => ({
  ...clients,
  route53: fakeRoute53,
  autoScaling: new AutoScalingClient({ region: "us-west-2" }),
  elb: new ElasticLoadBalancingV2Client({ region: "us-west-2" }),
  cloudWatch: new CloudWatchClient({ region: "us-west-2" }),
  ec2: new EC2Client({ region: "us-west-2" }),
});

describe('pilot-light and warm-standby, recovery.database "replica": promote the standby\'s data, then scale it up', () => {
  const REPLICA = {
    DBInstanceIdentifier: "medicare-hub-prod-dr-db",
    DBInstanceStatus: "available",
    ReadReplicaSourceDBInstanceIdentifier: "arn:aws:rds:us-east-2:123456789012:db:medicare-hub-prod-db",
    StatusInfos: [{ StatusType: "read replication", Status: "replicating", Normal: true }],
  };
  const PROMOTED = { DBInstanceIdentifier: "medicare-hub-prod-dr-db", DBInstanceStatus: "available" };
  const STANDBY: StandbyFailoverOptions = {
    strategy: "warm-standby",
    databaseMode: "replica",
    environment: "prod",
    primaryRegion: "us-east-2",
    recoveryRegion: "us-west-2",
    sourceDatabase: "medicare-hub-prod-db",
    replica: "medicare-hub-prod-dr-db",
    backupRetentionDays: 35,
    backupWindow: "03:00-03:30",
    appGroup: "medicare-hub-prod-dr-app",
    targetGroup: "medicare-hub-prod-dr-app-https",
    capacity: { min: 3, desired: 3, max: 9 },
    primaryUnreachable: true,
    dryRun: false,
    fromStep: 1,
    timeoutSeconds: 600,
    intervalSeconds: 30,
  };

  beforeEach(() => {
    for (const mock of [autoScaling, elb, cloudWatch, ec2]) mock.reset();
    rds.reset();
    rds.on(DescribeDBInstancesCommand).resolvesOnce({ DBInstances: [REPLICA] }).resolvesOnce({ DBInstances: [{ ...REPLICA, DBInstanceStatus: "modifying" }] }).resolves({ DBInstances: [PROMOTED] });
    rds.on(PromoteReadReplicaCommand).resolves({});
    cloudWatch.on(GetMetricStatisticsCommand).resolves({
      Datapoints: [
        { Timestamp: new Date("2026-11-30T09:57:00Z"), Maximum: 4 },
        { Timestamp: new Date("2026-11-30T09:58:00Z"), Maximum: 7 },
      ],
    });
    autoScaling.on(DescribeAutoScalingGroupsCommand).resolves({
      AutoScalingGroups: [
        {
          AutoScalingGroupName: "medicare-hub-prod-dr-app",
          MinSize: 3,
          DesiredCapacity: 3,
          MaxSize: 3,
          TargetGroupARNs: [TARGET_GROUP_ARN],
          Instances: [{ LifecycleState: "InService" }, { LifecycleState: "InService" }, { LifecycleState: "InService" }],
        } as never,
      ],
    });
    autoScaling.on(UpdateAutoScalingGroupCommand).resolves({});
    elb.on(DescribeTargetHealthCommand).resolvesOnce({ TargetHealthDescriptions: [target("healthy"), target("initial")] }).resolves({ TargetHealthDescriptions: [target("healthy"), target("healthy"), target("healthy")] });
  });

  test("--dry-run reads the replica's lag, the copy and the group, prints every later call, and changes nothing", async () => {
    const w = world();
    const result = await runStandbyFailover({ ...STANDBY, dryRun: true }, standbyClients(), w);
    expect(result.outcome).toBe("dry-run");
    for (const [mock, command] of [[rds, PromoteReadReplicaCommand], [autoScaling, UpdateAutoScalingGroupCommand], [efs, DeleteReplicationConfigurationCommand]] as const) {
      expect(mock.commandCalls(command as never)).toHaveLength(0);
    }
    expect(cloudWatch.commandCalls(GetMetricStatisticsCommand)[0].args[0].input).toMatchObject({
      Namespace: "AWS/RDS",
      MetricName: "ReplicaLag",
      Dimensions: [{ Name: "DBInstanceIdentifier", Value: "medicare-hub-prod-dr-db" }],
      StartTime: new Date("2026-11-30T09:55:00Z"),
      EndTime: new Date("2026-11-30T10:00:00Z"),
      Statistics: ["Maximum"],
    });
    expect(w.lines.slice(1, 12).map((l) => l.split(":")[0])).toEqual(STANDBY_FAILOVER_STEPS.map((step, i) => `[${i + 1}/11] ${step}`));
    expect(w.lines[1]).toBe(
      "[1/11] check-replica: medicare-hub-prod-dr-db replicates arn:aws:rds:us-east-2:123456789012:db:medicare-hub-prod-db (available, replication replicating); " +
        "ReplicaLag maximum 7 s over the last 5 minutes: expected data loss, the primary's last 7 s of commits at most (the lag also grows while the primary is silent or gone) (0 s)",
    );
    expect(w.lines[3]).toBe("[3/11] check-standby-group: medicare-hub-prod-dr-app: min 3, desired 3, max 3, 3 in service; registered in medicare-hub-prod-dr-app-https (0 s)");
    expect(w.lines[4]).toBe(
      '[4/11] fence-primary: would call UpdateHealthCheck {"HealthCheckId":"hc-primary-alb","HealthCheckVersion":1,"ResourcePath":"/fenced-by-failover"} ' +
        "(Route 53, global; medicare-hub-prod-alb-health requests /health now) (0 s)",
    );
    expect(route53.updates).toEqual([]);
    expect(w.lines[5]).toBe('[5/11] promote-database: would call PromoteReadReplica {"DBInstanceIdentifier":"medicare-hub-prod-dr-db","BackupRetentionPeriod":35,"PreferredBackupWindow":"03:00-03:30"} (0 s)');
    expect(w.lines[9]).toBe('[9/11] scale-app: would call UpdateAutoScalingGroup {"AutoScalingGroupName":"medicare-hub-prod-dr-app","MinSize":3,"DesiredCapacity":3,"MaxSize":9} (0 s)');
  });

  test("a whole run promotes the database, scales only once both stores are writable, and times each step", async () => {
    const seen: Record<string, number> = {};
    autoScaling.on(UpdateAutoScalingGroupCommand).callsFake(() => {
      seen.promotionsBeforeScaling = rds.commandCalls(PromoteReadReplicaCommand).length;
      seen.fileCopiesPromotedBeforeScaling = efs.commandCalls(DeleteReplicationConfigurationCommand).length;
    });
    const w = world();
    const result = await runStandbyFailover(STANDBY, standbyClients(), w);
    expect(result).toMatchObject({ outcome: "done", message: "prod runs in us-west-2: database medicare-hub-prod-dr-db, files fs-copy, 3 instances" });
    expect(seen).toEqual({ promotionsBeforeScaling: 1, fileCopiesPromotedBeforeScaling: 1 });
    expect(route53.updates).toEqual([{ id: "hc-primary-alb", resourcePath: "/fenced-by-failover", version: 1 }]);
    expect(rds.commandCalls(PromoteReadReplicaCommand)[0].args[0].input).toEqual({ DBInstanceIdentifier: "medicare-hub-prod-dr-db", BackupRetentionPeriod: 35, PreferredBackupWindow: "03:00-03:30" });
    expect(efs.commandCalls(DeleteReplicationConfigurationCommand)[0].args[0].input).toEqual({ SourceFileSystemId: "fs-primary", DeletionMode: "LOCAL_CONFIGURATION_ONLY" });
    expect(autoScaling.commandCalls(UpdateAutoScalingGroupCommand)[0].args[0].input).toEqual({ AutoScalingGroupName: "medicare-hub-prod-dr-app", MinSize: 3, DesiredCapacity: 3, MaxSize: 9 });
    expect(elb.commandCalls(DescribeTargetHealthCommand)[0].args[0].input).toEqual({ TargetGroupArn: TARGET_GROUP_ARN });
    // The database read "modifying" once, the copy "REPLICATING" once, the targets 1 of 3 healthy once: 30 s each.
    expect(result.timings.map((t) => `${t.step} ${t.seconds}`)).toEqual([
      "check-replica 0",
      "check-file-copy 0",
      "check-standby-group 0",
      "fence-primary 0",
      "promote-database 0",
      "wait-for-database 30",
      "promote-file-copy 0",
      "wait-for-file-copy 30",
      "scale-app 0",
      "wait-for-health 30",
      "wait-for-dns 30",
    ]);
    expect(w.lines[10]).toBe("[10/11] wait-for-health: 3 healthy targets in medicare-hub-prod-dr-app-https: Route 53 sends users here once the standby's health check passes (30 s)");
    // The targets' check is the shallow path: done only once Route 53's own checkers pass the standby's deep one.
    expect(w.lines[11]).toBe(
      "[11/11] wait-for-dns: 16 of 16 Route 53 checkers find hc-standby-alb (medicare-hub-prod-dr-alb-health) healthy: Route 53 answers the domain with us-west-2's load balancer (30 s)",
    );
    expect(w.lines.at(-1)).toMatch(/^Left to do .*medicare-hub-prod-dr-db has the primary's users and master password.*npm run failback -- --env prod/);
  });

  test("promote-database failing stops the run at step 5 with what to run next; --from-step 5 checks again and promotes", async () => {
    // RDS's side: a replica until a promotion succeeds, then promoted after one read of "modifying".
    let promoted = false;
    let readsSincePromotion = 0;
    rds.on(DescribeDBInstancesCommand).callsFake(() => ({ DBInstances: [!promoted ? REPLICA : readsSincePromotion++ ? PROMOTED : { ...REPLICA, DBInstanceStatus: "modifying" }] }));
    rds
      .on(PromoteReadReplicaCommand)
      .rejectsOnce(Object.assign(new Error("DB instance medicare-hub-prod-dr-db is not in available state"), { name: "InvalidDBInstanceStateFault" }))
      .callsFake(() => void (promoted = true));
    const first = await runStandbyFailover(STANDBY, standbyClients(), world());
    expect(first).toMatchObject({
      outcome: "failed",
      stoppedAt: "promote-database",
      message:
        "stopped at step 5 (promote-database): InvalidDBInstanceStateFault: DB instance medicare-hub-prod-dr-db is not in available state; " +
        "steps before it are done; fix the cause, then resume with --from-step 5 and the same flags",
    });
    expect(efs.commandCalls(DeleteReplicationConfigurationCommand)).toHaveLength(0);
    expect(autoScaling.commandCalls(UpdateAutoScalingGroupCommand)).toHaveLength(0);

    const resumed = await runStandbyFailover({ ...STANDBY, fromStep: 5 }, standbyClients(), world());
    expect(resumed.outcome).toBe("done");
    expect(rds.commandCalls(PromoteReadReplicaCommand)).toHaveLength(2);
    expect(autoScaling.commandCalls(UpdateAutoScalingGroupCommand)).toHaveLength(1);
  });

  test("a run resumed past the promotion accepts the standalone instance; a fresh run refuses it and says where to resume", async () => {
    rds.on(DescribeDBInstancesCommand).resolves({ DBInstances: [PROMOTED] });
    const w = world();
    expect((await runStandbyFailover({ ...STANDBY, fromStep: 7 }, standbyClients(), w)).outcome).toBe("done");
    expect(w.lines[1]).toBe("[1/11] check-replica: medicare-hub-prod-dr-db is already a standalone instance (available): promoted by the run this one resumes (0 s)");
    const fresh = await runStandbyFailover(STANDBY, standbyClients(), world());
    expect(fresh).toMatchObject({ outcome: "failed", stoppedAt: "check-replica", message: expect.stringContaining("if a run promoted it already, resume with --from-step 6") });
  });

  test("scale-app failing after the copy was promoted: the resumed run finds no replication and goes on", async () => {
    efs.on(DeleteReplicationConfigurationCommand).callsFake(() => void efs.on(DescribeReplicationConfigurationsCommand).rejects(Object.assign(new Error("Replication does not exist"), { name: "ReplicationNotFound" })));
    autoScaling.on(UpdateAutoScalingGroupCommand).rejectsOnce(Object.assign(new Error("Rate exceeded"), { name: "Throttling" })).resolves({});
    const first = await runStandbyFailover({ ...STANDBY, fileSystemId: "fs-primary" }, standbyClients(), world());
    expect(first).toMatchObject({ outcome: "failed", stoppedAt: "scale-app", message: expect.stringContaining("resume with --from-step 9 and the same flags") });
    rds.on(DescribeDBInstancesCommand).resolves({ DBInstances: [PROMOTED] });
    const w = world();
    const resumed = await runStandbyFailover({ ...STANDBY, fileSystemId: "fs-primary", fromStep: 9 }, standbyClients(), w);
    expect(resumed.outcome).toBe("done");
    expect(w.lines[2]).toBe("[2/11] check-file-copy: no replication left: deleted by the run this one resumes (the copy: unknown, give --recovery-file-system-id to wait for it) (0 s)");
    expect(efs.commandCalls(DeleteReplicationConfigurationCommand)).toHaveLength(1);
  });

  test("a standby Route 53 never finds healthy times out at --timeout, naming the health check; the dry run only says what it would wait for", async () => {
    route53.healthyCheckers = { "hc-standby-alb": [2] };
    const result = await runStandbyFailover({ ...STANDBY, timeoutSeconds: 60 }, standbyClients(), world());
    expect(result).toMatchObject({ outcome: "failed", stoppedAt: "wait-for-dns", message: expect.stringContaining("Route 53 health check hc-standby-alb (medicare-hub-prod-dr-alb-health) healthy not reached within 60 s") });
    rds.reset();
    rds.on(DescribeDBInstancesCommand).resolves({ DBInstances: [REPLICA] });
    const w = world();
    await runStandbyFailover({ ...STANDBY, dryRun: true }, standbyClients(), w);
    expect(w.lines[11]).toBe("[11/11] wait-for-dns: would wait until Route 53's checkers find hc-standby-alb (medicare-hub-prod-dr-alb-health) healthy: more than 18 % of them (up to 600 s) (0 s)");
  });

  test("targets that never become healthy time out at --timeout, naming the target group", async () => {
    elb.on(DescribeTargetHealthCommand).resolves({ TargetHealthDescriptions: [target("unhealthy")] });
    const result = await runStandbyFailover({ ...STANDBY, timeoutSeconds: 60 }, standbyClients(), world());
    expect(result).toMatchObject({ outcome: "failed", stoppedAt: "wait-for-health", message: expect.stringContaining("3 healthy targets in medicare-hub-prod-dr-app-https not reached within 60 s") });
  });
});

describe('pilot-light and warm-standby, recovery.database "restore": restore into the standing target, then scale and refresh', () => {
  const DB_ARN_PREFIX = "arn:aws:rds:us-west-2:123456789012";
  const RESTORE: RestoreStandbyFailoverOptions = {
    strategy: "warm-standby",
    databaseMode: "restore",
    environment: "prod",
    primaryRegion: "us-east-2",
    recoveryRegion: "us-west-2",
    sourceDatabase: "medicare-hub-prod-db",
    targetDatabase: "medicare-hub-prod-dr-db",
    subnetGroup: "medicare-hub-prod-dr-db",
    parameterGroup: "medicare-hub-prod-dr-db-postgres17",
    securityGroupName: "medicare-hub-prod-dr-database",
    securityGroupId: undefined,
    monitoringRoleName: "medicare-hub-prod-dr-db-monitoring",
    keyAlias: "alias/medicare-hub-prod-dr-database",
    settings: {
      instanceClass: "db.m6g.large",
      multiAz: true,
      deletionProtection: true,
      backupRetentionDays: 35,
      backupWindow: "03:00-03:30",
      maintenanceWindow: "sun:04:30-sun:05:30",
      maxAllocatedStorageGib: 1000,
      monitoringIntervalSeconds: 15,
      performanceInsightsRetentionDays: 7,
    },
    tags: { Project: "medicare-hub", Environment: "prod", ManagedBy: "cdktf", CostCenter: "medicare-hub-prod", Name: "medicare-hub-prod-dr-db", DataClassification: "PHI" },
    appGroup: "medicare-hub-prod-dr-app",
    targetGroup: "medicare-hub-prod-dr-app-https",
    capacity: { min: 3, desired: 3, max: 9 },
    fileSystemId: undefined,
    recoveryFileSystemId: undefined,
    primaryUnreachable: true,
    dryRun: false,
    fromStep: 1,
    timeoutSeconds: 3600,
    restoreTimeoutSeconds: 14400,
    intervalSeconds: 30,
  };

  /** The recovery region as the fake's reads report it; the mutating calls change it the way AWS would. */
  interface Region {
    now: number;
    /** The restored instance: created at, whether it has been read once since (it reads "creating" first), its secret. */
    db?: { createdAt: Date; read: boolean; secret: boolean };
    inService: number;
    refresh?: { id: string; startedAt: Date; status: string };
    /** Order of events, to check what happened before what. */
    events: string[];
  }
  let aws: Region;
  const at = () => new Date(aws.now);
  /** A clock at 10:00 UTC that moves only when the tool sleeps; the fake reads it too. */
  const clock = (): FailoverWorld & { lines: string[] } => {
    const lines: string[] = [];
    return { lines, now: () => aws.now, sleep: async (ms) => void (aws.now += ms), log: (line) => void lines.push(line) };
  };
  const notFound = (name: string, message: string) => Object.assign(new Error(message), { name });

  beforeEach(() => {
    for (const mock of [autoScaling, elb, cloudWatch, ec2]) mock.reset();
    rds.reset();
    aws = { now: Date.parse("2026-11-30T10:00:00Z"), inService: 3, events: [] };
    rds.on(DescribeDBInstanceAutomatedBackupsCommand).resolves({
      DBInstanceAutomatedBackups: [{ DBInstanceIdentifier: "medicare-hub-prod-db", DBInstanceAutomatedBackupsArn: BACKUPS_ARN, Status: "replicating", RestoreWindow: { LatestTime: LATEST } }],
    });
    rds.on(DescribeDBSubnetGroupsCommand).callsFake((input: DescribeDBSubnetGroupsCommandInput) => {
      if (input.DBSubnetGroupName !== "medicare-hub-prod-dr-db") throw notFound("DBSubnetGroupNotFoundFault", `DBSubnetGroup ${input.DBSubnetGroupName} not found.`);
      return {
        DBSubnetGroups: [
          {
            DBSubnetGroupName: "medicare-hub-prod-dr-db",
            VpcId: "vpc-0dr",
            Subnets: ["us-west-2a", "us-west-2b", "us-west-2c"].map((az) => ({ SubnetIdentifier: `subnet-${az}`, SubnetAvailabilityZone: { Name: az } })),
          },
        ],
      };
    });
    rds.on(DescribeDBParameterGroupsCommand).resolves({ DBParameterGroups: [{ DBParameterGroupName: "medicare-hub-prod-dr-db-postgres17", DBParameterGroupFamily: "postgres17" }] });
    rds.on(DescribeDBInstancesCommand).callsFake(() => {
      const db = aws.db;
      if (!db) throw notFound("DBInstanceNotFoundFault", "DBInstance medicare-hub-prod-dr-db not found.");
      const status = db.read ? "available" : "creating";
      db.read = true;
      if (status === "available" && !aws.events.includes("database available")) aws.events.push("database available");
      return {
        DBInstances: [
          {
            DBInstanceIdentifier: "medicare-hub-prod-dr-db",
            DBInstanceArn: `${DB_ARN_PREFIX}:db:medicare-hub-prod-dr-db`,
            DBInstanceStatus: status,
            InstanceCreateTime: db.createdAt,
            MasterUserSecret: db.secret ? { SecretArn: "arn:aws:secretsmanager:us-west-2:123456789012:secret:rds!db-0123", SecretStatus: "active" } : undefined,
          },
        ],
      };
    });
    rds.on(RestoreDBInstanceToPointInTimeCommand).callsFake(() => {
      aws.events.push("restore");
      aws.db = { createdAt: at(), read: false, secret: false };
      return {};
    });
    rds.on(ModifyDBInstanceCommand).callsFake(() => {
      aws.events.push("configure");
      if (aws.db) aws.db.secret = true;
      return {};
    });
    ec2.on(DescribeSecurityGroupsCommand).callsFake((input: DescribeSecurityGroupsCommandInput) => {
      const wanted = JSON.stringify(input.Filters) === JSON.stringify([{ Name: "group-name", Values: ["medicare-hub-prod-dr-database"] }, { Name: "vpc-id", Values: ["vpc-0dr"] }]);
      return { SecurityGroups: wanted ? [{ GroupId: "sg-0database", GroupName: "medicare-hub-prod-dr-database", VpcId: "vpc-0dr" }] : [] };
    });
    efs.on(DeleteReplicationConfigurationCommand).callsFake(() => void aws.events.push("files promoted"));
    autoScaling.on(DescribeAutoScalingGroupsCommand).callsFake(() => ({
      AutoScalingGroups: [
        {
          AutoScalingGroupName: "medicare-hub-prod-dr-app",
          MinSize: aws.inService,
          DesiredCapacity: aws.inService,
          MaxSize: 9,
          TargetGroupARNs: [TARGET_GROUP_ARN],
          Instances: Array.from({ length: aws.inService }, () => ({ LifecycleState: "InService" })),
        } as never,
      ],
    }));
    autoScaling.on(UpdateAutoScalingGroupCommand).callsFake(() => void aws.events.push("scaled"));
    autoScaling.on(StartInstanceRefreshCommand).callsFake(() => {
      aws.events.push("refresh started");
      aws.refresh = { id: "refresh-0001", startedAt: at(), status: "InProgress" };
      return { InstanceRefreshId: "refresh-0001" };
    });
    autoScaling.on(DescribeInstanceRefreshesCommand).callsFake((input: DescribeInstanceRefreshesCommandInput) => {
      const refresh = aws.refresh;
      if (!refresh) return { InstanceRefreshes: [] };
      const answer = { InstanceRefreshes: [{ InstanceRefreshId: refresh.id, AutoScalingGroupName: "medicare-hub-prod-dr-app", Status: refresh.status as never, StartTime: refresh.startedAt }] };
      // Read by id, a running refresh is found one poll later Successful.
      if (input.InstanceRefreshIds && refresh.status === "InProgress") refresh.status = "Successful";
      return answer;
    });
    elb.on(DescribeTargetHealthCommand).resolvesOnce({ TargetHealthDescriptions: [target("healthy"), target("initial")] }).resolves({ TargetHealthDescriptions: [target("healthy"), target("healthy"), target("healthy")] });
  });

  /** The calls that change something, by API, in the order each client saw them. */
  const mutations = () =>
    [rds, efs, autoScaling]
      .flatMap((mock) => mock.calls().map((call) => (call.args[0] as { constructor: { name: string } }).constructor.name.replace(/Command$/, "")))
      .filter((name) => !/^Describe/.test(name));

  test("--dry-run checks the copies and the restore target, prints every later call with its parameters, and changes nothing", async () => {
    const w = clock();
    const result = await runRestoreStandbyFailover({ ...RESTORE, dryRun: true }, standbyClients(), w);
    expect(result.outcome).toBe("dry-run");
    expect(mutations()).toEqual([]);
    expect(w.lines[0]).toBe("Dry run of the failover of prod (warm-standby, database restored): us-east-2 -> us-west-2");
    expect(w.lines.slice(1, 15).map((l) => l.split(":")[0])).toEqual(RESTORE_STANDBY_FAILOVER_STEPS.map((step, i) => `[${i + 1}/14] ${step}`));
    const said = (step: string) => w.lines.find((l) => l.includes(`] ${step}: `)) as string;
    const call = (step: string, api: string) => JSON.parse(said(step).replace(new RegExp(`^.*would call ${api} (\\{.*\\})(, then .*)? \\(0 s\\)$`), "$1"));
    expect(said("check-restore-target")).toBe(
      "[3/14] check-restore-target: subnet group medicare-hub-prod-dr-db (vpc-0dr, us-west-2a, us-west-2b, us-west-2c); parameter group medicare-hub-prod-dr-db-postgres17; " +
        "security group sg-0database (medicare-hub-prod-dr-database) (0 s)",
    );
    expect(call("restore-database", "RestoreDBInstanceToPointInTime")).toMatchObject({ SourceDBInstanceAutomatedBackupsArn: BACKUPS_ARN, TargetDBInstanceIdentifier: "medicare-hub-prod-dr-db", VpcSecurityGroupIds: ["sg-0database"] });
    expect(call("configure-database", "ModifyDBInstance")).toEqual({
      DBInstanceIdentifier: "medicare-hub-prod-dr-db",
      ManageMasterUserPassword: true,
      MasterUserSecretKmsKeyId: "alias/medicare-hub-prod-dr-database",
      MonitoringInterval: 15,
      MonitoringRoleArn: "arn:aws:iam::123456789012:role/medicare-hub-prod-dr-db-monitoring",
      EnablePerformanceInsights: true,
      PerformanceInsightsKMSKeyId: "alias/medicare-hub-prod-dr-database",
      PerformanceInsightsRetentionPeriod: 7,
      PreferredMaintenanceWindow: "sun:04:30-sun:05:30",
      ApplyImmediately: true,
    });
    expect(call("scale-app", "UpdateAutoScalingGroup")).toEqual({ AutoScalingGroupName: "medicare-hub-prod-dr-app", MinSize: 3, DesiredCapacity: 3, MaxSize: 9 });
    expect(call("refresh-standby-instances", "StartInstanceRefresh")).toEqual({
      AutoScalingGroupName: "medicare-hub-prod-dr-app",
      Strategy: "Rolling",
      Preferences: { MinHealthyPercentage: 100, MaxHealthyPercentage: 200, SkipMatching: false, AutoRollback: false },
    });
  });

  test("a whole run restores the database as the primary is configured, into what Terraform built, and times each step", async () => {
    const w = clock();
    const result = await runRestoreStandbyFailover(RESTORE, standbyClients(), w);
    expect(result).toMatchObject({ outcome: "done", message: "prod runs in us-west-2: database medicare-hub-prod-dr-db, files fs-copy, 3 instances" });
    expect(rds.commandCalls(RestoreDBInstanceToPointInTimeCommand)[0].args[0].input).toEqual({
      SourceDBInstanceAutomatedBackupsArn: BACKUPS_ARN,
      UseLatestRestorableTime: true,
      TargetDBInstanceIdentifier: "medicare-hub-prod-dr-db",
      DBInstanceClass: "db.m6g.large",
      DBSubnetGroupName: "medicare-hub-prod-dr-db",
      VpcSecurityGroupIds: ["sg-0database"],
      DBParameterGroupName: "medicare-hub-prod-dr-db-postgres17",
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
      Tags: [
        { Key: "Project", Value: "medicare-hub" },
        { Key: "Environment", Value: "prod" },
        { Key: "ManagedBy", Value: "cdktf" },
        { Key: "CostCenter", Value: "medicare-hub-prod" },
        { Key: "Name", Value: "medicare-hub-prod-dr-db" },
        { Key: "DataClassification", Value: "PHI" },
      ],
    });
    // The master secret: RDS manages it again, under the recovery region's key (the primary's is in the lost region).
    expect(rds.commandCalls(ModifyDBInstanceCommand)[0].args[0].input).toMatchObject({
      DBInstanceIdentifier: "medicare-hub-prod-dr-db",
      ManageMasterUserPassword: true,
      MasterUserSecretKmsKeyId: "alias/medicare-hub-prod-dr-database",
      ApplyImmediately: true,
    });
    expect(ec2.commandCalls(DescribeSecurityGroupsCommand)).toHaveLength(1);
    expect(autoScaling.commandCalls(StartInstanceRefreshCommand)).toHaveLength(1);
    expect(aws.events).toEqual(["restore", "database available", "configure", "files promoted", "scaled", "refresh started"]);
    // The restore read "creating" once, the copy "REPLICATING" once, the refresh "InProgress" once, the targets 1 of 3
    // healthy once: 30 s each.
    expect(result.timings.map((t) => `${t.step} ${t.seconds}`)).toEqual([
      "check-database-copy 0",
      "check-file-copy 0",
      "check-restore-target 0",
      "check-standby-group 0",
      "fence-primary 0",
      "restore-database 0",
      "wait-for-database 30",
      "configure-database 0",
      "promote-file-copy 0",
      "wait-for-file-copy 30",
      "scale-app 0",
      "refresh-standby-instances 30",
      "wait-for-health 30",
      "wait-for-dns 30",
    ]);
    expect(w.lines[12]).toBe("[12/14] refresh-standby-instances: instance refresh refresh-0001 Successful: every instance of medicare-hub-prod-dr-app booted knowing medicare-hub-prod-dr-db (30 s)");
    expect(w.lines.at(-1)).toMatch(/^Left to do .*no terraform apply while failed over.*npm run failback -- --env prod/);
  });

  test("fence-primary, the first change, points the primary's Route 53 health check at a path that never answers 2xx/3xx, before the restore", async () => {
    const w = clock();
    rds.on(RestoreDBInstanceToPointInTimeCommand).callsFake(() => {
      aws.events.push(`restore (fenced: ${route53.checks[0].resourcePath})`);
      aws.db = { createdAt: at(), read: false, secret: false };
      return {};
    });
    expect((await runRestoreStandbyFailover(RESTORE, standbyClients(), w)).outcome).toBe("done");
    expect(route53.updates).toEqual([{ id: "hc-primary-alb", resourcePath: "/fenced-by-failover", version: 1 }]);
    expect(aws.events[0]).toBe("restore (fenced: /fenced-by-failover)");
    expect(w.lines[5]).toBe(
      "[5/14] fence-primary: hc-primary-alb (medicare-hub-prod-alb-health): ResourcePath /health -> /fenced-by-failover (the original path was /health); " +
        "Route 53 fails the domain over to the standby (or the maintenance page) whatever us-east-2 answers, and keeps it there when that region returns, until the failback's unfence-primary (0 s)",
    );
    // The standby's own check, and the primary's deep one, are not touched.
    expect(route53.checks.map((c) => `${c.id} ${c.resourcePath}`)).toEqual(["hc-primary-alb /fenced-by-failover", "hc-primary-deep /health/deep", "hc-standby-alb /health/deep"]);
  });

  test("a run resumed at the fence finds it fenced and changes nothing; no health check of that name stops the run before the restore", async () => {
    route53.checks[0].resourcePath = "/fenced-by-failover";
    const w = clock();
    expect((await runRestoreStandbyFailover({ ...RESTORE, fromStep: 5 }, standbyClients(), w)).outcome).toBe("done");
    expect(route53.updates).toEqual([]);
    expect(w.lines[5]).toBe("[5/14] fence-primary: hc-primary-alb (medicare-hub-prod-alb-health) requests /fenced-by-failover already: nothing to change (0 s)");

    route53.checks = route53.checks.slice(1);
    aws = { now: Date.parse("2026-11-30T10:00:00Z"), inService: 3, events: [] };
    rds.resetHistory();
    const result = await runRestoreStandbyFailover(RESTORE, standbyClients(), clock());
    expect(result).toMatchObject({
      outcome: "failed",
      stoppedAt: "fence-primary",
      message: expect.stringContaining("stopped at step 5 (fence-primary): no Route 53 health check is tagged Name=medicare-hub-prod-alb-health: the fence needs exactly one (constructs/dns.ts)"),
    });
    expect(rds.commandCalls(RestoreDBInstanceToPointInTimeCommand)).toHaveLength(0);
  });

  test("a step that fails halfway stops the run and says how to resume; the resumed run finds the restored instance and restores nothing twice", async () => {
    efs
      .on(DeleteReplicationConfigurationCommand)
      .rejectsOnce(Object.assign(new Error("User is not authorized to perform elasticfilesystem:DeleteReplicationConfiguration"), { name: "AccessDeniedException" }))
      .callsFake(() => void aws.events.push("files promoted"));
    const first = await runRestoreStandbyFailover(RESTORE, standbyClients(), clock());
    expect(first).toMatchObject({
      outcome: "failed",
      stoppedAt: "promote-file-copy",
      message:
        "stopped at step 9 (promote-file-copy): AccessDeniedException: User is not authorized to perform elasticfilesystem:DeleteReplicationConfiguration; " +
        "steps before it are done; fix the cause, then resume with --from-step 9 and the same flags",
    });
    expect(aws.events).toEqual(["restore", "database available", "configure"]);

    const w = clock();
    const resumed = await runRestoreStandbyFailover({ ...RESTORE, fromStep: 9 }, standbyClients(), w);
    expect(resumed.outcome).toBe("done");
    expect(rds.commandCalls(RestoreDBInstanceToPointInTimeCommand)).toHaveLength(1);
    expect(rds.commandCalls(ModifyDBInstanceCommand)).toHaveLength(1);
    expect(w.lines[3]).toBe(
      "[3/14] check-restore-target: subnet group medicare-hub-prod-dr-db (vpc-0dr, us-west-2a, us-west-2b, us-west-2c); parameter group medicare-hub-prod-dr-db-postgres17; " +
        "security group sg-0database (medicare-hub-prod-dr-database); medicare-hub-prod-dr-db exists (available): restored by the run this one resumes (0 s)",
    );
    expect(w.lines.filter((l) => l.includes("skipped (--from-step 9)")).map((l) => l.split(":")[0])).toEqual([
      "[5/14] fence-primary",
      "[6/14] restore-database",
      "[7/14] wait-for-database",
      "[8/14] configure-database",
    ]);
    expect(aws.events.slice(3)).toEqual(["files promoted", "scaled", "refresh started"]);
  });

  test("configure-database right after the restore: RDS refusing while the instance is busy (backing-up) is tried again, not the end of the run", async () => {
    const w = clock();
    let refusals = 2;
    rds.on(ModifyDBInstanceCommand).callsFake(() => {
      if (refusals-- > 0) throw Object.assign(new Error("Database instance is not in available state."), { name: "InvalidDBInstanceStateFault" });
      aws.events.push("configure");
      if (aws.db) aws.db.secret = true;
      return {};
    });
    const result = await runRestoreStandbyFailover(RESTORE, standbyClients(), w);
    expect(result.outcome).toBe("done");
    expect(rds.commandCalls(ModifyDBInstanceCommand)).toHaveLength(3);
    expect(w.lines.filter((l) => l.includes("InvalidDBInstanceStateFault"))).toHaveLength(2);
  });

  test("a refresh that times out: the resumed run waits for the same refresh instead of starting another", async () => {
    let stuck = true;
    autoScaling.on(DescribeInstanceRefreshesCommand).callsFake((input: DescribeInstanceRefreshesCommandInput) => {
      const refresh = aws.refresh;
      if (!refresh) return { InstanceRefreshes: [] };
      const answer = { InstanceRefreshes: [{ InstanceRefreshId: refresh.id, Status: refresh.status as never, StartTime: refresh.startedAt }] };
      if (!stuck && input.InstanceRefreshIds) refresh.status = "Successful";
      return answer;
    });
    const first = await runRestoreStandbyFailover({ ...RESTORE, timeoutSeconds: 60 }, standbyClients(), clock());
    expect(first).toMatchObject({ outcome: "failed", stoppedAt: "refresh-standby-instances", message: expect.stringContaining("instance refresh refresh-0001 of medicare-hub-prod-dr-app Successful not reached within 60 s") });
    stuck = false;
    const w = clock();
    const resumed = await runRestoreStandbyFailover({ ...RESTORE, fromStep: 12 }, standbyClients(), w);
    expect(resumed.outcome).toBe("done");
    expect(autoScaling.commandCalls(StartInstanceRefreshCommand)).toHaveLength(1);
    expect(w.lines[12]).toMatch(/^\[12\/14\] refresh-standby-instances: the refresh already running refresh-0001 Successful/);
  });

  test("a refresh started before the database existed is not adopted: the step says to cancel it", async () => {
    aws.refresh = { id: "refresh-0000", startedAt: new Date("2026-11-30T09:00:00Z"), status: "InProgress" };
    const result = await runRestoreStandbyFailover(RESTORE, standbyClients(), clock());
    expect(result).toMatchObject({ outcome: "failed", stoppedAt: "refresh-standby-instances" });
    expect(result.message).toContain("instance refresh refresh-0000 of medicare-hub-prod-dr-app is InProgress, started before medicare-hub-prod-dr-db existed");
    expect(result.message).toContain("aws autoscaling cancel-instance-refresh --auto-scaling-group-name medicare-hub-prod-dr-app) and resume with --from-step 12");
    expect(autoScaling.commandCalls(StartInstanceRefreshCommand)).toHaveLength(0);
  });

  test("a pilot light's group is at zero until scale-app: its instances boot knowing the database, nothing is refreshed", async () => {
    aws.inService = 0;
    const w = clock();
    const result = await runRestoreStandbyFailover({ ...RESTORE, strategy: "pilot-light" }, standbyClients(), w);
    expect(result.outcome).toBe("done");
    expect(autoScaling.commandCalls(StartInstanceRefreshCommand)).toHaveLength(0);
    expect(w.lines[12]).toBe(
      "[12/14] refresh-standby-instances: not needed: medicare-hub-prod-dr-app held no instance before scale-app, so every instance booted knowing medicare-hub-prod-dr-db (0 s)",
    );
  });

  test("a security group given (--security-group or --outputs) is used as it is; one not found stops the run before the restore", async () => {
    await runRestoreStandbyFailover({ ...RESTORE, dryRun: true, securityGroupId: "sg-0given" }, standbyClients(), clock());
    expect(ec2.commandCalls(DescribeSecurityGroupsCommand)).toHaveLength(0);
    ec2.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: [] });
    const result = await runRestoreStandbyFailover(RESTORE, standbyClients(), clock());
    expect(result).toMatchObject({ outcome: "failed", stoppedAt: "check-restore-target" });
    expect(result.message).toContain("no security group medicare-hub-prod-dr-database in vpc-0dr (us-west-2): the standby is not built (terraform apply), or give --security-group");
    expect(mutations()).toEqual([]);
  });

  test("a subnet group that is not there means the standby is not built; an instance already there means a run restored it", async () => {
    const missing = await runRestoreStandbyFailover({ ...RESTORE, subnetGroup: "medicare-hub-prod-dr-data" }, standbyClients(), clock());
    expect(missing.message).toContain("stopped at step 3 (check-restore-target): no DB subnet group medicare-hub-prod-dr-data in us-west-2: the warm-standby standby is not built (terraform apply)");
    aws.db = { createdAt: at(), read: true, secret: true };
    const again = await runRestoreStandbyFailover(RESTORE, standbyClients(), clock());
    expect(again.message).toContain("medicare-hub-prod-dr-db exists already (available): if a run restored it, resume with --from-step 7");
    expect(mutations()).toEqual([]);
  });

  test("the CA the restore pins is the one the database is created with (clients pin it for verify-full TLS)", () => {
    const prod = readStackJson(synthApp(), "medicare-hub-prod");
    const [primary] = Object.values(resourcesOf(prod, "aws_db_instance"));
    expect(primary.ca_cert_identifier).toBe("rds-ca-rsa2048-g1");
    expect(DATABASE_CA_CERTIFICATE).toBe(primary.ca_cert_identifier);
  });

  describe("command line", () => {
    const prod = DEFAULT_CONFIG.environments.prod;
    const standing = { region: "us-west-2", availabilityZones: ["us-west-2a", "us-west-2b", "us-west-2c"], vpcCidr: "10.21.0.0/16" };
    const environments = {
      prod,
      // A pilot light smaller than its recovery AZs: the group is scaled to one instance per AZ at least.
      staging: { ...prod, app: { ...prod.app, minCapacity: 2, desiredCapacity: 2, maxCapacity: 6 }, recovery: { strategy: "pilot-light" as const, ...standing } },
      replicated: { ...prod, recovery: { strategy: "warm-standby" as const, ...standing, database: "replica" as const } },
    };

    test("prod's committed configuration fails over by a restore, with every name and setting from it and no flag", () => {
      expect(parseArgs(["--env", "prod", "--primary-unreachable"], environments)).toEqual(RESTORE);
      expect(parseArgs(["--env", "staging", "--dry-run"], environments)).toMatchObject({ strategy: "pilot-light", databaseMode: "restore", capacity: { min: 3, desired: 3, max: 6 } });
    });

    test("recovery.database replica fails over by a promotion", () => {
      expect(parseArgs(["--env", "replicated"], environments)).toEqual({
        strategy: "warm-standby",
        databaseMode: "replica",
        environment: "replicated",
        primaryRegion: "us-east-2",
        recoveryRegion: "us-west-2",
        sourceDatabase: "medicare-hub-replicated-db",
        replica: "medicare-hub-replicated-dr-db",
        backupRetentionDays: 35,
        backupWindow: "03:00-03:30",
        appGroup: "medicare-hub-replicated-dr-app",
        targetGroup: "medicare-hub-replicated-dr-app-https",
        capacity: { min: 3, desired: 3, max: 9 },
        fileSystemId: undefined,
        recoveryFileSystemId: undefined,
        primaryUnreachable: false,
        dryRun: false,
        fromStep: 1,
        timeoutSeconds: 3600,
        intervalSeconds: 30,
      });
    });

    test("reads the database security group and the file systems from `terraform output -json`", () => {
      const file = join(mkdtempSync(join(tmpdir(), "failover-outputs-")), "outputs.json");
      writeFileSync(
        file,
        JSON.stringify({
          file_system_id: { sensitive: false, type: "string", value: "fs-0123456789abcdef0" },
          recovery_file_system_id: { sensitive: false, type: "string", value: "fs-0fedcba9876543210" },
          recovery_database_security_group_id: { sensitive: false, type: "string", value: "sg-0fromoutputs" },
        }),
      );
      expect(parseArgs(["--env", "prod", "--outputs", file], environments)).toMatchObject({ fileSystemId: "fs-0123456789abcdef0", recoveryFileSystemId: "fs-0fedcba9876543210", securityGroupId: "sg-0fromoutputs" });
      expect(parseArgs(["--env", "prod", "--outputs", file, "--security-group", "sg-0flag"], environments)).toMatchObject({ securityGroupId: "sg-0flag" });
    });

    test.each([
      [["--env", "prod", "--db-subnet-group", "dr-data"], /--db-subnet-group: prod fails over to its standing warm-standby environment, whose database restore target Terraform built/],
      [["--env", "prod", "--parameter-group", "dr-postgres17"], /--parameter-group: prod fails over to its standing warm-standby environment/],
      [["--env", "replicated", "--security-group", "sg-0dr"], /--security-group: replicated fails over to its standing warm-standby environment, whose database is a replica/],
      [["--env", "prod", "--from-step", "15"], /--from-step takes a whole number from 1 to 14, got "15"/],
      [["--env", "replicated", "--from-step", "12"], /--from-step takes a whole number from 1 to 11, got "12"/],
      [["--env", "prod", "--outputs", "/nonexistent/outputs.json"], /--outputs \/nonexistent\/outputs.json: not readable/],
      [["--env", "prod", "--routing-control-primary", "arn:aws:route53-recovery-control::123456789012:controlpanel/p/routingcontrol/a"], /Unknown option '--routing-control-primary'/],
    ])("refuses %j", (argv, message) => {
      expect(() => parseArgs(argv, environments)).toThrow(message);
    });

    test("a bad flag is exit code 2 with a message naming it, as a real process", () => {
      const run = spawnSync(process.execPath, ["--require", "tsx/cjs", "tools/failover.ts", "--env", "prod", "--dry-run", "--from-step", "99"], {
        cwd: join(__dirname, "..", ".."),
        env: Object.fromEntries(Object.entries(process.env).filter(([name]) => name !== "MEDICARE_HUB_CONFIG_OVERRIDES")),
        encoding: "utf8",
      });
      expect(run.status).toBe(2);
      expect(run.stderr).toMatch(/^--from-step takes a whole number from 1 to \d+, got "99"/m);
    });
  });
});
