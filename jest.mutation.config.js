/**
 * Jest for `npm run mutate` (Stryker, stryker.config.mjs): the unit suites of the layers, without the suites that
 * run Terraform (`__tests__/terraform/`: they read the same synthesized JSON through `terraform`, and take minutes)
 * and without the CLI suites (`__tests__/tools/`: they test tools/, which is not mutated, through child processes).
 *
 * MUTATE_TESTS narrows the run to some test files: comma-separated globs relative to the repository, e.g.
 * `MUTATE_TESTS='__tests__/config/**' npm run mutate -- --mutate 'config/**\/*.ts'`.
 *
 * This file is also the run's globalSetup. Jest calls the exported function without arguments to read this
 * configuration, and with (globalConfig, projectConfig) before each run; see setUpRun.
 */
const { tmpdir } = require("node:os");
const { dirname, join, sep } = require("node:path");
const base = require("./jest.config.js");

const narrowed = (process.env.MUTATE_TESTS ?? "")
  .split(",")
  .map((glob) => glob.trim())
  .filter(Boolean);

const CONFIG = {
  ...base,
  // The whole project, not only __tests__/: Stryker runs the suites related to the mutated file (--findRelatedTests),
  // and Jest follows imports only through files under its roots (test → support/synth.ts → main.ts → the layers).
  roots: ["<rootDir>"],
  modulePathIgnorePatterns: ["<rootDir>/.stryker-tmp/", "<rootDir>/cdktf.out/"],
  testPathIgnorePatterns: ["/node_modules/", "<rootDir>/.stryker-tmp/", "<rootDir>/__tests__/terraform/", "<rootDir>/__tests__/tools/"],
  ...(narrowed.length > 0 ? { testMatch: narrowed.map((glob) => `<rootDir>/${glob}`) } : {}),
  globalSetup: __filename,
};

/** TMPDIR as Stryker started this process: __tests__/support/global-setup.ts moves it into each run's own root. */
const ORIGINAL_TMPDIR = process.env.TMPDIR;

/**
 * The project's globalSetup (__tests__/support/global-setup.ts: the default configuration synthesized once for every
 * suite to read), with the mutant under test active in it. Stryker runs Jest over and over in one process, and
 * globalSetup runs outside any test environment: the layers it loads stay in Node's module cache from one run to
 * the next, and they would otherwise read Stryker's switches from a global no test environment shares. So each run:
 * - points the process's `__stryker__` global at the context Stryker gives every test environment, so the synth
 *   records its coverage there (in the dry run) and sees the active mutant (set from __STRYKER_ACTIVE_MUTANT__ by
 *   each module as it loads);
 * - drops this repository's modules from the cache, so module-level code (constants, tables) runs again under the
 *   new mutant;
 * - starts from the original TMPDIR, since the previous run's root is gone (global-teardown.ts).
 */
async function setUpRun(globalConfig, projectConfig) {
  globalThis.__stryker__ = strykerInstrumenterContext();
  const root = __dirname + sep;
  for (const file of Object.keys(require.cache)) {
    if (file.startsWith(root) && !file.includes(`${sep}node_modules${sep}`) && file !== __filename) delete require.cache[file];
  }
  if (ORIGINAL_TMPDIR === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = ORIGINAL_TMPDIR;
  const { SHARED_SYNTH_ENV } = require("./__tests__/support/synth.ts");
  const setup = require("./__tests__/support/global-setup.ts");
  try {
    await (setup.default ?? setup)(globalConfig, projectConfig);
  } catch {
    // The mutant breaks the default synth (a guardrail refuses it, a construct throws): `npm test` would stop in its
    // globalSetup. Throwing here would make the run an error, which Stryker leaves out of the score; instead every
    // suite that reads the shared synth fails at once, with this path in its message.
    const nowhere = join(tmpdir(), "the-default-configuration-does-not-synthesize");
    for (const variable of Object.values(SHARED_SYNTH_ENV)) process.env[variable] = nowhere;
  }
}

/**
 * The `__stryker__` object Stryker's Jest plugin gives every test environment. An internal of the pinned version:
 * when an upgrade moves it, this throws rather than let every mutant the shared synth would catch survive.
 */
function strykerInstrumenterContext() {
  const plugin = dirname(require.resolve("@stryker-mutator/jest-runner/package.json"));
  return require(join(plugin, "dist", "src", "jest-plugins", "messaging.cjs")).state.instrumenterContext;
}

module.exports = function mutationJest(globalConfig, projectConfig) {
  return globalConfig === undefined ? CONFIG : setUpRun(globalConfig, projectConfig);
};
