/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/__tests__"],
  testMatch: ["**/*.test.ts"],
  // ts-jest transpiles each file on its own (tsconfig isolatedModules); `npm run typecheck` does the type checking.
  transform: { "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.json" }] },
  setupFilesAfterEnv: ["<rootDir>/setup.js"],
  // Synthesizes the default configuration once for all test files (see __tests__/support/synth.ts).
  globalSetup: "<rootDir>/__tests__/support/global-setup.ts",
  // ...and removes every temporary directory of the run (global-setup.ts points TMPDIR into one root).
  globalTeardown: "<rootDir>/__tests__/support/global-teardown.ts",
  // Terraform-running suites spend their time in child processes; two workers keep both cores busy.
  maxWorkers: 2,
  testTimeout: 30000,
};
