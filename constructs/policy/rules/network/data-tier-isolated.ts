import { stackRule, finding, notApplicable } from "../../rule";

/** Databases never route to the internet, in either direction. */
export const rule = stackRule({
  id: "MH-NET-4",
  title: "Private-data subnets have no route to an internet or NAT gateway",
  standard: "AWS FSBP EC2.15 (no public subnets for data); HIPAA 164.312(e)(1) transmission security",
  fix: "Associate private-data subnets with route tables that only have the VPC's local route.",
  check: (stack) => {
    const associations = stack.resources("aws_route_table_association").filter((a) => stack.referenced(a.values.subnet_id)?.values.tags?.Tier === "private-data");
    if (associations.length === 0) return [notApplicable("no private-data subnets")];
    return associations.map((association) => {
      const routes = stack.resources("aws_route").filter((r) => r.values.route_table_id === association.values.route_table_id);
      const table = stack.referenced(association.values.route_table_id);
      const inline = table?.values.route ?? [];
      const out = [...routes.map((r) => r.values), ...inline].filter((r: any) => r.gateway_id || r.nat_gateway_id);
      return finding(out.length === 0, association.address, "a private-data route table routes to a gateway");
    });
  },
});
