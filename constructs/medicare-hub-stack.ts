import { Annotations, TerraformOutput, Token } from "cdktf";
import type { Construct } from "constructs";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { environmentPlaceholders, stateBackendPlaceholders } from "../config/placeholders";
import type { EnvironmentConfig, EnvironmentName, StateBackendConfig } from "../config/schema";
import { MediCareStack } from "./base-stack";
import { AccessLogQueries } from "./access-log-queries";
import { AppTier, instanceReadySeconds } from "./app-tier";
import { Backup } from "./backup";
import { Database } from "./database";
import { Dns } from "./dns";
import { Encryption } from "./encryption";
import { FailureExperiments } from "./failure-experiments";
import { ALB_ACCESS_LOG_PREFIX, DEEP_HEALTH_CHECK_PATH, HEALTH_CHECK_PATH, LoadBalancer } from "./load-balancer";
import { Monitoring } from "./monitoring";
import { projectTags, recoverySiteName, resourceName } from "./naming";
import { Network } from "./network";
import { RegionRecovery } from "./recovery";
import { RegionStandby } from "./standby";
import { refusePlaceholders, type PlaceholderGuard } from "./placeholder-guard";
import { SecurityGroups } from "./security-groups";
import { SessionManager } from "./session-manager";
import { SharedStorage } from "./shared-storage";
import { appTierProps, databaseProps, endpointsProps, loadBalancerProps, networkProps, servingPlacement, type SiteBasis } from "./site";
import { SyntheticChecks } from "./synthetic-checks";
import { VpcEndpoints } from "./vpc-endpoints";
import type { DeploymentContext } from "./context";

