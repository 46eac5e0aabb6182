/**
 * The S3 backend block this project generates (terraform-state-backend/backend.ts), driven against a real S3
 * (s3rver) and DynamoDB (dynalite) on 127.0.0.1: state lands in the bucket, a concurrent apply is refused by the
 * lock, a dead S3 gives a clear error with the earlier state intact, and state that could not be saved when S3 died
 * mid-apply is pushed back once it returns. Only the endpoints and fake credentials are added, through
 * `terraform init -backend-config`, and only here.
 *
 * S3-native lock files (use_lockfile) need conditional writes (If-None-Match) that stock s3rver does not implement,
 * so they are switched off here and locking is proven through the DynamoDB table.
 */
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App, TerraformStack } from "cdktf";
import { DEFAULT_CONFIG } from "../../config/environments";
import { stateKeyFor, useStateBackend } from "../../terraform-state-backend/backend";
import { loopbackBackendConfig, startFakeDynamo, startFakeS3, waitFor, type FakeDynamo, type FakeS3 } from "../support/fake-aws";
import { describeWithTerraform, terraform, terraformStreaming, type RunResult } from "./harness";

const STATE = DEFAULT_CONFIG.stateBackend;
const NAME = "backend-fault-test";
const LOCK_ID = `${STATE.bucketName}/${stateKeyFor(NAME)}`;

/** Synthesizes a stack with the project's backend and one terraform_data resource (no provider needed). */
function writeConfig(dir: string, input: string, sleepSeconds = 0): void {
  const outdir = join(mkdtempSync(join(tmpdir(), "medicare-hub-backend-synth-")), "out");
  const app = new App({ outdir, stackTraces: false });
  const stack = new TerraformStack(app, "probe");
  useStateBackend(stack, STATE, NAME);
  stack.addOverride("resource.terraform_data.probe", {
    input,
    // A new input replaces the resource, so its create-time provisioner (the sleep holding the lock) runs again.
    triggers_replace: input,
    ...(sleepSeconds > 0 ? { provisioner: [{ "local-exec": { command: `sleep ${sleepSeconds}` } }] } : {}),
  });
  app.synth();
  writeFileSync(join(dir, "cdk.tf.json"), readFileSync(join(outdir, "stacks", "probe", "cdk.tf.json")));
}

describeWithTerraform("the generated S3 backend against S3 and DynamoDB on loopback", () => {
  let s3: FakeS3;
  let dynamo: FakeDynamo;
  let dir: string;
  let s3Directory: string;
  const tf = (...args: string[]) => terraform(dir, [...args, "-no-color", "-input=false"], true);
  const pulledSerial = async () => (JSON.parse((await terraform(dir, ["state", "pull"])).stdout) as { serial: number }).serial;
  const expectNoChanges = async () => expect((await tf("plan", "-detailed-exitcode", "-lock-timeout=5s")).code).toBe(0);

  beforeAll(async () => {
    s3Directory = mkdtempSync(join(tmpdir(), "medicare-hub-s3rver-"));
    s3 = await startFakeS3(s3Directory, [STATE.bucketName]);
    dynamo = await startFakeDynamo();
    await dynamo.createLockTable(STATE.lockTableName);
    dir = mkdtempSync(join(tmpdir(), "medicare-hub-backend-"));
    writeConfig(dir, "v1");
    const init = await terraform(dir, [
      "init",
      "-input=false",
      "-no-color",
      ...loopbackBackendConfig(s3, dynamo),
    ]);
    expect(init.code).toBe(0);
  }, 60_000);

  afterAll(async () => {
    await s3?.stop().catch(() => undefined);
    await dynamo?.stop();
  });

  test("apply writes the state to the bucket under the environment's key, with its digest in the lock table", async () => {
    expect((await tf("apply", "-auto-approve")).code).toBe(0);
    const state = JSON.parse((await terraform(dir, ["state", "pull"])).stdout);
    expect(state.resources.map((r: { type: string }) => r.type)).toEqual(["terraform_data"]);
    const stored = readdirSync(join(s3Directory, STATE.bucketName), { recursive: true }).map(String);
    expect(stored.some((path) => path.startsWith(stateKeyFor(NAME)))).toBe(true);
    expect(await dynamo.lockIds(STATE.lockTableName)).toEqual([`${LOCK_ID}-md5`]);
  }, 30_000);

  test("a second apply while one runs is refused by the lock, naming who holds it, and succeeds afterwards", async () => {
    writeConfig(dir, "v2", 6);
    const first = tf("apply", "-auto-approve");
    await waitFor("the first apply to take the lock", async () => (await dynamo.lockIds(STATE.lockTableName)).includes(LOCK_ID));
    const second = await tf("apply", "-auto-approve", "-lock-timeout=0s");
    expect(second.code).not.toBe(0);
    expect(second.stderr).toMatch(/Error acquiring the state lock/);
    expect(second.stderr).toMatch(/Lock Info:[\s\S]*Operation: +OperationTypeApply/);
    expect((await first).code).toBe(0);
    expect(await dynamo.lockIds(STATE.lockTableName)).not.toContain(LOCK_ID);
    // Once the first has released the lock, the second goes through (nothing left to change).
    expect((await tf("apply", "-auto-approve", "-lock-timeout=5s")).code).toBe(0);
  }, 60_000);

  test("with S3 down, terraform fails with a clear error, and the state written before is intact when it returns", async () => {
    const serial = await pulledSerial();
    await s3.stop();
    const failed = await tf("plan", "-lock-timeout=5s");
    expect(failed.code).not.toBe(0);
    expect(failed.stderr).toMatch(new RegExp(`${s3.endpoint.replace(/\./g, "\\.")}[\\s\\S]*connection refused|connection refused[\\s\\S]*${s3.port}`));
    await s3.restart();
    expect(await pulledSerial()).toBe(serial);
    await expectNoChanges();
  }, 60_000);

  test("when S3 dies mid-apply, the state is saved to errored.tfstate and can be pushed back once S3 returns", async () => {
    const before = await pulledSerial();
    writeConfig(dir, "v3", 4);
    const apply = terraformStreaming(dir, ["apply", "-auto-approve", "-no-color", "-input=false"]);
    // Only once the resource is being created: earlier, the apply would fail reading state, not saving it.
    await waitFor("the apply to reach its provisioner", async () => apply.output().includes("Provisioning with 'local-exec'"), 30_000);
    await s3.stop();
    const result: RunResult = await apply.done;
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/Failed to save state/);
    expect(readdirSync(dir)).toContain("errored.tfstate");
    await s3.restart();
    const push = await terraform(dir, ["state", "push", "-lock-timeout=5s", "errored.tfstate"], true);
    expect({ code: push.code, stderr: push.stderr }).toEqual({ code: 0, stderr: "" });
    expect(await pulledSerial()).toBeGreaterThan(before);
    await expectNoChanges();
  }, 60_000);
});
