/**
 * `npm run availability -- --month 2026-10 [--env prod]`: the availability of one calendar month (UTC), measured as
 * the SLO alarms measure it (constructs/monitoring.ts, `sli`), from CloudWatch's hourly load-balancer metrics: the
 * figure that can be handed to a hospital, with its error budget, its worst hours and every hour without data.
 *
 * Exit codes: 0 report printed (read "complete": a month with missing hours says so); 1 AWS refused (credentials,
 * permissions, no such load balancer) or invalid configuration; 2 bad arguments.
 */
import { parseArgs } from "node:util";
import { CloudWatchClient, GetMetricDataCommand, type GetMetricDataCommandOutput, type MetricDataQuery } from "@aws-sdk/client-cloudwatch";
import { DescribeLoadBalancersCommand, DescribeTargetGroupsCommand, ElasticLoadBalancingV2Client } from "@aws-sdk/client-elastic-load-balancing-v2";
import { loadConfig } from "../config/load";
import { ENVIRONMENT_NAMES, REGION, type EnvironmentName } from "../config/schema";
import { environmentStackId } from "../constructs/naming";
import type { StackView } from "../constructs/policy/stack-view";
import { readStackView, runMain, withSynthesizedOutput } from "./synthesized";

const HOUR_MS = 3_600_000;
/**
 * One-hour datapoints: CloudWatch keeps data points of a 3600 s period for 455 days (15 months), 1-minute ones only
 * 15 days and 5-minute ones 63 days ("Amazon CloudWatch concepts", Metrics retention; GetMetricData API reference).
 */
export const PERIOD_SECONDS = 3600;
export const HOURLY_RETENTION_DAYS = 455;
/** A month is 3 metrics × at most 744 hours = 2,232 datapoints, one page of GetMetricData's default 100,800. */
export const MAX_PAGES = 10;
export const WORST_HOURS = 5;

/** The CloudWatch dimensions of the SLI: the final portions of the load balancer's and target group's ARNs. */
export interface SliTarget {
  /** `app/<name>/<id>` */
  readonly loadBalancer: string;
  /** `targetgroup/<name>/<id>` */
  readonly targetGroup: string;
}

/** A calendar month in UTC, and how much of it has elapsed. */
export interface MonthWindow {
  readonly month: string;
  readonly start: Date;
  /** Exclusive: the first hour of the next month. */
  readonly end: Date;
  readonly hours: number;
}

export class UsageError extends Error {}

/** `YYYY-MM` as a UTC month; refused when malformed, not started, or past CloudWatch's hourly retention at `now`. */
export function monthWindow(month: string, now: Date): MonthWindow {
  const match = /^(\d{4})-(\d{2})$/.exec(month);
  const index = match ? Number(match[2]) - 1 : -1;
  if (!match || index < 0 || index > 11) throw new UsageError(`--month takes a calendar month as YYYY-MM, such as 2026-10; got "${month}"`);
  const start = new Date(Date.UTC(Number(match[1]), index, 1));
  const end = new Date(Date.UTC(Number(match[1]), index + 1, 1));
  if (start.getTime() >= floorHour(now)) throw new UsageError(`--month ${month} has not started yet (now ${now.toISOString()}): give a past or the current month`);
  if (now.getTime() - start.getTime() > HOURLY_RETENTION_DAYS * 24 * HOUR_MS) {
    throw new UsageError(`--month ${month} began more than ${HOURLY_RETENTION_DAYS} days ago: CloudWatch no longer has all of its hourly data; give a later month`);
  }
  return { month, start, end, hours: (end.getTime() - start.getTime()) / HOUR_MS };
}

const floorHour = (date: Date) => Math.floor(date.getTime() / HOUR_MS) * HOUR_MS;

