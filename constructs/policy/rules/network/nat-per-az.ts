import { stackRule, finding, notApplicable } from "../../rule";

/** Each AZ's private-app subnets leave through a NAT gateway in their own AZ: losing one AZ cuts no other off. */
export const rule = stackRule({
  id: "MH-NET-3",
  title: "Every private-app route table's default route uses a NAT gateway in its own AZ",
  standard: "Well-Architected REL10 (fault isolation)",
  fix: 'Set network.natGateways to "one-per-az".',
  configFields: ["network.natGateways"],
  check: (stack) => {
    const azOfSubnet = (ref: unknown) => stack.referenced(ref)?.values.availability_zone;
    const tables = stack.resources("aws_route_table_association").filter((a) => stack.referenced(a.values.subnet_id)?.values.tags?.Tier === "private-app");
    if (tables.length === 0) return [notApplicable("no private-app subnets")];
    return tables.map((association) => {
      const az = azOfSubnet(association.values.subnet_id);
      const route = stack
        .resources("aws_route")
        .find((r) => r.values.route_table_id === association.values.route_table_id && r.values.destination_cidr_block === "0.0.0.0/0");
      const nat = route && stack.referenced(route.values.nat_gateway_id);
      const natAz = nat && azOfSubnet(nat.values.subnet_id);
      return finding(natAz === az, association.address, `private-app subnet in ${az} leaves through a NAT gateway in ${natAz ?? "no AZ"}`);
    });
  },
});
