/** Documentation that states configured values is kept equal to the configuration. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { DEFAULT_CONFIG } from "../config/environments";
import { ENVIRONMENT_NAMES } from "../config/schema";
import { planSubnets } from "../config/subnet-plan";
import { ALB_ALIAS_TTL_SECONDS } from "../constructs/dns";

const ROOT = join(__dirname, "..");

function between(file: string, marker: string): string[] {
  const text = readFileSync(join(ROOT, file), "utf8");
  const start = text.indexOf(`<!-- ${marker} -->`);
  const end = text.indexOf(`<!-- /${marker} -->`);
  expect(start).toBeGreaterThanOrEqual(0);
  expect(end).toBeGreaterThan(start);
  return text.slice(start, end).split("\n").filter((line) => /^\| [a-z]/.test(line) && !/^\| (tier|environment) \|/.test(line));
}

test("docs/network.md's prod subnet table is the subnet plan of the prod configuration", () => {
  const prod = DEFAULT_CONFIG.environments.prod;
  const rows = between("docs/network.md", "subnet-plan:prod").map((line) => line.split("|").slice(1, -1).map((cell) => cell.trim()));
  expect(rows).toEqual(planSubnets(prod.network.vpcCidr, prod.availabilityZones).map((s) => [s.tier, s.availabilityZone, s.cidrBlock]));
  expect(readFileSync(join(ROOT, "docs/network.md"), "utf8")).toContain(`Prod (\`${prod.network.vpcCidr}\``);
});

test("docs/app-tier.md states each environment's detection and replacement times as the configuration gives them", () => {
  const rows = between("docs/app-tier.md", "recovery-times").map((line) => line.split("|").slice(1, -1).map((cell) => cell.trim()));
  const expected = ENVIRONMENT_NAMES.map((env) => {
    const { app, loadBalancer } = DEFAULT_CONFIG.environments[env];
    const check = loadBalancer.healthCheck;
    const detection = check.intervalSeconds * check.unhealthyThreshold;
    // At worst: 60 s of boot before the user data runs, the bootstrap's deadline, the passing checks.
    const inService = detection + 60 + app.bootstrapSeconds + check.healthyThreshold * check.intervalSeconds;
    return [env, `${detection} s`, `${inService} s`];
  });
  expect(rows).toEqual(expected);
});

test("docs/data.md states each environment's recovery windows as the configuration gives them", () => {
  const rows = between("docs/data.md", "recovery-points").map((line) => line.split("|").slice(1, -1).map((cell) => cell.trim()));
  const expected = ENVIRONMENT_NAMES.map((env) => {
    const { database, backup } = DEFAULT_CONFIG.environments[env];
    return [env, `${database.backupRetentionDays} days`, `${backup.dailyRetentionDays} days`, `${backup.monthlyRetentionDays} days`, "24 h"];
  });
  expect(rows).toEqual(expected);
});

test("docs/observability.md states each environment's DNS failover time as the configuration gives it", () => {
  const rows = between("docs/observability.md", "dns-failover").map((line) => line.split("|").slice(1, -1).map((cell) => cell.trim()));
  const expected = ENVIRONMENT_NAMES.map((env) => {
    const { requestIntervalSeconds: interval, failureThreshold: threshold } = DEFAULT_CONFIG.environments[env].dns.healthCheck;
    return [env, `${interval} s`, `${threshold}`, `${ALB_ALIAS_TTL_SECONDS} s`, `${interval * threshold + ALB_ALIAS_TTL_SECONDS} s`];
  });
  expect(rows).toEqual(expected);
});
