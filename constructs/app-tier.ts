import { Token, type ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { AutoscalingGroup } from "@cdktf/provider-aws/lib/autoscaling-group";
import { AutoscalingPolicy } from "@cdktf/provider-aws/lib/autoscaling-policy";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DataAwsIamPolicyDocument, type DataAwsIamPolicyDocumentStatement } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamInstanceProfile } from "@cdktf/provider-aws/lib/iam-instance-profile";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { LaunchTemplate } from "@cdktf/provider-aws/lib/launch-template";
import { encodeUserData, renderUserData } from "./app/user-data";
import { logGroupName, resourceName } from "./naming";
import type { KmsKeyRef } from "./secure-bucket";
import { serviceTrustPolicy } from "./iam";
import { encryptedLogGroup } from "./logging";
import type { DeploymentContext } from "./context";

/** Instance refresh keeps at least this share of capacity healthy while it replaces instances. */
export const REFRESH_MIN_HEALTHY_PERCENT = 90;
/** ...and launches replacements before terminating (up to this share), so capacity never dips during a deploy. */
export const REFRESH_MAX_HEALTHY_PERCENT = 120;
/** Every group metric, at one-minute granularity: alarms on in-service capacity need them. */
export const GROUP_METRICS = [
  "GroupMinSize",
  "GroupMaxSize",
  "GroupDesiredCapacity",
  "GroupInServiceInstances",
  "GroupPendingInstances",
  "GroupStandbyInstances",
  "GroupTerminatingInstances",
  "GroupTotalInstances",
  "GroupInServiceCapacity",
  "GroupPendingCapacity",
  "GroupStandbyCapacity",
  "GroupTerminatingCapacity",
  "GroupTotalCapacity",
];
/** An instance refresh pauses at these shares of replaced instances for the bake time below. */
export const REFRESH_CHECKPOINT_PERCENTAGES = [50, 100] as const;
/** Ten minutes at each checkpoint: enough for the 5xx and burn-rate alarms to see a bad release. */
export const REFRESH_CHECKPOINT_DELAY_SECONDS = 600;
/** Instances are replaced at least this often, so none runs an AMI (and its patches) older than this. */
export const DEFAULT_MAX_INSTANCE_LIFETIME_DAYS = 14;
/**
 * Time from launch to cloud-init running the user data, which it does in its final stage. An assumption, not an AWS
 * figure: on Amazon Linux 2023 on Nitro instances boots take well under a minute; check it against a real instance
 * (the first line of its `<instance>/cloud-init` log stream against its launch time) and raise it if it is not so.
 */
export const BOOT_BEFORE_USER_DATA_SECONDS = 60;
/** Added to the bounded worst case: the grace must never be the thing that kills a bootstrap about to succeed. */
export const GRACE_MARGIN_SECONDS = 60;

/**
 * Seconds from launch by which a new instance either serves or has failed, at worst: boot, the bootstrap's deadline
 * (every wait of constructs/app/bootstrap.sh is cut to it), and the passing checks the target group needs to call it
 * healthy. The group's default instance warmup: scaling counts the instance's metrics from then.
 */
export function instanceReadySeconds(bootstrapDeadlineSeconds: number, check: { readonly intervalSeconds: number; readonly healthyThreshold: number }): number {
  return BOOT_BEFORE_USER_DATA_SECONDS + bootstrapDeadlineSeconds + check.healthyThreshold * check.intervalSeconds;
}

/**
 * The group's health-check grace period: the bounded worst case above plus a margin. Until it ends, failing health
 * checks do not count against a new instance ("Set the health check grace period for an Auto Scaling group", EC2 Auto
 * Scaling User Guide); a bootstrap that fails earlier still waits it out before the group replaces the instance.
 */
export function healthCheckGraceSeconds(bootstrapDeadlineSeconds: number, check: { readonly intervalSeconds: number; readonly healthyThreshold: number }): number {
  return instanceReadySeconds(bootstrapDeadlineSeconds, check) + GRACE_MARGIN_SECONDS;
}

/**
 * How long `terraform apply` waits for the group's instances to be in service and healthy: two full worst-case boots
 * with the default bootstrap deadline, and more. Past it the apply fails, naming the group.
 */
export const CAPACITY_WAIT_TIMEOUT = "15m";

/** Namespace the CloudWatch agent publishes to; the instance role may publish nowhere else. */
export const AGENT_METRIC_NAMESPACE = "CWAgent";

