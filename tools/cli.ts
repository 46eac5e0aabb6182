/**
 * What every tools/ command shares: how it ends the process, and how invalid configuration is reported. Kept free
 * of cdktf imports so light commands (bench, gameday) stay light.
 */
import { parseArgs } from "node:util";
import { ConfigError } from "../config/load";

/** A command line the user got wrong: printed with the usage, exit code 2. */
export class UsageError extends Error {}

/** What a command accepts. */
export interface CommandLineSpec {
  /** The command's usage, one line per form, without the leading "usage: ". */
  readonly usage: string;
  /** Its flags (`--name`): a string flag takes a value, a boolean one does not. `--help`/`-h` is always added. */
  readonly options: Readonly<Record<string, { readonly type: "string" | "boolean" }>>;
  /** How many positional arguments it takes. @default none */
  readonly positionals?: { readonly min: number; readonly max: number };
}

/** A parsed command line: each flag's value (undefined when absent) and the positional arguments. */
export interface CommandLine {
  readonly values: Readonly<Record<string, string | boolean | undefined>>;
  readonly positionals: readonly string[];
}

/**
 * Node's `util.parseArgs`, strict: an unknown flag, a flag without its value or the wrong number of arguments is a
 * `UsageError` that names it and carries the usage. `--help` returns "help".
 */
export function parseCommandLine(argv: readonly string[], spec: CommandLineSpec): CommandLine | "help" {
  const { min, max } = spec.positionals ?? { min: 0, max: 0 };
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: [...argv], options: { ...spec.options, help: { type: "boolean", short: "h" } }, allowPositionals: max > 0, strict: true });
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\nusage: ${spec.usage}`);
  }
  if (parsed.values.help) return "help";
  if (parsed.positionals.length < min || parsed.positionals.length > max) {
    const expected = min === max ? `${min}` : `${min} to ${max}`;
    throw new UsageError(`expected ${expected} argument(s), got ${parsed.positionals.length}${parsed.positionals.length ? ` (${parsed.positionals.join(" ")})` : ""}\nusage: ${spec.usage}`);
  }
  return { values: parsed.values as CommandLine["values"], positionals: parsed.positionals };
}

/** A string flag's value, or `fallback`. */
export function flag(line: CommandLine, name: string, fallback?: string): string | undefined {
  const value = line.values[name];
  return typeof value === "string" ? value : fallback;
}

/** The formats of the report commands (`--format`): markdown for people (the default), json for programs. */
export const OUTPUT_FORMATS = ["markdown", "json"] as const;

/** The `--format` flag's value; anything but markdown or json is a UsageError naming it. */
export function outputFormat(line: CommandLine, usage: string): (typeof OUTPUT_FORMATS)[number] {
  const format = flag(line, "format", "markdown") as string;
  if (!(OUTPUT_FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format takes ${OUTPUT_FORMATS.join(" or ")}; got "${format}"\nusage: ${usage}`);
  return format as (typeof OUTPUT_FORMATS)[number];
}

/**
 * Runs a command as the process with its command line: `--help` prints the usage (exit 0); a usage error prints it
 * with the problem (exit 2); otherwise `main`'s result is the exit code.
 */
export function runCommand(spec: CommandLineSpec, main: (line: CommandLine) => Promise<number> | number): void {
  runMain(() => {
    const line = parseCommandLine(process.argv.slice(2), spec);
    if (line === "help") {
      console.log(`usage: ${spec.usage}`);
      return 0;
    }
    return main(line);
  });
}

/**
 * Runs a command's async main as the process: its result is the exit code; a usage error prints and exits 2, an
 * unexpected error prints and exits 1.
 */
export function runMain(main: () => Promise<number> | number): void {
  Promise.resolve()
    .then(main)
    .then(
      (code) => (process.exitCode = code),
      (error: Error) => {
        console.error(error.message);
        process.exitCode = error instanceof UsageError ? 2 : 1;
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
