import { resourceRule } from "../../rule";

/** Traffic is encrypted in transit. */
export const rule = resourceRule({
  id: "MH-ELB-1",
  title: "Each load balancer has an HTTPS listener with a certificate",
  standard: "AWS FSBP ELB.1; HIPAA 164.312(e)(1) transmission security",
  fix: "Add an HTTPS listener on 443 with the environment's ACM certificate.",
  types: ["aws_lb"],
  check: (lb, stack) =>
    stack.attached("aws_lb_listener", "load_balancer_arn", lb).some((l) => l.values.protocol === "HTTPS" && l.values.certificate_arn)
      ? undefined
      : "no HTTPS listener with a certificate",
});
