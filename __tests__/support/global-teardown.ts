/** Jest globalTeardown: removes the run's temporary root (global-setup.ts), whatever the tests left in it. */
import { rmSync } from "node:fs";
import { RUN_TMP_ENV } from "./global-setup";

export default function globalTeardown(): void {
  const root = process.env[RUN_TMP_ENV];
  if (root && /medicare-hub-tests-/.test(root)) rmSync(root, { recursive: true, force: true });
}