/** The three metrics of the SLI, hourly sums, returned raw so that the sums are exact and missing hours visible. */
export function metricQueries(target: SliTarget): MetricDataQuery[] {
  const lb = { Name: "LoadBalancer", Value: target.loadBalancer };
  const query = (Id: string, MetricName: string, Dimensions: { Name: string; Value: string }[]): MetricDataQuery => ({
    Id,
    MetricStat: { Metric: { Namespace: "AWS/ApplicationELB", MetricName, Dimensions }, Period: PERIOD_SECONDS, Stat: "Sum" },
    ReturnData: true,
  });
  return [
    query("elb", "HTTPCode_ELB_5XX_Count", [lb]),
    query("target", "HTTPCode_Target_5XX_Count", [lb, { Name: "TargetGroup", Value: target.targetGroup }]),
    query("requests", "RequestCount", [lb]),
  ];
}

/** Hourly sums keyed by the epoch milliseconds of the hour's start; an absent hour had no datapoint. */
export interface HourlySeries {
  readonly elb: ReadonlyMap<number, number>;
  readonly target: ReadonlyMap<number, number>;
  readonly requests: ReadonlyMap<number, number>;
}

/** What the report needs from CloudWatch (a CloudWatchClient, or a fake in tests). */
export interface MetricsClient {
  send(command: GetMetricDataCommand): Promise<GetMetricDataCommandOutput>;
}

/** Every page of GetMetricData for [start, end), merged per metric; an incomplete or inconsistent answer throws. */
export async function fetchHourlySeries(client: MetricsClient, target: SliTarget, start: Date, end: Date): Promise<HourlySeries> {
  const series: Record<keyof HourlySeries, Map<number, number>> = { elb: new Map(), target: new Map(), requests: new Map() };
  let nextToken: string | undefined;
  for (let page = 1; ; page++) {
    const input = { MetricDataQueries: metricQueries(target), StartTime: start, EndTime: end, ScanBy: "TimestampAscending" as const, NextToken: nextToken };
    const response = await client.send(new GetMetricDataCommand(input));
    for (const result of response.MetricDataResults ?? []) {
      const values = series[result.Id as keyof HourlySeries];
      if (!values) throw new Error(`CloudWatch answered for a query not asked: ${result.Id}`);
      if (result.StatusCode === "InternalError" || result.StatusCode === "Forbidden") {
        throw new Error(`CloudWatch answered ${result.StatusCode} for ${result.Id}: ${(result.Messages ?? []).map((m) => m.Value).join("; ")}`);
      }
      (result.Timestamps ?? []).forEach((timestamp, i) => {
        const hour = timestamp.getTime();
        const value = result.Values?.[i];
        if (hour % HOUR_MS !== 0 || hour < start.getTime() || hour >= end.getTime() || value === undefined) {
          throw new Error(`CloudWatch returned ${result.Id} = ${value} at ${timestamp.toISOString()}, not an hour of ${start.toISOString()}..${end.toISOString()}`);
        }
        if (values.has(hour) && values.get(hour) !== value) throw new Error(`CloudWatch returned ${result.Id} at ${timestamp.toISOString()} twice, with different values`);
        values.set(hour, value);
      });
    }
    nextToken = response.NextToken;
    if (!nextToken) {
      const partial = (response.MetricDataResults ?? []).filter((r) => r.StatusCode === "PartialData").map((r) => r.Id);
      if (partial.length > 0) throw new Error(`CloudWatch marked ${partial.join(", ")} as partial data without a next page`);
      return series;
    }
    if (page === MAX_PAGES) throw new Error(`CloudWatch still had more data after ${MAX_PAGES} pages of GetMetricData: refusing to report part of the month`);
  }
}

export interface HourFigures {
  /** ISO start of the hour (UTC). */
  readonly hour: string;
  readonly requests: number;
  readonly failedRequests: number;
}

