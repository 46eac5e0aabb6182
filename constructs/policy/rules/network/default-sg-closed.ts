import { stackRule, finding, notApplicable } from "../../rule";

/** The default security group is adopted and emptied: anything launched without a group gets no access. */
export const rule = stackRule({
  id: "MH-NET-7",
  title: "Each VPC's default security group is managed and has no rules",
  standard: "AWS FSBP EC2.2",
  fix: "Adopt the default security group (aws_default_security_group) with empty ingress and egress.",
  check: (stack) => {
    const vpcs = stack.resources("aws_vpc");
    if (vpcs.length === 0) return [notApplicable("no VPC")];
    const defaults = stack.resources("aws_default_security_group");
    return vpcs.map((vpc) => {
      const adopted = defaults.find((d) => String(d.values.vpc_id).startsWith(`\${${vpc.address}.`));
      const closed = adopted && Array.isArray(adopted.values.ingress) && adopted.values.ingress.length === 0 && Array.isArray(adopted.values.egress) && adopted.values.egress.length === 0;
      return finding(Boolean(closed), vpc.address, adopted ? "the default security group has rules" : "the default security group is not managed");
    });
  },
});
