/**
 * Concrete values for the `${type.name.attribute}` interpolations policies contain. Every value is derived from the
 * referenced resource's own synthesized attributes (or, for ids AWS generates, from `<stack>-<resource name>`), so a
 * resource renders to the same ARN in every document that names it. There is deliberately no fallback: a type or an
 * attribute missing here fails the render with the expression and where it was found.
 */

/** What a resolver knows about the referenced resource. */
export interface ReferenceContext {
  readonly stackId: string;
  /** Terraform name of the resource (`encryption_storage-key`). */
  readonly name: string;
  readonly values: Record<string, any>;
  /** Account and region of the provider the resource is created with. */
  readonly account: string;
  readonly region: string;
  /** Renders a string attribute's own interpolations (a log group named after a function Synthetics creates). */
  readonly render: (text: string) => string;
}

type Resolver = (c: ReferenceContext) => string;

/**
 * Account of the Elastic Load Balancing log-delivery principal per region, as `data.aws_elb_service_account` returns
 * it. Source: "Enable access logs for your Application Load Balancer" (Elastic Load Balancing User Guide,
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html), regions available
 * before August 2022. Newer regions use a service principal instead and are refused here.
 */
export const ELB_LOG_DELIVERY_ACCOUNTS: Readonly<Record<string, string>> = {
  "us-east-1": "127311923021",
  "us-east-2": "033677994240",
  "us-west-1": "027434742980",
  "us-west-2": "797873946194",
  "eu-west-1": "156460612806",
  "eu-central-1": "054676820928",
};

function attribute(c: ReferenceContext, key: string): string {
  const value = c.values[key];
  // A name built from another resource's attribute: rendered from that resource, as AWS would have named it.
  if (typeof value === "string" && value.includes("${")) return c.render(value);
  if (typeof value !== "string" || value.length === 0) {
    throw new Error(`${c.stackId}: ${c.name} has no literal "${key}" (got ${JSON.stringify(value)}); its ARN cannot be derived`);
  }
  return value;
}

/** An id AWS would generate, made stable and readable. */
const generatedId = (prefix: string) => (c: ReferenceContext) => `${prefix}${c.stackId}-${c.name}`;

const roleArn: Resolver = (c) => `arn:aws:iam::${c.account}:role${c.values.path ?? "/"}${attribute(c, "name")}`;
const logGroupArn: Resolver = (c) => `arn:aws:logs:${c.region}:${c.account}:log-group:${attribute(c, "name")}`;
const bucketName: Resolver = (c) => attribute(c, "bucket");

