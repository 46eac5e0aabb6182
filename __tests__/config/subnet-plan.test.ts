import { cidrContains, parseIpv4Cidr, type Ipv4Cidr } from "../../config/cidr";
import { AZ_SLOTS, LARGEST_VPC_PREFIX, SUBNET_TIERS, SubnetPlanError, planSubnets } from "../../config/subnet-plan";

function cidr(text: string): Ipv4Cidr {
  const parsed = parseIpv4Cidr(text);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.cidr;
}

function overlaps(a: Ipv4Cidr, b: Ipv4Cidr): boolean {
  return cidrContains(a, b) || cidrContains(b, a);
}

const azs = (count: number) => Array.from({ length: count }, (_, i) => `us-east-2${String.fromCharCode(97 + i)}`);

describe("planSubnets", () => {
  test.each([2, 3, 4, 5, 6])("with %i AZs: one subnet per tier per AZ, all inside the VPC and none overlapping", (count) => {
    for (const vpcCidr of ["10.20.0.0/16", "172.16.0.0/20", `192.168.4.0/${LARGEST_VPC_PREFIX}`]) {
      const plan = planSubnets(vpcCidr, azs(count));
      expect(plan).toHaveLength(SUBNET_TIERS.length * count);
      for (const tier of SUBNET_TIERS) {
        expect(plan.filter((s) => s.tier === tier).map((s) => s.availabilityZone)).toEqual(azs(count));
      }
      const blocks = plan.map((s) => cidr(s.cidrBlock));
      for (const block of blocks) expect(cidrContains(cidr(vpcCidr), block)).toBe(true);
      blocks.forEach((a, i) => blocks.slice(i + 1).forEach((b) => expect(overlaps(a, b)).toBe(false)));
    }
  });

  test("adding an AZ at the end renumbers no existing subnet", () => {
    const before = planSubnets("10.20.0.0/16", azs(3));
    const after = planSubnets("10.20.0.0/16", azs(4));
    for (const subnet of before) expect(after).toContainEqual(subnet);
  });

  test("a /16 gives /21 subnets; the tiers sit in the first three quarters, the last is reserved", () => {
    const plan = planSubnets("10.20.0.0/16", azs(3));
    expect(plan.every((s) => s.cidrBlock.endsWith("/21"))).toBe(true);
    const reserved = cidr("10.20.192.0/18");
    expect(plan.some((s) => overlaps(cidr(s.cidrBlock), reserved))).toBe(false);
  });

  test("a CIDR too small for the tiers is refused, naming the field and the largest prefix that works", () => {
    expect(() => planSubnets(`10.0.0.0/${LARGEST_VPC_PREFIX + 1}`, azs(3))).toThrow(SubnetPlanError);
    expect(() => planSubnets(`10.0.0.0/${LARGEST_VPC_PREFIX + 1}`, azs(3))).toThrow(
      new RegExp(`network.vpcCidr "10.0.0.0/${LARGEST_VPC_PREFIX + 1}" is too small for 3 subnet tiers in 3 AZs.*/${LARGEST_VPC_PREFIX} or larger`),
    );
  });

  test("more AZs than slots, or a malformed CIDR, are refused", () => {
    expect(() => planSubnets("10.0.0.0/16", azs(AZ_SLOTS + 1))).toThrow(/availabilityZones lists 9 AZs/);
    // Exactly as many AZs as slots (8) fit: every slot of every tier is used, each subnet distinct.
    const full = planSubnets("10.0.0.0/16", azs(8));
    expect(full).toHaveLength(3 * 8);
    expect(new Set(full.map((s) => s.cidrBlock)).size).toBe(3 * 8);
    expect(() => planSubnets("10.0.0.0", azs(2))).toThrow(/network.vpcCidr "10.0.0.0" is not an IPv4 CIDR/);
  });
});
