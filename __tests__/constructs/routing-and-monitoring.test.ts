/**
 * DNS routing and observability of the synthesized stacks: DNS stops sending users to a dead endpoint, and every
 * alarm reaches a human.
 */
import { DEFAULT_CONFIG } from "../../config/environments";
import type { EnvironmentName } from "../../config/schema";
import { environmentStackId } from "../../constructs/medicare-hub-stack";
import { HEALTH_CHECK_PATH } from "../../constructs/load-balancer";
import { MAINTENANCE_STATUS } from "../../constructs/maintenance-site";
import { dashboardBody } from "../../constructs/monitoring";
import { missingRunbookSections } from "../support/runbooks";
import { only, primaryRegion, readStackJson, refName, resourcesOf, synthApp, type SynthResult, type TerraformJson } from "../support/synth";

/**
 * The runbook sections docs/runbooks.md lacks for these alarms (each tagged with its section and severity), as
 * "<anchor> <severity>": a section is `## <anchor>` followed by its severity in bold.
 */
/** Domain records (not certificate validation records). */
function domainRecords(tf: TerraformJson, domain: string): any[] {
  return Object.values(resourcesOf(tf, "aws_route53_record")).filter((r) => r.name === domain);
}

/**
 * Route 53's check of the shallow /health on the primary region's load balancer: the one the primary region's failover
 * record carries and the route53-health-check alarm watches (prod's standby has a check of its own).
 */
const shallowCheck = (tf: TerraformJson): [string, any] => {
  const primaryLoadBalancers = resourcesOf(primaryRegion(tf), "aws_lb");
  const found = Object.entries(resourcesOf(tf, "aws_route53_health_check")).filter(
    ([, c]) => c.resource_path === "/health" && primaryLoadBalancers[refName(c.fqdn, "aws_lb")] !== undefined,
  );
  if (found.length !== 1) throw new Error(`expected one Route 53 check of /health on the primary region's load balancer, found ${found.length}`);
  return found[0];
};

