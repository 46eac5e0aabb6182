/** VPC flow logs: the service assumes the flow-log role and writes to the flow-log group. */
import { ACCOUNT, OTHER_ACCOUNT, arnOf, sym, type AuthorizationRow } from "../row";
import { flowLog, flowLogGroup, flowLogRole } from "../selectors";
import { FLOW_LOGS, FLOW_LOG_ROLE } from "./principals";
import { SOURCES } from "./sources";

const ROLE = arnOf("the flow-log role (the flow log's iam_role_arn)", flowLogRole);

export const NETWORK_ROWS: readonly AuthorizationRow[] = [
  {
    id: "AZ-NET-1",
    request: "VPC Flow Logs assumes the flow-log role to deliver this VPC's flow log",
    stacks: ["dev", "prod", "prod-dr"],
    principal: FLOW_LOGS,
    action: "sts:AssumeRole",
    resource: ROLE,
    context: { "aws:SourceAccount": ACCOUNT, "aws:SourceArn": arnOf("the flow log's ARN", flowLog) },
    expected: "Allowed",
    source: [SOURCES.flowLogsRole],
  },
  {
    id: "AZ-NET-2",
    request: "VPC Flow Logs assumes the flow-log role for a flow log of another account",
    stacks: ["dev", "prod", "prod-dr"],
    principal: FLOW_LOGS,
    action: "sts:AssumeRole",
    resource: ROLE,
    context: {
      "aws:SourceAccount": OTHER_ACCOUNT,
      "aws:SourceArn": sym("arn:aws:ec2:<region>:<another account>:vpc-flow-log/fl-0123456789abcdef0", (s) => `arn:aws:ec2:${s.region}:${OTHER_ACCOUNT.resolve(s)}:vpc-flow-log/fl-0123456789abcdef0`),
    },
    expected: "Denied",
    source: [SOURCES.flowLogsRole, SOURCES.confusedDeputy],
  },
  {
    id: "AZ-NET-3",
    request: "The flow-log role delivers flow-log records",
    stacks: ["dev", "prod", "prod-dr"],
    principal: FLOW_LOG_ROLE,
    action: "logs:PutLogEvents",
    resource: sym("<flow-log group ARN>:log-stream:eni-0123456789abcdef0-all", (s) => `${s.world.attribute(flowLogGroup(s), "arn")}:log-stream:eni-0123456789abcdef0-all`),
    expected: "Allowed",
    source: [SOURCES.flowLogsRole],
  },
];
