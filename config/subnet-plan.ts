/**
 * The subnet numbering scheme, as a pure function so it can be tested for every AZ count and documented once.
 *
 * The VPC block is split into 4 equal tier blocks (2 more prefix bits): public, private-app, private-data, and one
 * reserved for a future tier. Each tier block is split into 8 equal AZ slots (3 more bits); the AZ at position i of
 * the configured list takes slot i in every tier. A /16 VPC therefore gets /21 subnets (2,048 addresses), e.g. prod:
 *
 *   10.20.0.0/16   public        10.20.0.0/21   10.20.8.0/21   10.20.16.0/21   (slots 3-7 free)
 *                  private-app   10.20.64.0/21  10.20.72.0/21  10.20.80.0/21
 *                  private-data  10.20.128.0/21 10.20.136.0/21 10.20.144.0/21
 *                  reserved      10.20.192.0/18
 *
 * Adding an AZ at the end of the list takes the next free slot and renumbers nothing; removing or reordering AZs
 * does move subnets, which is why AZ order is part of the configuration.
 */
import { cidrSubnet, formatIpv4Cidr, parseIpv4Cidr } from "./cidr";

/** The subnet tiers, in the order of their blocks inside the VPC. */
export const SUBNET_TIERS = ["public", "private-app", "private-data"] as const;
export type SubnetTier = (typeof SUBNET_TIERS)[number];

/** Tier blocks: 3 tiers + 1 reserved. */
export const TIER_BITS = 2;
/** AZ slots per tier: room for 8 AZs, more than any AWS region has today. */
export const AZ_SLOT_BITS = 3;
export const AZ_SLOTS = 2 ** AZ_SLOT_BITS;
/** The smallest subnet worth having: an ALB needs a /27 with 8 free addresses in each of its subnets. */
export const SMALLEST_SUBNET_PREFIX = 27;
/** So the largest VPC prefix the scheme accepts is /22. */
export const LARGEST_VPC_PREFIX = SMALLEST_SUBNET_PREFIX - TIER_BITS - AZ_SLOT_BITS;

export interface PlannedSubnet {
  readonly tier: SubnetTier;
  readonly availabilityZone: string;
  /** Position of the AZ in the configured list = its slot in every tier. */
  readonly slot: number;
  readonly cidrBlock: string;
}

/** Thrown when the VPC CIDR cannot hold the plan; says which config field to change and to what. */
export class SubnetPlanError extends Error {}

/** Every subnet of every tier in every AZ, tier by tier, AZs in configured order. */
export function planSubnets(vpcCidr: string, availabilityZones: readonly string[]): PlannedSubnet[] {
  const parsed = parseIpv4Cidr(vpcCidr);
  if (!parsed.ok) throw new SubnetPlanError(`network.vpcCidr "${vpcCidr}" ${parsed.reason}`);
  const vpc = parsed.cidr;
  const subnetPrefix = vpc.prefix + TIER_BITS + AZ_SLOT_BITS;
  if (subnetPrefix > SMALLEST_SUBNET_PREFIX) {
    throw new SubnetPlanError(
      `network.vpcCidr "${vpcCidr}" is too small for ${SUBNET_TIERS.length} subnet tiers in ${availabilityZones.length} AZs: ` +
        `each subnet would be a /${subnetPrefix}, smaller than the /${SMALLEST_SUBNET_PREFIX} a load balancer needs. ` +
        `Use a prefix of /${LARGEST_VPC_PREFIX} or larger (e.g. /16).`,
    );
  }
  if (availabilityZones.length > AZ_SLOTS) {
    throw new SubnetPlanError(`availabilityZones lists ${availabilityZones.length} AZs; the subnet plan has ${AZ_SLOTS} slots per tier`);
  }
  return SUBNET_TIERS.flatMap((tier, tierIndex) => {
    const tierBlock = cidrSubnet(vpc, TIER_BITS, tierIndex);
    return availabilityZones.map((availabilityZone, slot) => ({
      tier,
      availabilityZone,
      slot,
      cidrBlock: formatIpv4Cidr(cidrSubnet(tierBlock, AZ_SLOT_BITS, slot)),
    }));
  });
}
