import { resourceRule } from "../../rule";

/** A template change is a change Terraform (and instance refresh) sees, not a silent "$Latest". */
export const rule = resourceRule({
  id: "MH-CMP-6",
  title: "Auto Scaling Groups use their launch template by version number, not $Latest or $Default",
  standard: "Well-Architected REL08 (change management)",
  fix: "Reference the launch template's latest_version attribute.",
  types: ["aws_autoscaling_group"],
  check: (asg) => {
    const version = asg.values.launch_template?.version;
    if (!version) return "no launch template version";
    return ["$Latest", "$Default"].includes(version) ? `version ${version}` : undefined;
  },
});
