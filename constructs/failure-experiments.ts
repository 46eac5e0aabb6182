import { Construct } from "constructs";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { FisExperimentTemplate, type FisExperimentTemplateAction, type FisExperimentTemplateTarget } from "@cdktf/provider-aws/lib/fis-experiment-template";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { EXPERIMENT_TAG, logGroupName, resourceName, type ExperimentName } from "./naming";
import type { KmsKeyRef } from "./secure-bucket";
import { serviceTrustPolicy } from "./iam";
import { encryptedLogGroup } from "./logging";
import type { DeploymentContext } from "./context";

/** Tag EC2 Auto Scaling puts on every instance of a group: how experiments find the app instances. */
export const ASG_NAME_TAG = "aws:autoscaling:groupName";
/** Tag FIS puts on the network ACL it creates for aws:network:disrupt-connectivity; the role may change no other ACL. */
export const FIS_MANAGED_TAG = "managedByFIS";
// Experiment names and their tag are defined in naming (free of cdktf), for the game-day runner.
export { EXPERIMENTS, EXPERIMENT_TAG, type ExperimentName } from "./naming";

export interface FailureExperimentsProps extends DeploymentContext {
  /** Name of the app's Auto Scaling Group (its instances carry it as a tag). */
  readonly autoScalingGroupName: string;
  /** The AZ the AZ-loss experiments take out. */
  readonly targetAvailabilityZone: string;
  /** ARN of the private-app subnet in that AZ. */
  readonly targetSubnetArn: string;
  /** ARN of the VPC that subnet is in: the network experiment creates its temporary network ACL there only. */
  readonly vpcArn: string;
  /** ARN of the database the failover experiment reboots with a forced failover; the role may reboot no other. */
  readonly databaseArn: string;
  /** Alarms that stop any experiment the moment users see errors. */
  readonly stopAlarmArns: readonly string[];
  /** How long the AZ network disruption lasts (config: failureExperiments.networkDisruptionMinutes). */
  readonly networkDisruptionMinutes: number;
  /** Encrypts the experiments' log group. */
  readonly logKey: KmsKeyRef;
  /** Days the experiments' logs are kept (config: logRetentionDays). */
  readonly logRetentionDays: number;
}


/**
 * AWS FIS experiment templates that make the seed's manual failure tests repeatable: lose an instance, lose an AZ's
 * instances, fail the database over, cut an AZ's app subnets off the network. Each stops on its own when users see
 * errors (the 5xx alarms), logs to CloudWatch, and runs as a role that can do these actions to these targets only.
 */
export class FailureExperiments extends Construct {
  readonly templates: Readonly<Record<ExperimentName, FisExperimentTemplate>>;
  readonly role: IamRole;

  constructor(scope: Construct, id: string, props: FailureExperimentsProps) {
    super(scope, id);
    const { environment } = props;
    const logGroup = encryptedLogGroup(this, "log-group", { name: logGroupName(environment, "fis"), retentionDays: props.logRetentionDays, key: props.logKey });
    this.role = this.experimentRole(props, logGroup);

    const instances = (selectionMode: string, filters: { path: string; values: string[] }[]): FisExperimentTemplateTarget => ({
      name: "app-instances",
      resourceType: "aws:ec2:instance",
      selectionMode,
      resourceTag: [{ key: ASG_NAME_TAG, value: props.autoScalingGroupName }],
      filter: [{ path: "State.Name", values: ["running"] }, ...filters],
    });
    const terminate: FisExperimentTemplateAction = {
      name: "terminate",
      actionId: "aws:ec2:terminate-instances",
      target: { key: "Instances", value: "app-instances" },
    };
    const az = props.targetAvailabilityZone;
    const minutes = props.networkDisruptionMinutes;

    const template = (name: ExperimentName, description: string, action: FisExperimentTemplateAction, target: FisExperimentTemplateTarget) =>
      new FisExperimentTemplate(this, name, {
        description: `MediCare Hub ${environment}: ${description}`,
        roleArn: this.role.arn,
        stopCondition: props.stopAlarmArns.map((value) => ({ source: "aws:cloudwatch:alarm", value })),
        action: [action],
        target: [target],
        logConfiguration: { logSchemaVersion: 2, cloudwatchLogsConfiguration: { logGroupArn: `${logGroup.arn}:*` } },
        tags: { Name: resourceName(environment, `fis-${name}`), [EXPERIMENT_TAG]: name },
      });

    this.templates = {
      "terminate-instance": template(
        "terminate-instance",
        "terminate one app instance; the ASG replaces it",
        terminate,
        instances("COUNT(1)", []),
      ),
      "az-loss-compute": template(
        "az-loss-compute",
        `terminate every app instance in ${az}; the other AZs carry the load`,
        terminate,
        instances("ALL", [{ path: "Placement.AvailabilityZone", values: [az] }]),
      ),
      "rds-failover": template(
        "rds-failover",
        "reboot the database with forced failover; the standby takes over",
        {
          name: "failover",
          actionId: "aws:rds:reboot-db-instances",
          parameter: [{ key: "forceFailover", value: "true" }],
          target: { key: "DBInstances", value: "database" },
        },
        { name: "database", resourceType: "aws:rds:db", selectionMode: "ALL", resourceArns: [props.databaseArn] },
      ),
      "az-network-disruption": template(
        "az-network-disruption",
        `cut ${az}'s private-app subnet off the network for ${minutes} minutes`,
        {
          name: "disrupt",
          actionId: "aws:network:disrupt-connectivity",
          parameter: [
            { key: "duration", value: `PT${minutes}M` },
            { key: "scope", value: "all" },
          ],
          target: { key: "Subnets", value: "app-subnet" },
        },
        { name: "app-subnet", resourceType: "aws:ec2:subnet", selectionMode: "ALL", resourceArns: [props.targetSubnetArn] },
      ),
    };
  }

