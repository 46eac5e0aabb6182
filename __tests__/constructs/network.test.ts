/**
 * The network layer of the synthesized environment stacks: which subnet routes where, in which AZ, and what it costs
 * to lose an AZ. Relations are followed through the references in the Terraform (route → route table → association →
 * subnet → AZ), never through names alone.
 */
import { cidrContains, parseIpv4Cidr, type Ipv4Cidr } from "../../config/cidr";
import { DEFAULT_CONFIG } from "../../config/environments";
import type { EnvironmentName } from "../../config/schema";
import { environmentStackId } from "../../constructs/medicare-hub-stack";
import { ANYWHERE } from "../../constructs/network";
import { readAnnotations } from "../../synth-output";
import { only, primaryRegion, readStackJson, refName, resourcesOf, synthApp, type SynthResult, type TerraformJson } from "../support/synth";

function cidr(text: string): Ipv4Cidr {
  const parsed = parseIpv4Cidr(text);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.cidr;
}

/** Network facts of one synthesized stack, resolved through references. */
class NetworkView {
  constructor(readonly tf: TerraformJson) {}

  get subnets(): Record<string, any> {
    return resourcesOf(this.tf, "aws_subnet");
  }

  subnetsOfTier(tier: string): [string, any][] {
    return Object.entries(this.subnets).filter(([, s]) => s.tags.Tier === tier);
  }

  /** Subnet name → route table name, from the associations. */
  routeTableOfSubnet(subnetName: string): string {
    const associations = Object.values(resourcesOf(this.tf, "aws_route_table_association")).filter(
      (a) => refName(a.subnet_id, "aws_subnet") === subnetName,
    );
    expect(associations).toHaveLength(1);
    return refName(associations[0].route_table_id, "aws_route_table");
  }

  routesOf(routeTableName: string): any[] {
    return Object.values(resourcesOf(this.tf, "aws_route")).filter((r) => refName(r.route_table_id, "aws_route_table") === routeTableName);
  }

  azOfNat(natName: string): string {
    const nat = resourcesOf(this.tf, "aws_nat_gateway")[natName];
    return this.subnets[refName(nat.subnet_id, "aws_subnet")].availability_zone;
  }
}

