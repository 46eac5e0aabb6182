/**
 * AWS FIS experiments (prod): the service assumes the experiment role, which terminates the app's instances, fails
 * the database over and cuts one subnet off with a temporary network ACL that FIS creates and tags managedByFIS=true.
 */
import { ACCOUNT, arnOf, sym, type AuthorizationRow, type Scope } from "../row";
import { database, defaultTag, experimentGroup, fisRole, isolatedSubnet, isolatedVpc } from "../selectors";
import { FIS, FIS_ROLE } from "./principals";
import { SOURCES } from "./sources";

const NETWORK_ACL = sym("arn:aws:ec2:<region>:<account>:network-acl/acl-0123456789abcdef0", (s) => `arn:aws:ec2:${s.region}:${s.account}:network-acl/acl-0123456789abcdef0`);
const FIS_TAGGED = { "aws:ResourceTag/managedByFIS": "true", "ec2:ResourceTag/managedByFIS": "true" };
const INSTANCE = sym("arn:aws:ec2:<region>:<account>:instance/i-0123456789abcdef0", (s) => `arn:aws:ec2:${s.region}:${s.account}:instance/i-0123456789abcdef0`);

export const FIS_ROWS: readonly AuthorizationRow[] = [
  {
    id: "AZ-FIS-1",
    request: "AWS FIS assumes the experiment role to run an experiment of this account",
    stacks: ["prod"],
    principal: FIS,
    action: "sts:AssumeRole",
    resource: arnOf("the experiment role", fisRole),
    context: {
      "aws:SourceAccount": ACCOUNT,
      "aws:SourceArn": sym("arn:aws:fis:<region>:<account>:experiment/EXP0123456789abcdef", (s) => `arn:aws:fis:${s.region}:${s.account}:experiment/EXP0123456789abcdef`),
    },
    expected: "Allowed",
    source: [SOURCES.fisRole],
  },
  {
    id: "AZ-FIS-2",
    request: "The instance experiment terminates an app instance (tagged with the group's name by Auto Scaling)",
    stacks: ["prod"],
    principal: FIS_ROLE,
    action: "ec2:TerminateInstances",
    resource: INSTANCE,
    context: { "aws:ResourceTag/aws:autoscaling:groupName": arnOf("name of the group the experiments target (their resource tag)", experimentGroup, "name") },
    expected: "Allowed",
    source: [SOURCES.fisActions],
  },
  {
    id: "AZ-FIS-3",
    request: "The FIS role terminates an instance that is not the app's",
    stacks: ["prod"],
    principal: FIS_ROLE,
    action: "ec2:TerminateInstances",
    resource: INSTANCE,
    context: { "aws:ResourceTag/aws:autoscaling:groupName": "some-other-group" },
    expected: "Denied",
    source: [SOURCES.fisActions, SOURCES.evaluationLogic],
  },
  {
    id: "AZ-FIS-4",
    request: "The database experiment reboots the database with failover",
    stacks: ["prod"],
    principal: FIS_ROLE,
    action: "rds:RebootDBInstance",
    resource: arnOf("the database", database),
    expected: "Allowed",
    source: [SOURCES.fisActions],
  },
  {
    id: "AZ-FIS-5",
    request: "The network experiment creates its temporary network ACL, tagged managedByFIS=true",
    stacks: ["prod"],
    principal: FIS_ROLE,
    action: "ec2:CreateNetworkAcl",
    resource: NETWORK_ACL,
    context: { "aws:RequestTag/managedByFIS": "true", "aws:TagKeys": ["managedByFIS"] },
    expected: "Allowed",
    source: [SOURCES.fisActions, SOURCES.fisNetworkPolicy],
  },
  {
    id: "AZ-FIS-6",
    request: "The network experiment adds the deny-all entries to its own network ACL",
    stacks: ["prod"],
    principal: FIS_ROLE,
    action: "ec2:CreateNetworkAclEntry",
    resource: NETWORK_ACL,
    context: FIS_TAGGED,
    expected: "Allowed",
    source: [SOURCES.fisActions, SOURCES.fisNetworkPolicy],
  },
  {
    id: "AZ-FIS-7",
    request: "The network experiment deletes its own network ACL when it ends",
    stacks: ["prod"],
    principal: FIS_ROLE,
    action: "ec2:DeleteNetworkAcl",
    resource: NETWORK_ACL,
    context: FIS_TAGGED,
    expected: "Allowed",
    source: [SOURCES.fisActions, SOURCES.fisNetworkPolicy],
  },
  {
    id: "AZ-FIS-8",
    request: "The network experiment swaps the target subnet onto its network ACL",
    stacks: ["prod"],
    principal: FIS_ROLE,
    action: "ec2:ReplaceNetworkAclAssociation",
    resource: NETWORK_ACL,
    context: FIS_TAGGED,
    expected: "Allowed",
    source: [SOURCES.fisActions, SOURCES.fisNetworkPolicy],
  },
  {
    id: "AZ-FIS-9",
    request: "The FIS role adds an entry to a network ACL it did not create (not tagged managedByFIS=true)",
    stacks: ["prod"],
    principal: FIS_ROLE,
    action: "ec2:CreateNetworkAclEntry",
    resource: NETWORK_ACL,
    expected: "Denied",
    source: [SOURCES.fisNetworkPolicy],
    why: "AWS's own policy for this action limits it to ACLs tagged managedByFIS=true; otherwise an experiment role could open or close any subnet of the account.",
  },
  {
    id: "AZ-FIS-10",
    request: "The FIS role deletes a network ACL it did not create (not tagged managedByFIS=true)",
    stacks: ["prod"],
    principal: FIS_ROLE,
    action: "ec2:DeleteNetworkAcl",
    resource: NETWORK_ACL,
    expected: "Denied",
    source: [SOURCES.fisNetworkPolicy],
  },
];

