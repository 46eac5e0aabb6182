/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/__tests__"],
  testMatch: ["**/*.test.ts"],
  // ts-jest transpiles each file on its own (tsconfig isolatedModules); `npm run typecheck` does the type checking.
  transform: { "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.json" }] },
  setupFilesAfterEnv: ["<rootDir>/setup.js"],
  // Terraform-running suites spend their time in child processes; two workers keep both cores busy.
  maxWorkers: 2,
  testTimeout: 30000,
};
