/**
 * Egress through the S3 gateway endpoint: same-region S3 traffic of the app tier takes it (its prefix-list route is
 * more specific than the NAT route), so its policy decides where data may go, whatever the credentials.
 */
import { OTHER_ACCOUNT, anonymous, sym, type AuthorizationRow } from "../row";
import type { Scope } from "../row";
import { accessLogBucket, launchTemplate } from "../selectors";
import type { Located } from "../world";
import { DEPLOYER } from "./principals";
import { SOURCES } from "./sources";

/** The S3 gateway endpoint serving the app tier's route tables (the site's own). */
function s3Endpoint(s: Scope): Located {
  launchTemplate(s); // the app tier exists in this stack
  const found = s.resources("aws_vpc_endpoint").filter((e) => String(e.values.service_name).endsWith(".s3") && e.values.vpc_endpoint_type === "Gateway");
  if (found.length !== 1) throw new Error(`${s.stackId}: expected one S3 gateway endpoint, found ${found.length}`);
  return found[0];
}

const FOREIGN_OBJECT = sym("arn:aws:s3:::exfiltration-bucket/phi.csv (a bucket of another account)", () => "arn:aws:s3:::exfiltration-bucket/phi.csv");

export const EGRESS_ROWS: readonly AuthorizationRow[] = [
  {
    id: "AZ-EGR-1",
    request: "Stolen administrator credentials on an app instance upload PHI to another account's bucket through the S3 endpoint",
    stacks: ["dev", "prod", "prod-dr"],
    principal: DEPLOYER,
    action: "s3:PutObject",
    resource: FOREIGN_OBJECT,
    resourceAccount: OTHER_ACCOUNT,
    context: { "aws:ResourceAccount": OTHER_ACCOUNT },
    // The attacker's bucket welcomes anything: only the endpoint policy stands in the way.
    resourcePolicy: () => ({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: "*", Action: "s3:PutObject", Resource: "arn:aws:s3:::exfiltration-bucket/*" }] }),
    throughEndpoint: s3Endpoint,
    expected: "Denied",
    source: [SOURCES.endpointPolicies, SOURCES.resourceAccount],
    why: "Egress to the internet stays open for packages; the endpoint is where same-region exfiltration to S3 can be stopped.",
  },
  {
    id: "AZ-EGR-2",
    request: "The same credentials read a bucket of this account through the endpoint (the endpoint is no blanket deny)",
    stacks: ["dev", "prod", "prod-dr"],
    principal: DEPLOYER,
    action: "s3:GetObject",
    resource: sym("<load balancer access-log bucket ARN>/alb/x.log.gz", (s) => `${s.world.attribute(accessLogBucket(s), "arn")}/alb/x.log.gz`),
    context: { "aws:ResourceAccount": sym("<account>", (s) => s.account) },
    throughEndpoint: s3Endpoint,
    expected: "Allowed",
    source: [SOURCES.endpointPolicies],
  },
  {
    id: "AZ-EGR-3",
    request: "dnf on an app instance reads the Amazon Linux 2023 repositories through the S3 endpoint, unsigned",
    stacks: ["dev", "prod", "prod-dr"],
    principal: anonymous("dnf on an app instance (an unsigned request)"),
    action: "s3:GetObject",
    resource: sym("arn:aws:s3:::al2023-repos-<region>-de612dc2/<package>", (s) => `arn:aws:s3:::al2023-repos-${s.region}-de612dc2/core/guids/x.rpm`),
    resourceAccount: sym("<AWS-owned account>", () => "137112412989"),
    context: { "aws:ResourceAccount": "137112412989" },
    resourcePolicy: (s) => ({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: `arn:aws:s3:::al2023-repos-${s.region}-de612dc2/*` }] }),
    throughEndpoint: s3Endpoint,
    expected: "Allowed",
    source: [SOURCES.al2023S3Repos],
  },
];
