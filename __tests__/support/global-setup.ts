/**
 * Jest globalSetup: synthesizes the default configuration once (JSON and HCL) for every test file to read, instead
 * of once per file. Workers inherit the environment variables naming the directories.
 *
 * Every temporary directory of the run (these synths, the tests' own, their child processes', Terraform's) goes under
 * one root: TMPDIR is pointed at it, which os.tmpdir() and child processes read, and global-teardown.ts removes it.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SHARED_SYNTH_ENV, synthFresh } from "./synth";

/** The run's temporary root, for global-teardown.ts. */
export const RUN_TMP_ENV = "MEDICARE_HUB_TEST_TMP";

export default function globalSetup(): void {
  const root = mkdtempSync(join(tmpdir(), "medicare-hub-tests-"));
  process.env[RUN_TMP_ENV] = root;
  process.env.TMPDIR = root;
  process.env[SHARED_SYNTH_ENV.json] = synthFresh().outdir;
  process.env[SHARED_SYNTH_ENV.hcl] = synthFresh({ hcl: true }).outdir;
}
