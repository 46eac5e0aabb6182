import { Construct } from "constructs";
import { Token } from "cdktf";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DataAwsIamPolicyDocument, type DataAwsIamPolicyDocumentStatement } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { FisExperimentTemplate, type FisExperimentTemplateAction, type FisExperimentTemplateTarget } from "@cdktf/provider-aws/lib/fis-experiment-template";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { EXPERIMENT_TAG, PROJECT, logGroupName, resourceName, type ExperimentName } from "./naming";
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

/** The experiment that cuts the app subnets off from another region; it exists only when `crossRegion` is given. */
export const REGION_ISOLATION = "region-isolation" satisfies ExperimentName;
/** The experiments every template set has: one region's instances, database and subnets. */
export type InRegionExperiment = Exclude<ExperimentName, typeof REGION_ISOLATION>;
/**
 * FIS refuses more targets: service quota L-100E963F, "Target Subnets for
 * aws:network:route-table-disrupt-cross-region-connectivity", default 6 (https://docs.aws.amazon.com/fis/latest/userguide/fis-quotas.html).
 */
export const CROSS_REGION_SUBNET_QUOTA = 6;

/** Where the region-isolation experiment cuts traffic: from which subnets, to which region. */
export interface CrossRegionIsolation {
  /** The region the subnets lose their route to: the recovery region (not the stack's own). */
  readonly region: string;
  /**
   * ARNs of the subnets whose traffic to `region` is blackholed: the app subnets, in the VPC of `vpcArn`. One to
   * `CROSS_REGION_SUBNET_QUOTA` (6), the FIS quota.
   */
  readonly subnetArns: readonly string[];
}

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
  /**
   * Cut these subnets off from another region for `networkDisruptionMinutes` (experiment "region-isolation"): proves
   * the primary serves with no hidden dependency on the recovery region before a drill fails over to it. FIS routes
   * the region's address ranges to nowhere, so each subnet's route table needs room for them: raise the VPC quota
   * "Routes per route table" first (docs/game-days.md, "Region evacuation").
   * @default - no region-isolation template, and the role gets none of its permissions
   */
  readonly crossRegion?: CrossRegionIsolation;
}


/**
 * AWS FIS experiment templates that make the seed's manual failure tests repeatable: lose an instance, lose an AZ's
 * instances, fail the database over, cut an AZ's app subnets off the network, and (given `crossRegion`) cut the app
 * subnets off from the recovery region. Each stops on its own when users see errors (the 5xx alarms), logs to
 * CloudWatch, and runs as a role that can do these actions to these targets only.
 */
export class FailureExperiments extends Construct {
  /** Every template, by experiment name; "region-isolation" only when `crossRegion` was given. */
  readonly templates: Readonly<Record<InRegionExperiment, FisExperimentTemplate>> & { readonly [REGION_ISOLATION]?: FisExperimentTemplate };
  readonly role: IamRole;

  constructor(scope: Construct, id: string, props: FailureExperimentsProps) {
    super(scope, id);
    const { environment } = props;
    if (props.crossRegion) validateIsolation(props.crossRegion, props.region);
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
      ...(props.crossRegion && {
        [REGION_ISOLATION]: template(
          REGION_ISOLATION,
          `cut the app subnets off from ${props.crossRegion.region} for ${minutes} minutes; the primary serves on its own`,
          {
            name: "isolate",
            actionId: "aws:network:route-table-disrupt-cross-region-connectivity",
            parameter: [
              { key: "region", value: props.crossRegion.region },
              { key: "duration", value: `PT${minutes}M` },
            ],
            target: { key: "Subnets", value: "app-subnets" },
          },
          { name: "app-subnets", resourceType: "aws:ec2:subnet", selectionMode: "ALL", resourceArns: [...props.crossRegion.subnetArns] },
        ),
      }),
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
        ...(props.crossRegion ? regionIsolationStatements(props, props.crossRegion) : []),
      ],
    });
    new IamRolePolicy(this, "role-policy", { name: "run-experiments", role: role.id, policy: permissions.json });
    return role;
  }
}

/** Refuses at synth what cannot run: no subnets, more than FIS targets, a subnet twice, the stack's own region. */
function validateIsolation(isolation: CrossRegionIsolation, ownRegion: string): void {
  const subnets = isolation.subnetArns;
  if (subnets.length === 0) throw new Error("crossRegion.subnetArns is empty: give the subnets to cut off from the recovery region (1 to 6)");
  if (subnets.length > CROSS_REGION_SUBNET_QUOTA) {
    throw new Error(
      `crossRegion.subnetArns has ${subnets.length} subnets; AWS FIS targets at most ${CROSS_REGION_SUBNET_QUOTA} with ` +
        "aws:network:route-table-disrupt-cross-region-connectivity (service quota L-100E963F): split them over several experiments",
    );
  }
  if (new Set(subnets).size !== subnets.length) throw new Error(`crossRegion.subnetArns names a subnet twice: ${subnets.join(", ")}`);
  if (!Token.isUnresolved(isolation.region) && isolation.region === ownRegion) {
    throw new Error(`crossRegion.region is ${isolation.region}, the stack's own region: give the region to isolate from (the recovery region)`);
  }
}

