import { Construct } from "constructs";
import type { TerraformProvider } from "cdktf";
import { EfsBackupPolicy } from "@cdktf/provider-aws/lib/efs-backup-policy";
import { EfsMountTarget } from "@cdktf/provider-aws/lib/efs-mount-target";
import type { EnvironmentConfig } from "../config/schema";
import { AppTier } from "./app-tier";
import { APP_DATABASE_USER, Database, DatabaseRestoreTarget } from "./database";
import { databaseIdentifier } from "./naming";
import { POSTGRES_PORT } from "./security-groups";
import type { Encryption } from "./encryption";
import { LoadBalancer } from "./load-balancer";
import { Network } from "./network";
import { SecurityGroups } from "./security-groups";
import { SessionManager } from "./session-manager";
import { APP_ACCESS_POINT, appAccessPoint, fileSystemPolicy } from "./shared-storage";
import { appTierProps, databaseProps, endpointsProps, loadBalancerProps, networkProps, servingPlacement, type SiteBasis } from "./site";
import { VpcEndpoints } from "./vpc-endpoints";
import { buildInRegion } from "./regions";
import type { DeploymentContext } from "./context";

export interface RegionStandbyProps {
  /** The recovery site: environment `<env>-dr` (constructs/naming.ts, recoverySiteName), the recovery region. */
  readonly context: DeploymentContext;
  /** The environment's configuration: the standby is built from the same settings as the primary. */
  readonly config: EnvironmentConfig;
  /** "pilot-light": the group stands at zero until failover; "warm-standby": one instance per recovery AZ. */
  readonly strategy: "pilot-light" | "warm-standby";
  /** The recovery region's provider: every resource of the standby is created through it. */
  readonly provider: TerraformProvider;
  /** The recovery region's keys (RegionRecovery.keys): KMS keys are regional. */
  readonly keys: Encryption;
  /** The recovery VPC's range (config: recovery.vpcCidr). */
  readonly vpcCidr: string;
  /** The recovery region's AZs, one subnet of each tier in each (config: recovery.availabilityZones). */
  readonly availabilityZones: readonly string[];
  /** The domain's certificate in the recovery region, validated (Dns.certificateIn). */
  readonly certificateArn: string;
  /**
   * The recovery region's database until failover (config: recovery.database): "restore" prepares what the restore of
   * the replicated automated backups needs; "replica" replicates `primaryDatabaseArn` (guardrail MH-DR-2).
   */
  readonly database: "restore" | "replica";
  /** ARN of the primary database, which a "replica" replicates. */
  readonly primaryDatabaseArn: string;
  /** The file system's read-only copy in the recovery region (RegionRecovery.fileSystemReplication's destination). */
  readonly fileSystem: {
    /** Id of the copy (`destination[0].file_system_id`). */
    readonly id: string;
    /** ARN of the copy, which the instance role may mount through the access point. */
    readonly arn: string;
  };
}

/**
 * The environment standing in its recovery region, the pilot-light and warm-standby rungs of AWS's disaster-recovery
 * ladder ("Disaster Recovery of Workloads on AWS"): the same constructs as the primary region, built through the
 * recovery region's provider from the same configuration (constructs/site.ts), with keys of their own there.
 *
 * - Network with NAT per AZ (as configured), security groups, endpoints, the load balancer with WAF and the domain's
 *   certificate, Session Manager, launch template and Auto Scaling group.
 * - The database: by default ("restore") its subnet group, parameter group and security group stand ready and
 *   `npm run failover` restores the replicated automated backups into them; or ("replica") an encrypted cross-region
 *   read replica of the primary ("To create an encrypted read replica in a different AWS Region ... specify a KMS key
 *   identifier for the destination AWS Region", CreateDBInstanceReadReplica KmsKeyId), promoted by the failover. AWS
 *   does not support the replica while the primary's master password is managed in Secrets Manager (MH-DR-2).
 * - The file system: the replicated copy (read-only until failover deletes the replication) with a mount target per
 *   recovery AZ ("you must create one or more mount targets", EFS replication) and the app's access point.
 * - Warm standby serves health checks at all times; a pilot light's group is at zero (flagged by guardrail MH-CMP-5).
 */
