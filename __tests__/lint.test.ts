/**
 * The lint rules that hold the architecture: the provider's package root is never imported, and each folder's arrows
 * point one way (eslint.config.mjs). Each boundary is shown refusing a deliberately wrong import and accepting a right
 * one, linted as a file of that folder through the project's own configuration.
 */
import { execFileSync } from "node:child_process";
import { resolve } from "node:path";

const ROOT = resolve(__dirname, "..");

/**
 * The messages of linting each `[code, filePath]` as if it were that file of this repository, through ESLint's API
 * in a process of its own (its flat config is an ES module, which Jest's sandbox cannot import).
 */
function lintAll(cases: readonly (readonly [string, string])[]): string[][] {
  const script = `
    const { ESLint } = require("eslint");
    const eslint = new ESLint({ cwd: process.cwd() });
    const cases = JSON.parse(process.argv[1]);
    Promise.all(cases.map(([code, file]) => eslint.lintText(code, { filePath: require("node:path").resolve(file) })))
      .then((results) => console.log(JSON.stringify(results.map(([r]) => r.messages.map((m) => m.ruleId + ": " + m.message)))));`;
  return JSON.parse(execFileSync(process.execPath, ["-e", script, JSON.stringify(cases)], { cwd: ROOT, encoding: "utf8", timeout: 60_000 }));
}
const importing = (specifier: string) => `import * as probe from "${specifier}";\nexport const used = probe;\n`;

describe("lint", () => {
  // Assembled, so no file of this repository contains the forbidden import itself.
  const root = ["@cdktf", "provider-aws"].join("/");

  // [file linted, a wrong import it must not make, a right import it may make, what the refusal says]
  const BOUNDARIES: [string, string, string, RegExp][] = [
    ["config/probe.ts", "../constructs/naming", "./schema", /config\/ imports nothing outside config/],
    ["constructs/probe.ts", "../main", "./naming", /constructs\/ never imports the App/],
    ["constructs/probe.ts", "../tools/cli", "../config/schema", /constructs\/ never imports the App .* the tools/],
    ["constructs/probe.ts", "../terraform-state-backend/backend", "./secure-bucket", /the state backend/],
    ["constructs/app/probe.ts", "../../synth-output", "../naming", /constructs\/ never imports the App/],
    ["constructs/policy/probe.ts", "../network", "./stack-view", /never imports a layer/],
    ["constructs/policy/rules/network/probe.ts", "../../../network", "../../rule", /pure function of the synthesized JSON/],
    ["constructs/policy/rules/network/probe.ts", "../../../../main", "../../../../config/windows", /constructs\/ never imports the App/],
    ["terraform-state-backend/probe.ts", "../constructs/network", "../constructs/secure-bucket", /shared building blocks only/],
    ["terraform-state-backend/probe.ts", "../tools/cli", "./backend", /never imports the App or the tools/],
    ["tools/probe.ts", "../constructs/medicare-hub-stack", "../constructs/naming", /never a layer/],
    ["tools/probe.ts", "../constructs/load-balancer", "../constructs/policy/stack-view", /never a layer/],
    ["synth-output.ts", "./main", "node:path", /imports nothing of ours/],
  ];

  // Construct props: every member documented, every optional member with its @default on a line of its own.
  const PROPS_CASES: [string, string, RegExp | undefined][] = [
    ["an undocumented member", "export interface ProbeProps {\n  readonly size: number;\n}\n", /^jsdoc\/require-jsdoc: /],
    ["an optional member without @default", "export interface ProbeProps {\n  /** How many. */\n  readonly size?: number;\n}\n", /^jsdoc\/no-restricted-syntax: .*@default/],
    ["an optional member with @default only mid-line", "export interface ProbeProps {\n  /** How many. @default 3 */\n  readonly size?: number;\n}\n", /^jsdoc\/no-restricted-syntax: .*@default/],
    ["documented members, the optional one with its @default", "export interface ProbeProps {\n  /** How many. */\n  readonly size: number;\n  /**\n   * How long.\n   * @default 3\n   */\n  readonly length?: number;\n}\n", undefined],
  ];

  let results: string[][];
  let propsResults: string[][];
  beforeAll(() => {
    const all = lintAll([
      [`import { vpc } from "${root}";\nimport { Vpc } from "${root}/lib/vpc";\nexport const v = [vpc, Vpc];\n`, "constructs/probe.ts"],
      ...BOUNDARIES.flatMap(([file, wrong, right]) => [[importing(wrong), file], [importing(right), file]] as const),
      ...PROPS_CASES.map(([, code]) => [code, "constructs/probe.ts"] as const),
    ]);
    results = all.slice(0, 1 + 2 * BOUNDARIES.length);
    propsResults = all.slice(1 + 2 * BOUNDARIES.length);
  });

  test.each(PROPS_CASES.map((c, i) => [...c, i] as const))("construct props: %s", (_name, _code, says, i) => {
    if (says) expect(propsResults[i]).toEqual([expect.stringMatching(says)]);
    else expect(propsResults[i]).toEqual([]);
  });

  test("forbids importing the root of @cdktf/provider-aws, saying why and what to do instead, and allows deep imports", () => {
    expect(results[0]).toEqual([expect.stringMatching(/^no-restricted-imports: .*deep path \(@cdktf\/provider-aws\/lib\/<resource>\).*~6 s/)]);
  });

  test.each(BOUNDARIES.map((boundary, i) => [...boundary, i] as const))("%s may not import %s (and may import %s)", (_file, _wrong, _right, says, i) => {
    // A file under several folders' rules may be told by more than one; every message is the import boundary's.
    expect(results[1 + 2 * i]).toEqual(expect.arrayContaining([expect.stringMatching(says)]));
    for (const message of results[1 + 2 * i]) expect(message).toMatch(/^no-restricted-imports: /);
    expect(results[2 + 2 * i]).toEqual([]);
  });
});
