/**
 * `npm run synth` (tools/synth.ts) and the cdktf app entry (main.ts) as processes: exit codes, what they print and,
 * above all, that invalid configuration writes nothing.
 */
import { execFile } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { OVERRIDE_FILE_ENV } from "../../config/load";
import { run as synthRun } from "../../tools/synth";
import { synthApp } from "../support/synth";
import { describeWithTerraform, terraform } from "../terraform/harness";

const ROOT = resolve(__dirname, "../..");
/** As package.json and cdktf.json run it. */
const NODE_ARGS = ["--max-semi-space-size=4", "--require", "tsx/cjs"];
const work = mkdtempSync(join(tmpdir(), "medicare-hub-synth-cli-"));

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function runScript(script: string, args: string[], env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((done) => {
    execFile(process.execPath, [...NODE_ARGS, script, ...args], { cwd: ROOT, env: { ...process.env, ...env }, timeout: 60_000 }, (error, stdout, stderr) => {
      done({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

function overrideFile(name: string, content: unknown): string {
  const path = join(work, `${name}.json`);
  writeFileSync(path, JSON.stringify(content));
  return path;
}

/** The bad-config cases the foundation must refuse, each with the field its message must name. */
const CASES = [
  { name: "malformed CIDR", field: "network.vpcCidr", override: { environments: { dev: { network: { vpcCidr: "10.10.0.0" } } } } },
  { name: "oversized CIDR", field: "network.vpcCidr", override: { environments: { prod: { network: { vpcCidr: "10.0.0.0/12" } } } } },
  { name: "fewer than 2 AZs", field: "availabilityZones", override: { environments: { prod: { availabilityZones: ["us-east-2a"] } } } },
  { name: "duplicate AZs", field: "availabilityZones[1]", override: { environments: { dev: { availabilityZones: ["us-east-2b", "us-east-2b"] } } } },
  { name: "AZ not in the region", field: "availabilityZones[0]", override: { environments: { dev: { availabilityZones: ["eu-west-1a", "us-east-2b"] } } } },
  { name: "min > max capacity", field: "app.minCapacity", override: { environments: { prod: { app: { minCapacity: 10, desiredCapacity: 10 } } } } },
  { name: "backup retention 0", field: "database.backupRetentionDays", override: { environments: { dev: { database: { backupRetentionDays: 0 } } } } },
  { name: "backup retention 40", field: "database.backupRetentionDays", override: { environments: { prod: { database: { backupRetentionDays: 40 } } } } },
  { name: "unknown environment name", field: "(environment)", override: { environments: { qa: {} } } },
  { name: "typo in a key", field: "network.natGateway", override: { environments: { dev: { network: { natGateway: "single" } } } } },
];

/**
 * tools/synth.ts's run() in this process: what it returns (the process's exit code), prints to stderr, and whether it
 * wrote the output. `outdir` defaults to one named after the case.
 */
function runInProcess(name: string, override: unknown, outdir = join(work, `out-${name.replace(/\W+/g, "-")}`)): Run & { outdir: string; file: string } {
  const printed: string[] = [];
  const spy = jest.spyOn(console, "error").mockImplementation((...args: unknown[]) => void printed.push(args.join(" ")));
  const file = overrideFile(name, override);
  try {
    const code = synthRun(["--outdir", outdir], { [OVERRIDE_FILE_ENV]: file });
    return { code, stdout: "", stderr: printed.join("\n"), outdir, file };
  } finally {
    spy.mockRestore();
  }
}

describe("synth with invalid configuration", () => {

  // The configuration cases run in this process: the message is the point. The process itself (exit code, nothing
  // on disk) is shown once below, by each entry point.
  test.each(CASES)("$name: exits non-zero, names the field and writes no output directory", ({ name, field, override }) => {
    const run = runInProcess(name, override);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`field ${field}: got`);
    expect(run.stderr).toContain("nothing was synthesized");
    expect(existsSync(run.outdir)).toBe(false);
  });

  test("as a process (npm run synth): exits 1 with the field named, and writes no output directory", async () => {
    const outdir = join(work, "out-process");
    const run = await runScript("tools/synth.ts", ["--outdir", outdir], { [OVERRIDE_FILE_ENV]: overrideFile("process", CASES[0].override) });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`field ${CASES[0].field}: got`);
    expect(existsSync(outdir)).toBe(false);
  });

  test("through the cdktf app entry (main.ts, as `cdktf synth` runs it) too", async () => {
    const outdir = join(work, "out-cdktf-entry");
    const run = await runScript("main.ts", [], {
      CDKTF_OUTDIR: outdir,
      [OVERRIDE_FILE_ENV]: overrideFile("entry", CASES[2].override),
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("field availabilityZones: got");
    expect(existsSync(outdir)).toBe(false);
  });

  test("leaves an earlier good output untouched", async () => {
    const outdir = join(work, "out-kept");
    // An earlier good output (the shared synth of the committed configuration, copied).
    cpSync(synthApp().outdir, outdir, { recursive: true });
    const manifest = join(outdir, "manifest.json");
    const before = { text: readFileSync(manifest, "utf8"), mtime: statSync(manifest).mtimeMs };
    const run = await runScript("tools/synth.ts", ["--outdir", outdir], { [OVERRIDE_FILE_ENV]: overrideFile("kept", CASES[0].override) });
    expect(run.code).toBe(1);
    expect({ text: readFileSync(manifest, "utf8"), mtime: statSync(manifest).mtimeMs }).toEqual(before);
  }, 60_000);
});

describe("synth with configuration that breaks a guardrail", () => {
  // In this process, like the configuration cases: run()'s result is the process's exit code (tools/synth.ts), and
  // the refusal path's process is shown below ("a refusal writes nothing").
  test("a single-AZ database, one NAT gateway, no WAF and short logs in prod: exits 1 naming each rule, leaves no output", () => {
    const override = {
      environments: { prod: { database: { multiAz: false }, network: { natGateways: "single" }, loadBalancer: { waf: false }, logRetentionDays: 30 } },
    };
    const { file, outdir, ...run } = runInProcess("guardrails", override);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("Synth refused");
    for (const rule of ["MH-RDS-1", "MH-NET-3", "MH-ELB-7", "MH-OBS-2"]) expect(run.stderr).toContain(`[medicare-hub-prod] ${rule} `);
    // Each refusal names the configuration field that fixes it, its value and the file it came from.
    for (const field of ["database.multiAz = false", 'network.natGateways = "single"', "loadBalancer.waf = false", "logRetentionDays = 30"]) {
      expect(run.stderr).toContain(`environments.prod.${field} (from ${file})`);
    }
    expect(existsSync(outdir)).toBe(false);
  });

  test("a refusal writes nothing: an earlier output is left as it was, not written over and then deleted", async () => {
    const outdir = join(work, "out-guardrails-kept");
    mkdirSync(join(outdir, "stacks", "earlier"), { recursive: true });
    writeFileSync(join(outdir, "stacks", "earlier", "cdk.tf.json"), "{}");
    const run = await runScript("tools/synth.ts", ["--outdir", outdir], { [OVERRIDE_FILE_ENV]: overrideFile("guardrails-kept", { environments: { prod: { loadBalancer: { waf: false } } } }) });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("Nothing was written.");
    expect(readdirSync(join(outdir, "stacks"))).toEqual(["earlier"]);
  }, 60_000);

  test("one AZ or fewer instances than AZs are refused by config validation already, citing the guardrail", () => {
    const run = runInProcess("one-az", {
      environments: { prod: { availabilityZones: ["us-east-2a"] }, dev: { app: { minCapacity: 1, desiredCapacity: 1 } } },
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/environment "prod", field availabilityZones: got .*\n.*guardrail MH-NET-2/);
    expect(run.stderr).toMatch(/environment "dev", field app.minCapacity: got 1 .*\n.*guardrail MH-CMP-5/);
    expect(existsSync(run.outdir)).toBe(false);
  });
});

describe("synth with valid configuration", () => {
  // Run with nothing but node on PATH: JSON needs no Terraform (only --hcl formats with it), so a fresh machine's
  // `npm ci && npm run synth` works without it, and synth never runs `terraform version` (cdktf's DataResource does at
  // every synth, and reaches checkpoint-api.hashicorp.com when CHECKPOINT_DISABLE is unset).
  test("writes cdk.tf.json for all three stacks into a clean directory, removing stale files, with no terraform on PATH", async () => {
    const bin = mkdtempSync(join(tmpdir(), "medicare-hub-node-only-"));
    symlinkSync(process.execPath, join(bin, "node"));
    const outdir = join(work, "out-good");
    const stale = join(outdir, "stacks", "medicare-hub-dev");
    mkdirSync(stale, { recursive: true });
    writeFileSync(join(stale, "cdk.tf"), "# left by an earlier synth --hcl\n");
    writeFileSync(join(outdir, "stacks", "stale-marker"), "");

    const run = await runScript("tools/synth.ts", ["--outdir", outdir], { PATH: bin });
    expect(run.stderr).not.toMatch(/terraform version|Could not determine version/);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("medicare-hub-state, medicare-hub-dev, medicare-hub-prod, medicare-hub-audit");
    const stacks = readdirSync(join(outdir, "stacks")).sort();
    expect(stacks).toEqual(["medicare-hub-audit", "medicare-hub-dev", "medicare-hub-prod", "medicare-hub-state"]);
    for (const stack of stacks) {
      expect(readdirSync(join(outdir, "stacks", stack)).filter((f) => f.startsWith("cdk.tf"))).toEqual(["cdk.tf.json"]);
    }
  }, 60_000);

  test("refuses unknown arguments with usage", async () => {
    const run = await runScript("tools/synth.ts", ["--hlc"], {});
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("Unknown option '--hlc'");
    expect(run.stderr).toMatch(/usage: npm run synth -- \[--outdir DIR\]/);
  });
});

describe("synth --hcl", () => {
  test("refuses to start without terraform (it formats the HCL) and writes nothing", async () => {
    const outdir = join(work, "out-hcl-no-terraform");
    const run = await runScript("tools/synth.ts", ["--hcl", "--outdir", outdir], { TERRAFORM_BINARY: "/nonexistent/terraform" });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/formats its output with "\/nonexistent\/terraform fmt".*nothing was written/);
    expect(existsSync(outdir)).toBe(false);
  });
});

describeWithTerraform("synth --hcl with terraform", () => {
  test("writes only cdk.tf for all three stacks, already as terraform fmt wants it", async () => {
    const outdir = join(work, "out-hcl");
    const run = await runScript("tools/synth.ts", ["--hcl", "--outdir", outdir], {});
    expect(run.code).toBe(0);
    const stacks = readdirSync(join(outdir, "stacks"));
    expect(stacks).toHaveLength(4);
    for (const stack of stacks) {
      expect(readdirSync(join(outdir, "stacks", stack)).filter((f) => f.startsWith("cdk.tf"))).toEqual(["cdk.tf"]);
    }
    const check = await terraform(outdir, ["fmt", "-check", "-recursive", "-list=true"], true);
    expect({ code: check.code, unformatted: check.stdout }).toEqual({ code: 0, unformatted: "" });
  }, 60_000);
});
