import { cidrContains, cidrSubnet, formatIpv4Cidr, parseIpv4Cidr, type Ipv4Cidr } from "../../config/cidr";

function cidr(text: string): Ipv4Cidr {
  const parsed = parseIpv4Cidr(text);
  if (!parsed.ok) throw new Error(`${text}: ${parsed.reason}`);
  return parsed.cidr;
}

describe("parseIpv4Cidr", () => {
  test.each(["10.0.0.0/16", "172.16.0.0/12", "192.168.4.0/22", "0.0.0.0/0", "10.1.2.3/32"])("accepts %s and formats it back unchanged", (text) => {
    expect(formatIpv4Cidr(cidr(text))).toBe(text);
  });

  test.each([
    ["10.0.0/16", /not an IPv4 CIDR/],
    ["10.0.0.0", /not an IPv4 CIDR/],
    ["10.0.0.0/33", /above \/32/],
    ["10.256.0.0/16", /octet above 255/],
    ["10.01.0.0/16", /leading zero/],
    [" 10.0.0.0/16", /not an IPv4 CIDR/],
    ["10.0.0.1/16", /host bits set.*10\.0\.0\.0\/16/],
  ])("refuses %s", (text, reason) => {
    const parsed = parseIpv4Cidr(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason).toMatch(reason);
  });
});

describe("cidrContains", () => {
  test("a block contains its sub-blocks and not its neighbours", () => {
    expect(cidrContains(cidr("10.0.0.0/8"), cidr("10.20.0.0/16"))).toBe(true);
    expect(cidrContains(cidr("10.20.0.0/16"), cidr("10.20.0.0/16"))).toBe(true);
    expect(cidrContains(cidr("10.20.0.0/16"), cidr("10.0.0.0/8"))).toBe(false);
    expect(cidrContains(cidr("172.16.0.0/12"), cidr("172.32.0.0/16"))).toBe(false);
  });
});

describe("cidrSubnet (Terraform's cidrsubnet)", () => {
  test("splits a /16 into consecutive, non-overlapping /20s", () => {
    const parent = cidr("10.20.0.0/16");
    const subnets = [0, 1, 15].map((i) => formatIpv4Cidr(cidrSubnet(parent, 4, i)));
    expect(subnets).toEqual(["10.20.0.0/20", "10.20.16.0/20", "10.20.240.0/20"]);
  });

  test("handles addresses above 2^31 without sign errors", () => {
    expect(formatIpv4Cidr(cidrSubnet(cidr("192.168.0.0/16"), 8, 255))).toBe("192.168.255.0/24");
  });

  test("refuses an index or size that does not fit", () => {
    expect(() => cidrSubnet(cidr("10.0.0.0/16"), 2, 4)).toThrow(/outside 0..3/);
    expect(() => cidrSubnet(cidr("10.0.0.0/30"), 3, 0)).toThrow(/at most \/32/);
  });
});
