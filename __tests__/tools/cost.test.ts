import { execFile } from "node:child_process";
import { resolve } from "node:path";
import { DEFAULT_CONFIG } from "../../config/environments";
import { environmentStackId } from "../../constructs/medicare-hub-stack";
import { StackView } from "../../constructs/policy/rule";
import { estimate } from "../../tools/cost";
import { HOURS_PER_MONTH, PRICES, PRICES_AS_OF, PRICES_SOURCE } from "../../tools/data/prices";
import { readStackJson, synthApp } from "../support/synth";

const view = (env: "dev" | "prod") => new StackView(environmentStackId(env), readStackJson(synthApp(), environmentStackId(env)));
const lineOf = (env: "dev" | "prod", prefix: string) => estimate(view(env)).lines.find((l) => l.item.startsWith(prefix));

describe("cost estimate", () => {
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

  test("npm run cost prints both totals with the price table's date and source", async () => {
    const stdout = await new Promise<string>((done, fail) =>
      execFile(process.execPath, ["--require", "tsx/cjs", "tools/cost.ts"], { cwd: resolve(__dirname, "../.."), timeout: 60_000 }, (error, out) => (error ? fail(error) : done(out))),
    );
    expect(stdout).toMatch(/## dev: about \$\d+\.\d\d per month/);
    expect(stdout).toMatch(/## prod: about \$\d+\.\d\d per month/);
    expect(stdout).toContain(PRICES_AS_OF);
    expect(stdout).toContain(PRICES_SOURCE);
    expect(stdout).toMatch(/Usage assumptions: natGbPerMonth = \d+/);
  }, 60_000);
});
