/**
 * What every tools/ command shares: how it ends the process, and how invalid configuration is reported. Kept free
 * of cdktf imports so light commands (bench, gameday) stay light.
 */
import { ConfigError } from "../config/load";

/** Runs a command's async main as the process: its result is the exit code; an unexpected error prints and exits 1. */
export function runMain(main: () => Promise<number> | number): void {
  Promise.resolve()
    .then(main)
    .then(
      (code) => (process.exitCode = code),
      (error: Error) => {
        console.error(error.message);
        process.exitCode = 1;
      },
    );
}

/** Runs `fn`; invalid configuration is printed (field, value, what is allowed) and becomes exit code 1. */
export async function exitOnConfigError(fn: () => Promise<number> | number): Promise<number> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      return 1;
    }
    throw error;
  }
}
