/**
 * Jest globalSetup: synthesizes the default configuration once (JSON and HCL) for every test file to read, instead
 * of once per file. Workers inherit the environment variables naming the directories.
 */
import { SHARED_SYNTH_ENV, synthFresh } from "./synth";

export default function globalSetup(): void {
  process.env[SHARED_SYNTH_ENV.json] = synthFresh().outdir;
  process.env[SHARED_SYNTH_ENV.hcl] = synthFresh({ hcl: true }).outdir;
}
