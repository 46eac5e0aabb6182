/**
 * The data kept in the recovery region (every recovery.strategy but "off"; prod's is "warm-standby"): followed through
 * references from the primary database and file system to their copies, the copies' keys and the keys' region. The
 * standby built on those copies is standby.test.ts's.
 */
import { DEFAULT_CONFIG } from "../../config/environments";
import { environmentStackId } from "../../constructs/medicare-hub-stack";
import { StackView } from "../../constructs/policy/stack-view";
import { rule as regionRecovery } from "../../constructs/policy/rules/backup/region-recovery";
import { readStackJson, refName, resourcesOf, synthApp, type TerraformJson } from "../support/synth";

describe("prod keeps its data in the recovery region", () => {
  let tf: TerraformJson;
  beforeAll(() => {
    tf = readStackJson(synthApp(), environmentStackId("prod"));
  });
  const providerOf = (resource: { provider?: string }) =>
    (tf.provider?.aws ?? []).find((p) => (resource.provider ? `aws.${p.alias}` === resource.provider : !p.alias));
  const key = (reference: string) => resourcesOf(tf, "aws_kms_key")[refName(reference, "aws_kms_key")];

  test("through a provider of us-west-2 pinned to prod's account, tagged like the rest of prod", () => {
    const recovery = (tf.provider?.aws ?? []).filter((p) => p.region === "us-west-2");
    expect(recovery).toHaveLength(1);
    expect(recovery[0]).toMatchObject({
      allowed_account_ids: [DEFAULT_CONFIG.environments.prod.accountId],
      default_tags: [{ tags: expect.objectContaining({ Environment: "prod", CostCenter: "medicare-hub-prod" }) }],
    });
  });

  test("the database's automated backups and transaction logs are replicated there, for its whole point-in-time window, under a key there", () => {
    const copies = Object.values(resourcesOf(tf, "aws_db_instance_automated_backups_replication"));
    expect(copies).toHaveLength(1);
    const [copy] = copies;
    // Created in the destination region (the provider's documentation for this resource).
    expect(providerOf(copy)?.region).toBe("us-west-2");
    const source = resourcesOf(tf, "aws_db_instance")[refName(copy.source_db_instance_arn, "aws_db_instance")];
    expect(source).toMatchObject({ engine: "postgres", multi_az: true });
    expect(providerOf(source)?.region).toBe("us-east-2");
    expect(copy.retention_period).toBe(35);
    const copyKey = key(copy.kms_key_id);
    expect(providerOf(copyKey)?.region).toBe("us-west-2");
    expect(copyKey).toMatchObject({ enable_key_rotation: true, deletion_window_in_days: 30, lifecycle: { prevent_destroy: true } });
    // Not the primary region's database key: that one is lost with its region.
    expect(refName(copy.kms_key_id, "aws_kms_key")).not.toBe(refName(source.kms_key_id, "aws_kms_key"));
  });

  test("the file system is replicated there from the primary region, under a key there", () => {
    const replications = Object.values(resourcesOf(tf, "aws_efs_replication_configuration"));
    expect(replications).toHaveLength(1);
    const [replication] = replications;
    const source = resourcesOf(tf, "aws_efs_file_system")[refName(replication.source_file_system_id, "aws_efs_file_system")];
    expect(source).toMatchObject({ encrypted: true });
    // The replication configuration belongs to the source file system's region.
    expect(providerOf(replication)?.region).toBe("us-east-2");
    expect(replication.destination.region).toBe("us-west-2");
    // Regional storage (no One Zone AZ): the copy survives an AZ of the recovery region too.
    expect(replication.destination.availability_zone_name).toBeUndefined();
    const copyKey = key(replication.destination.kms_key_id);
    expect(providerOf(copyKey)?.region).toBe("us-west-2");
    expect(copyKey.enable_key_rotation).toBe(true);
  });

  test("the recovery region's keys and aliases are its own: names that do not collide with the primary region's", () => {
    const aliases = Object.values(resourcesOf(tf, "aws_kms_alias"));
    const recoveryAliases = aliases.filter((a) => providerOf(a)?.region === "us-west-2").map((a) => a.name).sort();
    // The backup copies' vault key, the standby's data keys and its alert topic's key.
    expect(recoveryAliases).toEqual([
      "alias/medicare-hub-prod-alerts-us-west-2",
      "alias/medicare-hub-prod-backup-copy",
      "alias/medicare-hub-prod-dr-database",
      "alias/medicare-hub-prod-dr-storage",
    ]);
    // The primary region's aliases, which a shared name would collide with were they in one region.
    const primaryAliases = aliases.filter((a) => providerOf(a)?.region === "us-east-2").map((a) => a.name);
    expect(primaryAliases.filter((name) => recoveryAliases.includes(name))).toEqual([]);
    // Each alias points at a key of its own region.
    for (const alias of aliases) expect(providerOf(key(alias.target_key_id))?.region).toBe(providerOf(alias)?.region);
  });

  test("a copy falling an hour behind, or going silent, raises a ticket", () => {
    const replication = Object.entries(resourcesOf(tf, "aws_efs_replication_configuration"))[0];
    const alarms = Object.values(resourcesOf(tf, "aws_cloudwatch_metric_alarm")).filter((a) => a.metric_name === "TimeSinceLastSync");
    expect(alarms).toHaveLength(1);
    const [alarm] = alarms;
    expect(alarm).toMatchObject({ namespace: "AWS/EFS", statistic: "Maximum", comparison_operator: "GreaterThanThreshold", threshold: 3600, treat_missing_data: "breaching" });
    expect(refName(alarm.dimensions.FileSystemId, "aws_efs_file_system")).toBe(refName(replication[1].source_file_system_id, "aws_efs_file_system"));
    expect(alarm.dimensions.DestinationFileSystemId).toBe(`\${aws_efs_replication_configuration.${replication[0]}.destination[0].file_system_id}`);
    const topics = alarm.alarm_actions.map((arn: string) => resourcesOf(tf, "aws_sns_topic")[refName(arn, "aws_sns_topic")].name);
    expect(topics).toEqual(["medicare-hub-prod-tickets"]);
  });

  test("both copies refuse terraform destroy (every argument forces a replacement, and a replaced EFS copy is left writable and untracked)", () => {
    for (const type of ["aws_db_instance_automated_backups_replication", "aws_efs_replication_configuration"]) {
      for (const copy of Object.values(resourcesOf(tf, type))) expect({ type, lifecycle: copy.lifecycle }).toEqual({ type, lifecycle: { prevent_destroy: true } });
    }
  });

  test("the stack outputs where the data is kept", () => {
    expect(tf.output?.recovery_region?.value).toBe("us-west-2");
    expect(tf.output?.recovery_database_backups_arn?.value).toMatch(/^\$\{aws_db_instance_automated_backups_replication\.[\w-]+\.id\}$/);
    expect(tf.output?.recovery_file_system_id?.value).toMatch(/^\$\{aws_efs_replication_configuration\.[\w-]+\.destination\[0\]\.file_system_id\}$/);
  });
});

