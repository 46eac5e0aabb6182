import { attachedRule } from "../../rule";

/** The default security group is adopted and emptied: anything launched without a group gets no access. */
export const rule = attachedRule({
  id: "MH-NET-7",
  title: "Each VPC's default security group is managed and has no rules",
  standard: "AWS FSBP EC2.2",
  fix: "Adopt the default security group (aws_default_security_group) with empty ingress and egress.",
  type: "aws_vpc",
  attachedType: "aws_default_security_group",
  attribute: "vpc_id",
  problem: "the default security group is not managed, or has rules",
  check: (group) => Array.isArray(group?.values.ingress) && group.values.ingress.length === 0 && Array.isArray(group.values.egress) && group.values.egress.length === 0,
});