/** The SSM parameter of the current Amazon Linux 2023 AMI for an instance type's architecture (no data source). */
export function amazonLinuxImage(instanceType: string): string {
  const family = instanceType.split(".")[0];
  const arm = /^[a-z]+\d+g[a-z]*$/.test(family);
  return `resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-${arm ? "arm64" : "x86_64"}`;
}

export interface AppTierProps extends DeploymentContext {
  /** Private-app subnets, one per AZ: the group spreads over all of them. */
  readonly subnetIds: readonly string[];
  /** The app instances' security group (`SecurityGroups.app`): the load balancer reaches them on the app port only. */
  readonly securityGroupId: string;
  /** Target group the instances register in; its health check is the group's health check. */
  readonly targetGroupArn: string;
  /** `<alb arn suffix>/<target group arn suffix>`, for scaling on requests per target. */
  readonly requestCountResourceLabel: string;
  /** Port the app listens on, which the bootstrap configures (config: app.port). */
  readonly appPort: number;
  /** EC2 instance type (config: app.instanceType); its family picks the AMI's architecture (arm64 for Graviton). */
  readonly instanceType: string;
  /** Size of each instance's gp3 root volume, encrypted with `storageKey` (config: app.rootVolumeGib). */
  readonly rootVolumeGib: number;
  /** Key of the root volumes and the app log group. */
  readonly storageKey: KmsKeyRef;
  /** Days the app log group keeps the instances' logs (config: logRetentionDays). */
  readonly logRetentionDays: number;
  /**
   * Instances the group never goes below; fewer than one per subnet throws (config: app.minCapacity), unless
   * `pilotLight` allows zero.
   */
  readonly minCapacity: number;
  /**
   * A pilot light's group (recovery.strategy "pilot-light"): it may stand at zero instances until failover scales it
   * up (`npm run failover`). Guardrail MH-CMP-5 still flags it: an explicit cost switch.
   * @default false
   */
  readonly pilotLight?: boolean;
  /**
   * Whether `terraform apply` waits for the group's instances to be healthy (up to {@link CAPACITY_WAIT_TIMEOUT}). The
   * recovery region's group does not: its instances mount the file system's copy, which holds the app's directory
   * only once EFS has made the first copy, and its readiness is watched by an alarm (dr-standby-unhealthy) instead.
   * @default true
   */
  readonly waitForCapacity?: boolean;
  /** Instances at creation; the scaling policies own it afterwards (config: app.desiredCapacity). */
  readonly desiredCapacity: number;
  /** Instances scale-out never goes above (config: app.maxCapacity). */
  readonly maxCapacity: number;
  /**
   * The bootstrap's deadline in seconds from its start: it has answered `/health` locally by then or failed (and shipped
   * its log). The grace period and the instance warmup are derived from it (`healthCheckGraceSeconds`).
   */
  readonly bootstrapSeconds: number;
  /** The target group's health check, whose passing checks a new instance needs before it serves. */
  readonly healthCheck: {
    /** Seconds between the target group's checks (config: loadBalancer.healthCheck.intervalSeconds). */
    readonly intervalSeconds: number;
    /** Passing checks in a row before a new instance serves (config: loadBalancer.healthCheck.healthyThreshold). */
    readonly healthyThreshold: number;
  };
  /** Average CPU the target-tracking policy keeps the group at (config: app.cpuTargetPercent). */
  readonly cpuTargetPercent: number;
  /** ALB requests per instance per minute the request-count policy aims at (config: app.requestsPerTargetPerMinute). */
  readonly requestsPerTargetPerMinute: number;
  /**
   * The database user the app connects as with IAM database authentication, and the instance's resource id. The app
   * never reads the master secret: a compromised instance must not be the database superuser. Its address and port
   * reach the instance as tags, for the app and its deep health check (`/health/deep`).
   * @default - no access
   */
  readonly database?: {
    /**
     * The instance's resource id (`Database.resourceId`), which the `rds-db:connect` resource ARN names.
     * @default - the database of `restoredAs`, whose resource id nobody knows before it exists
     */
    readonly resourceId?: string;
    /**
     * The identifier of a database that does not exist yet: the recovery region's, restored at failover
     * (`DatabaseRestoreTarget`). The instance's DatabaseIdentifier tag; the bootstrap resolves its address when it
     * exists, and the role may connect as `user` to the databases of this region and account (the resource id is
     * created by the restore) and describe that one instance.
     * @default - `resourceId` names the database
     */
    readonly restoredAs?: string;
    /** The database user the app connects as (`Database.appUser`); the role may connect as no other. */
    readonly user: string;
    /**
     * Host name of the database, the instance's DatabaseAddress tag (set only together with `port`).
     * @default - no DatabaseAddress or DatabasePort tag
     */
    readonly address?: string;
    /**
     * Port of the database, the instance's DatabasePort tag (set only together with `address`).
     * @default - no DatabaseAddress or DatabasePort tag
     */
    readonly port?: number;
  };
  /**
   * The Session Manager preferences the app's instances are reached through: their session logs go to this log
   * group, which the instance role may write.
   * @default - no session logging permissions
   */
  readonly sessionLogGroupArn?: string;
  /**
   * Instances are replaced after this long, so each runs an AMI at most this old (the launch template resolves the
   * current Amazon Linux 2023 AMI at every launch).
   * @default 14 days
   */
  readonly maxInstanceLifetimeDays?: number;
  /**
   * Alarms (by name) whose ALARM state stops a running instance refresh: a deploy that makes users see errors halts
   * instead of replacing every instance.
   * @default - none
   */
  readonly refreshStopAlarmNames?: readonly string[];
  /**
   * Resources the first instances need before they boot: the NAT routes and VPC endpoints they install packages and
   * reach SSM through, and the EFS mount targets they mount. Without them the group can launch instances that fail
   * their bootstrap on the first apply, and the apply still succeeds.
   * @default - none
   */
  readonly bootDependencies?: readonly ITerraformDependable[];
  /**
   * The shared file system and its access point, which the app mounts.
   * @default - no EFS access
   */
  readonly fileSystem?: {
    /** ARN of the file system: the instance role may mount and write it, through the access point only. */
    readonly arn: string;
    /** Id of the file system, the instance's EfsFileSystemId tag, which the bootstrap mounts. */
    readonly id: string;
    /** ARN of the app's access point: the condition of the role's mount permission. */
    readonly accessPointArn: string;
    /** Id of the app's access point, the instance's EfsAccessPointId tag, which the bootstrap mounts through. */
    readonly accessPointId: string;
  };
}