describe("dev keeps nothing outside its region (recovery off, suppressed by name)", () => {
  test("no replication, no recovery region provider", () => {
    const tf = readStackJson(synthApp(), environmentStackId("dev"));
    expect(resourcesOf(tf, "aws_db_instance_automated_backups_replication")).toEqual({});
    expect(resourcesOf(tf, "aws_efs_replication_configuration")).toEqual({});
    expect((tf.provider?.aws ?? []).map((p) => p.region)).toEqual(["us-east-2", "us-east-1"]);
  });
});

describe("MH-DR-1 (region recovery guardrail)", () => {
  const provider = { aws: [{ region: "us-east-2", default_tags: [{ tags: { Environment: "prod" } }] }, { alias: "west", region: "us-west-2" }] };
  const base = {
    aws_db_instance: { db: { engine: "postgres" } },
    aws_kms_key: { east: {}, west: { provider: "aws.west" } },
  };
  const judge = (resource: Record<string, Record<string, any>>) =>
    regionRecovery.evaluate(new StackView("probe", { provider, resource: { ...base, ...resource } })).map((f) => [f.status, f.reason]);

  test("is met by a copy in another region under a key of that region", () => {
    expect(
      judge({ aws_db_instance_automated_backups_replication: { copy: { provider: "aws.west", source_db_instance_arn: "${aws_db_instance.db.arn}", kms_key_id: "${aws_kms_key.west.arn}" } } }),
    ).toEqual([["compliant", "compliant"]]);
  });

  test.each([
    ["no copy at all", {}, /nothing of it is kept outside its region/],
    ["a copy in the same region", { copy: { source_db_instance_arn: "${aws_db_instance.db.arn}", kms_key_id: "${aws_kms_key.east.arn}" } }, /its copy is in its own region us-east-2/],
    ["a copy under a key of the primary region", { copy: { provider: "aws.west", source_db_instance_arn: "${aws_db_instance.db.arn}", kms_key_id: "${aws_kms_key.east.arn}" } }, /key aws_kms_key.east is in us-east-2, not in the copy's region us-west-2/],
    ["a copy under an AWS managed key", { copy: { provider: "aws.west", source_db_instance_arn: "${aws_db_instance.db.arn}" } }, /not encrypted with a customer key/],
  ])("is broken by %s", (_, copies, reason) => {
    const findings = judge(Object.keys(copies).length ? { aws_db_instance_automated_backups_replication: copies } : {});
    expect(findings).toHaveLength(1);
    expect(findings[0][0]).toBe("non-compliant");
    expect(findings[0][1]).toMatch(reason);
  });

  test("judges file systems by their replication's destination region and key", () => {
    const efs = (destination: object) => judge({ aws_efs_file_system: { fs: {} }, aws_efs_replication_configuration: { r: { source_file_system_id: "${aws_efs_file_system.fs.id}", destination } } });
    // Databases are judged first: the base's database (without a copy) is finding 0, the file system finding 1.
    const efsFinding = (destination: object) => efs(destination)[1];
    expect(efsFinding({ region: "us-west-2", kms_key_id: "${aws_kms_key.west.arn}" })).toEqual(["compliant", "compliant"]);
    expect(efsFinding({ region: "us-west-2", kms_key_id: "${aws_kms_key.east.arn}" })[1]).toMatch(/is in us-east-2, not in the copy's region us-west-2/);
    expect(efsFinding({ region: "us-west-2" })[1]).toMatch(/not encrypted with a customer key/);
  });

  test("does not apply to the state stack", () => {
    const state = new StackView("state", { provider: { aws: [{ region: "us-east-2", default_tags: [{ tags: { Environment: "shared" } }] }] }, resource: {} });
    expect(regionRecovery.evaluate(state).map((f) => f.status)).toEqual(["not-applicable"]);
  });
});
