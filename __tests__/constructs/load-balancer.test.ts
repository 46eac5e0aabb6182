/**
 * The load balancer of the synthesized environment stacks: where it sits, what it accepts, how fast it notices a dead
 * instance, where it logs, and (prod) the firewall in front of it.
 */
import { Testing, TerraformStack } from "cdktf";
import { LbTargetGroup, type LbTargetGroupConfig } from "@cdktf/provider-aws/lib/lb-target-group";
import { DEFAULT_CONFIG } from "../../config/environments";
import type { EnvironmentName } from "../../config/schema";
import { environmentStackId } from "../../constructs/medicare-hub-stack";
import { StackView } from "../../constructs/policy/rule";
import { rule as targetTls } from "../../constructs/policy/rules/load-balancing/target-tls";
import { MANAGED_RULE_GROUPS, REDACTED_HEADERS, WebFirewall, type WebFirewallProps } from "../../constructs/web-firewall";
import { readAnnotations } from "../../synth-output";
import { only, primaryRegion, readStackJson, refName, resourcesOf, synthApp, type SynthResult, type TerraformJson } from "../support/synth";

describe("load balancer", () => {
  let result: SynthResult;
  const stack = (env: EnvironmentName) => readStackJson(result, environmentStackId(env));

  beforeAll(() => {
    result = synthApp();
  });

  describe("prod", () => {
    const config = DEFAULT_CONFIG.environments.prod;
    let tf: TerraformJson;
    let albName: string;
    let alb: any;
    beforeAll(() => {
      // The primary region's load balancer: the standby's, in the recovery region, is standby.test.ts's.
      tf = primaryRegion(stack("prod"));
      [albName, alb] = only(tf, "aws_lb");
    });

    test("an internet-facing ALB with a node in the public subnet of every AZ, behind the ALB security group", () => {
      expect(alb).toMatchObject({ internal: false, load_balancer_type: "application" });
      const subnets = resourcesOf(tf, "aws_subnet");
      const placed = alb.subnets.map((id: string) => subnets[refName(id, "aws_subnet")]);
      expect(placed.map((s: any) => s.tags.Tier)).toEqual(config.availabilityZones.map(() => "public"));
      expect(placed.map((s: any) => s.availability_zone).sort()).toEqual([...config.availabilityZones].sort());
      expect(alb.security_groups.map((id: string) => refName(id, "aws_security_group"))).toEqual(["security-groups_alb"]);
    });

    test("drops invalid headers, mitigates desync, is deletion-protected and times idle connections out as configured", () => {
      expect(alb.drop_invalid_header_fields).toBe(true);
      expect(["defensive", "strictest"]).toContain(alb.desync_mitigation_mode);
      expect(alb.enable_deletion_protection).toBe(true);
      expect(alb.idle_timeout).toBe(config.loadBalancer.idleTimeoutSeconds);
    });

    test("logs every request to a dedicated, private, TLS-only, versioned bucket that the regional ELB account may write", () => {
      expect(alb.access_logs).toMatchObject({ enabled: true });
      const bucketName = refName(alb.access_logs.bucket, "aws_s3_bucket");
      const bucket = resourcesOf(tf, "aws_s3_bucket")[bucketName];
      expect(bucket.bucket).toContain(config.accountId);
      expect(resourcesOf(tf, "aws_s3_bucket_versioning")[`${bucketName}_versioning`].versioning_configuration).toEqual({ status: "Enabled" });
      // ALB access logging supports SSE-S3 only.
      expect(resourcesOf(tf, "aws_s3_bucket_server_side_encryption_configuration")[`${bucketName}_encryption`].rule).toEqual([
        { apply_server_side_encryption_by_default: { sse_algorithm: "AES256" } },
      ]);
      expect(resourcesOf(tf, "aws_s3_bucket_public_access_block")[`${bucketName}_public-access-block`]).toMatchObject({
        block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true,
      });
      const lifecycle = resourcesOf(tf, "aws_s3_bucket_lifecycle_configuration")[`${bucketName}_lifecycle`];
      expect(lifecycle.rule.find((r: any) => r.expiration).expiration).toEqual([{ days: config.logRetentionDays }]);
      const statements: any[] = tf.data?.aws_iam_policy_document[`${bucketName}_policy-document`].statement;
      expect(statements).toContainEqual(expect.objectContaining({ effect: "Deny", condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }] }));
      const delivery = statements.find((s) => s.effect === "Allow");
      const elbAccounts = Object.keys(tf.data?.aws_elb_service_account ?? {});
      expect(elbAccounts).toHaveLength(1);
      expect(delivery.principals).toEqual([{ type: "AWS", identifiers: [`\${data.aws_elb_service_account.${elbAccounts[0]}.arn}`] }]);
      expect(delivery.actions).toEqual(["s3:PutObject"]);
      expect(delivery.resources).toEqual([expect.stringContaining(`/${alb.access_logs.prefix}/AWSLogs/${config.accountId}/*`)]);
      expect(alb.depends_on).toContain(`aws_s3_bucket_policy.${bucketName}_policy`);
    });

    test("the target group checks /health over HTTPS on the app port with the configured timing and drains quickly", () => {
      const [, group] = only(tf, "aws_lb_target_group");
      const check = config.loadBalancer.healthCheck;
      expect(group).toMatchObject({ port: config.app.port, protocol: "HTTPS", target_type: "instance", deregistration_delay: String(config.loadBalancer.deregistrationDelaySeconds) });
      expect(group.health_check).toEqual({
        enabled: true,
        path: "/health",
        protocol: "HTTPS",
        port: "traffic-port",
        matcher: "200",
        interval: check.intervalSeconds,
        timeout: check.timeoutSeconds,
        healthy_threshold: check.healthyThreshold,
        unhealthy_threshold: check.unhealthyThreshold,
      });
      expect(check.intervalSeconds * check.unhealthyThreshold).toBeLessThanOrEqual(30);
    });

    test("the target group speaks HTTPS to the port and health path that its instances' user data serves over TLS", () => {
      // Followed, not assumed: target group <- the Auto Scaling Group -> its launch template -> the user data it boots.
      const [groupName, group] = only(tf, "aws_lb_target_group");
      const [, asg] = only(tf, "aws_autoscaling_group");
      expect(asg.target_group_arns).toEqual([`\${aws_lb_target_group.${groupName}.arn}`]);
      const template = resourcesOf(tf, "aws_launch_template")[refName(asg.launch_template.id, "aws_launch_template")];
      const served = servedBy(Buffer.from(template.user_data, "base64").toString("utf8"));

      expect(group.protocol).toBe("HTTPS");
      expect(group.health_check.protocol).toBe("HTTPS");
      expect(served.scheme).toBe("https");
      expect(group.port).toBe(served.port);
      expect(group.health_check.port).toBe("traffic-port");
      expect(group.health_check.path).toBe(served.healthPath);
      expect(group.health_check.matcher).toBe("200");
    });

    test("a protocol change can replace the target group while the listener still uses it (new one first, its own name)", () => {
      const [, group] = only(tf, "aws_lb_target_group");
      expect(group.lifecycle).toEqual({ create_before_destroy: true });
      expect(group.name).toBe("medicare-hub-prod-app-https");
      expect(group.name.length).toBeLessThanOrEqual(32);
    });

    test("HTTPS on 443 with a TLS 1.3 policy and the DNS-validated certificate forwards to the app target group", () => {
      const listeners = Object.values(resourcesOf(tf, "aws_lb_listener"));
      const https = listeners.find((l) => l.port === 443);
      expect(https).toMatchObject({ protocol: "HTTPS", ssl_policy: expect.stringMatching(/^ELBSecurityPolicy-TLS13-/) });
      expect(refName(https.load_balancer_arn, "aws_lb")).toBe(albName);
      expect(https.certificate_arn).toMatch(/^\$\{aws_acm_certificate_validation\.[\w-]+\.certificate_arn\}$/);
      expect(https.default_action).toEqual([{ type: "forward", target_group_arn: expect.stringMatching(/^\$\{aws_lb_target_group\./) }]);
    });

    test("HTTP on 80 answers every request with a 301 to HTTPS", () => {
      const http = Object.values(resourcesOf(tf, "aws_lb_listener")).find((l) => l.port === 80);
      expect(http.protocol).toBe("HTTP");
      expect(http.default_action).toEqual([{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", status_code: "HTTP_301" } }]);
    });

    test("no security group lets the internet reach the app port", () => {
      const open = Object.values(resourcesOf(tf, "aws_vpc_security_group_ingress_rule")).filter((r) => r.cidr_ipv4 || r.cidr_ipv6 || r.prefix_list_id);
      for (const rule of open) {
        expect(rule.from_port).not.toBe(config.app.port);
        expect(refName(rule.security_group_id, "aws_security_group")).toBe("security-groups_alb");
      }
    });

    test("a WAF web ACL with a rate limit and AWS's IP reputation, common and known-bad-inputs rules is associated to the ALB", () => {
      const [aclName, acl] = only(tf, "aws_wafv2_web_acl");
      expect(acl).toMatchObject({ scope: "REGIONAL", default_action: { allow: {} } });
      const rules = JSON.parse(acl.rule_json);
      const managed = rules.filter((r: any) => r.Statement.ManagedRuleGroupStatement).map((r: any) => r.Statement.ManagedRuleGroupStatement);
      expect(managed).toEqual(MANAGED_RULE_GROUPS.map((name) => ({ VendorName: "AWS", Name: name })));
      const rate = rules.find((r: any) => r.Statement.RateBasedStatement);
      expect(rate.Statement.RateBasedStatement).toMatchObject({ Limit: config.loadBalancer.wafRateLimitPer5Minutes, AggregateKeyType: "IP" });
      expect(rate.Action).toEqual({ Block: {} });
      expect(new Set(rules.map((r: any) => r.Priority)).size).toBe(rules.length);
      const [, association] = only(tf, "aws_wafv2_web_acl_association");
      expect(refName(association.resource_arn, "aws_lb")).toBe(albName);
      expect(refName(association.web_acl_arn, "aws_wafv2_web_acl")).toBe(aclName);
    });

    test("WAF logs go to an encrypted aws-waf-logs- group, with credentials redacted", () => {
      const [, logging] = only(tf, "aws_wafv2_web_acl_logging_configuration");
      const group = resourcesOf(tf, "aws_cloudwatch_log_group")[refName(logging.log_destination_configs[0], "aws_cloudwatch_log_group")];
      expect(group.name).toMatch(/^aws-waf-logs-/);
      expect(group.retention_in_days).toBe(config.logRetentionDays);
      expect(refName(group.kms_key_id, "aws_kms_key")).toBe("encryption_storage-key");
      expect(logging.redacted_fields.map((f: any) => f.single_header.name).sort()).toEqual([...REDACTED_HEADERS].sort());
    });
  });

  describe("dev", () => {
    test("no WAF, and synth says so; the ALB is not deletion-protected", () => {
      const tf = stack("dev");
      expect(resourcesOf(tf, "aws_wafv2_web_acl")).toEqual({});
      expect(resourcesOf(tf, "aws_wafv2_web_acl_association")).toEqual({});
      expect(Object.values(resourcesOf(tf, "aws_lb"))[0].enable_deletion_protection).toBe(false);
      expect(readAnnotations(result.outdir)).toContainEqual(
        expect.objectContaining({ stack: "medicare-hub-dev", constructPath: "medicare-hub-dev/load-balancer", message: expect.stringMatching(/waf is false/) }),
      );
    });
  });
});

/**
 * What the instances' user data serves: the port the web service binds (APP_PORT, from the preamble into the systemd
 * unit into server.py), the path the bootstrap's own readiness check asks for (which server.py answers with 200), and
 * whether that check, and so the service, speaks TLS.
 */
function servedBy(userData: string): { port: number; healthPath: string; scheme: string } {
  const exported = /^export APP_PORT='(\d+)'$/m.exec(userData);
  const readiness = /curl [^\n]*"(https?):\/\/127\.0\.0\.1:\$\{APP_PORT\}(\/[^"]*)"/.exec(userData);
  if (!exported || !readiness) throw new Error("the user data exports no APP_PORT, or checks no local health URL");
  expect(userData).toContain("Environment=APP_PORT=${APP_PORT}");
  expect(userData).toMatch(/^PORT = int\(os\.environ\["APP_PORT"\]\)$/m);
  expect(userData).toMatch(/Server\(\(["']{2}, PORT\)/);
  const [, scheme, healthPath] = readiness;
  const literal = healthPath.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  expect(userData).toMatch(new RegExp(`self\\.path == "${literal}":\\n(?:\\s*#.*\\n)*\\s*self\\.reply\\(200,`));
  if (scheme === "https") expect(userData).toMatch(/context\.wrap_socket\(self\.socket, server_side=True/);
  return { port: Number(exported[1]), healthPath, scheme };
}

describe("guardrail MH-ELB-9: target groups reach their targets over HTTPS", () => {
  const evaluate = (config: Partial<LbTargetGroupConfig>) => {
    const stack = new TerraformStack(Testing.app(), "probe");
    new LbTargetGroup(stack, "tg", { port: 8080, vpcId: "vpc-1", ...config });
    return targetTls.evaluate(new StackView("probe", JSON.parse(Testing.synth(stack))));
  };

  test("HTTPS traffic and HTTPS health checks comply", () => {
    expect(evaluate({ protocol: "HTTPS", healthCheck: { protocol: "HTTPS", path: "/health" } })).toEqual([
      { status: "compliant", address: "aws_lb_target_group.tg", reason: "compliant" },
    ]);
  });

  test("plain HTTP to the targets is refused, naming both the traffic and the (default HTTP) health checks", () => {
    const [result] = evaluate({ protocol: "HTTP" });
    expect(result.status).toBe("non-compliant");
    expect(result.reason).toBe("requests go to the targets over HTTP; health checks go to the targets over HTTP");
  });

  test("HTTPS traffic with health checks left at their default (HTTP) is refused", () => {
    expect(evaluate({ protocol: "HTTPS", healthCheck: { path: "/health" } })).toEqual([
      { status: "non-compliant", address: "aws_lb_target_group.tg", reason: "health checks go to the targets over HTTP" },
    ]);
  });

  test("Network Load Balancer and Lambda target groups are not its business", () => {
    expect(evaluate({ protocol: "TCP" }).map((f) => f.status)).toEqual(["not-applicable"]);
    expect(evaluate({ targetType: "lambda", port: undefined, vpcId: undefined }).map((f) => f.status)).toEqual(["not-applicable"]);
  });
});

describe("WAF switches for a hospital's traffic", () => {
  const synthFirewall = (extra: Partial<WebFirewallProps>): TerraformJson => {
    const stack = new TerraformStack(Testing.app(), "test");
    new WebFirewall(stack, "waf", {
      environment: "prod",
      accountId: "210987654321",
      region: "us-east-2",
      partition: "aws",
      resourceArn: "arn:aws:elasticloadbalancing:us-east-2:210987654321:loadbalancer/app/x/1",
      rateLimitPer5Minutes: 2000,
      logKey: { arn: "arn:key" },
      logRetentionDays: 365,
      ...extra,
    });
    return JSON.parse(Testing.synth(stack)) as TerraformJson;
  };
  const rulesOf = (tf: TerraformJson) => JSON.parse(only(tf, "aws_wafv2_web_acl")[1].rule_json);

  test("by default bodies over 8 KB are blocked by the Common Rule Set and every IP is rate-limited", () => {
    const tf = synthFirewall({});
    const common = rulesOf(tf).find((r: any) => r.Name === "AWSManagedRulesCommonRuleSet");
    expect(common.Statement.ManagedRuleGroupStatement.RuleActionOverrides).toBeUndefined();
    expect(rulesOf(tf)[0].Statement.RateBasedStatement.ScopeDownStatement).toBeUndefined();
    expect(resourcesOf(tf, "aws_wafv2_ip_set")).toEqual({});
  });

  test('"count" lets large uploads through SizeRestrictions_BODY only; exempt CIDRs are not counted by the rate limit', () => {
    const tf = synthFirewall({ largeRequestBodies: "count", rateLimitExemptCidrs: ["203.0.113.0/24"] });
    // With the set's ARN inside, Terraform's jsonencode builds the rules (cdktf would write invalid HCL otherwise).
    const rules: string = only(tf, "aws_wafv2_web_acl")[1].rule_json;
    expect(rules).toMatch(/^\$\{jsonencode\(/);
    const [setName, set] = only(tf, "aws_wafv2_ip_set");
    expect(set).toMatchObject({ scope: "REGIONAL", ip_address_version: "IPV4", addresses: ["203.0.113.0/24"] });
    expect(rules.replace(/\s/g, "")).toContain(
      `"ScopeDownStatement"={"NotStatement"={"Statement"={"IPSetReferenceStatement"={"ARN"=aws_wafv2_ip_set.${setName}.arn}}}}`,
    );
    expect(rules.replace(/\s/g, "")).toContain(`"RuleActionOverrides"=[{"Name"="SizeRestrictions_BODY","ActionToUse"={"Count"={}}}]`);
  });
});