describe("DNS routing and monitoring", () => {
  let result: SynthResult;
  const stack = (env: EnvironmentName) => readStackJson(result, environmentStackId(env));
  beforeAll(() => {
    result = synthApp();
  });

  describe("prod routing: failover to a maintenance page", () => {
    const config = DEFAULT_CONFIG.environments.prod;
    let tf: TerraformJson;
    let records: any[];
    let healthCheckName: string;
    beforeAll(() => {
      tf = stack("prod");
      records = domainRecords(tf, config.dns.domainName);
      [healthCheckName] = shallowCheck(tf);
    });

    test("an HTTPS health check of /health on the load balancer, fast interval, explicit threshold, latency measured", () => {
      const [, check] = shallowCheck(tf);
      expect(check).toMatchObject({
        type: "HTTPS",
        port: 443,
        resource_path: HEALTH_CHECK_PATH,
        request_interval: config.dns.healthCheck.requestIntervalSeconds,
        failure_threshold: config.dns.healthCheck.failureThreshold,
        measure_latency: true,
        enable_sni: true,
      });
      expect(refName(check.fqdn, "aws_lb")).toBe("load-balancer_alb");
    });

    test("the domain's A PRIMARY aliases the regions' pair in the same zone, evaluating its health, with no check of its own (no AAAA: the ALBs are IPv4-only)", () => {
      const primaries = records.filter((r) => r.failover_routing_policy?.type === "PRIMARY");
      expect(primaries.map((r) => r.type)).toEqual(["A"]);
      const [primary] = primaries;
      expect(primary.zone_id).toBe(config.dns.hostedZoneId);
      // Healthy while either region's record is: Route 53 judges the alias target, the pair, not a check of its own.
      expect(primary.health_check_id).toBeUndefined();
      expect(primary.alias).toMatchObject({ zone_id: config.dns.hostedZoneId, evaluate_target_health: true });
      const pair = resourcesOf(tf, "aws_route53_record")[refName(primary.alias.name, "aws_route53_record")];
      expect(pair).toMatchObject({ name: `regions.${config.dns.domainName}`, type: "A", zone_id: config.dns.hostedZoneId, failover_routing_policy: { type: "PRIMARY" } });
      // Both of the pair exist before the alias to their name does.
      const regions = Object.entries(resourcesOf(tf, "aws_route53_record")).filter(([, r]) => r.name === `regions.${config.dns.domainName}`);
      expect(regions.map(([, r]) => r.type)).toEqual(["A", "A"]);
      expect([...primary.depends_on].sort()).toEqual(regions.map(([name]) => `aws_route53_record.${name}`).sort());
      for (const lb of Object.values(resourcesOf(tf, "aws_lb"))) expect(lb.ip_address_type ?? "ipv4").toBe("ipv4");
    });

    test("the pair's PRIMARY carries the health check and aliases the primary region's load balancer, evaluating its health", () => {
      const [primary] = records.filter((r) => r.failover_routing_policy?.type === "PRIMARY");
      const pairPrimary = resourcesOf(tf, "aws_route53_record")[refName(primary.alias.name, "aws_route53_record")];
      expect(pairPrimary.health_check_id).toBe(`\${aws_route53_health_check.${healthCheckName}.id}`);
      expect(pairPrimary.alias).toEqual({ name: "${aws_lb.load-balancer_alb.dns_name}", zone_id: "${aws_lb.load-balancer_alb.zone_id}", evaluate_target_health: true });
      expect(resourcesOf(tf, "aws_lb")["load-balancer_alb"].provider).toBeUndefined();
    });

    test("the pair's SECONDARY aliases the recovery region's load balancer, with a health check of its own on it", () => {
      const secondaries = Object.values(resourcesOf(tf, "aws_route53_record")).filter(
        (r) => r.name === `regions.${config.dns.domainName}` && r.failover_routing_policy?.type === "SECONDARY",
      );
      expect(secondaries).toHaveLength(1);
      const [secondary] = secondaries;
      expect(secondary.zone_id).toBe(config.dns.hostedZoneId);
      const standbyAlb = refName(secondary.alias.name, "aws_lb");
      expect(resourcesOf(tf, "aws_lb")[standbyAlb].provider).toBe("aws.recovery");
      expect(tf.provider?.aws.find((p) => p.alias === "recovery")?.region).toBe("us-west-2");
      expect(secondary.alias).toEqual({ name: `\${aws_lb.${standbyAlb}.dns_name}`, zone_id: `\${aws_lb.${standbyAlb}.zone_id}`, evaluate_target_health: true });
      // A target group with no registered targets reads healthy to alias evaluation: the check is what fails it. It
      // probes the deep path: users move there only once the standby's instances reach their database and files.
      const checkName = refName(secondary.health_check_id, "aws_route53_health_check");
      expect(checkName).not.toBe(healthCheckName);
      const check = resourcesOf(tf, "aws_route53_health_check")[checkName];
      expect(check).toMatchObject({
        type: "HTTPS",
        port: 443,
        resource_path: "/health/deep",
        fqdn: `\${aws_lb.${standbyAlb}.dns_name}`,
        request_interval: config.dns.healthCheck.requestIntervalSeconds,
        failure_threshold: config.dns.healthCheck.failureThreshold,
        enable_sni: true,
        tags: { Name: "medicare-hub-prod-dr-alb-health" },
      });
    });

    test("an A SECONDARY record aliases the CloudFront maintenance page", () => {
      const [distributionName] = only(tf, "aws_cloudfront_distribution");
      const secondaries = records.filter((r) => r.failover_routing_policy?.type === "SECONDARY");
      expect(secondaries.map((r) => r.type)).toEqual(["A"]);
      for (const record of secondaries) {
        expect(refName(record.alias.name, "aws_cloudfront_distribution")).toBe(distributionName);
        expect(record.health_check_id).toBeUndefined();
      }
      expect(new Set(records.map((r) => r.set_identifier)).size).toBe(2);
    });

    test("the maintenance page: HTTPS with a us-east-1 certificate, a private bucket only this distribution reads", () => {
      const [, distribution] = only(tf, "aws_cloudfront_distribution");
      expect(distribution).toMatchObject({ enabled: true, aliases: [config.dns.domainName], is_ipv6_enabled: true });
      expect(distribution.default_cache_behavior.viewer_protocol_policy).toBe("redirect-to-https");
      expect(distribution.viewer_certificate).toMatchObject({ ssl_support_method: "sni-only", minimum_protocol_version: "TLSv1.2_2021" });
      const validation = resourcesOf(tf, "aws_acm_certificate_validation")[refName(distribution.viewer_certificate.acm_certificate_arn, "aws_acm_certificate_validation")];
      expect(validation.provider).toBe("aws.us-east-1");
      expect(tf.provider?.aws.find((p) => p.alias === "us-east-1")?.region).toBe("us-east-1");
      for (const response of distribution.custom_error_response) expect(response.response_code).toBe(MAINTENANCE_STATUS);

      const origin = distribution.origin[0];
      const [accessControlName, accessControl] = only(tf, "aws_cloudfront_origin_access_control");
      expect(origin.origin_access_control_id).toBe(`\${aws_cloudfront_origin_access_control.${accessControlName}.id}`);
      expect(accessControl).toMatchObject({ origin_access_control_origin_type: "s3", signing_behavior: "always", signing_protocol: "sigv4" });
      const bucketName = refName(origin.domain_name, "aws_s3_bucket");
      expect(resourcesOf(tf, "aws_s3_bucket_public_access_block")[`${bucketName}_public-access-block`]).toMatchObject({ block_public_policy: true, restrict_public_buckets: true });
      const read = (tf.data?.aws_iam_policy_document[`${bucketName}_policy-document`].statement as any[]).find((s) => s.effect === "Allow");
      expect(read).toMatchObject({ principals: [{ type: "Service", identifiers: ["cloudfront.amazonaws.com"] }], actions: ["s3:GetObject"] });
      expect(read.condition[0].values).toEqual(["${aws_cloudfront_distribution.dns_maintenance-site_distribution.arn}"]);
      // The object in the distribution's origin bucket (the canary's code is another object, in its own bucket).
      const page = Object.values(resourcesOf(tf, "aws_s3_object")).find((o) => refName(o.bucket, "aws_s3_bucket") === bucketName);
      expect(Buffer.from(page.content_base64, "base64").toString()).toMatch(/MediCare Hub is under maintenance/);
    });
  });

  describe("dev routing: no maintenance page", () => {
    test("a plain A alias to the load balancer, still health-checked for the alarm", () => {
      const config = DEFAULT_CONFIG.environments.dev;
      const tf = stack("dev");
      const records = domainRecords(tf, config.dns.domainName);
      expect(records.map((r) => r.type)).toEqual(["A"]);
      for (const record of records) {
        expect(record.failover_routing_policy).toBeUndefined();
        expect(record.alias.evaluate_target_health).toBe(true);
      }
      expect(resourcesOf(tf, "aws_cloudfront_distribution")).toEqual({});
      expect(Object.keys(resourcesOf(tf, "aws_route53_health_check")).sort()).toEqual(["dns_deep-health-check", "dns_health-check"]);
    });
  });

  describe.each(["prod", "dev"] as const)("%s monitoring", (env) => {
    const config = DEFAULT_CONFIG.environments[env];
    let tf: TerraformJson;
    let alarms: [string, any][];
    /** The primary region's layers (prod's standby in the recovery region has a group, load balancer and NATs of its own). */
    let primary: TerraformJson;
    beforeAll(() => {
      tf = stack(env);
      primary = primaryRegion(tf);
      alarms = Object.entries(resourcesOf(tf, "aws_cloudwatch_metric_alarm"));
    });

    test("alert topics encrypted with customer keys: pages in both regions, tickets (and prod's standby's, in the recovery region), each e-mailed to the on-call address (and prod's heartbeat)", () => {
      const topics = resourcesOf(tf, "aws_sns_topic");
      const heartbeat = config.alerts.heartbeatUrl ? [`medicare-hub-${env}-heartbeat`] : [];
      expect(env === "prod" ? heartbeat : []).toHaveLength(env === "prod" ? 1 : 0);
      // Prod's warm standby tickets where its metrics are: the recovery region, and us-east-1 for its Route 53 check.
      const standbyTickets = env === "prod" ? ["medicare-hub-prod-dr-tickets", "medicare-hub-prod-dr-tickets-us-east-1"] : [];
      expect(Object.values(topics).map((t) => t.name).sort()).toEqual(
        [`medicare-hub-${env}-alerts`, `medicare-hub-${env}-alerts-us-east-1`, ...standbyTickets, ...heartbeat, `medicare-hub-${env}-tickets`].sort(),
      );
      // The standby's tickets are raised where its metrics are.
      for (const name of standbyTickets) expect(Object.values(topics).find((t) => t.name === name)?.provider).toBe(name.endsWith("-us-east-1") ? "aws.us-east-1" : "aws.recovery");
      // SNS encrypts with a key of the topic's own region (provider), which rotates.
      const keys = resourcesOf(tf, "aws_kms_key");
      for (const topic of Object.values(topics)) {
        const key = keys[refName(topic.kms_master_key_id, "aws_kms_key")];
        expect({ topic: topic.name, provider: key?.provider, rotation: key?.enable_key_rotation }).toEqual({ topic: topic.name, provider: topic.provider, rotation: true });
      }
      const subscriptions = Object.values(resourcesOf(tf, "aws_sns_topic_subscription"));
      const expected = (topic: any) => (topic.name.endsWith("-heartbeat") ? ["https", config.alerts.heartbeatUrl] : ["email", config.alerts.email]);
      expect(subscriptions.map((s) => [s.protocol, s.endpoint])).toEqual(Object.values(topics).map(expected));
    });

    /** Every alarm, composite alarm and pattern event rule (the heartbeat's scheduled rule is no alarm: it has a runbook section, and no severity). */
    const alerting = () => [
      ...alarms.map(([, a]) => a),
      ...Object.values(resourcesOf(tf, "aws_cloudwatch_composite_alarm")),
      ...Object.values(resourcesOf(tf, "aws_cloudwatch_event_rule")).filter((r) => !r.schedule_expression),
    ];

    test("every alarm has a severity and a runbook section in docs/runbooks.md", () => {
      for (const alarm of alerting()) {
        expect(["page", "ticket"]).toContain(alarm.tags.Severity);
        expect(alarm.tags.Runbook.split("#")[0]).toBe("docs/runbooks.md");
      }
      expect(missingRunbookSections(alerting())).toEqual([]);
    });

    test("pages reach the page topic of their region, tickets the tickets topic of their region", () => {
      const topics = resourcesOf(tf, "aws_sns_topic");
      // By the alarm's region (its provider): the primary region, us-east-1 (Route 53's metrics), the recovery region.
      const ticketTopic = (provider?: string) =>
        provider === "aws.recovery" ? `medicare-hub-${env}-dr-tickets` : provider === "aws.us-east-1" ? `medicare-hub-${env}-dr-tickets-us-east-1` : `medicare-hub-${env}-tickets`;
      const pageTopic = (provider?: string) => (provider === "aws.us-east-1" ? `medicare-hub-${env}-alerts-us-east-1` : `medicare-hub-${env}-alerts`);
      for (const alarm of alerting()) {
        for (const action of alarm.alarm_actions ?? []) {
          const topic = topics[refName(action, "aws_sns_topic")];
          expect({ alarm: alarm.alarm_name, topic: topic.name }).toEqual({
            alarm: alarm.alarm_name,
            topic: alarm.tags.Severity === "ticket" ? ticketTopic(alarm.provider) : pageTopic(alarm.provider),
          });
        }
      }
      // No page in the recovery region: a standby that cannot serve is lost protection, not an outage.
      for (const alarm of alerting().filter((a) => a.provider === "aws.recovery")) expect({ alarm: alarm.alarm_name, severity: alarm.tags.Severity }).toEqual({ alarm: alarm.alarm_name, severity: "ticket" });
      // Users affected: a page. A routine replacement (one unhealthy target for a while) is a ticket.
      const severity = (name: string) => alarms.find(([, a]) => a.alarm_name === `medicare-hub-${env}-${name}`)?.[1].tags.Severity;
      expect([severity("alb-5xx-rate"), severity("healthy-hosts-below-desired"), severity("no-healthy-hosts"), severity("route53-health-check"), severity("unhealthy-hosts")]).toEqual(["page", "page", "page", "page", "ticket"]);
    });

    test("every Auto Scaling metric an alarm reads is the app group's, by reference; stuck below desired and at max are tickets", () => {
      const [groupKey] = only(primary, "aws_autoscaling_group");
      const asgMetrics = alarms.flatMap(([, a]) =>
        a.namespace === "AWS/AutoScaling" ? [a.dimensions] : (a.metric_query ?? []).filter((q: any) => q.metric?.namespace === "AWS/AutoScaling").map((q: any) => q.metric.dimensions),
      );
      expect(asgMetrics.length).toBeGreaterThanOrEqual(5);
      for (const d of asgMetrics) expect(d.AutoScalingGroupName).toBe(`\${aws_autoscaling_group.${groupKey}.name}`);
      const byName = (name: string) => alarms.find(([, a]) => a.alarm_name === `medicare-hub-${env}-${name}`)?.[1];
      const names = (a: any) => a.metric_query.filter((q: any) => q.metric).map((q: any) => q.metric.metric_name).sort();
      expect(names(byName("in-service-below-desired"))).toEqual(["GroupDesiredCapacity", "GroupInServiceInstances"]);
      expect(names(byName("at-max-capacity"))).toEqual(["GroupInServiceInstances", "GroupMaxSize"]);
      expect([byName("in-service-below-desired").tags.Severity, byName("at-max-capacity").tags.Severity]).toEqual(["ticket", "ticket"]);
    });

    test("tickets for what users do not see yet: each NAT gateway's port allocation errors, failed page deliveries, app logs that stop", () => {
      // The primary region's gateways; the standby's carry no user traffic until a failover.
      const nats = Object.keys(resourcesOf(primary, "aws_nat_gateway"));
      const natAlarms = alarms.map(([, a]) => a).filter((a) => a.metric_name === "ErrorPortAllocation");
      expect(natAlarms.map((a) => refName(a.dimensions.NatGatewayId, "aws_nat_gateway")).sort()).toEqual(nats.sort());
      for (const a of natAlarms) expect(a.tags.Severity).toBe("ticket");
      // Packet drops too, each gateway by reference, all three of its metrics on the same gateway.
      const dropAlarms = alarms.map(([, a]) => a).filter((a) => (a.metric_query ?? []).some((q: any) => q.metric?.metric_name === "PacketsDropCount"));
      const dropNats = dropAlarms.map((a) => {
        const gateways = new Set(a.metric_query.filter((q: any) => q.metric).map((q: any) => refName(q.metric.dimensions.NatGatewayId, "aws_nat_gateway")));
        expect(gateways.size).toBe(1);
        return [...gateways][0];
      });
      expect(dropNats.sort()).toEqual(nats.sort());
      const delivery = alarms.map(([, a]) => a).find((a) => a.metric_name === "NumberOfNotificationsFailed");
      const pageTopic = Object.values(resourcesOf(tf, "aws_sns_topic")).find((t) => !t.provider && t.name.endsWith("-alerts"));
      expect(delivery.dimensions).toEqual({ TopicName: pageTopic.name });
      // Told through the tickets topic: the page topic is the one failing.
      expect(resourcesOf(tf, "aws_sns_topic")[refName(delivery.alarm_actions[0], "aws_sns_topic")].name).toBe(`medicare-hub-${env}-tickets`);
      const logs = alarms.map(([, a]) => a).find((a) => a.metric_name === "IncomingLogEvents");
      expect(refName(logs.dimensions.LogGroupName, "aws_cloudwatch_log_group")).toBe("app-tier_log-group");
      expect(logs).toMatchObject({ comparison_operator: "LessThanThreshold", threshold: 1, treat_missing_data: "breaching" });
    });

    test("SLO burn-rate alerts: 14.4x over 1 h and 5 min, 6x over 6 h and 30 min page; 1x over a day and 6 h is a ticket", () => {
      const budget = 1 - config.alarms.availabilitySloPercent / 100;
      const composites = Object.values(resourcesOf(tf, "aws_cloudwatch_composite_alarm"));
      const byName = Object.fromEntries(alarms.map(([, a]) => [a.alarm_name, a]));
      const expected = [
        ["slo-fast-burn", 14.4, 3600, 300, "page"],
        ["slo-slow-burn", 6, 21600, 1800, "page"],
        ["slo-budget-burn", 1, 86400, 21600, "ticket"],
      ] as const;
      expect(composites.map((c) => c.alarm_name).sort()).toEqual(expected.map(([id]) => `medicare-hub-${env}-${id}`).sort());
      for (const [id, burn, long, short, severity] of expected) {
        const composite = composites.find((c) => c.alarm_name === `medicare-hub-${env}-${id}`);
        expect(composite.alarm_rule).toBe(`ALARM("medicare-hub-${env}-${id}-long") AND ALARM("medicare-hub-${env}-${id}-short")`);
        expect(composite.tags.Severity).toBe(severity);
        for (const [which, seconds] of [["long", long], ["short", short]] as const) {
          const window = byName[`medicare-hub-${env}-${id}-${which}`];
          expect(window.threshold).toBeCloseTo(burn * budget, 10);
          expect(window.metric_query.filter((q: any) => q.metric).map((q: any) => q.metric.period)).toEqual([seconds, seconds, seconds]);
          expect(window.alarm_actions).toBeUndefined();
        }
      }
    });

    test("disabling or scheduling the deletion of any key of this region pages, matched on the keys' ARNs by reference", () => {
      const [ruleKey, rule] = Object.entries(resourcesOf(tf, "aws_cloudwatch_event_rule")).find(([, r]) => r.name === `medicare-hub-${env}-kms-key-disabled`) ?? [];
      expect(rule.tags.Severity).toBe("page");
      // KMS's CloudTrail record of DisableKey names the key in resources[].ARN ("DisableKey", AWS KMS Developer Guide).
      const pattern = rule.event_pattern as string;
      expect(pattern).toMatch(/^\$\{jsonencode\(\{"source" = \["aws\.kms"\], "detail-type" = \["AWS API Call via CloudTrail"\]/);
      expect(pattern).toContain(`"eventName" = ["DisableKey", "ScheduleKeyDeletion"]`);
      const arns = (pattern.match(/"ARN" = \[([^\]]*)\]/)?.[1] ?? "").split(", ").sort();
      // Every key in this region (the default provider), whatever creates it: a new key must be watched too.
      const regionalKeys = Object.entries(resourcesOf(tf, "aws_kms_key")).filter(([, k]) => !k.provider).map(([name]) => `aws_kms_key.${name}.arn`);
      expect(arns).toEqual(regionalKeys.sort());
      expect(regionalKeys.length).toBeGreaterThanOrEqual(3);
      // It reaches the page topic.
      const target = Object.values(resourcesOf(tf, "aws_cloudwatch_event_target")).find((t) => refName(t.rule, "aws_cloudwatch_event_rule") === ruleKey);
      expect(resourcesOf(tf, "aws_sns_topic")[refName(target.arn, "aws_sns_topic")].name).toBe(`medicare-hub-${env}-alerts`);
    });

    test("failed backup jobs (ticket) and the database's low-storage events (page) reach their topics through EventBridge", () => {
      const rules = resourcesOf(tf, "aws_cloudwatch_event_rule");
      // The key rule's pattern holds references (jsonencode); its own test follows them.
      const patterns = Object.fromEntries(Object.entries(rules).filter(([, rule]) => typeof rule.event_pattern === "string" && rule.event_pattern.startsWith("{")).map(([name, rule]) => [name, JSON.parse(rule.event_pattern)]));
      const sources = Object.values(patterns).map((p: any) => `${p.source[0]} ${p["detail-type"][0]}`).sort();
      // A copy job failure rule only where recovery points are copied: prod, to its recovery region (dev copies nowhere).
      expect(config.backup.copyToRegion).toBeUndefined();
      expect(config.recovery.strategy).toBe(env === "prod" ? "warm-standby" : "off");
      expect(sources).toEqual([
        "aws.acm ACM Certificate Approaching Expiration",
        "aws.autoscaling EC2 Auto Scaling Instance Refresh Failed",
        "aws.autoscaling EC2 Instance Launch Unsuccessful",
        "aws.backup Backup Job State Change",
        ...(env === "prod" ? ["aws.backup Copy Job State Change"] : []),
        "aws.rds RDS DB Instance Event",
        "aws.rds RDS DB Instance Event",
      ]);
      // The group's launches and refreshes, by the name the group has.
      const [, group] = only(primary, "aws_autoscaling_group");
      for (const p of Object.values(patterns).filter((p: any) => p.source[0] === "aws.autoscaling")) expect((p as any).detail).toEqual({ AutoScalingGroupName: [group.name] });
      const failover: any = Object.values(patterns).find((p: any) => p.detail?.EventCategories?.[0] === "failover");
      expect(failover.detail.SourceArn).toEqual([{ suffix: `:db:medicare-hub-${env}-db` }]);
      const rds: any = Object.values(patterns).find((p: any) => p.source[0] === "aws.rds" && p.detail.EventCategories[0] === "low storage");
      const [, db] = only(primary, "aws_db_instance");
      // AWS's example RDS event: "SourceArn": "arn:aws:rds:<region>:<account>:db:<id>", "SourceIdentifier": "rds:<id>".
      expect(rds.detail).toEqual({ SourceArn: [{ suffix: `:db:${db.identifier}` }], EventCategories: ["low storage"] });
      expect(db.identifier).toBe(`medicare-hub-${env}-db`);
      const backup: any = Object.values(patterns).find((p: any) => p["detail-type"][0] === "Backup Job State Change");
      expect(backup.detail.state).toEqual(["FAILED", "ABORTED", "EXPIRED"]);

      // Low storage pages; a failed backup is a ticket. Each topic lets EventBridge publish for its own rules only.
      const topics = resourcesOf(tf, "aws_sns_topic");
      const topicOfName = (name: string) => Object.keys(topics).find((key) => topics[key].name === name) as string;
      const targets = Object.values(resourcesOf(tf, "aws_cloudwatch_event_target")).filter((t) => !rules[refName(t.rule, "aws_cloudwatch_event_rule")]?.schedule_expression);
      const patternRules = Object.keys(rules).filter((name) => !rules[name].schedule_expression);
      expect(targets.map((t) => refName(t.rule, "aws_cloudwatch_event_rule")).sort()).toEqual(patternRules.sort());
      const deliveredTo = (ruleName: string) => refName(targets.find((t) => refName(t.rule, "aws_cloudwatch_event_rule") === ruleName).arn, "aws_sns_topic");
      for (const name of patternRules) {
        const rule = rules[name];
        const topic = deliveredTo(name);
        expect(topic).toBe(topicOfName(rule.tags.Severity === "page" ? `medicare-hub-${env}-alerts` : `medicare-hub-${env}-tickets`));
        const topicPolicy = Object.values(resourcesOf(tf, "aws_sns_topic_policy")).find((p) => refName(p.arn, "aws_sns_topic") === topic);
        const statements: any[] = tf.data?.aws_iam_policy_document[refName(topicPolicy.policy, "data.aws_iam_policy_document")].statement;
        const events = statements.find((st) => st.principals[0].identifiers[0] === "events.amazonaws.com");
        expect(events.condition[0]).toMatchObject({ test: "ArnEquals", variable: "aws:SourceArn" });
        expect(events.condition[0].values).toContain(`\${aws_cloudwatch_event_rule.${name}.arn}`);
      }
      expect(Object.values(rules).find((r) => JSON.parse(r.event_pattern).detail?.EventCategories?.[0] === "low storage").tags.Severity).toBe("page");
      const pageTopic = topicOfName(`medicare-hub-${env}-alerts`);
      const topicPolicy = Object.values(resourcesOf(tf, "aws_sns_topic_policy")).find((p) => refName(p.arn, "aws_sns_topic") === pageTopic);
      const statements: any[] = tf.data?.aws_iam_policy_document[refName(topicPolicy.policy, "data.aws_iam_policy_document")].statement;
      const alarmsStatement = statements.find((st) => st.principals[0].identifiers[0] === "cloudwatch.amazonaws.com");
      expect(alarmsStatement.condition.map((c: any) => c.variable)).toEqual(["aws:SourceAccount", "aws:SourceArn"]);
    });

    test("each alerts topic has a key of its own, which CloudWatch may use only for this account's alarms of this environment", () => {
      const keys = resourcesOf(tf, "aws_kms_key");
      const topics = Object.values(resourcesOf(tf, "aws_sns_topic"));
      const topicKeys = topics.map((t) => refName(t.kms_master_key_id, "aws_kms_key"));
      // One per region with a topic: the primary region, us-east-1 (Route 53's metrics) and prod's recovery region.
      expect(new Set(topicKeys).size).toBe(env === "prod" ? 3 : 2);
      expect(new Set(topics.map((t) => t.provider)).size).toBe(new Set(topicKeys).size);
      for (const [i, keyName] of topicKeys.entries()) {
        expect(keyName).not.toMatch(/^encryption_/);
        const statements: any[] = tf.data?.aws_iam_policy_document[refName(keys[keyName].policy, "data.aws_iam_policy_document")].statement;
        const cloudwatch = statements.find((st) => st.principals[0].identifiers[0] === "cloudwatch.amazonaws.com");
        expect(cloudwatch.actions).toEqual(["kms:Decrypt", "kms:GenerateDataKey*"]);
        expect(cloudwatch.condition).toEqual([
          { test: "StringEquals", variable: "aws:SourceAccount", values: [config.accountId] },
          { test: "ArnLike", variable: "aws:SourceArn", values: [`arn:\${data.aws_partition.partition.partition}:cloudwatch:*:${config.accountId}:alarm:medicare-hub-${env}-*`] },
        ]);
        // EventBridge publishes to the regional topic only; its KMS calls carry no source keys to scope it by.
        const events = statements.filter((st) => st.principals[0].identifiers[0] === "events.amazonaws.com");
        expect(events).toHaveLength(topics[i].provider ? 0 : 1);
      }
    });

    test("every alarm notifies a topic in its own region on alarm and on recovery (a burn-rate window through its composite), and says what to do", () => {
      const topics = resourcesOf(tf, "aws_sns_topic");
      expect(alarms.length).toBeGreaterThanOrEqual(12);
      for (const [, alarm] of alarms) {
        if (/-(long|short)$/.test(alarm.alarm_name)) continue;
        expect(alarm.alarm_actions).toHaveLength(1);
        expect(alarm.ok_actions).toEqual(alarm.alarm_actions);
        const topic = topics[refName(alarm.alarm_actions[0], "aws_sns_topic")];
        expect(topic.provider).toBe(alarm.provider);
        expect(alarm.alarm_description).toMatch(/\. (Check|Look|Read|The Auto Scaling|Storage autoscaling)/);
      }
    });

    test("at least one alarm per layer: load balancer, app tier, database, file system, DNS, the outside-in canaries (and WAF in prod)", () => {
      const namespaces = new Set(
        alarms.flatMap(([, a]) => (a.namespace ? [a.namespace] : (a.metric_query as any[]).filter((q) => q.metric).map((q) => q.metric.namespace))),
      );
      // The layers, plus what keeps the alarms themselves honest: NAT port errors, failed page deliveries, silent app logs,
      // and the canaries that see what only a user outside sees.
      const expected = ["AWS/ApplicationELB", "AWS/AutoScaling", "AWS/RDS", "AWS/EFS", "AWS/Route53", "AWS/NATGateway", "AWS/SNS", "AWS/Logs", "CloudWatchSynthetics"];
      if (config.loadBalancer.waf) expected.push("AWS/WAFV2");
      expect([...namespaces].sort()).toEqual(expected.sort());
    });

    test("the Route 53 alarms live in us-east-1, where the health checks' metrics are: one per check of the primary region's load balancer, each by reference", () => {
      // Prod's warm standby's reachability check is alarmed too (below).
      const route53 = alarms.filter(([, a]) => a.namespace === "AWS/Route53" && a.alarm_name !== `medicare-hub-${env}-dr-standby-unreachable`);
      expect(route53).toHaveLength(2);
      for (const [, a] of route53) {
        expect(a).toMatchObject({ provider: "aws.us-east-1", metric_name: "HealthCheckStatus", comparison_operator: "LessThanThreshold", threshold: 1, treat_missing_data: "breaching" });
        expect(a.tags.Severity).toBe("page");
      }
      const checks = resourcesOf(tf, "aws_route53_health_check");
      const primaryLoadBalancers = resourcesOf(primary, "aws_lb");
      const probesPrimary = (name: string) => primaryLoadBalancers[refName(checks[name].fqdn, "aws_lb")] !== undefined;
      expect(route53.map(([, a]) => refName(a.dimensions.HealthCheckId, "aws_route53_health_check")).sort()).toEqual(Object.keys(checks).filter(probesPrimary).sort());
      // Prod's standby check: the standby's readiness is watched in the recovery region by dr-standby-unhealthy, on the
      // target group of the load balancer that check probes.
      const standbyChecks = Object.keys(checks).filter((name) => !probesPrimary(name) && checks[name].tags.Name !== `medicare-hub-${env}-dr-alb-reachable`);
      expect(standbyChecks).toHaveLength(env === "prod" ? 1 : 0);
      // Its reachability check (shallow, the public path) tickets from us-east-1.
      const reachability = Object.entries(checks).filter(([, c]) => c.tags.Name === `medicare-hub-${env}-dr-alb-reachable`);
      expect(reachability).toHaveLength(env === "prod" ? 1 : 0);
      for (const [name] of reachability) {
        const unreachable = alarms.find(([, a]) => a.alarm_name === `medicare-hub-${env}-dr-standby-unreachable`)?.[1];
        expect(unreachable).toMatchObject({ provider: "aws.us-east-1", tags: { Severity: "ticket" }, dimensions: { HealthCheckId: `\${aws_route53_health_check.${name}.id}` } });
      }
      for (const name of standbyChecks) {
        const unhealthy = alarms.find(([, a]) => a.alarm_name === `medicare-hub-${env}-dr-standby-unhealthy`)?.[1];
        expect(unhealthy).toMatchObject({ provider: "aws.recovery", metric_name: "HealthyHostCount" });
        expect(unhealthy.dimensions.LoadBalancer).toBe(`\${aws_lb.${refName(checks[name].fqdn, "aws_lb")}.arn_suffix}`);
      }
    });

    test("the deep check (/health/deep: database and files) feeds an alarm only: no record, and not the target group's health check", () => {
      const checks = Object.entries(resourcesOf(tf, "aws_route53_health_check"));
      const [deepName, deep] = checks.find(([, c]) => c.resource_path === "/health/deep") ?? [];
      expect(deep).toMatchObject({ type: "HTTPS", port: 443 });
      // The primary region's load balancer: the standby's database is only restored at failover.
      const [albName] = only(primary, "aws_lb");
      expect(refName(deep.fqdn, "aws_lb")).toBe(albName);
      for (const record of Object.values(resourcesOf(tf, "aws_route53_record"))) expect(String(record.health_check_id ?? "")).not.toContain(deepName as string);
      const [, group] = only(primary, "aws_lb_target_group");
      expect(group.health_check.path).toBe("/health");
      // The instances learn the database to probe from their tags, by reference.
      const [, template] = only(primary, "aws_launch_template");
      const tags = template.tag_specifications.find((t: any) => t.resource_type === "instance").tags;
      const [dbName] = only(primary, "aws_db_instance");
      expect(refName(tags.DatabaseAddress, "aws_db_instance")).toBe(dbName);
      expect(refName(tags.DatabasePort, "aws_db_instance")).toBe(dbName);
    });

    test("thresholds come from config: in-service instances below the group minimum alarm; no healthy host at all pages; the 5xx rates", () => {
      // The primary region's alarms (prod's standby has a HealthyHostCount alarm of its own, in the recovery region).
      const primaryAlarms = Object.entries(resourcesOf(primary, "aws_cloudwatch_metric_alarm"));
      const byMetric = (name: string) => primaryAlarms.find(([, a]) => a.metric_name === name)?.[1];
      expect(byMetric("HealthyHostCount")).toMatchObject({ comparison_operator: "LessThanThreshold", threshold: 1, treat_missing_data: "breaching" });
      // The healthy-target shortfall waits two boots (the group's warmup: launch to serving at worst), at least 10
      // one-minute periods.
      const warmup = only(primary, "aws_autoscaling_group")[1].default_instance_warmup;
      expect(warmup).toBeGreaterThan(config.app.bootstrapSeconds);
      const shortfall = primaryAlarms.find(([, a]) => a.alarm_name === `medicare-hub-${env}-healthy-hosts-below-desired`)?.[1];
      expect(shortfall).toMatchObject({ threshold: 1, evaluation_periods: Math.max(10, Math.ceil((2 * warmup) / 60)) });
      expect(shortfall.datapoints_to_alarm).toBe(shortfall.evaluation_periods);
      expect(byMetric("GroupInServiceInstances")).toMatchObject({ comparison_operator: "LessThanThreshold", threshold: config.app.minCapacity });
      expect(byMetric("UnHealthyHostCount")).toMatchObject({ comparison_operator: "GreaterThanThreshold", threshold: 0 });
      const p99 = primaryAlarms.find(([, a]) => a.alarm_name === `medicare-hub-${env}-p99-latency`)?.[1];
      expect(p99).toMatchObject({ comparison_operator: "GreaterThanThreshold", threshold: config.alarms.p99LatencyMilliseconds / 1000 });
      expect(p99.metric_query.find((q: any) => q.metric?.metric_name === "TargetResponseTime").metric).toMatchObject({ stat: "p99", namespace: "AWS/ApplicationELB" });
      expect(byMetric("CPUUtilization")).toMatchObject({ threshold: config.alarms.databaseCpuPercent });
      const rates = primaryAlarms.filter(([, a]) => /-5xx-rate$/.test(a.alarm_name)).map(([, a]) => a);
      expect(rates).toHaveLength(2);
      for (const rate of rates) expect(rate.threshold).toBe(config.alarms.http5xxRatePercent);
    });

    test("a dashboard shows the same signals", () => {
      const [, dashboard] = only(tf, "aws_cloudwatch_dashboard");
      expect(dashboard.dashboard_body).toMatch(/^\$\{jsonencode\(/);
    });

    test(`log groups are encrypted and kept ${config.logRetentionDays} days${env === "prod" ? " (a year, for audit)" : ""}`, () => {
      const groups = Object.values(resourcesOf(tf, "aws_cloudwatch_log_group"));
      expect(groups.length).toBeGreaterThanOrEqual(env === "prod" ? 5 : 4);
      for (const group of groups) {
        expect(group.retention_in_days).toBe(config.logRetentionDays);
        // Under the storage key of the group's region: prod's standby logs in the recovery region under a key there.
        expect({ group: group.name, key: refName(group.kms_key_id, "aws_kms_key") }).toEqual({
          group: group.name,
          key: group.provider === "aws.recovery" ? "recovery_keys_storage-key" : "encryption_storage-key",
        });
      }
      if (env === "prod") expect(config.logRetentionDays).toBeGreaterThanOrEqual(365);
    });
  });
});

test("the dashboard has a widget per layer, the DNS one reading us-east-1", () => {
  const resources = {
    loadBalancerArnSuffix: "app/alb/1",
    targetGroupArnSuffix: "targetgroup/tg/2",
    autoScalingGroupName: "asg",
    databaseIdentifier: "db",
    fileSystemId: "fs-1",
    healthCheckId: "hc-1",
    webAclName: "waf",
  };
  const body = dashboardBody({ region: "us-east-2", resources } as Parameters<typeof dashboardBody>[0]) as { widgets: any[] };
  const namespaces = body.widgets.flatMap((w) => w.properties.metrics.map((m: string[]) => m[0]));
  expect(new Set(namespaces)).toEqual(new Set(["AWS/ApplicationELB", "AWS/AutoScaling", "AWS/RDS", "AWS/EFS", "AWS/Route53", "AWS/WAFV2"]));
  expect(body.widgets.find((w) => w.properties.metrics[0][0] === "AWS/Route53").properties.region).toBe("us-east-1");
});

describe("the alerting path's heartbeat (alerts.heartbeatUrl): a dead man's switch", () => {
  // The committed prod configuration carries a heartbeat (a placeholder URL); dev carries none. Both from the shared synth.
  const url = "https://heartbeat.medicare-hub.example/medicare-hub-prod";
  const synthesized = (env: EnvironmentName): TerraformJson => readStackJson(synthApp(), environmentStackId(env));

  test("every 5 minutes EventBridge publishes to a topic under the alerts key, subscribed by the check URL", () => {
    const tf = synthesized("prod");
    const [ruleKey, rule] = Object.entries(resourcesOf(tf, "aws_cloudwatch_event_rule")).find(([, r]) => r.name === "medicare-hub-prod-heartbeat") ?? [];
    expect(rule.schedule_expression).toBe("rate(5 minutes)");
    const target = Object.values(resourcesOf(tf, "aws_cloudwatch_event_target")).find((t) => refName(t.rule, "aws_cloudwatch_event_rule") === ruleKey);
    const topicKey = refName(target.arn, "aws_sns_topic");
    const topics = resourcesOf(tf, "aws_sns_topic");
    // The same key as the page topic: the heartbeat proves the path pages take.
    const pageTopic = Object.values(topics).find((t) => t.name === "medicare-hub-prod-alerts");
    expect(topics[topicKey].kms_master_key_id).toBe(pageTopic.kms_master_key_id);
    const subscriptions = Object.values(resourcesOf(tf, "aws_sns_topic_subscription")).filter((s) => refName(s.topic_arn, "aws_sns_topic") === topicKey);
    expect(subscriptions.map((s) => [s.protocol, s.endpoint])).toEqual([["https", url]]);
    // Its topic lets EventBridge publish for this rule only.
    const policy = Object.values(resourcesOf(tf, "aws_sns_topic_policy")).find((p) => refName(p.arn, "aws_sns_topic") === topicKey);
    const document = (tf.data as any).aws_iam_policy_document[String(policy.policy).match(/data\.aws_iam_policy_document\.([\w-]+)\.json/)?.[1] as string];
    const events = document.statement.find((s: any) => s.principals?.[0]?.identifiers?.includes("events.amazonaws.com"));
    expect(events.condition[0].values).toEqual([`\${aws_cloudwatch_event_rule.${ruleKey}.arn}`]);
  });

  test("without a URL (dev) there is no heartbeat rule or topic", () => {
    const tf = synthesized("dev");
    expect(Object.values(resourcesOf(tf, "aws_cloudwatch_event_rule")).map((r) => r.name)).not.toContain("medicare-hub-dev-heartbeat");
    expect(Object.values(resourcesOf(tf, "aws_sns_topic")).map((t) => t.name)).not.toContain("medicare-hub-dev-heartbeat");
    expect(Object.values(resourcesOf(tf, "aws_sns_topic")).map((t) => t.name)).toContain("medicare-hub-dev-alerts");
  });
});
