import { AutoScalingClient, DescribeAutoScalingGroupsCommand } from "@aws-sdk/client-auto-scaling";
import { DescribeTargetGroupsCommand, DescribeTargetHealthCommand, ElasticLoadBalancingV2Client } from "@aws-sdk/client-elastic-load-balancing-v2";
import { FisClient, GetExperimentCommand, ListExperimentTemplatesCommand, StartExperimentCommand } from "@aws-sdk/client-fis";
import { mockClient } from "aws-sdk-client-mock";
import { EXPERIMENT_TAG } from "../../constructs/failure-experiments";
import { parseArgs, runGameDay, type GameDayOptions, type GameDayWorld } from "../../tools/gameday";

// @aws-sdk/client-fis's newest release (3.523) predates the @smithy types aws-sdk-client-mock is typed against;
// the mock works at runtime, only the types disagree.
const fis: any = mockClient(FisClient as any);
const elb = mockClient(ElasticLoadBalancingV2Client);
const autoScaling = mockClient(AutoScalingClient);
const clients = { fis: new FisClient({ region: "us-east-2" }), elb: new ElasticLoadBalancingV2Client({ region: "us-east-2" }), autoScaling: new AutoScalingClient({ region: "us-east-2" }) };

const OPTIONS: GameDayOptions = {
  experiment: "terminate-instance",
  environment: "prod",
  region: "us-east-2",
  healthUrl: "https://medicare-hub.example/health",
  dryRun: false,
  timeoutSeconds: 300,
  intervalSeconds: 10,
};

/** A clock that only moves when the runner sleeps, and a /health that answers from a script. */
function world(healthStatuses: number[] = []): GameDayWorld & { lines: string[] } {
  let now = 0;
  const lines: string[] = [];
  return {
    lines,
    now: () => now,
    sleep: async (ms) => void (now += ms),
    probe: async () => healthStatuses.shift() ?? 200,
    log: (line) => void lines.push(line),
  };
}

const template = (experiment: string, environment = "prod") => ({ id: `EXT-${experiment}`, description: experiment, tags: { [EXPERIMENT_TAG]: experiment, Environment: environment } });
const targets = (healthy: number) => ({ TargetHealthDescriptions: Array.from({ length: healthy }, () => ({ TargetHealth: { State: "healthy" as const } })) });
const group = (inService: number) => ({ AutoScalingGroups: [{ Instances: Array.from({ length: inService }, () => ({ LifecycleState: "InService" as const })) }] as never });

beforeEach(() => {
  fis.reset();
  elb.reset();
  autoScaling.reset();
  fis.on(ListExperimentTemplatesCommand).resolvesOnce({ experimentTemplates: [template("rds-failover")], nextToken: "page-2" }).resolves({ experimentTemplates: [template("terminate-instance", "dev"), template("terminate-instance")] });
  fis.on(StartExperimentCommand).resolves({ experiment: { id: "EXP-1" } });
  elb.on(DescribeTargetGroupsCommand).resolves({ TargetGroups: [{ TargetGroupArn: "arn:tg" }] });
});

