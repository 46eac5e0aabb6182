import { resourceRule, type SynthesizedResource, type StackView } from "../../rule";

/** The alarm's name as a composite alarm's rule names it: ALARM("<name>") (or ALARM(<name>)). */
function namedBy(rule: unknown, name: string): boolean {
  return typeof rule === "string" && (rule.includes(`ALARM("${name}")`) || rule.includes(`ALARM(${name})`));
}

/** Whether a composite alarm that notifies on alarm and on recovery includes this alarm in its rule. */
function notifiedThroughComposite(alarm: SynthesizedResource, stack: StackView): boolean {
  return stack
    .resources("aws_cloudwatch_composite_alarm")
    .some((c) => namedBy(c.values.alarm_rule, alarm.values.alarm_name) && (c.values.alarm_actions ?? []).length > 0 && (c.values.ok_actions ?? []).length > 0);
}

/** An alarm nobody hears is not an alarm: it notifies itself, or through a composite alarm that does. */
export const rule = resourceRule({
  id: "MH-OBS-1",
  title: "Every CloudWatch alarm notifies someone when it fires and when it recovers (itself or through a composite alarm)",
  standard: "Well-Architected REL06 (monitor); HIPAA 164.308(a)(6) incident procedures",
  fix: "Give the alarm alarm_actions and ok_actions pointing at the page or ticket topic, or name it in a composite alarm that has them.",
  types: ["aws_cloudwatch_metric_alarm", "aws_cloudwatch_composite_alarm"],
  check: (alarm, stack) => {
    const fires = (alarm.values.alarm_actions ?? []).length > 0;
    const recovers = (alarm.values.ok_actions ?? []).length > 0;
    if (fires && recovers) return undefined;
    if (alarm.type === "aws_cloudwatch_metric_alarm" && !fires && !recovers && notifiedThroughComposite(alarm, stack)) return undefined;
    return fires ? "no OK action" : "no alarm action";
  },
});
