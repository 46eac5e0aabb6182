/**
 * Every guardrail rule, paired: compliant on the synthesized stacks of the committed configuration, and refusing synth
 * (its id in the error) when a stack is built with props that break it. Non-compliant cases build resources with bad
 * props through the real App and aspect, never by editing JSON.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App, Aspects, TerraformStack, Testing } from "cdktf";
import { AutoscalingGroup, type AutoscalingGroupConfig } from "@cdktf/provider-aws/lib/autoscaling-group";
import { BackupPlan } from "@cdktf/provider-aws/lib/backup-plan";
import { BackupVault } from "@cdktf/provider-aws/lib/backup-vault";
import { BackupVaultPolicy } from "@cdktf/provider-aws/lib/backup-vault-policy";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { DbInstance, type DbInstanceConfig } from "@cdktf/provider-aws/lib/db-instance";
import { DbInstanceAutomatedBackupsReplication } from "@cdktf/provider-aws/lib/db-instance-automated-backups-replication";
import { Cloudtrail } from "@cdktf/provider-aws/lib/cloudtrail";
import { GuarddutyDetector } from "@cdktf/provider-aws/lib/guardduty-detector";
import { AUDIT_STACK_ID } from "../../../constructs/audit/audit-stack";
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
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { EfsFileSystemPolicy } from "@cdktf/provider-aws/lib/efs-file-system-policy";
import { BackupSelection } from "@cdktf/provider-aws/lib/backup-selection";
import { FlowLog } from "@cdktf/provider-aws/lib/flow-log";
import { VpcEndpoint } from "@cdktf/provider-aws/lib/vpc-endpoint";
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
import { SUPPRESSIONS } from "../../../constructs/policy/suppressions";
import { StackView } from "../../../constructs/policy/rule";
import { STATE_STACK_ID } from "../../../terraform-state-backend/state-backend-stack";
import { readAnnotations, synthOrRefusals } from "../../../synth-output";
import { readStackJson, synthApp } from "../../support/synth";

/** Builds `build` into a prod-tagged stack and reads it back as the rules see it (no guardrails run). */
function breakerView(build: (stack: TerraformStack) => void): StackView {
  const app = Testing.app();
  const stack = new TerraformStack(app, "probe");
  new AwsProvider(stack, "aws", { region: "us-east-2", defaultTags: [{ tags: { Environment: "prod" } }] });
  build(stack);
  return new StackView("probe", JSON.parse(Testing.synth(stack)));
}

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

/** A TLS-only resource policy document (the statement every bucket and file-system policy carries). */
const tlsOnly = (stack: TerraformStack, id: string, action: string, resource: string) =>
  new DataAwsIamPolicyDocument(stack, id, {
    statement: [{ effect: "Deny", principals: [{ type: "*", identifiers: ["*"] }], actions: [action], resources: [resource], condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }] }],
  });

/**
 * A bucket with everything the S3 rules ask for except `missing`: each S3 rule's case breaks that rule alone, so it
 * shows the rule judging its own part (versioning, encryption, the public-access block, ownership, the TLS policy).
 */
function bucketWithout(stack: TerraformStack, missing: "versioning" | "encryption" | "public-access-block" | "ownership" | "tls-policy"): void {
  const bucket = new S3Bucket(stack, "bucket", { bucket: "b" });
  if (missing !== "versioning") new S3BucketVersioningA(stack, "versioning", { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } });
  if (missing !== "encryption") {
    new S3BucketServerSideEncryptionConfigurationA(stack, "encryption", { bucket: bucket.id, rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: "arn:key" } }] });
  }
  if (missing !== "public-access-block") {
    new S3BucketPublicAccessBlock(stack, "public-access-block", { bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true });
  }
  if (missing !== "ownership") new S3BucketOwnershipControls(stack, "ownership", { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } });
  if (missing !== "tls-policy") new S3BucketPolicy(stack, "policy", { bucket: bucket.id, policy: tlsOnly(stack, "policy-document", "s3:*", `${bucket.arn}/*`).json });
}

/** A file system with everything the EFS rules ask for except `missing`. */
function fileSystemWithout(stack: TerraformStack, missing: "customer-key" | "tls-policy" | "mount-target-per-az" | "backup-selection"): void {
  const fs = new EfsFileSystem(stack, "fs", { encrypted: true, kmsKeyId: missing === "customer-key" ? undefined : "arn:key" });
  if (missing !== "tls-policy") new EfsFileSystemPolicy(stack, "fs-policy", { fileSystemId: fs.id, policy: tlsOnly(stack, "fs-policy-document", "*", fs.arn).json });
  const v = vpc(stack);
  const a = subnet(stack, "app-a", v, "us-east-2a", "private-app", "10.0.0.0/24");
  const b = subnet(stack, "app-b", v, "us-east-2b", "private-app", "10.0.1.0/24");
  new EfsMountTarget(stack, "mount-a", { fileSystemId: fs.id, subnetId: a.id });
  if (missing !== "mount-target-per-az") new EfsMountTarget(stack, "mount-b", { fileSystemId: fs.id, subnetId: b.id });
  if (missing !== "backup-selection") new BackupSelection(stack, "selection", { name: "s", planId: "plan-1", iamRoleArn: "arn:role", resources: [fs.arn] });
}