/**
 * The self-healing app tier: instances from a hardened launch template in an Auto Scaling Group over every AZ's
 * private-app subnet. The group uses the load balancer's health check, so an instance that stops answering /health
 * is replaced without anyone's help; deploys roll through instance refresh, keeping 90% of capacity healthy.
 */
export class AppTier extends Construct {
  readonly group: AutoscalingGroup;
  readonly launchTemplate: LaunchTemplate;
  readonly role: IamRole;
  readonly logGroup: CloudwatchLogGroup;

  constructor(scope: Construct, id: string, props: AppTierProps) {
    super(scope, id);
    const { environment } = props;
    const name = resourceName(environment, "app");
    if (props.database && (props.database.resourceId === undefined) === (props.database.restoredAs === undefined)) {
      throw new Error(`AppTier ${this.node.path}: database needs exactly one of resourceId (an existing database) and restoredAs (one restored at failover)`);
    }
    if (props.minCapacity < props.subnetIds.length && !(props.pilotLight && props.minCapacity === 0)) {
      throw new Error(`AppTier minCapacity ${props.minCapacity} is below the ${props.subnetIds.length} AZs: every AZ needs an instance`);
    }

    this.logGroup = encryptedLogGroup(this, "log-group", { name: logGroupName(environment, "app"), retentionDays: props.logRetentionDays, key: props.storageKey });

    this.role = this.instanceRole(name, props);
    const profile = new IamInstanceProfile(this, "instance-profile", { name, role: this.role.name });

    const userData = renderUserData({
      environment,
      region: props.region,
      appPort: props.appPort,
      appLogGroup: logGroupName(environment, "app"),
      bootstrapDeadlineSeconds: props.bootstrapSeconds,
    });
    const instanceTags: Record<string, string> = { Name: name };
    if (props.fileSystem) {
      // Read by the bootstrap through instance metadata (see constructs/app/bootstrap.sh).
      instanceTags.EfsFileSystemId = props.fileSystem.id;
      instanceTags.EfsAccessPointId = props.fileSystem.accessPointId;
    }
    if (props.database?.address !== undefined && props.database.port !== undefined) {
      instanceTags.DatabaseAddress = props.database.address;
      instanceTags.DatabasePort = Token.asString(props.database.port);
    } else if (props.database?.restoredAs !== undefined && props.database.port !== undefined) {
      instanceTags.DatabaseIdentifier = props.database.restoredAs;
      instanceTags.DatabasePort = String(props.database.port);
    }

    this.launchTemplate = new LaunchTemplate(this, "launch-template", {
      name,
      description: `MediCare Hub ${environment} app instances`,
      imageId: amazonLinuxImage(props.instanceType),
      instanceType: props.instanceType,
      updateDefaultVersion: true,
      ebsOptimized: "true",
      iamInstanceProfile: { arn: profile.arn },
      metadataOptions: {
        httpEndpoint: "enabled",
        // IMDSv2 only, and one hop: containers or proxies on the instance cannot borrow its credentials.
        httpTokens: "required",
        httpPutResponseHopLimit: 1,
        instanceMetadataTags: "enabled",
      },
      monitoring: { enabled: true },
      networkInterfaces: [
        { deviceIndex: 0, associatePublicIpAddress: "false", securityGroups: [props.securityGroupId], deleteOnTermination: "true" },
      ],
      blockDeviceMappings: [
        {
          deviceName: "/dev/xvda",
          ebs: {
            volumeSize: props.rootVolumeGib,
            volumeType: "gp3",
            encrypted: "true",
            kmsKeyId: props.storageKey.arn,
            deleteOnTermination: "true",
          },
        },
      ],
      userData: encodeUserData(userData),
      tagSpecifications: [
        { resourceType: "instance", tags: instanceTags },
        { resourceType: "volume", tags: { Name: name } },
      ],
      tags: { Name: name },
    });

    this.group = new AutoscalingGroup(this, "group", {
      name,
      vpcZoneIdentifier: [...props.subnetIds],
      minSize: props.minCapacity,
      desiredCapacity: props.desiredCapacity,
      maxSize: props.maxCapacity,
      healthCheckType: "ELB",
      healthCheckGracePeriod: healthCheckGraceSeconds(props.bootstrapSeconds, props.healthCheck),
      defaultInstanceWarmup: instanceReadySeconds(props.bootstrapSeconds, props.healthCheck),
      // Patching: every instance is replaced within this time by one launched from the current AMI.
      maxInstanceLifetime: (props.maxInstanceLifetimeDays ?? DEFAULT_MAX_INSTANCE_LIFETIME_DAYS) * 24 * 60 * 60,
      targetGroupArns: [props.targetGroupArn],
      // The version number, not "$Latest": a new template version is a change the group sees, which starts a refresh.
      launchTemplate: { id: this.launchTemplate.id, version: Token.asString(this.launchTemplate.latestVersion) },
      instanceRefresh: {
        strategy: "Rolling",
        preferences: {
          minHealthyPercentage: REFRESH_MIN_HEALTHY_PERCENT,
          maxHealthyPercentage: REFRESH_MAX_HEALTHY_PERCENT,
          // No auto rollback: AWS cannot roll back to a launch template whose AMI is an SSM parameter alias, nor a
          // refresh started without a desired configuration, which is how the provider starts it ("Undo changes with
          // a rollback", EC2 Auto Scaling User Guide; hashicorp/terraform-provider-aws#34189). Undo a bad deploy by
          // deploying the previous configuration: docs/app-tier.md.
          autoRollback: false,
          skipMatching: true,
          // Bake time: the refresh pauses at half and at the end, so a release that breaks the app but answers
          // /health is seen by users' errors before it replaces everything; the alarms below stop it when they fire
          // ("Add checkpoints to an instance refresh", "Use alarms to stop an instance refresh").
          checkpointPercentages: [...REFRESH_CHECKPOINT_PERCENTAGES],
          checkpointDelay: String(REFRESH_CHECKPOINT_DELAY_SECONDS),
          alarmSpecification: props.refreshStopAlarmNames?.length ? { alarms: [...props.refreshStopAlarmNames] } : undefined,
        },
      },
      enabledMetrics: GROUP_METRICS,
      metricsGranularity: "1Minute",
      waitForCapacityTimeout: props.waitForCapacity === false ? "0" : CAPACITY_WAIT_TIMEOUT,
      tag: [{ key: "Name", value: name, propagateAtLaunch: true }],
      // Scaling policies own the desired capacity after creation; re-applying must not undo a scale-out.
      lifecycle: { ignoreChanges: ["desired_capacity"] },
      dependsOn: props.bootDependencies ? [...props.bootDependencies] : undefined,
    });

    new AutoscalingPolicy(this, "cpu-scaling", {
      name: `${name}-cpu`,
      autoscalingGroupName: this.group.name,
      policyType: "TargetTrackingScaling",
      targetTrackingConfiguration: {
        predefinedMetricSpecification: { predefinedMetricType: "ASGAverageCPUUtilization" },
        targetValue: props.cpuTargetPercent,
      },
    });
    new AutoscalingPolicy(this, "request-scaling", {
      name: `${name}-requests`,
      autoscalingGroupName: this.group.name,
      policyType: "TargetTrackingScaling",
      targetTrackingConfiguration: {
        predefinedMetricSpecification: {
          predefinedMetricType: "ALBRequestCountPerTarget",
          resourceLabel: props.requestCountResourceLabel,
        },
        targetValue: props.requestsPerTargetPerMinute,
      },
    });
  }

