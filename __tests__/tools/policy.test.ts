import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { OVERRIDE_FILE_ENV } from "../../config/load";
import { POLICY_RULES } from "../../constructs/policy/pack";
import { README_MARKERS, evaluateApp, exitCode, reportMarkdown, rulesMarkdown } from "../../tools/policy";

const ROOT = resolve(__dirname, "../..");
const work = mkdtempSync(join(tmpdir(), "medicare-hub-policy-cli-"));

function policy(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, ["--require", "tsx/cjs", "tools/policy.ts", ...args], { cwd: ROOT, env: { ...process.env, ...env }, timeout: 60_000 }, (error, stdout, stderr) =>
      done({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}

describe("npm run policy", () => {
  test("tables every rule against every stack, shows dev's suppressions with their reasons, exits 0", async () => {
    const markdown = join(work, "report.md");
    const run = await policy(["--markdown", markdown]);
    expect(run.code).toBe(0);
    const report = readFileSync(markdown, "utf8");
    expect(report).toContain("| rule | severity | medicare-hub-state | medicare-hub-dev | medicare-hub-prod |");
    for (const rule of POLICY_RULES) expect(report).toContain(`| ${rule.id} `);
    expect(report).toMatch(/\| MH-NET-3 [^\n]*\| n\/a \| suppressed: Cost switch natGateways "single"[^\n]*\| pass \|/);
    expect(report).toContain("No unsuppressed failures.");
    expect(run.stdout).toContain(report.trim().split("\n")[0]);
  }, 60_000);

  test("exits 1 and lists the failure when the configuration breaks a rule", () => {
    const override = join(work, "single-az.json");
    writeFileSync(override, JSON.stringify({ environments: { prod: { database: { multiAz: false } } } }));
    const previous = process.env[OVERRIDE_FILE_ENV];
    process.env[OVERRIDE_FILE_ENV] = override;
    try {
      const results = evaluateApp();
      expect(exitCode(results)).toBe(1);
      const report = reportMarkdown(results);
      expect(report).toMatch(/\| MH-RDS-1 [^\n]*\| FAIL \(1\) \|/);
      expect(report).toMatch(/\*\*medicare-hub-prod\*\* MH-RDS-1 `aws_db_instance.database_instance`/);
    } finally {
      if (previous === undefined) delete process.env[OVERRIDE_FILE_ENV];
      else process.env[OVERRIDE_FILE_ENV] = previous;
    }
  });
});

test("the README lists every rule of the pack, as generated from it", () => {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  const [open, close] = README_MARKERS;
  const section = readme.slice(readme.indexOf(open) + open.length, readme.indexOf(close)).trim();
  expect(section).toBe(rulesMarkdown());
});
