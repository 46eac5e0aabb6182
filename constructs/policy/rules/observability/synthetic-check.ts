import { StackView, finding, stackRule } from "../../rule";

/**
 * The load balancer's metrics see requests that reach it. A wrong DNS answer, an expired certificate or a broken
 * maintenance page never do: only a check from outside, through the public domain, sees them. Every environment runs a
 * started canary whose success metric an alarm with actions watches.
 */
export const rule = stackRule({
  id: "MH-OBS-6",
  title: "The public journey is checked from outside by a running canary, and its failures alarm",
  standard: "Well-Architected REL06-BP07 (monitor end-to-end tracing / synthetic transactions); SRE workbook, black-box monitoring",
  fix: "Set syntheticChecks.enabled to true (constructs/synthetic-checks.ts; about $10 a month per canary at 5-minute runs).",
  severity: "warning",
  configFields: ["syntheticChecks.enabled"],
  // Every environment stack; the state stack (Environment tag "shared") serves no users.
  when: (stack) => stack.environment !== "shared",
  check: (stack) => {
    const alarms = stack.resources("aws_cloudwatch_metric_alarm");
    const watched = stack.resources("aws_synthetics_canary").filter((canary) => {
      if (canary.values.start_canary !== true) return false;
      return alarms.some(
        (alarm) =>
          alarm.values.namespace === "CloudWatchSynthetics" &&
          alarm.values.metric_name === "SuccessPercent" &&
          // The canary's name, written out or referenced.
          (alarm.values.dimensions?.CanaryName === canary.values.name || StackView.refersTo(alarm.values.dimensions?.CanaryName, canary)) &&
          (alarm.values.alarm_actions ?? []).length > 0,
      );
    });
    return [finding(watched.length > 0, "(stack)", "no started canary with an alarm on its SuccessPercent: failures only a user outside sees (DNS, certificate, maintenance page) would be found by users")];
  },
});
