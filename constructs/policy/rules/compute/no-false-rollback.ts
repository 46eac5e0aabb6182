import { resourceRule } from "../../rule";

/**
 * An instance refresh promises no automatic rollback that AWS cannot perform: AWS does not roll back to a launch
 * template whose AMI is an SSM parameter alias, nor a refresh started without a desired configuration, which is how
 * the AWS provider starts one ("Undo changes with a rollback", EC2 Auto Scaling User Guide;
 * hashicorp/terraform-provider-aws#34189).
 */
export const rule = resourceRule({
  id: "MH-CMP-8",
  title: "Auto Scaling Groups promise no instance-refresh auto rollback (AWS cannot perform it for Terraform-started refreshes)",
  standard: "Well-Architected REL08 (deploy changes safely); honest recovery claims",
  fix: "Set instance_refresh.preferences.auto_rollback = false and undo a bad deploy by deploying the previous configuration (docs/app-tier.md).",
  types: ["aws_autoscaling_group"],
  check: (asg) =>
    asg.values.instance_refresh?.preferences?.auto_rollback === true
      ? "auto_rollback is set, but AWS cannot roll back a refresh the provider starts without a desired configuration, nor to an SSM-alias AMI"
      : undefined,
});
