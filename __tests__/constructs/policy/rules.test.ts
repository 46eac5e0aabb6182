/**
 * Every guardrail rule, paired: compliant on the synthesized stacks of the committed configuration, and refusing synth
 * (its id in the error) when a stack is built with props that break it. Non-compliant cases build resources with bad
 * props through the real App and aspect, never by editing JSON.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App, Aspects, TerraformStack } from "cdktf";
import { AutoscalingGroup, type AutoscalingGroupConfig } from "@cdktf/provider-aws/lib/autoscaling-group";
import { BackupPlan } from "@cdktf/provider-aws/lib/backup-plan";
import { BackupVault } from "@cdktf/provider-aws/lib/backup-vault";
import { BackupVaultPolicy } from "@cdktf/provider-aws/lib/backup-vault-policy";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { DbInstance, type DbInstanceConfig } from "@cdktf/provider-aws/lib/db-instance";
import { DefaultSecurityGroup } from "@cdktf/provider-aws/lib/default-security-group";
import { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";
import { EfsFileSystem } from "@cdktf/provider-aws/lib/efs-file-system";
import { EfsMountTarget } from "@cdktf/provider-aws/lib/efs-mount-target";
import { InternetGateway } from "@cdktf/provider-aws/lib/internet-gateway";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { LaunchTemplate, type LaunchTemplateConfig } from "@cdktf/provider-aws/lib/launch-template";
import { Lb, type LbConfig } from "@cdktf/provider-aws/lib/lb";
import { LbListener } from "@cdktf/provider-aws/lib/lb-listener";
import { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Route } from "@cdktf/provider-aws/lib/route";
import { RouteTable } from "@cdktf/provider-aws/lib/route-table";
import { RouteTableAssociation } from "@cdktf/provider-aws/lib/route-table-association";
import { Route53HealthCheck } from "@cdktf/provider-aws/lib/route53-health-check";
import { Route53Record } from "@cdktf/provider-aws/lib/route53-record";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { SyntheticsCanary } from "@cdktf/provider-aws/lib/synthetics-canary";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { environmentStackId } from "../../../constructs/medicare-hub-stack";
import { Network } from "../../../constructs/network";
import { PolicyAspect } from "../../../constructs/policy/aspect";
import { POLICY_RULES } from "../../../constructs/policy/pack";
import { StackView } from "../../../constructs/policy/rule";
import { STATE_STACK_ID } from "../../../terraform-state-backend/state-backend-stack";
import { readAnnotations, synthOrRefusals } from "../../../synth-output";
import { readStackJson, synthApp } from "../../support/synth";

/** Builds `build` into a prod-tagged stack, synthesizes it through the guardrails, returns errors and warnings. */
function guardrailOutput(build: (stack: TerraformStack) => void, environment = "prod"): { errors: string[]; warnings: string[] } {
  const outdir = join(mkdtempSync(join(tmpdir(), "medicare-hub-rule-")), "out");
  const app = new App({ outdir, stackTraces: false });
  const stack = new TerraformStack(app, "probe");
  new AwsProvider(stack, "aws", { region: "us-east-2", defaultTags: [{ tags: { Environment: environment } }] });
  build(stack);
  Aspects.of(stack).add(new PolicyAspect({}));
  const errors = synthOrRefusals(() => app.synth());
  const warnings = errors.length > 0 ? [] : readAnnotations(outdir).filter((a) => a.level === "warning").map((a) => a.message);
  return { errors, warnings };
}

const vpc = (stack: TerraformStack, props: Partial<ConstructorParameters<typeof Vpc>[2]> = {}) =>
  new Vpc(stack, "vpc", { cidrBlock: "10.0.0.0/16", enableDnsSupport: true, enableDnsHostnames: true, ...props });
