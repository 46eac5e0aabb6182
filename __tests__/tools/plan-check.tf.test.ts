/**
 * The data-loss gate's acceptance, on plans the real terraform makes offline: a small root module (a PostgreSQL
 * instance and an Auto Scaling group, literal values) and a hand-written state (format 4) that records both as
 * deployed. Changing the database's KMS key, which RDS cannot change in place, must plan a replacement that
 * `plan:check` refuses; scaling the group must plan an in-place update that it lets through. One init serves both plans;
 * `-refresh=false` keeps the provider away from AWS (fake credentials and skip_* flags from the harness).
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { checkPlan, findDataLoss } from "../../tools/plan-check";
import { parsePlanJson, type PlanJson, type PlanResourceChange } from "../../tools/plan-json";
import { describeWithTool } from "../support/required-tool";
import { JQ, runJq, showJsonFilter } from "../support/workflow-jq";
import { OFFLINE_OVERRIDE_FILE, describeWithTerraform, init, offlineOverride, terraform } from "../terraform/harness";

const ROOT = resolve(__dirname, "../..");
/** The provider version the project's bindings generate, the one the stacks pin (and the mirror holds). */
const PROVIDER_VERSION: string = JSON.parse(readFileSync(join(ROOT, "node_modules/@cdktf/provider-aws/package.json"), "utf8")).cdktf.provider.version;

const KEY_DEPLOYED = "arn:aws:kms:us-east-2:123456789012:key/11111111-1111-1111-1111-111111111111";
const KEY_NEW = "arn:aws:kms:us-east-2:123456789012:key/22222222-2222-2222-2222-222222222222";

/** The values a change may touch. */
interface Fixture {
  readonly kmsKeyId: string;
  readonly desiredCapacity: number;
  readonly maxSize: number;
}
const DEPLOYED: Fixture = { kmsKeyId: KEY_DEPLOYED, desiredCapacity: 2, maxSize: 4 };

const database = (f: Fixture) => ({
  identifier: "medicare-hub-fixture",
  engine: "postgres",
  engine_version: "17.4",
  instance_class: "db.t4g.medium",
  allocated_storage: 20,
  storage_encrypted: true,
  kms_key_id: f.kmsKeyId,
  username: "medicare",
  manage_master_user_password: true,
  skip_final_snapshot: true,
});

const group = (f: Fixture) => ({
  name: "medicare-hub-fixture-app",
  min_size: 2,
  desired_capacity: f.desiredCapacity,
  max_size: f.maxSize,
  availability_zones: ["us-east-2a", "us-east-2b"],
  launch_template: [{ id: "lt-0123456789abcdef0", version: "$Latest" }],
});

function configuration(f: Fixture): object {
  return {
    terraform: { required_providers: { aws: { source: "hashicorp/aws", version: PROVIDER_VERSION } } },
    provider: { aws: [{ region: "us-east-2" }] },
    resource: { aws_db_instance: { database_instance: database(f) }, aws_autoscaling_group: { app: group(f) } },
  };
}

/**
 * What the provider records besides the configured values when it creates them (its defaults and computed
 * attributes): without them the plan would update both resources to fill them in.
 */
const DATABASE_RECORDED = {
  id: "db-ABCDEFGHIJKLMNOPQRSTUVWXY0",
  apply_immediately: false,
  auto_minor_version_upgrade: true,
  copy_tags_to_snapshot: false,
  dedicated_log_volume: false,
  delete_automated_backups: true,
  monitoring_interval: 0,
  performance_insights_enabled: false,
  publicly_accessible: false,
  listener_endpoint: [],
  master_user_secret: [{ kms_key_id: KEY_DEPLOYED, secret_arn: "arn:aws:secretsmanager:us-east-2:123456789012:secret:rds!db-fixture", secret_status: "active" }],
  replicas: [],
  tags_all: {},
  vpc_security_group_ids: [],
};
const GROUP_RECORDED = {
  id: "medicare-hub-fixture-app",
  force_delete: false,
  force_delete_warm_pool: false,
  health_check_grace_period: 300,
  ignore_failed_scaling_activities: false,
  metrics_granularity: "1Minute",
  protect_from_scale_in: false,
  wait_for_capacity_timeout: "10m",
  load_balancers: [],
  target_group_arns: [],
  vpc_zone_identifier: [],
};

/** A state (format version 4) in which `f` is deployed. */
function state(f: Fixture): object {
  const provider = 'provider["registry.terraform.io/hashicorp/aws"]';
  const sensitive = (...names: string[]) => names.map((value) => [{ type: "get_attr", value }]);
  return {
    version: 4,
    terraform_version: "1.11.4",
    serial: 1,
    lineage: "6b0c2f4e-3f0a-4c56-9a43-8f2b1d7e9a01",
    outputs: {},
    resources: [
      // schema_version: the provider's current one for the type (terraform providers schema -json), so no upgrade runs.
      { mode: "managed", type: "aws_db_instance", name: "database_instance", provider, instances: [{ schema_version: 2, attributes: { ...database(f), ...DATABASE_RECORDED }, sensitive_attributes: sensitive("password", "password_wo") }] },
      { mode: "managed", type: "aws_autoscaling_group", name: "app", provider, instances: [{ schema_version: 1, attributes: { ...group(f), ...GROUP_RECORDED }, sensitive_attributes: [] }] },
    ],
    check_results: null,
  };
}

