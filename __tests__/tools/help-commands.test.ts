/**
 * Every `npm run` command the help file lists, run as a real process exactly as package.json runs it, with its
 * cheapest offline invocation. A help line naming a script that does not exist, a script that no longer starts (a
 * moved file, a module error), or a flag the help file shows that the tool does not accept, fails here. `npm test` and
 * the cdktf CLI are not run.
 *
 * Every tool answers --help with its usage (tools/cli.ts), which is the invocation used unless SMOKE says otherwise:
 * no command here synthesizes, reaches AWS or writes into the checkout.
 */
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";

const ROOT = resolve(__dirname, "../..");
const SCRIPTS: Record<string, string> = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).scripts;
/** A command that runs longer than this is killed and fails its test. */
const PROCESS_TIMEOUT_MS = 30_000;
/** Processes at once: the machine's two cores are shared with jest's other worker. */
const PARALLEL = 2;

interface HelpCommand {
  /** As the help file writes it after `npm run `: `export -- --env prod --out handoff`. */
  readonly command: string;
  readonly script: string;
}

/** The help file's `npm run <script> [-- <args>]` commands, without repeats. */
function helpCommands(): HelpCommand[] {
  const found = new Map<string, string>();
  for (const line of readFileSync(join(ROOT, "help"), "utf8").split("\n")) {
    // Arguments end where the description starts (two or more spaces) or at the end of the line.
    for (const m of line.matchAll(/npm run ([\w:-]+)(?: -- (.+?))?(?= {2,}|$)/g)) found.set(m[2] ? `${m[1]} -- ${m[2]}` : m[1], m[1]);
  }
  return [...found].map(([command, script]) => ({ command, script }));
}

interface Invocation {
  /** Arguments after the package.json script's own. */
  readonly args: readonly string[];
  readonly code: number;
  /** Output the process must print. */
  readonly stdout?: readonly (RegExp | string)[];
  readonly stderr?: readonly (RegExp | string)[];
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * `--help`: exit 0 and a usage line for `npm run <script>` that accepts every flag, and names every `<placeholder>`,
 * the help file shows for the command.
 */
function usage({ command, script }: HelpCommand, args: readonly string[] = ["--help"]): Invocation {
  const flags = [...command.matchAll(/(?<!\w)--[a-z][\w-]*/g)].map((m) => new RegExp(`${escape(m[0])}\\b`));
  const placeholders = [...command.matchAll(/<[^>]+>/g)].map((m) => m[0]);
  return { args, code: 0, stdout: [new RegExp(`^usage: .*npm run ${escape(script)} -- `, "m"), ...flags, ...placeholders] };
}

const NO_CREDENTIALS = /^No AWS credentials: the game day reads AWS FIS and the load balancer in us-east-2 even with --dry-run/m;

/** Commands tested otherwise than (or besides) by their --help, keyed as the help file writes them. */
const SMOKE: Record<string, (help: HelpCommand) => readonly Invocation[]> = {
  // Binaries with their own --help (tsc, eslint and jest print it whatever else is on the command line).
  typecheck: () => [{ args: ["--help"], code: 0, stdout: [/^tsc: The TypeScript Compiler/m] }],
  lint: () => [{ args: ["--help"], code: 0, stdout: [/^eslint \[options\]/m] }],
  "test:watch": () => [{ args: ["--help"], code: 0, stdout: [/^Usage: jest /m] }],
  mutate: () => [{ args: ["--help"], code: 0, stdout: [/^Usage: stryker run \[options\]/m] }],
  // --help wins over --readme: nothing is written.
  "policy -- --readme": (help) => [usage(help, ["--readme", "--help"])],
  "plan:summary -- plan.json [--policy policy-report.md]": (help) => [
    usage(help),
    {
      args: [join(__dirname, "fixtures", "plan.json")],
      code: 0,
      stdout: [/^> - `aws_db_instance\.database_instance` \(aws_db_instance\): \*\*replace\*\*$/m, /^Plan: 1 to create, 0 to update, 1 to replace, 0 to delete\.$/m],
    },
  ],
  // The comparisons refuse a base that is neither a synth output nor a git ref (exit 2), before synthesizing anything.
  "policy -- --compare <base> [--from <head>] [--format json]": (help) => [
    usage(help),
    { args: ["--compare", "/nonexistent/cdktf.out"], code: 2, stderr: [/^--compare \/nonexistent\/cdktf\.out: no such directory, and not a git ref of this repository/m] },
  ],
  "cost -- --compare <base> [--from <head>] [--format json]": (help) => [
    usage(help),
    { args: ["--compare", "/nonexistent/cdktf.out"], code: 2, stderr: [/^--compare \/nonexistent\/cdktf\.out: no such directory, and not a git ref of this repository/m] },
  ],
  "plan:summary -- plan.json --base <base> [--head <head>] [--env prod]": (help) => [
    usage(help),
    { args: [join(__dirname, "fixtures", "plan.json"), "--base", "/nonexistent/cdktf.out"], code: 2, stderr: [/^--base \/nonexistent\/cdktf\.out: no such directory, and not a git ref of this repository/m] },
  ],
  // The data-loss gate on the same plan: refused (exit 1) naming the database, approved with --allow (exit 0).
  "plan:check -- plan.json [--allow]": (help) => [
    usage(help),
    { args: [join(__dirname, "fixtures", "plan.json")], code: 1, stdout: [/^ {2}- replace aws_db_instance\.database_instance \(aws_db_instance\): loses /m], stderr: [/^plan:check: refused: the plan loses data/m] },
    { args: [join(__dirname, "fixtures", "plan.json"), "--allow"], code: 0, stdout: [/^plan:check: data loss approved \(--allow\)/m] },
  ],
  "drift:report -- plan.json --env prod [--format json|markdown]": (help) => [
    usage(help),
    { args: [join(__dirname, "fixtures", "drift-plan.json"), "--env", "prod"], code: 0, stdout: [/^ {2}"action": "open-or-update",$/m, /^ {2}"title": "Drift: medicare-hub-prod",$/m] },
  ],
  // Without credentials the dry run reaches AWS's credential chain and must say so, not fail on a module.
  "gameday -- terminate-instance --env prod --dry-run": (help) => [usage(help), { args: ["terminate-instance", "--env", "prod", "--dry-run"], code: 1, stderr: [NO_CREDENTIALS] }],
  "failover -- --env prod --dry-run": (help) => [
    usage(help),
    { args: ["--env", "prod", "--dry-run"], code: 1, stderr: [/^No AWS credentials: the failover reads RDS and EFS in us-west-2 even with --dry-run/m] },
  ],
};

/** The environment of every run: no AWS credentials or instance metadata, the committed configuration, no colours. */
function offlineEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    AWS_EC2_METADATA_DISABLED: "true",
    AWS_CONFIG_FILE: "/nonexistent",
    AWS_SHARED_CREDENTIALS_FILE: "/nonexistent",
    CHECKPOINT_DISABLE: "1",
    NO_COLOR: "1",
  };
  for (const name of Object.keys(env)) {
    if (/^AWS_(PROFILE|ACCESS_KEY_ID|SECRET_ACCESS_KEY|SESSION_TOKEN|ROLE_ARN|WEB_IDENTITY_TOKEN_FILE|CONTAINER_\w+)$/.test(name)) delete env[name];
  }
  delete env.MEDICARE_HUB_CONFIG_OVERRIDES;
  delete env.FORCE_COLOR;
  return env;
}

