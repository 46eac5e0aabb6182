/**
 * The data layer of the synthesized stacks: database, shared file system and backups. "Loses no data" is won or lost
 * here, so every protection is asserted for prod and every difference for dev.
 */
import { DEFAULT_CONFIG } from "../../config/environments";
import type { EnvironmentName, ProjectConfig } from "../../config/schema";
import { windowsOverlap } from "../../config/windows";
import { environmentStackId } from "../../constructs/medicare-hub-stack";
import { only, primaryRegion, readStackJson, refName, resourcesOf, synthApp, type SynthResult, type TerraformJson } from "../support/synth";

const KEY = { database: "${aws_kms_key.encryption_database-key.arn}", storage: "${aws_kms_key.encryption_storage-key.arn}" };

/** The one resource of `type` in the stack's own region (no provider of another region): the primary vault, its lock, its policy. */
function home(tf: TerraformJson, type: string): [string, any] {
  const all = Object.entries(resourcesOf(tf, type)).filter(([, r]) => r.provider === undefined);
  if (all.length !== 1) throw new Error(`expected exactly one ${type} in the stack's region, found ${all.length}`);
  return all[0];
}

describe("data layer", () => {
  let result: SynthResult;
  const stack = (env: EnvironmentName) => readStackJson(result, environmentStackId(env));
  beforeAll(() => {
    result = synthApp();
  });

  describe.each(["prod", "dev"] as const)("%s database", (env) => {
    const config = DEFAULT_CONFIG.environments[env];
    let tf: TerraformJson;
    let db: any;
    beforeAll(() => {
      // The primary region's database: prod's restore target in the recovery region is standby.test.ts's.
      tf = primaryRegion(stack(env));
      [, db] = only(tf, "aws_db_instance");
    });

    test("PostgreSQL at the pinned major version, Multi-AZ, in a subnet group over the private-data subnet of every AZ", () => {
      expect(db).toMatchObject({ engine: "postgres", engine_version: config.database.engineVersion, multi_az: true, instance_class: config.database.instanceClass });
      const [groupName, group] = only(tf, "aws_db_subnet_group");
      expect(refName(db.db_subnet_group_name, "aws_db_subnet_group")).toBe(groupName);
      const subnets = resourcesOf(tf, "aws_subnet");
      const used = group.subnet_ids.map((id: string) => subnets[refName(id, "aws_subnet")]);
      expect(used.map((s: any) => s.tags.Tier)).toEqual(config.availabilityZones.map(() => "private-data"));
      expect(used.map((s: any) => s.availability_zone).sort()).toEqual([...config.availabilityZones].sort());
    });

    test("only the database security group, never public", () => {
      expect(db.publicly_accessible).toBe(false);
      expect(db.vpc_security_group_ids).toEqual(["${aws_security_group.security-groups_database.id}"]);
    });

    test("encrypted gp3 storage under the database key, growing on its own up to the configured ceiling", () => {
      expect(db).toMatchObject({ storage_encrypted: true, kms_key_id: KEY.database, storage_type: "gp3" });
      expect(db.allocated_storage).toBe(config.database.allocatedStorageGib);
      expect(db.max_allocated_storage).toBe(config.database.maxAllocatedStorageGib);
      expect(db.max_allocated_storage).toBeGreaterThan(db.allocated_storage);
    });

    test("the master password is managed by RDS in Secrets Manager under the database key; no password is set anywhere", () => {
      expect(db).toMatchObject({ manage_master_user_password: true, master_user_secret_kms_key_id: KEY.database });
      expect(db.password).toBeUndefined();
      expect(db.iam_database_authentication_enabled).toBe(true);
    });

    test("a parameter group of the engine's family forces TLS and logs connections, DDL and slow statements", () => {
      const [groupName, group] = only(tf, "aws_db_parameter_group");
      expect(refName(db.parameter_group_name, "aws_db_parameter_group")).toBe(groupName);
      expect(group.family).toBe(`postgres${config.database.engineVersion}`);
      const parameters = Object.fromEntries(group.parameter.map((p: any) => [p.name, p.value]));
      expect(parameters).toMatchObject({ "rds.force_ssl": "1", log_connections: "1", log_statement: "ddl" });
      expect(Number(parameters.log_min_duration_statement)).toBeGreaterThan(0);
    });

    test("backups kept as configured, in a window that never overlaps maintenance, with tags copied to snapshots", () => {
      expect(db.backup_retention_period).toBe(config.database.backupRetentionDays);
      if (env === "prod") expect(db.backup_retention_period).toBeGreaterThanOrEqual(14);
      expect(db).toMatchObject({ backup_window: config.database.backupWindow, maintenance_window: config.database.maintenanceWindow });
      expect(windowsOverlap(db.backup_window, db.maintenance_window)).toBe(false);
      expect(db.copy_tags_to_snapshot).toBe(true);
      expect(db.delete_automated_backups).toBe(false);
    });

    test("deleting it takes a final snapshot named after the environment", () => {
      expect(db.skip_final_snapshot).toBe(false);
      expect(db.final_snapshot_identifier).toContain(env);
    });

    test(`deletion protection and prevent_destroy are ${env === "prod" ? "on" : "off"}`, () => {
      expect(db.deletion_protection).toBe(env === "prod");
      expect(db.lifecycle.prevent_destroy).toBe(env === "prod");
    });

    test("Performance Insights under the database key, enhanced monitoring through its own role", () => {
      expect(db).toMatchObject({ performance_insights_enabled: true, performance_insights_kms_key_id: KEY.database, monitoring_interval: config.database.monitoringIntervalSeconds });
      const role = resourcesOf(tf, "aws_iam_role")[refName(db.monitoring_role_arn, "aws_iam_role")];
      const trust = tf.data?.aws_iam_policy_document[refName(role.assume_role_policy, "data.aws_iam_policy_document")];
      expect(trust.statement[0].principals).toEqual([{ type: "Service", identifiers: ["monitoring.rds.amazonaws.com"] }]);
    });

    test("postgresql and upgrade logs go to log groups created first, encrypted and retained", () => {
      expect(db.enabled_cloudwatch_logs_exports).toEqual(["postgresql", "upgrade"]);
      const groups = resourcesOf(tf, "aws_cloudwatch_log_group");
      for (const log of db.enabled_cloudwatch_logs_exports) {
        const dependency = db.depends_on.find((d: string) => d.startsWith("aws_cloudwatch_log_group.") && d.includes(log));
        const group = groups[dependency.split(".")[1]];
        expect(group).toMatchObject({ name: `/aws/rds/instance/${db.identifier}/${log}`, kms_key_id: KEY.storage, retention_in_days: config.logRetentionDays });
      }
    });

    test("minor versions are applied automatically; major upgrades never happen by surprise", () => {
      expect(db).toMatchObject({ auto_minor_version_upgrade: true, allow_major_version_upgrade: false });
    });

    test("outputs give the endpoint, the port and the secret's ARN, never a secret value", () => {
      const outputs = tf.output ?? {};
      expect(refName(outputs.database_endpoint.value, "aws_db_instance")).toBe("database_instance");
      expect(outputs.database_secret_arn.value).toBe("${aws_db_instance.database_instance.master_user_secret[0].secret_arn}");
      expect(JSON.stringify(outputs)).not.toMatch(/secret_string|password/);
    });
  });

  describe.each(["prod", "dev"] as const)("%s shared storage", (env) => {
    const config = DEFAULT_CONFIG.environments[env];
    let tf: TerraformJson;
    let fsName: string;
    let fs: any;
    beforeAll(() => {
      // The primary region's file system: prod's mounts of its copy in the recovery region are standby.test.ts's.
      tf = primaryRegion(stack(env));
      [fsName, fs] = only(tf, "aws_efs_file_system");
    });

    test("encrypted under the storage key, elastic throughput, to Infrequent Access and back on first access", () => {
      expect(fs).toMatchObject({ encrypted: true, kms_key_id: KEY.storage, throughput_mode: "elastic" });
      expect(fs.lifecycle_policy).toEqual([
        { transition_to_ia: `AFTER_${config.sharedStorage.transitionToIaDays}_DAYS` },
        { transition_to_primary_storage_class: "AFTER_1_ACCESS" },
      ]);
      expect(fs.lifecycle.prevent_destroy).toBe(env === "prod");
    });

    test("EFS automatic backups are off: PHI is backed up only into the environment's own vault", () => {
      // Automatic backups go to aws/efs/automatic-backup-vault under an AWS-managed key, with default retention.
      const [, policy] = only(tf, "aws_efs_backup_policy");
      expect(policy).toMatchObject({ file_system_id: `\${aws_efs_file_system.${fsName}.id}`, backup_policy: { status: "DISABLED" } });
      const [, selection] = only(tf, "aws_backup_selection");
      expect(selection.resources).toContain(`\${aws_efs_file_system.${fsName}.arn}`);
    });

    test("the file-system policy denies every request without TLS", () => {
      const [, policy] = only(tf, "aws_efs_file_system_policy");
      const statements = tf.data?.aws_iam_policy_document[refName(policy.policy, "data.aws_iam_policy_document")].statement;
      expect(statements).toEqual([
        expect.objectContaining({ effect: "Deny", condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }] }),
      ]);
    });

    test("exactly one mount target in each AZ's private-app subnet, behind the EFS security group", () => {
      const targets = Object.values(resourcesOf(tf, "aws_efs_mount_target"));
      const subnets = resourcesOf(tf, "aws_subnet");
      expect(targets).toHaveLength(config.availabilityZones.length);
      const placed = targets.map((t) => subnets[refName(t.subnet_id, "aws_subnet")]);
      expect(placed.map((s) => s.availability_zone).sort()).toEqual([...config.availabilityZones].sort());
      expect(placed.every((s) => s.tags.Tier === "private-app")).toBe(true);
      for (const target of targets) expect(target.security_groups).toEqual(["${aws_security_group.security-groups_efs.id}"]);
    });

    test("the app reaches its files through an access point with a fixed POSIX user and root directory", () => {
      const [, point] = only(tf, "aws_efs_access_point");
      expect(point.posix_user).toEqual({ uid: expect.any(Number), gid: expect.any(Number) });
      expect(point.root_directory).toMatchObject({ path: "/medicare-hub", creation_info: { permissions: "750" } });
    });
  });

  describe.each(["prod", "dev"] as const)("%s backups", (env) => {
    const config = DEFAULT_CONFIG.environments[env];
    let tf: TerraformJson;
    beforeAll(() => {
      tf = stack(env);
    });

    test("a vault encrypted with the storage key", () => {
      const [, vault] = home(tf, "aws_backup_vault");
      expect(vault).toMatchObject({ kms_key_arn: KEY.storage, force_destroy: false, lifecycle: { prevent_destroy: env === "prod" } });
    });

    test("daily and monthly recovery points, kept as configured", () => {
      const [, plan] = only(tf, "aws_backup_plan");
      const byName = Object.fromEntries(plan.rule.map((r: any) => [r.rule_name, r]));
      expect(byName.daily.lifecycle).toEqual({ delete_after: config.backup.dailyRetentionDays });
      expect(byName.monthly.lifecycle).toEqual({ delete_after: config.backup.monthlyRetentionDays });
      // 06:00 UTC, starting within the hour: after the 03:00-03:30 backup window, clear of the Sunday 04:30-05:30
      // maintenance window (guardrail MH-BKP-1 checks any configured windows).
      expect(byName.daily.schedule).toBe("cron(0 6 * * ? *)");
      expect(byName.monthly.schedule).toBe("cron(0 6 1 * ? *)");
      expect(byName.daily.start_window).toBe(60);
      const [, db] = only(tf, "aws_db_instance");
      expect(db.maintenance_window).toBe("sun:04:30-sun:05:30");
      expect(db.backup_window).toBe("03:00-03:30");
      if (env === "prod") expect([config.backup.dailyRetentionDays, config.backup.monthlyRetentionDays]).toEqual([35, 365]);
      const [vaultName] = home(tf, "aws_backup_vault");
      for (const rule of plan.rule) expect(rule.target_vault_name).toBe(`\${aws_backup_vault.${vaultName}.name}`);
    });

    test("the selection covers the database and the file system, through a role only AWS Backup can assume", () => {
      const [, selection] = only(tf, "aws_backup_selection");
      expect(selection.resources.map((r: string) => refName(r, r.includes("aws_db_instance") ? "aws_db_instance" : "aws_efs_file_system")).sort()).toEqual([
        "database_instance",
        "shared-storage_file-system",
      ]);
      const roleName = refName(selection.iam_role_arn, "aws_iam_role");
      const role = resourcesOf(tf, "aws_iam_role")[roleName];
      const trust = tf.data?.aws_iam_policy_document[refName(role.assume_role_policy, "data.aws_iam_policy_document")];
      expect(trust.statement[0].principals).toEqual([{ type: "Service", identifiers: ["backup.amazonaws.com"] }]);
      const attached = Object.values(resourcesOf(tf, "aws_iam_role_policy_attachment")).filter((a) => refName(a.role, "aws_iam_role") === roleName);
      // Backup only: restoring is a separate role's (see below).
      expect(attached.map((a) => a.policy_arn.split("/").pop()).sort()).toEqual(["AWSBackupServiceRolePolicyForBackup"]);
    });

    test("AWS Backup's role may use the vault key and the database key (key policies delegate to IAM), granting only to AWS resources", () => {
      const [, selection] = only(tf, "aws_backup_selection");
      const roleName = refName(selection.iam_role_arn, "aws_iam_role");
      const inline = Object.values(resourcesOf(tf, "aws_iam_role_policy")).filter((p) => refName(p.role, "aws_iam_role") === roleName);
      expect(inline).toHaveLength(1);
      const statements: any[] = tf.data?.aws_iam_policy_document[refName(inline[0].policy, "data.aws_iam_policy_document")].statement;
      // Prod copies to the recovery region (recovery.strategy "backup-and-restore"), under a key there.
      const keys = ["${aws_kms_key.encryption_storage-key.arn}", "${aws_kms_key.encryption_database-key.arn}", ...(env === "prod" ? ["${aws_kms_key.backup_copy-key.arn}"] : [])];
      expect(statements.find((st) => st.sid === "UseTheBackupKeys").resources).toEqual(keys);
      expect(statements.find((st) => st.sid === "GrantTheKeysToAwsResources")).toMatchObject({
        actions: ["kms:CreateGrant"],
        resources: keys,
        condition: [{ test: "Bool", variable: "kms:GrantIsForAWSResource", values: ["true"] }],
      });
    });

    test("recovery points cannot be deleted: Vault Lock (compliance in prod) and a vault policy denying deletion to all but the backup role", () => {
      const [vaultName] = home(tf, "aws_backup_vault");
      const [, lock] = home(tf, "aws_backup_vault_lock_configuration");
      expect(lock.backup_vault_name).toBe(`\${aws_backup_vault.${vaultName}.name}`);
      expect(lock.min_retention_days).toBe(Math.min(config.backup.dailyRetentionDays, config.backup.monthlyRetentionDays));
      expect(lock.max_retention_days).toBe(Math.max(config.backup.dailyRetentionDays, config.backup.monthlyRetentionDays));
      // Compliance mode is a lock with a grace period; after it not even root can delete a recovery point early.
      expect(lock.changeable_for_days).toBe(env === "prod" ? 3 : undefined);
      const [, vaultPolicy] = home(tf, "aws_backup_vault_policy");
      const [deny] = tf.data?.aws_iam_policy_document[refName(vaultPolicy.policy, "data.aws_iam_policy_document")].statement;
      const [, selection] = only(tf, "aws_backup_selection");
      expect(deny).toMatchObject({ effect: "Deny", actions: ["backup:DeleteRecoveryPoint", "backup:UpdateRecoveryPointLifecycle"] });
      expect(deny.condition).toEqual([
        {
          test: "ArnNotEquals",
          variable: "aws:PrincipalArn",
          values: [selection.iam_role_arn, `arn:\${data.aws_partition.partition.partition}:iam::${config.accountId}:role/aws-service-role/backup.amazonaws.com/AWSServiceRoleForBackup`],
        },
      ]);
    });

    test("the role backups run as cannot restore; a separate restore role can, and both trust only AWS Backup of this account", () => {
      const [, selection] = only(tf, "aws_backup_selection");
      const roles = resourcesOf(tf, "aws_iam_role");
      const managedOf = (roleName: string) =>
        Object.values(resourcesOf(tf, "aws_iam_role_policy_attachment")).filter((a) => refName(a.role, "aws_iam_role") === roleName).map((a) => a.policy_arn.split("/").pop());
      const backupRole = refName(selection.iam_role_arn, "aws_iam_role");
      expect(managedOf(backupRole)).toEqual(["AWSBackupServiceRolePolicyForBackup"]);
      const restoreRole = Object.keys(roles).find((name) => managedOf(name).includes("AWSBackupServiceRolePolicyForRestores")) as string;
      expect(restoreRole).not.toBe(backupRole);
      for (const name of [backupRole, restoreRole]) {
        const [trust] = tf.data?.aws_iam_policy_document[refName(roles[name].assume_role_policy, "data.aws_iam_policy_document")].statement;
        expect(trust.principals).toEqual([{ type: "Service", identifiers: ["backup.amazonaws.com"] }]);
        expect(trust.condition).toContainEqual({ test: "StringEqualsIfExists", variable: "aws:SourceAccount", values: [config.accountId] });
      }
    });

    test("RDS may assume the enhanced-monitoring role for this account's database only", () => {
      const [, db] = only(tf, "aws_db_instance");
      const role = resourcesOf(tf, "aws_iam_role")[refName(db.monitoring_role_arn, "aws_iam_role")];
      const [trust] = tf.data?.aws_iam_policy_document[refName(role.assume_role_policy, "data.aws_iam_policy_document")].statement;
      expect(trust.condition).toEqual([
        { test: "StringEquals", variable: "aws:SourceAccount", values: [config.accountId] },
        { test: "ArnLike", variable: "aws:SourceArn", values: [`arn:\${data.aws_partition.partition.partition}:rds:${config.region}:${config.accountId}:db:${db.identifier}`] },
      ]);
    });

    test("recovery points are copied to the recovery region when recovery is on (prod), and nowhere when it is off (dev)", () => {
      const [, plan] = only(tf, "aws_backup_plan");
      const providers = tf.provider?.aws ?? [];
      if (env === "dev") {
        expect(config.recovery.strategy).toBe("off");
        for (const rule of plan.rule) expect(rule.copy_action).toBeUndefined();
        expect(providers.map((p) => p.region)).toEqual(["us-east-2", "us-east-1"]);
        return;
      }
      for (const rule of plan.rule) {
        const vault = resourcesOf(tf, "aws_backup_vault")[refName(rule.copy_action[0].destination_vault_arn, "aws_backup_vault")];
        const provider = providers.find((p) => `aws.${p.alias}` === vault.provider);
        expect(provider?.region).toBe("us-west-2");
      }
      // One provider per region: the copy vault is built by the recovery region's provider, not a second one there.
      expect(providers.filter((p) => p.region === "us-west-2")).toHaveLength(1);
    });
  });

  test("prod's stateful resources and keys all refuse terraform destroy; dev's are disposable", () => {
    const stateful = ["aws_db_instance", "aws_efs_file_system", "aws_backup_vault", "aws_kms_key"];
    for (const env of ["prod", "dev"] as const) {
      for (const type of stateful) {
        const all = Object.values(resourcesOf(stack(env), type));
        expect(all.length).toBeGreaterThan(0);
        for (const r of all) expect({ type, preventDestroy: r.lifecycle?.prevent_destroy }).toEqual({ type, preventDestroy: env === "prod" });
      }
    }
  });
});