/** The raw `terraform show -json` (values included), which the tools also read. */
interface ShownChange extends PlanResourceChange {
  readonly change: PlanResourceChange["change"] & { readonly before?: any; readonly after?: any };
}
interface ShownPlan extends PlanJson {
  readonly resource_changes: readonly ShownChange[];
}

describeWithTerraform("plan:check on plans terraform makes offline from a deployed state", () => {
  let dir: string;
  const plans: Partial<Record<"replaced" | "scaled", ShownPlan>> = {};
  const files: Partial<Record<"replaced" | "scaled", string>> = {};
  const change = (plan: "replaced" | "scaled", address: string) => {
    const found = plans[plan]?.resource_changes.find((c) => c.address === address);
    if (!found) throw new Error(`the ${plan} plan has no change for ${address}`);
    return found;
  };

  async function planOf(name: "replaced" | "scaled", f: Fixture): Promise<void> {
    writeFileSync(join(dir, "main.tf.json"), JSON.stringify(configuration(f), null, 2));
    await terraform(dir, ["plan", "-input=false", "-no-color", "-lock=false", "-refresh=false", `-out=${name}.tfplan`]);
    const shown = await terraform(dir, ["show", "-json", "-no-color", `${name}.tfplan`]);
    files[name] = join(dir, `${name}.json`);
    writeFileSync(files[name] as string, shown.stdout);
    plans[name] = JSON.parse(shown.stdout);
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "plan-check-tf-"));
    writeFileSync(join(dir, OFFLINE_OVERRIDE_FILE), JSON.stringify(offlineOverride([undefined]), null, 2));
    writeFileSync(join(dir, "terraform.tfstate"), JSON.stringify(state(DEPLOYED), null, 2));
    writeFileSync(join(dir, "main.tf.json"), JSON.stringify(configuration(DEPLOYED), null, 2));
    await init(dir, []);
    await planOf("replaced", { ...DEPLOYED, kmsKeyId: KEY_NEW });
    await planOf("scaled", { ...DEPLOYED, desiredCapacity: 3, maxSize: 6 });
  }, 240_000);

  test("a new KMS key for the database: terraform plans delete-then-create, forced by kms_key_id; the group is untouched", () => {
    const db = change("replaced", "aws_db_instance.database_instance");
    expect(db.change.actions).toEqual(["delete", "create"]);
    expect(db.change.replace_paths).toEqual([["kms_key_id"]]);
    expect(db.action_reason).toBe("replace_because_cannot_update");
    expect(change("replaced", "aws_autoscaling_group.app").change.actions).toEqual(["no-op"]);
  });

  test("scaling the group: terraform plans an in-place update of desired and max size; the database is untouched", () => {
    const app = change("scaled", "aws_autoscaling_group.app");
    expect(app.change.actions).toEqual(["update"]);
    expect([app.change.before.desired_capacity, app.change.after.desired_capacity, app.change.before.max_size, app.change.after.max_size]).toEqual([2, 3, 4, 6]);
    expect(change("scaled", "aws_db_instance.database_instance").change.actions).toEqual(["no-op"]);
  });

  test("npm run plan:check fails on the replaced database, naming it, and passes on the scaled group", async () => {
    const run = (file: string) =>
      new Promise<{ code: number; stdout: string; stderr: string }>((done) =>
        execFile(process.execPath, ["--require", "tsx/cjs", "tools/plan-check.ts", file], { cwd: ROOT, timeout: 30_000 }, (error, stdout, stderr) => done({ code: error ? Number(error.code) : 0, stdout, stderr })),
      );
    const [replaced, scaled] = await Promise.all([run(files.replaced as string), run(files.scaled as string)]);
    // The database's address is the project's own, so docs/ci.md shows this very line.
    const line = "  - replace aws_db_instance.database_instance (aws_db_instance; forced by kms_key_id; replace_because_cannot_update): loses the database's data (the new instance starts empty: restore from a snapshot or a point in time)";
    expect(replaced.code).toBe(1);
    expect(replaced.stdout.split("\n")).toEqual(["plan:check: 1 stateful resource(s) would be replaced or deleted, and their data lost unless restored:", line, ""]);
    expect(readFileSync(join(ROOT, "docs/ci.md"), "utf8")).toContain(`\n${line}\n`);
    expect(replaced.stderr).toMatch(/^plan:check: refused: the plan loses data \(1 stateful resource\(s\) above\)/);
    expect(scaled).toEqual({ code: 0, stdout: "plan:check: no stateful resource is replaced or deleted (1 planned change(s) checked).\n", stderr: "" });
  }, 60_000);

  describeWithTool(JQ, "what the pull-request workflow keeps of these plans (pr-plan.yml's jq)", () => {
    test("keeps what plan:check reads (forcing attributes included), and no attribute value", () => {
      const filter = showJsonFilter("pr-plan.yml", "plan");
      for (const name of ["replaced", "scaled"] as const) {
        const kept = runJq(filter, plans[name]);
        expect(JSON.stringify(kept)).not.toMatch(/"(before|after|after_unknown|before_sensitive|after_sensitive)"/);
        const plan = parsePlanJson(JSON.stringify(kept), `${name} (jq)`);
        expect({ name, losses: findDataLoss(plan) }).toEqual({ name, losses: findDataLoss(plans[name] as PlanJson) });
        expect({ name, code: checkPlan(plan).code }).toEqual({ name, code: name === "replaced" ? 1 : 0 });
      }
      expect(findDataLoss(parsePlanJson(JSON.stringify(runJq(filter, plans.replaced)), "jq"))[0].forcedBy).toEqual(["kms_key_id"]);
    });
  });
});
