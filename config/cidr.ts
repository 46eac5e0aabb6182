/**
 * IPv4 CIDR arithmetic shared by config validation and the network layer.
 *
 * Kept dependency-free and exact (32-bit unsigned math) because subnet plans derived from it become Terraform
 * addresses: a rounding mistake here would renumber someone's production subnets.
 */

/** A parsed, normalised IPv4 CIDR block. */
export interface Ipv4Cidr {
  /** Network address as an unsigned 32-bit integer (host bits are always zero). */
  readonly network: number;
  /** Prefix length, 0–32. */
  readonly prefix: number;
}

/** Result of {@link parseIpv4Cidr}: the block, or the reason the text is not one. */
export type CidrParseResult = { readonly ok: true; readonly cidr: Ipv4Cidr } | { readonly ok: false; readonly reason: string };

const CIDR_SHAPE = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** Parses `a.b.c.d/n`, refusing leading zeros, out-of-range octets and host bits set. */
export function parseIpv4Cidr(text: string): CidrParseResult {
  const match = CIDR_SHAPE.exec(text);
  if (!match) {
    return { ok: false, reason: 'is not an IPv4 CIDR of the form "a.b.c.d/n"' };
  }
  const parts = match.slice(1, 5);
  const prefixText = match[5];
  for (const part of [...parts, prefixText]) {
    if (part.length > 1 && part.startsWith("0")) {
      return { ok: false, reason: `has a leading zero in "${part}" (ambiguous: some tools read it as octal)` };
    }
  }
  const octets = parts.map(Number);
  if (octets.some((o) => o > 255)) {
    return { ok: false, reason: "has an octet above 255" };
  }
  const prefix = Number(prefixText);
  if (prefix > 32) {
    return { ok: false, reason: "has a prefix length above /32" };
  }
  const address = ipv4ToInt(octets);
  const network = (address & prefixMask(prefix)) >>> 0;
  if (network !== address) {
    return {
      ok: false,
      reason: `has host bits set; the network address of this block is ${formatIpv4Cidr({ network, prefix })}`,
    };
  }
  return { ok: true, cidr: { network, prefix } };
}

/** Formats a block back to `a.b.c.d/n`. */
export function formatIpv4Cidr(cidr: Ipv4Cidr): string {
  const n = cidr.network;
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}/${cidr.prefix}`;
}

/** True when `inner` lies entirely inside `outer`. */
export function cidrContains(outer: Ipv4Cidr, inner: Ipv4Cidr): boolean {
  return inner.prefix >= outer.prefix && ((inner.network & prefixMask(outer.prefix)) >>> 0) === outer.network;
}

/**
 * The `index`-th sub-block of `parent` with `newBits` more prefix bits (Terraform's `cidrsubnet`).
 * Throws when the result would not fit, so a caller can never emit an overlapping or out-of-range subnet.
 */
export function cidrSubnet(parent: Ipv4Cidr, newBits: number, index: number): Ipv4Cidr {
  const prefix = parent.prefix + newBits;
  if (!Number.isInteger(newBits) || newBits < 0 || prefix > 32) {
    throw new RangeError(`cannot add ${newBits} bits to /${parent.prefix}: the result must be at most /32`);
  }
  const count = 2 ** newBits;
  if (!Number.isInteger(index) || index < 0 || index >= count) {
    throw new RangeError(`sub-block index ${index} is outside 0..${count - 1} for /${parent.prefix} + ${newBits} bits`);
  }
  const size = 2 ** (32 - prefix);
  return { network: (parent.network + index * size) >>> 0, prefix };
}

/** RFC 1918 private ranges: the only address space a MediCare Hub VPC may use. */
export const PRIVATE_RANGES: readonly Ipv4Cidr[] = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"].map((text) => {
  const parsed = parseIpv4Cidr(text);
  if (!parsed.ok) throw new Error(`invalid built-in range ${text}`);
  return parsed.cidr;
});

function ipv4ToInt(octets: readonly number[]): number {
  return ((octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]) >>> 0;
}

function prefixMask(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}
