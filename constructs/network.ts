import { Annotations, type ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { DefaultRouteTable } from "@cdktf/provider-aws/lib/default-route-table";
import { DefaultSecurityGroup } from "@cdktf/provider-aws/lib/default-security-group";
import { Eip } from "@cdktf/provider-aws/lib/eip";
import { FlowLog } from "@cdktf/provider-aws/lib/flow-log";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { InternetGateway } from "@cdktf/provider-aws/lib/internet-gateway";
import { NatGateway } from "@cdktf/provider-aws/lib/nat-gateway";
import { Route } from "@cdktf/provider-aws/lib/route";
import { RouteTable } from "@cdktf/provider-aws/lib/route-table";
import { RouteTableAssociation } from "@cdktf/provider-aws/lib/route-table-association";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { planSubnets, type SubnetTier } from "../config/subnet-plan";
import { logGroupName, resourceName } from "./naming";
import type { KmsKeyRef } from "./secure-bucket";
import { serviceTrustPolicy } from "./iam";
import { encryptedLogGroup } from "./logging";
import type { DeploymentContext } from "./context";

/** A NAT gateway in every AZ: losing an AZ never cuts the others' way out. */
export const DEFAULT_NAT_GATEWAYS = "one-per-az";
/** Every IPv4 address: the default route to the internet, and the internet as a security-group source. */
export const ANYWHERE = "0.0.0.0/0";
/** Flow-log records are aggregated for at most this many seconds (the finest AWS offers): faster incident forensics. */
export const FLOW_LOG_AGGREGATION_SECONDS = 60;

export interface NetworkProps extends DeploymentContext {
  /** The VPC block; subnets are derived from it by `planSubnets`. */
  readonly vpcCidr: string;
  /** The AZs to spread every tier over, in slot order (at least two). */
  readonly availabilityZones: readonly string[];
  /**
   * `one-per-az`: each AZ's private-app subnet leaves through a NAT gateway in its own AZ, so losing an AZ cuts no other
   * AZ off. `single`: one NAT gateway in the first AZ for all; a cost switch, reported as a warning.
   * @default DEFAULT_NAT_GATEWAYS ("one-per-az")
   */
  readonly natGateways?: "one-per-az" | "single";
  /** KMS key encrypting the flow-log group. */
  readonly logKey: KmsKeyRef;
  /** Days flow logs are kept. */
  readonly flowLogRetentionDays: number;
}

/** Subnet ids of one tier, in the order of the configured AZs. */
export type SubnetIds = readonly string[];

/**
 * The multi-AZ VPC: a public, a private-app and a private-data subnet in every AZ; an internet gateway for the public
 * tier; NAT egress for the app tier; no route out of the data tier at all; VPC flow logs of all traffic; the default
 * security group and route table adopted and emptied.
 */
export class Network extends Construct {
  readonly vpcId: string;
  readonly vpcArn: string;
  readonly vpcCidr: string;
  readonly availabilityZones: readonly string[];
  readonly publicSubnetIds: SubnetIds;
  readonly appSubnetIds: SubnetIds;
  readonly dataSubnetIds: SubnetIds;
  /** ARNs of the private-app subnets, in AZ order (failure experiments target them). */
  readonly appSubnetArns: readonly string[];
  /** Route tables of the private-app subnets, in AZ order (gateway endpoints attach here). */
  readonly appRouteTableIds: readonly string[];
  readonly natGatewayIds: readonly string[];
  /**
   * What makes the private-app subnets' way out work (each AZ's NAT route and route-table association): instances
   * that boot before these exist cannot install packages.
   */
  readonly appEgress: readonly ITerraformDependable[];

  constructor(scope: Construct, id: string, props: NetworkProps) {
    super(scope, id);
    const { environment, availabilityZones } = props;
    const natGateways = props.natGateways ?? DEFAULT_NAT_GATEWAYS;
    const name = (role: string, az?: string) => ({ Name: resourceName(environment, role, az) });
    const plan = planSubnets(props.vpcCidr, availabilityZones);
    this.availabilityZones = [...availabilityZones];
    this.vpcCidr = props.vpcCidr;

    const vpc = new Vpc(this, "vpc", {
      cidrBlock: props.vpcCidr,
      enableDnsSupport: true,
      enableDnsHostnames: true,
      tags: name("vpc"),
    });
    this.vpcArn = vpc.arn;
    this.vpcId = vpc.id;

    // Adopted and emptied: anything launched without an explicit group, or a subnet left without an explicit route
    // table, gets no access at all instead of AWS's permissive defaults.
    // The empty rule and route lists are written as overrides: cdktf's HCL renderer drops empty block lists, which
    // would leave them unmanaged (and any console-added rule in place) in the HCL output.
    const defaultGroup = new DefaultSecurityGroup(this, "default-security-group", { vpcId: vpc.id, tags: name("default-unused") });
    defaultGroup.addOverride("ingress", []);
    defaultGroup.addOverride("egress", []);
    const defaultRoutes = new DefaultRouteTable(this, "default-route-table", {
      defaultRouteTableId: vpc.defaultRouteTableId,
      tags: name("default-unused"),
    });
    defaultRoutes.addOverride("route", []);

    const subnets = new Map<string, Subnet>();
    for (const subnet of plan) {
      subnets.set(`${subnet.tier}/${subnet.availabilityZone}`, new Subnet(this, `${subnet.tier}-${subnet.availabilityZone}`, {
        vpcId: vpc.id,
        cidrBlock: subnet.cidrBlock,
        availabilityZone: subnet.availabilityZone,
        mapPublicIpOnLaunch: false,
        tags: { ...name(subnet.tier, subnet.availabilityZone), Tier: subnet.tier },
      }));
    }
    const subnet = (tier: SubnetTier, az: string) => subnets.get(`${tier}/${az}`) as Subnet;
    const idsOf = (tier: SubnetTier) => availabilityZones.map((az) => subnet(tier, az).id);
    this.publicSubnetIds = idsOf("public");
    this.appSubnetIds = idsOf("private-app");
    this.dataSubnetIds = idsOf("private-data");
    this.appSubnetArns = availabilityZones.map((az) => subnet("private-app", az).arn);

    const internetGateway = new InternetGateway(this, "internet-gateway", { vpcId: vpc.id, tags: name("igw") });
    const publicRoutes = new RouteTable(this, "public-routes", { vpcId: vpc.id, tags: name("public") });
    new Route(this, "public-internet-route", {
      routeTableId: publicRoutes.id,
      destinationCidrBlock: ANYWHERE,
      gatewayId: internetGateway.id,
    });
    for (const az of availabilityZones) {
      new RouteTableAssociation(this, `public-${az}-routes`, { subnetId: subnet("public", az).id, routeTableId: publicRoutes.id });
    }

    const natAzs = natGateways === "single" ? availabilityZones.slice(0, 1) : availabilityZones;
    const natByAz = new Map<string, NatGateway>();
    for (const az of natAzs) {
      const eip = new Eip(this, `nat-eip-${az}`, { domain: "vpc", tags: name("nat", az) });
      natByAz.set(az, new NatGateway(this, `nat-${az}`, {
        allocationId: eip.allocationId,
        subnetId: subnet("public", az).id,
        connectivityType: "public",
        tags: name("nat", az),
        dependsOn: [internetGateway],
      }));
    }
    this.natGatewayIds = natAzs.map((az) => (natByAz.get(az) as NatGateway).id);
    if (natGateways === "single") {
      Annotations.of(this).addWarning(
        `network.natGateways is "single": every AZ's private-app subnets reach the internet through one NAT gateway in ` +
          `${natAzs[0]}, so losing that AZ cuts outbound traffic everywhere. A cost switch for non-production; use "one-per-az".`,
      );
    }

    const appRouteTableIds: string[] = [];
    const appEgress: ITerraformDependable[] = [];
    for (const az of availabilityZones) {
      const appRoutes = new RouteTable(this, `private-app-${az}-route-table`, { vpcId: vpc.id, tags: name("private-app", az) });
      // Each AZ's default route targets the NAT gateway in its own AZ (or the single one when that switch is set).
      const natRoute = new Route(this, `private-app-${az}-nat-route`, {
        routeTableId: appRoutes.id,
        destinationCidrBlock: ANYWHERE,
        natGatewayId: (natByAz.get(az) ?? (natByAz.get(natAzs[0]) as NatGateway)).id,
      });
      const association = new RouteTableAssociation(this, `private-app-${az}-routes`, { subnetId: subnet("private-app", az).id, routeTableId: appRoutes.id });
      appEgress.push(natRoute, association);
      appRouteTableIds.push(appRoutes.id);

      // The data tier has only the VPC's local route: databases and file systems never reach, or are reached from,
      // anything outside the VPC.
      const dataRoutes = new RouteTable(this, `private-data-${az}-route-table`, { vpcId: vpc.id, tags: name("private-data", az) });
      new RouteTableAssociation(this, `private-data-${az}-routes`, { subnetId: subnet("private-data", az).id, routeTableId: dataRoutes.id });
    }
    this.appRouteTableIds = appRouteTableIds;
    this.appEgress = appEgress;

    this.addFlowLogs(vpc, props);
  }

  private addFlowLogs(vpc: Vpc, props: NetworkProps): void {
    const { environment, accountId, partition, region } = props;
    const logGroup = encryptedLogGroup(this, "flow-log-group", { name: logGroupName(environment, "vpc-flow-logs"), retentionDays: props.flowLogRetentionDays, key: props.logKey });
    const assume = serviceTrustPolicy(this, "flow-log-assume-role", "vpc-flow-logs.amazonaws.com", { accountId, sourceArn: `arn:${partition}:ec2:${region}:${accountId}:vpc-flow-log/*` });
    const role = new IamRole(this, "flow-log-role", {
      name: resourceName(environment, "vpc-flow-logs"),
      description: "Lets VPC Flow Logs write to this environment's flow-log group, and nothing else",
      assumeRolePolicy: assume.json,
    });
    const write = new DataAwsIamPolicyDocument(this, "flow-log-write", {
      statement: [
        {
          sid: "WriteFlowLogsToItsGroupOnly",
          effect: "Allow",
          actions: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
          resources: [logGroup.arn, `${logGroup.arn}:*`],
        },
        {
          // In AWS's documented flow-log role policy ("IAM role for publishing flow logs to CloudWatch Logs"); listing
          // log groups needs the account's log-group resource, and reads nothing in them.
          sid: "FindItsLogGroup",
          effect: "Allow",
          actions: ["logs:DescribeLogGroups"],
          resources: [`arn:${props.partition}:logs:${props.region}:${props.accountId}:log-group:*`],
        },
      ],
    });
    new IamRolePolicy(this, "flow-log-role-policy", { name: "write-flow-logs", role: role.id, policy: write.json });
    new FlowLog(this, "flow-log", {
      vpcId: vpc.id,
      trafficType: "ALL",
      logDestinationType: "cloud-watch-logs",
      logDestination: logGroup.arn,
      iamRoleArn: role.arn,
      maxAggregationInterval: FLOW_LOG_AGGREGATION_SECONDS,
      tags: { Name: resourceName(environment, "vpc-flow-logs") },
    });
  }
}
