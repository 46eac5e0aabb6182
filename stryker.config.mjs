// @ts-check
/**
 * Mutation testing of the layers (`npm run mutate`; README "Mutation testing"). Stryker copies the project into
 * .stryker-tmp/, mutates the sources there one change at a time and runs the Jest suites of jest.mutation.config.js
 * against each mutant. Reports and the incremental file go to reports/mutation/ (gitignored).
 *
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
const config = {
  mutate: [
    "config/**/*.ts",
    "constructs/**/*.ts",
    "!**/*.d.ts",
    // Shipped as they are (a shell script, the canary's script, a static page), not compiled from TypeScript.
    "!constructs/app/*.sh",
    "!constructs/canary/*.js",
    "!constructs/maintenance/**",
  ],
  testRunner: "jest",
  jest: { configFile: "jest.mutation.config.js", enableFindRelatedTests: true },
  coverageAnalysis: "perTest",
  // Mutants that do not compile (a third to a half of them here) are set aside by one type check each instead of a
  // test run.
  checkers: ["typescript"],
  tsconfigFile: "tsconfig.json",
  reporters: ["clear-text", "progress", "html", "json"],
  htmlReporter: { fileName: "reports/mutation/index.html" },
  jsonReporter: { fileName: "reports/mutation/mutation.json" },
  clearTextReporter: { allowColor: false, reportTests: false, reportScoreTable: true },
  incremental: true,
  incrementalFile: "reports/mutation/stryker-incremental.json",
  // Every mutant of a layer reruns the suites that synthesize the App: allow for a loaded machine before calling a
  // slow run a timeout (an infinite loop).
  timeoutMS: 30_000,
  timeoutFactor: 2,
  dryRunTimeoutMinutes: 30,
  // Not copied into the sandbox: generated output, reports and local Terraform state.
  ignorePatterns: ["/cdktf.out", "/.gen", "/export", "/.bench", "/reports", "/coverage", "*.tfstate", "*.tfstate.*", ".terraform/"],
  thresholds: { high: 80, low: 60, break: null },
};

export default config;