// Where the stack ids are defined: naming, which loads nothing of cdktf (the tools import it from there).
export { environmentStackId } from "./naming";

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
  readonly accessLogQueries: AccessLogQueries;
  readonly appTier: AppTier;
  readonly sessionManager: SessionManager;
  readonly database: Database;
  readonly sharedStorage: SharedStorage;
  readonly backup: Backup;
  /** The data kept in the recovery region; absent when `recovery.strategy` is "off". */
  readonly recovery?: RegionRecovery;
  /** The environment standing in the recovery region; present for "pilot-light" and "warm-standby". */
  readonly standby?: RegionStandby;
  readonly monitoring: Monitoring;
  /** Canaries of the public journey and the maintenance page; absent when `syntheticChecks.enabled` is false. */
  readonly syntheticChecks?: SyntheticChecks;
  readonly failureExperiments?: FailureExperiments;
  /** Present while a placeholder is left in the configuration: every plan of the stack is refused. */
  readonly placeholderGuard?: PlaceholderGuard;

  constructor(scope: Construct, id: string, props: MediCareHubStackProps) {
    super(scope, id);
    const { environment, config } = props;
    this.environment = environment;
    const tags = projectTags(environment, config.costCenter);
    this.addAwsProvider(config.region, tags, config.accountId);
    // CloudFront certificates and Route 53 health-check metrics only exist in us-east-1.
    const usEast1 = this.addAwsProvider("us-east-1", tags, config.accountId, "us-east-1");
    // The state bucket's placeholder is warned about by the state stack, but refuses this stack's plans too: its state
    // would live in that bucket. The state account matters to the state stack only (this one names the bucket).
    const ownPlaceholders = environmentPlaceholders(environment, config);
    const stateBucket = stateBackendPlaceholders(props.stateBackend).filter((p) => p.path === "stateBackend.bucketName");
    this.placeholderGuard = refusePlaceholders(this, [...stateBucket, ...ownPlaceholders], ownPlaceholders);
    const partition = new DataAwsPartition(this, "partition").partition;
    // Where every layer is deployed: one typed value (constructs/context.ts).
    const context: DeploymentContext = { environment, accountId: config.accountId, region: config.region, partition };

    this.encryption = new Encryption(this, "encryption", { ...context, preventDestroy: config.preventDestroy });

    const site: SiteBasis = {
      context,
      vpcCidr: config.network.vpcCidr,
      availabilityZones: config.availabilityZones,
      storageKey: this.encryption.storageKey,
      databaseKey: this.encryption.databaseKey,
    };
    this.network = new Network(this, "network", networkProps(config, site));

    this.securityGroups = new SecurityGroups(this, "security-groups", {
      environment,
      vpcId: this.network.vpcId,
      appPort: config.app.port,
    });

    this.endpoints = new VpcEndpoints(this, "endpoints", endpointsProps(config, site, this.network, this.securityGroups));

    this.dns = new Dns(this, "dns", {
      environment,
      domainName: config.dns.domainName,
      hostedZoneId: config.dns.hostedZoneId,
    });

    const lb = config.loadBalancer;
    this.loadBalancer = new LoadBalancer(this, "load-balancer", loadBalancerProps(config, site, this.network, this.securityGroups, this.dns.certificateArn));

    // Athena over the access logs, in every environment: nothing is billed until a query scans (see the construct).
    this.accessLogQueries = new AccessLogQueries(this, "access-log-queries", {
      ...context,
      accessLogBucket: this.loadBalancer.accessLogBucket.bucket,
      accessLogPrefix: ALB_ACCESS_LOG_PREFIX,
      resultsKey: this.encryption.storageKey,
      auditLogRetentionDays: config.logRetentionDays,
      preventDestroy: config.preventDestroy,
    });

    this.sharedStorage = new SharedStorage(this, "shared-storage", {
      environment,
      subnetIds: this.network.appSubnetIds,
      availabilityZones: config.availabilityZones,
      securityGroupId: this.securityGroups.efs.id,
      storageKey: this.encryption.storageKey,
      transitionToIaDays: config.sharedStorage.transitionToIaDays,
      preventDestroy: config.preventDestroy,
    });

    const db = config.database;
    this.database = new Database(
      this,
      "database",
      databaseProps(config, site, { subnetIds: this.network.dataSubnetIds, securityGroupId: this.securityGroups.database.id }),
    );

    const recovery = config.recovery;
    const recoveryProvider =
      recovery.strategy !== "off" && recovery.region ? this.addAwsProvider(recovery.region, { ...tags }, config.accountId, "recovery") : undefined;
    if (recoveryProvider && recovery.region) {
      this.recovery = new RegionRecovery(this, "recovery", {
        ...context,
        recoveryRegion: recovery.region,
        provider: recoveryProvider,
        database: { arn: this.database.instance.arn, backupRetentionDays: db.backupRetentionDays },
        fileSystemId: this.sharedStorage.fileSystem.id,
        preventDestroy: config.preventDestroy,
      });
    }

    // Pilot light and warm standby: the environment stands in the recovery region too, built by the same constructs.
    const strategy = recovery.strategy;
    if (this.recovery && recoveryProvider && recovery.region && recovery.vpcCidr && recovery.availabilityZones && (strategy === "pilot-light" || strategy === "warm-standby")) {
      const copy = this.recovery.fileSystemReplication.destination.fileSystemId;
      this.standby = new RegionStandby(this, "standby", {
        context: { ...context, environment: recoverySiteName(environment), region: recovery.region },
        config,
        strategy,
        provider: recoveryProvider,
        keys: this.recovery.keys,
        vpcCidr: recovery.vpcCidr,
        availabilityZones: recovery.availabilityZones,
        certificateArn: this.dns.certificateIn("recovery-certificate", recoveryProvider),
        database: recovery.database ?? "restore",
        primaryDatabaseArn: this.database.instance.arn,
        fileSystem: { id: copy, arn: `arn:${partition}:elasticfilesystem:${recovery.region}:${config.accountId}:file-system/${copy}` },
      });
      if (strategy === "pilot-light") {
        Annotations.of(this).addWarning(
          `recovery.strategy is "pilot-light": the recovery region's app group stands at zero instances, so a region loss waits for ` +
            "`npm run failover` to launch and boot them (docs/reliability.md, \"Region lost\"). A cost switch: warm-standby keeps one per AZ serving.",
        );
      }
    }

    if (!this.recovery) {
      Annotations.of(this).addWarning(
        `recovery.strategy is "off": nothing of this environment's data is kept outside ${config.region}` +
          `${config.backup.copyToRegion ? ` except a daily backup copy in ${config.backup.copyToRegion}` : ""}, so losing the region loses ` +
          "it. A cost switch for non-production.",
      );
    }

    // Backup copies go to the recovery region unless the configuration names another; one provider per region.
    const copyRegion = config.backup.copyToRegion ?? (recoveryProvider ? recovery.region : undefined);
    const copyProvider = () =>
      copyRegion === recovery.region && recoveryProvider ? recoveryProvider : this.addAwsProvider(copyRegion as string, tags, config.accountId, "backup-copy");
    this.backup = new Backup(this, "backup", {
      environment,
      accountId: config.accountId,
      partition,
      vaultKey: this.encryption.storageKey,
      sourceKeys: [this.encryption.databaseKey],
      resourceArns: [this.database.instance.arn, this.sharedStorage.fileSystem.arn],
      dailyRetentionDays: config.backup.dailyRetentionDays,
      monthlyRetentionDays: config.backup.monthlyRetentionDays,
      vaultLock: config.backup.vaultLock,
      preventDestroy: config.preventDestroy,
      copy: copyRegion ? { region: copyRegion, provider: copyProvider() } : undefined,
    });

    this.sessionManager = new SessionManager(this, "session-manager", {
      environment,
      logKey: this.encryption.storageKey,
      logRetentionDays: config.logRetentionDays,
    });

    const app = config.app;
    this.appTier = new AppTier(
      this,
      "app-tier",
      appTierProps(config, site, {
        ...servingPlacement(this.network, this.securityGroups, this.loadBalancer),
        capacity: { min: app.minCapacity, desired: app.desiredCapacity, max: app.maxCapacity },
        database: { resourceId: this.database.resourceId, user: this.database.appUser, address: this.database.instance.address, port: this.database.instance.port },
        sessionLogGroupArn: this.sessionManager.logGroup.arn,
        // Named, not referenced: the alarms watch the group, so they are created after it (constructs/monitoring.ts).
        refreshStopAlarmNames: [resourceName(environment, "alb-5xx-rate"), resourceName(environment, "target-5xx-rate")],
        bootDependencies: [...this.network.appEgress, ...this.endpoints.endpoints, ...this.sharedStorage.mountTargets],
        fileSystem: {
          id: this.sharedStorage.fileSystem.id,
          arn: this.sharedStorage.fileSystem.arn,
          accessPointId: this.sharedStorage.accessPoint.id,
          accessPointArn: this.sharedStorage.accessPoint.arn,
        },
      }),
    );

    const routing = this.dns.addRouting({
      loadBalancer: { dnsName: this.loadBalancer.alb.dnsName, zoneId: this.loadBalancer.alb.zoneId },
      healthCheckPath: HEALTH_CHECK_PATH,
      deepHealthCheckPath: DEEP_HEALTH_CHECK_PATH,
      requestIntervalSeconds: config.dns.healthCheck.requestIntervalSeconds,
      failureThreshold: config.dns.healthCheck.failureThreshold,
      maintenancePage: config.dns.maintenancePage ? { accountId: config.accountId, region: config.region, usEast1 } : undefined,
      standby: this.standby
        ? { loadBalancer: { dnsName: this.standby.loadBalancer.alb.dnsName, zoneId: this.standby.loadBalancer.alb.zoneId }, reachabilityCheck: strategy === "warm-standby" }
        : undefined,
    });

    const synthetic = config.syntheticChecks;
    if (synthetic.enabled) {
      this.syntheticChecks = new SyntheticChecks(this, "synthetic-checks", {
        ...context,
        domainName: config.dns.domainName,
        maintenanceDomainName: routing.maintenanceSite?.distribution.domainName,
        key: this.encryption.storageKey,
        intervalMinutes: synthetic.intervalMinutes,
        runtimeVersion: synthetic.runtimeVersion,
        logRetentionDays: config.logRetentionDays,
        preventDestroy: config.preventDestroy,
      });
    }

    this.monitoring = new Monitoring(this, "monitoring", {
      ...context,
      resources: {
        loadBalancerArnSuffix: this.loadBalancer.alb.arnSuffix,
        targetGroupArnSuffix: this.loadBalancer.targetGroup.arnSuffix,
        autoScalingGroupName: this.appTier.group.name,
        databaseIdentifier: this.database.instance.identifier,
        fileSystemId: this.sharedStorage.fileSystem.id,
        healthCheckId: routing.healthCheck.id,
        deepHealthCheckId: routing.deepHealthCheck?.id,
        webAclName: this.loadBalancer.firewall?.webAcl.name,
        wafRules: this.loadBalancer.firewall?.ruleMetrics,
        canaries: this.syntheticChecks?.checks.map((check) => ({ name: check.name, kind: check.kind, intervalSeconds: synthetic.intervalMinutes * 60 })),
        natGatewayIds: this.network.natGatewayIds,
        appLogGroupName: this.appTier.logGroup.name,
        keyArns: [this.encryption.storageKey.arn, this.encryption.databaseKey.arn],
        fileSystemReplica: this.recovery
          ? { sourceId: this.sharedStorage.fileSystem.id, destinationId: this.recovery.fileSystemReplication.destination.fileSystemId }
          : undefined,
        standby:
          this.standby && recoveryProvider && recovery.region
            ? {
                region: recovery.region,
                provider: recoveryProvider,
                replicaIdentifier: this.standby.database?.instance.identifier,
                warm:
                  strategy === "warm-standby"
                    ? {
                        loadBalancerArnSuffix: this.standby.loadBalancer.alb.arnSuffix,
                        targetGroupArnSuffix: this.standby.loadBalancer.targetGroup.arnSuffix,
                        reachabilityCheckId: routing.standbyReachabilityCheck?.id,
                      }
                    : undefined,
              }
            : undefined,
      },
      thresholds: config.alarms,
      minCapacity: app.minCapacity,
      instanceReadySeconds: instanceReadySeconds(app.bootstrapSeconds, lb.healthCheck),
      databaseAllocatedStorageGib: db.allocatedStorageGib,
      backupCopies: copyRegion !== undefined,
      usEast1,
      email: config.alerts.email,
      ticketEmail: config.alerts.ticketEmail,
      pageUrls: config.alerts.pageUrls,
      heartbeatUrl: config.alerts.heartbeatUrl,
      availabilitySloPercent: config.alarms.availabilitySloPercent,
      preventDestroy: config.preventDestroy,
    });

    if (config.failureExperiments.enabled) {
      const stopOn = this.monitoring.userErrorAlarms;
      this.failureExperiments = new FailureExperiments(this, "failure-experiments", {
        ...context,
        autoScalingGroupName: this.appTier.group.name,
        // The AZ-loss experiments take out the first AZ; every AZ is built the same way.
        targetAvailabilityZone: config.availabilityZones[0],
        targetSubnetArn: this.network.appSubnetArns[0],
        vpcArn: this.network.vpcArn,
        databaseArn: this.database.instance.arn,
        stopAlarmArns: [stopOn.loadBalancer.arn, stopOn.app.arn],
        networkDisruptionMinutes: config.failureExperiments.networkDisruptionMinutes,
        logKey: this.encryption.storageKey,
        logRetentionDays: config.logRetentionDays,
        // The rehearsal of a region loss: cut the app subnets off the recovery region (docs/game-days.md).
        crossRegion: recovery.strategy !== "off" && recovery.region ? { region: recovery.region, subnetArns: [...this.network.appSubnetArns] } : undefined,
      });
    }

    this.output("environment", environment, "Environment this state belongs to");
    this.output("region", config.region, "Region the environment runs in");
    this.output("vpc_id", this.network.vpcId, "VPC of the environment");
    this.output("public_subnet_ids", this.network.publicSubnetIds, "Public subnets (load balancer, NAT), in AZ order");
    this.output("private_app_subnet_ids", this.network.appSubnetIds, "Private app subnets (instances, endpoints, EFS mount targets), in AZ order");
    this.output("load_balancer_dns_name", this.loadBalancer.alb.dnsName, "DNS name of the load balancer (the routing layer points the domain here)");
    this.output("app_url", `https://${config.dns.domainName}`, "Where users reach MediCare Hub");
    this.output("hosted_zone_id", this.dns.zoneId, "Route 53 zone the domain's records and certificate validation live in (dns.hostedZoneId)");
    this.output("autoscaling_group_name", this.appTier.group.name, "Auto Scaling Group of the app instances");
    this.output("database_endpoint", this.database.instance.address, "Host name of the database (TLS required; verify against the RDS CA)");
    this.output("database_port", Token.asString(this.database.instance.port), "Port of the database");
    if (this.database.secretArn) this.output("database_secret_arn", this.database.secretArn, "ARN of the master user's secret, managed by RDS: break-glass only (the app connects as database_app_user)");
    this.output("database_app_user", this.database.appUser, "Database user the app connects as with IAM database authentication (create it once: docs/first-deploy.md)");
    this.output("session_document_name", this.sessionManager.document.name, "Session Manager document to start sessions with (logged, not root): aws ssm start-session --document-name ...");
    this.output("backup_restore_role_arn", this.backup.restoreRole.arn, "Role to pass when starting an AWS Backup restore job (the backup role cannot restore)");
    this.output("file_system_id", this.sharedStorage.fileSystem.id, "Shared EFS file system, mounted at /mnt/medicare-hub on every instance");
    this.output("alerts_topic_arn", this.monitoring.topic.arn, "SNS topic every alarm notifies (subscribe the on-call pager here)");
    this.output("backup_vault_name", this.backup.vault.name, "AWS Backup vault holding the database and file-system recovery points");
    this.output("private_data_subnet_ids", this.network.dataSubnetIds, "Private data subnets (database), no route out of the VPC, in AZ order");
    if (this.recovery && recovery.region) {
      this.output("recovery_region", recovery.region, "Region the data is kept in for the loss of this one (recovery.region)");
      this.output(
        "recovery_database_backups_arn",
        this.recovery.databaseBackups.id,
        "Replicated automated backups in the recovery region: restore-db-instance-to-point-in-time --source-db-instance-automated-backups-arn (docs/runbooks.md, region-lost)",
      );
      this.output("recovery_file_system_id", this.recovery.fileSystemReplication.destination.fileSystemId, "Read-only copy of the shared file system in the recovery region");
    }
    if (this.standby) {
      this.output("recovery_load_balancer_dns_name", this.standby.loadBalancer.alb.dnsName, "DNS name of the recovery region's load balancer (the domain fails over to it)");
      if (this.standby.database) {
        this.output("recovery_database_endpoint", this.standby.database.instance.address, "Host name of the database's cross-region read replica (npm run failover promotes it)");
      }
      if (this.standby.restoreTarget) {
        this.output(
          "recovery_database_subnet_group",
          this.standby.restoreTarget.foundation.subnetGroup.name,
          "DB subnet group npm run failover restores the database into (with recovery_database_security_group_id and its parameter group)",
        );
        this.output("recovery_database_security_group_id", this.standby.securityGroups.database.id, "Security group of the database restored in the recovery region");
      }
      this.output("recovery_autoscaling_group_name", this.standby.appTier.group.name, "Auto Scaling group of the recovery region (npm run failover scales it to the primary's size)");
    }
  }

  private output(id: string, value: string | readonly string[], description: string): TerraformOutput {
    return new TerraformOutput(this, id, { value, description, staticId: true });
  }
}
