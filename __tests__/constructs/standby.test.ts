/**
 * The environment standing in its recovery region (recovery.strategy "warm-standby", prod's default, and
 * "pilot-light"): the failover chain and the replicated data followed through references, the recovery region's
 * resources judged by the same guardrails, and the read replica AWS does not support refused (MH-DR-2) unless a team
 * accepts it.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildApp } from "../../main";
import { deepMerge, validateConfig } from "../../config/load";
import type { ProjectConfig } from "../../config/schema";
import { environmentStackId } from "../../constructs/medicare-hub-stack";
import { SUPPRESSIONS, type Suppression } from "../../constructs/policy/suppressions";
import { finalizeSynthOutput } from "../../synth-output";
import { completeConfig } from "../support/complete-config";
import { missingRunbookSections } from "../support/runbooks";
import { readStackJson, refName, resourcesOf, withPlainStackTraces, type TerraformJson } from "../support/synth";

const ACCEPT_REPLICA = { rule: "MH-DR-2", reason: "Test: the standby is synthesized to follow its references; AWS's support of the replica is what the rule is about." };

function standbyConfig(strategy: "warm-standby" | "pilot-light", database: "restore" | "replica" = "restore"): ProjectConfig {
  const override = {
    environments: { prod: { recovery: { strategy, region: "us-west-2", availabilityZones: ["us-west-2a", "us-west-2b", "us-west-2c"], vpcCidr: "10.21.0.0/16", database } } },
  };
  return validateConfig(deepMerge(completeConfig(), override), override);
}

function synth(config: ProjectConfig, prodSuppressions: readonly Suppression[]): TerraformJson {
  const outdir = join(mkdtempSync(join(tmpdir(), "medicare-hub-standby-")), "cdktf.out");
  withPlainStackTraces(() => buildApp(config, { outdir, hclOutput: false, suppressions: { ...SUPPRESSIONS, prod: prodSuppressions } }).synth());
  finalizeSynthOutput(outdir, false);
  return readStackJson({ outdir, stackDirs: { [environmentStackId("prod")]: join(outdir, "stacks", environmentStackId("prod")) } }, environmentStackId("prod"));
}

describe("warm standby in us-west-2 (prod's default)", () => {
  let tf: TerraformJson;
  beforeAll(() => {
    tf = synth(standbyConfig("warm-standby"), []);
  });
  const providerOf = (resource: { provider?: string }) =>
    (tf.provider?.aws ?? []).find((p) => (resource.provider ? `aws.${p.alias}` === resource.provider : !p.alias));
  const regionOf = (resource: { provider?: string }) => providerOf(resource)?.region;
  const records = () => resourcesOf(tf, "aws_route53_record");
  const byRef = (type: string, reference: unknown) => resourcesOf(tf, type)[refName(reference, type)];

  test("DNS: the domain's primary is the regions' pair, primary ALB then recovery ALB, each health-checked; the last resort is CloudFront", () => {
    const domain = "medicare-hub.acme-health.org";
    const top = Object.values(records()).filter((r) => r.name === domain && r.type === "A");
    const primary = top.find((r) => r.failover_routing_policy?.type === "PRIMARY");
    const secondary = top.find((r) => r.failover_routing_policy?.type === "SECONDARY");
    // The top primary aliases the pair in the same zone, evaluating its health.
    expect(primary.alias.evaluate_target_health).toBe(true);
    const nestedPrimary = byRef("aws_route53_record", primary.alias.name);
    expect(nestedPrimary).toMatchObject({ name: `regions.${domain}`, failover_routing_policy: { type: "PRIMARY" }, zone_id: primary.zone_id });
    const nestedSecondary = Object.values(records()).find((r) => r.name === `regions.${domain}` && r.type === "A" && r.failover_routing_policy?.type === "SECONDARY");
    // primary record -> its health check -> the primary region's ALB
    const primaryCheck = byRef("aws_route53_health_check", nestedPrimary.health_check_id);
    const primaryAlb = byRef("aws_lb", primaryCheck.fqdn);
    expect(regionOf(primaryAlb)).toBe("us-east-2");
    expect(refName(nestedPrimary.alias.name, "aws_lb")).toBe(refName(primaryCheck.fqdn, "aws_lb"));
    // secondary -> the recovery region's ALB, with a health check of its own (an empty target group reads healthy)
    const standbyCheck = byRef("aws_route53_health_check", nestedSecondary.health_check_id);
    const standbyAlb = byRef("aws_lb", nestedSecondary.alias.name);
    expect(regionOf(standbyAlb)).toBe("us-west-2");
    expect(refName(standbyCheck.fqdn, "aws_lb")).toBe(refName(nestedSecondary.alias.name, "aws_lb"));
    // The deep path: users move there only once the standby has its database and files (restored at failover).
    expect(standbyCheck).toMatchObject({ type: "HTTPS", port: 443, resource_path: "/health/deep" });
    // last resort -> CloudFront
    expect(byRef("aws_cloudfront_distribution", secondary.alias.name)).toBeDefined();
    expect(secondary.alias.evaluate_target_health).toBe(false);
  });

  test("the recovery ALB serves the domain's certificate from us-west-2, validated by the records the primary's wrote (no second record set)", () => {
    const standbyAlb = Object.entries(resourcesOf(tf, "aws_lb")).find(([, lb]) => regionOf(lb) === "us-west-2");
    const listener = Object.values(resourcesOf(tf, "aws_lb_listener")).find((l) => refName(l.load_balancer_arn, "aws_lb") === standbyAlb?.[0] && l.port === 443);
    const validation = byRef("aws_acm_certificate_validation", listener.certificate_arn);
    expect(regionOf(validation)).toBe("us-west-2");
    const certificate = byRef("aws_acm_certificate", validation.certificate_arn);
    expect(regionOf(certificate)).toBe("us-west-2");
    expect(certificate.domain_name).toBe("medicare-hub.acme-health.org");
    // One validation record set for the domain, in every region.
    expect(Object.keys(records()).filter((name) => name.includes("validation"))).toHaveLength(1);
    expect(validation.validation_record_fqdns).toEqual(Object.values(resourcesOf(tf, "aws_acm_certificate_validation"))[0].validation_record_fqdns);
  });

  test("the database is restored there at failover: subnet group in the recovery VPC's data subnets, TLS forced, no instance yet", () => {
    const instances = Object.values(resourcesOf(tf, "aws_db_instance"));
    expect(instances.map((db) => db.identifier)).toEqual(["medicare-hub-prod-db"]);
    const group = Object.values(resourcesOf(tf, "aws_db_subnet_group")).find((g) => g.name === "medicare-hub-prod-dr-db");
    expect(regionOf(group)).toBe("us-west-2");
    for (const subnet of group.subnet_ids) expect(byRef("aws_subnet", subnet)).toMatchObject({ tags: expect.objectContaining({ Tier: "private-data" }), availability_zone: expect.stringMatching(/^us-west-2[abc]$/) });
    const parameters = Object.values(resourcesOf(tf, "aws_db_parameter_group")).find((g) => g.name === "medicare-hub-prod-dr-db-postgres17");
    expect(regionOf(parameters)).toBe("us-west-2");
    expect(parameters.parameter).toEqual(expect.arrayContaining([expect.objectContaining({ name: "rds.force_ssl", value: "1" })]));
    // What is restored: the primary's automated backups, replicated into us-west-2 under a key there.
    const [backups] = Object.values(resourcesOf(tf, "aws_db_instance_automated_backups_replication"));
    expect(regionOf(backups)).toBe("us-west-2");
    expect(byRef("aws_db_instance", backups.source_db_instance_arn).identifier).toBe("medicare-hub-prod-db");
    expect(regionOf(byRef("aws_kms_key", backups.kms_key_id))).toBe("us-west-2");
  });

  test("the file system's copy is mounted in every recovery AZ; the replication targets us-west-2 with a key there", () => {
    const [replication] = Object.values(resourcesOf(tf, "aws_efs_replication_configuration"));
    expect(replication.destination.region).toBe("us-west-2");
    expect(regionOf(byRef("aws_kms_key", replication.destination.kms_key_id))).toBe("us-west-2");
    const copyMounts = Object.values(resourcesOf(tf, "aws_efs_mount_target")).filter((m) => regionOf(m) === "us-west-2");
    expect(copyMounts).toHaveLength(3);
    for (const mount of copyMounts) {
      expect(mount.file_system_id).toMatch(/^\$\{aws_efs_replication_configuration\.[\w-]+\.destination\[0\]\.file_system_id\}$/);
      expect(byRef("aws_subnet", mount.subnet_id).availability_zone).toMatch(/^us-west-2[abc]$/);
    }
  });

  test("the copy gets a policy of its own (EFS would give it the default: any client, no IAM): nothing without TLS", () => {
    const [replication] = Object.entries(resourcesOf(tf, "aws_efs_replication_configuration"));
    const copyId = `\${aws_efs_replication_configuration.${replication[0]}.destination[0].file_system_id}`;
    const policies = Object.values(resourcesOf(tf, "aws_efs_file_system_policy")).filter((p) => p.file_system_id === copyId);
    expect(policies).toHaveLength(1);
    expect(regionOf(policies[0])).toBe("us-west-2");
    const document = tf.data?.aws_iam_policy_document?.[refName(policies[0].policy, "data.aws_iam_policy_document")];
    expect(document.statement).toEqual([
      expect.objectContaining({ effect: "Deny", actions: ["*"], condition: [expect.objectContaining({ variable: "aws:SecureTransport", values: ["false"] })] }),
    ]);
  });

  test("one instance per recovery AZ serves at all times, from volumes under the recovery region's key, finding the restored database by name", () => {
    const group = Object.values(resourcesOf(tf, "aws_autoscaling_group")).find((g) => regionOf(g) === "us-west-2");
    expect(group).toMatchObject({ name: "medicare-hub-prod-dr-app", min_size: 3, desired_capacity: 3, max_size: 9, health_check_type: "ELB" });
    // The apply does not wait for it: its readiness is the dr-standby-unhealthy alarm's.
    expect(group.wait_for_capacity_timeout).toBe("0");
    expect(regionOf(byRef("aws_lb_target_group", group.target_group_arns[0]))).toBe("us-west-2");
    const template = byRef("aws_launch_template", group.launch_template.id);
    const volumeKey = byRef("aws_kms_key", template.block_device_mappings[0].ebs.kms_key_id);
    expect(regionOf(volumeKey)).toBe("us-west-2");
    const tags = template.tag_specifications.find((t: { resource_type: string }) => t.resource_type === "instance").tags;
    expect(tags).toMatchObject({ DatabaseIdentifier: "medicare-hub-prod-dr-db", DatabasePort: "5432" });
    expect(tags.DatabaseAddress).toBeUndefined();
    expect(tags.EfsFileSystemId).toMatch(/^\$\{aws_efs_replication_configuration\.[\w-]+\.destination\[0\]\.file_system_id\}$/);
  });

  test("the standby's instance role may connect as the app user only, and describe the one database it waits for", () => {
    const policies = Object.values(resourcesOf(tf, "aws_iam_role_policy")).filter((p) => p.name === "medicare-hub-app");
    const documents = tf.data?.aws_iam_policy_document ?? {};
    const statementsOf = (policy: { policy: string }) => documents[refName(policy.policy, "data.aws_iam_policy_document")].statement as { sid: string; actions: string[]; resources: string[] }[];
    const standby = policies.map(statementsOf).find((statements) => statements.some((st) => st.sid === "FindTheRestoredDatabase"));
    expect(standby?.find((st) => st.sid === "FindTheRestoredDatabase")).toMatchObject({
      actions: ["rds:DescribeDBInstances"],
      resources: ["arn:${data.aws_partition.partition.partition}:rds:us-west-2:210987654321:db:medicare-hub-prod-dr-db"],
    });
    expect(standby?.find((st) => st.sid === "ConnectToTheDatabaseAsTheAppUser")?.resources).toEqual([
      "arn:${data.aws_partition.partition.partition}:rds-db:us-west-2:210987654321:dbuser:*/medicare_app",
    ]);
  });

  test("the standby's health alarm in us-west-2, on its own target group, to a ticket topic there under a key there", () => {
    const alarms = Object.values(resourcesOf(tf, "aws_cloudwatch_metric_alarm"));
    const unhealthy = alarms.find((a) => a.alarm_name === "medicare-hub-prod-dr-standby-unhealthy");
    expect(unhealthy).toMatchObject({ namespace: "AWS/ApplicationELB", metric_name: "HealthyHostCount", statistic: "Minimum", comparison_operator: "LessThanThreshold", threshold: 1, treat_missing_data: "breaching" });
    expect(regionOf(unhealthy)).toBe("us-west-2");
    const targetGroup = Object.values(resourcesOf(tf, "aws_lb_target_group")).find((g) => regionOf(g) === "us-west-2");
    expect(unhealthy.dimensions.TargetGroup).toBe(`\${aws_lb_target_group.${Object.entries(resourcesOf(tf, "aws_lb_target_group")).find(([, g]) => g === targetGroup)?.[0]}.arn_suffix}`);
    const topic = byRef("aws_sns_topic", unhealthy.alarm_actions[0]);
    expect(topic.name).toBe("medicare-hub-prod-dr-tickets");
    expect(regionOf(topic)).toBe("us-west-2");
    expect(regionOf(byRef("aws_kms_key", topic.kms_master_key_id))).toBe("us-west-2");
    // The public path, proven from the internet: a shallow check of the standby's load balancer, its alarm in us-east-1
    // (where Route 53's metrics are), ticketing there.
    const reachable = alarms.find((a) => a.alarm_name === "medicare-hub-prod-dr-standby-unreachable");
    expect(reachable).toMatchObject({ namespace: "AWS/Route53", metric_name: "HealthCheckStatus", comparison_operator: "LessThanThreshold", threshold: 1, treat_missing_data: "breaching", tags: { Severity: "ticket" } });
    expect(regionOf(reachable)).toBe("us-east-1");
    const check = byRef("aws_route53_health_check", reachable.dimensions.HealthCheckId);
    expect(check).toMatchObject({ type: "HTTPS", port: 443, resource_path: "/health" });
    expect(regionOf(byRef("aws_lb", check.fqdn))).toBe("us-west-2");
    const ticketsThere = byRef("aws_sns_topic", reachable.alarm_actions[0]);
    expect(ticketsThere.name).toBe("medicare-hub-prod-dr-tickets-us-east-1");
    expect(regionOf(byRef("aws_kms_key", ticketsThere.kms_master_key_id))).toBe("us-east-1");
    // No replica, so no lag to watch.
    expect(alarms.map((a) => a.alarm_name)).not.toContain("medicare-hub-prod-dr-replica-lag");
  });
});

