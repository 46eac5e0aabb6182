/**
 * The self-healing app tier of the synthesized stacks: where instances run, how they are built, who replaces them and
 * what they may do.
 */
import { Testing, TerraformStack } from "cdktf";
import { DEFAULT_CONFIG } from "../../config/environments";
import type { EnvironmentName } from "../../config/schema";
import { AppTier, amazonLinuxImage, type AppTierProps } from "../../constructs/app-tier";
import { renderUserData } from "../../constructs/app/user-data";
import { environmentStackId } from "../../constructs/medicare-hub-stack";
import { logGroupName } from "../../constructs/naming";
import { only, primaryRegion, readStackJson, refName, resourcesOf, synthApp, type SynthResult, type TerraformJson } from "../support/synth";

function policyStatements(tf: TerraformJson, policyRef: string): any[] {
  return tf.data?.aws_iam_policy_document[refName(policyRef, "data.aws_iam_policy_document")].statement;
}

describe("app tier", () => {
  let result: SynthResult;
  const stack = (env: EnvironmentName) => readStackJson(result, environmentStackId(env));

  beforeAll(() => {
    result = synthApp();
  });

  describe.each(["prod", "dev"] as const)("%s", (env) => {
    const config = DEFAULT_CONFIG.environments[env];
    let tf: TerraformJson;
    let group: any;
    let template: any;
    let templateName: string;
    beforeAll(() => {
      // The primary region's tier: prod's standby, in the recovery region, is standby.test.ts's.
      tf = primaryRegion(stack(env));
      [, group] = only(tf, "aws_autoscaling_group");
      [templateName, template] = only(tf, "aws_launch_template");
    });

    test("the Auto Scaling Group spans the private-app subnet of every AZ", () => {
      const subnets = resourcesOf(tf, "aws_subnet");
      const used = group.vpc_zone_identifier.map((id: string) => subnets[refName(id, "aws_subnet")]);
      expect(used.map((s: any) => s.tags.Tier)).toEqual(config.availabilityZones.map(() => "private-app"));
      expect(used.map((s: any) => s.availability_zone).sort()).toEqual([...config.availabilityZones].sort());
    });

    test("capacity comes from config, with at least one instance per AZ", () => {
      expect(group).toMatchObject({ min_size: config.app.minCapacity, desired_capacity: config.app.desiredCapacity, max_size: config.app.maxCapacity });
      expect(group.min_size).toBeGreaterThanOrEqual(config.availabilityZones.length);
      // Scaling policies own desired capacity once the group exists.
      expect(group.lifecycle.ignore_changes).toEqual(["desired_capacity"]);
    });

    test("instances are replaced on the load balancer's verdict, after a grace period that outlasts the bootstrap's bounded worst case", () => {
      expect(group.health_check_type).toBe("ELB");
      // The worst case, from what the instance is actually given: the deadline its user data enforces, plus the boot
      // before cloud-init runs the user data (assumed at most 60 s), plus the passing checks the target group needs to
      // call it healthy, plus one more minute of margin. Until the grace ends, failing checks do not count against it.
      const userData = Buffer.from(template.user_data, "base64").toString("utf8");
      const deadline = Number(/^export BOOTSTRAP_DEADLINE_SECONDS='(\d+)'$/m.exec(userData)?.[1]);
      expect(deadline).toBeGreaterThanOrEqual(60);
      const targetGroup = resourcesOf(tf, "aws_lb_target_group")[refName(group.target_group_arns[0], "aws_lb_target_group")];
      const checks = targetGroup.health_check.healthy_threshold * targetGroup.health_check.interval;
      expect(group.health_check_grace_period).toBeGreaterThanOrEqual(60 + deadline + checks + 60);
      // And not absurdly more: a broken new instance waits out the grace before the group replaces it.
      expect(group.health_check_grace_period).toBeLessThanOrEqual(60 + deadline + checks + 120);
      // Scaling ignores a new instance's metrics until it can serve, not longer.
      expect(group.default_instance_warmup).toBeGreaterThanOrEqual(60 + deadline + checks);
      expect(group.default_instance_warmup).toBeLessThanOrEqual(group.health_check_grace_period);
      expect(group.target_group_arns.map((arn: string) => refName(arn, "aws_lb_target_group"))).toEqual([only(tf, "aws_lb_target_group")[0]]);
    });

    test("the launch template is used by its latest version number, so a change starts an instance refresh", () => {
      expect(group.launch_template).toEqual({
        id: `\${aws_launch_template.${templateName}.id}`,
        version: `\${aws_launch_template.${templateName}.latest_version}`,
      });
      expect(group.instance_refresh).toEqual({
        strategy: "Rolling",
        preferences: expect.objectContaining({ min_healthy_percentage: expect.any(Number) }),
      });
      // AWS does not roll back to a template whose AMI is an SSM parameter alias, nor a refresh started without a
      // desired configuration (how the provider starts one): promising a rollback would be a lie.
      expect(template.image_id).toMatch(/^resolve:ssm:/);
      expect(group.instance_refresh.preferences.auto_rollback).toBe(false);
      expect(group.instance_refresh.preferences.min_healthy_percentage).toBeGreaterThanOrEqual(90);
      expect(group.instance_refresh.preferences.max_healthy_percentage).toBeGreaterThan(100);
    });

    test("on the first apply, instances launch only after their way out, their endpoints and every EFS mount target exist", () => {
      const dependsOn: string[] = group.depends_on ?? [];
      const deps = (type: string) => dependsOn.filter((d) => d.startsWith(`${type}.`)).map((d) => d.slice(type.length + 1));
      // Every private-app route table's NAT route and every private-app subnet's association, followed by reference.
      const natRoutes = Object.entries(resourcesOf(tf, "aws_route")).filter(([, r]) => r.nat_gateway_id);
      expect(deps("aws_route").sort()).toEqual(natRoutes.map(([name]) => name).sort());
      const subnets = resourcesOf(tf, "aws_subnet");
      const appAssociations = Object.entries(resourcesOf(tf, "aws_route_table_association")).filter(
        ([, a]) => subnets[refName(a.subnet_id, "aws_subnet")].tags.Tier === "private-app",
      );
      expect(deps("aws_route_table_association").sort()).toEqual(appAssociations.map(([name]) => name).sort());
      expect(deps("aws_efs_mount_target").sort()).toEqual(Object.keys(resourcesOf(tf, "aws_efs_mount_target")).sort());
      expect(deps("aws_efs_mount_target")).toHaveLength(config.availabilityZones.length);
      expect(deps("aws_vpc_endpoint").sort()).toEqual(Object.keys(resourcesOf(tf, "aws_vpc_endpoint")).sort());
    });

    test("a deploy bakes at 50 % and 100 % for 10 minutes, and stops when users see 5xx (alarms that exist in the stack)", () => {
      const preferences = group.instance_refresh.preferences;
      expect(preferences.checkpoint_percentages).toEqual([50, 100]);
      expect(preferences.checkpoint_delay).toBe("600");
      const alarmNames = Object.values(resourcesOf(tf, "aws_cloudwatch_metric_alarm")).map((a) => a.alarm_name);
      expect(preferences.alarm_specification.alarms).toEqual([`medicare-hub-${env}-alb-5xx-rate`, `medicare-hub-${env}-target-5xx-rate`]);
      for (const name of preferences.alarm_specification.alarms) expect(alarmNames).toContain(name);
    });

    test("patching: every instance is replaced within 14 days by one launched from the current AMI", () => {
      expect(group.max_instance_lifetime).toBe(14 * 86400);
      expect(config.app.maxInstanceLifetimeDays).toBe(14);
      expect(template.image_id).toMatch(/^resolve:ssm:\/aws\/service\/ami-amazon-linux-latest\//);
    });

    test("Session Manager: the environment's session document logs every session to an encrypted group and runs as ec2-user, not root", () => {
      const [, document] = only(tf, "aws_ssm_document");
      expect(document).toMatchObject({ name: `medicare-hub-${env}-sessions`, document_type: "Session" });
      const inputs = JSON.parse(document.content).inputs;
      expect(inputs).toMatchObject({ cloudWatchEncryptionEnabled: true, cloudWatchStreamingEnabled: true, runAsEnabled: true, runAsDefaultUser: "ec2-user" });
      const group = Object.values(resourcesOf(tf, "aws_cloudwatch_log_group")).find((g) => g.name === inputs.cloudWatchLogGroupName);
      expect(group).toMatchObject({ retention_in_days: config.logRetentionDays, kms_key_id: "${aws_kms_key.encryption_storage-key.arn}" });
    });

    test("group metrics are enabled at one-minute granularity, including in-service instances", () => {
      expect(group.metrics_granularity).toBe("1Minute");
      expect(group.enabled_metrics).toEqual(expect.arrayContaining(["GroupInServiceInstances", "GroupDesiredCapacity", "GroupMinSize"]));
    });

    test("target tracking scales on CPU and on ALB requests per target", () => {
      const policies = Object.values(resourcesOf(tf, "aws_autoscaling_policy"));
      const byMetric = Object.fromEntries(policies.map((p) => [p.target_tracking_configuration.predefined_metric_specification.predefined_metric_type, p]));
      expect(Object.keys(byMetric).sort()).toEqual(["ALBRequestCountPerTarget", "ASGAverageCPUUtilization"]);
      expect(byMetric.ASGAverageCPUUtilization.target_tracking_configuration.target_value).toBe(config.app.cpuTargetPercent);
      const requests = byMetric.ALBRequestCountPerTarget.target_tracking_configuration;
      expect(requests.target_value).toBe(config.app.requestsPerTargetPerMinute);
      expect(requests.predefined_metric_specification.resource_label).toMatch(/^\$\{aws_lb\.[\w-]+\.arn_suffix\}\/\$\{aws_lb_target_group\.[\w-]+\.arn_suffix\}$/);
      for (const policy of policies) expect(policy.policy_type).toBe("TargetTrackingScaling");
    });

    test("the launch template: Amazon Linux 2023 through SSM, IMDSv2 only with one hop, detailed monitoring", () => {
      expect(template.image_id).toBe(amazonLinuxImage(config.app.instanceType));
      expect(template.image_id).toMatch(/^resolve:ssm:\/aws\/service\/ami-amazon-linux-latest\/al2023-ami-/);
      expect(template.instance_type).toBe(config.app.instanceType);
      expect(template.metadata_options).toMatchObject({ http_endpoint: "enabled", http_tokens: "required", http_put_response_hop_limit: 1 });
      expect(template.monitoring).toEqual({ enabled: true });
    });

    test("no public IP, only the app security group, and an encrypted gp3 root volume under the storage key", () => {
      expect(template.network_interfaces).toEqual([
        expect.objectContaining({ associate_public_ip_address: "false", security_groups: ["${aws_security_group.security-groups_app.id}"] }),
      ]);
      expect(template.vpc_security_group_ids).toBeUndefined();
      expect(template.block_device_mappings).toEqual([
        {
          device_name: "/dev/xvda",
          ebs: expect.objectContaining({ volume_type: "gp3", encrypted: "true", volume_size: config.app.rootVolumeGib, kms_key_id: "${aws_kms_key.encryption_storage-key.arn}" }),
        },
      ]);
    });

    test("instances are tagged with the file system and access point the bootstrap mounts", () => {
      const instanceTags = template.tag_specifications.find((t: any) => t.resource_type === "instance").tags;
      expect(refName(instanceTags.EfsFileSystemId, "aws_efs_file_system")).toBe("shared-storage_file-system");
      expect(refName(instanceTags.EfsAccessPointId, "aws_efs_access_point")).toBe("shared-storage_app-access-point");
      expect(template.metadata_options.instance_metadata_tags).toBe("enabled");
    });

    test("user data is the bootstrap rendered for this environment", () => {
      const rendered = Buffer.from(template.user_data, "base64").toString("utf8");
      expect(rendered).toBe(renderUserData({ environment: env, region: config.region, appPort: config.app.port, appLogGroup: logGroupName(env, "app"), bootstrapDeadlineSeconds: config.app.bootstrapSeconds }));
      expect(rendered).toContain(`export APP_PORT='${config.app.port}'`);
    });

    test("the instance profile's role: SSM core, its own logs and metrics, the database secret and the file system, nothing more", () => {
      const [, profile] = only(tf, "aws_iam_instance_profile");
      expect(template.iam_instance_profile).toEqual({ arn: expect.stringMatching(/^\$\{aws_iam_instance_profile\./) });
      const roleName = refName(profile.role, "aws_iam_role");
      const role = resourcesOf(tf, "aws_iam_role")[roleName];
      expect(policyStatements(tf, role.assume_role_policy)).toEqual([
        expect.objectContaining({ principals: [{ type: "Service", identifiers: ["ec2.amazonaws.com"] }], actions: ["sts:AssumeRole"] }),
      ]);
      const attached = Object.values(resourcesOf(tf, "aws_iam_role_policy_attachment")).filter((a) => a.role.includes(roleName));
      expect(attached.map((a) => a.policy_arn.split("/").pop())).toEqual(["AmazonSSMManagedInstanceCore"]);
      const inline = Object.values(resourcesOf(tf, "aws_iam_role_policy")).find((p) => refName(p.role, "aws_iam_role") === roleName);
      const statements = policyStatements(tf, inline.policy);
      expect(statements.map((s) => s.sid).sort()).toEqual([
        "CheckSessionLogGroupEncryption",
        "ConnectToTheDatabaseAsTheAppUser",
        "DescribeForAgentDimensions",
        "MountTheSharedFileSystemThroughItsAccessPoint",
        "PublishAgentMetrics",
        "ShipLogsToTheAppLogGroup",
        "WriteSessionLogs",
      ]);
      // Not the master user: the app connects as its own user with IAM database authentication, and reads no secret.
      expect(JSON.stringify(statements)).not.toMatch(/secretsmanager|master_user_secret/);
      expect(statements.find((s) => s.sid === "ConnectToTheDatabaseAsTheAppUser")).toMatchObject({
        actions: ["rds-db:connect"],
        resources: [`arn:\${data.aws_partition.partition.partition}:rds-db:${config.region}:${config.accountId}:dbuser:\${aws_db_instance.database_instance.resource_id}/medicare_app`],
      });
      const sessions = statements.find((s) => s.sid === "WriteSessionLogs");
      expect(sessions.resources[0]).toBe("${aws_cloudwatch_log_group.session-manager_log-group.arn}");
      const mount = statements.find((s) => s.sid === "MountTheSharedFileSystemThroughItsAccessPoint");
      expect(refName(mount.resources[0], "aws_efs_file_system")).toBe("shared-storage_file-system");
      expect(refName(mount.condition[0].values[0], "aws_efs_access_point")).toBe("shared-storage_app-access-point");
      const logs = statements.find((s) => s.sid === "ShipLogsToTheAppLogGroup");
      for (const resource of logs.resources) expect(resource).toMatch(/^\$\{aws_cloudwatch_log_group\.app-tier_log-group\.arn\}/);
      expect(statements.find((s) => s.sid === "PublishAgentMetrics").condition).toEqual([
        { test: "StringEquals", variable: "cloudwatch:namespace", values: ["CWAgent"] },
      ]);
      for (const statement of statements) for (const action of statement.actions) expect(action).not.toMatch(/\*/);
    });

    test("the app log group is encrypted and retained per config", () => {
      const group = resourcesOf(tf, "aws_cloudwatch_log_group")["app-tier_log-group"];
      expect(group).toMatchObject({ name: logGroupName(env, "app"), retention_in_days: config.logRetentionDays, kms_key_id: "${aws_kms_key.encryption_storage-key.arn}" });
    });
  });
});

describe("AppTier with the data layer's secret and file system", () => {
  const props: AppTierProps = {
    environment: "test",
    accountId: "210987654321",
    region: "us-east-2",
    partition: "aws",
    subnetIds: ["subnet-a", "subnet-b"],
    securityGroupId: "sg-app",
    targetGroupArn: "arn:tg",
    requestCountResourceLabel: "app/x/1/targetgroup/y/2",
    appPort: 8080,
    instanceType: "t4g.small",
    rootVolumeGib: 20,
    storageKey: { arn: "arn:key" },
    logRetentionDays: 30,
    minCapacity: 2,
    desiredCapacity: 2,
    maxCapacity: 4,
    bootstrapSeconds: 300,
    healthCheck: { intervalSeconds: 10, healthyThreshold: 2 },
    cpuTargetPercent: 50,
    requestsPerTargetPerMinute: 1000,
  };
  const synth = (extra: Partial<AppTierProps>): TerraformJson => {
    const stack = new TerraformStack(Testing.app(), "test");
    new AppTier(stack, "app-tier", { ...props, ...extra });
    return JSON.parse(Testing.synth(stack)) as TerraformJson;
  };

  test("may connect as exactly that database user and mount exactly that file system through its access point, which it is tagged with", () => {
    const tf = synth({
      database: { resourceId: "db-ABCDEFGHIJKL", user: "medicare_app" },
      fileSystem: { arn: "arn:fs", id: "fs-1", accessPointArn: "arn:ap", accessPointId: "fsap-1" },
    });
    const statements: any[] = Object.values(tf.data?.aws_iam_policy_document ?? {}).flatMap((d: any) => d.statement);
    expect(statements).toContainEqual(expect.objectContaining({ actions: ["rds-db:connect"], resources: ["arn:aws:rds-db:us-east-2:210987654321:dbuser:db-ABCDEFGHIJKL/medicare_app"] }));
    expect(statements).toContainEqual(
      expect.objectContaining({
        actions: ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"],
        resources: ["arn:fs"],
        condition: [{ test: "StringEquals", variable: "elasticfilesystem:AccessPointArn", values: ["arn:ap"] }],
      }),
    );
    const [template] = Object.values(resourcesOf(tf, "aws_launch_template"));
    expect(template.tag_specifications[0].tags).toMatchObject({ EfsFileSystemId: "fs-1", EfsAccessPointId: "fsap-1" });
  });

  test("Graviton instance types get the arm64 image", () => {
    const [template] = Object.values(resourcesOf(synth({}), "aws_launch_template"));
    expect(template.image_id).toMatch(/arm64$/);
    expect(amazonLinuxImage("m7gd.large")).toMatch(/arm64$/);
    expect(amazonLinuxImage("t3.small")).toMatch(/x86_64$/);
    expect(amazonLinuxImage("g5.xlarge")).toMatch(/x86_64$/);
  });

  test("refuses fewer instances than AZs", () => {
    expect(() => synth({ minCapacity: 1 })).toThrow(/minCapacity 1 is below the 2 AZs/);
  });
});