/** A VPC with everything the VPC-wide rules ask for except `missing`: flow logs, a closed default group, endpoints. */
function vpcWithout(stack: TerraformStack, missing: "flow-log" | "default-sg-closed" | "interface-endpoints"): void {
  const v = vpc(stack);
  if (missing !== "flow-log") new FlowLog(stack, "flow-log", { vpcId: v.id, trafficType: "ALL", logDestination: "arn:logs", iamRoleArn: "arn:role" });
  new DefaultSecurityGroup(stack, "default", { vpcId: v.id, ingress: missing === "default-sg-closed" ? [{ fromPort: 0, toPort: 0, protocol: "-1", selfAttribute: true }] : [], egress: [] });
  if (missing !== "interface-endpoints") {
    for (const service of ["ssm", "ssmmessages", "ec2messages", "logs"]) {
      new VpcEndpoint(stack, `endpoint-${service}`, { vpcId: v.id, serviceName: `com.amazonaws.us-east-2.${service}`, vpcEndpointType: "Interface" });
    }
  }
}

/**
 * Rules that judge different parts of the same resources: each one's case must break it alone (a bare bucket broke
 * all five S3 rules at once, so no case showed which rule judged what).
 */
const ISOLATED_FAMILIES: readonly (readonly string[])[] = [
  ["MH-S3-1", "MH-S3-2", "MH-S3-3", "MH-S3-4", "MH-S3-5"],
  ["MH-EFS-1", "MH-EFS-2", "MH-EFS-3", "MH-EFS-4"],
  ["MH-NET-6", "MH-NET-7", "MH-NET-10"],
  ["MH-DDB-1", "MH-DDB-2"],
];

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
  "MH-NET-6": (s) => vpcWithout(s, "flow-log"),
  "MH-NET-7": (s) => vpcWithout(s, "default-sg-closed"),
  "MH-NET-8": (s) =>
    new VpcSecurityGroupIngressRule(s, "ssh", { securityGroupId: "sg-1", ipProtocol: "tcp", fromPort: 22, toPort: 22, cidrIpv4: "0.0.0.0/0", description: "SSH from anywhere, for testing" }),
  "MH-NET-9": (s) => new SecurityGroup(s, "sg", { vpcId: "vpc-1", description: "x" }),
  "MH-NET-10": (s) => vpcWithout(s, "interface-endpoints"),
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
  "MH-EFS-1": (s) => fileSystemWithout(s, "customer-key"),
  "MH-EFS-2": (s) => fileSystemWithout(s, "tls-policy"),
  "MH-EFS-3": (s) => fileSystemWithout(s, "mount-target-per-az"),
  "MH-EFS-4": (s) => fileSystemWithout(s, "backup-selection"),
  "MH-S3-1": (s) => bucketWithout(s, "versioning"),
  "MH-S3-2": (s) => bucketWithout(s, "encryption"),
  "MH-S3-3": (s) => bucketWithout(s, "public-access-block"),
  "MH-S3-4": (s) => bucketWithout(s, "ownership"),
  "MH-S3-5": (s) => bucketWithout(s, "tls-policy"),
  "MH-DDB-1": (s) => new DynamodbTable(s, "table", { name: "t", hashKey: "LockID", attribute: [{ name: "LockID", type: "S" }], serverSideEncryption: { enabled: true, kmsKeyArn: "arn:key" }, deletionProtectionEnabled: true }),
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
  // Replicated to another region, but under a key of the primary region: lost with it, and RDS cannot use it there.
  "MH-DR-1": (s) => {
    const db = database(s, {});
    const recovery = new AwsProvider(s, "aws-recovery", { region: "us-west-2", alias: "recovery" });
    const key = new KmsKey(s, "key", { enableKeyRotation: true, lifecycle: { preventDestroy: true } });
    new DbInstanceAutomatedBackupsReplication(s, "copy", { provider: recovery, sourceDbInstanceArn: db.arn, kmsKeyId: key.arn });
  },
  // A cross-region read replica of a source whose master password RDS manages: AWS refuses to create it.
  "MH-DR-2": (s) => replicaOf(s, database(s, {})),
  // A single-region trail without log file validation.
  "MH-AUD-1": (s) => {
    const key = new KmsKey(s, "key", { enableKeyRotation: true, lifecycle: { preventDestroy: true } });
    new Cloudtrail(s, "trail", { name: "t", s3BucketName: "b", isMultiRegionTrail: false, enableLogFileValidation: false, kmsKeyId: key.arn });
  },
  // The trail's bucket has no Object Lock: whoever the log files incriminate can delete them.
  "MH-AUD-2": (s) => {
    const bucket = new S3Bucket(s, "bucket", { bucket: "trail-bucket" });
    new Cloudtrail(s, "trail", { name: "t", s3BucketName: bucket.id, isMultiRegionTrail: true, enableLogFileValidation: true });
  },
  // A detector whose findings go nowhere.
  "MH-AUD-3": (s) => new GuarddutyDetector(s, "detector", { enable: true }),
  "MH-KMS-1": (s) => new KmsKey(s, "key", { enableKeyRotation: false, lifecycle: { preventDestroy: true } }),
  "MH-KMS-2": (s) => new KmsKey(s, "key", { enableKeyRotation: true }),
};

