import { Construct } from "constructs";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { resourceName } from "./naming";
import { ANYWHERE } from "./network";
import type { DeploymentContext } from "./context";

export const HTTP_PORT = 80;
export const HTTPS_PORT = 443;
export const NFS_PORT = 2049;
/** PostgreSQL's port; RDS listens on it. */
export const POSTGRES_PORT = 5432;
// Only the load balancer's 80/443 is open to the internet (ANYWHERE, every IPv4 address).

export interface SecurityGroupsProps extends Pick<DeploymentContext, "environment"> {
  /** The VPC the groups are created in. */
  readonly vpcId: string;
  /** Port the app listens on; the ALB reaches instances on it, for traffic and health checks. */
  readonly appPort: number;
  /**
   * Port of the database.
   * @default 5432 (PostgreSQL)
   */
  readonly databasePort?: number;
}

type Source = { readonly group: SecurityGroup } | { readonly cidr: string };

/**
 * The security-group chain: internet → ALB (80/443) → app (app port) → database (DB port) and EFS (2049), plus the
 * VPC endpoints (443 from the app). Each rule is its own resource with a description; nothing else is open, and groups
 * that never start connections (database, EFS, endpoints) have no egress at all.
 */
export class SecurityGroups extends Construct {
  readonly alb: SecurityGroup;
  readonly app: SecurityGroup;
  readonly database: SecurityGroup;
  readonly efs: SecurityGroup;
  readonly endpoints: SecurityGroup;

  constructor(scope: Construct, id: string, props: SecurityGroupsProps) {
    super(scope, id);
    const databasePort = props.databasePort ?? POSTGRES_PORT;
    const group = (role: string, description: string) =>
      new SecurityGroup(this, role, {
        name: resourceName(props.environment, role),
        description,
        vpcId: props.vpcId,
        // Rules referencing each other would otherwise block deleting a group.
        revokeRulesOnDelete: true,
        tags: { Name: resourceName(props.environment, role) },
      });
    this.alb = group("alb", "MediCare Hub load balancer: HTTP and HTTPS from the internet, to app instances only");
    this.app = group("app", "MediCare Hub app instances: app port from the load balancer only");
    this.database = group("database", "MediCare Hub database: PostgreSQL from app instances only");
    this.efs = group("efs", "MediCare Hub shared file system: NFS from app instances only");
    this.endpoints = group("endpoints", "MediCare Hub VPC interface endpoints: HTTPS from app instances only");

    this.ingress(this.alb, "https-from-internet", HTTPS_PORT, { cidr: ANYWHERE }, "HTTPS from the internet");
    this.ingress(this.alb, "http-from-internet", HTTP_PORT, { cidr: ANYWHERE }, "HTTP from the internet, answered with a redirect to HTTPS");
    this.egress(this.alb, "to-app", props.appPort, { group: this.app }, "Requests and health checks to app instances");

    this.ingress(this.app, "from-alb", props.appPort, { group: this.alb }, "Requests and health checks from the load balancer");
    this.egress(this.app, "https-out", HTTPS_PORT, { cidr: ANYWHERE }, "HTTPS to AWS APIs (endpoints or NAT) and OS package repositories");
    this.egress(this.app, "to-database", databasePort, { group: this.database }, "PostgreSQL to the database");
    this.egress(this.app, "to-efs", NFS_PORT, { group: this.efs }, "NFS to the shared file system");

    this.ingress(this.database, "from-app", databasePort, { group: this.app }, "PostgreSQL from app instances");
    this.ingress(this.efs, "from-app", NFS_PORT, { group: this.app }, "NFS from app instances");
    this.ingress(this.endpoints, "from-app", HTTPS_PORT, { group: this.app }, "HTTPS from app instances to AWS APIs");
  }

  private ingress(target: SecurityGroup, id: string, port: number, source: Source, description: string): void {
    this.rule(VpcSecurityGroupIngressRule, "ingress", target, id, port, source, description);
  }

  private egress(target: SecurityGroup, id: string, port: number, destination: Source, description: string): void {
    this.rule(VpcSecurityGroupEgressRule, "egress", target, id, port, destination, description);
  }

  /** One TCP port to or from one peer: another group, or a CIDR. */
  private rule(
    Rule: typeof VpcSecurityGroupIngressRule | typeof VpcSecurityGroupEgressRule,
    direction: "ingress" | "egress",
    target: SecurityGroup,
    id: string,
    port: number,
    peer: Source,
    description: string,
  ): void {
    new Rule(this, `${target.node.id}-${direction}-${id}`, {
      securityGroupId: target.id,
      description,
      ipProtocol: "tcp",
      fromPort: port,
      toPort: port,
      ...("group" in peer ? { referencedSecurityGroupId: peer.group.id } : { cidrIpv4: peer.cidr }),
    });
  }
}