/** The month's figures: exact sums over its hours, never an average of hourly ratios. */
export interface AvailabilityFigures {
  readonly month: string;
  readonly from: string;
  /** Exclusive. */
  readonly to: string;
  readonly hoursInMonth: number;
  /** Hours of the month not yet over when the report was made (the current month). */
  readonly hoursNotElapsed: number;
  readonly hoursWithData: number;
  /** Elapsed hours with no datapoint of any of the three metrics: nothing is known about them. */
  readonly missingHours: readonly string[];
  /** Every hour of the month elapsed and has data. */
  readonly complete: boolean;
  /** RequestCount + ELB 5xx: the SLI's total. */
  readonly requests: number;
  /** ELB 5xx + target 5xx: the SLI's bad. */
  readonly failedRequests: number;
  readonly elb5xx: number;
  readonly target5xx: number;
  /** 100 × (1 − failed / requests); null when no request was recorded. */
  readonly availabilityPercent: number | null;
  readonly sloPercent: number;
  /** Failed requests the SLO allows over this month's requests: floor(requests × (100 − SLO) / 100). */
  readonly errorBudgetRequests: number;
  /** failed / (requests × (100 − SLO) / 100) × 100; null when no request was recorded. */
  readonly errorBudgetSpentPercent: number | null;
  /** The hours with the most failed requests, most first. */
  readonly worstHours: readonly HourFigures[];
}

/** The figures of `window` from hourly sums, up to `now` (hours after it are not missing, only not over yet). */
export function computeAvailability(window: MonthWindow, series: HourlySeries, sloPercent: number, now: Date): AvailabilityFigures {
  const elapsedEnd = Math.min(window.end.getTime(), floorHour(now));
  const missingHours: string[] = [];
  const hours: HourFigures[] = [];
  let elb5xx = 0;
  let target5xx = 0;
  let counted = 0;
  for (let hour = window.start.getTime(); hour < elapsedEnd; hour += HOUR_MS) {
    const [elb, target, requests] = [series.elb.get(hour), series.target.get(hour), series.requests.get(hour)];
    if (elb === undefined && target === undefined && requests === undefined) {
      missingHours.push(new Date(hour).toISOString());
      continue;
    }
    // FILL(x, 0) of the SLI: a metric absent in an hour that has others is zero (ALB reports only non-zero counts).
    elb5xx += count(elb ?? 0);
    target5xx += count(target ?? 0);
    counted += count(requests ?? 0);
    hours.push({ hour: new Date(hour).toISOString(), requests: (requests ?? 0) + (elb ?? 0), failedRequests: (elb ?? 0) + (target ?? 0) });
  }
  const total = counted + elb5xx;
  const bad = elb5xx + target5xx;
  const budgetPpm = budgetPartsPerMillion(sloPercent);
  const hoursNotElapsed = (window.end.getTime() - elapsedEnd) / HOUR_MS;
  return {
    month: window.month,
    from: window.start.toISOString(),
    to: window.end.toISOString(),
    hoursInMonth: window.hours,
    hoursNotElapsed,
    hoursWithData: hours.length,
    missingHours,
    complete: missingHours.length === 0 && hoursNotElapsed === 0,
    requests: total,
    failedRequests: bad,
    elb5xx,
    target5xx,
    availabilityPercent: total > 0 ? ((total - bad) * 100) / total : null,
    sloPercent,
    errorBudgetRequests: Number((BigInt(total) * BigInt(budgetPpm)) / 1_000_000n),
    errorBudgetSpentPercent: total > 0 ? (bad * 100 * 1_000_000) / (total * budgetPpm) : null,
    worstHours: hours
      .filter((h) => h.failedRequests > 0)
      .sort((a, b) => b.failedRequests - a.failedRequests || a.hour.localeCompare(b.hour))
      .slice(0, WORST_HOURS),
  };
}

function count(value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`a request count must be a whole number, got ${value}`);
  return value;
}

/** (100 − SLO) % as parts per million, exactly: 99.9 → 1,000 (100 − 99.9 is 0.0999… in binary floating point). */
const budgetPartsPerMillion = (sloPercent: number) => 1_000_000 - Math.round(sloPercent * 10_000);

