/**
 * tools/failover.ts against mocked RDS and EFS of the recovery region (aws-sdk-client-mock): the dry run's plan, a
 * whole run with each step's parameters, a run that fails halfway (it stops, says where and how to resume) and the
 * resumed run, and the command line's refusals.
 */
import { DescribeDBInstanceAutomatedBackupsCommand, DescribeDBInstancesCommand, RDSClient, RestoreDBInstanceToPointInTimeCommand } from "@aws-sdk/client-rds";
import { DeleteReplicationConfigurationCommand, DescribeFileSystemsCommand, DescribeReplicationConfigurationsCommand, EFSClient } from "@aws-sdk/client-efs";
import { mockClient } from "aws-sdk-client-mock";
import { DEFAULT_CONFIG } from "../../config/environments";
import { FAILOVER_STEPS, parseArgs, runFailover, type FailoverOptions, type FailoverWorld } from "../../tools/failover";

const rds = mockClient(RDSClient);
const efs = mockClient(EFSClient);
const clients = { rds: new RDSClient({ region: "us-west-2" }), efs: new EFSClient({ region: "us-west-2" }) };
const BACKUPS_ARN = "arn:aws:rds:us-west-2:123456789012:auto-backup:ab-replicated";
const LATEST = new Date("2026-11-30T09:50:00Z");
const SYNCED = new Date("2026-11-30T09:45:00Z");

const OPTIONS: FailoverOptions = {
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

test("a database that never becomes available times out at --timeout, naming it", async () => {
  rds.on(DescribeDBInstancesCommand).resolves({ DBInstances: [{ DBInstanceStatus: "creating" }] });
  const result = await runFailover({ ...OPTIONS, timeoutSeconds: 90 }, clients, world());
  expect(result).toMatchObject({ outcome: "failed", stoppedAt: "wait-for-database", message: expect.stringContaining("medicare-hub-prod-dr-db available not reached within 90 s") });
});

test("no replicated backups in the recovery region: the first check fails and nothing is changed", async () => {
  rds.on(DescribeDBInstanceAutomatedBackupsCommand).resolves({ DBInstanceAutomatedBackups: [] });
  const result = await runFailover(OPTIONS, clients, world());
  expect(result).toMatchObject({ outcome: "failed", stoppedAt: "check-database-copy" });
  expect(result.message).toContain("no replicated automated backups of medicare-hub-prod-db in us-west-2");
  expect(rds.commandCalls(RestoreDBInstanceToPointInTimeCommand)).toHaveLength(0);
});

describe("command line", () => {
  const environments = DEFAULT_CONFIG.environments;
  test("names the database and the regions from the configuration", () => {
    expect(parseArgs(["--env", "prod", "--dry-run"], environments)).toMatchObject({
      primaryRegion: "us-east-2",
      recoveryRegion: "us-west-2",
      sourceDatabase: "medicare-hub-prod-db",
      targetDatabase: "medicare-hub-prod-dr-db",
      primaryUnreachable: false,
      fromStep: 1,
    });
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