// --- region isolation --------------------------------------------------------------------------------------------

/** An EC2 resource of the stack's account and region that no stack creates: `<type>/<id>`. */
const ec2Arn = (label: string, type: string, id: string) => sym(`arn:aws:ec2:<region>:<account>:${type}/${id} (${label})`, (s: Scope) => `arn:aws:ec2:${s.region}:${s.account}:${type}/${id}`);
const FIS_ROUTE_TABLE = ec2Arn("FIS's route table", "route-table", "rtb-0f15f15f15f15f15f");
const SUBNETS_OWN_ROUTE_TABLE = ec2Arn("the subnet's own, untagged", "route-table", "rtb-0123456789abcdef0");
const FIS_PREFIX_LIST = ec2Arn("FIS's prefix list", "prefix-list", "pl-0f15f15f15f15f15f");
const OTHER_SUBNET = ec2Arn("a subnet the experiment does not target", "subnet", "subnet-0123456789abcdef0");
const GATEWAY_ENDPOINT = ec2Arn("a gateway endpoint the subnet's route table uses", "vpc-endpoint", "vpce-0123456789abcdef0");
const ISOLATED_SUBNET = arnOf("first subnet of the region-isolation template's target", isolatedSubnet);
const ISOLATED_VPC = arnOf("VPC of the isolated subnets", isolatedVpc);
const FIS_TAGGED_ON_CREATE = { "aws:RequestTag/managedByFIS": "true", "aws:TagKeys": ["managedByFIS"] };
const ENVIRONMENT_TAGS = {
  "aws:ResourceTag/Project": sym("the stack's default tag Project", (s) => defaultTag(s, "Project")),
  "aws:ResourceTag/Environment": sym("the stack's default tag Environment", (s) => defaultTag(s, "Environment")),
};
const WHY_ONLY_FIS_TAGGED = "What FIS creates carries managedByFIS=true, as in AWS's own policy; a route table, interface or prefix list without it is someone else's, and changing it could reroute any subnet of the account.";