const subnet = (stack: TerraformStack, id: string, v: Vpc, az: string, tier: string, cidr: string, props: Partial<ConstructorParameters<typeof Subnet>[2]> = {}) =>
  new Subnet(stack, id, { vpcId: v.id, availabilityZone: az, cidrBlock: cidr, tags: { Tier: tier }, ...props });
const launchTemplate = (stack: TerraformStack, props: Partial<LaunchTemplateConfig>) =>
  new LaunchTemplate(stack, "lt", {
    metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 1 },
    blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: "true", kmsKeyId: "arn:key" } }],
    networkInterfaces: [{ associatePublicIpAddress: "false" }],
    ...props,
  });
const group = (stack: TerraformStack, props: Partial<AutoscalingGroupConfig>) =>
  new AutoscalingGroup(stack, "asg", {
    minSize: 2,
    maxSize: 4,
    vpcZoneIdentifier: ["subnet-a", "subnet-b"],
    healthCheckType: "ELB",
    targetGroupArns: ["arn:tg"],
    launchTemplate: { id: "lt-1", version: "3" },
    instanceRefresh: { strategy: "Rolling", preferences: { minHealthyPercentage: 90, autoRollback: false } },
    ...props,
  });
const loadBalancer = (stack: TerraformStack, props: Partial<LbConfig> = {}) =>
  new Lb(stack, "lb", { internal: false, dropInvalidHeaderFields: true, enableDeletionProtection: true, accessLogs: { bucket: "logs", enabled: true }, ...props });
const database = (stack: TerraformStack, props: Partial<DbInstanceConfig>) =>
  new DbInstance(stack, "db", {
    instanceClass: "db.t4g.micro",
    engine: "postgres",
    multiAz: true,
    storageEncrypted: true,
    kmsKeyId: "arn:key",
    manageMasterUserPassword: true,
    backupRetentionPeriod: 14,
    deletionProtection: true,
    skipFinalSnapshot: false,
    finalSnapshotIdentifier: "final",
    publiclyAccessible: false,
    enabledCloudwatchLogsExports: ["postgresql"],
    lifecycle: { preventDestroy: true },
    ...props,
  });

