import { resourceRule } from "../../rule";

/** Deploys replace instances gradually, keeping capacity, and roll back on failure. */
export const rule = resourceRule({
  id: "MH-CMP-7",
  title: "Auto Scaling Groups roll out changes by instance refresh keeping at least 90% healthy, with rollback",
  standard: "Well-Architected REL08 (deploy changes safely)",
  fix: "Configure instance_refresh with strategy Rolling, min_healthy_percentage >= 90 and auto_rollback.",
  types: ["aws_autoscaling_group"],
  check: (asg) => {
    const refresh = asg.values.instance_refresh;
    if (!refresh) return "no instance refresh";
    const preferences = refresh.preferences ?? {};
    if ((preferences.min_healthy_percentage ?? 90) < 90) return `min healthy ${preferences.min_healthy_percentage}%`;
    return preferences.auto_rollback === true ? undefined : "no automatic rollback";
  },
});
