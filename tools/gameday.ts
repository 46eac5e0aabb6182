/**
 * `npm run gameday -- <experiment> [--env prod] [--dry-run] [--timeout 900] [--interval 5]`: runs one of the AWS FIS
 * experiments (constructs/failure-experiments.ts) and measures what users would see: it finds the template by its
 * tags, starts it, polls the experiment, the target group's health, the Auto Scaling Group and the public /health
 * URL, and prints a timeline with the measured detection and recovery times. It refuses region-isolation, a step of the
 * "Region evacuation" drill in docs/game-days.md.
 *
 * Exit codes: 0 recovered; 1 the template is missing, the experiment failed or was stopped by a stop condition, or
 * recovery was not reached within --timeout; 2 bad arguments.
 */
import { AutoScalingClient, DescribeAutoScalingGroupsCommand } from "@aws-sdk/client-auto-scaling";
import { DescribeTargetGroupsCommand, DescribeTargetHealthCommand, ElasticLoadBalancingV2Client } from "@aws-sdk/client-elastic-load-balancing-v2";
import { FisClient, GetExperimentCommand, ListExperimentTemplatesCommand, StartExperimentCommand, type ExperimentTemplateSummary } from "@aws-sdk/client-fis";
import { HEALTH_CHECK_PATH } from "../constructs/app/user-data";
import { EXPERIMENTS, EXPERIMENT_TAG, resourceName, targetGroupName, type ExperimentName } from "../constructs/naming";
// Static: an extensionless dynamic import() does not resolve under tsx's CommonJS hook (every run used to fail with
// "Cannot find module .../config/load"); config/load loads only zod and the configuration.
import { loadConfig } from "../config/load";
import { UsageError, flag, parseCommandLine, runMain } from "./cli";

export interface GameDayOptions {
  readonly experiment: ExperimentName;
  readonly environment: string;
  readonly region: string;
  /** The public URL whose /health users depend on. */
  readonly healthUrl: string;
  readonly dryRun: boolean;
  /** Give up waiting for recovery after this many seconds. */
  readonly timeoutSeconds: number;
  readonly intervalSeconds: number;
}

export interface GameDayClients {
  readonly fis: FisClient;
  readonly elb: ElasticLoadBalancingV2Client;
  readonly autoScaling: AutoScalingClient;
}

/** What the runner needs from the world besides AWS: time, waiting and the public URL (injected in tests). */
export interface GameDayWorld {
  now(): number;
  sleep(ms: number): Promise<void>;
  /** Status code of GET url, or 0 when it cannot be reached. */
  probe(url: string): Promise<number>;
  log(line: string): void;
}

export interface Observation {
  readonly atSeconds: number;
  readonly experiment: string;
  readonly healthyTargets: number;
  readonly inService: number;
  readonly healthStatus: number;
}

export interface GameDayResult {
  readonly outcome: "recovered" | "dry-run" | "template-missing" | "experiment-failed" | "stop-condition" | "not-recovered";
  readonly message: string;
  readonly detectionSeconds?: number;
  readonly recoverySeconds?: number;
  readonly timeline: readonly Observation[];
}

const TERMINAL_FAILURES = new Set(["failed", "cancelled"]);

/** Finds the template tagged with the experiment and environment, across every page of templates. */
export async function findTemplate(fis: FisClient, experiment: string, environment: string): Promise<ExperimentTemplateSummary | undefined> {
  let nextToken: string | undefined;
  for (let page = 0; page < 50; page++) {
    const response = await fis.send(new ListExperimentTemplatesCommand({ nextToken }));
    const match = (response.experimentTemplates ?? []).find((t) => t.tags?.[EXPERIMENT_TAG] === experiment && t.tags?.Environment === environment);
    if (match) return match;
    nextToken = response.nextToken;
    if (!nextToken) return undefined;
  }
  return undefined;
}

