/**
 * Suites that need an external tool (terraform, shellcheck): skipped with a loud warning where it is missing, failed
 * instead when the tool's REQUIRE_* variable is 1 (CI), so CI can never pass by skipping.
 */
import { execFileSync } from "node:child_process";

export interface RequiredTool {
  /** Binary to run. */
  readonly binary: string;
  /** Variable that turns a missing tool into a failure, e.g. REQUIRE_TERRAFORM. */
  readonly requireVariable: string;
  /** How to get the tool, for the message. */
  readonly installHint: string;
  /** Arguments that make the binary print its version and exit 0. @default ["--version"] */
  readonly versionArgs?: readonly string[];
}

export function toolAvailable(tool: RequiredTool): boolean {
  try {
    execFileSync(tool.binary, tool.versionArgs ?? ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

export function describeWithTool(tool: RequiredTool, name: string, body: () => void): void {
  const missing = `"${tool.binary}" could not be run. ${tool.installHint}`;
  if (toolAvailable(tool)) {
    describe(name, body);
  } else if (process.env[tool.requireVariable] === "1") {
    describe(name, () => {
      test(`${tool.binary} is available (${tool.requireVariable}=1)`, () => {
        throw new Error(`${missing}, or unset ${tool.requireVariable} to skip these tests.`);
      });
    });
  } else {
    const banner = "!".repeat(78);
    console.warn(`${banner}\nSKIPPED "${name}": ${missing}.\nCI sets ${tool.requireVariable}=1 and fails instead.\n${banner}`);
    describe.skip(name, body);
  }
}
