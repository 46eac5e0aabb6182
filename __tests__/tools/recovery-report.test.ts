import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TerraformStack } from "cdktf";
import { DEFAULT_CONFIG } from "../../config/environments";
import type { ProjectConfig } from "../../config/schema";
import { environmentStackId } from "../../constructs/medicare-hub-stack";
import { StackView } from "../../constructs/policy/rule";
import { buildApp } from "../../main";
import { analyse, reportMarkdown, reportsFrom } from "../../tools/recovery-report";
import { readStackJson, resourcesOf, synthApp } from "../support/synth";

describe("recovery report", () => {
  const view = (env: "dev" | "prod") => new StackView(environmentStackId(env), readStackJson(synthApp(), environmentStackId(env)));

  test("prod has no single point of failure", () => {
    expect(analyse(view("prod")).singlePointsOfFailure).toEqual([]);
  });

  test("dev lists its single NAT gateway", () => {
    expect(analyse(view("dev")).singlePointsOfFailure).toEqual([expect.stringMatching(/^NAT: 1 NAT gateway\(s\) in us-east-2a serve private-app subnets in 2 AZs/)]);
  });

  test("times come from the synthesized values: health check, grace period, Route 53 interval × threshold + TTL", () => {
    const prod = DEFAULT_CONFIG.environments.prod;
    const check = prod.loadBalancer.healthCheck;
    const modes = Object.fromEntries(analyse(view("prod")).modes.map((m) => [m.failure, m]));
    const detection = check.intervalSeconds * check.unhealthyThreshold;
    expect(modes["an app instance fails"].detection).toBe(`${detection} s (${check.intervalSeconds} s × ${check.unhealthyThreshold})`);
    // Launch to serving at worst: 60 s of boot before the user data runs, the bootstrap's deadline, the passing checks.
    expect(modes["an app instance fails"].recovery).toContain(`${detection + 60 + prod.app.bootstrapSeconds + check.healthyThreshold * check.intervalSeconds} s`);
    const dns = prod.dns.healthCheck;
    expect(modes["the load balancer or the region's endpoint is unreachable"].recovery).toContain(`${dns.requestIntervalSeconds * dns.failureThreshold + 60} s`);
    expect(modes["data is corrupted or deleted by mistake"].handledBy).toContain(`${prod.database.backupRetentionDays}-day window`);
  });

  test("the whole region lost, in prod's warm standby: the maintenance page first, the standby once its database is restored", () => {
    const modes = Object.fromEntries(analyse(view("prod")).modes.map((m) => [m.failure, m]));
    const lost = modes["the whole region is lost"];
    expect(lost.handledBy).toMatch(/^warm standby: 3 instances serving in us-west-2, behind a health-checked load balancer/);
    // 10 s × 3 failed checks, then the 60 s alias TTL.
    expect(lost.recovery).toMatch(/^users see the maintenance page within 90 s; npm run failover restores the database there from its replicated backups/);
    expect(lost.recovery).toContain("once the standby's health check of /health/deep passes");
    expect(lost.dataLoss).toBe("database 5–30 min (AWS Prescriptive Guidance); files ≈ 15 min (EFS documented, most file systems)");
    // Dev keeps nothing elsewhere.
    expect(Object.fromEntries(analyse(view("dev")).modes.map((m) => [m.failure, m]))["the whole region is lost"].handledBy).toMatch(/^NOTHING/);
  });

  test("a human is notified on a separate clock, recomputed from the synthesized alarms: points to alarm × period, with severity", () => {
    const tf = readStackJson(synthApp(), environmentStackId("prod"));
    const alarm = (name: string) => Object.values(resourcesOf(tf, "aws_cloudwatch_metric_alarm")).find((a) => a.alarm_name === `medicare-hub-prod-${name}`);
    const modes = Object.fromEntries(analyse(view("prod")).modes.map((m) => [m.failure, m]));
    const route53 = alarm("route53-health-check");
    const r53Seconds = (route53.datapoints_to_alarm ?? route53.evaluation_periods) * route53.period;
    expect(modes["the load balancer or the region's endpoint is unreachable"].notified).toBe(`\`route53-health-check\` page after ≥ ${r53Seconds} s (${route53.datapoints_to_alarm ?? route53.evaluation_periods} × ${route53.period} s)`);
    // The AZ-loss page waits two boots of 380 s (60 s boot + 300 s bootstrap deadline + 2 × 10 s checks), rounded up to
    // whole minutes: 13 × 60 s.
    expect(modes["an Availability Zone is lost (of 3)"].notified).toContain("`healthy-hosts-below-desired` page if two or more targets stay missing after ≥ 780 s (13 × 60 s)");
    expect(modes["the database primary fails"].notified).toBe("`database-failover` ticket, as soon as EventBridge delivers the event");
    // Automation and humans are different clocks: the instance is out of rotation in 20 s, the ticket comes after 120 s.
    expect(modes["an app instance fails"].detection).toMatch(/^20 s/);
    expect(modes["an app instance fails"].notified).toMatch(/^`unhealthy-hosts` ticket after ≥ 120 s/);
  });

  test("an alarm the report relies on that is not deployed fails the report, naming it", () => {
    const stack = view("prod");
    const withoutRoute53 = new StackView(stack.stackId, {
      ...stack.tf,
      resource: {
        ...stack.tf.resource,
        aws_cloudwatch_metric_alarm: Object.fromEntries(Object.entries(stack.tf.resource?.aws_cloudwatch_metric_alarm ?? {}).filter(([, a]: [string, any]) => !a.alarm_name.endsWith("route53-health-check"))),
      },
    });
    expect(() => analyse(withoutRoute53)).toThrow("no alarm or event rule named medicare-hub-prod-route53-health-check");
  });

  test("a single-AZ database is reported as a single point of failure (read from the Terraform, not the config)", () => {
    const config: ProjectConfig = {
      ...DEFAULT_CONFIG,
      environments: { ...DEFAULT_CONFIG.environments, prod: { ...DEFAULT_CONFIG.environments.prod, database: { ...DEFAULT_CONFIG.environments.prod.database, multiAz: false } } },
    };
    const app = buildApp(config, { outdir: join(mkdtempSync(join(tmpdir(), "medicare-hub-report-")), "unsynthesized") });
    const stack = app.node.findChild(environmentStackId("prod")) as TerraformStack;
    const report = analyse(new StackView(stack.node.id, stack.toTerraform()));
    expect(report.singlePointsOfFailure).toEqual([expect.stringMatching(/^database: aws_db_instance.database_instance is single-AZ/)]);
    expect(report.modes.find((m) => m.failure === "the database primary fails")?.dataLoss).toBe("≤ 5 min");
  });

  test("docs/reliability.md is the report of the committed configuration", () => {
    const committed = readFileSync(join(__dirname, "../../docs/reliability.md"), "utf8");
    expect(committed).toBe(reportMarkdown(reportsFrom(synthApp().outdir)));
  });
});
