import { resourceRule } from "../../rule";

/** The group replaces instances the load balancer sees failing, not only ones EC2 sees stopped. */
export const rule = resourceRule({
  id: "MH-CMP-4",
  title: "Auto Scaling Groups use ELB health checks and are attached to a target group",
  standard: "Well-Architected REL11 (self-healing); AWS FSBP AutoScaling.1",
  fix: 'Set health_check_type = "ELB" and target_group_arns on the group.',
  types: ["aws_autoscaling_group"],
  check: (asg) => {
    if (asg.values.health_check_type !== "ELB") return `health check type ${asg.values.health_check_type ?? "EC2"}`;
    return (asg.values.target_group_arns ?? []).length > 0 ? undefined : "not attached to a target group";
  },
});
