import { finding, notApplicable, stackRule } from "../../rule";

/**
 * Threats are detected, and someone hears of them: an enabled GuardDuty detector whose findings of medium severity and
 * above an EventBridge rule sends to a topic.
 */
export const rule = stackRule({
  id: "MH-AUD-3",
  title: "GuardDuty is enabled and its medium-and-above findings reach a topic",
  standard: "AWS FSBP GuardDuty.1; HIPAA 164.308(a)(1)(ii)(D) information system activity review, 164.308(a)(6) security incidents",
  fix: "Enable the audit stack (audit.enabled; constructs/audit/audit-stack.ts), or rely on a landing zone's GuardDuty and say so.",
  check: (stack) => {
    const detectors = stack.resources("aws_guardduty_detector");
    if (detectors.length === 0) return [notApplicable("no GuardDuty detector in this stack")];
    const rules = stack.resources("aws_cloudwatch_event_rule").filter((r) => {
      const pattern = typeof r.values.event_pattern === "string" && r.values.event_pattern.startsWith("{") ? JSON.parse(r.values.event_pattern) : {};
      return (pattern.source ?? []).includes("aws.guardduty");
    });
    const routed = rules.some((r) => stack.attached("aws_cloudwatch_event_target", "rule", r).some((t) => stack.referenced(t.values.arn)?.type === "aws_sns_topic"));
    return detectors.map((d) => finding(d.values.enable !== false && routed, d.address, d.values.enable === false ? "the detector is disabled" : "no rule sends its findings to a topic"));
  },
});
