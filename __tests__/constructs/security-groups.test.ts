/**
 * Which security group may reach which port, read from the synthesized prod stack's rule resources.
 */
import { DEFAULT_CONFIG } from "../../config/environments";
import { environmentStackId } from "../../constructs/medicare-hub-stack";
import { HTTPS_PORT, HTTP_PORT, NFS_PORT, POSTGRES_PORT } from "../../constructs/security-groups";
import { primaryRegion, readStackJson, refName, resourcesOf, synthApp, type TerraformJson } from "../support/synth";

interface Rule {
  readonly direction: "ingress" | "egress";
  readonly group: string;
  readonly port: number;
  /** The other side: a group name, or a CIDR. */
  readonly peer: string;
  readonly description: string;
}

function rules(tf: TerraformJson): Rule[] {
  const read = (direction: Rule["direction"], type: string) =>
    Object.values(resourcesOf(tf, type)).map((r): Rule => {
      expect(r.ip_protocol).toBe("tcp");
      expect(r.from_port).toBe(r.to_port);
      return {
        direction,
        group: refName(r.security_group_id, "aws_security_group").replace("security-groups_", ""),
        port: r.from_port,
        peer: r.referenced_security_group_id ? refName(r.referenced_security_group_id, "aws_security_group").replace("security-groups_", "") : r.cidr_ipv4,
        description: r.description,
      };
    });
  return [...read("ingress", "aws_vpc_security_group_ingress_rule"), ...read("egress", "aws_vpc_security_group_egress_rule")];
}

describe("security groups (prod)", () => {
  const appPort = DEFAULT_CONFIG.environments.prod.app.port;
  let tf: TerraformJson;
  let all: Rule[];
  const ingressOf = (group: string) => all.filter((r) => r.direction === "ingress" && r.group === group).map(({ port, peer }) => ({ port, peer }));
  const egressOf = (group: string) => all.filter((r) => r.direction === "egress" && r.group === group).map(({ port, peer }) => ({ port, peer }));

  beforeAll(() => {
    // The primary region's groups: the standby's, in the recovery region, are compared with them below.
    tf = primaryRegion(readStackJson(synthApp(), environmentStackId("prod")));
    all = rules(tf);
  });

  test("the ALB accepts only HTTP and HTTPS from the internet and only talks to app instances on the app port", () => {
    expect(ingressOf("alb")).toEqual(expect.arrayContaining([{ port: HTTPS_PORT, peer: "0.0.0.0/0" }, { port: HTTP_PORT, peer: "0.0.0.0/0" }]));
    expect(ingressOf("alb")).toHaveLength(2);
    expect(egressOf("alb")).toEqual([{ port: appPort, peer: "app" }]);
  });

  test("app instances accept the app port from the ALB group only", () => {
    expect(ingressOf("app")).toEqual([{ port: appPort, peer: "alb" }]);
  });

  test("app instances may reach HTTPS, the database group on PostgreSQL and the EFS group on NFS, nothing else", () => {
    expect(egressOf("app").sort((a, b) => a.port - b.port)).toEqual([
      { port: HTTPS_PORT, peer: "0.0.0.0/0" },
      { port: NFS_PORT, peer: "efs" },
      { port: POSTGRES_PORT, peer: "database" },
    ]);
  });

  test("the database, EFS and endpoint groups accept only the app group, each on its own port, and start nothing", () => {
    expect(ingressOf("database")).toEqual([{ port: POSTGRES_PORT, peer: "app" }]);
    expect(ingressOf("efs")).toEqual([{ port: NFS_PORT, peer: "app" }]);
    expect(ingressOf("endpoints")).toEqual([{ port: HTTPS_PORT, peer: "app" }]);
    for (const group of ["database", "efs", "endpoints"]) expect(egressOf(group)).toEqual([]);
  });

  test("nothing but the ALB is reachable from the internet", () => {
    const open = all.filter((r) => r.direction === "ingress" && r.peer.includes("/"));
    expect(new Set(open.map((r) => r.group))).toEqual(new Set(["alb"]));
  });

  test("every group and every rule has a description; groups carry no inline rules", () => {
    for (const group of Object.values(resourcesOf(tf, "aws_security_group"))) {
      expect(group.description.length).toBeGreaterThan(10);
      expect(group.ingress).toBeUndefined();
      expect(group.egress).toBeUndefined();
      expect(group.revoke_rules_on_delete).toBe(true);
    }
    for (const rule of all) expect(rule.description.length).toBeGreaterThan(10);
  });

  test("every group lives in the environment's VPC", () => {
    for (const group of Object.values(resourcesOf(tf, "aws_security_group"))) {
      expect(refName(group.vpc_id, "aws_vpc")).toBe("network_vpc");
    }
  });

  test("the standby's groups in the recovery region admit and reach exactly what these do, in the standby's own VPC", () => {
    const whole = readStackJson(synthApp(), environmentStackId("prod"));
    const inRecoveryRegion = (type: string) => Object.fromEntries(Object.entries(resourcesOf(whole, type)).filter(([, r]) => r.provider === "aws.recovery"));
    const standby: TerraformJson = {
      ...whole,
      resource: Object.fromEntries(["aws_security_group", "aws_vpc_security_group_ingress_rule", "aws_vpc_security_group_egress_rule", "aws_vpc"].map((type) => [type, inRecoveryRegion(type)])),
    };
    const shape = (of: Rule[]) => of.map((r) => [r.direction, r.group, r.port, r.peer].join(" ").replace(/standby_/g, "")).sort();
    expect(shape(rules(standby))).toEqual(shape(all));
    const [vpc] = Object.values(resourcesOf(standby, "aws_vpc"));
    expect(vpc.cidr_block).toBe("10.21.0.0/16");
    const groups = Object.values(resourcesOf(standby, "aws_security_group"));
    expect(groups).toHaveLength(5);
    for (const group of groups) expect(resourcesOf(standby, "aws_vpc")[refName(group.vpc_id, "aws_vpc")]).toBe(vpc);
  });
});
