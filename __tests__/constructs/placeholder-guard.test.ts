import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Testing, TerraformStack } from "cdktf";
import { DEFAULT_CONFIG } from "../../config/environments";
import { deepMerge, validateConfig } from "../../config/load";
import { findPlaceholders, type Placeholder } from "../../config/placeholders";
import { ENVIRONMENT_NAMES, type ProjectConfig } from "../../config/schema";
import { environmentStackId } from "../../constructs/medicare-hub-stack";
import { PLACEHOLDER_GUARD_ID, PlaceholderGuard } from "../../constructs/placeholder-guard";
import { STATE_STACK_ID } from "../../terraform-state-backend/state-backend-stack";
import { readAnnotations } from "../../synth-output";
import { completeConfig } from "../support/complete-config";
import { readStackJson, synthApp, type SynthResult, type TerraformJson } from "../support/synth";

const STACKS = [STATE_STACK_ID, ...ENVIRONMENT_NAMES.map(environmentStackId)];
const LOCAL = `${PLACEHOLDER_GUARD_ID}_placeholders`;

const guardOf = (tf: TerraformJson) => tf.resource?.terraform_data?.[PLACEHOLDER_GUARD_ID];
const localsOf = (tf: TerraformJson) => (tf as { locals?: Record<string, unknown> }).locals;
const placeholderWarnings = (result: SynthResult) =>
  readAnnotations(result.outdir).filter((a) => a.level === "warning" && a.message.startsWith("placeholder "));

/** The complete configuration with `override` merged on top. */
const completeBut = (override: object): ProjectConfig => validateConfig(deepMerge(completeConfig(), override), override);

describe("with the committed placeholders", () => {
  const committed = findPlaceholders(DEFAULT_CONFIG);
  /** The state stack guards its own placeholders; an environment stack also the state bucket, where its state lives. */
  const expectedFor = (stack: string): Placeholder[] =>
    committed.filter((p) =>
      stack === STATE_STACK_ID
        ? p.path.startsWith("stateBackend.")
        : p.path === "stateBackend.bucketName" || p.path.startsWith(`environments.${stack.replace(/^medicare-hub-/, "")}.`),
    );
  let result: SynthResult;
  beforeAll(() => {
    result = synthApp();
  });

  test.each(STACKS)("%s carries terraform_data.placeholder-guard, whose precondition fails while its list of override keys is not empty", (stack) => {
    const tf = readStackJson(result, stack);
    const expected = expectedFor(stack);
    expect(localsOf(tf)?.[LOCAL]).toEqual(expected.map((p) => p.overrideKey));
    const [precondition, ...others] = guardOf(tf).lifecycle.precondition;
    expect(others).toEqual([]);
    expect(precondition.condition).toBe(`\${(length(local.${LOCAL}) < 1)}`);
    const lines = precondition.error_message.split("\n");
    expect(lines[0]).toBe(`MediCare Hub ${stack}: ${expected.length} placeholder values in the configuration would reach AWS, so this plan is refused and nothing is created.`);
    expect(lines.slice(2)).toEqual(expected.map((p) => `- ${p.overrideKey}: ${JSON.stringify(p.value)} is ${p.reason}. Set it to ${p.replaceWith}.`));
  });

  test("one warning per placeholder, on the stack that owns the setting, naming its value and override key", () => {
    const warnings = placeholderWarnings(result);
    expect(warnings).toHaveLength(committed.length);
    for (const p of committed) {
      const stack = p.path.startsWith("stateBackend.") ? STATE_STACK_ID : environmentStackId(p.path.split(".")[1] as "dev" | "prod");
      const [warning, ...others] = warnings.filter((w) => w.message.startsWith(`placeholder ${p.path}: ${JSON.stringify(p.value)} is `));
      expect(others).toEqual([]);
      expect(warning).toMatchObject({ stack, constructPath: stack });
      expect(warning.message).toContain(`Set "${p.overrideKey}" in the override file named by MEDICARE_HUB_CONFIG_OVERRIDES`);
    }
  });

  test("the HCL output renders the guard as lifecycle and precondition blocks, the message as a heredoc", () => {
    const hcl = readFileSync(join(synthApp({ hcl: true }).stackDirs[STATE_STACK_ID], "cdk.tf"), "utf8");
    expect(hcl).toMatch(
      new RegExp(
        `resource "terraform_data" "${PLACEHOLDER_GUARD_ID}" \\{\\n  lifecycle \\{\\n    precondition \\{\\n` +
          `      condition     = \\(length\\(local\\.${LOCAL}\\) < 1\\)\\n      error_message = <<EOF\\nMediCare Hub ${STATE_STACK_ID}: 2 placeholder`,
      ),
    );
    expect(hcl).toContain(`- stateBackend.bucketName: "${DEFAULT_CONFIG.stateBackend.bucketName}" is `);
  });
});