describe("a cross-region read replica instead (recovery.database \"replica\")", () => {
  let tf: TerraformJson;
  beforeAll(() => {
    tf = synth(standbyConfig("warm-standby", "replica"), [ACCEPT_REPLICA]);
  });
  const providerOf = (resource: { provider?: string }) =>
    (tf.provider?.aws ?? []).find((p) => (resource.provider ? `aws.${p.alias}` === resource.provider : !p.alias));
  const regionOf = (resource: { provider?: string }) => providerOf(resource)?.region;
  const byRef = (type: string, reference: unknown) => resourcesOf(tf, type)[refName(reference, type)];

  test("the database's replica: its source is the primary database, its key is in the recovery region, Multi-AZ, TLS forced", () => {
    const replicas = Object.values(resourcesOf(tf, "aws_db_instance")).filter((db) => db.replicate_source_db);
    expect(replicas).toHaveLength(1);
    const [replica] = replicas;
    const source = byRef("aws_db_instance", replica.replicate_source_db);
    expect(replica.replicate_source_db).toMatch(/\.arn\}$/);
    expect(regionOf(source)).toBe("us-east-2");
    expect(regionOf(replica)).toBe("us-west-2");
    expect(replica).toMatchObject({ identifier: "medicare-hub-prod-dr-db", multi_az: true, storage_encrypted: true, iam_database_authentication_enabled: true, skip_final_snapshot: true, deletion_protection: true });
    // RDS refuses these on a replica: it has its source's users and storage.
    expect(replica.manage_master_user_password).toBeUndefined();
    expect(replica.username).toBeUndefined();
    expect(replica.backup_retention_period).toBeUndefined();
    expect(replica.lifecycle.ignore_changes).toEqual(["replicate_source_db"]);
    const key = byRef("aws_kms_key", replica.kms_key_id);
    expect(regionOf(key)).toBe("us-west-2");
    const parameters = byRef("aws_db_parameter_group", replica.parameter_group_name);
    expect(regionOf(parameters)).toBe("us-west-2");
    expect(parameters.parameter).toEqual(expect.arrayContaining([expect.objectContaining({ name: "rds.force_ssl", value: "1" })]));
  });

  test("its lag alarms in us-west-2: behind more than 15 minutes, or unknown", () => {
    const alarms = Object.values(resourcesOf(tf, "aws_cloudwatch_metric_alarm"));
    const lag = alarms.find((a) => a.alarm_name === "medicare-hub-prod-dr-replica-lag");
    expect(lag).toMatchObject({ namespace: "AWS/RDS", metric_name: "ReplicaLag", statistic: "Maximum", threshold: 900, treat_missing_data: "breaching" });
    expect(byRef("aws_db_instance", lag.dimensions.DBInstanceIdentifier).identifier).toBe("medicare-hub-prod-dr-db");
    expect(regionOf(lag)).toBe("us-west-2");
    const unknown = alarms.find((a) => a.alarm_name === "medicare-hub-prod-dr-replica-lag-unknown");
    expect(unknown).toMatchObject({ metric_name: "ReplicaLag", statistic: "Minimum", comparison_operator: "LessThanThreshold", threshold: 0 });
  });

  test("the standby's alarms, the replica's included, each have their runbook section", () => {
    const standbyAlarms = Object.values(resourcesOf(tf, "aws_cloudwatch_metric_alarm")).filter((a) => a.provider === "aws.recovery");
    expect(standbyAlarms.map((a) => a.alarm_name).sort()).toEqual(["medicare-hub-prod-dr-replica-lag", "medicare-hub-prod-dr-replica-lag-unknown", "medicare-hub-prod-dr-standby-unhealthy"]);
    expect(missingRunbookSections(standbyAlarms)).toEqual([]);
  });
});

