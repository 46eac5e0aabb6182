import { execFile } from "node:child_process";
import { resolve } from "node:path";
import { DEFAULT_CONFIG } from "../../config/environments";
import { environmentStackId } from "../../constructs/medicare-hub-stack";
import { StackView } from "../../constructs/policy/rule";
import { WHOLE_ENVIRONMENT, costMarkdown, estimate, standbyCostByStrategy } from "../../tools/cost";
import { STACK_LAYER, UNKNOWN_LAYER, layerOf } from "../../tools/synthesized";
import { HOURS_PER_MONTH, PRICES, PRICES_AS_OF, PRICES_SOURCE } from "../../tools/data/prices";
import { readStackJson, synthApp } from "../support/synth";

const view = (env: "dev" | "prod") => new StackView(environmentStackId(env), readStackJson(synthApp(), environmentStackId(env)));
const lineOf = (env: "dev" | "prod", prefix: string) => estimate(view(env)).lines.find((l) => l.item.startsWith(prefix));

describe("cost estimate", () => {
  test("the audit stack: Config items, Security Hub checks, GuardDuty and S3 data events by use, its keys and alarms; no NAT", () => {
    const audit = estimate(new StackView("medicare-hub-audit", readStackJson(synthApp(), "medicare-hub-audit")));
    // A line per layer: the keys of the trail and of the alerts are two lines.
    const monthly = (prefix: string) => audit.lines.filter((l) => l.item.startsWith(prefix)).reduce((sum, l) => sum + l.monthlyUsd, 0);
    // Per region (prod's and its recovery region, both watched): $0.003 per item × 5,000; $0.001 per check × 20,000;
    // $4 per million events × 500,000 + $1 per GB × 20. Then $0.10 per 100,000 data events × 1,000,000; two keys; 14
    // CIS alarms at $0.10.
    expect(monthly("AWS Config items recorded")).toBe(2 * 15);
    expect(monthly("Security Hub checks")).toBe(2 * 20);
    expect(monthly("GuardDuty: management events")).toBe(2 * 2);
    expect(monthly("GuardDuty: flow and DNS logs")).toBe(2 * 20);
    expect(monthly("CloudTrail S3 data events")).toBe(1);
    expect(monthly("KMS customer-managed keys")).toBe(2);
    expect(monthly("CloudWatch alarms")).toBe(1.4);
    expect(audit.lines.filter((l) => l.item.startsWith("NAT"))).toEqual([]);
  });

  test("what surviving the loss of the region costs, per strategy: a warm standby is a pilot light plus its instances", () => {
    const prod = estimate(view("prod"));
    const ladder = standbyCostByStrategy(prod);
    expect(ladder.map((r) => r.strategy)).toEqual(["backup-and-restore", "pilot-light", "warm-standby"]);
    // The warm standby's 3 t3.medium instances ($0.0416 per hour, 730 hours: $91.10) and their 3 × 20 GB gp3 root
    // volumes ($0.08 per GB-month: $4.80).
    expect([PRICES.ec2["t3.medium"].usd, PRICES.ebsGp3.usd]).toEqual([0.0416, 0.08]);
    expect(Math.round((ladder[2].monthlyUsd - ladder[1].monthlyUsd) * 100) / 100).toBe(95.9);
    // A pilot light adds the standby's network, load balancer, firewall and alarms: NAT gateways alone are 3 × $0.045 × 730.
    expect(ladder[1].monthlyUsd - ladder[0].monthlyUsd).toBeGreaterThan(3 * 0.045 * HOURS_PER_MONTH);
    // Backup and restore: the recovery region's keys, copies and transfer, which every rung keeps.
    expect(ladder[0].monthlyUsd).toBeGreaterThan(0);
    expect(costMarkdown([prod])).toContain(`| warm-standby | $${ladder[2].monthlyUsd.toFixed(2)} |`);
    // Dev keeps nothing in another region: no ladder.
    expect(standbyCostByStrategy(estimate(view("dev")))).toEqual([]);
  });

  test("counts what the synthesized stack deploys: NAT gateways per AZ in prod, one in dev", () => {
    expect(lineOf("prod", "NAT gateways")?.quantity).toBe(DEFAULT_CONFIG.environments.prod.availabilityZones.length);
    expect(lineOf("dev", "NAT gateways")?.quantity).toBe(1);
  });

  test("instances at desired capacity, and a Multi-AZ database paid twice", () => {
    const prod = DEFAULT_CONFIG.environments.prod;
    const ec2 = lineOf("prod", "EC2")!;
    expect(ec2.quantity).toBe(prod.app.desiredCapacity);
    expect(ec2.monthlyUsd).toBeCloseTo(prod.app.desiredCapacity * PRICES.ec2["t3.medium"].usd * HOURS_PER_MONTH, 2);
    expect(lineOf("prod", "RDS db.m6g.large")?.quantity).toBe(2);
  });

  test("the total is the sum of the lines; prod costs more than dev", () => {
    for (const env of ["dev", "prod"] as const) {
      const e = estimate(view(env));
      expect(e.totalUsd).toBeCloseTo(e.lines.reduce((sum, l) => sum + l.monthlyUsd, 0), 2);
    }
    expect(estimate(view("prod")).totalUsd).toBeGreaterThan(estimate(view("dev")).totalUsd);
  });

  test("each line names the layer whose resources it counts, read from their construct paths", () => {
    const layer = (prefix: string) => lineOf("prod", prefix)?.layer;
    expect([layer("EC2"), layer("RDS db."), layer("NAT gateways"), layer("Interface endpoints"), layer("WAF web ACLs"), layer("Recovery region: EFS copy")]).toEqual([
      "app-tier",
      "database",
      "network",
      "endpoints",
      "load-balancer",
      "recovery",
    ]);
    // Assumed usage carried by one layer's resources is that layer's; log ingestion is every layer's.
    expect([layer("NAT data processed"), layer("CloudWatch Logs ingestion")]).toEqual(["network", WHOLE_ENVIRONMENT]);
  });

  test("a count over several layers is one line per layer, each counting the keys whose construct path is in it", () => {
    const tf = readStackJson(synthApp(), environmentStackId("prod"));
    const byPath: Record<string, number> = {};
    for (const key of Object.values<any>(tf.resource?.aws_kms_key ?? {})) {
      const layer = String(key["//"].metadata.path).split("/")[1];
      byPath[layer] = (byPath[layer] ?? 0) + 1;
    }
    expect(Object.keys(byPath).length).toBeGreaterThan(1);
    const keys = estimate(view("prod")).lines.filter((l) => l.item === "KMS customer-managed keys");
    expect(Object.fromEntries(keys.map((l) => [l.layer, l.quantity]))).toEqual(byPath);
    expect(keys.every((l) => l.monthlyUsd === l.quantity * PRICES.kmsKey.usd)).toBe(true);
  });

  test("a resource's layer is the construct below its stack, the stack's own when declared in it; without a construct path it says so", () => {
    const resource = (path?: string) => ({ type: "aws_vpc", name: "x", address: "aws_vpc.x", values: path ? { "//": { metadata: { path } } } : {} });
    expect(layerOf(resource("medicare-hub-prod/network/vpc"))).toBe("network");
    expect(layerOf(resource("medicare-hub-prod/load-balancer/waf/web-acl"))).toBe("load-balancer");
    expect(layerOf(resource("medicare-hub-prod/guard"))).toBe(STACK_LAYER);
    expect(layerOf(resource())).toBe(UNKNOWN_LAYER);
  });

  test("npm run cost prints both totals with the price table's date and source", async () => {
    const stdout = await new Promise<string>((done, fail) =>
      execFile(process.execPath, ["--require", "tsx/cjs", "tools/cost.ts"], { cwd: resolve(__dirname, "../.."), timeout: 60_000 }, (error, out) => (error ? fail(error) : done(out))),
    );
    expect(stdout).toMatch(/## dev: about \$\d+\.\d\d per month/);
    expect(stdout).toMatch(/## prod: about \$\d+\.\d\d per month/);
    expect(stdout).toContain(PRICES_AS_OF);
    expect(stdout).toContain(PRICES_SOURCE);
    expect(stdout).toMatch(/Usage assumptions: natGbPerMonth = \d+/);
    expect(stdout).toContain("| item | layer | quantity | unit price | per month |");
    expect(stdout).toMatch(/^\| NAT gateways \| network \| 3 \| \$0\.045 per gateway-hour \| \$98\.55 \|$/m);
  }, 60_000);
});
