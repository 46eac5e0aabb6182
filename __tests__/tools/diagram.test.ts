import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { DEFAULT_CONFIG } from "../../config/environments";
import { planSubnets } from "../../config/subnet-plan";
import { environmentStackId } from "../../constructs/medicare-hub-stack";
import { StackView } from "../../constructs/policy/rule";
import { architectureDot } from "../../tools/diagram";
import { readStackJson, synthApp } from "../support/synth";

const ROOT = resolve(__dirname, "../..");
const prod = DEFAULT_CONFIG.environments.prod;

describe("architecture diagram", () => {
  test("the graph has a column per AZ with every tier's subnet, a NAT per AZ, and the database primary and standby", () => {
    const dot = architectureDot(new StackView(environmentStackId("prod"), readStackJson(synthApp(), environmentStackId("prod"))));
    // Node id → label lines, for the quoted ids (a tier's subnet in an AZ: "private-app_us-east-2a").
    const labels = Object.fromEntries([...dot.matchAll(/^\s*"([\w-]+)" \[label="([^"]*)"/gm)].map((m) => [m[1], m[2].split("\\n")]));
    for (const subnet of planSubnets(prod.network.vpcCidr, prod.availabilityZones)) {
      // One node per tier and AZ, the AZ's hyphens kept in its id, labelled with that subnet's own CIDR.
      expect(labels[`${subnet.tier}_${subnet.availabilityZone}`]?.slice(0, 2)).toEqual([`${subnet.tier} subnet`, subnet.cidrBlock]);
    }
    for (const az of prod.availabilityZones) expect(dot).toContain(`label="${az}"`);
    expect(dot.match(/NAT gateway/g)).toHaveLength(prod.availabilityZones.length);
    expect(dot).toContain("RDS primary");
    expect(dot).toContain("RDS standby");
    // Prod's failover chain: the recovery region's load balancer, then the maintenance page.
    expect(dot).toMatch(/route53 -> standby_alb \[label="secondary"/);
    expect(dot).toMatch(/route53 -> maintenance \[label="last resort"/);
    // Prod's recovery region, with what stands and is kept there and where it comes from.
    expect(dot).toContain('label="us-west-2: recovery region (warm standby)"');
    expect(labels.standby_app ?? dot.match(/standby_app \[label="([^"]*)"/)?.[1].split("\\n")).toEqual([
      "VPC 10.21.0.0/16, 3 AZs (us-west-2a, us-west-2b, us-west-2c)",
      "NAT per AZ, endpoints",
      "app instances (ASG 3–9)",
    ]);
    expect(dot).toMatch(/recovery_backups -> standby_db \[label="restore"/);
    expect(dot).toMatch(/"private-data_us-east-2a" -> recovery_backups \[label="replicated"/);
    expect(dot).toMatch(/efs -> recovery_files \[label="replicated"/);
    expect(dot).toContain('recovery_vault [label="AWS Backup copy vault"');
  });

  test("dev, which keeps nothing in another region, has no recovery region in its picture", () => {
    const dot = architectureDot(new StackView(environmentStackId("dev"), readStackJson(synthApp(), environmentStackId("dev"))));
    expect(dot).not.toContain("cluster_recovery");
  });

  test("npm run diagram renders the committed SVG and a PNG from synth, naming every tier and AZ of prod", async () => {
    const out = mkdtempSync(join(tmpdir(), "medicare-hub-diagram-test-"));
    await new Promise<void>((done, fail) =>
      execFile(process.execPath, ["--require", "tsx/cjs", "tools/diagram.ts", "--out", out], { cwd: ROOT, timeout: 120_000 }, (error) => (error ? fail(error) : done())),
    );
    const svg = readFileSync(join(out, "architecture.svg"), "utf8");
    const texts = svg.replace(/&#45;/g, "-");
    for (const text of [...prod.availabilityZones, "public subnet", "private-app subnet", "private-data subnet", "Application Load Balancer", "Route 53"]) {
      expect(texts).toContain(`>${text}`);
    }
    expect(svg).toBe(readFileSync(join(ROOT, "docs/architecture.svg"), "utf8"));
    const png = readFileSync(join(out, "architecture.png"));
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(png.readUInt32BE(16)).toBeGreaterThan(1000);
  }, 120_000);
});
