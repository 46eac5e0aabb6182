/**
 * What each tool loads before it does anything: the tools that read synthesized output, call AWS or format a plan must
 * not load cdktf, the provider bindings or the constructs (hundreds of modules, seconds, hundreds of MB) until they
 * synthesize, if they ever do. Measured in a fresh Node.js per tool, as `npm run` starts them.
 */
import { execFileSync } from "node:child_process";
import { resolve } from "node:path";

const ROOT = resolve(__dirname, "..");

/** Modules of cdktf, the provider or constructs (and of our layers) loaded by requiring `file`, which runs nothing. */
function heavyModulesLoadedBy(files: readonly string[]): Record<string, string[]> {
  const script = `
    const results = {};
    for (const file of JSON.parse(process.argv[1])) {
      for (const key of Object.keys(require.cache)) delete require.cache[key];
      require(require("node:path").resolve(file));
      results[file] = Object.keys(require.cache).filter((m) =>
        /node_modules\\/(cdktf|@cdktf|constructs)\\//.test(m) || /\\/constructs\\/(?!naming|aws-facts|app\\/user-data|policy\\/)[\\w-]+\\.ts$/.test(m));
    }
    console.log(JSON.stringify(results));`;
  return JSON.parse(execFileSync(process.execPath, ["--require", "tsx/cjs", "-e", script, JSON.stringify(files)], { cwd: ROOT, encoding: "utf8", timeout: 120_000 }));
}

test("tools that do not synthesize, or have not yet, load no cdktf, provider or layer module", () => {
  // Each exports its functions and runs only as `require.main`: requiring it runs nothing.
  const light = [
    ...["tools/gameday.ts", "tools/plan-summary.ts", "tools/plan-check.ts", "tools/drift-report.ts", "tools/availability.ts", "tools/cost.ts", "tools/recovery-report.ts", "tools/inventory.ts", "tools/diagram.ts", "tools/cli.ts"],
    // The comparisons read synth outputs: only a head built from the current configuration loads the App, when asked.
    ...["tools/policy.ts", "tools/cost-delta.ts", "tools/policy-delta.ts", "tools/base-output.ts", "tools/synthesized.ts"],
  ];
  const loaded = heavyModulesLoadedBy(light);
  expect(Object.keys(loaded).sort()).toEqual([...light].sort());
  for (const file of light) expect({ file, heavy: loaded[file] }).toEqual({ file, heavy: [] });
});

test("the measure can fail: the App itself loads cdktf and the layers", () => {
  const loaded = heavyModulesLoadedBy(["main.ts"]);
  expect(loaded["main.ts"].some((m) => /node_modules\/cdktf\//.test(m))).toBe(true);
  expect(loaded["main.ts"].some((m) => /\/constructs\/medicare-hub-stack\.ts$/.test(m))).toBe(true);
});
