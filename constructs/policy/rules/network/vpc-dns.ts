import { resourceRule } from "../../rule";

/** The VPC resolves names (private DNS of interface endpoints and RDS failover depend on it). */
export const rule = resourceRule({
  id: "MH-NET-1",
  title: "VPCs have DNS support and DNS hostnames enabled",
  standard: "Well-Architected REL02 (network topology)",
  fix: "Set enable_dns_support and enable_dns_hostnames on the VPC (constructs/network.ts).",
  types: ["aws_vpc"],
  check: (vpc) => (vpc.values.enable_dns_support === true && vpc.values.enable_dns_hostnames === true ? undefined : "DNS support or hostnames is off"),
});
