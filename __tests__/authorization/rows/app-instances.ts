/** The app instances' own requests: their role, their logs, Session Manager, and what they must not reach. */
import { arnOf, sym, type AuthorizationRow } from "../row";
import { appLogGroup, flowLogGroup, instanceRole, sessionLogGroup } from "../selectors";
import type { Scope } from "../row";
import type { Located } from "../world";
import { EC2, INSTANCE_ROLE } from "./principals";
import { SOURCES } from "./sources";

/** A log stream of `group`: what PutLogEvents names. */
const streamOf = (label: string, select: (s: Scope) => Located) =>
  sym(`${label}:log-stream:i-0123456789abcdef0`, (s) => `${s.world.attribute(select(s), "arn")}:log-stream:i-0123456789abcdef0`);

export const APP_ROWS: readonly AuthorizationRow[] = [
  {
    id: "AZ-APP-1",
    request: "EC2 assumes the instance role for an app instance (instance profile)",
    stacks: ["dev", "prod", "prod-dr"],
    principal: EC2,
    action: "sts:AssumeRole",
    resource: arnOf("the app instance role", instanceRole),
    expected: "Allowed",
    source: [SOURCES.ec2Roles],
  },
  {
    id: "AZ-APP-2",
    request: "The CloudWatch agent on an instance ships app logs",
    stacks: ["dev", "prod", "prod-dr"],
    principal: INSTANCE_ROLE,
    action: "logs:PutLogEvents",
    resource: streamOf("<app log group ARN>", appLogGroup),
    expected: "Allowed",
    source: [SOURCES.logsIdentity],
  },
  {
    id: "AZ-APP-9",
    request: "A bootstrap that failed before the CloudWatch agent ran ships its log by hand (AWS CLI): it creates its stream",
    stacks: ["dev", "prod", "prod-dr"],
    principal: INSTANCE_ROLE,
    action: "logs:CreateLogStream",
    resource: sym("<app log group ARN>:log-stream:i-0123456789abcdef0/bootstrap-failed", (s) => `${s.world.attribute(appLogGroup(s), "arn")}:log-stream:i-0123456789abcdef0/bootstrap-failed`),
    expected: "Allowed",
    source: [SOURCES.logsIdentity],
    why: "The instance is terminated with its root volume: this stream is the only trace of why it never turned healthy.",
  },
  {
    id: "AZ-APP-8",
    request: "An operator's Session Manager session streams its transcript to the session log group, as the instance role",
    stacks: ["dev", "prod", "prod-dr"],
    principal: INSTANCE_ROLE,
    action: "logs:PutLogEvents",
    resource: streamOf("<session log group ARN>", sessionLogGroup),
    expected: "Allowed",
    source: [SOURCES.sessionLogging],
    why: "Without it the agent refuses to start a logged session, or operator shells on PHI hosts leave no record.",
  },
  {
    id: "AZ-APP-3",
    request: "An instance writes into the VPC flow-log group",
    stacks: ["dev", "prod", "prod-dr"],
    principal: INSTANCE_ROLE,
    action: "logs:PutLogEvents",
    resource: streamOf("<flow-log group ARN>", flowLogGroup),
    expected: "Denied",
    source: [SOURCES.logsIdentity, SOURCES.evaluationLogic],
    why: "Audit logs are written by the service that produces them only; an instance that could write there could forge them.",
  },
  {
    id: "AZ-APP-4",
    request: "The SSM agent registers the instance with Systems Manager",
    stacks: ["dev", "prod", "prod-dr"],
    principal: INSTANCE_ROLE,
    action: "ssm:UpdateInstanceInformation",
    resource: sym("arn:aws:ec2:<region>:<account>:instance/i-0123456789abcdef0", (s) => `arn:aws:ec2:${s.region}:${s.account}:instance/i-0123456789abcdef0`),
    expected: "Allowed",
    source: [SOURCES.ssmInstance, SOURCES.ssmCorePolicy],
  },
  {
    id: "AZ-APP-5",
    request: "An operator opens a Session Manager session: the agent opens its control channel",
    stacks: ["dev", "prod", "prod-dr"],
    principal: INSTANCE_ROLE,
    action: "ssmmessages:CreateControlChannel",
    // ssmmessages actions take no resource ARN.
    resource: sym("*", () => "*"),
    expected: "Allowed",
    source: [SOURCES.ssmInstance, SOURCES.ssmCorePolicy],
  },
];
