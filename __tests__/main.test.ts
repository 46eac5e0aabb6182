/**
 * The whole App through a real app.synth(): which stacks exist, and how the environment stacks are wired to the
 * state backend stack (backends cannot use references, so the wiring is by shared configuration and tested here).
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULT_CONFIG } from "../config/environments";
import { OVERRIDE_FILE_ENV, loadConfigWithSource } from "../config/load";
import { ENVIRONMENT_NAMES } from "../config/schema";
import { TERRAFORM_REQUIRED_VERSION } from "../constructs/base-stack";
import { environmentStackId } from "../constructs/medicare-hub-stack";
import { STATE_STACK_ID } from "../terraform-state-backend/state-backend-stack";
import { configHint, synthesize } from "../main";
import { readAnnotations } from "../synth-output";
import { readStackJson, resource, synthApp, type SynthResult, type TerraformJson } from "./support/synth";

const defaultSynth = () => synthApp();

describe("the MediCare Hub App", () => {
  let result: SynthResult;
  let state: TerraformJson;
  const envStack = (env: (typeof ENVIRONMENT_NAMES)[number]) => readStackJson(result, environmentStackId(env));

  beforeAll(() => {
    result = synthApp();
    state = readStackJson(result, STATE_STACK_ID);
  });

  test("synthesizes the state stack, one stack per environment and the audit stack, each with cdk.tf.json only", () => {
    expect(Object.keys(result.stackDirs).sort()).toEqual([STATE_STACK_ID, ...ENVIRONMENT_NAMES.map(environmentStackId), "medicare-hub-audit"].sort());
    for (const dir of Object.values(result.stackDirs)) {
      expect(readdirSync(dir).filter((f) => f.startsWith("cdk.tf"))).toEqual(["cdk.tf.json"]);
    }
    const manifest = JSON.parse(readFileSync(join(result.outdir, "manifest.json"), "utf8"));
    expect(Object.keys(manifest.stacks).sort()).toEqual(Object.keys(result.stackDirs).sort());
  });

  test("the audit stack stores its state in the state stack's bucket too, under its own key, and audits prod's account and region", () => {
    const audit = readStackJson(result, "medicare-hub-audit");
    expect(audit.terraform.backend.s3).toMatchObject({ bucket: resource(state, "aws_s3_bucket", "state-bucket").bucket, key: "medicare-hub/audit/terraform.tfstate" });
    expect(audit.provider?.aws[0]).toMatchObject({ region: "us-east-2", allowed_account_ids: [DEFAULT_CONFIG.environments.prod.accountId] });
  });

  test("without the audit stack (audit.enabled false, a landing zone provides it) the App has the other stacks only", () => {
    const without = synthApp({ config: { ...DEFAULT_CONFIG, audit: { ...DEFAULT_CONFIG.audit, enabled: false } } });
    expect(Object.keys(without.stackDirs).sort()).toEqual([STATE_STACK_ID, ...ENVIRONMENT_NAMES.map(environmentStackId)].sort());
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
    // Every alias (us-east-1 for CloudFront and Route 53 metrics; prod's recovery region, where its standby is) carries
    // the same guard and tags.
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

describe("synthesize(): the guardrails decide before anything reaches the output directory", () => {
  const work = mkdtempSync(join(tmpdir(), "medicare-hub-main-"));

  test("a refusal names the configuration fields that fix it, with their values and the file they came from (MH-ELB-8)", () => {
    const file = join(work, "slow-health-check.json");
    writeFileSync(file, JSON.stringify({ environments: { prod: { loadBalancer: { healthCheck: { intervalSeconds: 60, unhealthyThreshold: 5 } } } } }));
    const { config, source } = loadConfigWithSource({ env: { [OVERRIDE_FILE_ENV]: file } });
    const outdir = join(work, "out");
    const result = synthesize(config, { outdir, hcl: false, clean: true, configSource: source });
    const [refusal] = result.refusals.filter((r) => r.includes("MH-ELB-8"));
    expect(refusal).toContain("failure detected only after 300 s");
    expect(refusal).toContain(`environments.prod.loadBalancer.healthCheck.intervalSeconds = 60 (from ${file})`);
    expect(refusal).toContain(`environments.prod.loadBalancer.healthCheck.unhealthyThreshold = 5 (from ${file})`);
    expect(existsSync(outdir)).toBe(false);
  });

  test("a value from the committed defaults is named as such", () => {
    const hint = configHint({ ...DEFAULT_CONFIG, environments: { ...DEFAULT_CONFIG.environments } });
    expect(hint("prod", ["loadBalancer.waf"])).toBe("environments.prod.loadBalancer.waf = true (from config/environments.ts)");
    expect(hint("shared", ["loadBalancer.waf"])).toBeUndefined();
  });

  test("environments sharing a VPC range are warned about, each naming the other", () => {
    const same = { ...DEFAULT_CONFIG, environments: { ...DEFAULT_CONFIG.environments, dev: { ...DEFAULT_CONFIG.environments.dev, network: { ...DEFAULT_CONFIG.environments.dev.network, vpcCidr: "10.20.0.0/16" } } } };
    const overlaps = readAnnotations(synthApp({ config: same }).outdir).filter((a) => /overlaps environments\./.test(a.message));
    expect(overlaps.map((a) => [a.stack, a.message.match(/overlaps (environments\.\w+)/)?.[1]]).sort()).toEqual([
      ["medicare-hub-dev", "environments.prod"],
      ["medicare-hub-prod", "environments.dev"],
    ]);
    expect(readAnnotations(defaultSynth().outdir).filter((a) => /overlaps environments\./.test(a.message))).toEqual([]);
  });
});
