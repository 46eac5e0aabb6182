/**
 * AWS services delivering into this stack's buckets and log groups: ALB access logs, WAF logs, and CloudFront
 * reading the maintenance page. Every S3 bucket refuses requests that are not over TLS.
 */
import { ACCOUNT, OTHER_ACCOUNT, arnOf, sym, type AuthorizationRow } from "../row";
import { accessLogBucket, distribution, loadBalancer, originBucket, originObjectKey, wafLogGroup } from "../selectors";
import type { Scope } from "../row";
import { CLOUDFRONT, ELB_LOG_DELIVERY, LOG_DELIVERY } from "./principals";
import { SOURCES } from "./sources";

/** Where the load balancer writes a log file: `<bucket>/<prefix>/AWSLogs/<account>/elasticloadbalancing/<region>/...`. */
const albLogObject = (account: (s: Scope) => string) => (s: Scope) => {
  const prefix = loadBalancer(s).values.access_logs?.prefix;
  return `${s.world.attribute(accessLogBucket(s), "arn")}/${prefix ? `${prefix}/` : ""}AWSLogs/${account(s)}/elasticloadbalancing/${s.region}/2025/01/01/log.gz`;
};
const MAINTENANCE_PAGE = sym("<origin bucket ARN>/<page key>", (s) => `${s.world.attribute(originBucket(s), "arn")}/${originObjectKey(s)}`);

export const DELIVERY_ROWS: readonly AuthorizationRow[] = [
  {
    id: "AZ-DLV-1",
    request: "The load balancer delivers an access-log file",
    stacks: ["dev", "prod", "prod-dr"],
    principal: ELB_LOG_DELIVERY,
    action: "s3:PutObject",
    resource: sym("<access-log bucket ARN>/<prefix>/AWSLogs/<account>/elasticloadbalancing/<region>/…/log.gz", albLogObject((s) => s.account)),
    expected: "Allowed",
    source: [SOURCES.albLogs],
  },
  {
    id: "AZ-DLV-2",
    request: "The load-balancer log account writes logs of another account into the bucket",
    stacks: ["dev", "prod", "prod-dr"],
    principal: ELB_LOG_DELIVERY,
    action: "s3:PutObject",
    resource: sym("<access-log bucket ARN>/<prefix>/AWSLogs/<another account>/…/log.gz", albLogObject((s) => OTHER_ACCOUNT.resolve(s))),
    expected: "Denied",
    source: [SOURCES.albLogs],
  },
  {
    id: "AZ-DLV-3",
    request: "The load balancer delivers an access-log file over plain HTTP",
    stacks: ["dev", "prod", "prod-dr"],
    principal: ELB_LOG_DELIVERY,
    action: "s3:PutObject",
    resource: sym("<access-log bucket ARN>/<prefix>/AWSLogs/<account>/…/log.gz", albLogObject((s) => s.account)),
    context: { "aws:SecureTransport": "false" },
    expected: "ExplicitlyDenied",
    source: [SOURCES.s3Tls],
  },
  {
    id: "AZ-DLV-4",
    request: "CloudFront fetches the maintenance page from its origin bucket (origin access control)",
    stacks: ["prod"],
    principal: CLOUDFRONT,
    action: "s3:GetObject",
    resource: MAINTENANCE_PAGE,
    context: { "aws:SourceArn": arnOf("the distribution's ARN", distribution), "aws:SourceAccount": ACCOUNT },
    expected: "Allowed",
    source: [SOURCES.cloudFrontOac],
    why: "When DNS fails over, this read is the only thing between a patient and an error page.",
  },
  {
    id: "AZ-DLV-5",
    request: "Another distribution fetches the maintenance page",
    stacks: ["prod"],
    principal: CLOUDFRONT,
    action: "s3:GetObject",
    resource: MAINTENANCE_PAGE,
    context: {
      "aws:SourceArn": sym("arn:aws:cloudfront::<another account>:distribution/EOTHER", (s) => `arn:aws:cloudfront::${OTHER_ACCOUNT.resolve(s)}:distribution/EOTHER`),
      "aws:SourceAccount": OTHER_ACCOUNT,
    },
    expected: "Denied",
    source: [SOURCES.cloudFrontOac, SOURCES.confusedDeputy],
  },
  {
    id: "AZ-DLV-6",
    request: "CloudFront fetches the maintenance page over plain HTTP",
    stacks: ["prod"],
    principal: CLOUDFRONT,
    action: "s3:GetObject",
    resource: MAINTENANCE_PAGE,
    context: { "aws:SourceArn": arnOf("the distribution's ARN", distribution), "aws:SourceAccount": ACCOUNT, "aws:SecureTransport": "false" },
    expected: "ExplicitlyDenied",
    source: [SOURCES.s3Tls],
  },
  {
    id: "AZ-DLV-7",
    request: "WAF log delivery writes web ACL logs into the WAF log group",
    stacks: ["prod", "prod-dr"],
    principal: LOG_DELIVERY,
    action: "logs:PutLogEvents",
    resource: sym("<WAF log group ARN>:log-stream:<stream>", (s) => `${s.world.attribute(wafLogGroup(s), "arn")}:log-stream:${s.region}_web-acl_0`),
    context: { "aws:SourceAccount": ACCOUNT, "aws:SourceArn": sym("arn:aws:logs:<region>:<account>:*", (s) => `arn:aws:logs:${s.region}:${s.account}:*`) },
    expected: "Allowed",
    source: [SOURCES.wafLogs, SOURCES.logsVended],
  },
];
