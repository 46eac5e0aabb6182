/**
 * What the synthesized alarms do on synthetic datapoints (issue 20): the outage where no target is healthy must page,
 * whatever RequestCount says, and ordinary traffic or no traffic must not.
 */
import { DEFAULT_CONFIG } from "../../config/environments";
import { environmentStackId } from "../../constructs/medicare-hub-stack";
import { alarmSeries, alarmState } from "../support/metric-math";
import { readStackJson, resourcesOf, synthApp, type TerraformJson } from "../support/synth";

const MINUTES = 5;
const every = (value: number | undefined) => Array.from({ length: MINUTES }, () => value);

describe("the load balancer's 5xx alarm (prod), evaluated", () => {
  let tf: TerraformJson;
  const alarm = (name: string) => Object.values(resourcesOf(tf, "aws_cloudwatch_metric_alarm")).find((a) => a.alarm_name === name);
  beforeAll(() => {
    tf = readStackJson(synthApp(), environmentStackId("prod"));
  });

  test("no healthy target: every request is an ELB 503 and RequestCount is missing; the alarm fires at 100 %", () => {
    // "RequestCount ... is only incremented for requests where the load balancer node was able to choose a target"
    // (CloudWatch metrics for your Application Load Balancer).
    const outage = { HTTPCode_ELB_5XX_Count: every(240), RequestCount: every(undefined) };
    expect(alarmSeries(alarm("medicare-hub-prod-alb-5xx-rate"), outage, MINUTES)).toEqual(every(100));
    expect(alarmState(alarm("medicare-hub-prod-alb-5xx-rate"), outage, MINUTES)).toBe("ALARM");
  });

  test("a rate above the threshold fires; below it, or no traffic at all, does not", () => {
    const threshold = DEFAULT_CONFIG.environments.prod.alarms.http5xxRatePercent;
    const fiveXx = alarm("medicare-hub-prod-alb-5xx-rate");
    const errorsPerThousand = (rate: number) => ({ HTTPCode_ELB_5XX_Count: every((rate * 1000) / (100 - rate)), RequestCount: every(1000) });
    expect(alarmState(fiveXx, errorsPerThousand(threshold + 1), MINUTES)).toBe("ALARM");
    expect(alarmState(fiveXx, errorsPerThousand(threshold - 1), MINUTES)).toBe("OK");
    expect(alarmState(fiveXx, { RequestCount: every(undefined), HTTPCode_ELB_5XX_Count: every(undefined) }, MINUTES)).toBe("OK");
    expect(alarmState(fiveXx, { RequestCount: every(5000), HTTPCode_ELB_5XX_Count: every(undefined) }, MINUTES)).toBe("OK");
  });

  test("the no-target outage also pages through no-healthy-hosts (missing HealthyHostCount is breaching)", () => {
    expect(alarmState(alarm("medicare-hub-prod-no-healthy-hosts"), { HealthyHostCount: every(0) }, MINUTES)).toBe("ALARM");
    expect(alarmState(alarm("medicare-hub-prod-no-healthy-hosts"), { HealthyHostCount: every(undefined) }, MINUTES)).toBe("ALARM");
    expect(alarmState(alarm("medicare-hub-prod-no-healthy-hosts"), { HealthyHostCount: every(1) }, MINUTES)).toBe("OK");
  });
});

describe("SLO burn-rate alerts (prod), evaluated: fire at the workbook's thresholds and not below", () => {
  let tf: TerraformJson;
  const slo = DEFAULT_CONFIG.environments.prod.alarms.availabilitySloPercent;
  const budget = 1 - slo / 100;
  beforeAll(() => {
    tf = readStackJson(synthApp(), environmentStackId("prod"));
  });
  const byName = (name: string) => Object.values(resourcesOf(tf, "aws_cloudwatch_metric_alarm")).find((a) => a.alarm_name === name);
  /** One window's datapoint: `requests` answered, a `failedShare` of them 5xx by the app. */
  const window = (failedShare: number, requests = 100000) => ({
    RequestCount: [requests],
    HTTPCode_Target_5XX_Count: [failedShare * requests],
    HTTPCode_ELB_5XX_Count: [0],
  });
  /** A composite AND of its windows: the rule names both; each window is evaluated on its own datapoint. */
  const composite = (id: string, longShare: number, shortShare: number) => {
    const rule: string = Object.values(resourcesOf(tf, "aws_cloudwatch_composite_alarm")).find((c) => c.alarm_name === `medicare-hub-prod-${id}`).alarm_rule;
    expect(rule).toBe(`ALARM("medicare-hub-prod-${id}-long") AND ALARM("medicare-hub-prod-${id}-short")`);
    const long = alarmState(byName(`medicare-hub-prod-${id}-long`), window(longShare), 1);
    const short = alarmState(byName(`medicare-hub-prod-${id}-short`), window(shortShare), 1);
    return long === "ALARM" && short === "ALARM" ? "ALARM" : "OK";
  };

  test.each([
    ["slo-fast-burn", 14.4],
    ["slo-slow-burn", 6],
    ["slo-budget-burn", 1],
  ])("%s fires at %sx the error budget in both windows, not just below it, nor on one window alone", (id, burn) => {
    expect(composite(id, burn * budget * 1.05, burn * budget * 1.05)).toBe("ALARM");
    expect(composite(id, burn * budget * 0.95, burn * budget * 1.05)).toBe("OK");
    expect(composite(id, burn * budget * 1.05, burn * budget * 0.95)).toBe("OK");
  });

  test("the no-target outage burns the budget: every window sees 100 % failed", () => {
    const outage = { RequestCount: [undefined], HTTPCode_ELB_5XX_Count: [5000], HTTPCode_Target_5XX_Count: [undefined] };
    for (const id of ["slo-fast-burn", "slo-slow-burn", "slo-budget-burn"]) {
      for (const which of ["long", "short"]) expect(alarmState(byName(`medicare-hub-prod-${id}-${which}`), outage, 1)).toBe("ALARM");
    }
  });

  test("a steady 4.9 % error rate, under the 5 % rate alarm, still pages through the burn rate", () => {
    expect(composite("slo-fast-burn", 0.049, 0.049)).toBe("ALARM");
    expect(alarmState(byName("medicare-hub-prod-target-5xx-rate"), { RequestCount: Array(5).fill(1000), HTTPCode_Target_5XX_Count: Array(5).fill(49) }, 5)).toBe("OK");
  });
});

