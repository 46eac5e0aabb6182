import { resourceRule } from "../../rule";

/** Nothing gets a public address by accident: only the load balancer faces the internet. */
export const rule = resourceRule({
  id: "MH-NET-5",
  title: "No subnet assigns public IPs on launch",
  standard: "AWS FSBP EC2.15",
  fix: "Set map_public_ip_on_launch = false on the subnet.",
  types: ["aws_subnet"],
  check: (subnet) => (subnet.values.map_public_ip_on_launch === true ? "the subnet maps public IPs on launch" : undefined),
});
