import { resourceRule } from "../../rule";

/** Only TLS 1.2+ with modern ciphers, TLS 1.3 offered. */
export const rule = resourceRule({
  id: "MH-ELB-3",
  title: "HTTPS listeners use a TLS 1.3 security policy",
  standard: "AWS FSBP ELB.17; HIPAA 164.312(e)(2)(ii) encryption",
  fix: "Use an ELBSecurityPolicy-TLS13-* policy (constructs/load-balancer.ts TLS_POLICY).",
  types: ["aws_lb_listener"],
  check: (listener) =>
    listener.values.protocol !== "HTTPS" || String(listener.values.ssl_policy ?? "").startsWith("ELBSecurityPolicy-TLS13-") ? undefined : `policy ${listener.values.ssl_policy ?? "(default)"}`,
});
