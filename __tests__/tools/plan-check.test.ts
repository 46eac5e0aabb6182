/**
 * tools/plan-check.ts, the data-loss gate, on plans edited by hand from a real `terraform show -json` (Terraform 1.11,
 * fixtures/no-drift-plan.json: a database and an Auto Scaling group, nothing to do): every kind of loss it must
 * refuse, what it must let through, and input it must reject instead of passing. The acceptance on plans Terraform
 * itself made (a replaced database, a scaled ASG) is plan-check.tf.test.ts.
 */
import { execFile } from "node:child_process";
import { readFileSync, writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { UsageError } from "../../tools/cli";
import { APPROVAL_LABEL, attributePath, checkPlan, findDataLoss } from "../../tools/plan-check";
import { WRITE_PLAN_JSON, parsePlanJson, type PlanJson } from "../../tools/plan-json";
import { STATEFUL_TYPES } from "../../tools/plan-summary";
import { readStackJson, synthApp } from "../support/synth";

const ROOT = resolve(__dirname, "../..");
const FIXTURES = join(__dirname, "fixtures");
/** Real `terraform show -json`: aws_db_instance.database and aws_autoscaling_group.app, both no-op. */
const REAL_PLAN = readFileSync(join(FIXTURES, "no-drift-plan.json"), "utf8");

/** The real plan, edited by `edit`. */
function edited(edit: (plan: any) => void): PlanJson {
  const plan = JSON.parse(REAL_PLAN);
  edit(plan);
  return parsePlanJson(JSON.stringify(plan), "edited plan");
}

/** A resource_changes entry shaped as Terraform writes it, for a type the real plan does not hold. */
const entry = (address: string, actions: string[], extra: object = {}) => {
  const [type, name] = address.split(".");
  return { address, mode: "managed", type, name, provider_name: "registry.terraform.io/hashicorp/aws", change: { actions, before: {}, after: {}, after_unknown: {}, before_sensitive: {}, after_sensitive: {} }, ...extra };
};
const db = (plan: any) => plan.resource_changes.find((c: any) => c.type === "aws_db_instance");
const asg = (plan: any) => plan.resource_changes.find((c: any) => c.type === "aws_autoscaling_group");

describe("the stateful types: one list, behind plan:summary and plan:check", () => {
  test("covers the data stores the issue names and the log groups that hold the audit trail", () => {
    expect([...STATEFUL_TYPES].sort()).toEqual([
      "aws_backup_vault",
      "aws_cloudwatch_log_group",
      "aws_db_instance",
      "aws_db_instance_automated_backups_replication",
      "aws_dynamodb_table",
      "aws_efs_file_system",
      "aws_efs_replication_configuration",
      "aws_kms_key",
      "aws_rds_cluster",
      "aws_route53_zone",
      "aws_s3_bucket",
      "aws_secretsmanager_secret",
    ]);
  });

  test("of the types the stacks synthesize, these hold data (as plan-summary.ts documents)", () => {
    const synth = synthApp();
    const synthesized = new Set(Object.keys(synth.stackDirs).flatMap((id) => Object.keys(readStackJson(synth, id).resource ?? {})));
    expect([...synthesized].filter((t) => STATEFUL_TYPES.has(t)).sort()).toEqual([
      "aws_backup_vault",
      "aws_cloudwatch_log_group",
      "aws_db_instance",
      "aws_db_instance_automated_backups_replication",
      "aws_dynamodb_table",
      "aws_efs_file_system",
      "aws_efs_replication_configuration",
      "aws_kms_key",
      "aws_s3_bucket",
    ]);
  });
});

describe("plan:check refuses a plan that loses data, naming each resource", () => {
  test("the real plan itself loses nothing", () => {
    expect(checkPlan(parsePlanJson(REAL_PLAN, "real plan"))).toEqual({ code: 0, report: ["plan:check: no stateful resource is replaced or deleted (0 planned change(s) checked)."] });
  });

  test.each([
    [
      "a bucket deleted because its code was removed",
      (p: any) => p.resource_changes.push(entry("aws_s3_bucket.access-logs", ["delete"], { action_reason: "delete_because_no_resource_config" })),
      "  - delete aws_s3_bucket.access-logs (aws_s3_bucket; delete_because_no_resource_config): loses every object in it, and its name, which anyone may then take",
    ],
    [
      "the database replaced, delete first, forced by an immutable attribute",
      (p: any) => Object.assign(db(p), { action_reason: "replace_because_cannot_update" }, { change: { ...db(p).change, actions: ["delete", "create"], replace_paths: [["kms_key_id"]] } }),
      "  - replace aws_db_instance.database (aws_db_instance; forced by kms_key_id; replace_because_cannot_update): loses the database's data (the new instance starts empty: restore from a snapshot or a point in time)",
    ],
    [
      "a file system replaced create-before-destroy (the new one is still empty)",
      (p: any) => p.resource_changes.push(entry("aws_efs_file_system.shared-storage_file-system", ["create", "delete"], { change: { actions: ["create", "delete"], replace_paths: [["encrypted"]] } })),
      "  - replace aws_efs_file_system.shared-storage_file-system (aws_efs_file_system; forced by encrypted): loses every file on it (restore from an AWS Backup recovery point)",
    ],
    [
      "a log group replaced by a rename",
      (p: any) => p.resource_changes.push(entry("aws_cloudwatch_log_group.network_flow-log-group", ["delete", "create"], { change: { actions: ["delete", "create"], replace_paths: [["name"]] } })),
      "  - replace aws_cloudwatch_log_group.network_flow-log-group (aws_cloudwatch_log_group; forced by name): loses its log events (the audit trail: flow, database, session and firewall logs)",
    ],
  ])("%s", (_, edit, line) => {
    const result = checkPlan(edited(edit));
    expect(result.code).toBe(1);
    expect(result.report).toEqual(["plan:check: 1 stateful resource(s) would be replaced or deleted, and their data lost unless restored:", line]);
    expect(result.failure).toMatch(/^plan:check: refused: the plan loses data \(1 stateful resource\(s\) above\)\./);
    expect(result.failure).toContain(`the pull request label "${APPROVAL_LABEL}" (docs/ci.md)`);
  });

  test("lists every loss of a plan in plan order, and counts them", () => {
    const plan = edited((p) => {
      db(p).change.actions = ["delete"];
      p.resource_changes.push(entry("aws_kms_key.encryption_data-key", ["delete", "create"]), entry("aws_backup_vault.backup_vault", ["delete"]));
    });
    expect(findDataLoss(plan).map((l) => [l.action, l.address])).toEqual([
      ["delete", "aws_db_instance.database"],
      ["replace", "aws_kms_key.encryption_data-key"],
      ["delete", "aws_backup_vault.backup_vault"],
    ]);
    expect(checkPlan(plan).report[0]).toBe("plan:check: 3 stateful resource(s) would be replaced or deleted, and their data lost unless restored:");
  });

  test("--allow prints the same list, then the approval, and exits 0", () => {
    const plan = edited((p) => (db(p).change.actions = ["delete", "create"]));
    const refused = checkPlan(plan);
    const allowed = checkPlan(plan, { allow: true });
    expect(allowed.code).toBe(0);
    expect(allowed.failure).toBeUndefined();
    expect(allowed.report).toEqual([...refused.report, "plan:check: data loss approved (--allow): the 1 resource(s) above may be replaced or deleted."]);
  });
});

describe("plan:check lets through what loses no data", () => {
  test.each([
    ["a create-only plan", (p: any) => p.resource_changes.splice(0, 2, entry("aws_s3_bucket.new-bucket", ["create"]), entry("aws_db_instance.replica", ["create"])), 2],
    ["a replaced resource that holds no data (the ASG)", (p: any) => (asg(p).change.actions = ["delete", "create"]), 1],
    ["a stateful resource updated in place (the database resized)", (p: any) => (db(p).change.actions = ["update"]), 1],
    ["a database removed from state only (a removed block with destroy = false)", (p: any) => (db(p).change.actions = ["forget"]), 0],
    ["a bucket read as a data source", (p: any) => p.resource_changes.push({ ...entry("data.aws_s3_bucket.logs", ["read"]), mode: "data", type: "aws_s3_bucket" }), 0],
  ])("%s", (_, edit, planned) => {
    expect(checkPlan(edited(edit))).toEqual({ code: 0, report: [`plan:check: no stateful resource is replaced or deleted (${planned} planned change(s) checked).`] });
  });

  test("the plan of a configuration without resources (Terraform omits resource_changes)", () => {
    const plan = parsePlanJson(JSON.stringify({ format_version: "1.2", terraform_version: "1.11.4", planned_values: { root_module: {} }, applyable: false, complete: true, errored: false }), "empty plan");
    expect(checkPlan(plan).code).toBe(0);
  });
});

describe("input that is not a plan's JSON is a usage error naming the field and the fix", () => {
  test.each([
    ["an empty file (terraform show failed)", "", /^x\.json is empty \(did terraform show fail\?\)/],
    ["truncated JSON", REAL_PLAN.slice(0, 200), /^x\.json is not JSON \(/],
    ["the saved plan file instead of its JSON", "PK\u0003\u0004binary", /^x\.json is a saved plan file \(binary\), not its JSON/],
    ["a list", "[]", /^x\.json is not the JSON of a plan: it is a list, expected an object with "resource_changes"/],
    ["a state's JSON", JSON.stringify({ format_version: "1.0", values: { root_module: {} } }), /field "resource_changes" is missing, and so is "planned_values" \(it looks like the JSON of a state: terraform show -json without a plan file\)/],
    ["resource_changes that is not a list", JSON.stringify({ resource_changes: {} }), /field "resource_changes" is object, expected a list of resource changes/],
    ["an entry that is not an object", JSON.stringify({ resource_changes: [42] }), /resource_changes\[0\] is not an object/],
    ["an entry without its actions", JSON.stringify({ resource_changes: [{ address: "aws_s3_bucket.b", type: "aws_s3_bucket", change: {} }] }), /resource_changes\[0\]\.change\.actions is missing \(expected a list such as \["delete","create"\]\)/],
    ["an entry without its type", JSON.stringify({ resource_changes: [{ address: "aws_s3_bucket.b", change: { actions: ["delete"] } }] }), /resource_changes\[0\]\.type is missing/],
    ["an action Terraform does not write", JSON.stringify({ resource_changes: [{ address: "aws_s3_bucket.b", type: "aws_s3_bucket", change: { actions: ["destroy"] } }] }), /resource_changes\[0\]\.change\.actions holds "destroy"; known actions: no-op, create, read, update, delete, forget/],
    ["a drift entry without its address", JSON.stringify({ resource_changes: [], resource_drift: [{ type: "aws_s3_bucket", change: { actions: ["delete"] } }] }), /resource_drift\[0\]\.address is missing/],
  ])("%s", (_, text, message) => {
    const parse = () => parsePlanJson(text, "x.json");
    expect(parse).toThrow(UsageError);
    expect(parse).toThrow(message);
    expect(parse).toThrow(WRITE_PLAN_JSON);
  });

  test("an errored plan, whose list of changes may be incomplete, is refused rather than passed", () => {
    const plan = edited((p) => (p.errored = true));
    expect(() => checkPlan(plan, { allow: true })).toThrow(/^the plan errored \(field "errored" is true\): Terraform stopped planning/);
  });

  test("replace_paths become attribute paths as a reviewer writes them", () => {
    expect(attributePath(["kms_key_id"])).toBe("kms_key_id");
    expect(attributePath(["ebs_block_device", 0, "volume_size"])).toBe("ebs_block_device[0].volume_size");
    expect(attributePath(["tags", "Name"])).toBe("tags.Name");
  });
});

describe("npm run plan:check, as a process: exit codes and where the words go", () => {
  const [command, ...scriptArgs] = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).scripts["plan:check"].split(/\s+/);
  const run = (...args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((done) =>
      execFile(command === "node" ? process.execPath : command, [...scriptArgs, ...args], { cwd: ROOT, timeout: 30_000 }, (error, stdout, stderr) => done({ code: error ? Number(error.code) : 0, stdout, stderr })),
    );
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "plan-check-"));
    writeFileSync(join(dir, "replaced.json"), JSON.stringify(edited((p) => (db(p).change.actions = ["delete", "create"]))));
  });

  test("1 with the resource on stdout and the refusal on stderr; 0 with --allow; 2 for a missing file or an unknown flag", async () => {
    const plan = join(dir, "replaced.json");
    const [refused, allowed, missing, flag] = await Promise.all([run(plan), run(plan, "--allow"), run(join(dir, "nothing.json")), run(plan, "--force")]);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toMatch(/^ {2}- replace aws_db_instance\.database \(aws_db_instance\): loses the database's data/m);
    expect(refused.stderr).toMatch(/^plan:check: refused: the plan loses data/m);
    expect(allowed).toMatchObject({ code: 0, stderr: "" });
    expect(allowed.stdout).toMatch(/^ {2}- replace aws_db_instance\.database .*\nplan:check: data loss approved \(--allow\)/m);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(`cannot read ${join(dir, "nothing.json")}: no such file; ${WRITE_PLAN_JSON}\n`);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toMatch(/Unknown option '--force'[\s\S]*usage: npm run plan:check -- <plan\.json> \[--allow\]/);
  }, 60_000);
});
