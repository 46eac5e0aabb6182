/**
 * The whole App through a real app.synth(): which stacks exist, and how the environment stacks are wired to the
 * state backend stack (backends cannot use references, so the wiring is by shared configuration and tested here).
 */
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { DEFAULT_CONFIG } from "../config/environments";
import { ENVIRONMENT_NAMES } from "../config/schema";
import { TERRAFORM_REQUIRED_VERSION } from "../constructs/base-stack";
import { environmentStackId } from "../constructs/medicare-hub-stack";
import { STATE_STACK_ID } from "../terraform-state-backend/state-backend-stack";
import { readStackJson, resource, synthApp, type SynthResult, type TerraformJson } from "./support/synth";

describe("the MediCare Hub App", () => {
  let result: SynthResult;
  let state: TerraformJson;
  const envStack = (env: (typeof ENVIRONMENT_NAMES)[number]) => readStackJson(result, environmentStackId(env));

  beforeAll(() => {
    result = synthApp();
    state = readStackJson(result, STATE_STACK_ID);
  });

  test("synthesizes the state stack and one stack per environment, each with cdk.tf.json only", () => {
    expect(Object.keys(result.stackDirs).sort()).toEqual([STATE_STACK_ID, ...ENVIRONMENT_NAMES.map(environmentStackId)].sort());
    for (const dir of Object.values(result.stackDirs)) {
      expect(readdirSync(dir).filter((f) => f.startsWith("cdk.tf"))).toEqual(["cdk.tf.json"]);
    }
    const manifest = JSON.parse(readFileSync(join(result.outdir, "manifest.json"), "utf8"));
    expect(Object.keys(manifest.stacks).sort()).toEqual(Object.keys(result.stackDirs).sort());
  });

  test.each(ENVIRONMENT_NAMES)("the %s stack stores its state in the state stack's bucket, locked by its table", (env) => {
    const backend = envStack(env).terraform.backend.s3;
    expect(backend.bucket).toBe(resource(state, "aws_s3_bucket", "state-bucket").bucket);
    expect(backend.dynamodb_table).toBe(resource(state, "aws_dynamodb_table", "lock-table").name);
    expect(backend.region).toBe(state.provider?.aws[0].region);
    expect(backend.kms_key_id).toBe(resource(state, "aws_kms_alias", "state-key-alias").name);
    expect(backend).toMatchObject({ encrypt: true, use_lockfile: true });
    expect(backend.key).toContain(env);
  });

  test("each environment has its own state key", () => {
    const keys = ENVIRONMENT_NAMES.map((env) => envStack(env).terraform.backend.s3.key);
    expect(new Set(keys).size).toBe(keys.length);
  });

  test.each(ENVIRONMENT_NAMES)("the %s provider runs in the configured region and tags Project, Environment, ManagedBy, CostCenter", (env) => {
    const config = DEFAULT_CONFIG.environments[env];
    const tags = [{ tags: { Project: "medicare-hub", Environment: env, ManagedBy: "cdktf", CostCenter: config.costCenter } }];
    const providers = envStack(env).provider?.aws ?? [];
    expect(providers.find((p) => !p.alias)).toEqual({ region: config.region, allowed_account_ids: [config.accountId], default_tags: tags });
    // Every alias (us-east-1 for CloudFront and Route 53 metrics) carries the same guard and tags.
    for (const alias of providers.filter((p) => p.alias)) {
      expect(alias).toMatchObject({ allowed_account_ids: [config.accountId], default_tags: tags });
    }
  });

  test("every stack pins the AWS provider by its full source, and Terraform to a version with S3 lock files", () => {
    for (const id of Object.keys(result.stackDirs)) {
      const tf = readStackJson(result, id);
      expect(tf.terraform.required_providers.aws).toEqual({ source: "hashicorp/aws", version: "5.100.0" });
      expect(tf.terraform.required_version).toBe(TERRAFORM_REQUIRED_VERSION);
    }
  });

  test("output is deterministic and free of this machine's paths", () => {
    const again = synthApp({ fresh: true });
    for (const id of Object.keys(result.stackDirs)) {
      const first = readFileSync(join(result.stackDirs[id], "cdk.tf.json"), "utf8");
      expect(readFileSync(join(again.stackDirs[id], "cdk.tf.json"), "utf8")).toBe(first);
      expect(first).not.toContain(process.cwd());
      expect(first).not.toContain(result.outdir);
    }
  });
});
