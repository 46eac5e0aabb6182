import { stackRule, finding, notApplicable } from "../../rule";

/** A web application firewall with a rate limit stands in front of every internet-facing load balancer. */
export const rule = stackRule({
  id: "MH-ELB-7",
  title: "Internet-facing load balancers are protected by an AWS WAF web ACL",
  standard: "AWS FSBP ELB.16 (WAF association); HIPAA 164.308(a)(1) risk management",
  fix: "Set loadBalancer.waf to true.",
  check: (stack) => {
    const lbs = stack.resources("aws_lb").filter((lb) => lb.values.internal !== true);
    if (lbs.length === 0) return [notApplicable("no internet-facing load balancer")];
    return lbs.map((lb) => finding(stack.attached("aws_wafv2_web_acl_association", "resource_arn", lb).length > 0, lb.address, "no WAF web ACL"));
  },
});