/** The non-compliant case of every rule. */
const BREAKERS: Record<string, (stack: TerraformStack) => void> = {
  "MH-NET-1": (s) => vpc(s, { enableDnsHostnames: false }),
  "MH-NET-2": (s) =>
    new Network(s, "network", { environment: "prod", accountId: "1", partition: "aws", region: "us-east-2", vpcCidr: "10.0.0.0/16", availabilityZones: ["us-east-2a"], logKey: { arn: "k" }, flowLogRetentionDays: 365 }),
  "MH-NET-3": (s) =>
    new Network(s, "network", { environment: "prod", accountId: "1", partition: "aws", region: "us-east-2", vpcCidr: "10.0.0.0/16", availabilityZones: ["us-east-2a", "us-east-2b"], natGateways: "single", logKey: { arn: "k" }, flowLogRetentionDays: 365 }),
  "MH-NET-4": (s) => {
    const v = vpc(s);
    const data = subnet(s, "data", v, "us-east-2a", "private-data", "10.0.0.0/24");
    const table = new RouteTable(s, "data-routes", { vpcId: v.id });
    new RouteTableAssociation(s, "data-association", { subnetId: data.id, routeTableId: table.id });
    new Route(s, "leak", { routeTableId: table.id, destinationCidrBlock: "0.0.0.0/0", gatewayId: new InternetGateway(s, "igw", { vpcId: v.id }).id });
  },
  "MH-NET-5": (s) => subnet(s, "public", vpc(s), "us-east-2a", "public", "10.0.0.0/24", { mapPublicIpOnLaunch: true }),
  "MH-NET-6": (s) => vpc(s),
  "MH-NET-7": (s) => new DefaultSecurityGroup(s, "default", { vpcId: vpc(s).id, ingress: [{ fromPort: 0, toPort: 0, protocol: "-1", selfAttribute: true }] }),
  "MH-NET-8": (s) =>
    new VpcSecurityGroupIngressRule(s, "ssh", { securityGroupId: "sg-1", ipProtocol: "tcp", fromPort: 22, toPort: 22, cidrIpv4: "0.0.0.0/0", description: "SSH from anywhere, for testing" }),
  "MH-NET-9": (s) => new SecurityGroup(s, "sg", { vpcId: "vpc-1", description: "x" }),
  "MH-NET-10": (s) => vpc(s),
  "MH-CMP-1": (s) => launchTemplate(s, { metadataOptions: { httpTokens: "optional" } }),
  "MH-CMP-2": (s) => launchTemplate(s, { blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: "false" } }] }),
  "MH-CMP-3": (s) => launchTemplate(s, { networkInterfaces: [{ associatePublicIpAddress: "true" }] }),
  "MH-CMP-4": (s) => group(s, { healthCheckType: "EC2" }),
  "MH-CMP-5": (s) => group(s, { minSize: 1 }),
  "MH-CMP-6": (s) => group(s, { launchTemplate: { id: "lt-1", version: "$Latest" } }),
  "MH-CMP-7": (s) => group(s, { instanceRefresh: undefined }),
  "MH-CMP-8": (s) => group(s, { instanceRefresh: { strategy: "Rolling", preferences: { minHealthyPercentage: 90, autoRollback: true } } }),
  "MH-ELB-1": (s) => new LbListener(s, "http", { loadBalancerArn: loadBalancer(s).arn, port: 80, protocol: "HTTP", defaultAction: [{ type: "redirect", redirect: { protocol: "HTTPS", statusCode: "HTTP_301" } }] }),
  "MH-ELB-2": (s) => new LbListener(s, "http", { loadBalancerArn: "arn:lb", port: 80, protocol: "HTTP", defaultAction: [{ type: "forward", targetGroupArn: "arn:tg" }] }),
  "MH-ELB-3": (s) => new LbListener(s, "https", { loadBalancerArn: "arn:lb", port: 443, protocol: "HTTPS", sslPolicy: "ELBSecurityPolicy-2016-08", certificateArn: "arn:cert", defaultAction: [{ type: "forward", targetGroupArn: "arn:tg" }] }),
  "MH-ELB-4": (s) => loadBalancer(s, { dropInvalidHeaderFields: false }),
  "MH-ELB-5": (s) => loadBalancer(s, { accessLogs: undefined }),
  "MH-ELB-6": (s) => loadBalancer(s, { enableDeletionProtection: false }),
  "MH-ELB-7": (s) => loadBalancer(s),
  "MH-ELB-8": (s) => new LbTargetGroup(s, "tg", { port: 8080, protocol: "HTTP", vpcId: "vpc-1", healthCheck: { path: "/health", matcher: "200", interval: 30, unhealthyThreshold: 5 } }),
  "MH-ELB-9": (s) => new LbTargetGroup(s, "tg", { port: 8080, protocol: "HTTPS", vpcId: "vpc-1", healthCheck: { path: "/health", matcher: "200", protocol: "HTTP", interval: 10, unhealthyThreshold: 3 } }),
  "MH-RDS-1": (s) => database(s, { multiAz: false }),
  "MH-RDS-2": (s) => database(s, { storageEncrypted: false, kmsKeyId: undefined }),
  "MH-RDS-3": (s) => database(s, { manageMasterUserPassword: undefined, password: "not-a-real-password" }),
  "MH-RDS-4": (s) => database(s, { backupRetentionPeriod: 7 }),
  "MH-RDS-5": (s) => database(s, { deletionProtection: false }),
  "MH-RDS-6": (s) => database(s, { skipFinalSnapshot: true, finalSnapshotIdentifier: undefined }),
  "MH-RDS-7": (s) => database(s, { publiclyAccessible: true }),
  "MH-RDS-8": (s) => database(s, { enabledCloudwatchLogsExports: ["upgrade"] }),
  "MH-RDS-9": (s) => database(s, { lifecycle: { preventDestroy: false } }),
  "MH-RDS-10": (s) => database(s, {}),
  "MH-EFS-1": (s) => new EfsFileSystem(s, "fs", { encrypted: false }),
  "MH-EFS-2": (s) => new EfsFileSystem(s, "fs", { encrypted: true, kmsKeyId: "arn:key" }),
  "MH-EFS-3": (s) => {
    const v = vpc(s);
    const a = subnet(s, "app-a", v, "us-east-2a", "private-app", "10.0.0.0/24");
    subnet(s, "app-b", v, "us-east-2b", "private-app", "10.0.1.0/24");
    new EfsMountTarget(s, "mount-a", { fileSystemId: new EfsFileSystem(s, "fs", { encrypted: true }).id, subnetId: a.id });
  },
  "MH-EFS-4": (s) => new EfsFileSystem(s, "fs", { encrypted: true, kmsKeyId: "arn:key" }),
  "MH-S3-1": (s) => new S3Bucket(s, "bucket", { bucket: "plain" }),
  "MH-S3-2": (s) => new S3Bucket(s, "bucket", { bucket: "plain" }),
  "MH-S3-3": (s) => new S3Bucket(s, "bucket", { bucket: "plain" }),
  "MH-S3-4": (s) => new S3Bucket(s, "bucket", { bucket: "plain" }),
  "MH-S3-5": (s) => new S3Bucket(s, "bucket", { bucket: "plain" }),
  "MH-DDB-1": (s) => new DynamodbTable(s, "table", { name: "t", hashKey: "LockID", attribute: [{ name: "LockID", type: "S" }] }),
  "MH-DDB-2": (s) => new DynamodbTable(s, "table", { name: "t", hashKey: "LockID", attribute: [{ name: "LockID", type: "S" }], pointInTimeRecovery: { enabled: true } }),
  "MH-OBS-1": (s) => new CloudwatchMetricAlarm(s, "alarm", { alarmName: "a", comparisonOperator: "GreaterThanThreshold", evaluationPeriods: 1, metricName: "m", namespace: "n", period: 60, statistic: "Sum", threshold: 1 }),
  "MH-OBS-2": (s) => new CloudwatchLogGroup(s, "logs", { name: "/x", kmsKeyId: "arn:key", retentionInDays: 30 }),
  "MH-OBS-3": (s) => new CloudwatchLogGroup(s, "logs", { name: "/x", retentionInDays: 365 }),
  "MH-OBS-4": (s) => new SnsTopic(s, "topic", { name: "t" }),
  // Alerting without a heartbeat: a topic with an e-mail subscription, no scheduled rule.
  "MH-OBS-5": (s) => new SnsTopic(s, "topic", { name: "t", kmsMasterKeyId: "arn:key" }),
  // A canary that runs, but whose failures nobody is told of: no alarm on its SuccessPercent.
  "MH-OBS-6": (s) => {
    new SyntheticsCanary(s, "canary", {
      name: "mh-test-journey", executionRoleArn: "arn:role", runtimeVersion: "syn-nodejs-puppeteer-15.0", handler: "journey.handler",
      artifactS3Location: "s3://b/artifacts/", schedule: { expression: "rate(5 minutes)" }, s3Bucket: "b", s3Key: "code.zip", startCanary: true,
    });
  },
  "MH-DNS-1": (s) => new Route53HealthCheck(s, "check", { type: "HTTPS", fqdn: "example.org", port: 443, resourcePath: "/health", failureThreshold: 3, requestInterval: 10 }),
  "MH-DNS-2": (s) => {
    const lb = loadBalancer(s);
    new Route53Record(s, "aaaa", { zoneId: "Z1", name: "app.example.org", type: "AAAA", alias: { name: lb.dnsName, zoneId: lb.zoneId, evaluateTargetHealth: true } });
  },
  "MH-BKP-1": (s) => {
    database(s, { maintenanceWindow: "sun:06:00-sun:07:00", backupWindow: "03:00-03:30" });
    new BackupPlan(s, "plan", { name: "p", rule: [{ ruleName: "daily", targetVaultName: "v", schedule: "cron(30 6 * * ? *)", startWindow: 60 }] });
  },
  "MH-BKP-2": (s) => {
    new BackupVault(s, "vault", { name: "v", kmsKeyArn: "arn:key" });
  },
  "MH-BKP-3": (s) => {
    const vault = new BackupVault(s, "vault", { name: "v", kmsKeyArn: "arn:key" });
    const allowAll = new DataAwsIamPolicyDocument(s, "vault-policy-doc", {
      statement: [{ effect: "Allow", principals: [{ type: "AWS", identifiers: ["arn:aws:iam::1:root"] }], actions: ["backup:DescribeBackupVault"], resources: ["*"] }],
    });
    new BackupVaultPolicy(s, "vault-policy", { backupVaultName: vault.name, policy: allowAll.json });
  },
  "MH-KMS-3": (s) => {
    const policy = new DataAwsIamPolicyDocument(s, "policy", {
      statement: [
        { sid: "AnyoneThroughRds", effect: "Allow", principals: [{ type: "AWS", identifiers: ["*"] }], actions: ["kms:Decrypt"], resources: ["*"], condition: [{ test: "StringEquals", variable: "kms:ViaService", values: ["rds.us-east-2.amazonaws.com"] }] },
      ],
    });
    new KmsKey(s, "key", { enableKeyRotation: true, policy: policy.json, lifecycle: { preventDestroy: true } });
  },
  "MH-KMS-1": (s) => new KmsKey(s, "key", { enableKeyRotation: false, lifecycle: { preventDestroy: true } }),
  "MH-KMS-2": (s) => new KmsKey(s, "key", { enableKeyRotation: true }),
};

