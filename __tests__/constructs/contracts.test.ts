/**
 * Facts that a one-line change can break while every name, and every test that compares the code with its own
 * constants, still looks right: what the load balancer checks against what the instances serve, which rule groups the
 * firewall runs, when a missing metric pages, who reaches the database, where Route 53 probes, what is backed up, how
 * long a deleted key can be recovered. Each fact is written as the literal it is (never a constant of the code under
 * test) and reached by following references in the synthesized Terraform, never by resource names.
 */
import { environmentStackId } from "../../constructs/medicare-hub-stack";
import { only, primaryRegion, readStackJson, refName, resourcesOf, synthApp, type SynthResult, type TerraformJson } from "../support/synth";

const ENVIRONMENTS = ["prod", "dev"] as const;

/** How the synthesized JSON references `attribute` of the resource `type.name`. */
const reference = (type: string, name: string, attribute: string) => `\${${type}.${name}.${attribute}}`;

/** The resource of `type` that `value` references, as [name, resource]; fails when it is not in the stack. */
function follow(tf: TerraformJson, value: unknown, type: string): [string, any] {
  const name = refName(value, type);
  const found = resourcesOf(tf, type)[name];
  if (!found) throw new Error(`${JSON.stringify(value)} references ${type}.${name}, which the stack does not have`);
  return [name, found];
}

/** The app tier as the Auto Scaling Group wires it: the target group it registers into and the template it launches. */
function appTier(tf: TerraformJson): { targetGroup: [string, any]; launchTemplate: [string, any]; securityGroup: [string, any] } {
  const [, group] = only(tf, "aws_autoscaling_group");
  expect(group.target_group_arns).toHaveLength(1);
  const launchTemplate = follow(tf, group.launch_template.id, "aws_launch_template");
  const interfaces = launchTemplate[1].network_interfaces;
  expect(interfaces).toHaveLength(1);
  expect(interfaces[0].security_groups).toHaveLength(1);
  return {
    targetGroup: follow(tf, group.target_group_arns[0], "aws_lb_target_group"),
    launchTemplate,
    securityGroup: follow(tf, interfaces[0].security_groups[0], "aws_security_group"),
  };
}

/**
 * What an instance launched from `launchTemplate` serves: its user data (constructs/app/bootstrap.sh behind a preamble
 * of exports) starts the Python web service of the bootstrap's heredoc on APP_PORT, over TLS.
 */
function servedBy(launchTemplate: any): { port: number; okPaths: string[] } {
  const script = Buffer.from(launchTemplate.user_data, "base64").toString("utf8");
  const port = /^export APP_PORT='(\d+)'$/m.exec(script);
  const server = /<<'PYTHON'\n([\s\S]*?)\nPYTHON\n/.exec(script);
  if (!port || !server) throw new Error("the user data exports no APP_PORT or writes no Python web service");
  const python = server[1];
  // The unit hands APP_PORT to the service, which listens on it with TLS.
  expect(script).toContain("Environment=APP_PORT=${APP_PORT}");
  expect(python).toContain('PORT = int(os.environ["APP_PORT"])');
  expect(python).toContain('TLSServer(("", PORT), Handler, tls_context())');
  // Paths whose branch answers 200 before doing anything else (comment lines may come first in the repository).
  const okPaths = [...python.matchAll(/self\.path == "([^"]+)":\n(?:[ \t]*#.*\n)*[ \t]*self\.reply\(200,/g)].map((m) => m[1]);
  return { port: Number(port[1]), okPaths };
}