describe("cross-region backup copy (config switch, without a recovery region)", () => {
  const config: ProjectConfig = {
    ...DEFAULT_CONFIG,
    environments: {
      ...DEFAULT_CONFIG.environments,
      // Dev: recovery "off" (prod refuses it, guardrail MH-DR-1), a backup copy on its own.
      dev: { ...DEFAULT_CONFIG.environments.dev, backup: { ...DEFAULT_CONFIG.environments.dev.backup, copyToRegion: "us-west-2" } },
    },
  };
  let tf: TerraformJson;
  beforeAll(() => {
    tf = readStackJson(synthApp({ config }), environmentStackId("dev"));
  });

  test("copies every rule's recovery points to a vault in the other region, under a key of that region", () => {
    const copyProvider = tf.provider?.aws.find((p) => p.alias === "backup-copy");
    expect(copyProvider).toMatchObject({ region: "us-west-2", allowed_account_ids: [config.environments.dev.accountId] });
    const vaults = resourcesOf(tf, "aws_backup_vault");
    const [copyName, copyVault] = Object.entries(vaults).find(([, v]) => v.provider) as [string, any];
    expect(copyVault.provider).toBe(`aws.${copyProvider.alias}`);
    const key = resourcesOf(tf, "aws_kms_key")[refName(copyVault.kms_key_arn, "aws_kms_key")];
    // prevent_destroy follows the environment (dev: false), as for every other key.
    expect(key).toMatchObject({ provider: `aws.${copyProvider.alias}`, enable_key_rotation: true, lifecycle: { prevent_destroy: false } });
    const [plan] = Object.values(resourcesOf(tf, "aws_backup_plan"));
    for (const rule of plan.rule) {
      expect(rule.copy_action).toEqual([{ destination_vault_arn: `\${aws_backup_vault.${copyName}.arn}`, lifecycle: rule.lifecycle }]);
    }
  });
});
