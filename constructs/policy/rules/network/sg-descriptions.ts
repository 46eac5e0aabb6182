import { resourceRule } from "../../rule";

/** Every group and rule says why it exists: reviewers and auditors read them. */
export const rule = resourceRule({
  id: "MH-NET-9",
  title: "Every security group and security group rule has a description",
  severity: "warning",
  standard: "HIPAA 164.308(a)(1) risk management (documented access)",
  fix: "Give the group or rule a description of what it allows and why.",
  types: ["aws_security_group", "aws_vpc_security_group_ingress_rule", "aws_vpc_security_group_egress_rule"],
  check: (r) => (typeof r.values.description === "string" && r.values.description.trim().length >= 10 ? undefined : "no meaningful description"),
});
