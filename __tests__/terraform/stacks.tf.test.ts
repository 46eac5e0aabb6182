/**
 * Every stack, in both output formats, through the real terraform binary: fmt, validate and an offline plan.
 * The HCL output is every user's exit path from cdktf, so it must plan to exactly what the JSON plans to.
 *
 * The stacks planned are those of a complete configuration (the committed defaults with every placeholder replaced,
 * as an organisation deploys them); with the committed placeholders, every plan must be refused.
 */
import { execFile } from "node:child_process";
import { join } from "node:path";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { DEFAULT_CONFIG } from "../../config/environments";
import { findPlaceholders } from "../../config/placeholders";
import { ENVIRONMENT_NAMES } from "../../config/schema";
import { planSubnets } from "../../config/subnet-plan";
import { environmentStackId } from "../../constructs/medicare-hub-stack";
import { AUDIT_STACK_ID } from "../../constructs/naming";
import { STATE_STACK_ID } from "../../terraform-state-backend/state-backend-stack";
import { exportStacks, type ExportedStack } from "../../tools/export";
import { summarizePlan } from "../../tools/plan-summary";
import { completeConfig } from "../support/complete-config";
import { declaredElements, expectedPlacement } from "../support/exported-folder";
import { mapLimit } from "../support/concurrency";
import { synthApp, readStackJson, type SynthResult } from "../support/synth";
import {
  FAKE_CREDENTIALS,
  OFFLINE_OVERRIDE_FILE,
  copyStack,
  describeWithTerraform,
  fmtCheck,
  planOffline,
  planReusingInit,
  type PlannedResource,
  type RunResult,
  type TerraformPlan,
  type ValidateResult,
} from "./harness";

const STACKS = [STATE_STACK_ID, ...ENVIRONMENT_NAMES.map(environmentStackId), AUDIT_STACK_ID];
/** Every placeholder replaced: what the stacks are planned with. */
const CONFIG = completeConfig();
const FORMATS = ["json", "hcl"] as const;
type Format = (typeof FORMATS)[number];

/** The `configuration.root_module` of a plan: each resource's provider and the references of its arguments. */
interface PlannedConfiguration {
  readonly resources?: {
    readonly address: string;
    readonly provider_config_key: string;
    readonly expressions?: Record<string, { references?: string[] }>;
  }[];
}

interface StackRun {
  readonly stack: string;
  readonly format: Format;
  readonly dir: string;
  unformatted: string[];
  validation?: ValidateResult;
  plan?: TerraformPlan;
}