/** numerator / denominator × 100 with `decimals` digits, rounded toward `mode`, in exact integer arithmetic. */
export function percent(numerator: number, denominator: number, decimals: number, mode: "down" | "up"): string {
  const scaled = BigInt(numerator) * 100n * 10n ** BigInt(decimals);
  let digits = scaled / BigInt(denominator);
  if (mode === "up" && digits * BigInt(denominator) < scaled) digits += 1n;
  const text = digits.toString().padStart(decimals + 1, "0");
  return `${text.slice(0, text.length - decimals)}.${text.slice(text.length - decimals)} %`;
}

const thousands = (n: number) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
const hourText = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;

/** Consecutive missing hours as ranges: `2026-10-03 04:00 – 07:00 UTC (3 h)`. */
export function hourRanges(hours: readonly string[]): string[] {
  const ranges: [number, number][] = [];
  for (const hour of hours.map((h) => Date.parse(h))) {
    const last = ranges[ranges.length - 1];
    if (last && last[1] === hour) last[1] = hour + HOUR_MS;
    else ranges.push([hour, hour + HOUR_MS]);
  }
  return ranges.map(([from, to]) => `${hourText(new Date(from).toISOString())} – ${hourText(new Date(to).toISOString())} UTC (${(to - from) / HOUR_MS} h)`);
}

export interface AvailabilityReport extends AvailabilityFigures {
  readonly environment: string;
  readonly region: string;
  readonly loadBalancer: string;
  readonly targetGroup: string;
}

export function reportMarkdown(r: AvailabilityReport): string {
  const stated = r.availabilityPercent === null || r.errorBudgetSpentPercent === null;
  const lines = [
    `# Availability of MediCare Hub ${r.environment}, ${r.month} (UTC)`,
    "",
    r.complete
      ? `Data complete: all ${r.hoursInMonth} hours of the month have data.`
      : `**Data incomplete**: of the month's ${r.hoursInMonth} hours, ${[
          r.missingHours.length > 0 ? `${r.missingHours.length} have no data` : "",
          r.hoursNotElapsed > 0 ? `${r.hoursNotElapsed} are not over yet` : "",
        ]
          .filter(Boolean)
          .join(" and ")}; the figures cover the ${r.hoursWithData} hours with data only and are not the month's availability.`,
    "",
    "| figure | value |",
    "|---|---:|",
    `| requests | ${thousands(r.requests)} |`,
    `| failed requests (5xx) | ${thousands(r.failedRequests)} (load balancer ${thousands(r.elb5xx)}, app ${thousands(r.target5xx)}) |`,
    `| availability | ${stated ? "no requests recorded: cannot be stated" : percent(r.requests - r.failedRequests, r.requests, 3, "down")} |`,
    `| SLO | ${r.sloPercent} % |`,
    `| error budget of the month (${Math.round((100 - r.sloPercent) * 10_000) / 10_000} % of requests) | ${thousands(r.errorBudgetRequests)} failed requests |`,
    `| error budget spent | ${stated ? "—" : percent(r.failedRequests * 1_000_000, r.requests * budgetPartsPerMillion(r.sloPercent), 1, "up")} |`,
    `| hours with data | ${r.hoursWithData} of ${r.hoursInMonth} |`,
    "",
    "Availability is rounded down and budget spent rounded up, so neither looks better than it was.",
    "",
    "## Worst hours",
    "",
  ];
  if (r.worstHours.length === 0) lines.push("No failed request in any hour with data.");
  else {
    lines.push("| hour (UTC) | requests | failed | availability |", "|---|---:|---:|---:|");
    for (const h of r.worstHours) lines.push(`| ${hourText(h.hour)} | ${thousands(h.requests)} | ${thousands(h.failedRequests)} | ${percent(h.requests - h.failedRequests, h.requests, 3, "down")} |`);
  }
  lines.push("", "## Hours without data", "");
  if (r.missingHours.length === 0) lines.push("None.");
  else for (const range of hourRanges(r.missingHours)) lines.push(`- ${range}`);
  lines.push(
    "",
    "## Method",
    "",
    `Hourly sums (period ${PERIOD_SECONDS} s, statistic Sum) of the load balancer's CloudWatch metrics in ${r.region}, load balancer \`${r.loadBalancer}\`,`,
    `target group \`${r.targetGroup}\`, from ${r.from} to ${r.to}, added up over the month: the SLI the SLO alarms evaluate.`,
    "A request failed when it was answered with a 5xx by the load balancer itself (`HTTPCode_ELB_5XX_Count`: no healthy",
    "target to send it to, or a target that did not answer properly or in time) or by the application",
    "(`HTTPCode_Target_5XX_Count`). Requests = `RequestCount` + load-balancer 5xx, because `RequestCount` leaves out",
    "requests for which no target could be chosen: when every instance is down, those requests count as failed and as",
    "requests, so an outage lowers the figure instead of vanishing from it. A load-balancer 5xx for which a target had",
    "been chosen (a 502 or 504) is also in `RequestCount`, so it counts twice among the requests; the figure can be",
    "high by at most the load-balancer 5xx above. Availability = 1 − failed / requests over the month (sums, not an",
    "average of hourly ratios); the error budget is (100 − SLO) % of the month's requests. The load balancer publishes",
    "metrics only while requests flow, and the Route 53 health check requests `/health` around the clock, so an hour",
    "without any datapoint is unknown, not perfect: it is listed above and the data is marked incomplete.",
  );
  return `${lines.join("\n")}\n`;
}

