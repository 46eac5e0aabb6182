/**
 * Configuration switches that change the shape of a stack, through terraform: prod with a cross-region backup copy
 * (a second, aliased provider) and an existing hosted zone: fmt, validate without warnings, offline plan.
 */
import { join } from "node:path";
import { DEFAULT_CONFIG } from "../../config/environments";
import type { ProjectConfig } from "../../config/schema";
import { environmentStackId } from "../../constructs/medicare-hub-stack";
import { readStackJson, synthApp } from "../support/synth";
import { copyStack, describeWithTerraform, fmtCheck, planOffline, validate, type TerraformPlan, type ValidateResult } from "./harness";

const prod = DEFAULT_CONFIG.environments.prod;
const VARIANT: ProjectConfig = {
  ...DEFAULT_CONFIG,
  environments: {
    ...DEFAULT_CONFIG.environments,
    prod: { ...prod, backup: { ...prod.backup, copyToRegion: "us-west-2" }, dns: { ...prod.dns, hostedZoneId: "Z0EXISTINGZONE42" } },
  },
};
const STACK = environmentStackId("prod");

describeWithTerraform("prod with a cross-region backup copy and an existing hosted zone, through terraform", () => {
  let unformatted: string[] = [];
  let validation: ValidateResult;
  let plan: TerraformPlan | undefined;

  // HCL only: the default stacks already prove HCL plans what JSON plans; this variant adds a second, aliased
  // provider, the part of the HCL renderer most likely to go wrong.
  beforeAll(async () => {
    const json = synthApp({ config: VARIANT });
    const hcl = synthApp({ config: VARIANT, hcl: true });
    const aliases = (readStackJson(json, STACK).provider?.aws ?? []).map((p: { alias?: string }) => p.alias);
    const dir = copyStack(hcl.stackDirs[STACK], join(hcl.outdir, "..", "terraform"));
    unformatted = await fmtCheck(dir);
    validation = await validate(dir);
    if (validation.valid) plan = await planOffline(dir, aliases);
  }, 300_000);

  test("the HCL is formatted and validates without errors or warnings", () => {
    expect(unformatted).toEqual([]);
    expect(validation.diagnostics).toEqual([]);
  });

  test("it plans offline, with the copy vault and its key in the other region", () => {
    const changes = plan?.resource_changes ?? [];
    expect(changes.filter((c) => c.type === "aws_backup_vault")).toHaveLength(2);
    const copy = plan?.configuration.provider_config?.["aws.backup-copy"];
    expect(copy?.expressions).toMatchObject({ region: { constant_value: "us-west-2" } });
    const copyVault = plan?.planned_values.root_module.resources?.find((r) => r.type === "aws_backup_vault" && r.name.endsWith("copy-vault"));
    expect(copyVault?.values.name).toMatch(/-copy$/);
  });

  test("no hosted zone is planned: the existing one is used", () => {
    expect((plan?.resource_changes ?? []).filter((c) => c.type === "aws_route53_zone")).toEqual([]);
    expect(plan?.resource_changes?.length).toBeGreaterThan(50);
  });
});