describe("contracts of the synthesized stacks", () => {
  let result: SynthResult;
  // The primary region's stack: prod's standby in the recovery region (standby.test.ts) has a second group, load
  // balancer and firewall of its own. Global resources (Route 53, IAM) stay in.
  const stack = (env: (typeof ENVIRONMENTS)[number]) => primaryRegion(readStackJson(result, environmentStackId(env)));
  beforeAll(() => {
    result = synthApp();
  });

  describe.each(ENVIRONMENTS)("%s: the target group's health check and the bootstrap's web service", (env) => {
    test("the group the ASG registers into checks /health over HTTPS on port 8080, which the bootstrap serves with 200", () => {
      const tf = stack(env);
      const { targetGroup: [, group], launchTemplate: [, template] } = appTier(tf);
      const served = servedBy(template);
      // What the load balancer asks for is what the instance answers...
      expect(served.okPaths).toContain(group.health_check.path);
      const checkedPort = group.health_check.port === "traffic-port" ? group.port : Number(group.health_check.port);
      expect(checkedPort).toBe(served.port);
      // ...and both are the values the runbooks, the Route 53 checks and the canaries assume.
      expect(served.port).toBe(8080);
      expect(served.okPaths).toContain("/health");
      expect(group.health_check).toMatchObject({ enabled: true, protocol: "HTTPS", path: "/health", matcher: "200" });
      expect({ protocol: group.protocol, port: group.port }).toEqual({ protocol: "HTTPS", port: 8080 });
    });
  });

  describe("prod: the web ACL in front of the load balancer", () => {
    test("runs a blocking per-IP rate limit, then exactly AWS's IP reputation, common and known-bad-inputs rule groups, none of them only counting", () => {
      const tf = stack("prod");
      const [albName] = only(tf, "aws_lb");
      const [, association] = only(tf, "aws_wafv2_web_acl_association");
      expect(association.resource_arn).toBe(reference("aws_lb", albName, "arn"));
      const [, acl] = follow(tf, association.web_acl_arn, "aws_wafv2_web_acl");
      expect(acl.default_action).toEqual({ allow: {} });
      // A rule_json built by Terraform (jsonencode, when the rate limit exempts an IP set) cannot be read here.
      expect(acl.rule_json).not.toMatch(/^\$\{/);
      const rules: any[] = JSON.parse(acl.rule_json);

      const managed = rules.filter((r) => r.Statement.ManagedRuleGroupStatement);
      expect(managed.map((r) => ({ vendor: r.Statement.ManagedRuleGroupStatement.VendorName, name: r.Statement.ManagedRuleGroupStatement.Name })).sort((a, b) => a.name.localeCompare(b.name))).toEqual([
        { vendor: "AWS", name: "AWSManagedRulesAmazonIpReputationList" },
        { vendor: "AWS", name: "AWSManagedRulesCommonRuleSet" },
        { vendor: "AWS", name: "AWSManagedRulesKnownBadInputsRuleSet" },
      ]);
      // An override of Count would keep a group listed while it blocks nothing.
      for (const rule of managed) expect(rule.OverrideAction).toEqual({ None: {} });

      const rateBased = rules.filter((r) => r.Statement.RateBasedStatement);
      expect(rateBased).toHaveLength(1);
      expect(rateBased[0].Action).toEqual({ Block: {} });
      expect(rateBased[0].Statement.RateBasedStatement).toMatchObject({ Limit: 2000, EvaluationWindowSec: 300, AggregateKeyType: "IP" });
      expect(rules).toHaveLength(4);
    });
  });

  describe.each(ENVIRONMENTS)("%s: the no-healthy-hosts alarm", (env) => {
    test("pages when the target group reports no data (no target at all), not only when it reports zero healthy hosts", () => {
      const tf = stack(env);
      const alarm = Object.values(resourcesOf(tf, "aws_cloudwatch_metric_alarm")).find((a) => a.alarm_name === `medicare-hub-${env}-no-healthy-hosts`);
      expect(alarm).toMatchObject({
        namespace: "AWS/ApplicationELB",
        metric_name: "HealthyHostCount",
        comparison_operator: "LessThanThreshold",
        threshold: 1,
        treat_missing_data: "breaching",
        tags: { Severity: "page" },
      });
      expect(alarm.alarm_description).toMatch(/^\[PAGE\] /);
      const [targetGroupName] = appTier(tf).targetGroup;
      expect(alarm.dimensions.TargetGroup).toBe(reference("aws_lb_target_group", targetGroupName, "arn_suffix"));
      for (const actions of [alarm.alarm_actions, alarm.ok_actions]) {
        expect(actions).toHaveLength(1);
        expect(follow(tf, actions[0], "aws_sns_topic")[1].name).toBe(`medicare-hub-${env}-alerts`);
      }
    });
  });

  describe.each(ENVIRONMENTS)("%s: the database security group", (env) => {
    test("admits TCP 5432 from the app instances' security group and nothing else", () => {
      const tf = stack(env);
      const [, db] = only(tf, "aws_db_instance");
      expect(db.vpc_security_group_ids).toHaveLength(1);
      const [dbGroupName, dbGroup] = follow(tf, db.vpc_security_group_ids[0], "aws_security_group");
      expect(dbGroup.ingress).toBeUndefined();
      const [appGroupName] = appTier(tf).securityGroup;
      expect(appGroupName).not.toBe(dbGroupName);

      const ingress = Object.values(resourcesOf(tf, "aws_vpc_security_group_ingress_rule")).filter((r) => refName(r.security_group_id, "aws_security_group") === dbGroupName);
      expect(ingress.map(({ ip_protocol, from_port, to_port, referenced_security_group_id, cidr_ipv4, cidr_ipv6, prefix_list_id }) => ({
        ip_protocol, from_port, to_port, referenced_security_group_id, cidr_ipv4, cidr_ipv6, prefix_list_id,
      }))).toEqual([
        { ip_protocol: "tcp", from_port: 5432, to_port: 5432, referenced_security_group_id: reference("aws_security_group", appGroupName, "id"), cidr_ipv4: undefined, cidr_ipv6: undefined, prefix_list_id: undefined },
      ]);
      const legacyRules = Object.values(resourcesOf(tf, "aws_security_group_rule")).filter((r) => refName(r.security_group_id, "aws_security_group") === dbGroupName);
      expect(legacyRules).toEqual([]);
      expect(db.port).toBe(5432);
    });
  });

  describe.each(ENVIRONMENTS)("%s: Route 53's health check of the load balancer", (env) => {
    test("probes /health over HTTPS on port 443 at the load balancer's own DNS name", () => {
      const tf = stack(env);
      // The check the route53-health-check alarm watches; in prod the failover that picks the primary region uses the
      // same one: the domain's PRIMARY aliases the regions' pair, whose PRIMARY carries it.
      const alarm = Object.values(resourcesOf(tf, "aws_cloudwatch_metric_alarm")).find((a) => a.alarm_name === `medicare-hub-${env}-route53-health-check`);
      expect(alarm).toMatchObject({ namespace: "AWS/Route53", metric_name: "HealthCheckStatus" });
      const [checkName, check] = follow(tf, alarm.dimensions.HealthCheckId, "aws_route53_health_check");
      if (env === "prod") {
        const records = Object.values(resourcesOf(tf, "aws_route53_record"));
        const domainPrimary = records.filter((r) => r.name === "medicare-hub.example" && r.failover_routing_policy?.type === "PRIMARY");
        expect(domainPrimary).toHaveLength(1);
        expect(domainPrimary[0].health_check_id).toBeUndefined();
        const [, regionsPrimary] = follow(tf, domainPrimary[0].alias.name, "aws_route53_record");
        expect(regionsPrimary).toMatchObject({ name: "regions.medicare-hub.example", failover_routing_policy: { type: "PRIMARY" } });
        expect(refName(regionsPrimary.health_check_id, "aws_route53_health_check")).toBe(checkName);
        expect(regionsPrimary.alias.name).toBe(check.fqdn);
      }
      expect(check).toMatchObject({ type: "HTTPS", port: 443, resource_path: "/health" });
      const [albName] = only(tf, "aws_lb");
      expect(check.fqdn).toBe(reference("aws_lb", albName, "dns_name"));
    });
  });

  describe.each(ENVIRONMENTS)("%s: the AWS Backup selection", (env) => {
    test("includes the database instance and the shared file system, by reference", () => {
      const tf = stack(env);
      const [, selection] = only(tf, "aws_backup_selection");
      const [dbName] = only(tf, "aws_db_instance");
      const [fileSystemName] = only(tf, "aws_efs_file_system");
      expect(selection.resources).toEqual(expect.arrayContaining([reference("aws_db_instance", dbName, "arn"), reference("aws_efs_file_system", fileSystemName, "arn")]));
    });
  });

  describe("KMS keys of every stack", () => {
    // Every key, the state stack's included, is set to AWS's longest window: a deleted key makes everything it
    // encrypted unreadable, and the window is the only way back.
    test.each(["medicare-hub-state", "medicare-hub-dev", "medicare-hub-prod"])("%s: every key can be recovered for 30 days after its deletion is scheduled", (stackId) => {
      const keys = Object.entries(resourcesOf(readStackJson(result, stackId), "aws_kms_key"));
      expect(keys.length).toBeGreaterThan(0);
      for (const [name, key] of keys) expect({ name, days: key.deletion_window_in_days }).toEqual({ name, days: 30 });
    });
  });
});
