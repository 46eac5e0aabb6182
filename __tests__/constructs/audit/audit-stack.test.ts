/**
 * The audit stack (medicare-hub-audit), followed by reference: trail → bucket → key → Object Lock; each CIS metric
 * filter → its alarm → the topic it notifies; GuardDuty and Security Hub findings → rules → topics. The synthesized
 * filter patterns are evaluated against CloudTrail records they must and must not match.
 */
import { DEFAULT_CONFIG } from "../../../config/environments";
import { CIS_ALARMS } from "../../../constructs/audit/cis-alarms";
import { matchesFilterPattern, parseFilterPattern } from "../../../constructs/audit/log-filter-pattern";
import { missingRunbookSections } from "../../support/runbooks";
import { primaryRegion, readStackJson, refName, resourcesOf, synthApp, type TerraformJson } from "../../support/synth";

describe("medicare-hub-audit", () => {
  let tf: TerraformJson;
  beforeAll(() => {
    tf = readStackJson(synthApp(), "medicare-hub-audit");
  });
  // The audited environment's own region; the recovery region's detection is judged in its own test below.
  const one = (type: string) => {
    const all = Object.entries(resourcesOf(primaryRegion(tf), type));
    expect(all).toHaveLength(1);
    return all[0][1];
  };
  const byRef = (type: string, reference: string) => resourcesOf(tf, type)[refName(reference, type)];
  const statements = (documentRef: string): any[] => tf.data?.aws_iam_policy_document[refName(documentRef, "data.aws_iam_policy_document")].statement;

  test("one trail: every region, global services, validated log files, its own customer key, every management event", () => {
    const trail = one("aws_cloudtrail");
    // Created after its bucket policy and its logs role's policy: CloudTrail checks both when the trail is created.
    expect([...trail.depends_on].sort()).toEqual(["aws_iam_role_policy.trail_logs-role-policy", "aws_s3_bucket_policy.trail_bucket_policy"]);
    expect(trail).toMatchObject({ name: "medicare-hub-audit", is_multi_region_trail: true, include_global_service_events: true, enable_log_file_validation: true, enable_logging: true });
    const key = byRef("aws_kms_key", trail.kms_key_id);
    expect(key).toMatchObject({ enable_key_rotation: true, deletion_window_in_days: 30, lifecycle: { prevent_destroy: true } });
    // KMS key management events too (no excluded sources): CloudWatch.7 needs them.
    expect(trail.advanced_event_selector[0]).toEqual({ name: "Every management event", field_selector: [{ field: "eventCategory", equals: ["Management"] }] });
  });

  test("the trail's bucket keeps every log file version locked in compliance mode for six years, under the trail's key", () => {
    const trail = one("aws_cloudtrail");
    const bucket = byRef("aws_s3_bucket", trail.s3_bucket_name);
    expect(bucket).toMatchObject({ object_lock_enabled: true, force_destroy: false, lifecycle: { prevent_destroy: true } });
    const bucketName = refName(trail.s3_bucket_name, "aws_s3_bucket");
    const attached = (type: string) => Object.values(resourcesOf(tf, type)).filter((r) => refName(r.bucket, "aws_s3_bucket") === bucketName);
    expect(attached("aws_s3_bucket_object_lock_configuration")).toEqual([
      expect.objectContaining({ rule: { default_retention: { mode: "COMPLIANCE", days: 2190 } } }),
    ]);
    expect(attached("aws_s3_bucket_versioning")[0].versioning_configuration).toEqual({ status: "Enabled" });
    const [encryption] = attached("aws_s3_bucket_server_side_encryption_configuration");
    expect(encryption.rule[0].apply_server_side_encryption_by_default.sse_algorithm).toBe("aws:kms");
    expect(refName(encryption.rule[0].apply_server_side_encryption_by_default.kms_master_key_id, "aws_kms_key")).toBe(refName(trail.kms_key_id, "aws_kms_key"));
    expect(attached("aws_s3_bucket_logging")).toHaveLength(1);
    // The bucket policy lets CloudTrail write for this trail only.
    const [policy] = attached("aws_s3_bucket_policy");
    const write = statements(policy.policy).find((st) => st.sid === "CloudTrailWritesThisTrailsLogs");
    expect(write.condition).toContainEqual({ test: "StringEquals", variable: "aws:SourceArn", values: [`arn:\${data.aws_partition.partition.partition}:cloudtrail:us-east-2:${DEFAULT_CONFIG.environments.prod.accountId}:trail/medicare-hub-audit`] });
  });

  test("the trail also goes to CloudWatch Logs, encrypted with its key, through a role CloudTrail assumes", () => {
    const trail = one("aws_cloudtrail");
    const group = byRef("aws_cloudwatch_log_group", trail.cloud_watch_logs_group_arn.replace(/:\*$/, ""));
    expect(group).toMatchObject({ name: "/medicare-hub/audit/cloudtrail", retention_in_days: 365 });
    expect(refName(group.kms_key_id, "aws_kms_key")).toBe(refName(trail.kms_key_id, "aws_kms_key"));
    const role = byRef("aws_iam_role", trail.cloud_watch_logs_role_arn);
    expect(statements(role.assume_role_policy)[0].principals).toEqual([{ type: "Service", identifiers: ["cloudtrail.amazonaws.com"] }]);
  });

  test.each(CIS_ALARMS.map((a) => [a.control, a]))("%s: its metric filter on the trail's log group feeds an alarm that notifies the topic of its severity", (_, spec) => {
    const trailGroup = refName(one("aws_cloudtrail").cloud_watch_logs_group_arn.replace(/:\*$/, ""), "aws_cloudwatch_log_group");
    const filters = Object.entries(resourcesOf(tf, "aws_cloudwatch_log_metric_filter")).filter(([, f]) => f.name === `medicare-hub-audit-${spec.id}`);
    expect(filters).toHaveLength(1);
    const [[filterName, filter]] = filters;
    expect(refName(filter.log_group_name, "aws_cloudwatch_log_group")).toBe(trailGroup);
    expect(filter.pattern).toBe(spec.pattern);
    // The alarm names the filter's metric by reference (so it is created after the filter), in the filter's namespace.
    const alarms = Object.values(resourcesOf(tf, "aws_cloudwatch_metric_alarm")).filter(
      (a) => a.namespace === filter.metric_transformation.namespace && a.metric_name === `\${aws_cloudwatch_log_metric_filter.${filterName}.metric_transformation[0].name}`,
    );
    expect(alarms).toHaveLength(1);
    expect(alarms[0]).toMatchObject({ statistic: "Sum", period: 300, threshold: 1, comparison_operator: "GreaterThanOrEqualToThreshold", treat_missing_data: "notBreaching" });
    const topics = alarms[0].alarm_actions.map((arn: string) => byRef("aws_sns_topic", arn).name);
    expect(topics).toEqual([spec.severity === "page" ? "medicare-hub-audit-pages" : "medicare-hub-audit-tickets"]);
    // The synthesized pattern, evaluated: every sample record behaves as declared.
    parseFilterPattern(filter.pattern);
    for (const sample of spec.samples) expect({ sample: sample.name, matches: matchesFilterPattern(filter.pattern, sample.event) }).toEqual({ sample: sample.name, matches: sample.matches });
    expect(spec.samples.some((s) => s.matches) && spec.samples.some((s) => !s.matches)).toBe(true);
  });

  test("GuardDuty runs the protection plans that apply here, and its medium-and-above findings page", () => {
    const detector = one("aws_guardduty_detector");
    expect(detector.enable).toBe(true);
    const features = Object.values(resourcesOf(primaryRegion(tf), "aws_guardduty_detector_feature")).map((f) => [f.name, f.status]).sort();
    expect(features).toEqual([["EBS_MALWARE_PROTECTION", "ENABLED"], ["LAMBDA_NETWORK_LOGS", "ENABLED"], ["RDS_LOGIN_EVENTS", "ENABLED"], ["RUNTIME_MONITORING", "ENABLED"], ["S3_DATA_EVENTS", "ENABLED"]]);
    const rules = Object.entries(resourcesOf(tf, "aws_cloudwatch_event_rule")).filter(([, r]) => JSON.parse(r.event_pattern).source[0] === "aws.guardduty");
    expect(rules).toHaveLength(1);
    expect(JSON.parse(rules[0][1].event_pattern).detail).toEqual({ severity: [{ numeric: [">=", 4] }] });
    const target = Object.values(resourcesOf(tf, "aws_cloudwatch_event_target")).find((t) => refName(t.rule, "aws_cloudwatch_event_rule") === rules[0][0]);
    expect(byRef("aws_sns_topic", target?.arn).name).toBe("medicare-hub-audit-pages");
  });

  test("AWS Config records every supported resource, global ones included, into an encrypted bucket; Security Hub runs FSBP and CIS", () => {
    expect(one("aws_config_configuration_recorder").recording_group).toEqual({ all_supported: true, include_global_resource_types: true });
    // As its service-linked role: Security Hub's Config.1 fails (for ever: a ticket that never closes) with any other.
    expect(byRef("aws_iam_service_linked_role", one("aws_config_configuration_recorder").role_arn)).toMatchObject({ aws_service_name: "config.amazonaws.com" });
    const channel = one("aws_config_delivery_channel");
    expect(byRef("aws_s3_bucket", channel.s3_bucket_name).bucket).toMatch(/^medicare-hub-audit-config-/);
    expect(refName(channel.s3_kms_key_arn, "aws_kms_key")).toBe(refName(one("aws_cloudtrail").kms_key_id, "aws_kms_key"));
    expect(one("aws_config_configuration_recorder_status").is_enabled).toBe(true);
    const standards = Object.values(resourcesOf(primaryRegion(tf), "aws_securityhub_standards_subscription")).map((s) => s.standards_arn.replace(/^arn:\$\{[^}]+\}:securityhub:us-east-2::standards\//, "")).sort();
    expect(standards).toEqual(["aws-foundational-security-best-practices/v/1.0.0", "cis-aws-foundations-benchmark/v/3.0.0"]);
    expect(one("aws_accessanalyzer_analyzer").type).toBe("ACCOUNT");
  });

  test("prod's recovery region, where the standby runs and the copies are, is watched too; its findings reach us-east-2's rules", () => {
    const recovery = tf.provider?.aws.find((p) => p.alias === "recovery");
    expect(recovery).toMatchObject({ region: "us-west-2", allowed_account_ids: [DEFAULT_CONFIG.environments.prod.accountId] });
    const there = (type: string) => Object.values(resourcesOf(tf, type)).filter((r) => r.provider === "aws.recovery");
    // GuardDuty with the same plans, Access Analyzer, Config (global resources recorded once, in us-east-2), Security Hub.
    expect(there("aws_guardduty_detector")).toEqual([expect.objectContaining({ enable: true })]);
    expect(there("aws_guardduty_detector_feature").map((f) => [f.name, f.status]).sort()).toEqual([
      ["EBS_MALWARE_PROTECTION", "ENABLED"], ["LAMBDA_NETWORK_LOGS", "ENABLED"], ["RDS_LOGIN_EVENTS", "ENABLED"], ["RUNTIME_MONITORING", "ENABLED"], ["S3_DATA_EVENTS", "ENABLED"],
    ]);
    expect(there("aws_accessanalyzer_analyzer")).toEqual([expect.objectContaining({ type: "ACCOUNT" })]);
    const [recorder] = there("aws_config_configuration_recorder");
    expect(recorder.recording_group).toEqual({ all_supported: true, include_global_resource_types: false });
    expect(byRef("aws_iam_service_linked_role", recorder.role_arn)).toMatchObject({ aws_service_name: "config.amazonaws.com" });
    // Delivered to the one Config bucket, under its key (both in us-east-2: SSE-KMS takes a key of the bucket's region).
    const [channel] = there("aws_config_delivery_channel");
    expect(channel.s3_bucket_name).toBe(one("aws_config_delivery_channel").s3_bucket_name);
    expect(channel.s3_kms_key_arn).toBe(one("aws_config_delivery_channel").s3_kms_key_arn);
    expect(there("aws_config_configuration_recorder_status")).toEqual([expect.objectContaining({ is_enabled: true })]);
    expect(there("aws_securityhub_standards_subscription").map((s) => s.standards_arn.replace(/^arn:\$\{[^}]+\}:securityhub:us-west-2::standards\//, "")).sort()).toEqual([
      "aws-foundational-security-best-practices/v/1.0.0",
      "cis-aws-foundations-benchmark/v/3.0.0",
    ]);
    // Aggregated into us-east-2, whose EventBridge then sees the recovery region's findings too ("In an aggregation
    // Region, the event feed includes events for findings from the aggregation Region and the linked Regions").
    expect(one("aws_securityhub_finding_aggregator")).toMatchObject({ linking_mode: "SPECIFIED_REGIONS", specified_regions: ["us-west-2"] });
    const rules = Object.entries(resourcesOf(tf, "aws_cloudwatch_event_rule")).map(([name, r]) => ({ name, rule: r, pattern: JSON.parse(r.event_pattern) }));
    const fromRecovery = (product: string) => rules.find((r) => r.pattern.source[0] === "aws.securityhub" && r.pattern.detail?.findings?.ProductName?.[0] === product);
    const topicOf = (ruleName: string) =>
      byRef("aws_sns_topic", Object.values(resourcesOf(tf, "aws_cloudwatch_event_target")).find((t) => refName(t.rule, "aws_cloudwatch_event_rule") === ruleName)?.arn).name;
    const guardDuty = fromRecovery("GuardDuty");
    expect(guardDuty?.rule.provider).toBeUndefined();
    expect(guardDuty?.pattern).toEqual({
      source: ["aws.securityhub"],
      "detail-type": ["Security Hub Findings - Imported"],
      detail: { findings: { ProductName: ["GuardDuty"], Region: ["us-west-2"], Severity: { Label: ["MEDIUM", "HIGH", "CRITICAL"] }, Workflow: { Status: ["NEW"] }, RecordState: ["ACTIVE"] } },
    });
    expect(topicOf(guardDuty?.name as string)).toBe("medicare-hub-audit-pages");
    const analyzer = fromRecovery("IAM Access Analyzer");
    expect(analyzer?.pattern.detail.findings).toMatchObject({ Region: ["us-west-2"], Workflow: { Status: ["NEW"] }, RecordState: ["ACTIVE"] });
    expect(topicOf(analyzer?.name as string)).toBe("medicare-hub-audit-tickets");
  });

  test("while prod's account id, its alert address or the state bucket's name are placeholders, every plan is refused", () => {
    const guard = resourcesOf(tf, "terraform_data")["placeholder-guard"];
    expect(guard).toBeDefined();
    const keys = (tf as unknown as { locals: Record<string, string[]> }).locals["placeholder-guard_placeholders"];
    expect([...keys].sort()).toEqual(["environments.prod.accountId", "environments.prod.alerts.email", "stateBackend.bucketName"]);
  });

  test("every alarm and rule of the stack has its runbook section", () => {
    const alerting = [...Object.values(resourcesOf(tf, "aws_cloudwatch_metric_alarm")), ...Object.values(resourcesOf(tf, "aws_cloudwatch_event_rule"))];
    const anchors = alerting.map((r) => r.tags.Runbook.replace("docs/runbooks.md#", ""));
    // The CIS alarms, then GuardDuty, Access Analyzer and Security Hub in us-east-2 and GuardDuty and Access Analyzer
    // findings of the recovery region.
    expect(anchors).toHaveLength(CIS_ALARMS.length + 5);
    // Each section opens with the severity its alarm or rule carries.
    expect(missingRunbookSections(alerting)).toEqual([]);
  });
});