describe("with a complete configuration", () => {
  let result: SynthResult;
  beforeAll(() => {
    result = synthApp({ config: completeConfig() });
  });

  test.each(STACKS)("%s has no guard, no placeholder list and no placeholder warning", (stack) => {
    const tf = readStackJson(result, stack);
    expect(tf.resource?.terraform_data).toBeUndefined();
    expect(localsOf(tf)).toBeUndefined();
    expect(placeholderWarnings(result).filter((w) => w.stack === stack)).toEqual([]);
  });
});

test("a placeholder left in one environment guards that environment's stack only", () => {
  const result = synthApp({ config: completeBut({ environments: { prod: { alerts: { email: "oncall@medicare-hub.test" } } } }) });
  expect(STACKS.filter((stack) => guardOf(readStackJson(result, stack)))).toEqual([environmentStackId("prod")]);
  expect(localsOf(readStackJson(result, environmentStackId("prod")))?.[LOCAL]).toEqual(["environments.prod.alerts.email"]);
});

test("the placeholder state account guards the state stack only (environments reach their state by bucket name)", () => {
  const result = synthApp({ config: completeBut({ stateBackend: { accountId: DEFAULT_CONFIG.stateBackend.accountId } }) });
  expect(STACKS.filter((stack) => guardOf(readStackJson(result, stack)))).toEqual([STATE_STACK_ID]);
  expect(localsOf(readStackJson(result, STATE_STACK_ID))?.[LOCAL]).toEqual(["stateBackend.accountId"]);
});

test("the placeholder state bucket guards every stack (their state lives in it) and is warned about once, by the state stack", () => {
  const result = synthApp({ config: completeBut({ stateBackend: { bucketName: DEFAULT_CONFIG.stateBackend.bucketName } }) });
  for (const stack of STACKS) expect(localsOf(readStackJson(result, stack))?.[LOCAL]).toEqual(["stateBackend.bucketName"]);
  expect(placeholderWarnings(result).map((w) => w.stack)).toEqual([STATE_STACK_ID]);
});

test("template syntax in a value reaches Terraform as text", () => {
  const stack = new TerraformStack(Testing.app(), "test");
  const odd: Placeholder = { path: "x.y", value: "${var.a}%{if b}", reason: "odd", overrideKey: "x.y", replaceWith: "something" };
  new PlaceholderGuard(stack, PLACEHOLDER_GUARD_ID, { placeholders: [odd] });
  const tf = JSON.parse(Testing.synth(stack)) as TerraformJson;
  const message: string = Object.values(tf.resource?.terraform_data ?? {})[0].lifecycle.precondition[0].error_message;
  expect(message).toContain('"$${var.a}%%{if b}"');
});

test("a guard without placeholders is refused at construction", () => {
  const stack = new TerraformStack(Testing.app(), "test");
  expect(() => new PlaceholderGuard(stack, PLACEHOLDER_GUARD_ID, { placeholders: [] })).toThrow(/no placeholders to refuse/);
});
