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

  test("the no-target outage also fails the healthy-hosts alarm (missing HealthyHostCount is breaching)", () => {
    expect(alarmState(alarm("medicare-hub-prod-healthy-hosts-below-minimum"), { HealthyHostCount: every(0) }, MINUTES)).toBe("ALARM");
    expect(alarmState(alarm("medicare-hub-prod-healthy-hosts-below-minimum"), { HealthyHostCount: every(undefined) }, MINUTES)).toBe("ALARM");
  });
});
