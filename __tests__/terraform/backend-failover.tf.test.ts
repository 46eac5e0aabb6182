/**
 * The state outlives its region (stateBackend.replicaRegion): two "regions" on loopback, each an S3 (s3rver) and a
 * DynamoDB (dynalite). A write goes to the primary; its bucket's objects reach the replica bucket (AWS's S3
 * replication does this in the cloud; s3rver has no replication, so the test copies the bucket's stored objects, as
 * replication copies each new version); the primary dies; `terraform init` with exactly the arguments the README
 * gives (failoverInitArgs) points the stack at the replica, which holds the latest state: plan shows no changes, and
 * an apply writes there, locking in the replica region's table.
 *
 * S3-native lock files are switched off, as in backend-faults.tf.test.ts (s3rver has no conditional writes).
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App, TerraformStack } from "cdktf";
import { DEFAULT_CONFIG } from "../../config/environments";
import { failoverInitArgs, replicaBucketName, stateKeyFor, useStateBackend } from "../../terraform-state-backend/backend";
import { loopbackBackendConfig, startFakeDynamo, startFakeS3, type FakeDynamo, type FakeS3 } from "../support/fake-aws";
import { describeWithTerraform, terraform } from "./harness";

const STATE = DEFAULT_CONFIG.stateBackend;
const NAME = "backend-failover-test";
const REPLICA_BUCKET = `${STATE.bucketName}-replica`;

/** Synthesizes a stack with the project's backend and one terraform_data resource (no provider needed). */
function writeConfig(dir: string, input: string): void {
  const outdir = join(mkdtempSync(join(tmpdir(), "medicare-hub-failover-synth-")), "out");
  const app = new App({ outdir, stackTraces: false });
  const stack = new TerraformStack(app, "probe");
  useStateBackend(stack, STATE, NAME);
  stack.addOverride("resource.terraform_data.probe", { input });
  app.synth();
  writeFileSync(join(dir, "cdk.tf.json"), readFileSync(join(outdir, "stacks", "probe", "cdk.tf.json")));
}

describeWithTerraform("the state's replica takes over when the state's region is lost", () => {
  const primary: { s3?: FakeS3; dynamo?: FakeDynamo; directory: string } = { directory: "" };
  const replica: { s3?: FakeS3; dynamo?: FakeDynamo; directory: string } = { directory: "" };
  let dir: string;
  const tf = (...args: string[]) => terraform(dir, [...args, "-no-color", "-input=false"], true);
  const serial = async () => (JSON.parse((await terraform(dir, ["state", "pull"])).stdout) as { serial: number }).serial;

  beforeAll(async () => {
    primary.directory = mkdtempSync(join(tmpdir(), "medicare-hub-s3-primary-"));
    replica.directory = mkdtempSync(join(tmpdir(), "medicare-hub-s3-replica-"));
    primary.s3 = await startFakeS3(primary.directory, [STATE.bucketName]);
    replica.s3 = await startFakeS3(replica.directory, [REPLICA_BUCKET]);
    primary.dynamo = await startFakeDynamo();
    replica.dynamo = await startFakeDynamo();
    // One global table: the same name in both regions.
    await primary.dynamo.createLockTable(STATE.lockTableName);
    await replica.dynamo.createLockTable(STATE.lockTableName);
    dir = mkdtempSync(join(tmpdir(), "medicare-hub-failover-"));
    writeConfig(dir, "v1");
    expect((await tf("init", ...loopbackBackendConfig(primary.s3, primary.dynamo))).code).toBe(0);
  }, 60_000);

  afterAll(async () => {
    for (const side of [primary, replica]) {
      await side.s3?.stop().catch(() => undefined);
      await side.dynamo?.stop();
    }
  });

  test("the README's failover arguments name the replica bucket and region, and nothing else changes", () => {
    expect(replicaBucketName(STATE.bucketName)).toBe(REPLICA_BUCKET);
    expect(STATE.replicaRegion).toBe("us-west-2");
    expect(failoverInitArgs(STATE)).toEqual(["-reconfigure", `-backend-config=bucket=${REPLICA_BUCKET}`, "-backend-config=region=us-west-2"]);
    const readme = readFileSync(join(__dirname, "..", "..", "terraform-state-backend", "README.md"), "utf8");
    expect(readme).toContain(`terraform init ${failoverInitArgs(STATE).join(" ")}`.replace(REPLICA_BUCKET, "<bucketName>-replica").replace("us-west-2", "<replicaRegion>"));
  });

  test("after a write to the primary, the replica holds the latest state and Terraform plans and applies against it", async () => {
    expect((await tf("apply", "-auto-approve")).code).toBe(0);
    writeConfig(dir, "v2");
    expect((await tf("apply", "-auto-approve")).code).toBe(0);
    const written = await serial();

    // Replication (AWS's, in the cloud): the primary bucket's objects, every version as stored, into the replica.
    cpSync(join(primary.directory, STATE.bucketName), join(replica.directory, REPLICA_BUCKET), { recursive: true });
    // The region is lost.
    await primary.s3?.stop();
    await primary.dynamo?.stop();
    primary.dynamo = undefined;

    const init = await tf("init", ...failoverInitArgs(STATE), ...loopbackBackendConfig(replica.s3 as FakeS3, replica.dynamo as FakeDynamo));
    expect({ code: init.code, stderr: init.stderr }).toEqual({ code: 0, stderr: "" });
    expect(await serial()).toBe(written);
    // The code is what was last applied: nothing to change.
    expect((await tf("plan", "-detailed-exitcode", "-lock-timeout=5s")).code).toBe(0);

    writeConfig(dir, "v3");
    expect((await tf("apply", "-auto-approve", "-lock-timeout=5s")).code).toBe(0);
    expect(await serial()).toBeGreaterThan(written);
    // It locked (and recorded its digest) in the replica region's table, under the replica bucket's name.
    expect(await (replica.dynamo as FakeDynamo).lockIds(STATE.lockTableName)).toEqual([`${REPLICA_BUCKET}/${stateKeyFor(NAME)}-md5`]);
  }, 90_000);
});
