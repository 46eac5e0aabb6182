/**
 * What the primary region and the recovery region build alike, read from one environment's configuration: the props
 * of the network, load balancer, database and app tier for a site (a region's copy of the environment). The stack and
 * the standby (constructs/standby.ts) both build their layers from these, so the two regions cannot drift apart in
 * code: only the site's own values (its VPC range, AZs, keys and provider) differ.
 */
import type { ITerraformDependable } from "cdktf";
import type { EnvironmentConfig } from "../config/schema";
import type { AppTierProps } from "./app-tier";
import type { DatabaseProps } from "./database";
import type { LoadBalancerProps } from "./load-balancer";
import type { Network, NetworkProps } from "./network";
import type { LoadBalancer } from "./load-balancer";
import type { SecurityGroups } from "./security-groups";
import type { VpcEndpointsProps } from "./vpc-endpoints";
import type { KmsKeyRef } from "./secure-bucket";
import type { DeploymentContext } from "./context";

/** Where a site is and what it builds on: its context (the recovery site's environment is `<env>-dr`), range and keys. */
export interface SiteBasis {
  readonly context: DeploymentContext;
  readonly vpcCidr: string;
  readonly availabilityZones: readonly string[];
  /** Encrypts the site's volumes, files and logs. */
  readonly storageKey: KmsKeyRef;
  /** Encrypts the site's database. */
  readonly databaseKey: KmsKeyRef;
}

/** The site's network: NAT and endpoints as configured, flow logs kept as long as every log. */
export function networkProps(config: EnvironmentConfig, site: SiteBasis): NetworkProps {
  return {
    ...site.context,
    vpcCidr: site.vpcCidr,
    availabilityZones: site.availabilityZones,
    natGateways: config.network.natGateways,
    logKey: site.storageKey,
    flowLogRetentionDays: config.logRetentionDays,
  };
}

/** The site's VPC endpoints: gateways on the app route tables, interface endpoints (as configured) in the app subnets. */
export function endpointsProps(config: EnvironmentConfig, site: SiteBasis, network: Network, securityGroups: SecurityGroups): VpcEndpointsProps {
  return {
    ...site.context,
    vpcId: network.vpcId,
    gatewayRouteTableIds: network.appRouteTableIds,
    interfaceSubnetIds: network.appSubnetIds,
    securityGroupId: securityGroups.endpoints.id,
    interfaceEndpoints: config.network.interfaceEndpoints,
  };
}

/** Where the site's app instances run and whom they serve: its app subnets and group, behind its load balancer. */
export function servingPlacement(
  network: Network,
  securityGroups: SecurityGroups,
  loadBalancer: LoadBalancer,
): Pick<AppPlacement, "subnetIds" | "securityGroupId" | "targetGroupArn" | "requestCountResourceLabel"> {
  return {
    subnetIds: network.appSubnetIds,
    securityGroupId: securityGroups.app.id,
    targetGroupArn: loadBalancer.targetGroup.arn,
    requestCountResourceLabel: `${loadBalancer.alb.arnSuffix}/${loadBalancer.targetGroup.arnSuffix}`,
  };
}

/** The site's load balancer, its health check and firewall as configured. */
export function loadBalancerProps(config: EnvironmentConfig, site: SiteBasis, network: Network, securityGroups: SecurityGroups, certificateArn: string): LoadBalancerProps {
  const lb = config.loadBalancer;
  return {
    ...site.context,
    vpcId: network.vpcId,
    publicSubnetIds: network.publicSubnetIds,
    securityGroupId: securityGroups.alb.id,
    certificateArn,
    appPort: config.app.port,
    healthCheck: lb.healthCheck,
    deregistrationDelaySeconds: lb.deregistrationDelaySeconds,
    idleTimeoutSeconds: lb.idleTimeoutSeconds,
    deletionProtection: lb.deletionProtection,
    accessLogRetentionDays: config.logRetentionDays,
    waf: lb.waf
      ? {
          rateLimitPer5Minutes: lb.wafRateLimitPer5Minutes,
          rateLimitExemptCidrs: lb.wafRateLimitExemptCidrs,
          largeRequestBodies: lb.wafLargeRequestBodies,
          logKey: site.storageKey,
          logRetentionDays: config.logRetentionDays,
        }
      : undefined,
  };
}

/** The site's database: the configured instance, or a replica of `replicaOf` with the same settings. */
export function databaseProps(
  config: EnvironmentConfig,
  site: SiteBasis,
  placement: { readonly subnetIds: readonly string[]; readonly securityGroupId: string; readonly replicaOf?: DatabaseProps["replicaOf"] },
): DatabaseProps {
  const db = config.database;
  return {
    ...site.context,
    ...placement,
    databaseKey: site.databaseKey,
    logKey: site.storageKey,
    logRetentionDays: config.logRetentionDays,
    engineVersion: db.engineVersion,
    instanceClass: db.instanceClass,
    allocatedStorageGib: db.allocatedStorageGib,
    maxAllocatedStorageGib: db.maxAllocatedStorageGib,
    multiAz: db.multiAz,
    backupRetentionDays: db.backupRetentionDays,
    backupWindow: db.backupWindow,
    maintenanceWindow: db.maintenanceWindow,
    deletionProtection: db.deletionProtection,
    preventDestroy: config.preventDestroy,
    monitoringIntervalSeconds: db.monitoringIntervalSeconds,
    performanceInsightsRetentionDays: db.performanceInsightsRetentionDays,
  };
}

/** What the site's app tier runs on and talks to. */
export interface AppPlacement {
  readonly subnetIds: readonly string[];
  readonly securityGroupId: string;
  readonly targetGroupArn: string;
  readonly requestCountResourceLabel: string;
  readonly database: NonNullable<AppTierProps["database"]>;
  readonly fileSystem: NonNullable<AppTierProps["fileSystem"]>;
  readonly sessionLogGroupArn: string;
  readonly bootDependencies: readonly ITerraformDependable[];
  readonly refreshStopAlarmNames?: readonly string[];
  /** The group's size; the primary's is the configured one (app.minCapacity, desiredCapacity, maxCapacity). */
  readonly capacity: { readonly min: number; readonly desired: number; readonly max: number };
  readonly pilotLight?: boolean;
  readonly waitForCapacity?: boolean;
}

/** The site's app tier: the configured instances, scaling and lifetime, at the size the site asks for. */
export function appTierProps(config: EnvironmentConfig, site: SiteBasis, placement: AppPlacement): AppTierProps {
  const app = config.app;
  const { capacity, ...rest } = placement;
  return {
    ...rest,
    environment: site.context.environment,
    region: site.context.region,
    partition: site.context.partition,
    accountId: site.context.accountId,
    appPort: app.port,
    instanceType: app.instanceType,
    rootVolumeGib: app.rootVolumeGib,
    storageKey: site.storageKey,
    logRetentionDays: config.logRetentionDays,
    minCapacity: capacity.min,
    desiredCapacity: capacity.desired,
    maxCapacity: capacity.max,
    bootstrapSeconds: app.bootstrapSeconds,
    healthCheck: config.loadBalancer.healthCheck,
    cpuTargetPercent: app.cpuTargetPercent,
    requestsPerTargetPerMinute: app.requestsPerTargetPerMinute,
    maxInstanceLifetimeDays: app.maxInstanceLifetimeDays,
  };
}
