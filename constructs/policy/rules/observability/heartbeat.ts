import { inProduction, stackRule, finding } from "../../rule";

/**
 * Alerting that fails says nothing: a disabled alerts key or an SNS outage silences every alarm at once. In production
 * a scheduled message goes through EventBridge, SNS and the alerts key to an external dead man's switch that pages when
 * it stops.
 */
export const rule = stackRule({
  id: "MH-OBS-5",
  title: "Production sends its alerting path a heartbeat: a scheduled message to an HTTPS dead man's switch",
  standard: "Well-Architected OPS08 (workload observability: alert on the alerting); SRE workbook, monitoring the monitoring",
  fix: "Set alerts.heartbeatUrl to the HTTPS URL of a heartbeat check that pages when messages stop (docs/first-deploy.md).",
  severity: "warning",
  configFields: ["alerts.heartbeatUrl"],
  when: inProduction,
  check: (stack) => {
    const scheduled = stack.resources("aws_cloudwatch_event_rule").filter((r) => typeof r.values.schedule_expression === "string");
    const beats = scheduled.some((rule) =>
      stack.attached("aws_cloudwatch_event_target", "rule", rule).some((target) => {
        const topic = stack.referenced(target.values.arn);
        return topic?.type === "aws_sns_topic" && stack.attached("aws_sns_topic_subscription", "topic_arn", topic).some((s) => s.values.protocol === "https");
      }),
    );
    return [finding(beats, "(stack)", "no scheduled rule publishes to a topic with an HTTPS subscription: nothing would tell anyone that alerting is dead")];
  },
});
