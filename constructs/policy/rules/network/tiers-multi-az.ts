import { stackRule, finding, notApplicable } from "../../rule";

/** Every subnet tier exists in at least two AZs: one AZ is a single point of failure. */
export const rule = stackRule({
  id: "MH-NET-2",
  title: "Each subnet tier (public, private-app, private-data) spans at least two AZs",
  standard: "Well-Architected REL10 (fault isolation); HIPAA 164.308(a)(7) contingency plan",
  fix: "List at least two availabilityZones for the environment.",
  configFields: ["availabilityZones"],
  check: (stack) => {
    const byTier = new Map<string, Set<string>>();
    for (const subnet of stack.resources("aws_subnet")) {
      const tier = subnet.values.tags?.Tier ?? "untiered";
      byTier.set(tier, (byTier.get(tier) ?? new Set()).add(subnet.values.availability_zone));
    }
    if (byTier.size === 0) return [notApplicable("no subnets")];
    return [...byTier].map(([tier, azs]) => finding(azs.size >= 2, `(tier ${tier})`, `tier ${tier} is in ${azs.size} AZ(s)`));
  },
});