describe("the app tier's capacity alarms (prod), evaluated: routine replacements and scale-outs are quiet, a stuck group is not", () => {
  let tf: TerraformJson;
  const alarm = (name: string) => Object.values(resourcesOf(tf, "aws_cloudwatch_metric_alarm")).find((a) => a.alarm_name === `medicare-hub-prod-${name}`);
  const HOUR = 60;
  /** `before` minutes of one value, then `after` of another, over an hour of one-minute datapoints. */
  const step = (before: number, after: number, minutesBefore: number) => Array.from({ length: HOUR }, (_, i) => (i < HOUR - minutesBefore ? before : after));
  beforeAll(() => {
    tf = readStackJson(synthApp(), environmentStackId("prod"));
  });

  test("a routine replacement (one target short of desired) does not page, however long it takes; it is the unhealthy-hosts ticket", () => {
    const replacing = { GroupDesiredCapacity: step(3, 3, 0), HealthyHostCount: step(3, 2, 30), UnHealthyHostCount: step(0, 1, 30) };
    expect(alarm("healthy-hosts-below-desired").tags.Severity).toBe("page");
    expect(alarmState(alarm("healthy-hosts-below-desired"), replacing, HOUR)).toBe("OK");
    expect(alarmState(alarm("no-healthy-hosts"), replacing, HOUR)).toBe("OK");
    expect(alarm("unhealthy-hosts").tags.Severity).toBe("ticket");
    expect(alarmState(alarm("unhealthy-hosts"), replacing, HOUR)).toBe("ALARM");
  });

  test("a scale-out of three instances at once, healthy within two boots of 380 s, does not page; the same shortfall lasting 13 minutes does", () => {
    // A boot is launch to serving at worst: 60 s + the 300 s bootstrap deadline + 2 x 10 s checks = 380 s; two of them
    // are 760 s, rounded up to 13 one-minute periods.
    const scaleOut = (minutesShort: number) => ({ GroupDesiredCapacity: step(3, 6, minutesShort), HealthyHostCount: step(3, 3, minutesShort) });
    // Twelve minutes short of desired, then healthy: the last datapoints are fine again.
    const recovered = { GroupDesiredCapacity: step(3, 6, 20), HealthyHostCount: step(3, 6, 8) };
    expect(alarmState(alarm("healthy-hosts-below-desired"), recovered, HOUR)).toBe("OK");
    expect(alarmState(alarm("healthy-hosts-below-desired"), scaleOut(12), HOUR)).toBe("OK");
    expect(alarmState(alarm("healthy-hosts-below-desired"), scaleOut(13), HOUR)).toBe("ALARM");
  });

  test("a group stuck below desired is a ticket after 15 minutes, not before", () => {
    const stuck = (minutes: number) => ({ GroupDesiredCapacity: step(4, 4, 0), GroupInServiceInstances: step(4, 3, minutes) });
    expect(alarm("in-service-below-desired").tags.Severity).toBe("ticket");
    expect(alarmState(alarm("in-service-below-desired"), stuck(14), HOUR)).toBe("OK");
    expect(alarmState(alarm("in-service-below-desired"), stuck(15), HOUR)).toBe("ALARM");
  });

  test("a group at its maximum size for 15 minutes is a ticket; one below it is not", () => {
    const max = DEFAULT_CONFIG.environments.prod.app.maxCapacity;
    expect(alarm("at-max-capacity").tags.Severity).toBe("ticket");
    expect(alarmState(alarm("at-max-capacity"), { GroupMaxSize: step(max, max, 0), GroupInServiceInstances: step(max - 1, max, 15) }, HOUR)).toBe("ALARM");
    expect(alarmState(alarm("at-max-capacity"), { GroupMaxSize: step(max, max, 0), GroupInServiceInstances: step(max - 1, max, 14) }, HOUR)).toBe("OK");
    expect(alarmState(alarm("at-max-capacity"), { GroupMaxSize: step(max, max, 0), GroupInServiceInstances: step(max - 1, max - 1, 0) }, HOUR)).toBe("OK");
  });

  test("a NAT gateway dropping more than 0.01 % of its packets is a ticket; 0.005 % or an idle gateway is not", () => {
    const drops = (share: number) => ({ PacketsDropCount: [share * 2e6, share * 2e6, share * 2e6], PacketsInFromSource: [1e6, 1e6, 1e6], PacketsInFromDestination: [1e6, 1e6, 1e6] });
    const nat = alarm("nat-1-packets-dropped");
    expect(nat.tags.Severity).toBe("ticket");
    expect(alarmState(nat, drops(0.0002), 3)).toBe("ALARM");
    expect(alarmState(nat, drops(0.00005), 3)).toBe("OK");
    expect(alarmState(nat, {}, 3)).toBe("OK");
  });
});