/** The load balancer and target group names the stack's SLI alarms watch, followed from their dimensions. */
export function sliResourceNames(stack: StackView): { loadBalancer: string; targetGroup: string } {
  const pairs = new Map<string, { loadBalancer: string; targetGroup: string }>();
  for (const alarm of stack.resources("aws_cloudwatch_metric_alarm")) {
    for (const query of alarm.values.metric_query ?? []) {
      if (query.metric?.metric_name !== "HTTPCode_Target_5XX_Count") continue;
      const loadBalancer = stack.referenced(query.metric.dimensions?.LoadBalancer)?.values.name;
      const targetGroup = stack.referenced(query.metric.dimensions?.TargetGroup)?.values.name;
      if (loadBalancer && targetGroup) pairs.set(`${loadBalancer} ${targetGroup}`, { loadBalancer, targetGroup });
    }
  }
  if (pairs.size !== 1) {
    throw new Error(`${stack.stackId}: the SLI alarms watch ${pairs.size} load balancer/target group pairs (${[...pairs.keys()].join(", ")}): give --load-balancer and --target-group`);
  }
  return [...pairs.values()][0];
}

/** The ARN suffixes (CloudWatch's dimension values) of the named load balancer and target group, looked up in AWS. */
export async function lookUpArnSuffixes(elb: ElasticLoadBalancingV2Client, names: { loadBalancer: string; targetGroup: string }): Promise<SliTarget> {
  const [balancers, groups] = await Promise.all([
    elb.send(new DescribeLoadBalancersCommand({ Names: [names.loadBalancer] })),
    elb.send(new DescribeTargetGroupsCommand({ Names: [names.targetGroup] })),
  ]);
  const loadBalancerArn = balancers.LoadBalancers?.[0]?.LoadBalancerArn;
  const targetGroupArn = groups.TargetGroups?.[0]?.TargetGroupArn;
  if (!loadBalancerArn || !targetGroupArn) throw new Error(`no load balancer ${names.loadBalancer} or target group ${names.targetGroup} found`);
  // arn:aws:elasticloadbalancing:<region>:<account>:loadbalancer/app/<name>/<id> -> app/<name>/<id>, and
  // ...:targetgroup/<name>/<id> -> targetgroup/<name>/<id> ("CloudWatch metrics for your Application Load Balancer").
  return { loadBalancer: loadBalancerArn.split(":loadbalancer/")[1], targetGroup: targetGroupArn.slice(targetGroupArn.lastIndexOf(":") + 1) };
}