/** The package.json script as a process: node itself or a binary of node_modules/.bin, and the script's arguments. */
function scriptProcess(script: string): [string, string[]] {
  const [command, ...args] = SCRIPTS[script].split(/\s+/);
  if (args.some((word) => ["&&", "||", "|", ";"].includes(word))) throw new Error(`npm run ${script} chains commands: "${SCRIPTS[script]}"`);
  return [command === "node" ? process.execPath : join(ROOT, "node_modules", ".bin", command), args];
}

interface Run {
  readonly code: number | null;
  readonly signal: string | null;
  readonly stdout: string;
  readonly stderr: string;
}

function run(file: string, args: readonly string[]): Promise<Run> {
  return new Promise((done) =>
    execFile(file, args, { cwd: ROOT, env: offlineEnv(), timeout: PROCESS_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) =>
      done({ code: error ? (typeof error.code === "number" ? error.code : null) : 0, signal: error?.signal ?? null, stdout, stderr }),
    ),
  );
}

/** Runs `task` once one of PARALLEL slots is free. */
const slots = { free: PARALLEL, waiting: [] as (() => void)[] };
async function inSlot<T>(task: () => Promise<T>): Promise<T> {
  if (slots.free > 0) slots.free--;
  else await new Promise<void>((resume) => slots.waiting.push(resume));
  try {
    return await task();
  } finally {
    const next = slots.waiting.shift();
    if (next) next();
    else slots.free++;
  }
}

const tail = (text: string) => text.split("\n").slice(-15).join("\n");
const shown = (args: readonly string[]) => args.map((a) => a.replace(`${ROOT}/`, "")).join(" ");

describe("the commands of the help file, run as real processes", () => {
  const commands = helpCommands();
  const cases = commands.flatMap((help) => (SMOKE[help.command] ?? ((h: HelpCommand) => [usage(h)]))(help).map((invocation) => ({ ...help, invocation })));
  const runs = new Map<Invocation, Promise<Run>>();

  beforeAll(() => {
    for (const { script, invocation } of cases) {
      if (!SCRIPTS[script]) continue;
      const [file, scriptArgs] = scriptProcess(script);
      runs.set(invocation, inSlot(() => run(file, [...scriptArgs, ...invocation.args])));
    }
  });

  afterAll(() => Promise.all(runs.values()));

  test("the help file lists its commands, each names a script of package.json, and SMOKE names only listed commands", () => {
    const listed = commands.map((c) => c.command);
    expect(listed).toEqual(expect.arrayContaining(["synth", "synth:hcl", "bench", "policy", "policy -- --readme", "gameday -- terminate-instance --env prod --dry-run"]));
    expect(commands.filter((c) => !SCRIPTS[c.script]).map((c) => c.command)).toEqual([]);
    expect(Object.keys(SMOKE).filter((command) => !listed.includes(command))).toEqual([]);
  });

  test.each(cases.map((c) => [c.command, shown(c.invocation.args), c] as const))("npm run %s  (run with: %s)", async (_command, _args, { script, invocation }) => {
    const result = await runs.get(invocation);
    if (!result) throw new Error(`not started: package.json has no script "${script}"`);
    expect(result.stderr).not.toMatch(/Cannot find module|ERR_MODULE_NOT_FOUND|ERR_REQUIRE_ESM/);
    if (result.code !== invocation.code) {
      const how = result.signal ? `killed (${result.signal}; limit ${PROCESS_TIMEOUT_MS / 1000} s)` : `exit code ${result.code}`;
      throw new Error(`${how}, expected ${invocation.code}\n--- stderr (end)\n${tail(result.stderr)}\n--- stdout (end)\n${tail(result.stdout)}`);
    }
    for (const expected of invocation.stdout ?? []) expect(result.stdout).toMatch(expected);
    for (const expected of invocation.stderr ?? []) expect(result.stderr).toMatch(expected);
  }, 4 * PROCESS_TIMEOUT_MS);
});
