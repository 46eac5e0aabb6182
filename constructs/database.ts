import { Construct } from "constructs";
import { DbInstance } from "@cdktf/provider-aws/lib/db-instance";
import { DbParameterGroup } from "@cdktf/provider-aws/lib/db-parameter-group";
import { DbSubnetGroup } from "@cdktf/provider-aws/lib/db-subnet-group";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import type { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { RDS_CA_CERTIFICATE } from "./aws-facts";
import { DATABASE_LOG_EXPORTS, PHI_TAGS, databaseIdentifier, databaseParameterGroupName, rdsLogGroupName, resourceName } from "./naming";
import type { KmsKeyRef } from "./secure-bucket";
import { POSTGRES_PORT } from "./security-groups";
import { serviceTrustPolicy } from "./iam";
import { encryptedLogGroup } from "./logging";
import type { DeploymentContext } from "./context";

/** Logs RDS exports to CloudWatch (the list lives in naming.ts, where tools read it without cdktf). */
export const EXPORTED_LOGS = DATABASE_LOG_EXPORTS;
/** The application database and its administrative user (whose password only Secrets Manager knows). */
export const DATABASE_NAME = "medicarehub";
export const MASTER_USERNAME = "medicare_admin";
/** RSA 2048 CA valid until 2061: clients pin it for verify-full TLS (constructs/aws-facts.ts, where the tools read it). */
export const CA_CERTIFICATE = RDS_CA_CERTIFICATE;

/**
 * Parameters of the database: TLS forced for every connection, and the logging an auditor and an on-call engineer
 * need (connections, DDL, slow statements, lock waits). All are dynamic, so they apply without a reboot.
 */
export const DATABASE_PARAMETERS: Readonly<Record<string, string>> = {
  "rds.force_ssl": "1",
  log_connections: "1",
  log_disconnections: "1",
  log_statement: "ddl",
  log_min_duration_statement: "1000",
  log_lock_waits: "1",
};

/**
 * The app's own database user: it connects with IAM database authentication (a 15-minute token from its instance
 * role), never with the master password, which stays break-glass only.
 */
export const APP_DATABASE_USER = "medicare_app";

export interface DatabaseProps extends DeploymentContext {
  /** Private-data subnets, one per AZ: the primary and the standby live in different ones. */
  readonly subnetIds: readonly string[];
  /** The database's security group (`SecurityGroups.database`): PostgreSQL from the app instances only. */
  readonly securityGroupId: string;
  /** Encrypts storage, Performance Insights and the master user secret. */
  readonly databaseKey: KmsKeyRef;
  /** Encrypts the exported log groups. */
  readonly logKey: KmsKeyRef;
  /** Days the exported `postgresql` and `upgrade` log groups are kept (config: logRetentionDays). */
  readonly logRetentionDays: number;
  /** PostgreSQL major version. */
  readonly engineVersion: string;
  /** RDS instance class (config: database.instanceClass). */
  readonly instanceClass: string;
  /** Storage the instance is created with, gp3, in GiB (config: database.allocatedStorageGib). */
  readonly allocatedStorageGib: number;
  /** Storage grows automatically up to this. */
  readonly maxAllocatedStorageGib: number;
  /** A synchronous standby in another AZ (config: database.multiAz; the multi-AZ guardrail refuses false unless suppressed). */
  readonly multiAz: boolean;
  /** Automated backups, and so the point-in-time recovery window. */
  readonly backupRetentionDays: number;
  /** Daily UTC window of the automated backups, `hh:mm-hh:mm` (config: database.backupWindow). */
  readonly backupWindow: string;
  /**
   * Weekly UTC window for minor version upgrades and patching, `ddd:hh:mm-ddd:hh:mm` (config:
   * database.maintenanceWindow); the configuration refuses one that overlaps the backup window.
   */
  readonly maintenanceWindow: string;
  /** RDS deletion protection: the API refuses to delete the instance (config: database.deletionProtection). */
  readonly deletionProtection: boolean;
  /**
   * `prevent_destroy`: Terraform refuses any plan that destroys the database.
   * @default true
   */
  readonly preventDestroy?: boolean;
  /** Seconds between enhanced monitoring's OS metrics (config: database.monitoringIntervalSeconds). */
  readonly monitoringIntervalSeconds: number;
  /**
   * Days Performance Insights keeps its data: 7 (free tier) or a multiple of 31 up to 731 (config:
   * database.performanceInsightsRetentionDays).
   */
  readonly performanceInsightsRetentionDays: number;
  /**
   * Make this instance an encrypted cross-region read replica of another (the recovery region's copy of the primary,
   * recovery.strategy "pilot-light" or "warm-standby"): it takes the source's engine, storage, users and data, and
   * `databaseKey` must be a key of this instance's region ("KMS keys are specific to the Region that they are created
   * in", CreateDBInstanceReadReplica KmsKeyId). It has no master secret, no automated backups and no final snapshot
   * (RDS refuses them on a PostgreSQL replica); `npm run failover` promotes it with the primary's backup retention and
   * window (`backupRetentionDays`, `backupWindow`).
   * @default - a primary instance
   */
  readonly replicaOf?: {
    /** ARN of the source instance, in another region (`replicate_source_db` takes an ARN across regions). */
    readonly sourceArn: string;
  };
}

/**
 * The PostgreSQL database: Multi-AZ (a synchronous standby in another AZ, automatic failover), encrypted under the
 * database key, its master password generated and rotated by RDS in Secrets Manager (no password exists in
 * configuration, Terraform state or output), TLS forced, backed up daily with point-in-time recovery, and a final
 * snapshot if it is ever deleted.
 */
export class Database extends Construct {
  readonly instance: DbInstance;
  /**
   * ARN of the RDS-managed secret holding the master credentials (the ARN, never the value).
   * @default - none on a replica: it has the source's users, and a promoted replica's master password is reset from
   * the runbook (docs/runbooks.md, "region-lost")
   */
  readonly secretArn?: string;
  /** The database user the app connects as, with IAM database authentication (created once: docs/first-deploy.md). */
  readonly appUser = APP_DATABASE_USER;
  /** The instance's resource id, which IAM database authentication policies name (`dbuser:<resource id>/<user>`). */
  readonly resourceId: string;

  constructor(scope: Construct, id: string, props: DatabaseProps) {
    super(scope, id);
    const { environment } = props;
    const identifier = databaseIdentifier(environment);

    const { subnetGroup, parameters, logGroups, monitoringRole } = databaseFoundation(this, props);

    // A replica inherits the engine, its version, the database, its users and the storage size from its source; RDS
    // refuses a master password, automated backups and a final snapshot on it. Everything else is set as on a primary,
    // so the promoted replica is the same database (TLS forced, logs, monitoring, deletion protection).
    const replica = props.replicaOf;
    const primaryOnly = replica
      ? { skipFinalSnapshot: true }
      : {
          engine: "postgres",
          engineVersion: props.engineVersion,
          dbName: DATABASE_NAME,
          username: MASTER_USERNAME,
          manageMasterUserPassword: true,
          masterUserSecretKmsKeyId: props.databaseKey.arn,
          allocatedStorage: props.allocatedStorageGib,
          backupRetentionPeriod: props.backupRetentionDays,
          backupWindow: props.backupWindow,
          // Automated backups outlive the instance: a mistaken delete keeps its point-in-time history.
          deleteAutomatedBackups: false,
          skipFinalSnapshot: false,
          finalSnapshotIdentifier: `${identifier}-final`,
        };
    this.instance = new DbInstance(this, "instance", {
      identifier,
      replicateSourceDb: replica?.sourceArn,
      ...primaryOnly,
      autoMinorVersionUpgrade: true,
      allowMajorVersionUpgrade: false,
      instanceClass: props.instanceClass,
      iamDatabaseAuthenticationEnabled: true,
      port: POSTGRES_PORT,
      multiAz: props.multiAz,
      dbSubnetGroupName: subnetGroup.name,
      vpcSecurityGroupIds: [props.securityGroupId],
      publiclyAccessible: false,
      parameterGroupName: parameters.name,
      caCertIdentifier: CA_CERTIFICATE,
      storageType: "gp3",
      maxAllocatedStorage: props.maxAllocatedStorageGib,
      storageEncrypted: true,
      kmsKeyId: props.databaseKey.arn,
      maintenanceWindow: props.maintenanceWindow,
      copyTagsToSnapshot: true,
      deletionProtection: props.deletionProtection,
      performanceInsightsEnabled: true,
      performanceInsightsKmsKeyId: props.databaseKey.arn,
      performanceInsightsRetentionPeriod: props.performanceInsightsRetentionDays,
      monitoringInterval: props.monitoringIntervalSeconds,
      monitoringRoleArn: monitoringRole.arn,
      enabledCloudwatchLogsExports: [...EXPORTED_LOGS],
      applyImmediately: false,
      tags: { Name: identifier, ...PHI_TAGS },
      dependsOn: [...logGroups],
      lifecycle: {
        preventDestroy: props.preventDestroy ?? true,
        // Failover promotes the replica outside Terraform (npm run failover): a later apply must not try to make it a
        // replica again, which RDS cannot do to a promoted instance.
        ignoreChanges: replica ? ["replicate_source_db"] : undefined,
      },
    });
    this.secretArn = replica ? undefined : this.instance.masterUserSecret.get(0).secretArn;
    this.resourceId = this.instance.resourceId;
  }
}

/** What the foundation needs of {@link DatabaseProps}. */
export type DatabaseFoundationProps = Pick<DatabaseProps, "environment" | "accountId" | "region" | "partition" | "subnetIds" | "engineVersion" | "logKey" | "logRetentionDays">;

/**
 * The recovery region's database before failover (recovery.database "restore"): its subnet group, parameter group, log
 * groups and monitoring role, ready; `npm run failover` restores the primary's replicated automated backups into them
 * as `databaseIdentifier(<env>-dr)` (a point-in-time restore: "Replicating automated backups to another AWS Region",
 * RDS User Guide), with the security group `SecurityGroups.database` of the recovery VPC.
 */
export class DatabaseRestoreTarget extends Construct {
  /** The identifier the restored instance gets. */
  readonly identifier: string;
  readonly foundation: DatabaseFoundation;

  constructor(scope: Construct, id: string, props: DatabaseFoundationProps) {
    super(scope, id);
    this.identifier = databaseIdentifier(props.environment);
    this.foundation = databaseFoundation(this, props);
  }
}

/** What an instance of the environment is created in and with, before the instance itself. */
export interface DatabaseFoundation {
  readonly subnetGroup: DbSubnetGroup;
  readonly parameters: DbParameterGroup;
  readonly logGroups: readonly CloudwatchLogGroup[];
  readonly monitoringRole: IamRole;
}

/**
 * The subnet group, parameter group (TLS forced, logging), encrypted log groups and enhanced-monitoring role of the
 * environment's database: built with the instance by {@link Database}, and alone by {@link DatabaseRestoreTarget},
 * where the instance is restored into them at failover.
 */
function databaseFoundation(scope: Construct, props: DatabaseFoundationProps): DatabaseFoundation {
  const { environment } = props;
  const identifier = databaseIdentifier(environment);
    const subnetGroup = new DbSubnetGroup(scope, "subnet-group", {
      name: identifier,
      description: `MediCare Hub ${environment}: the private-data subnet of every AZ`,
      subnetIds: [...props.subnetIds],
      tags: { Name: identifier },
    });

    const parameters = new DbParameterGroup(scope, "parameter-group", {
      name: databaseParameterGroupName(environment, props.engineVersion),
      family: `postgres${props.engineVersion}`,
      description: `MediCare Hub ${environment}: TLS only, connection, DDL and slow-statement logging`,
      parameter: Object.entries(DATABASE_PARAMETERS).map(([name, value]) => ({ name, value, applyMethod: "immediate" })),
      // A new major version needs a new group: create it before the old one goes.
      lifecycle: { createBeforeDestroy: true },
    });

    // RDS would create these itself, unencrypted and kept forever; created first, they are encrypted and retained.
    const logGroups = EXPORTED_LOGS.map(
      (log) =>
        encryptedLogGroup(scope, `${log}-log-group`, { name: rdsLogGroupName(environment, log), retentionDays: props.logRetentionDays, key: props.logKey }),
    );

    // Confused deputy: RDS may assume the role for this account's database only ("Setting up and enabling Enhanced
    // Monitoring", RDS User Guide).
    const monitoringTrust = serviceTrustPolicy(scope, "monitoring-trust", "monitoring.rds.amazonaws.com", {
      accountId: props.accountId,
      sourceArn: `arn:${props.partition}:rds:${props.region}:${props.accountId}:db:${identifier}`,
    });
    const monitoringRole = new IamRole(scope, "monitoring-role", {
      name: resourceName(environment, "db-monitoring"),
      description: "Lets RDS enhanced monitoring publish OS metrics of the MediCare Hub database",
      assumeRolePolicy: monitoringTrust.json,
    });
    new IamRolePolicyAttachment(scope, "monitoring-policy", {
      role: monitoringRole.name,
      policyArn: `arn:${props.partition}:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole`,
    });

  return { subnetGroup, parameters, logGroups, monitoringRole };
}
