import { resourceRule } from "../../rule";

const WORLD = ["0.0.0.0/0", "::/0"];
const WEB_PORTS = [80, 443];

/** The internet reaches the load balancer on 80/443 and nothing else. */
export const rule = resourceRule({
  id: "MH-NET-8",
  title: "Ingress from anywhere only to ports 80 and 443",
  standard: "AWS FSBP EC2.18, EC2.19; HIPAA 164.312(e)(1)",
  fix: "Open other ports only to security groups (the chain alb -> app -> database/efs), never to 0.0.0.0/0.",
  types: ["aws_vpc_security_group_ingress_rule", "aws_security_group_rule"],
  check: (rule) => {
    const v = rule.values;
    if (v.type && v.type !== "ingress") return undefined;
    const world = [v.cidr_ipv4, v.cidr_ipv6, ...(v.cidr_blocks ?? []), ...(v.ipv6_cidr_blocks ?? [])].some((c) => WORLD.includes(c));
    const webOnly = v.from_port === v.to_port && WEB_PORTS.includes(v.from_port);
    return world && !webOnly ? `ports ${v.from_port}-${v.to_port} are open to the internet` : undefined;
  },
});