  /** The role FIS assumes: these actions, on these targets, and its own log delivery. */
  private experimentRole(props: FailureExperimentsProps, logGroup: CloudwatchLogGroup): IamRole {
    const { accountId, region, partition } = props;
    const networkAcls = `arn:${partition}:ec2:${region}:${accountId}:network-acl/*`;
    const trust = serviceTrustPolicy(this, "role-trust", "fis.amazonaws.com", { accountId, sourceArn: `arn:${partition}:fis:${region}:${accountId}:experiment/*` });
    const role = new IamRole(this, "role", {
      name: resourceName(props.environment, "fis"),
      description: "Lets AWS FIS run MediCare Hub's failure experiments, on the app's instances, database and subnet only",
      assumeRolePolicy: trust.json,
    });
    const permissions = new DataAwsIamPolicyDocument(this, "role-permissions", {
      statement: [
        {
          sid: "TerminateOnlyTheAppInstances",
          effect: "Allow",
          actions: ["ec2:TerminateInstances"],
          resources: [`arn:${partition}:ec2:${region}:${accountId}:instance/*`],
          condition: [{ test: "StringEquals", variable: `aws:ResourceTag/${ASG_NAME_TAG}`, values: [props.autoScalingGroupName] }],
        },
        {
          // Read-only lookups; the prefix-list reads are in aws:network:disrupt-connectivity's documented permissions.
          sid: "FindTargets",
          effect: "Allow",
          actions: [
            "ec2:DescribeInstances",
            "ec2:DescribeSubnets",
            "ec2:DescribeNetworkAcls",
            "ec2:DescribeVpcs",
            "ec2:DescribeManagedPrefixLists",
            "ec2:GetManagedPrefixListEntries",
            "rds:DescribeDBInstances",
          ],
          resources: ["*"],
        },
        { sid: "FailOverOnlyTheDatabase", effect: "Allow", actions: ["rds:RebootDBInstance"], resources: [props.databaseArn] },
        // disrupt-connectivity creates a deny-all network ACL tagged managedByFIS=true, swaps the subnet onto it and
        // back, then deletes it. Every ACL write is limited to ACLs carrying that tag, as in AWS's
        // AWSFaultInjectionSimulatorNetworkAccess policy, and narrowed further to this VPC and this subnet.
        {
          sid: "CreateTheTemporaryNetworkAclInThisVpc",
          effect: "Allow",
          actions: ["ec2:CreateNetworkAcl"],
          resources: [props.vpcArn],
        },
        {
          sid: "CreateOnlyFisTaggedNetworkAcls",
          effect: "Allow",
          actions: ["ec2:CreateNetworkAcl"],
          resources: [networkAcls],
          condition: [{ test: "StringEquals", variable: `aws:RequestTag/${FIS_MANAGED_TAG}`, values: ["true"] }],
        },
        {
          sid: "TagTheTemporaryNetworkAclWhenCreated",
          effect: "Allow",
          actions: ["ec2:CreateTags"],
          resources: [networkAcls],
          condition: [
            { test: "StringEquals", variable: "ec2:CreateAction", values: ["CreateNetworkAcl"] },
            { test: "StringEquals", variable: `aws:RequestTag/${FIS_MANAGED_TAG}`, values: ["true"] },
          ],
        },
        {
          sid: "ChangeOnlyFisTaggedNetworkAcls",
          effect: "Allow",
          actions: ["ec2:CreateNetworkAclEntry", "ec2:DeleteNetworkAcl"],
          resources: [networkAcls],
          condition: [{ test: "StringEquals", variable: `ec2:ResourceTag/${FIS_MANAGED_TAG}`, values: ["true"] }],
        },
        {
          // The swap names the subnet's current ACL (the VPC's, untagged) and the temporary one.
          sid: "SwapOnlyTheTargetSubnetsNetworkAcl",
          effect: "Allow",
          actions: ["ec2:ReplaceNetworkAclAssociation"],
          resources: [props.targetSubnetArn, networkAcls],
        },
        {
          // Vended-log delivery set-up has no resource-level permissions for CreateLogDelivery; the others are scoped to
          // this account's and region's logs ("Logs sent to CloudWatch Logs", CloudWatch Logs User Guide).
          sid: "SetUpExperimentLogDelivery",
          effect: "Allow",
          actions: ["logs:CreateLogDelivery"],
          resources: ["*"],
        },
        {
          sid: "AllowDeliveryToThisAccountsLogGroups",
          effect: "Allow",
          actions: ["logs:PutResourcePolicy", "logs:DescribeResourcePolicies", "logs:DescribeLogGroups"],
          resources: [`arn:${partition}:logs:${region}:${accountId}:*`],
        },
        { sid: "WriteExperimentLogs", effect: "Allow", actions: ["logs:CreateLogStream", "logs:PutLogEvents"], resources: [`${logGroup.arn}:*`] },
      ],
    });
    new IamRolePolicy(this, "role-policy", { name: "run-experiments", role: role.id, policy: permissions.json });
    return role;
  }
}