describe("noise (prod), evaluated: a quiet night is not an alarm, a busy slow service is", () => {
  let tf: TerraformJson;
  beforeAll(() => {
    tf = readStackJson(synthApp(), environmentStackId("prod"));
  });
  const byName = (name: string) => Object.values(resourcesOf(tf, "aws_cloudwatch_metric_alarm")).find((a) => a.alarm_name === name);
  const thrice = (value: number | undefined) => [value, value, value];

  test("p99 latency: one slow request among 19 at night does not alarm; a slow p99 over 1,000 requests does", () => {
    const p99 = byName("medicare-hub-prod-p99-latency");
    const thresholdSeconds = DEFAULT_CONFIG.environments.prod.alarms.p99LatencyMilliseconds / 1000;
    // With 19 requests the 99th percentile is the slowest one (CloudWatch percentiles of few samples).
    expect(alarmState(p99, { TargetResponseTime: thrice(thresholdSeconds * 5), RequestCount: thrice(19) }, 3)).toBe("OK");
    expect(alarmState(p99, { TargetResponseTime: thrice(thresholdSeconds * 2), RequestCount: thrice(1000) }, 3)).toBe("ALARM");
    expect(alarmState(p99, { TargetResponseTime: thrice(thresholdSeconds / 2), RequestCount: thrice(1000) }, 3)).toBe("OK");
    expect(p99.metric_query.find((q: any) => q.metric?.metric_name === "TargetResponseTime").metric).toMatchObject({ stat: "p99", period: 300 });
  });

  test("WAF: one alarm per rule, none summing all rules; each managed group's alarm is its share of all requests", () => {
    const waf = Object.values(resourcesOf(tf, "aws_cloudwatch_metric_alarm")).filter((a) => JSON.stringify(a).includes("AWS/WAFV2"));
    const ruleDimensions = (a: any) => (a.metric_query ?? [{ metric: a }]).filter((q: any) => q.metric?.metric_name === "BlockedRequests").map((q: any) => q.metric.dimensions.Rule);
    // Never an alarm on the total alone: the sum of all rules is what hid a blocked clinician behind a scanner.
    for (const alarm of waf) expect(ruleDimensions(alarm).filter((rule: string) => rule !== "ALL")).toHaveLength(1);
    expect(waf.map((a) => a.alarm_name).sort()).toEqual([
      "medicare-hub-prod-waf-amazon-ip-reputation-list-blocking",
      "medicare-hub-prod-waf-common-rule-set-blocking",
      "medicare-hub-prod-waf-known-bad-inputs-rule-set-blocking",
      "medicare-hub-prod-waf-rate-limit-blocking",
    ]);
    for (const alarm of waf) expect(alarm.tags.Severity).toBe("ticket");
  });

  test("WAF: a scanner's 5-minute burst does not alarm; a rule blocking 10 % of real traffic for 15 minutes does", () => {
    const common = byName("medicare-hub-prod-waf-common-rule-set-blocking");
    const rule = "medicare-hub-prod-waf-AWSManagedRulesCommonRuleSet";
    const traffic = (blockedByRule: (number | undefined)[], allowed: number) => ({
      [`BlockedRequests{Rule=${rule}}`]: blockedByRule,
      "BlockedRequests{Rule=ALL}": blockedByRule,
      "AllowedRequests{Rule=ALL}": thrice(allowed),
    });
    expect(alarmState(common, traffic([0, 0, 5000], 900), 3)).toBe("OK");
    expect(alarmState(common, traffic(thrice(100), 900), 3)).toBe("ALARM");
    expect(alarmState(common, traffic(thrice(20), 980), 3)).toBe("OK");
    // A quiet night: 3 of 19 requests blocked is no story.
    expect(alarmState(common, traffic(thrice(3), 16), 3)).toBe("OK");
  });
});
