import { Annotations, TerraformOutput } from "cdktf";
import type { Construct } from "constructs";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { PLACEHOLDER_ACCOUNT_ID, type EnvironmentConfig, type EnvironmentName, type StateBackendConfig } from "../config/schema";
import { useStateBackend } from "../terraform-state-backend/backend";
import { MediCareStack } from "./base-stack";
import { AppTier } from "./app-tier";
import { Dns } from "./dns";
import { Encryption } from "./encryption";
import { LoadBalancer } from "./load-balancer";
import { PROJECT, projectTags } from "./naming";
import { Network } from "./network";
import { SecurityGroups } from "./security-groups";
import { VpcEndpoints } from "./vpc-endpoints";

/** Stack id of an environment: `medicare-hub-<env>`. */
export function environmentStackId(environment: EnvironmentName): string {
  return `${PROJECT}-${environment}`;
}

export interface MediCareHubStackProps {
  /** Which environment this stack deploys; names, tags and the state key derive from it. */
  readonly environment: EnvironmentName;
  /** The environment's validated settings (`config.environments[environment]`). */
  readonly config: EnvironmentConfig;
  /** The shared state backend the stack stores its state in. */
  readonly stateBackend: StateBackendConfig;
}

/**
 * One MediCare Hub environment. It composes the layers (encryption, network, security groups, endpoints; then load
 * balancer, app tier, database, shared storage, DNS, monitoring, backup, failure experiments); each takes typed props
 * and exposes typed outputs for the next, and none reaches into another.
 */
export class MediCareHubStack extends MediCareStack {
  readonly environment: EnvironmentName;
  readonly encryption: Encryption;
  readonly network: Network;
  readonly securityGroups: SecurityGroups;
  readonly endpoints: VpcEndpoints;
  readonly dns: Dns;
  readonly loadBalancer: LoadBalancer;
  readonly appTier: AppTier;

  constructor(scope: Construct, id: string, props: MediCareHubStackProps) {
    super(scope, id);
    const { environment, config } = props;
    this.environment = environment;
    this.addAwsProvider(config.region, projectTags(environment, config.costCenter), config.accountId);
    useStateBackend(this, props.stateBackend, environment);
    if (config.accountId === PLACEHOLDER_ACCOUNT_ID) {
      Annotations.of(this).addWarning(
        `environments.${environment}.accountId is the AWS documentation's example account ${PLACEHOLDER_ACCOUNT_ID}: ` +
          "set your account in the override file; the provider refuses credentials of any other account.",
      );
    }
    const partition = new DataAwsPartition(this, "partition").partition;
    const account = { accountId: config.accountId, partition, region: config.region };

    this.encryption = new Encryption(this, "encryption", { environment, ...account });

    this.network = new Network(this, "network", {
      environment,
      ...account,
      vpcCidr: config.network.vpcCidr,
      availabilityZones: config.availabilityZones,
      natGateways: config.network.natGateways,
      logKey: this.encryption.storageKey,
      flowLogRetentionDays: config.logRetentionDays,
    });

    this.securityGroups = new SecurityGroups(this, "security-groups", {
      environment,
      vpcId: this.network.vpcId,
      appPort: config.app.port,
    });

    this.endpoints = new VpcEndpoints(this, "endpoints", {
      environment,
      region: config.region,
      vpcId: this.network.vpcId,
      gatewayRouteTableIds: this.network.appRouteTableIds,
      interfaceSubnetIds: this.network.appSubnetIds,
      securityGroupId: this.securityGroups.endpoints.id,
      interfaceEndpoints: config.network.interfaceEndpoints,
    });

    this.dns = new Dns(this, "dns", {
      environment,
      domainName: config.dns.domainName,
      hostedZoneId: config.dns.hostedZoneId,
    });

    const lb = config.loadBalancer;
    this.loadBalancer = new LoadBalancer(this, "load-balancer", {
      environment,
      ...account,
      vpcId: this.network.vpcId,
      publicSubnetIds: this.network.publicSubnetIds,
      securityGroupId: this.securityGroups.alb.id,
      appPort: config.app.port,
      certificateArn: this.dns.certificateArn,
      healthCheck: lb.healthCheck,
      deregistrationDelaySeconds: lb.deregistrationDelaySeconds,
      idleTimeoutSeconds: lb.idleTimeoutSeconds,
      deletionProtection: lb.deletionProtection,
      accessLogRetentionDays: config.logRetentionDays,
      waf: lb.waf
        ? { rateLimitPer5Minutes: lb.wafRateLimitPer5Minutes, logKey: this.encryption.storageKey, logRetentionDays: config.logRetentionDays }
        : undefined,
    });

    const app = config.app;
    this.appTier = new AppTier(this, "app-tier", {
      environment,
      region: config.region,
      partition,
      subnetIds: this.network.appSubnetIds,
      securityGroupId: this.securityGroups.app.id,
      targetGroupArn: this.loadBalancer.targetGroup.arn,
      requestCountResourceLabel: `${this.loadBalancer.alb.arnSuffix}/${this.loadBalancer.targetGroup.arnSuffix}`,
      appPort: app.port,
      instanceType: app.instanceType,
      rootVolumeGib: app.rootVolumeGib,
      storageKey: this.encryption.storageKey,
      logRetentionDays: config.logRetentionDays,
      minCapacity: app.minCapacity,
      desiredCapacity: app.desiredCapacity,
      maxCapacity: app.maxCapacity,
      bootstrapSeconds: app.bootstrapSeconds,
      cpuTargetPercent: app.cpuTargetPercent,
      requestsPerTargetPerMinute: app.requestsPerTargetPerMinute,
    });

    this.output("environment", environment, "Environment this state belongs to");
    this.output("region", config.region, "Region the environment runs in");
    this.output("vpc_id", this.network.vpcId, "VPC of the environment");
    this.output("public_subnet_ids", this.network.publicSubnetIds, "Public subnets (load balancer, NAT), in AZ order");
    this.output("private_app_subnet_ids", this.network.appSubnetIds, "Private app subnets (instances, endpoints, EFS mount targets), in AZ order");
    this.output("load_balancer_dns_name", this.loadBalancer.alb.dnsName, "DNS name of the load balancer (the routing layer points the domain here)");
    this.output("app_url", `https://${config.dns.domainName}`, "Where users reach MediCare Hub");
    this.output("hosted_zone_id", this.dns.zoneId, "Route 53 zone of the domain (delegate its name servers when it was created here)");
    this.output("autoscaling_group_name", this.appTier.group.name, "Auto Scaling Group of the app instances");
    this.output("private_data_subnet_ids", this.network.dataSubnetIds, "Private data subnets (database), no route out of the VPC, in AZ order");
  }

  private output(id: string, value: string | readonly string[], description: string): TerraformOutput {
    return new TerraformOutput(this, id, { value, description, staticId: true });
  }
}
