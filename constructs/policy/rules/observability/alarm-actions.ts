import { resourceRule } from "../../rule";

/** An alarm nobody hears is not an alarm. */
export const rule = resourceRule({
  id: "MH-OBS-1",
  title: "Every CloudWatch alarm notifies someone when it fires and when it recovers",
  standard: "Well-Architected REL06 (monitor); HIPAA 164.308(a)(6) incident procedures",
  fix: "Give the alarm alarm_actions and ok_actions pointing at the alerts topic.",
  types: ["aws_cloudwatch_metric_alarm"],
  check: (alarm) => {
    if ((alarm.values.alarm_actions ?? []).length === 0) return "no alarm action";
    return (alarm.values.ok_actions ?? []).length === 0 ? "no OK action" : undefined;
  },
});
