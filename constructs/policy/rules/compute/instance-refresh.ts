import { resourceRule } from "../../rule";

/** Deploys replace instances gradually, keeping capacity (rollback is MH-CMP-8's concern: AWS cannot do it here). */
export const rule = resourceRule({
  id: "MH-CMP-7",
  title: "Auto Scaling Groups roll out changes by instance refresh keeping at least 90% healthy",
  standard: "Well-Architected REL08 (deploy changes safely)",
  fix: "Configure instance_refresh with strategy Rolling, and min_healthy_percentage >= 90.",
  types: ["aws_autoscaling_group"],
  check: (asg) => {
    const refresh = asg.values.instance_refresh;
    if (!refresh) return "no instance refresh";
    const preferences = refresh.preferences ?? {};
    return (preferences.min_healthy_percentage ?? 90) < 90 ? `min healthy ${preferences.min_healthy_percentage}%` : undefined;
  },
});