export async function runGameDay(options: GameDayOptions, clients: GameDayClients, world: GameDayWorld): Promise<GameDayResult> {
  const timeline: Observation[] = [];
  const template = await findTemplate(clients.fis, options.experiment, options.environment);
  if (!template?.id) {
    return {
      outcome: "template-missing",
      message: `no FIS template tagged ${EXPERIMENT_TAG}=${options.experiment}, Environment=${options.environment} in ${options.region}: deploy medicare-hub-${options.environment} with failureExperiments.enabled`,
      timeline,
    };
  }
  const groupName = resourceName(options.environment, "app");
  const targetGroup = targetGroupName(options.environment);
  const targetGroups = await clients.elb.send(new DescribeTargetGroupsCommand({ Names: [targetGroup] }));
  const targetGroupArn = targetGroups.TargetGroups?.[0]?.TargetGroupArn;
  if (!targetGroupArn) return { outcome: "template-missing", message: `no target group ${targetGroup} in ${options.region}`, timeline };

  const observe = async (experimentId: string | undefined, startedAt: number): Promise<Observation> => {
    const [experiment, health, groups, healthStatus] = await Promise.all([
      experimentId ? clients.fis.send(new GetExperimentCommand({ id: experimentId })) : Promise.resolve(undefined),
      clients.elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: targetGroupArn })),
      clients.autoScaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [groupName] })),
      world.probe(options.healthUrl),
    ]);
    return {
      atSeconds: Math.round((world.now() - startedAt) / 1000),
      experiment: experiment?.experiment?.state?.status ?? "not started",
      healthyTargets: (health.TargetHealthDescriptions ?? []).filter((t) => t.TargetHealth?.State === "healthy").length,
      inService: (groups.AutoScalingGroups?.[0]?.Instances ?? []).filter((i) => i.LifecycleState === "InService").length,
      healthStatus,
    };
  };

  const baseline = await observe(undefined, world.now());
  world.log(`template ${template.id}: ${template.description ?? options.experiment}`);
  world.log(`baseline: ${baseline.healthyTargets} healthy targets, ${baseline.inService} in service, ${options.healthUrl} -> ${baseline.healthStatus}`);
  if (options.dryRun) {
    world.log(`dry run: would start ${template.id} and poll every ${options.intervalSeconds} s for up to ${options.timeoutSeconds} s`);
    return { outcome: "dry-run", message: "dry run: nothing was started", timeline: [baseline] };
  }

  const startedAt = world.now();
  const started = await clients.fis.send(new StartExperimentCommand({ experimentTemplateId: template.id, tags: { StartedBy: "medicare-hub-gameday" } }));
  const experimentId = started.experiment?.id;
  let detectedAt: number | undefined;
  let recoveredAt: number | undefined;
  const degraded = (o: Observation) => o.healthyTargets < baseline.healthyTargets || o.healthStatus !== 200;

  while (world.now() - startedAt <= options.timeoutSeconds * 1000) {
    const observation = await observe(experimentId, startedAt);
    const previous = timeline[timeline.length - 1];
    if (!previous || JSON.stringify({ ...previous, atSeconds: 0 }) !== JSON.stringify({ ...observation, atSeconds: 0 })) {
      timeline.push(observation);
      world.log(
        `+${observation.atSeconds}s experiment ${observation.experiment}, ${observation.healthyTargets} healthy, ${observation.inService} in service, /health ${observation.healthStatus}`,
      );
    }
    if (TERMINAL_FAILURES.has(observation.experiment)) {
      return { outcome: "experiment-failed", message: `experiment ${experimentId} ${observation.experiment}`, timeline };
    }
    if (observation.experiment === "stopped") {
      return { outcome: "stop-condition", message: `experiment ${experimentId} was stopped by a stop condition: users saw errors`, timeline };
    }
    if (detectedAt === undefined && degraded(observation)) detectedAt = observation.atSeconds;
    // Recovered: the experiment is over and users are served by as many instances as before. (Some experiments, a
    // database failover for instance, may never show as lost targets: then there was no user-visible impact.)
    if (!degraded(observation) && observation.inService >= baseline.inService && observation.experiment === "completed") {
      recoveredAt = observation.atSeconds;
      break;
    }
    await world.sleep(options.intervalSeconds * 1000);
  }
  if (recoveredAt === undefined) {
    return { outcome: "not-recovered", message: `not recovered within ${options.timeoutSeconds} s`, detectionSeconds: detectedAt, timeline };
  }
  return {
    outcome: "recovered",
    message: detectedAt === undefined ? `no user-visible impact; over after ${recoveredAt} s` : `detected after ${detectedAt} s, recovered after ${recoveredAt} s`,
    detectionSeconds: detectedAt,
    recoverySeconds: recoveredAt,
    timeline,
  };
}

