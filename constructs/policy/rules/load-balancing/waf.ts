import { resourceRule } from "../../rule";

/** A web application firewall with a rate limit stands in front of every internet-facing load balancer. */
export const rule = resourceRule({
  id: "MH-ELB-7",
  title: "Internet-facing load balancers are protected by an AWS WAF web ACL",
  standard: "AWS FSBP ELB.16 (WAF association); HIPAA 164.308(a)(1) risk management",
  fix: "Set loadBalancer.waf to true.",
  configFields: ["loadBalancer.waf"],
  types: ["aws_lb"],
  check: (lb, stack) =>
    lb.values.internal === true || stack.attached("aws_wafv2_web_acl_association", "resource_arn", lb).length > 0 ? undefined : "no WAF web ACL",
});
