import { resourceRule, targetDetectionSeconds } from "../../rule";

/** An explicit, fast health check is what takes a failing instance out of rotation. */
export const rule = resourceRule({
  id: "MH-ELB-8",
  title: "Target groups check an explicit health path, detecting failure within 60 seconds",
  standard: "Well-Architected REL06 (monitor), REL11 (self-healing)",
  fix: "Keep loadBalancer.healthCheck.intervalSeconds x unhealthyThreshold <= 60 (the target group's health_check interval x unhealthy_threshold), with an explicit path and matcher.",
  configFields: ["loadBalancer.healthCheck.intervalSeconds", "loadBalancer.healthCheck.unhealthyThreshold"],
  types: ["aws_lb_target_group"],
  check: (tg) => {
    const check = tg.values.health_check;
    if (!check || check.enabled === false || !check.path || !check.matcher) return "no explicit health check path and matcher";
    const detection = targetDetectionSeconds(check);
    return detection <= 60 ? undefined : `failure detected only after ${detection} s`;
  },
});