export const RESOLVERS: Readonly<Record<string, Readonly<Record<string, Resolver>>>> = {
  "data.aws_partition": { partition: () => "aws", dns_suffix: () => "amazonaws.com" },
  "data.aws_caller_identity": { account_id: (c) => c.account },
  "data.aws_region": { name: (c) => c.region },
  "data.aws_elb_service_account": {
    arn: (c) => {
      const account = ELB_LOG_DELIVERY_ACCOUNTS[c.region];
      if (!account) throw new Error(`no Elastic Load Balancing log-delivery account known for ${c.region}`);
      return `arn:aws:iam::${account}:root`;
    },
  },
  aws_kms_key: { arn: (c) => `arn:aws:kms:${c.region}:${c.account}:key/${c.stackId}-${c.name}`, key_id: (c) => `${c.stackId}-${c.name}` },
  aws_iam_role: { arn: roleArn, name: (c) => attribute(c, "name"), id: (c) => attribute(c, "name") },
  aws_cloudwatch_log_group: { arn: logGroupArn, name: (c) => attribute(c, "name"), id: (c) => attribute(c, "name") },
  // The Lambda function Synthetics creates for a canary: `cwsyn-<canary name>-<id>`, version 1 ("Synthetics runtime
  // versions": the canary's engine).
  aws_synthetics_canary: {
    engine_arn: (c) => `arn:aws:lambda:${c.region}:${c.account}:function:cwsyn-${attribute(c, "name")}-0123abcd-4567-89ef-0123-456789abcdef:1`,
    name: (c) => attribute(c, "name"),
  },
  aws_s3_bucket: { arn: (c) => `arn:aws:s3:::${bucketName(c)}`, bucket: bucketName, id: bucketName },
  // "arn:aws:cloudtrail:<region>:<account>:trail/<name>" (CloudTrail API Reference, Trail.TrailARN).
  aws_cloudtrail: { arn: (c) => `arn:aws:cloudtrail:${c.region}:${c.account}:trail/${attribute(c, "name")}`, name: (c) => attribute(c, "name") },
  aws_sns_topic: {
    arn: (c) => `arn:aws:sns:${c.region}:${c.account}:${attribute(c, "name")}`,
    id: (c) => `arn:aws:sns:${c.region}:${c.account}:${attribute(c, "name")}`,
    name: (c) => attribute(c, "name"),
  },
  aws_efs_file_system: {
    arn: (c) => `arn:aws:elasticfilesystem:${c.region}:${c.account}:file-system/${generatedId("fs-")(c)}`,
    id: generatedId("fs-"),
  },
  // The read-only copy EFS creates in the destination region: its id is generated like any file system's, named after
  // the replication configuration (the copy has no aws_efs_file_system of its own).
  aws_efs_replication_configuration: { "destination[0].file_system_id": generatedId("fs-") },
  aws_efs_access_point: {
    arn: (c) => `arn:aws:elasticfilesystem:${c.region}:${c.account}:access-point/${generatedId("fsap-")(c)}`,
    id: generatedId("fsap-"),
  },
  aws_db_instance: {
    arn: (c) => `arn:aws:rds:${c.region}:${c.account}:db:${attribute(c, "identifier")}`,
    identifier: (c) => attribute(c, "identifier"),
    // RDS names the secret it manages `rds!db-<uuid>`; Secrets Manager appends six random characters to the ARN.
    "master_user_secret[0].secret_arn": (c) => `arn:aws:secretsmanager:${c.region}:${c.account}:secret:rds!db-${c.stackId}-${c.name}-AbCdEf`,
    // The DbiResourceId AWS assigns ("db-" and 26 upper-case characters); IAM database authentication names it.
    resource_id: generatedId("db-"),
  },
  aws_cloudfront_distribution: { arn: (c) => `arn:aws:cloudfront::${c.account}:distribution/${generatedId("E")(c)}`, id: generatedId("E") },
  aws_autoscaling_group: { name: (c) => attribute(c, "name") },
  aws_subnet: { arn: (c) => `arn:aws:ec2:${c.region}:${c.account}:subnet/${generatedId("subnet-")(c)}`, id: generatedId("subnet-") },
  aws_vpc: { arn: (c) => `arn:aws:ec2:${c.region}:${c.account}:vpc/${generatedId("vpc-")(c)}`, id: generatedId("vpc-") },
  aws_flow_log: { arn: (c) => `arn:aws:ec2:${c.region}:${c.account}:vpc-flow-log/${generatedId("fl-")(c)}`, id: generatedId("fl-") },
  aws_cloudwatch_event_rule: {
    arn: (c) => {
      const bus = c.values.event_bus_name && c.values.event_bus_name !== "default" ? `${attribute(c, "event_bus_name")}/` : "";
      return `arn:aws:events:${c.region}:${c.account}:rule/${bus}${attribute(c, "name")}`;
    },
    name: (c) => attribute(c, "name"),
  },
  aws_cloudwatch_metric_alarm: { arn: (c) => `arn:aws:cloudwatch:${c.region}:${c.account}:alarm:${attribute(c, "alarm_name")}` },
};

/** The value of one reference, or an error naming what is missing. */
export function resolveAttribute(type: string, attributePath: string, context: ReferenceContext): string {
  const resolver = RESOLVERS[type]?.[attributePath];
  if (!resolver) {
    throw new Error(
      `cannot render \${${type}.${context.name}.${attributePath}} (${context.stackId}): no resolver for ${type}.${attributePath}; ` +
        "add one to __tests__/authorization/references.ts that derives it from the resource's synthesized attributes",
    );
  }
  return resolver(context);
}