describe("network layer", () => {
  let result: SynthResult;
  const view = (env: EnvironmentName) => new NetworkView(readStackJson(result, environmentStackId(env)));

  beforeAll(() => {
    result = synthApp();
  });

  describe("prod", () => {
    const config = DEFAULT_CONFIG.environments.prod;
    let prod: NetworkView;
    beforeAll(() => {
      // The primary region's network; the standby's, in the recovery region, is standby.test.ts's.
      prod = new NetworkView(primaryRegion(readStackJson(result, environmentStackId("prod"))));
    });

    test("a VPC from the configured CIDR with DNS support and hostnames", () => {
      expect(Object.values(resourcesOf(prod.tf, "aws_vpc"))).toEqual([
        expect.objectContaining({ cidr_block: config.network.vpcCidr, enable_dns_support: true, enable_dns_hostnames: true }),
      ]);
    });

    test("9 subnets: each tier has one subnet in each configured AZ", () => {
      expect(Object.keys(prod.subnets)).toHaveLength(9);
      for (const tier of ["public", "private-app", "private-data"]) {
        const azs = prod.subnetsOfTier(tier).map(([, s]) => s.availability_zone);
        expect(azs.sort()).toEqual([...config.availabilityZones].sort());
      }
    });

    test("subnets lie inside the VPC, never overlap, and never map public IPs", () => {
      const vpc = cidr(config.network.vpcCidr);
      const blocks = Object.values(prod.subnets).map((s) => cidr(s.cidr_block));
      for (const block of blocks) expect(cidrContains(vpc, block)).toBe(true);
      blocks.forEach((a, i) => blocks.slice(i + 1).forEach((b) => expect(cidrContains(a, b) || cidrContains(b, a)).toBe(false)));
      for (const subnet of Object.values(prod.subnets)) expect(subnet.map_public_ip_on_launch).toBe(false);
    });

    test("public subnets share one route table whose default route is the internet gateway", () => {
      const tables = new Set(prod.subnetsOfTier("public").map(([name]) => prod.routeTableOfSubnet(name)));
      expect(tables.size).toBe(1);
      const [table] = [...tables];
      expect(prod.routesOf(table)).toEqual([
        expect.objectContaining({ destination_cidr_block: ANYWHERE, gateway_id: expect.stringMatching(/^\$\{aws_internet_gateway\./) }),
      ]);
    });

    test("3 NAT gateways, each with an elastic IP, in the public subnets of 3 different AZs", () => {
      const nats = resourcesOf(prod.tf, "aws_nat_gateway");
      expect(Object.keys(nats)).toHaveLength(3);
      for (const nat of Object.values(nats)) {
        expect(prod.subnets[refName(nat.subnet_id, "aws_subnet")].tags.Tier).toBe("public");
        expect(resourcesOf(prod.tf, "aws_eip")[refName(nat.allocation_id, "aws_eip")]).toMatchObject({ domain: "vpc" });
      }
      expect(new Set(Object.values(nats).map((nat) => refName(nat.allocation_id, "aws_eip"))).size).toBe(3);
      expect(new Set(Object.keys(nats).map((n) => prod.azOfNat(n))).size).toBe(3);
    });

    test("each private-app subnet's default route targets the NAT gateway in its own AZ", () => {
      for (const [name, subnet] of prod.subnetsOfTier("private-app")) {
        const routes = prod.routesOf(prod.routeTableOfSubnet(name));
        expect(routes).toHaveLength(1);
        expect(routes[0].destination_cidr_block).toBe(ANYWHERE);
        expect(prod.azOfNat(refName(routes[0].nat_gateway_id, "aws_nat_gateway"))).toBe(subnet.availability_zone);
      }
    });

    test("private-data subnets have their own route tables with no route to any gateway", () => {
      const tables = prod.subnetsOfTier("private-data").map(([name]) => prod.routeTableOfSubnet(name));
      expect(new Set(tables).size).toBe(3);
      for (const table of tables) {
        expect(prod.routesOf(table)).toEqual([]);
        expect(resourcesOf(prod.tf, "aws_route_table")[table].route).toBeUndefined();
      }
      // Gateway endpoints add prefix-list routes: they attach to the app tier only.
      for (const endpoint of Object.values(resourcesOf(prod.tf, "aws_vpc_endpoint"))) {
        for (const table of endpoint.route_table_ids ?? []) expect(tables).not.toContain(refName(table, "aws_route_table"));
      }
    });

    test("the default security group and route table are adopted with no rules and no routes", () => {
      expect(Object.values(resourcesOf(prod.tf, "aws_default_security_group"))).toEqual([
        expect.objectContaining({ ingress: [], egress: [] }),
      ]);
      expect(Object.values(resourcesOf(prod.tf, "aws_default_route_table"))).toEqual([expect.objectContaining({ route: [] })]);
    });

    test("flow logs of ALL traffic go to a KMS-encrypted, retained log group through a role scoped to it", () => {
      const [flowLog] = Object.values(resourcesOf(prod.tf, "aws_flow_log"));
      expect(flowLog).toMatchObject({ traffic_type: "ALL", log_destination_type: "cloud-watch-logs" });
      const [vpcName, vpc] = only(prod.tf, "aws_vpc");
      expect(vpc.cidr_block).toBe(config.network.vpcCidr);
      expect(flowLog.vpc_id).toBe(`\${aws_vpc.${vpcName}.id}`);
      const groupName = refName(flowLog.log_destination, "aws_cloudwatch_log_group");
      const group = resourcesOf(prod.tf, "aws_cloudwatch_log_group")[groupName];
      expect(group.retention_in_days).toBe(config.logRetentionDays);
      expect(refName(group.kms_key_id, "aws_kms_key")).toBe("encryption_storage-key");
      expect(group.name).toMatch(/^\/medicare-hub\/prod\//);

      const role = resourcesOf(prod.tf, "aws_iam_role")[refName(flowLog.iam_role_arn, "aws_iam_role")];
      const trust = prod.tf.data?.aws_iam_policy_document[refName(role.assume_role_policy, "data.aws_iam_policy_document")];
      expect(trust.statement).toEqual([
        expect.objectContaining({
          principals: [{ type: "Service", identifiers: ["vpc-flow-logs.amazonaws.com"] }],
          condition: expect.arrayContaining([{ test: "StringEquals", variable: "aws:SourceAccount", values: [config.accountId] }]),
        }),
      ]);
      const [policy] = Object.values(resourcesOf(prod.tf, "aws_iam_role_policy")).filter((p) => refName(p.role, "aws_iam_role") === refName(flowLog.iam_role_arn, "aws_iam_role"));
      const write = prod.tf.data?.aws_iam_policy_document[refName(policy.policy, "data.aws_iam_policy_document")];
      for (const statement of write.statement) {
        expect(statement.actions.every((a: string) => a.startsWith("logs:"))).toBe(true);
        // Writing reaches its own group only; listing groups (in AWS's documented flow-log policy) reads no log data.
        if (statement.actions.some((a: string) => a !== "logs:DescribeLogGroups")) {
          for (const resource of statement.resources) expect(resource).toContain(`aws_cloudwatch_log_group.${groupName}.arn`);
        } else {
          expect(statement.resources).toEqual([`arn:\${data.aws_partition.partition.partition}:logs:${config.region}:${config.accountId}:log-group:*`]);
        }
      }
    });

    test("gateway endpoints for S3 and DynamoDB; interface endpoints for SSM, SSM messages, EC2 messages and Logs in every AZ", () => {
      const endpoints = Object.values(resourcesOf(prod.tf, "aws_vpc_endpoint"));
      const services = (type: string) => endpoints.filter((e) => e.vpc_endpoint_type === type).map((e) => e.service_name.split(".").pop()).sort();
      expect(services("Gateway")).toEqual(["dynamodb", "s3"]);
      expect(services("Interface")).toEqual(["ec2messages", "logs", "ssm", "ssmmessages"]);
      const appSubnets = prod.subnetsOfTier("private-app").map(([name]) => name).sort();
      for (const endpoint of endpoints.filter((e) => e.vpc_endpoint_type === "Interface")) {
        expect(endpoint.private_dns_enabled).toBe(true);
        expect(endpoint.subnet_ids.map((id: string) => refName(id, "aws_subnet")).sort()).toEqual(appSubnets);
        expect(endpoint.security_group_ids.map((id: string) => refName(id, "aws_security_group"))).toEqual(["security-groups_endpoints"]);
      }
      for (const endpoint of endpoints.filter((e) => e.vpc_endpoint_type === "Gateway")) {
        expect(endpoint.route_table_ids).toHaveLength(config.availabilityZones.length);
      }
    });

    test("every endpoint has a policy: this account's principals only, and on S3 and DynamoDB this account's resources only", () => {
      for (const endpoint of Object.values(resourcesOf(prod.tf, "aws_vpc_endpoint"))) {
        const statements: any[] = prod.tf.data?.aws_iam_policy_document[refName(endpoint.policy, "data.aws_iam_policy_document")].statement;
        const service = endpoint.service_name.split(".").pop();
        const own = statements.find((st) => st.sid.startsWith("ThisAccountsPrincipals"));
        expect(own.principals).toEqual([{ type: "*", identifiers: ["*"] }]);
        expect(own.condition).toContainEqual({ test: "StringEquals", variable: "aws:PrincipalAccount", values: [config.accountId] });
        if (endpoint.vpc_endpoint_type === "Gateway") {
          expect(own.condition).toContainEqual({ test: "StringEquals", variable: "aws:ResourceAccount", values: [config.accountId] });
        }
        // Beyond that, only reading the AWS-owned package and agent buckets of this region.
        for (const other of statements.filter((st) => st !== own)) {
          expect(service).toBe("s3");
          expect(other.actions).toEqual(["s3:GetObject"]);
          expect(other.resources).toContain(`arn:\${data.aws_partition.partition.partition}:s3:::al2023-repos-${config.region}-de612dc2/*`);
          for (const resource of other.resources) expect(resource).toMatch(new RegExp(`${config.region}`));
        }
      }
    });

    test("outputs list subnet ids per tier in the configured AZ order", () => {
      const azOf = (ref: string) => prod.subnets[refName(ref, "aws_subnet")].availability_zone;
      for (const [output, tier] of [["public_subnet_ids", "public"], ["private_app_subnet_ids", "private-app"], ["private_data_subnet_ids", "private-data"]]) {
        const value: string[] = prod.tf.output?.[output].value;
        expect(value.map(azOf)).toEqual(config.availabilityZones);
        expect(value.map((ref) => prod.subnets[refName(ref, "aws_subnet")].tags.Tier)).toEqual(config.availabilityZones.map(() => tier));
      }
      expect(prod.tf.output?.vpc_id.value).toBe(`\${aws_vpc.${only(prod.tf, "aws_vpc")[0]}.id}`);
    });

    test("the provider refuses credentials of any account but the configured one", () => {
      expect(prod.tf.provider?.aws[0].allowed_account_ids).toEqual([config.accountId]);
    });
  });

  describe("dev (cost switches)", () => {
    let dev: NetworkView;
    beforeAll(() => {
      dev = view("dev");
    });

    test("2 AZs: 6 subnets", () => {
      expect(Object.keys(dev.subnets)).toHaveLength(3 * DEFAULT_CONFIG.environments.dev.availabilityZones.length);
    });

    test("a single NAT gateway, in the first AZ, serves every private-app subnet, and synth warns about it", () => {
      const nats = Object.keys(resourcesOf(dev.tf, "aws_nat_gateway"));
      expect(nats).toHaveLength(1);
      expect(dev.azOfNat(nats[0])).toBe(DEFAULT_CONFIG.environments.dev.availabilityZones[0]);
      for (const [name] of dev.subnetsOfTier("private-app")) {
        expect(refName(dev.routesOf(dev.routeTableOfSubnet(name))[0].nat_gateway_id, "aws_nat_gateway")).toBe(nats[0]);
      }
      expect(readAnnotations(result.outdir)).toContainEqual(
        expect.objectContaining({ stack: "medicare-hub-dev", level: "warning", message: expect.stringMatching(/natGateways is "single".*losing that AZ/) }),
      );
    });

    test("no interface endpoints (management traffic through NAT), and synth warns about it; gateway endpoints stay", () => {
      const types = Object.values(resourcesOf(dev.tf, "aws_vpc_endpoint")).map((e) => e.vpc_endpoint_type);
      expect(types).toEqual(["Gateway", "Gateway"]);
      expect(readAnnotations(result.outdir)).toContainEqual(
        expect.objectContaining({ stack: "medicare-hub-dev", level: "warning", message: expect.stringMatching(/interfaceEndpoints is false/) }),
      );
    });

    test("prod, with no cost switch set, gets no network warning", () => {
      const prodWarnings = readAnnotations(result.outdir).filter((a) => a.stack === "medicare-hub-prod" && a.constructPath !== "medicare-hub-prod");
      expect(prodWarnings).toEqual([]);
    });
  });

  test("a placeholder account id is reported for each environment still using it", () => {
    const accounts = readAnnotations(result.outdir).filter((a) => /example account/.test(a.message)).map((a) => a.stack);
    expect(accounts.sort()).toEqual(["medicare-hub-dev", "medicare-hub-prod", "medicare-hub-state"]);
    const own = synthApp({
      config: {
        ...DEFAULT_CONFIG,
        environments: { ...DEFAULT_CONFIG.environments, prod: { ...DEFAULT_CONFIG.environments.prod, accountId: "210987654321" } },
      },
    });
    expect(readAnnotations(own.outdir).filter((a) => /example account/.test(a.message)).map((a) => a.stack).sort()).toEqual(["medicare-hub-dev", "medicare-hub-state"]);
  });
});
