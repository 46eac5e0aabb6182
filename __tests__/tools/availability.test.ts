import { execFile } from "node:child_process";
import { join } from "node:path";
import { GetMetricDataCommand, type GetMetricDataCommandOutput } from "@aws-sdk/client-cloudwatch";
import { DescribeLoadBalancersCommand, DescribeTargetGroupsCommand, ElasticLoadBalancingV2Client } from "@aws-sdk/client-elastic-load-balancing-v2";
import { mockClient } from "aws-sdk-client-mock";
import { StackView } from "../../constructs/policy/rule";
import {
  availabilityReport,
  computeAvailability,
  fetchHourlySeries,
  lookUpArnSuffixes,
  metricQueries,
  monthWindow,
  parseArguments,
  reportMarkdown,
  sliResourceNames,
  type HourlySeries,
  type MetricsClient,
} from "../../tools/availability";
import { readStackJson, synthApp } from "../support/synth";

const ROOT = join(__dirname, "..", "..");
const NOW = new Date("2026-11-30T06:29:00Z");
const OCTOBER = monthWindow("2026-10", NOW);
const TARGET = { loadBalancer: "app/medicare-hub-prod-alb/50dc6c495c0c9188", targetGroup: "targetgroup/medicare-hub-prod-app-https/73e2d6bc24d8a067" };
const hour = (iso: string) => Date.parse(iso);

/** October 2026, every hour with `perHour` RequestCount, then the overrides (undefined deletes the hour's point). */
function october(perHour: number, overrides: Partial<Record<keyof HourlySeries, Record<string, number | undefined>>> = {}): HourlySeries {
  const requests = new Map<number, number>();
  for (let h = hour("2026-10-01T00:00:00Z"); h < hour("2026-11-01T00:00:00Z"); h += 3_600_000) requests.set(h, perHour);
  const series = { elb: new Map<number, number>(), target: new Map<number, number>(), requests };
  for (const [metric, points] of Object.entries(overrides) as [keyof HourlySeries, Record<string, number | undefined>][]) {
    for (const [iso, value] of Object.entries(points)) {
      if (value === undefined) series[metric].delete(hour(iso));
      else series[metric].set(hour(iso), value);
    }
  }
  return series;
}

