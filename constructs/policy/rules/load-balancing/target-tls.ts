import { finding, notApplicable, stackRule } from "../../rule";

/** Load-balancer protocols that carry HTTP; only HTTPS encrypts the hop to the targets. */
const HTTP_FAMILY = ["HTTP", "HTTPS"];

/** PHI stays encrypted behind the load balancer too (AWS HIPAA whitepaper, "Elastic Load Balancing"): targets get TLS. */
export const rule = stackRule({
  id: "MH-ELB-9",
  title: "Target groups reach their targets over HTTPS, health checks included",
  standard: "HIPAA 164.312(e)(1), (e)(2)(ii) transmission security",
  fix: 'Set the target group\'s protocol and health_check.protocol to "HTTPS" and serve TLS on the app port (constructs/app/bootstrap.sh).',
  check: (stack) => {
    const groups = stack
      .resources("aws_lb_target_group")
      .filter((tg) => ["instance", "ip"].includes(tg.values.target_type ?? "instance") && HTTP_FAMILY.includes(tg.values.protocol));
    if (groups.length === 0) return [notApplicable("no HTTP or HTTPS target group of instances or IP addresses in this stack")];
    return groups.map((tg) => {
      // Without an explicit protocol an ALB health check is plain HTTP, whatever the group's protocol.
      const checkProtocol = tg.values.health_check?.protocol ?? "HTTP";
      const problems = [
        ...(tg.values.protocol === "HTTPS" ? [] : [`requests go to the targets over ${tg.values.protocol}`]),
        ...(checkProtocol === "HTTPS" ? [] : [`health checks go to the targets over ${checkProtocol}`]),
      ];
      return finding(problems.length === 0, tg.address, problems.join("; "));
    });
  },
});