/**
 * What aws:network:route-table-disrupt-cross-region-connectivity does, per "AWS FIS actions reference"
 * (https://docs.aws.amazon.com/fis/latest/userguide/fis-actions-reference.html#route-table-disrupt-cross-region-connectivity):
 * it "blocks traffic that originates in the target subnets and is destined for the specified Region" by creating
 * "route tables that include all routes for the Region to isolate" and moving the subnets onto them until the
 * experiment ends. Its permission list is granted below and nothing else; as in AWS's
 * AWSFaultInjectionSimulatorNetworkAccess policy
 * (https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSFaultInjectionSimulatorNetworkAccess.html), what
 * FIS creates must carry managedByFIS=true and only what carries it may be changed or deleted; unlike it, every ARN is
 * this account's and region's, VPC-wide grants are this VPC's, and subnet grants are the target subnets'.
 */
function regionIsolationStatements(props: FailureExperimentsProps, isolation: CrossRegionIsolation): DataAwsIamPolicyDocumentStatement[] {
  const { accountId, region, partition } = props;
  const ec2 = (type: string) => `arn:${partition}:ec2:${region}:${accountId}:${type}/*`;
  const created = [ec2("route-table"), ec2("network-interface"), ec2("prefix-list")];
  const subnets = [...isolation.subnetArns];
  const fisTagged = { test: "StringEquals", variable: `ec2:ResourceTag/${FIS_MANAGED_TAG}`, values: ["true"] };
  const taggedWhenCreated = { test: "StringEquals", variable: `aws:RequestTag/${FIS_MANAGED_TAG}`, values: ["true"] };
  return [
    // Describe calls have no resource-level permissions.
    { sid: "FindTheRoutesToIsolate", effect: "Allow", actions: ["ec2:DescribeRouteTables", "ec2:DescribeNetworkInterfaces", "ec2:DescribeVpcPeeringConnections"], resources: ["*"] },
    { sid: "CreateIsolationRouteTablesInThisVpc", effect: "Allow", actions: ["ec2:CreateRouteTable"], resources: [props.vpcArn] },
    {
      sid: "CreateOnlyFisTaggedRouteTablesInterfacesAndPrefixLists",
      effect: "Allow",
      actions: ["ec2:CreateRouteTable", "ec2:CreateNetworkInterface", "ec2:CreateManagedPrefixList"],
      resources: created,
      condition: [taggedWhenCreated],
    },
    {
      sid: "TagThemOnlyWhenCreated",
      effect: "Allow",
      actions: ["ec2:CreateTags"],
      resources: created,
      condition: [{ test: "StringEquals", variable: "ec2:CreateAction", values: ["CreateRouteTable", "CreateNetworkInterface", "CreateManagedPrefixList"] }, taggedWhenCreated],
    },
    {
      sid: "ChangeOnlyFisTaggedRouteTablesInterfacesAndPrefixLists",
      effect: "Allow",
      actions: [
        "ec2:CreateRoute",
        "ec2:DeleteRouteTable",
        "ec2:DisassociateRouteTable",
        "ec2:ModifyVpcEndpoint",
        "ec2:DeleteNetworkInterface",
        "ec2:ModifyManagedPrefixList",
        "ec2:DeleteManagedPrefixList",
      ],
      resources: created,
      condition: [fisTagged],
    },
    {
      // The swap names the subnet's own route table (untagged) and FIS's; the subnet limits it to the targets.
      sid: "SwapOnlyTheIsolatedSubnetsRouteTables",
      effect: "Allow",
      actions: ["ec2:AssociateRouteTable", "ec2:ReplaceRouteTableAssociation"],
      resources: [...subnets, ec2("route-table")],
    },
    { sid: "DisassociateOnlyTheIsolatedSubnets", effect: "Allow", actions: ["ec2:DisassociateRouteTable"], resources: subnets },
    {
      // FIS also creates a network interface (tagged, above). In which subnet, with which security group, the action
      // reference does not say; an interface a route table can use is in that table's VPC, so this VPC is the scope
      // (ec2:Vpc, documented for both in the Service Authorization Reference), not the target subnets.
      sid: "CreateTheRoutesInterfaceInThisVpc",
      effect: "Allow",
      actions: ["ec2:CreateNetworkInterface"],
      resources: [ec2("subnet"), ec2("security-group")],
      condition: [{ test: "StringEquals", variable: "ec2:Vpc", values: [props.vpcArn] }],
    },
    {
      // AWS's policy allows ModifyVpcEndpoint on FIS-tagged route tables (above) and on endpoints: FIS's tables take
      // over the gateway endpoints (S3, DynamoDB) the subnets' own tables use. Endpoints have no ec2:Vpc key and the
      // stack gives no endpoint ARNs: this environment's, by their default tags (Project, Environment), is the
      // narrowest scope. ModifyVpcEndpoint can also replace an endpoint's policy; no condition key prevents that.
      sid: "AddFisRouteTablesToThisEnvironmentsEndpoints",
      effect: "Allow",
      actions: ["ec2:ModifyVpcEndpoint"],
      resources: [ec2("vpc-endpoint")],
      condition: [
        { test: "StringEquals", variable: "aws:ResourceTag/Project", values: [PROJECT] },
        { test: "StringEquals", variable: "aws:ResourceTag/Environment", values: [props.environment] },
      ],
    },
  ];
}