export const USAGE = `usage: npm run availability -- --month YYYY-MM [--env prod] [--format markdown|json] [--region REGION]
                               [--from OUTDIR | --load-balancer app/NAME/ID --target-group targetgroup/NAME/ID]

The availability of one calendar month (UTC) as the SLO alarms measure it, from CloudWatch's hourly ALB metrics.
  --month YYYY-MM     the calendar month, in UTC (required); CloudWatch keeps hourly data ${HOURLY_RETENTION_DAYS} days
  --env ENV           ${ENVIRONMENT_NAMES.join(" or ")} (default prod)
  --format FORMAT     markdown (default) or json
  --region REGION     where the load balancer runs (default: the environment's configured region)
  --from OUTDIR       read the load balancer and target group from this synth output, e.g. cdktf.out (default:
                      synthesize the current configuration), then look their ARNs up in the region
  --load-balancer SUFFIX --target-group SUFFIX
                      the ARN suffixes (the CloudWatch dimensions) themselves: no synth, no look-up
Needs AWS credentials allowed cloudwatch:GetMetricData (and elasticloadbalancing:DescribeLoadBalancers and
DescribeTargetGroups unless the suffixes are given).
Exit codes: 0 report printed (see whether the data is complete); 1 AWS or configuration error; 2 bad arguments.`;

export interface AvailabilityOptions {
  readonly environment: EnvironmentName;
  readonly window: MonthWindow;
  readonly format: "markdown" | "json";
  readonly region?: string;
  readonly from?: string;
  readonly target?: SliTarget;
}

/** The command line as options; `"help"` for --help; bad arguments throw {@link UsageError} naming the flag. */
export function parseArguments(argv: readonly string[], now: Date): AvailabilityOptions | "help" {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        help: { type: "boolean" },
        env: { type: "string" },
        month: { type: "string" },
        format: { type: "string" },
        region: { type: "string" },
        from: { type: "string" },
        "load-balancer": { type: "string" },
        "target-group": { type: "string" },
      },
    }));
  } catch (error) {
    throw new UsageError(`${(error as Error).message}; see npm run availability -- --help`);
  }
  if (values.help) return "help";
  const text = (name: string) => values[name] as string | undefined;
  const environment = text("env") ?? "prod";
  if (!(ENVIRONMENT_NAMES as readonly string[]).includes(environment)) throw new UsageError(`--env takes ${ENVIRONMENT_NAMES.join(" or ")}; got "${environment}"`);
  const month = text("month");
  if (month === undefined) throw new UsageError("--month is required: give the calendar month as YYYY-MM, such as --month 2026-10");
  const format = text("format") ?? "markdown";
  if (format !== "markdown" && format !== "json") throw new UsageError(`--format takes markdown or json; got "${format}"`);
  const region = text("region");
  if (region !== undefined && !REGION.test(region)) throw new UsageError(`--region takes an AWS region code such as us-east-2; got "${region}"`);
  const [loadBalancer, targetGroup] = [text("load-balancer"), text("target-group")];
  if ((loadBalancer === undefined) !== (targetGroup === undefined)) throw new UsageError("--load-balancer and --target-group go together: give both ARN suffixes, or neither");
  if (loadBalancer !== undefined && !/^app\/[\w-]+\/[0-9a-f]+$/.test(loadBalancer)) {
    throw new UsageError(`--load-balancer takes the load balancer's ARN suffix, app/NAME/ID; got "${loadBalancer}"`);
  }
  if (targetGroup !== undefined && !/^targetgroup\/[\w-]+\/[0-9a-f]+$/.test(targetGroup)) {
    throw new UsageError(`--target-group takes the target group's ARN suffix, targetgroup/NAME/ID; got "${targetGroup}"`);
  }
  if (loadBalancer !== undefined && text("from") !== undefined) throw new UsageError("--from and --load-balancer/--target-group exclude each other: give one");
  return {
    environment: environment as EnvironmentName,
    window: monthWindow(month, now),
    format,
    region,
    from: text("from"),
    target: loadBalancer && targetGroup ? { loadBalancer, targetGroup } : undefined,
  };
}