describe("runGameDay", () => {
  test("finds the template by tags across pages, starts it, and measures detection and recovery", async () => {
    fis.on(GetExperimentCommand).resolvesOnce({ experiment: { state: { status: "running" } } }).resolvesOnce({ experiment: { state: { status: "completed" } } }).resolves({ experiment: { state: { status: "completed" } } });
    // baseline 3 healthy; then 2 (instance gone), 2, 3 (replacement in service)
    elb.on(DescribeTargetHealthCommand).resolvesOnce(targets(3)).resolvesOnce(targets(2)).resolvesOnce(targets(2)).resolves(targets(3));
    autoScaling.on(DescribeAutoScalingGroupsCommand).resolvesOnce(group(3)).resolvesOnce(group(2)).resolvesOnce(group(3)).resolves(group(3));
    const w = world();
    const result = await runGameDay(OPTIONS, clients, w);
    expect(result).toMatchObject({ outcome: "recovered", detectionSeconds: 0, recoverySeconds: 20 });
    expect(fis.commandCalls(StartExperimentCommand)[0].args[0].input).toMatchObject({ experimentTemplateId: "EXT-terminate-instance" });
    expect(fis.commandCalls(ListExperimentTemplatesCommand)).toHaveLength(2);
    expect(result.timeline.map((o) => o.healthyTargets)).toEqual([2, 2, 3]);
    expect(w.lines.some((l) => l.startsWith("+0s experiment running, 2 healthy"))).toBe(true);
  });

  test("--dry-run starts nothing", async () => {
    elb.on(DescribeTargetHealthCommand).resolves(targets(3));
    autoScaling.on(DescribeAutoScalingGroupsCommand).resolves(group(3));
    const result = await runGameDay({ ...OPTIONS, dryRun: true }, clients, world());
    expect(result.outcome).toBe("dry-run");
    expect(fis.commandCalls(StartExperimentCommand)).toHaveLength(0);
    // The names the stacks give: the HTTPS target group, and the Auto Scaling Group.
    expect(elb.commandCalls(DescribeTargetGroupsCommand)[0].args[0].input).toEqual({ Names: ["medicare-hub-prod-app-https"] });
    expect(autoScaling.commandCalls(DescribeAutoScalingGroupsCommand)[0].args[0].input).toEqual({ AutoScalingGroupNames: ["medicare-hub-prod-app"] });
  });

  test("a missing template is reported with what to deploy, and nothing starts", async () => {
    const result = await runGameDay({ ...OPTIONS, experiment: "az-network-disruption" }, clients, world());
    expect(result.outcome).toBe("template-missing");
    expect(result.message).toMatch(/az-network-disruption.*failureExperiments.enabled/);
    expect(fis.commandCalls(StartExperimentCommand)).toHaveLength(0);
  });

  test("a failed experiment is a failure", async () => {
    fis.on(GetExperimentCommand).resolves({ experiment: { state: { status: "failed" } } });
    elb.on(DescribeTargetHealthCommand).resolves(targets(3));
    autoScaling.on(DescribeAutoScalingGroupsCommand).resolves(group(3));
    expect((await runGameDay(OPTIONS, clients, world())).outcome).toBe("experiment-failed");
  });

  test("an experiment stopped by its stop condition (users saw 5xx) is a failure", async () => {
    fis.on(GetExperimentCommand).resolvesOnce({ experiment: { state: { status: "running" } } }).resolves({ experiment: { state: { status: "stopped" } } });
    elb.on(DescribeTargetHealthCommand).resolves(targets(3));
    autoScaling.on(DescribeAutoScalingGroupsCommand).resolves(group(3));
    const result = await runGameDay(OPTIONS, clients, world([200, 503, 503]));
    expect(result.outcome).toBe("stop-condition");
    expect(result.message).toMatch(/stopped by a stop condition/);
  });

  test("recovery never reached within the bound is a failure, after a bounded number of polls", async () => {
    fis.on(GetExperimentCommand).resolves({ experiment: { state: { status: "completed" } } });
    elb.on(DescribeTargetHealthCommand).resolvesOnce(targets(3)).resolves(targets(2));
    autoScaling.on(DescribeAutoScalingGroupsCommand).resolves(group(3));
    const result = await runGameDay({ ...OPTIONS, timeoutSeconds: 60 }, clients, world());
    expect(result).toMatchObject({ outcome: "not-recovered", message: "not recovered within 60 s", detectionSeconds: 0 });
    expect(elb.commandCalls(DescribeTargetHealthCommand).length).toBeLessThanOrEqual(1 + 60 / OPTIONS.intervalSeconds + 1);
  });

  test("an experiment with no user-visible impact (a database failover) still completes", async () => {
    fis.on(GetExperimentCommand).resolvesOnce({ experiment: { state: { status: "running" } } }).resolves({ experiment: { state: { status: "completed" } } });
    elb.on(DescribeTargetHealthCommand).resolves(targets(3));
    autoScaling.on(DescribeAutoScalingGroupsCommand).resolves(group(3));
    const result = await runGameDay({ ...OPTIONS, experiment: "rds-failover" }, clients, world());
    expect(result).toMatchObject({ outcome: "recovered", detectionSeconds: undefined });
    expect(result.message).toMatch(/no user-visible impact/);
  });
});

describe("parseArgs", () => {
  const config = { region: () => "us-east-2", domain: (env: string) => (env === "prod" ? "medicare-hub.example" : "dev.medicare-hub.example") };

  test("defaults to prod and builds the public health URL", () => {
    expect(parseArgs(["az-loss-compute"], config)).toMatchObject({ environment: "prod", healthUrl: "https://medicare-hub.example/health", dryRun: false, timeoutSeconds: 900 });
    expect(parseArgs(["rds-failover", "--env", "dev", "--dry-run", "--timeout", "120"], config)).toMatchObject({ environment: "dev", dryRun: true, timeoutSeconds: 120 });
  });

  test("refuses unknown experiments and bad numbers with usage", () => {
    expect(() => parseArgs(["pull-the-plug"], config)).toThrow(/usage: npm run gameday -- <terminate-instance\|az-loss-compute\|rds-failover\|az-network-disruption>/);
    expect(() => parseArgs(["rds-failover", "--timeout", "soon"], config)).toThrow(/--timeout takes a whole number of seconds/);
  });

  test("refuses region-isolation, saying where it is run instead, and leaves it out of the usage", () => {
    expect(() => parseArgs(["region-isolation"], config)).toThrow(/region-isolation is step 1 of the "Region evacuation" game day \(docs\/game-days.md\)/);
    expect(() => parseArgs(["region-isolation"], config)).toThrow(/usage: npm run gameday -- <terminate-instance\|az-loss-compute\|rds-failover\|az-network-disruption>/);
    expect(() => parseArgs(["toString"], config)).toThrow(/unknown experiment "toString"/);
  });
});

describe("npm run gameday as a real process", () => {
  test("without credentials, --dry-run ends with a clear message about credentials, not a module error", async () => {
    const { execFile } = await import("node:child_process");
    const { join } = await import("node:path");
    const root = join(__dirname, "..", "..");
    const env: NodeJS.ProcessEnv = { ...process.env, AWS_EC2_METADATA_DISABLED: "true", AWS_CONFIG_FILE: "/nonexistent", AWS_SHARED_CREDENTIALS_FILE: "/nonexistent" };
    for (const name of ["AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"]) delete env[name];
    const run = await new Promise<{ code: number; stderr: string }>((done) => {
      execFile(process.execPath, ["--require", "tsx/cjs", "tools/gameday.ts", "terminate-instance", "--env", "prod", "--dry-run"], { cwd: root, env, timeout: 30_000 }, (error, _stdout, stderr) =>
        done({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stderr }),
      );
    });
    expect(run.stderr).not.toMatch(/Cannot find module/);
    expect(run.stderr).toMatch(/No AWS credentials: the game day reads AWS FIS and the load balancer in us-east-2 even with --dry-run/);
    expect(run.code).toBe(1);
  });
});