describe("the guardrails cover the recovery region", () => {
  test("a replica of a source whose master password RDS manages is refused (MH-DR-2), naming the replica", () => {
    expect(() => synth(standbyConfig("warm-standby", "replica"), [])).toThrow(/MH-DR-2 aws_db_instance\.standby_database_instance: .*manages its master password in Secrets Manager/);
  });

  test("a pilot light's group at zero is flagged by MH-CMP-5; accepted, it synthesizes at zero", () => {
    expect(() => synth(standbyConfig("pilot-light"), [])).toThrow(/MH-CMP-5 aws_autoscaling_group\.standby_app-tier_group: .*min_size 0 is below its 3 subnets/);
    const tf = synth(standbyConfig("pilot-light"), [{ rule: "MH-CMP-5", address: "aws_autoscaling_group.standby_app-tier_group", reason: "Test: the pilot light's group is at zero until failover." }]);
    const groups = Object.values(resourcesOf(tf, "aws_autoscaling_group")).filter((g) => g.name === "medicare-hub-prod-dr-app");
    expect(groups).toEqual([expect.objectContaining({ min_size: 0, desired_capacity: 0, max_size: 9 })]);
    expect(Object.values(resourcesOf(tf, "aws_cloudwatch_metric_alarm")).map((a) => a.alarm_name)).not.toContain("medicare-hub-prod-dr-standby-unhealthy");
    // Nothing answers a pilot light's load balancer before failover: no reachability check to fail for ever.
    expect(Object.values(resourcesOf(tf, "aws_route53_health_check")).map((c) => c.tags.Name)).not.toContain("medicare-hub-prod-dr-alb-reachable");
  });
});