/**
 * Experiments the runner refuses, with where they are run instead. It watches one region's instances; region isolation
 * is step 1 of a drill whose evidence includes the replication alarms and whose next step is a failover.
 */
export const NOT_RUN_BY_GAMEDAY: Readonly<Partial<Record<ExperimentName, string>>> = {
  "region-isolation":
    'region-isolation is step 1 of the "Region evacuation" game day (docs/game-days.md): start it with ' +
    "aws fis start-experiment while you watch the replication alarms, then rehearse the failover with npm run failover",
};
const RUNNABLE = EXPERIMENTS.filter((name) => NOT_RUN_BY_GAMEDAY[name] === undefined);

const USAGE = `npm run gameday -- <${RUNNABLE.join("|")}> [--env prod] [--dry-run] [--timeout s] [--interval s]`;
const COMMAND_LINE = {
  usage: USAGE,
  options: { env: { type: "string" }, "dry-run": { type: "boolean" }, timeout: { type: "string" }, interval: { type: "string" } },
  positionals: { min: 0, max: 1 },
} as const;

/** The game day's options from its command line, or "help". */
export function parseArgs(argv: readonly string[], config: { region: (env: string) => string; domain: (env: string) => string }): GameDayOptions | "help" {
  const line = parseCommandLine(argv, COMMAND_LINE);
  if (line === "help") return "help";
  const [experiment] = line.positionals;
  const notHere = experiment !== undefined && Object.hasOwn(NOT_RUN_BY_GAMEDAY, experiment) ? NOT_RUN_BY_GAMEDAY[experiment as ExperimentName] : undefined;
  if (notHere) throw new UsageError(`${notHere}\nusage: ${USAGE}`);
  if (!RUNNABLE.includes(experiment as ExperimentName)) {
    throw new UsageError(`${experiment === undefined ? "which experiment?" : `unknown experiment "${experiment}"`}\nusage: ${USAGE}`);
  }
  const environment = flag(line, "env", "prod") as string;
  const number = (name: string, fallback: number) => {
    const value = Number(flag(line, name) ?? fallback);
    if (!Number.isInteger(value) || value < 1) throw new UsageError(`--${name} takes a whole number of seconds, got "${flag(line, name)}"`);
    return value;
  };
  return {
    experiment: experiment as ExperimentName,
    environment,
    region: config.region(environment),
    healthUrl: `https://${config.domain(environment)}${HEALTH_CHECK_PATH}`,
    dryRun: line.values["dry-run"] === true,
    timeoutSeconds: number("timeout", 900),
    intervalSeconds: number("interval", 5),
  };
}

async function main(argv: readonly string[]): Promise<number> {
  const config = loadConfig();
  const environments = config.environments as Record<string, { region: string; dns: { domainName: string } }>;
  const known = (env: string) => {
    if (!environments[env]) throw new UsageError(`unknown environment "${env}"; known: ${Object.keys(environments).join(", ")}`);
    return environments[env];
  };
  const options = parseArgs(argv, { region: (env) => known(env).region, domain: (env) => known(env).dns.domainName });
  if (options === "help") {
    console.log(`usage: ${USAGE}`);
    return 0;
  }
  const clients = {
    fis: new FisClient({ region: options.region }),
    elb: new ElasticLoadBalancingV2Client({ region: options.region }),
    autoScaling: new AutoScalingClient({ region: options.region }),
  };
  const world: GameDayWorld = {
    now: () => Date.now(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    probe: async (url) => {
      try {
        return (await fetch(url, { signal: AbortSignal.timeout(5000) })).status;
      } catch {
        return 0;
      }
    },
    log: (line) => console.log(line),
  };
  let result: Awaited<ReturnType<typeof runGameDay>>;
  try {
    result = await runGameDay(options, clients, world);
  } catch (error) {
    if ((error as Error).name === "CredentialsProviderError") {
      console.error(
        `No AWS credentials: the game day reads AWS FIS and the load balancer in ${options.region} even with --dry-run ` +
          "(it finds the experiment template and measures the baseline). Sign in to the environment's account " +
          "(AWS_PROFILE, or the variables of an assumed role) and run it again.",
      );
      return 1;
    }
    throw error;
  }
  console.log(`${result.outcome}: ${result.message}`);
  return result.outcome === "recovered" || result.outcome === "dry-run" ? 0 : 1;
}

if (require.main === module) runMain(() => main(process.argv.slice(2)));
