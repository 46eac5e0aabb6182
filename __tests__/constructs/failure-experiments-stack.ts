/**
 * A small stack holding FailureExperiments and just what it points at (a VPC with three app subnets, two alarms, a
 * key), synthesized the way the App writes it, for the region-isolation tests: the environment stack builds the
 * template only when it is given a recovery region.
 */
import { Testing, TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { FailureExperiments, type FailureExperimentsProps } from "../../constructs/failure-experiments";
import { projectTags } from "../../constructs/naming";
import type { TerraformJson } from "../support/synth";

export const FIXTURE = {
  /** Ends in -prod: the authorization rows' `prod` stack. */
  stackId: "fixture-prod",
  environment: "prod",
  accountId: "123456789012",
  region: "us-east-2",
  recoveryRegion: "us-west-2",
  availabilityZones: ["us-east-2a", "us-east-2b", "us-east-2c"],
  stopAlarmNames: ["medicare-hub-prod-alb-5xx-rate", "medicare-hub-prod-target-5xx-rate"],
  networkDisruptionMinutes: 7,
} as const;

export type CrossRegionOption = "app-subnets" | "none" | ((subnetArns: string[]) => FailureExperimentsProps["crossRegion"]);

/** The stack's JSON, with `crossRegion` the three app subnets and the recovery region unless told otherwise. */
export function synthExperiments(crossRegion: CrossRegionOption = "app-subnets"): TerraformJson {
  const stack = new TerraformStack(Testing.app(), FIXTURE.stackId);
  new AwsProvider(stack, "aws", { region: FIXTURE.region, allowedAccountIds: [FIXTURE.accountId], defaultTags: [{ tags: { ...projectTags(FIXTURE.environment, "cc") } }] });
  const vpc = new Vpc(stack, "vpc", { cidrBlock: "10.20.0.0/16" });
  const subnets = FIXTURE.availabilityZones.map((az, i) => new Subnet(stack, `app-${az}`, { vpcId: vpc.id, availabilityZone: az, cidrBlock: `10.20.${i}.0/24` }));
  const alarms = FIXTURE.stopAlarmNames.map(
    (alarmName) => new CloudwatchMetricAlarm(stack, alarmName, { alarmName, comparisonOperator: "GreaterThanThreshold", evaluationPeriods: 1, threshold: 1, metricName: "m", namespace: "n", period: 60, statistic: "Sum" }),
  );
  const arns = subnets.map((s) => s.arn);
  new FailureExperiments(stack, "failure-experiments", {
    environment: FIXTURE.environment,
    accountId: FIXTURE.accountId,
    region: FIXTURE.region,
    partition: "aws",
    autoScalingGroupName: "medicare-hub-prod-app",
    targetAvailabilityZone: FIXTURE.availabilityZones[0],
    targetSubnetArn: arns[0],
    vpcArn: vpc.arn,
    databaseArn: `arn:aws:rds:${FIXTURE.region}:${FIXTURE.accountId}:db:medicare-hub-prod-db`,
    stopAlarmArns: alarms.map((a) => a.arn),
    networkDisruptionMinutes: FIXTURE.networkDisruptionMinutes,
    logKey: new KmsKey(stack, "key", {}),
    logRetentionDays: 30,
    crossRegion: crossRegion === "none" ? undefined : crossRegion === "app-subnets" ? { region: FIXTURE.recoveryRegion, subnetArns: arns } : crossRegion(arns),
  });
  return JSON.parse(Testing.synth(stack)) as TerraformJson;
}