/** An encrypted read replica of `source` in us-west-2, under a key there. */
function replicaOf(stack: TerraformStack, source: DbInstance): void {
  const recovery = new AwsProvider(stack, "aws-recovery", { region: "us-west-2", alias: "recovery" });
  const key = new KmsKey(stack, "replica-key", { provider: recovery, enableKeyRotation: true, lifecycle: { preventDestroy: true } });
  new DbInstance(stack, "replica", { provider: recovery, instanceClass: "db.t4g.micro", replicateSourceDb: source.arn, multiAz: true, storageEncrypted: true, kmsKeyId: key.arn });
}

/**
 * The compliant case of each rule that the committed configuration gives nothing to judge: the rule finds it
 * compliant, built through props like the non-compliant cases.
 */
const COMPLIANT_CASES: Record<string, (stack: TerraformStack) => void> = {
  // Prod restores its database at failover (recovery.database "restore"): no replica. A replica of a source whose
  // master password is not RDS-managed is one AWS supports.
  "MH-DR-2": (s) => replicaOf(s, database(s, { manageMasterUserPassword: undefined, username: "postgres", password: "not-a-real-password" })),
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
  test("is satisfied by the committed configuration (prod, or the state or audit stack for its resources)", () => {
    const result = synthApp();
    const views = [environmentStackId("prod"), STATE_STACK_ID, AUDIT_STACK_ID].map((stack) => new StackView(stack, readStackJson(result, stack)));
    const findings = views.flatMap((view) => rule.evaluate(view));
    expect(findings.filter((f) => f.status === "non-compliant")).toEqual([]);
    if (COMPLIANT_CASES[id]) {
      // Nothing to judge there; the compliant case is built below.
      expect(findings.map((f) => f.status)).toEqual(views.map(() => "not-applicable"));
    } else {
      expect(findings.some((f) => f.status === "compliant")).toBe(true);
    }
  });

  if (COMPLIANT_CASES[id]) {
    test("finds its compliant case compliant", () => {
      const findings = rule.evaluate(breakerView(COMPLIANT_CASES[id]));
      expect(findings.map((f) => f.status)).toEqual(["compliant"]);
    });
  }

  const family = ISOLATED_FAMILIES.find((ids) => ids.includes(id));
  if (family) {
    test("its non-compliant case breaks it and no other rule judging the same resources: the case isolates the rule", () => {
      const view = breakerView(BREAKERS[id]);
      const broken = POLICY_RULES.filter((other) => family.includes(other.id) && other.evaluate(view).some((f) => f.status === "non-compliant")).map((r) => r.id);
      expect(broken).toEqual([id]);
    });
  }

  test("is satisfied by dev's committed configuration too, or its findings there are accepted suppressions", () => {
    const view = new StackView(environmentStackId("dev"), readStackJson(synthApp(), environmentStackId("dev")));
    const failing = rule.evaluate(view).filter((f) => f.status === "non-compliant");
    const accepted = (SUPPRESSIONS.dev ?? []).filter((s) => s.rule === id);
    for (const finding of failing) expect({ finding: finding.address, accepted: accepted.some((s) => !s.address || s.address === finding.address) }).toEqual({ finding: finding.address, accepted: true });
  });

  test(`${rule.severity === "error" ? "refuses synth" : "warns"} when a stack breaks it, naming the rule`, () => {
    const { errors, warnings } = guardrailOutput(BREAKERS[id]);
    const reported = rule.severity === "error" ? errors : warnings;
    expect(reported).toEqual(expect.arrayContaining([expect.stringContaining(`${id} `)]));
  });
});
