import { resourceRule } from "../../rule";

/** Instances are reached through the load balancer only. */
export const rule = resourceRule({
  id: "MH-CMP-3",
  title: "Launch templates never assign public IPs",
  standard: "AWS FSBP EC2.9",
  fix: 'Set associate_public_ip_address = "false" on the network interface.',
  types: ["aws_launch_template"],
  check: (lt) => ((lt.values.network_interfaces ?? []).some((n: any) => String(n.associate_public_ip_address) === "true") ? "a public IP is assigned" : undefined),
});