/** A sentence for the AWS refusals a user can fix, or undefined for anything else. */
export function awsProblem(error: Error, region: string): string | undefined {
  if (error.name === "CredentialsProviderError") {
    return `No AWS credentials: the availability report reads CloudWatch metrics (and looks the load balancer up) in ${region}. Sign in to the environment's account (AWS_PROFILE, or the variables of an assumed role) and run it again.`;
  }
  if (["ExpiredToken", "ExpiredTokenException", "InvalidClientTokenId", "UnrecognizedClientException", "InvalidSignatureException"].includes(error.name)) {
    return `The AWS credentials were refused (${error.name}: ${error.message}). Sign in to the environment's account again and run it again.`;
  }
  if (error.name === "AccessDenied" || error.name === "AccessDeniedException") {
    return `Access denied in ${region} (${error.message}): the report needs cloudwatch:GetMetricData, and elasticloadbalancing:DescribeLoadBalancers and DescribeTargetGroups unless --load-balancer and --target-group are given.`;
  }
  if (error.name === "LoadBalancerNotFoundException" || error.name === "TargetGroupNotFoundException") {
    return `${error.message} in ${region}: is the environment deployed there? Give --region, or the ARN suffixes with --load-balancer and --target-group.`;
  }
  return undefined;
}

/** The month's report from CloudWatch, for a target already resolved. */
export async function availabilityReport(
  options: AvailabilityOptions & { readonly region: string; readonly target: SliTarget },
  cloudWatch: MetricsClient,
  sloPercent: number,
  now: Date,
): Promise<AvailabilityReport> {
  const { window } = options;
  const series = await fetchHourlySeries(cloudWatch, options.target, window.start, new Date(Math.min(window.end.getTime(), floorHour(now))));
  return { environment: options.environment, region: options.region, ...options.target, ...computeAvailability(window, series, sloPercent, now) };
}

async function main(argv: readonly string[]): Promise<number> {
  const now = new Date();
  let parsed: AvailabilityOptions | "help";
  try {
    parsed = parseArguments(argv, now);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(error.message);
    return 2;
  }
  if (parsed === "help") {
    console.log(USAGE);
    return 0;
  }
  const options = parsed;
  const environment = loadConfig().environments[options.environment];
  const region = options.region ?? environment.region;
  const report = async (names?: { loadBalancer: string; targetGroup: string }): Promise<number> => {
    try {
      const target = options.target ?? (await lookUpArnSuffixes(new ElasticLoadBalancingV2Client({ region }), names as { loadBalancer: string; targetGroup: string }));
      const result = await availabilityReport({ ...options, region, target }, new CloudWatchClient({ region }), environment.alarms.availabilitySloPercent, now);
      console.log(options.format === "json" ? JSON.stringify(result, null, 2) : reportMarkdown(result));
      return 0;
    } catch (error) {
      const problem = awsProblem(error as Error, region);
      if (!problem) throw error;
      console.error(problem);
      return 1;
    }
  };
  if (options.target) return report();
  let code = 1;
  const synthCode = await withSynthesizedOutput(async (outdir) => {
    code = await report(sliResourceNames(readStackView(outdir, environmentStackId(options.environment))));
  }, options.from);
  return synthCode || code;
}

if (require.main === module) runMain(() => main(process.argv.slice(2)));
