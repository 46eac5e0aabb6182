import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULT_CONFIG } from "../../config/environments";
import { ConfigError, OVERRIDE_FILE_ENV, deepMerge, loadConfig, type ConfigIssue } from "../../config/load";
import { BACKUP_RETENTION_MAX, BACKUP_RETENTION_MIN, VPC_PREFIX_MAX, VPC_PREFIX_MIN } from "../../config/schema";

const dir = mkdtempSync(join(tmpdir(), "medicare-hub-config-"));
let files = 0;

/** Writes `override` to a temp file and loads the configuration with it. */
function loadWith(override: unknown): ReturnType<typeof loadConfig> {
  const path = join(dir, `override-${files++}.json`);
  writeFileSync(path, typeof override === "string" ? override : JSON.stringify(override));
  return loadConfig({ env: { [OVERRIDE_FILE_ENV]: path } });
}

/** The ConfigError thrown for `override`. */
function errorFor(override: unknown): ConfigError {
  try {
    loadWith(override);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error(`override ${JSON.stringify(override)} was accepted`);
}

describe("the committed profiles", () => {
  const { dev, prod } = loadConfig({ env: {} }).environments;

  test("are valid without an override file", () => {
    expect(loadConfig({ env: {} })).toEqual(DEFAULT_CONFIG);
  });

  test("prod spreads over 3 AZs with a NAT gateway per AZ; dev uses 2 AZs and the flagged single-NAT cost switch", () => {
    expect(prod.availabilityZones).toHaveLength(3);
    expect(prod.network.natGateways).toBe("one-per-az");
    expect(dev.availabilityZones).toHaveLength(2);
    expect(dev.network.natGateways).toBe("single");
  });

  test("every environment runs at least one instance per AZ", () => {
    for (const env of [dev, prod]) expect(env.app.minCapacity).toBeGreaterThanOrEqual(env.availabilityZones.length);
    expect([dev.app.minCapacity, dev.app.desiredCapacity, dev.app.maxCapacity]).toEqual([2, 2, 4]);
    expect([prod.app.minCapacity, prod.app.desiredCapacity, prod.app.maxCapacity]).toEqual([3, 3, 9]);
  });

  test("prod keeps at least 14 days of database backups and protects its database and load balancer from deletion", () => {
    expect(prod.database.backupRetentionDays).toBeGreaterThanOrEqual(14);
    expect(prod.database.deletionProtection).toBe(true);
    expect(prod.loadBalancer).toMatchObject({ deletionProtection: true, waf: true });
    expect(dev.database.backupRetentionDays).toBe(7);
  });

  test("dev and prod use separate address space", () => {
    expect(dev.network.vpcCidr).not.toBe(prod.network.vpcCidr);
  });
});

describe("the override file", () => {
  test("deep-merges over the defaults: siblings of an overridden value are kept", () => {
    const config = loadWith({ environments: { dev: { app: { maxCapacity: 6 } } } });
    expect(config.environments.dev.app).toEqual({ ...DEFAULT_CONFIG.environments.dev.app, maxCapacity: 6 });
    expect(config.environments.prod).toEqual(DEFAULT_CONFIG.environments.prod);
  });

  test("replaces arrays whole", () => {
    const azs = ["us-east-2c", "us-east-2b"];
    expect(loadWith({ environments: { dev: { availabilityZones: azs } } }).environments.dev.availabilityZones).toEqual(azs);
  });

  test("null removes an optional setting", () => {
    expect(loadWith({ environments: { prod: { alerts: { email: null, heartbeatUrl: null } } } }).environments.prod.alerts).toEqual({});
  });

  test("null on a required setting is reported as missing", () => {
    const error = errorFor({ environments: { prod: { region: null } } });
    expect(error.issues).toEqual([expect.objectContaining({ scope: "prod", field: "region", value: undefined })]);
    expect(error.message).toMatch(/field region: got nothing .*\n.*is missing/);
  });

  test("deepMerge leaves both inputs untouched", () => {
    const base = { a: { b: 1, c: 2 } };
    const override = { a: { b: 3 } };
    expect(deepMerge(base, override)).toEqual({ a: { b: 3, c: 2 } });
    expect(base).toEqual({ a: { b: 1, c: 2 } });
  });

  test.each([
    ["a missing file", undefined, /cannot be read \(ENOENT\)/],
    ["malformed JSON", "{ environments: ", /is not valid JSON/],
    ["a JSON array", "[1, 2]", /must contain a JSON object/],
  ])("%s is refused with the file named", (_name, content, message) => {
    const path = join(dir, `broken-${files++}.json`);
    if (content !== undefined) writeFileSync(path, content);
    expect(() => loadConfig({ env: { [OVERRIDE_FILE_ENV]: path } })).toThrow(message);
    expect(() => loadConfig({ env: { [OVERRIDE_FILE_ENV]: path } })).toThrow(path);
  });
});

/** The bad-config matrix: each case names the scope, field, value given and what is allowed. */
const BAD_CONFIGS: { name: string; override: unknown; issue: Partial<ConfigIssue>; allowed: RegExp }[] = [
  { name: "a canary runtime the zip is not laid out for", override: { environments: { prod: { syntheticChecks: { runtimeVersion: "syn-python-selenium-6.0" } } } }, issue: { scope: "prod", field: "syntheticChecks.runtimeVersion", value: "syn-python-selenium-6.0" }, allowed: /Node\.js Puppeteer .*syn-nodejs-puppeteer-15\.0/ },
  { name: "a canary interval over an hour", override: { environments: { dev: { syntheticChecks: { intervalMinutes: 90 } } } }, issue: { scope: "dev", field: "syntheticChecks.intervalMinutes", value: 90 }, allowed: /from 1 to 60/ },
  { name: "a bootstrap deadline shorter than the bootstrap's own waits", override: { environments: { prod: { app: { bootstrapSeconds: 120 } } } }, issue: { scope: "prod", field: "app.bootstrapSeconds", value: 120 }, allowed: /from 240 to 900.*EFS mount \(up to 120 s\)/ },
  { name: "a malformed CIDR", override: { environments: { dev: { network: { vpcCidr: "10.0.0/16" } } } }, issue: { scope: "dev", field: "network.vpcCidr", value: "10.0.0/16" }, allowed: /not an IPv4 CIDR.*allowed: an RFC 1918/ },
  { name: "a CIDR with an octet above 255", override: { environments: { dev: { network: { vpcCidr: "10.300.0.0/16" } } } }, issue: { scope: "dev", field: "network.vpcCidr" }, allowed: /octet above 255/ },
  { name: "a CIDR with host bits set", override: { environments: { prod: { network: { vpcCidr: "10.20.0.1/16" } } } }, issue: { scope: "prod", field: "network.vpcCidr" }, allowed: /host bits set.*10\.20\.0\.0\/16/ },
  { name: "an oversized CIDR", override: { environments: { prod: { network: { vpcCidr: "10.0.0.0/8" } } } }, issue: { scope: "prod", field: "network.vpcCidr", value: "10.0.0.0/8" }, allowed: new RegExp(`larger than AWS allows.*/${VPC_PREFIX_MIN} to /${VPC_PREFIX_MAX}`) },
  { name: "an undersized CIDR", override: { environments: { prod: { network: { vpcCidr: `10.0.0.0/${VPC_PREFIX_MAX + 1}` } } } }, issue: { scope: "prod", field: "network.vpcCidr" }, allowed: /too small for the subnet plan/ },
  { name: "fewer instances than AZs", override: { environments: { prod: { app: { minCapacity: 2, desiredCapacity: 2 } } } }, issue: { scope: "prod", field: "app.minCapacity", value: 2 }, allowed: /at least the number of availabilityZones \(3\)/ },
  { name: "a health-check timeout as long as the interval", override: { environments: { prod: { loadBalancer: { healthCheck: { timeoutSeconds: 10 } } } } }, issue: { scope: "prod", field: "loadBalancer.healthCheck.timeoutSeconds", value: 10 }, allowed: /less than loadBalancer.healthCheck.intervalSeconds \(10\)/ },
  { name: "overlapping backup and maintenance windows", override: { environments: { prod: { database: { maintenanceWindow: "sun:03:15-sun:04:00" } } } }, issue: { scope: "prod", field: "database.maintenanceWindow", value: "sun:03:15-sun:04:00" }, allowed: /overlaps database.backupWindow \(03:00-03:30\)/ },
  { name: "a backup window under 30 minutes", override: { environments: { prod: { database: { backupWindow: "03:00-03:15" } } } }, issue: { scope: "prod", field: "database.backupWindow" }, allowed: /at least 30 minutes/ },
  { name: "a cross-region backup copy to the same region", override: { environments: { prod: { backup: { copyToRegion: "us-east-2" } } } }, issue: { scope: "prod", field: "backup.copyToRegion" }, allowed: /another region/ },
  { name: "an audit of an environment that does not exist", override: { audit: { environment: "staging" } }, issue: { scope: "(top level)", field: "audit.environment", value: "staging" }, allowed: /one of dev, prod/ },
  { name: "audit log files kept less than a year", override: { audit: { logRetentionDays: 90 } }, issue: { scope: "(top level)", field: "audit.logRetentionDays", value: 90 }, allowed: /from 365 to 3650.*2190/ },
  { name: "a state replica in the state's own region", override: { stateBackend: { replicaRegion: "us-east-2" } }, issue: { scope: "stateBackend", field: "replicaRegion", value: "us-east-2" }, allowed: /another region than stateBackend.region/ },
  { name: "a recovery region that is the environment's own", override: { environments: { prod: { recovery: { region: "us-east-2" } } } }, issue: { scope: "prod", field: "recovery.region", value: "us-east-2" }, allowed: /another region than the environment's/ },
  { name: "recovery on without a recovery region", override: { environments: { dev: { recovery: { strategy: "backup-and-restore" } } } }, issue: { scope: "dev", field: "recovery.strategy", value: "backup-and-restore" }, allowed: /needs recovery.region.*"us-west-2"/ },
  { name: "a recovery region in another AWS partition", override: { environments: { prod: { recovery: { region: "us-gov-west-1" } } } }, issue: { scope: "prod", field: "recovery.region", value: "us-gov-west-1" }, allowed: /same AWS partition.*\(aws\)/ },
  { name: "a backup copy in another AWS partition", override: { environments: { dev: { backup: { copyToRegion: "cn-northwest-1" } } } }, issue: { scope: "dev", field: "backup.copyToRegion", value: "cn-northwest-1" }, allowed: /same AWS partition.*AWS Backup/ },
  { name: "a state replica in another AWS partition", override: { stateBackend: { replicaRegion: "cn-north-1" } }, issue: { scope: "stateBackend", field: "replicaRegion", value: "cn-north-1" }, allowed: /same AWS partition as stateBackend.region \(aws\)/ },
  { name: "a recovery strategy that does not exist", override: { environments: { prod: { recovery: { strategy: "active-active" } } } }, issue: { scope: "prod", field: "recovery.strategy", value: "active-active" }, allowed: /"off" \(flagged\), "backup-and-restore", "pilot-light" \(flagged: no instance until failover\) or "warm-standby"/ },
  { name: "a recovery region that is not a region", override: { environments: { prod: { recovery: { region: "oregon" } } } }, issue: { scope: "prod", field: "recovery.region", value: "oregon" }, allowed: /AWS region code/ },
  { name: "an unsupported PostgreSQL version", override: { environments: { prod: { database: { engineVersion: "9.6" } } } }, issue: { scope: "prod", field: "database.engineVersion" }, allowed: /major version/ },
  { name: "a log retention CloudWatch does not offer", override: { environments: { prod: { logRetentionDays: 100 } } }, issue: { scope: "prod", field: "logRetentionDays", value: 100 }, allowed: /one of 1, 3, 5.*365/ },
  { name: "a malformed account id", override: { environments: { prod: { accountId: 123456789012 } } }, issue: { scope: "prod", field: "accountId" }, allowed: /12-digit AWS account id/ },
  { name: "public address space", override: { environments: { dev: { network: { vpcCidr: "8.8.0.0/16" } } } }, issue: { scope: "dev", field: "network.vpcCidr" }, allowed: /not private address space/ },
  { name: "fewer than 2 AZs", override: { environments: { prod: { availabilityZones: ["us-east-2a"] } } }, issue: { scope: "prod", field: "availabilityZones", value: ["us-east-2a"] }, allowed: /at least 2 AZs.*single point of failure/ },
  { name: "duplicate AZs", override: { environments: { dev: { availabilityZones: ["us-east-2a", "us-east-2a"] } } }, issue: { scope: "dev", field: "availabilityZones[1]", value: "us-east-2a" }, allowed: /duplicates availabilityZones\[0\]/ },
  { name: "an AZ outside the region", override: { environments: { dev: { availabilityZones: ["us-east-2a", "us-west-2b"] } } }, issue: { scope: "dev", field: "availabilityZones[1]", value: "us-west-2b" }, allowed: /not an AZ of region us-east-2.*"us-east-2a"/ },
  { name: "an AZ id instead of a name", override: { environments: { dev: { availabilityZones: ["use2-az1", "us-east-2b"] } } }, issue: { scope: "dev", field: "availabilityZones[0]" }, allowed: /must be an AZ name/ },
  { name: "min capacity above max", override: { environments: { dev: { app: { minCapacity: 5, desiredCapacity: 5 } } } }, issue: { scope: "dev", field: "app.minCapacity", value: 5 }, allowed: /must not exceed app.maxCapacity \(4\)/ },
  { name: "desired capacity outside min..max", override: { environments: { prod: { app: { desiredCapacity: 12 } } } }, issue: { scope: "prod", field: "app.desiredCapacity", value: 12 }, allowed: /must not exceed app.maxCapacity \(9\)/ },
  { name: "backup retention of 0 days", override: { environments: { prod: { database: { backupRetentionDays: 0 } } } }, issue: { scope: "prod", field: "database.backupRetentionDays", value: 0 }, allowed: new RegExp(`from ${BACKUP_RETENTION_MIN} to ${BACKUP_RETENTION_MAX}`) },
  { name: "backup retention of 36 days", override: { environments: { prod: { database: { backupRetentionDays: 36 } } } }, issue: { scope: "prod", field: "database.backupRetentionDays", value: 36 }, allowed: /whole number from 1 to 35/ },
  { name: "a fractional capacity", override: { environments: { prod: { app: { maxCapacity: 2.5 } } } }, issue: { scope: "prod", field: "app.maxCapacity", value: 2.5 }, allowed: /whole number/ },
  { name: "an unknown environment name", override: { environments: { staging: { region: "us-east-2" } } }, issue: { scope: "staging", field: "(environment)" }, allowed: /not a known environment; known environments: dev, prod/ },
  { name: "a typo in a key", override: { environments: { dev: { app: { instanceTyp: "t3.large" } } } }, issue: { scope: "dev", field: "app.instanceTyp", value: "t3.large" }, allowed: /not a known key \(did you mean "instanceType"\?\)/ },
  // Blamed on the top level and the override file, not on an "environment" named after the key.
  { name: "an unknown top-level key", override: { enviroments: {} }, issue: { scope: "(top level)", field: "enviroments" }, allowed: /did you mean "environments"/ },
  { name: "a wrong type", override: { environments: { dev: { app: { port: "8080" } } } }, issue: { scope: "dev", field: "app.port", value: "8080" }, allowed: /whole number from 1024 to 65535/ },
  { name: "an invalid state bucket name", override: { stateBackend: { bucketName: "My_Bucket" } }, issue: { scope: "stateBackend", field: "bucketName", value: "My_Bucket" }, allowed: /S3 bucket name/ },
  { name: "a malformed alert e-mail", override: { environments: { prod: { alerts: { email: "oncall" } } } }, issue: { scope: "prod", field: "alerts.email" }, allowed: /e-mail address/ },
  { name: "a heartbeat over plain HTTP", override: { environments: { prod: { alerts: { heartbeatUrl: "http://hc-ping.example.org/x" } } } }, issue: { scope: "prod", field: "alerts.heartbeatUrl" }, allowed: /https:\/\/ URL of a heartbeat check/ },
  { name: "no hosted zone (a zone is never created here)", override: { environments: { prod: { dns: { hostedZoneId: null } } } }, issue: { scope: "prod", field: "dns.hostedZoneId" }, allowed: /is missing; it must be the id of an existing public Route 53 hosted zone/ },
];

describe("invalid configuration", () => {
  test.each(BAD_CONFIGS)("$name is refused, naming the environment, field, value and what is allowed", ({ override, issue, allowed }) => {
    const error = errorFor(override);
    const match = error.issues.find((i) => i.scope === issue.scope && (issue.field === undefined || i.field === issue.field));
    expect(match).toBeDefined();
    expect(match).toMatchObject({ ...issue, fromOverride: true });
    expect(match?.problem).toMatch(allowed);
    const scopeText = issue.scope === "stateBackend" ? "the state backend" : issue.scope === "(top level)" ? "the top level" : `environment "${issue.scope}"`;
    expect(error.message).toContain(scopeText);
    if (issue.field) expect(error.message).toContain(`field ${issue.field}: got ${JSON.stringify(match?.value) ?? "nothing"}`);
    expect(error.message).toContain("nothing was synthesized");
  });

  test("every problem is reported at once, not only the first", () => {
    const error = errorFor({
      environments: {
        dev: { network: { vpcCidr: "10.0.0.0/8" }, database: { backupRetentionDays: 99 } },
        prod: { availabilityZones: ["us-east-2a"] },
      },
    });
    expect(error.issues.map((i) => `${i.scope}:${i.field}`).sort()).toEqual(
      ["dev:database.backupRetentionDays", "dev:network.vpcCidr", "prod:availabilityZones"].sort(),
    );
  });

  test("a problem in the committed defaults is attributed to config/environments.ts, not the override file", () => {
    // min raised in the override, desired left at its default: the desired value is the one out of range.
    const error = errorFor({ environments: { dev: { app: { minCapacity: 3 } } } });
    expect(error.issues).toEqual([
      expect.objectContaining({ scope: "dev", field: "app.desiredCapacity", value: 2, fromOverride: false }),
    ]);
    expect(error.message).toContain("(from config/environments.ts)");
  });
});