/**
 * aws:network:route-table-disrupt-cross-region-connectivity (the region-isolation template, given a recovery region):
 * FIS creates route tables that route the recovery region's ranges nowhere, moves the target subnets onto them, and
 * moves them back. The prod stack builds the template (constructs/medicare-hub-stack.ts passes crossRegion when a
 * recovery region is configured), so they are in AUTHORIZATION_ROWS; __tests__/authorization/region-isolation.test.ts
 * also evaluates them against a stack holding the template alone, and fails if one builds it while they are not listed.
 */
export const FIS_REGION_ISOLATION_ROWS: readonly AuthorizationRow[] = [
  {
    id: "AZ-FIS-11",
    request: "The region-isolation experiment creates a route table in the isolated subnets' VPC",
    stacks: ["prod"],
    principal: FIS_ROLE,
    action: "ec2:CreateRouteTable",
    resource: ISOLATED_VPC,
    expected: "Allowed",
    source: [SOURCES.fisCrossRegion, SOURCES.fisNetworkPolicy],
  },
  {
    id: "AZ-FIS-12",
    request: "The region-isolation experiment creates its route table, tagged managedByFIS=true",
    stacks: ["prod"],
    principal: FIS_ROLE,
    action: "ec2:CreateRouteTable",
    resource: FIS_ROUTE_TABLE,
    context: FIS_TAGGED_ON_CREATE,
    expected: "Allowed",
    source: [SOURCES.fisCrossRegion, SOURCES.fisNetworkPolicy],
  },
  {
    id: "AZ-FIS-13",
    request: "The region-isolation experiment tags its route table as it creates it",
    stacks: ["prod"],
    principal: FIS_ROLE,
    action: "ec2:CreateTags",
    resource: FIS_ROUTE_TABLE,
    context: { ...FIS_TAGGED_ON_CREATE, "ec2:CreateAction": "CreateRouteTable" },
    expected: "Allowed",
    source: [SOURCES.fisCrossRegion, SOURCES.fisNetworkPolicy],
  },
  {
    id: "AZ-FIS-14",
    request: "The region-isolation experiment creates a prefix list of the isolated region's ranges, tagged managedByFIS=true",
    stacks: ["prod"],
    principal: FIS_ROLE,
    action: "ec2:CreateManagedPrefixList",
    resource: FIS_PREFIX_LIST,
    context: FIS_TAGGED_ON_CREATE,
    expected: "Allowed",
    source: [SOURCES.fisCrossRegion, SOURCES.fisNetworkPolicy],
  },
  {
    id: "AZ-FIS-15",
    request: "The region-isolation experiment adds the blackhole routes to its own route table",
    stacks: ["prod"],
    principal: FIS_ROLE,
    action: "ec2:CreateRoute",
    resource: FIS_ROUTE_TABLE,
    context: FIS_TAGGED,
    expected: "Allowed",
    source: [SOURCES.fisCrossRegion, SOURCES.fisNetworkPolicy],
  },
  {
    id: "AZ-FIS-16",
    request: "The region-isolation experiment creates the routes' network interface in a subnet of the isolated subnets' VPC",
    stacks: ["prod"],
    principal: FIS_ROLE,
    action: "ec2:CreateNetworkInterface",
    resource: ISOLATED_SUBNET,
    context: { "ec2:Vpc": ISOLATED_VPC },
    expected: "Allowed",
    source: [SOURCES.fisCrossRegion, SOURCES.fisNetworkPolicy, SOURCES.ec2ConditionKeys],
  },
  {
    id: "AZ-FIS-17",
    request: "The region-isolation experiment swaps an isolated subnet onto its route table",
    stacks: ["prod"],
    principal: FIS_ROLE,
    action: "ec2:ReplaceRouteTableAssociation",
    resource: ISOLATED_SUBNET,
    expected: "Allowed",
    source: [SOURCES.fisCrossRegion, SOURCES.fisNetworkPolicy],
  },
  {
    id: "AZ-FIS-18",
    request: "When it ends, the region-isolation experiment swaps the subnet back onto the subnet's own route table",
    stacks: ["prod"],
    principal: FIS_ROLE,
    action: "ec2:ReplaceRouteTableAssociation",
    resource: SUBNETS_OWN_ROUTE_TABLE,
    expected: "Allowed",
    source: [SOURCES.fisCrossRegion, SOURCES.fisNetworkPolicy],
  },
  {
    id: "AZ-FIS-19",
    request: "The region-isolation experiment adds its route table to a gateway endpoint of this environment",
    stacks: ["prod"],
    principal: FIS_ROLE,
    action: "ec2:ModifyVpcEndpoint",
    resource: GATEWAY_ENDPOINT,
    context: ENVIRONMENT_TAGS,
    expected: "Allowed",
    source: [SOURCES.fisCrossRegion, SOURCES.fisNetworkPolicy],
    why: "The subnets' own route tables route S3 and DynamoDB through the gateway endpoints, and AWS's policy lets FIS attach its route tables to endpoints. Endpoints have no ec2:Vpc key, so the role reaches them by the tags every resource of the environment carries.",
  },
  {
    id: "AZ-FIS-20",
    request: "The region-isolation experiment deletes its route table when it ends",
    stacks: ["prod"],
    principal: FIS_ROLE,
    action: "ec2:DeleteRouteTable",
    resource: FIS_ROUTE_TABLE,
    context: FIS_TAGGED,
    expected: "Allowed",
    source: [SOURCES.fisCrossRegion, SOURCES.fisNetworkPolicy],
  },
  {
    id: "AZ-FIS-21",
    request: "The FIS role adds a route to a route table it did not create (not tagged managedByFIS=true)",
    stacks: ["prod"],
    principal: FIS_ROLE,
    action: "ec2:CreateRoute",
    resource: SUBNETS_OWN_ROUTE_TABLE,
    expected: "Denied",
    source: [SOURCES.fisNetworkPolicy],
    why: WHY_ONLY_FIS_TAGGED,
  },
  {
    id: "AZ-FIS-22",
    request: "The FIS role deletes a route table it did not create",
    stacks: ["prod"],
    principal: FIS_ROLE,
    action: "ec2:DeleteRouteTable",
    resource: SUBNETS_OWN_ROUTE_TABLE,
    expected: "Denied",
    source: [SOURCES.fisNetworkPolicy],
    why: WHY_ONLY_FIS_TAGGED,
  },
  {
    id: "AZ-FIS-23",
    request: "The FIS role swaps the route table of a subnet the experiment does not target",
    stacks: ["prod"],
    principal: FIS_ROLE,
    action: "ec2:ReplaceRouteTableAssociation",
    resource: OTHER_SUBNET,
    expected: "Denied",
    source: [SOURCES.fisCrossRegion],
    why: "The experiment cuts off the subnets its template names (the app subnets); the data tier and public subnets keep their routes.",
  },
  {
    id: "AZ-FIS-24",
    request: "The FIS role creates a network interface in a subnet of another VPC",
    stacks: ["prod"],
    principal: FIS_ROLE,
    action: "ec2:CreateNetworkInterface",
    resource: OTHER_SUBNET,
    context: { "ec2:Vpc": sym("arn:aws:ec2:<region>:<account>:vpc/vpc-0123456789abcdef0", (s) => `arn:aws:ec2:${s.region}:${s.account}:vpc/vpc-0123456789abcdef0`) },
    expected: "Denied",
    source: [SOURCES.fisCrossRegion, SOURCES.ec2ConditionKeys],
  },
  {
    id: "AZ-FIS-25",
    request: "The FIS role modifies a VPC endpoint that is not this environment's (another Environment tag)",
    stacks: ["prod"],
    principal: FIS_ROLE,
    action: "ec2:ModifyVpcEndpoint",
    resource: GATEWAY_ENDPOINT,
    context: { ...ENVIRONMENT_TAGS, "aws:ResourceTag/Environment": "someone-elses" },
    expected: "Denied",
    source: [SOURCES.fisCrossRegion],
    why: "ModifyVpcEndpoint also changes an endpoint's policy: only the endpoints the isolated subnets' route tables use may be touched.",
  },
];