describeWithTerraform("synthesized stacks through terraform (offline)", () => {
  const runs: StackRun[] = [];
  let json: SynthResult;
  const run = (stack: string, format: Format) => runs.find((r) => r.stack === stack && r.format === format) as StackRun;
  const resources = (stack: string, format: Format = "json"): PlannedResource[] =>
    run(stack, format).plan?.planned_values.root_module.resources ?? [];
  const configurationOf = (stack: string): PlannedConfiguration =>
    (run(stack, "json").plan?.configuration as { root_module?: PlannedConfiguration } | undefined)?.root_module ?? {};
  /**
   * Addresses the plan creates through the recovery region's provider (alias "recovery"), as Terraform's own record of
   * the configuration says: prod's standby, the copies' keys, the backup copy vault, the standby's alarm and topic.
   */
  const recoveryRegionAddresses = (stack: string): Set<string> =>
    new Set((configurationOf(stack).resources ?? []).filter((r) => r.provider_config_key === "aws.recovery").map((r) => r.address));
  /** What the plan creates in the stack's own region and us-east-1: everything but the recovery region's. */
  const primaryRegionResources = (stack: string): PlannedResource[] => {
    const recovery = recoveryRegionAddresses(stack);
    return resources(stack).filter((r) => r.mode === "managed" && !recovery.has(r.address));
  };
  const planned = (stack: string, type: string, name: string) => {
    const found = resources(stack).find((r) => r.type === type && r.name === name && r.mode === "managed");
    if (!found) throw new Error(`${stack} plans no ${type}.${name}`);
    return found.values;
  };

  let exported: ExportedStack[];
  /** The committed defaults exported (their placeholder guard's local value moved beside the guard): fmt-checked only. */
  let exportedCommitted: { stack: string; unformatted: string[] }[];
  /** Plans of the committed defaults (placeholders left), by stack and format. */
  const refusals: { stack: string; format: Format; dir: string; result: RunResult }[] = [];

  beforeAll(async () => {
    json = synthApp({ config: CONFIG });
    const work = mkdtempSync(join(tmpdir(), "medicare-hub-terraform-"));
    // The HCL runs use the folders `npm run export` hands to ops teams: versions.tf, providers.tf, a file per layer,
    // outputs.tf, README.md, the lock file.
    exported = exportStacks({
      config: CONFIG,
      stacks: STACKS,
      out: join(work, "export"),
      mirror: process.env.TF_PLUGIN_MIRROR,
      synthesized: { hclOutdir: synthApp({ config: CONFIG, hcl: true }).outdir, jsonOutdir: json.outdir },
    });
    for (const stack of STACKS) {
      runs.push({ stack, format: "json", dir: copyStack(json.stackDirs[stack], join(work, `${stack}-json`)), unformatted: [] });
      runs.push({ stack, format: "hcl", dir: (exported.find((e) => e.stack === stack) as ExportedStack).dir, unformatted: [] });
    }
    const step = async (r: StackRun) => {
      if (r.format === "hcl") r.unformatted = await fmtCheck(r.dir);
      const aliases = (readStackJson(json, r.stack).provider?.aws ?? []).map((p: { alias?: string }) => p.alias);
      ({ validation: r.validation, plan: r.plan } = await planOffline(r.dir, aliases));
    };
    await mapLimit(runs, 2, step);
    // The committed defaults (the shared synth), planned with the providers and backend the runs above initialised:
    // every stack in JSON, and the state stack's HCL, whose guard goes through cdktf's HCL renderer and its repair.
    const committed = { json: synthApp(), hcl: synthApp({ hcl: true }) };
    const committedFolders = exportStacks({
      config: DEFAULT_CONFIG,
      stacks: STACKS,
      out: join(work, "export-committed"),
      synthesized: { hclOutdir: committed.hcl.outdir, jsonOutdir: committed.json.outdir },
    });
    exportedCommitted = await mapLimit(committedFolders, 2, async (e) => ({ stack: e.stack, unformatted: await fmtCheck(e.dir) }));
    const planned: [string, Format][] = [...STACKS.map((stack): [string, Format] => [stack, "json"]), [STATE_STACK_ID, "hcl"]];
    refusals.push(
      ...(await mapLimit(planned, 2, async ([stack, format]) => {
        const dir = copyStack(committed[format].stackDirs[stack], join(work, `${stack}-${format}-placeholders`));
        return { stack, format, dir, result: await planReusingInit(dir, run(stack, format).dir) };
      })),
    );
  }, 600_000);

  describe.each(STACKS)("%s", (stack) => {
    test("the HCL output passes terraform fmt -check unchanged", () => {
      expect(run(stack, "hcl").unformatted).toEqual([]);
    });

    test("is exported as a self-contained root module by concern: versions.tf, providers.tf, a file per layer, outputs.tf, a README, a lock file from the mirror", () => {
      const folder = exported.find((e) => e.stack === stack) as ExportedStack;
      const tf = readStackJson(json, stack);
      const tfFiles = readdirSync(folder.dir).filter((f) => f.endsWith(".tf"));
      // The files the construct paths call for, each element in exactly one of them: main.tf only when the stack
      // declares elements outside its layers.
      const placement = expectedPlacement(stack, tf);
      expect(declaredElements(folder.dir)).toEqual(placement);
      expect(tfFiles.sort()).toEqual([...new Set(Object.values(placement).flat())].sort());
      expect(tfFiles).toEqual(expect.arrayContaining(["versions.tf", "providers.tf", "outputs.tf"]));
      expect(tfFiles.length).toBeGreaterThan(4);
      const files = readdirSync(folder.dir);
      expect(files).toContain("README.md");
      expect(files.filter((f) => /\.json$|^cdk\./.test(f) && f !== OFFLINE_OVERRIDE_FILE)).toEqual([]);
      const readme = readFileSync(join(folder.dir, "README.md"), "utf8");
      expect(readme).toMatch(/terraform init/);
      for (const output of Object.keys(tf.output ?? {})) expect(readme).toContain(`| \`${output}\` |`);
      if (process.env.TF_PLUGIN_MIRROR) expect(folder.lockFile).toBe(true);
      for (const file of tfFiles) expect(readFileSync(join(folder.dir, file), "utf8")).not.toContain("../");
    });

    test("the committed configuration's export, its placeholder guard's local beside the guard, passes terraform fmt -check too", () => {
      expect(exportedCommitted.find((e) => e.stack === stack)).toEqual({ stack, unformatted: [] });
    });

    // Planning validates the configuration; its diagnostics are what `terraform validate` reports (harness.ts).
    test.each(FORMATS)("the %s output validates with no errors and no warnings", (format) => {
      const validation = run(stack, format).validation;
      expect(validation?.diagnostics).toEqual([]);
      expect(validation).toMatchObject({ valid: true, error_count: 0, warning_count: 0 });
    });

    test("plans offline, creating resources and nothing else", () => {
      const changes = (run(stack, "json").plan?.resource_changes ?? []).filter((c) => c.mode === "managed");
      for (const change of changes) expect(change.change.actions).toEqual(["create"]);
      if (stack === STATE_STACK_ID) expect(changes.length).toBeGreaterThan(0);
    });

    test("the HCL output plans exactly what the JSON output plans", () => {
      const byAddress = (format: Format) =>
        Object.fromEntries(resources(stack, format).map((r) => [r.address, r.values]));
      expect(run(stack, "hcl").plan).toBeDefined();
      expect(byAddress("hcl")).toEqual(byAddress("json"));
      expect(run(stack, "hcl").plan?.planned_values.outputs).toEqual(run(stack, "json").plan?.planned_values.outputs);
    });

    test("the synthesized files carry no credentials (the harness's fake keys live only in its override)", () => {
      for (const format of FORMATS) {
        const dir = run(stack, format).dir;
        for (const file of readdirSync(dir).filter((f) => /^(cdk\.tf\.json|[\w-]+\.tf|README\.md)$/.test(f))) {
          const text = readFileSync(join(dir, file), "utf8");
          for (const secret of Object.values(FAKE_CREDENTIALS)) expect(text).not.toContain(secret);
          expect(text).not.toMatch(/access_key|secret_key|skip_credentials_validation/);
        }
      }
    });
  });

  describe("with the committed placeholders", () => {
    const committed = findPlaceholders(DEFAULT_CONFIG);
    /**
     * The state stack's guard names the state backend's placeholders; an environment's names the state bucket (its state
     * lives there; it reaches it by name, whatever account holds it) and its environment's own.
     */
    const expectedFor = (stack: string) =>
      committed.filter((p) =>
        stack === STATE_STACK_ID
          ? p.path.startsWith("stateBackend.")
          : stack === AUDIT_STACK_ID
            ? // The audit stack lives in prod's account, alerts prod's on-call and keeps its state in the state bucket.
              ["stateBackend.bucketName", "environments.prod.accountId", "environments.prod.alerts.email"].includes(p.path)
            : p.path === "stateBackend.bucketName" || ENVIRONMENT_NAMES.some((env) => stack === environmentStackId(env) && p.path.startsWith(`environments.${env}.`)),
      );
    const cases: [string, Format][] = [...STACKS.map((stack): [string, Format] => [stack, "json"]), [STATE_STACK_ID, "hcl"]];

    test.each(cases)("an offline plan of %s (%s) is refused before anything is created, naming each placeholder and its override key", (stack, format) => {
      const refusal = refusals.find((r) => r.stack === stack && r.format === format);
      const expected = expectedFor(stack);
      expect(expected.length).toBeGreaterThan(0);
      expect(refusal?.result.code).toBe(1);
      // Terraform wraps the message at 78 columns.
      const error = (refusal?.result.stderr ?? "").replace(/\s+/g, " ");
      expect(error.match(/Error: /g)).toEqual(["Error: "]);
      expect(error).toMatch(/Error: Resource precondition failed on [\w.]+ line \d+, in resource(\.terraform_data\.placeholder-guard\.| "terraform_data" "placeholder-guard":)/);
      expect(error).toContain(`${stack}: ${expected.length} placeholder values in the configuration would reach AWS, so this plan is refused`);
      expect(error).toContain("the JSON override file named by MEDICARE_HUB_CONFIG_OVERRIDES");
      for (const p of expected) expect(error).toContain(`- ${p.overrideKey}: ${JSON.stringify(p.value)} is ${p.reason}.`.replace(/\s+/g, " "));
      // Terraform shows what it would have done, but an errored plan can never be applied; and nothing was written.
      expect(refusal?.result.stdout).toContain("Terraform planned the following actions, but then encountered a problem");
      expect(existsSync(join(refusal?.dir as string, "terraform.tfstate"))).toBe(false);
    });
  });

  test("the state bucket is planned versioned, KMS-encrypted under the rotated state key and private", () => {
    const state = STATE_STACK_ID;
    expect(planned(state, "aws_s3_bucket", "state-bucket")).toMatchObject({
      bucket: CONFIG.stateBackend.bucketName,
      force_destroy: false,
    });
    expect(planned(state, "aws_s3_bucket_versioning", "state-bucket_versioning").versioning_configuration).toEqual([
      expect.objectContaining({ status: "Enabled" }),
    ]);
    expect(planned(state, "aws_s3_bucket_server_side_encryption_configuration", "state-bucket_encryption").rule).toEqual([
      expect.objectContaining({
        bucket_key_enabled: true,
        apply_server_side_encryption_by_default: [expect.objectContaining({ sse_algorithm: "aws:kms" })],
      }),
    ]);
    expect(planned(state, "aws_kms_key", "state-key")).toMatchObject({ enable_key_rotation: true, deletion_window_in_days: 30 });
    expect(planned(state, "aws_s3_bucket_public_access_block", "state-bucket_public-access-block")).toMatchObject({
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    // The bucket policy's document depends on the bucket ARN, unknown until apply: asserted in the construct tests.
  });

  test("the lock table is planned with a LockID string key, on demand, PITR, KMS and deletion protection", () => {
    expect(planned(STATE_STACK_ID, "aws_dynamodb_table", "lock-table")).toMatchObject({
      name: CONFIG.stateBackend.lockTableName,
      hash_key: "LockID",
      billing_mode: "PAY_PER_REQUEST",
      attribute: [{ name: "LockID", type: "S" }],
      point_in_time_recovery: [expect.objectContaining({ enabled: true })],
      server_side_encryption: [expect.objectContaining({ enabled: true })],
      deletion_protection_enabled: true,
    });
  });

  test.each(ENVIRONMENT_NAMES)("the %s stack's provider is planned in its region with the project's default tags", (env) => {
    const provider = run(environmentStackId(env), "json").plan?.configuration.provider_config?.aws;
    const config = CONFIG.environments[env];
    expect(provider?.expressions).toMatchObject({
      region: { constant_value: config.region },
      default_tags: [{ tags: { constant_value: expect.objectContaining({ Environment: env, CostCenter: config.costCenter }) } }],
    });
    expect(run(environmentStackId(env), "json").plan?.planned_values.outputs?.region).toMatchObject({ value: config.region });
  });

  // The primary region's layers; prod's standby in the recovery region is planned in its own test below.
  test.each(ENVIRONMENT_NAMES)("the %s plan creates every subnet of the subnet plan and a NAT gateway per AZ (or one)", (env) => {
    const config = CONFIG.environments[env];
    const planned = primaryRegionResources(environmentStackId(env));
    const subnets = planned.filter((r) => r.type === "aws_subnet").map((r) => ({ az: r.values.availability_zone, cidr: r.values.cidr_block }));
    const expected = planSubnets(config.network.vpcCidr, config.availabilityZones).map((s) => ({ az: s.availabilityZone, cidr: s.cidrBlock }));
    const byCidr = (a: { cidr: string }, b: { cidr: string }) => a.cidr.localeCompare(b.cidr);
    expect(subnets.sort(byCidr)).toEqual(expected.sort(byCidr));
    const nats = planned.filter((r) => r.type === "aws_nat_gateway");
    expect(nats).toHaveLength(config.network.natGateways === "single" ? 1 : config.availabilityZones.length);
    expect(planned.filter((r) => r.type === "aws_eip")).toHaveLength(nats.length);
    expect(planned.filter((r) => r.type === "aws_flow_log").map((r) => r.values.traffic_type)).toEqual(["ALL"]);
  });

  test.each(ENVIRONMENT_NAMES)("the %s plan creates a self-healing group behind an HTTPS load balancer", (env) => {
    const config = CONFIG.environments[env];
    const planned = primaryRegionResources(environmentStackId(env));
    const one = (type: string) => {
      const found = planned.filter((r) => r.type === type);
      expect(found).toHaveLength(1);
      return found[0].values;
    };
    expect(one("aws_autoscaling_group")).toMatchObject({ min_size: config.app.minCapacity, max_size: config.app.maxCapacity, health_check_type: "ELB" });
    expect(one("aws_launch_template").metadata_options).toEqual([expect.objectContaining({ http_tokens: "required", http_put_response_hop_limit: 1 })]);
    expect(one("aws_lb")).toMatchObject({ internal: false, drop_invalid_header_fields: true, enable_deletion_protection: config.loadBalancer.deletionProtection });
    const listeners = planned.filter((r) => r.type === "aws_lb_listener").map((r) => [r.values.port, r.values.protocol]);
    expect(listeners.sort()).toEqual([[443, "HTTPS"], [80, "HTTP"]]);
    expect(planned.filter((r) => r.type === "aws_wafv2_web_acl_association")).toHaveLength(config.loadBalancer.waf ? 1 : 0);
  });

  test.each(ENVIRONMENT_NAMES)("the %s plan creates a Multi-AZ encrypted database and a file-system mount target per AZ", (env) => {
    const config = CONFIG.environments[env];
    const planned = primaryRegionResources(environmentStackId(env));
    const dbs = planned.filter((r) => r.type === "aws_db_instance");
    expect(dbs).toHaveLength(1);
    const [db] = dbs;
    expect(db.values).toMatchObject({ multi_az: true, storage_encrypted: true, publicly_accessible: false, manage_master_user_password: true });
    expect(planned.filter((r) => r.type === "aws_efs_mount_target")).toHaveLength(config.availabilityZones.length);
    expect(planned.filter((r) => r.type === "aws_backup_selection")).toHaveLength(1);
  });

  test("the prod plan creates the warm standby in us-west-2: its network, an HTTPS load balancer, a group of 3, a mount target per AZ on the file system's copy, the database's restore target", () => {
    const stack = environmentStackId("prod");
    expect(run(stack, "json").plan?.configuration.provider_config?.["aws.recovery"]?.expressions).toMatchObject({ region: { constant_value: "us-west-2" } });
    const recovery = recoveryRegionAddresses(stack);
    const standby = resources(stack).filter((r) => r.mode === "managed" && recovery.has(r.address));
    const ofType = (type: string) => standby.filter((r) => r.type === type);
    const azs = ["us-west-2a", "us-west-2b", "us-west-2c"];
    // The recovery VPC's subnet plan, a NAT gateway per AZ.
    const byCidr = (a: { cidr: string }, b: { cidr: string }) => a.cidr.localeCompare(b.cidr);
    expect(ofType("aws_vpc").map((r) => r.values.cidr_block)).toEqual(["10.21.0.0/16"]);
    expect(ofType("aws_subnet").map((r) => ({ az: r.values.availability_zone, cidr: r.values.cidr_block })).sort(byCidr)).toEqual(
      planSubnets("10.21.0.0/16", azs).map((s) => ({ az: s.availabilityZone, cidr: s.cidrBlock })).sort(byCidr),
    );
    expect(ofType("aws_nat_gateway")).toHaveLength(3);
    // One instance per AZ serves health checks at all times, behind an HTTPS load balancer.
    expect(ofType("aws_autoscaling_group").map((r) => r.values)).toEqual([
      expect.objectContaining({ name: "medicare-hub-prod-dr-app", min_size: 3, desired_capacity: 3, max_size: 9, health_check_type: "ELB" }),
    ]);
    expect(ofType("aws_lb").map((r) => r.values)).toEqual([expect.objectContaining({ internal: false, drop_invalid_header_fields: true })]);
    expect(ofType("aws_lb_listener").map((r) => [r.values.port, r.values.protocol]).sort()).toEqual([[443, "HTTPS"], [80, "HTTP"]]);
    expect(ofType("aws_wafv2_web_acl_association")).toHaveLength(1);
    // A mount target per recovery AZ, on the replicated copy: followed from each one's subnet argument to the subnet.
    const configured = configurationOf(stack).resources ?? [];
    const valuesOf = (type: string) => Object.fromEntries(resources(stack).filter((r) => r.type === type).map((r) => [r.address, r.values]));
    const [subnets, replications] = [valuesOf("aws_subnet"), valuesOf("aws_efs_replication_configuration")];
    const mounts = configured.filter((r) => r.address.startsWith("aws_efs_mount_target.") && recovery.has(r.address));
    expect(mounts).toHaveLength(3);
    const mountedIn = mounts.map((mount) => {
      const copy = (mount.expressions?.file_system_id?.references ?? []).find((ref) => replications[ref]) as string;
      expect(replications[copy]?.destination).toEqual([expect.objectContaining({ region: "us-west-2" })]);
      const subnet = (mount.expressions?.subnet_id?.references ?? []).find((ref) => subnets[ref]) as string;
      return subnets[subnet]?.availability_zone;
    });
    expect(mountedIn.sort()).toEqual(azs);
    // The database is restored at failover: its subnet group and parameter group stand ready, no instance.
    expect(ofType("aws_db_instance")).toEqual([]);
    expect(ofType("aws_db_subnet_group").map((r) => r.values.name)).toEqual(["medicare-hub-prod-dr-db"]);
    expect(ofType("aws_db_parameter_group").map((r) => r.values.name)).toEqual(["medicare-hub-prod-dr-db-postgres17"]);
  });

  describe("plan summary (npm run plan:summary) on the prod plan", () => {
    const plan = () => run(environmentStackId("prod"), "json").plan as TerraformPlan;

    test("counts what the plan creates, by resource type, and warns about nothing when nothing stateful is replaced", () => {
      const summary = summarizePlan(plan());
      const creates = (plan().resource_changes ?? []).filter((c) => c.mode === "managed").length;
      expect(summary).toContain(`Plan: ${creates} to create, 0 to update, 0 to replace, 0 to delete.`);
      // Nine subnets in each region: the primary's and the standby's.
      expect(summary).toMatch(/\| aws_subnet \| 18 \|/);
      expect(summary).not.toContain("Warning");
      const withPolicy = summarizePlan(plan(), { policy: "# MediCare Hub guardrails\n\n| rule | severity |\n\nNo unsuppressed failures.\n" });
      expect(withPolicy).toMatch(/### Guardrails\n\n\| rule \| severity \|[\s\S]*No unsuppressed failures\./);
    });

    test("a replaced database and a deleted bucket are called out at the top", async () => {
      const destructive = structuredClone(plan()) as any;
      for (const change of destructive.resource_changes) {
        if (change.type === "aws_db_instance") change.change.actions = ["delete", "create"];
        if (change.address === "aws_s3_bucket.load-balancer_access-log-bucket") change.change.actions = ["delete"];
      }
      const file = join(json.outdir, "..", "destructive-plan.json");
      writeFileSync(file, JSON.stringify(destructive));
      const summary = await new Promise<string>((resolvePromise, reject) =>
        execFile(process.execPath, ["--require", "tsx/cjs", "tools/plan-summary.ts", file, "--title", "prod"], { cwd: join(__dirname, "../.."), timeout: 60_000 }, (error, stdout) =>
          error ? reject(error) : resolvePromise(stdout),
        ),
      );
      const [title, , warning, first, second] = summary.split("\n");
      expect(title).toBe("## prod");
      expect(warning).toMatch(/^> \*\*Warning: 2 stateful resource\(s\) would be replaced or deleted/);
      expect([first, second]).toEqual(
        expect.arrayContaining([
          "> - `aws_db_instance.database_instance` (aws_db_instance): **replace**",
          "> - `aws_s3_bucket.load-balancer_access-log-bucket` (aws_s3_bucket): **delete**",
        ]),
      );
      expect(summary).toMatch(/to replace, 1 to delete\./);
    });
  });
});
