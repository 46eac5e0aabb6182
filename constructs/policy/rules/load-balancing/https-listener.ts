import { stackRule, finding, notApplicable } from "../../rule";

/** Traffic is encrypted in transit. */
export const rule = stackRule({
  id: "MH-ELB-1",
  title: "Each load balancer has an HTTPS listener with a certificate",
  standard: "AWS FSBP ELB.1; HIPAA 164.312(e)(1) transmission security",
  fix: "Add an HTTPS listener on 443 with the environment's ACM certificate.",
  check: (stack) => {
    const lbs = stack.resources("aws_lb");
    if (lbs.length === 0) return [notApplicable("no load balancer")];
    return lbs.map((lb) =>
      finding(
        stack.attached("aws_lb_listener", "load_balancer_arn", lb).some((l) => l.values.protocol === "HTTPS" && l.values.certificate_arn),
        lb.address,
        "no HTTPS listener with a certificate",
      ),
    );
  },
});
