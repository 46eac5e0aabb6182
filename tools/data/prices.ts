/**
 * Unit prices for the cost estimate: on-demand list prices in USD for us-east-1 (N. Virginia), the reference region
 * of AWS's pricing pages, named in each row's `source`. The environments run in us-east-2, whose list prices for these
 * items matched us-east-1's when recorded. They were recorded on PRICES_AS_OF from the published list prices known to
 * the team, without an online re-check (this project's build machines have no internet access): verify them against
 * the pages before budgeting, then update the rows and the date together. An order of magnitude, not a quote.
 */
export const PRICES_AS_OF = "2026-11-26";
export const PRICES_REGION = "us-east-1";
export const PRICES_SOURCE = "AWS public on-demand list prices, us-east-1, per the pricing page of each row (recorded without an online re-check)";

export const HOURS_PER_MONTH = 730;

export interface UnitPrice {
  readonly usd: number;
  readonly unit: string;
  readonly source: string;
}

export const PRICES = {
  ec2: {
    "t3.small": { usd: 0.0208, unit: "instance-hour", source: "aws.amazon.com/ec2/pricing/on-demand" },
    "t3.medium": { usd: 0.0416, unit: "instance-hour", source: "aws.amazon.com/ec2/pricing/on-demand" },
    "t3.large": { usd: 0.0832, unit: "instance-hour", source: "aws.amazon.com/ec2/pricing/on-demand" },
  },
  ebsGp3: { usd: 0.08, unit: "GB-month", source: "aws.amazon.com/ebs/pricing" },
  rds: {
    "db.t4g.medium": { usd: 0.065, unit: "instance-hour (Single-AZ; Multi-AZ pays two)", source: "aws.amazon.com/rds/postgresql/pricing" },
    "db.m6g.large": { usd: 0.152, unit: "instance-hour (Single-AZ; Multi-AZ pays two)", source: "aws.amazon.com/rds/postgresql/pricing" },
  },
  rdsGp3: { usd: 0.115, unit: "GB-month (Single-AZ; Multi-AZ pays two)", source: "aws.amazon.com/rds/postgresql/pricing" },
  natGateway: { usd: 0.045, unit: "gateway-hour", source: "aws.amazon.com/vpc/pricing" },
  natData: { usd: 0.045, unit: "GB processed", source: "aws.amazon.com/vpc/pricing" },
  interfaceEndpoint: { usd: 0.01, unit: "endpoint-AZ-hour", source: "aws.amazon.com/privatelink/pricing" },
  alb: { usd: 0.0225, unit: "load-balancer-hour", source: "aws.amazon.com/elasticloadbalancing/pricing" },
  albLcu: { usd: 0.008, unit: "LCU-hour", source: "aws.amazon.com/elasticloadbalancing/pricing" },
  efs: { usd: 0.3, unit: "GB-month (Standard)", source: "aws.amazon.com/efs/pricing" },
  kmsKey: { usd: 1, unit: "key-month", source: "aws.amazon.com/kms/pricing" },
  cloudwatchAlarm: { usd: 0.1, unit: "standard alarm-month", source: "aws.amazon.com/cloudwatch/pricing" },
  cloudwatchDashboard: { usd: 3, unit: "dashboard-month", source: "aws.amazon.com/cloudwatch/pricing" },
  cloudwatchLogs: { usd: 0.5, unit: "GB ingested", source: "aws.amazon.com/cloudwatch/pricing" },
  route53Zone: { usd: 0.5, unit: "hosted-zone-month", source: "aws.amazon.com/route53/pricing" },
  route53HealthCheck: { usd: 2.75, unit: "HTTPS health check-month with fast interval and latency (AWS endpoint)", source: "aws.amazon.com/route53/pricing" },
  wafWebAcl: { usd: 5, unit: "web ACL-month", source: "aws.amazon.com/waf/pricing" },
  wafRule: { usd: 1, unit: "rule-month", source: "aws.amazon.com/waf/pricing" },
  backupStorage: { usd: 0.05, unit: "GB-month (warm)", source: "aws.amazon.com/backup/pricing" },
  rdsBackupStorage: { usd: 0.095, unit: "GB-month (backup storage beyond the free allowance)", source: "aws.amazon.com/rds/postgresql/pricing" },
  cloudtrailDataEvents: { usd: 0.000001, unit: "data event recorded ($0.10 per 100,000)", source: "aws.amazon.com/cloudtrail/pricing" },
  guardDutyEvents: { usd: 0.000004, unit: "CloudTrail management event analyzed ($4.00 per million)", source: "aws.amazon.com/guardduty/pricing" },
  guardDutyLogs: { usd: 1, unit: "GB of VPC flow and DNS logs analyzed (first 500 GB)", source: "aws.amazon.com/guardduty/pricing" },
  configItems: { usd: 0.003, unit: "configuration item recorded", source: "aws.amazon.com/config/pricing" },
  securityHubChecks: { usd: 0.001, unit: "security check (first 100,000 a month)", source: "aws.amazon.com/security-hub/pricing" },
  interRegionTransfer: { usd: 0.02, unit: "GB transferred to another region", source: "aws.amazon.com/ec2/pricing/on-demand (data transfer)" },
  syntheticsRun: { usd: 0.0012, unit: "canary run", source: "aws.amazon.com/cloudwatch/pricing" },
} as const;

/** Usage the estimate cannot read from the Terraform: stated, and printed with the result. */
export const USAGE_ASSUMPTIONS = {
  natGbPerMonth: 100,
  albLcusAverage: 1,
  efsGb: 50,
  logsGbPerMonth: 20,
  backupGb: 200,
  /** The audit stack's month (constructs/audit/): S3 object calls recorded, management events, logs GuardDuty reads. */
  s3DataEventsPerMonth: 1_000_000,
  managementEventsPerMonth: 500_000,
  guardDutyLogGbPerMonth: 20,
  configItemsPerMonth: 5_000,
  securityHubChecksPerMonth: 20_000,
  /** Changed data the recovery region receives each month (database logs and file changes). */
  replicatedGbPerMonth: 50,
} as const;