describe("the month's figures", () => {
  test("1,000,000 requests with 500 failed are 99.95 % available and spend half the 99.9 % error budget", () => {
    // 743 hours × 1,300 + 34,000 = 999,900 counted requests, + 100 load-balancer 5xx = 1,000,000 requests.
    const series = october(1300, {
      requests: { "2026-10-31T23:00:00Z": 34_000 },
      elb: { "2026-10-07T12:00:00Z": 100 },
      target: { "2026-10-20T03:00:00Z": 400 },
    });
    const figures = computeAvailability(OCTOBER, series, 99.9, NOW);
    expect(figures).toMatchObject({
      hoursInMonth: 744,
      hoursWithData: 744,
      missingHours: [],
      complete: true,
      requests: 1_000_000,
      failedRequests: 500,
      elb5xx: 100,
      target5xx: 400,
      availabilityPercent: 99.95,
      errorBudgetRequests: 1000,
      errorBudgetSpentPercent: 50,
    });
    expect(figures.worstHours).toEqual([
      { hour: "2026-10-20T03:00:00.000Z", requests: 1300, failedRequests: 400 },
      { hour: "2026-10-07T12:00:00.000Z", requests: 1400, failedRequests: 100 },
    ]);
    const markdown = reportMarkdown({ ...figures, environment: "prod", region: "us-east-2", ...TARGET });
    expect(markdown).toMatch(/^# Availability of MediCare Hub prod, 2026-10 \(UTC\)\n/);
    expect(markdown).toContain("Data complete: all 744 hours of the month have data.");
    expect(markdown).toContain("| requests | 1,000,000 |");
    expect(markdown).toContain("| failed requests (5xx) | 500 (load balancer 100, app 400) |");
    expect(markdown).toContain("| availability | 99.950 % |");
    expect(markdown).toContain("| error budget of the month (0.1 % of requests) | 1,000 failed requests |");
    expect(markdown).toContain("| error budget spent | 50.0 % |");
    expect(markdown).toContain("| 2026-10-20 03:00 | 1,300 | 400 | 69.230 % |");
    expect(markdown).toMatch(/## Method\n[\s\S]*no target could be chosen/);
  });

  test("an hour with no target (RequestCount absent, load-balancer 5xx present) counts its 5xx as failed and as requests", () => {
    const series = october(1000, { requests: { "2026-10-01T10:00:00Z": undefined }, elb: { "2026-10-01T10:00:00Z": 60 } });
    const figures = computeAvailability(OCTOBER, series, 99.9, NOW);
    expect(figures).toMatchObject({ requests: 743_060, failedRequests: 60, hoursWithData: 744, complete: true, errorBudgetRequests: 743 });
    expect(figures.availabilityPercent).toBeCloseTo(99.991925, 6);
    expect(figures.worstHours).toEqual([{ hour: "2026-10-01T10:00:00.000Z", requests: 60, failedRequests: 60 }]);
    const markdown = reportMarkdown({ ...figures, environment: "prod", region: "us-east-2", ...TARGET });
    // Rounded down and up: 99.99192… % available, 8.0747… % of the budget spent.
    expect(markdown).toContain("| availability | 99.991 % |");
    expect(markdown).toContain("| error budget spent | 8.1 % |");
  });

  test("hours without any datapoint are listed and the month is marked incomplete, never a silent 100 %", () => {
    const gap = { "2026-10-03T04:00:00Z": undefined, "2026-10-03T05:00:00Z": undefined, "2026-10-03T06:00:00Z": undefined, "2026-10-30T22:00:00Z": undefined };
    const figures = computeAvailability(OCTOBER, october(1000, { requests: gap }), 99.9, NOW);
    expect(figures).toMatchObject({ complete: false, hoursWithData: 740, failedRequests: 0, requests: 740_000 });
    expect(figures.missingHours).toEqual(["2026-10-03T04:00:00.000Z", "2026-10-03T05:00:00.000Z", "2026-10-03T06:00:00.000Z", "2026-10-30T22:00:00.000Z"]);
    const markdown = reportMarkdown({ ...figures, environment: "prod", region: "us-east-2", ...TARGET });
    expect(markdown).toContain("**Data incomplete**: of the month's 744 hours, 4 have no data; the figures cover the 740 hours with data only");
    expect(markdown).toContain("- 2026-10-03 04:00 – 2026-10-03 07:00 UTC (3 h)\n- 2026-10-30 22:00 – 2026-10-30 23:00 UTC (1 h)");
    expect(markdown).not.toContain("Data complete");
  });

  test("a month without any data states no availability at all", () => {
    const empty = { elb: new Map(), target: new Map(), requests: new Map() };
    const figures = computeAvailability(OCTOBER, empty, 99.9, NOW);
    expect(figures).toMatchObject({ complete: false, hoursWithData: 0, requests: 0, availabilityPercent: null, errorBudgetSpentPercent: null });
    expect(figures.missingHours).toHaveLength(744);
    const markdown = reportMarkdown({ ...figures, environment: "prod", region: "us-east-2", ...TARGET });
    expect(markdown).toContain("| availability | no requests recorded: cannot be stated |");
    expect(markdown).toContain("- 2026-10-01 00:00 – 2026-11-01 00:00 UTC (744 h)");
    expect(markdown).not.toContain("100.000 %");
  });

  test("the current month counts only the hours that are over, and is not complete", () => {
    const november = monthWindow("2026-11", NOW);
    const requests = new Map<number, number>();
    for (let h = hour("2026-11-01T00:00:00Z"); h < hour("2026-11-30T06:00:00Z"); h += 3_600_000) requests.set(h, 10);
    const figures = computeAvailability(november, { elb: new Map(), target: new Map(), requests }, 99.9, NOW);
    // 29 days and 6 hours are over at 06:29 on the 30th; 18 of November's 720 hours are still to come.
    expect(figures).toMatchObject({ hoursInMonth: 720, hoursWithData: 702, hoursNotElapsed: 18, missingHours: [], complete: false, requests: 7020 });
    expect(reportMarkdown({ ...figures, environment: "prod", region: "us-east-2", ...TARGET })).toContain("**Data incomplete**: of the month's 720 hours, 18 are not over yet;");
  });
});

describe("calendar months in UTC", () => {
  test.each([
    ["2026-10", NOW, "2026-10-01T00:00:00.000Z", "2026-11-01T00:00:00.000Z", 744],
    // A US local clock springs forward on 8 March 2026 (743 local hours); UTC does not.
    ["2026-03", NOW, "2026-03-01T00:00:00.000Z", "2026-04-01T00:00:00.000Z", 744],
    ["2026-02", NOW, "2026-02-01T00:00:00.000Z", "2026-03-01T00:00:00.000Z", 672],
    ["2028-02", new Date("2028-03-15T00:00:00Z"), "2028-02-01T00:00:00.000Z", "2028-03-01T00:00:00.000Z", 696],
    ["2026-12", new Date("2027-01-02T00:00:00Z"), "2026-12-01T00:00:00.000Z", "2027-01-01T00:00:00.000Z", 744],
  ])("%s (asked on %s) runs from %s to %s: %i hours", (month, now, start, end, hours) => {
    const window = monthWindow(month, now);
    expect([window.start.toISOString(), window.end.toISOString(), window.hours]).toEqual([start, end, hours]);
  });

  test("months that do not exist, have not started or are past the 455 days of hourly data are refused, naming --month", () => {
    expect(() => monthWindow("2026-13", NOW)).toThrow('--month takes a calendar month as YYYY-MM, such as 2026-10; got "2026-13"');
    expect(() => monthWindow("2026-1", NOW)).toThrow(/--month takes a calendar month as YYYY-MM/);
    expect(() => monthWindow("2026-12", NOW)).toThrow(/--month 2026-12 has not started yet/);
    expect(() => monthWindow("2025-01", NOW)).toThrow(/--month 2025-01 began more than 455 days ago/);
  });
});

/** A GetMetricData fake answering with scripted pages, recording every request. */
function fakeCloudWatch(pages: GetMetricDataCommandOutput[]): MetricsClient & { inputs: GetMetricDataCommand["input"][] } {
  const inputs: GetMetricDataCommand["input"][] = [];
  return {
    inputs,
    send: async (command) => {
      inputs.push(command.input);
      return pages[Math.min(inputs.length, pages.length) - 1];
    },
  };
}
const page = (results: [string, string[], number[]][], NextToken?: string) =>
  ({ $metadata: {}, NextToken, MetricDataResults: results.map(([Id, times, Values]) => ({ Id, StatusCode: NextToken ? "PartialData" : "Complete", Timestamps: times.map((t) => new Date(t)), Values })) }) as GetMetricDataCommandOutput;

describe("CloudWatch GetMetricData", () => {
  test("asks for the SLI's three metrics as hourly sums over the UTC month", async () => {
    const client = fakeCloudWatch([page([])]);
    await fetchHourlySeries(client, TARGET, OCTOBER.start, OCTOBER.end);
    expect(client.inputs).toEqual([
      {
        MetricDataQueries: [
          {
            Id: "elb",
            MetricStat: {
              Metric: { Namespace: "AWS/ApplicationELB", MetricName: "HTTPCode_ELB_5XX_Count", Dimensions: [{ Name: "LoadBalancer", Value: "app/medicare-hub-prod-alb/50dc6c495c0c9188" }] },
              Period: 3600,
              Stat: "Sum",
            },
            ReturnData: true,
          },
          {
            Id: "target",
            MetricStat: {
              Metric: {
                Namespace: "AWS/ApplicationELB",
                MetricName: "HTTPCode_Target_5XX_Count",
                Dimensions: [
                  { Name: "LoadBalancer", Value: "app/medicare-hub-prod-alb/50dc6c495c0c9188" },
                  { Name: "TargetGroup", Value: "targetgroup/medicare-hub-prod-app-https/73e2d6bc24d8a067" },
                ],
              },
              Period: 3600,
              Stat: "Sum",
            },
            ReturnData: true,
          },
          {
            Id: "requests",
            MetricStat: {
              Metric: { Namespace: "AWS/ApplicationELB", MetricName: "RequestCount", Dimensions: [{ Name: "LoadBalancer", Value: "app/medicare-hub-prod-alb/50dc6c495c0c9188" }] },
              Period: 3600,
              Stat: "Sum",
            },
            ReturnData: true,
          },
        ],
        StartTime: new Date("2026-10-01T00:00:00Z"),
        EndTime: new Date("2026-11-01T00:00:00Z"),
        ScanBy: "TimestampAscending",
        NextToken: undefined,
      },
    ]);
  });

  test("follows NextToken and merges the pages per metric", async () => {
    const client = fakeCloudWatch([
      page([["requests", ["2026-10-01T00:00:00Z", "2026-10-01T01:00:00Z"], [100, 200]], ["elb", ["2026-10-01T01:00:00Z"], [3]]], "page-2"),
      page([["requests", ["2026-10-01T02:00:00Z"], [300]], ["target", ["2026-10-01T02:00:00Z"], [7]]], "page-3"),
      page([["requests", ["2026-10-31T23:00:00Z"], [400]]]),
    ]);
    const series = await fetchHourlySeries(client, TARGET, OCTOBER.start, OCTOBER.end);
    expect(client.inputs.map((input) => input.NextToken)).toEqual([undefined, "page-2", "page-3"]);
    expect([...series.requests]).toEqual([
      [hour("2026-10-01T00:00:00Z"), 100],
      [hour("2026-10-01T01:00:00Z"), 200],
      [hour("2026-10-01T02:00:00Z"), 300],
      [hour("2026-10-31T23:00:00Z"), 400],
    ]);
    expect([...series.elb]).toEqual([[hour("2026-10-01T01:00:00Z"), 3]]);
    expect([...series.target]).toEqual([[hour("2026-10-01T02:00:00Z"), 7]]);
  });

  test("stops after 10 pages rather than paginate forever, and reports nothing partial", async () => {
    const client = fakeCloudWatch([page([["requests", ["2026-10-01T00:00:00Z"], [1]]], "again")]);
    await expect(fetchHourlySeries(client, TARGET, OCTOBER.start, OCTOBER.end)).rejects.toThrow("CloudWatch still had more data after 10 pages");
    expect(client.inputs).toHaveLength(10);
  });

  test("a datapoint outside the UTC month, a refused metric or a partial last page is an error, not a figure", async () => {
    const november = page([["requests", ["2026-11-01T00:00:00Z"], [5]]]);
    await expect(fetchHourlySeries(fakeCloudWatch([november]), TARGET, OCTOBER.start, OCTOBER.end)).rejects.toThrow(/not an hour of 2026-10-01T00:00:00.000Z/);
    const forbidden = { $metadata: {}, MetricDataResults: [{ Id: "elb", StatusCode: "Forbidden", Messages: [{ Code: "Forbidden", Value: "no access" }] }] } as GetMetricDataCommandOutput;
    await expect(fetchHourlySeries(fakeCloudWatch([forbidden]), TARGET, OCTOBER.start, OCTOBER.end)).rejects.toThrow("CloudWatch answered Forbidden for elb: no access");
    const partial = { $metadata: {}, MetricDataResults: [{ Id: "elb", StatusCode: "PartialData", Timestamps: [], Values: [] }] } as GetMetricDataCommandOutput;
    await expect(fetchHourlySeries(fakeCloudWatch([partial]), TARGET, OCTOBER.start, OCTOBER.end)).rejects.toThrow(/partial data without a next page/);
  });

  test("the report of the current month asks CloudWatch only up to the last hour that is over", async () => {
    const client = fakeCloudWatch([page([["requests", ["2026-11-30T05:00:00Z"], [42]]])]);
    const report = await availabilityReport({ environment: "prod", window: monthWindow("2026-11", NOW), format: "json", region: "us-east-2", target: TARGET }, client, 99.9, NOW);
    expect(client.inputs[0]).toMatchObject({ StartTime: new Date("2026-11-01T00:00:00Z"), EndTime: new Date("2026-11-30T06:00:00Z") });
    expect(report).toMatchObject({ environment: "prod", region: "us-east-2", loadBalancer: TARGET.loadBalancer, requests: 42, hoursWithData: 1, complete: false });
  });
});

describe("which load balancer and target group", () => {
  test("the prod stack's SLI alarms lead, through their dimension references, to the ALB and the HTTPS target group", () => {
    const stack = new StackView("medicare-hub-prod", readStackJson(synthApp(), "medicare-hub-prod") as any);
    expect(sliResourceNames(stack)).toEqual({ loadBalancer: "medicare-hub-prod-alb", targetGroup: "medicare-hub-prod-app-https" });
  });

  test("the report asks for the same metrics, statistic and dimensions as the synthesized SLO alarm", () => {
    const tf = readStackJson(synthApp(), "medicare-hub-prod") as any;
    const alarm = Object.values(tf.resource.aws_cloudwatch_metric_alarm as Record<string, any>).find((a) => a.alarm_name === "medicare-hub-prod-slo-budget-burn-long");
    const synthesized = alarm.metric_query.filter((q: any) => q.metric).map((q: any) => [q.id, q.metric.namespace, q.metric.metric_name, q.metric.stat, Object.keys(q.metric.dimensions).sort()]);
    const sent = metricQueries(TARGET).map((q) => [q.Id, q.MetricStat?.Metric?.Namespace, q.MetricStat?.Metric?.MetricName, q.MetricStat?.Stat, (q.MetricStat?.Metric?.Dimensions ?? []).map((d) => d.Name).sort()]);
    expect(sent).toEqual(synthesized);
  });

  test("names are turned into the ARN suffixes CloudWatch uses as dimensions", async () => {
    const elb = mockClient(ElasticLoadBalancingV2Client);
    elb.on(DescribeLoadBalancersCommand).resolves({ LoadBalancers: [{ LoadBalancerArn: "arn:aws:elasticloadbalancing:us-east-2:123456789012:loadbalancer/app/medicare-hub-prod-alb/50dc6c495c0c9188" }] });
    elb.on(DescribeTargetGroupsCommand).resolves({ TargetGroups: [{ TargetGroupArn: "arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/medicare-hub-prod-app-https/73e2d6bc24d8a067" }] });
    const suffixes = await lookUpArnSuffixes(new ElasticLoadBalancingV2Client({ region: "us-east-2" }), { loadBalancer: "medicare-hub-prod-alb", targetGroup: "medicare-hub-prod-app-https" });
    expect(suffixes).toEqual({ loadBalancer: "app/medicare-hub-prod-alb/50dc6c495c0c9188", targetGroup: "targetgroup/medicare-hub-prod-app-https/73e2d6bc24d8a067" });
    expect(elb.commandCalls(DescribeLoadBalancersCommand)[0].args[0].input).toEqual({ Names: ["medicare-hub-prod-alb"] });
    elb.restore();
  });
});

describe("the command line", () => {
  test("defaults to prod and markdown; the suffixes can be given instead of a synth", () => {
    expect(parseArguments(["--month", "2026-10"], NOW)).toMatchObject({ environment: "prod", format: "markdown", region: undefined, target: undefined });
    expect(parseArguments(["--env", "dev", "--month", "2026-10", "--format", "json", "--region", "eu-west-1", "--load-balancer", TARGET.loadBalancer, "--target-group", TARGET.targetGroup], NOW)).toMatchObject({
      environment: "dev",
      format: "json",
      region: "eu-west-1",
      target: TARGET,
    });
    expect(parseArguments(["--month", "2026-10", "--help"], NOW)).toBe("help");
  });

  test.each([
    [[], "--month is required: give the calendar month as YYYY-MM, such as --month 2026-10"],
    [["--month", "2026-10", "--env", "staging"], '--env takes dev or prod; got "staging"'],
    [["--month", "2026-10", "--format", "csv"], '--format takes markdown or json; got "csv"'],
    [["--month", "2026-10", "--region", "Ohio"], '--region takes an AWS region code such as us-east-2; got "Ohio"'],
    [["--month", "2026-10", "--load-balancer", TARGET.loadBalancer], "--load-balancer and --target-group go together"],
    [["--month", "2026-10", "--load-balancer", "medicare-hub-prod-alb", "--target-group", TARGET.targetGroup], "--load-balancer takes the load balancer's ARN suffix, app/NAME/ID"],
    [["--month", "2026-10", "--montth", "2026-11"], "Unknown option '--montth'; see npm run availability -- --help"],
  ])("%j is refused: %s", (argv, message) => {
    expect(() => parseArguments(argv as string[], NOW)).toThrow(message);
  });
});

describe("npm run availability as a real process", () => {
  const run = (args: string[], env: NodeJS.ProcessEnv = process.env) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((done) => {
      execFile(process.execPath, ["--require", "tsx/cjs", "tools/availability.ts", ...args], { cwd: ROOT, env, timeout: 30_000 }, (error, stdout, stderr) =>
        done({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr }),
      );
    });

  test("--help prints the usage and exits 0", async () => {
    const result = await run(["--help"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^usage: npm run availability -- --month YYYY-MM/);
  });

  test("--month 2026-13 exits 2 naming --month and the fix", async () => {
    const result = await run(["--env", "prod", "--month", "2026-13"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--month takes a calendar month as YYYY-MM, such as 2026-10; got "2026-13"');
  });

  test("without credentials it ends with a clear message about credentials, exit 1, no stack trace", async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, AWS_EC2_METADATA_DISABLED: "true", AWS_CONFIG_FILE: "/nonexistent", AWS_SHARED_CREDENTIALS_FILE: "/nonexistent" };
    for (const name of ["AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"]) delete env[name];
    const lastMonth = new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth() - 1, 1)).toISOString().slice(0, 7);
    const result = await run(["--month", lastMonth, "--load-balancer", TARGET.loadBalancer, "--target-group", TARGET.targetGroup], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("No AWS credentials: the availability report reads CloudWatch metrics (and looks the load balancer up) in us-east-2.");
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
