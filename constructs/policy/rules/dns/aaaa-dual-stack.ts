import { resourceRule } from "../../rule";

/**
 * An AAAA alias answers IPv6 clients only if its target serves IPv6: an IPv4-only load balancer behind an AAAA record
 * leaves IPv6-preferring clients with an answer that does not connect, and the site reachable only during failover.
 */
export const rule = resourceRule({
  id: "MH-DNS-2",
  title: "AAAA alias records point only at dual-stack targets",
  standard: "Well-Architected REL10 (fail over to healthy resources); RFC 6555 (happy eyeballs needs a working AAAA)",
  fix: "Drop the AAAA record, or make its target dual-stack (a load balancer with ip_address_type dualstack, a CloudFront distribution with is_ipv6_enabled).",
  types: ["aws_route53_record"],
  check: (record, stack) => {
    if (record.values.type !== "AAAA" || !record.values.alias) return undefined;
    const target = stack.referenced(record.values.alias.name);
    if (!target) return "the AAAA alias target is not a resource of this stack: its IPv6 support cannot be checked";
    if (target.type === "aws_lb") return target.values.ip_address_type === "dualstack" ? undefined : `${target.address} is IPv4-only`;
    if (target.type === "aws_cloudfront_distribution") return target.values.is_ipv6_enabled === true ? undefined : `${target.address} has IPv6 off`;
    return `${target.address} (${target.type}) is not known to serve IPv6`;
  },
});
