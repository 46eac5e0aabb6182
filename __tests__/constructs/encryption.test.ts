import { DEFAULT_CONFIG } from "../../config/environments";
import { environmentStackId } from "../../constructs/medicare-hub-stack";
import { primaryRegion, readStackJson, refName, resourcesOf, synthApp, type TerraformJson } from "../support/synth";

describe("encryption keys (prod)", () => {
  const config = DEFAULT_CONFIG.environments.prod;
  let tf: TerraformJson;
  /** The environment's data keys (other constructs add keys of their own, e.g. in another region). */
  const keys = () => Object.fromEntries(Object.entries(resourcesOf(tf, "aws_kms_key")).filter(([name]) => name.startsWith("encryption_")));
  const policyOf = (keyName: string): any[] =>
    tf.data?.aws_iam_policy_document[refName(keys()[keyName].policy, "data.aws_iam_policy_document")].statement;

  beforeAll(() => {
    tf = readStackJson(synthApp(), environmentStackId("prod"));
  });

  test("one customer-managed key per data class, rotated, with a 30-day deletion window, an alias, and prevent_destroy", () => {
    expect(Object.keys(keys()).sort()).toEqual(["encryption_database-key", "encryption_storage-key"]);
    for (const key of Object.values(keys())) {
      expect(key).toMatchObject({
        enable_key_rotation: true,
        deletion_window_in_days: 30,
        tags: expect.objectContaining({ DataClassification: "PHI" }),
        lifecycle: { prevent_destroy: true },
      });
    }
    const aliases = Object.values(resourcesOf(tf, "aws_kms_alias")).filter((a) => a.target_key_id.includes("encryption_"));
    expect(aliases.map((a) => refName(a.target_key_id, "aws_kms_key")).sort()).toEqual(Object.keys(keys()).sort());
    expect(aliases.map((a) => a.name).sort()).toEqual(["alias/medicare-hub-prod-database", "alias/medicare-hub-prod-storage"]);
  });

  test("the account root administers each key", () => {
    for (const name of Object.keys(keys())) {
      expect(policyOf(name)).toContainEqual(
        expect.objectContaining({ principals: [{ type: "AWS", identifiers: [expect.stringMatching(new RegExp(`:iam::${config.accountId}:root$`))] }], actions: ["kms:*"] }),
      );
    }
  });

  test("CloudWatch Logs may use the storage key only for this environment's log groups", () => {
    const logs = policyOf("encryption_storage-key").find((s) => s.principals[0].type === "Service");
    expect(logs.principals[0].identifiers).toEqual([`logs.${config.region}.amazonaws.com`]);
    const arn = (name: string) => expect.stringMatching(new RegExp(`:logs:${config.region}:${config.accountId}:log-group:${name}\\*$`));
    // This environment's groups, its WAF log group (AWS WAF requires the aws-waf-logs- prefix), its database's, and its
    // canaries' Lambda groups (Synthetics names the function cwsyn-<canary>-<id>).
    expect(logs.condition).toEqual([
      {
        test: "ArnLike",
        variable: "kms:EncryptionContext:aws:logs:arn",
        values: [arn("/medicare-hub/prod/"), arn("aws-waf-logs-medicare-hub-prod"), arn("/aws/rds/instance/medicare-hub-prod-db/"), arn("/aws/lambda/cwsyn-mh-prod-")],
      },
    ]);
    const allowed = /^(\/medicare-hub\/prod\/|aws-waf-logs-medicare-hub-prod$|\/aws\/rds\/instance\/medicare-hub-prod-db\/|\/aws\/lambda\/\$\{element\(split\(":", aws_synthetics_canary\.[\w-]+\.engine_arn\), 6\)\}$)/;
    // The primary region's groups; the standby's, in the recovery region, are under a key there (next test).
    for (const group of Object.values(resourcesOf(primaryRegion(tf), "aws_cloudwatch_log_group"))) {
      expect(group.name).toMatch(allowed);
      expect(refName(group.kms_key_id, "aws_kms_key")).toBe("encryption_storage-key");
    }
  });

  test("in the recovery region, Logs may use that region's storage key only for the standby's (prod-dr) groups, and every group there uses it", () => {
    const groups = Object.values(resourcesOf(tf, "aws_cloudwatch_log_group")).filter((g) => g.provider === "aws.recovery");
    expect(groups.map((g) => g.name).sort()).toEqual([
      "/aws/rds/instance/medicare-hub-prod-dr-db/postgresql",
      "/aws/rds/instance/medicare-hub-prod-dr-db/upgrade",
      "/medicare-hub/prod-dr/app",
      "/medicare-hub/prod-dr/ssm-sessions",
      "/medicare-hub/prod-dr/vpc-flow-logs",
      "aws-waf-logs-medicare-hub-prod-dr",
    ]);
    const keyNames = new Set(groups.map((g) => refName(g.kms_key_id, "aws_kms_key")));
    expect(keyNames.size).toBe(1);
    const [keyName] = [...keyNames];
    const key = resourcesOf(tf, "aws_kms_key")[keyName];
    expect(key).toMatchObject({ provider: "aws.recovery", enable_key_rotation: true, deletion_window_in_days: 30, lifecycle: { prevent_destroy: true } });
    const statements: any[] = tf.data?.aws_iam_policy_document[refName(key.policy, "data.aws_iam_policy_document")].statement;
    const logs = statements.find((st) => st.principals.some((p: any) => p.type === "Service"));
    expect(logs.principals).toEqual([{ type: "Service", identifiers: ["logs.us-west-2.amazonaws.com"] }]);
    const arn = (prefix: string) => `arn:\${data.aws_partition.partition.partition}:logs:us-west-2:${config.accountId}:log-group:${prefix}*`;
    const values = [arn("/medicare-hub/prod-dr/"), arn("aws-waf-logs-medicare-hub-prod-dr"), arn("/aws/rds/instance/medicare-hub-prod-dr-db/"), arn("/aws/lambda/cwsyn-mh-prod-dr-")];
    expect(logs.condition).toEqual([{ test: "ArnLike", variable: "kms:EncryptionContext:aws:logs:arn", values }]);
    // ArnLike's trailing `*`: each group's name starts with one of the prefixes.
    const prefixes = values.map((value: string) => value.slice(value.indexOf(":log-group:") + ":log-group:".length, -1));
    for (const group of groups) expect({ group: group.name, covered: prefixes.some((p: string) => group.name.startsWith(p)) }).toEqual({ group: group.name, covered: true });
  });

  test("no statement lets every principal of the account use a key: the database key has only its administrator", () => {
    expect(policyOf("encryption_database-key").map((s) => s.sid)).toEqual(["AccountAdministersKey"]);
    for (const name of Object.keys(keys())) {
      for (const statement of policyOf(name)) {
        const anyone = statement.principals.some((p: any) => p.type === "AWS" && p.identifiers.includes("*"));
        if (anyone) expect(statement.condition.map((c: any) => c.variable)).toContain("aws:PrincipalArn");
      }
    }
  });

  test("the Auto Scaling service-linked role may encrypt instance volumes with the storage key, through EC2, in this account only", () => {
    // AWS: "Required AWS KMS key policy for use with encrypted volumes" (EC2 Auto Scaling User Guide).
    const statements = policyOf("encryption_storage-key").filter((s) => s.condition?.some((c: any) => c.variable === "kms:ViaService"));
    const slr = `arn:aws:iam::${config.accountId}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling*`;
    const throughEc2 = [
      { test: "StringEquals", variable: "kms:ViaService", values: [`ec2.${config.region}.amazonaws.com`] },
      { test: "StringEquals", variable: "kms:CallerAccount", values: [config.accountId] },
      { test: "ArnLike", variable: "aws:PrincipalArn", values: [expect.stringMatching(/^arn:\$\{data\.aws_partition\.partition\.partition\}:iam::/)] },
    ];
    expect(statements).toEqual([
      expect.objectContaining({ actions: ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"], condition: throughEc2 }),
      expect.objectContaining({ actions: ["kms:CreateGrant"], condition: [...throughEc2, { test: "Bool", variable: "kms:GrantIsForAWSResource", values: ["true"] }] }),
    ]);
    expect(statements[0].condition[2].values[0].replace("${data.aws_partition.partition.partition}", "aws")).toBe(slr);
  });

  test("the PHI storage key serves only Logs of this environment and EC2 volumes: no alerts topic, no service without a source", () => {
    const principals = policyOf("encryption_storage-key").flatMap((s) => s.principals.flatMap((p: any) => p.identifiers));
    expect(principals.filter((p: string) => p.endsWith(".amazonaws.com"))).toEqual([`logs.${config.region}.amazonaws.com`]);
    for (const topic of Object.values(resourcesOf(tf, "aws_sns_topic"))) expect(topic.kms_master_key_id).not.toContain("encryption_storage-key");
  });
});
