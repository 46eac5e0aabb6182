/**
 * AWS FIS experiments (prod): the service assumes the experiment role, which terminates the app's instances, fails
 * the database over and cuts one subnet off with a temporary network ACL that FIS creates and tags managedByFIS=true.
 */
import { ACCOUNT, arnOf, sym, type AuthorizationRow } from "../row";
import { autoScalingGroup, database, fisRole } from "../selectors";
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
    context: { "aws:ResourceTag/aws:autoscaling:groupName": arnOf("the app group's name", autoScalingGroup, "name") },
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