describe("the rule pack", () => {
  test("has at least 40 rules, with unique ids, each with a title, a standard and a fix", () => {
    expect(POLICY_RULES.length).toBeGreaterThanOrEqual(40);
    expect(new Set(POLICY_RULES.map((r) => r.id)).size).toBe(POLICY_RULES.length);
    for (const rule of POLICY_RULES) {
      expect(rule.id).toMatch(/^MH-[A-Z0-9]+-\d+$/);
      expect(rule.title.length).toBeGreaterThan(15);
      expect(rule.standard).toMatch(/FSBP|HIPAA|Well-Architected/);
      expect(rule.fix.length).toBeGreaterThan(10);
    }
  });

  test("every rule has a non-compliant case below", () => {
    expect(Object.keys(BREAKERS).sort()).toEqual(POLICY_RULES.map((r) => r.id).sort());
  });
});

describe.each(POLICY_RULES.map((rule) => [rule.id, rule] as const))("%s", (id, rule) => {
  test("is satisfied by the committed configuration (prod, or the state stack for its resources)", () => {
    const result = synthApp();
    const views = [environmentStackId("prod"), STATE_STACK_ID].map((stack) => new StackView(stack, readStackJson(result, stack)));
    const findings = views.flatMap((view) => rule.evaluate(view));
    expect(findings.filter((f) => f.status === "non-compliant")).toEqual([]);
    expect(findings.some((f) => f.status === "compliant")).toBe(true);
  });

  test(`${rule.severity === "error" ? "refuses synth" : "warns"} when a stack breaks it, naming the rule`, () => {
    const { errors, warnings } = guardrailOutput(BREAKERS[id]);
    const reported = rule.severity === "error" ? errors : warnings;
    expect(reported).toEqual(expect.arrayContaining([expect.stringContaining(`${id} `)]));
  });
});
