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
import { readStackJson, synthApp } from "../support/synth";

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
    expect(modes["an app instance fails"].recovery).toContain(`${detection + prod.app.bootstrapSeconds + check.healthyThreshold * check.intervalSeconds} s`);
    const dns = prod.dns.healthCheck;
    expect(modes["the load balancer or the region's endpoint is unreachable"].recovery).toContain(`${dns.requestIntervalSeconds * dns.failureThreshold + 60} s`);
    expect(modes["data is corrupted or deleted by mistake"].handledBy).toContain(`${prod.database.backupRetentionDays}-day window`);
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