  private instanceRole(name: string, props: AppTierProps): IamRole {
    const trust = serviceTrustPolicy(this, "instance-trust", "ec2.amazonaws.com");
    const role = new IamRole(this, "instance-role", {
      name,
      description: "MediCare Hub app instances: Session Manager, their own logs and metrics, the DB secret, the shared file system",
      assumeRolePolicy: trust.json,
    });
    // Session Manager instead of SSH: no key pairs, no port 22, every session logged.
    new IamRolePolicyAttachment(this, "ssm-core", {
      role: role.name,
      policyArn: `arn:${props.partition}:iam::aws:policy/AmazonSSMManagedInstanceCore`,
    });

    const statements: DataAwsIamPolicyDocumentStatement[] = [
      {
        sid: "ShipLogsToTheAppLogGroup",
        effect: "Allow",
        actions: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
        resources: [this.logGroup.arn, `${this.logGroup.arn}:*`],
      },
      {
        sid: "PublishAgentMetrics",
        effect: "Allow",
        actions: ["cloudwatch:PutMetricData"],
        resources: ["*"],
        condition: [{ test: "StringEquals", variable: "cloudwatch:namespace", values: [AGENT_METRIC_NAMESPACE] }],
      },
      {
        sid: "DescribeForAgentDimensions",
        effect: "Allow",
        actions: ["ec2:DescribeTags", "ec2:DescribeVolumes"],
        resources: ["*"],
      },
    ];
    if (props.database) {
      statements.push({
        // IAM database authentication as the app's own user ("Creating and using an IAM policy for IAM database
        // access", RDS User Guide): no password on the instance, and not the master user's.
        sid: "ConnectToTheDatabaseAsTheAppUser",
        effect: "Allow",
        actions: ["rds-db:connect"],
        // A database restored at failover gets its resource id then: any of this region and account, as the app user only.
        resources: [`arn:${props.partition}:rds-db:${props.region}:${props.accountId}:dbuser:${props.database.resourceId ?? "*"}/${props.database.user}`],
      });
      if (props.database.restoredAs !== undefined) {
        statements.push({
          sid: "FindTheRestoredDatabase",
          effect: "Allow",
          actions: ["rds:DescribeDBInstances"],
          resources: [`arn:${props.partition}:rds:${props.region}:${props.accountId}:db:${props.database.restoredAs}`],
        });
      }
    }
    if (props.sessionLogGroupArn) {
      statements.push(
        {
          sid: "WriteSessionLogs",
          effect: "Allow",
          actions: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
          resources: [props.sessionLogGroupArn, `${props.sessionLogGroupArn}:*`],
        },
        {
          // The agent checks the log group's encryption before it streams ("Logging session data using CloudWatch Logs").
          sid: "CheckSessionLogGroupEncryption",
          effect: "Allow",
          actions: ["logs:DescribeLogGroups"],
          resources: [`arn:${props.partition}:logs:${props.region}:${props.accountId}:log-group:*`],
        },
      );
    }
    if (props.fileSystem) {
      statements.push({
        sid: "MountTheSharedFileSystemThroughItsAccessPoint",
        effect: "Allow",
        actions: ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"],
        resources: [props.fileSystem.arn],
        condition: [{ test: "StringEquals", variable: "elasticfilesystem:AccessPointArn", values: [props.fileSystem.accessPointArn] }],
      });
    }
    const policy = new DataAwsIamPolicyDocument(this, "instance-permissions", { statement: statements });
    new IamRolePolicy(this, "instance-policy", { name: "medicare-hub-app", role: role.id, policy: policy.json });
    return role;
  }
}