export class RegionStandby extends Construct {
  readonly network: Network;
  readonly securityGroups: SecurityGroups;
  readonly endpoints: VpcEndpoints;
  readonly loadBalancer: LoadBalancer;
  /** The cross-region read replica ("replica"). */
  readonly database?: Database;
  /** What the restore at failover creates the database in ("restore"). */
  readonly restoreTarget?: DatabaseRestoreTarget;
  readonly sessionManager: SessionManager;
  readonly mountTargets: readonly EfsMountTarget[];
  readonly appTier: AppTier;

  constructor(scope: Construct, id: string, props: RegionStandbyProps) {
    super(scope, id);
    const { config, context } = props;
    const site: SiteBasis = {
      context,
      vpcCidr: props.vpcCidr,
      availabilityZones: props.availabilityZones,
      storageKey: props.keys.storageKey,
      databaseKey: props.keys.databaseKey,
    };
    this.network = new Network(this, "network", networkProps(config, site));
    this.securityGroups = new SecurityGroups(this, "security-groups", { environment: context.environment, vpcId: this.network.vpcId, appPort: config.app.port });
    this.endpoints = new VpcEndpoints(this, "endpoints", endpointsProps(config, site, this.network, this.securityGroups));
    this.loadBalancer = new LoadBalancer(this, "load-balancer", loadBalancerProps(config, site, this.network, this.securityGroups, props.certificateArn));
    const placement = { subnetIds: this.network.dataSubnetIds, securityGroupId: this.securityGroups.database.id };
    if (props.database === "replica") {
      this.database = new Database(this, "database", databaseProps(config, site, { ...placement, replicaOf: { sourceArn: props.primaryDatabaseArn } }));
    } else {
      this.restoreTarget = new DatabaseRestoreTarget(this, "database", databaseProps(config, site, placement));
    }

    // Automatic backups of the copy off, stated rather than left to EFS's default for it (on for One Zone copies, "Amazon
    // EFS replication"; "after the file system is created, you can change the automatic backup setting"), as on the
    // primary: no PHI in the AWS-managed default vault; AWS Backup's copies of the primary's points are kept here.
    new EfsBackupPolicy(this, "file-system-automatic-backups", { fileSystemId: props.fileSystem.id, backupPolicy: { status: "DISABLED" } });
    this.mountTargets = props.availabilityZones.map(
      (az, i) =>
        new EfsMountTarget(this, `mount-target-${az}`, {
          fileSystemId: props.fileSystem.id,
          subnetId: this.network.appSubnetIds[i],
          securityGroups: [this.securityGroups.efs.id],
        }),
    );
    // The copy is created with EFS's default policy (any client reaching a mount target, without IAM): the primary's
    // instead, so the standby's instances mount it over TLS through the access point only.
    fileSystemPolicy(this, "file-system-", props.fileSystem.id, props.fileSystem.arn);
    const accessPoint = appAccessPoint(this, APP_ACCESS_POINT, context.environment, props.fileSystem.id);

    this.sessionManager = new SessionManager(this, "session-manager", {
      environment: context.environment,
      logKey: props.keys.storageKey,
      logRetentionDays: config.logRetentionDays,
    });

    const azs = props.availabilityZones.length;
    const pilotLight = props.strategy === "pilot-light";
    this.appTier = new AppTier(
      this,
      "app-tier",
      appTierProps(config, site, {
        ...servingPlacement(this.network, this.securityGroups, this.loadBalancer),
        // Warm standby: one instance per AZ serves health checks; failover scales the group to the primary's size.
        capacity: pilotLight ? { min: 0, desired: 0, max: Math.max(config.app.maxCapacity, azs) } : { min: azs, desired: azs, max: Math.max(config.app.maxCapacity, azs) },
        pilotLight,
        database: this.database
          ? { resourceId: this.database.resourceId, user: this.database.appUser, address: this.database.instance.address, port: this.database.instance.port }
          : { restoredAs: databaseIdentifier(context.environment), user: APP_DATABASE_USER, port: POSTGRES_PORT },
        waitForCapacity: false,
        sessionLogGroupArn: this.sessionManager.logGroup.arn,
        bootDependencies: [...this.network.appEgress, ...this.endpoints.endpoints, ...this.mountTargets],
        fileSystem: { id: props.fileSystem.id, arn: props.fileSystem.arn, accessPointId: accessPoint.id, accessPointArn: accessPoint.arn },
      }),
    );

    buildInRegion(this, props.provider);
  }
}
