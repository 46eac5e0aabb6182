/**
 * Configuration switches that change the shape of a stack, through terraform: prod with a cross-region backup copy
 * (a second, aliased provider) and an existing hosted zone: fmt and validate without warnings.
 */
import { join } from "node:path";
import { DEFAULT_CONFIG } from "../../config/environments";
import type { ProjectConfig } from "../../config/schema";
import { environmentStackId } from "../../constructs/medicare-hub-stack";
import { synthApp } from "../support/synth";
import { copyStack, describeWithTerraform, fmtCheck, validate, type ValidateResult } from "./harness";

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

  // fmt and validate only: the default stacks already prove HCL plans what JSON plans (prod with an aliased
  // provider among them); this variant adds a second alias and resources that only exist with these switches, the
  // parts of the HCL renderer most likely to go wrong. Their structure is asserted in the construct tests.
  beforeAll(async () => {
    const hcl = synthApp({ config: VARIANT, hcl: true });
    const dir = copyStack(hcl.stackDirs[STACK], join(hcl.outdir, "..", "terraform"));
    unformatted = await fmtCheck(dir);
    validation = await validate(dir);
  }, 300_000);

  test("the HCL is formatted", () => {
    expect(unformatted).toEqual([]);
  });

  test("the HCL validates without errors or warnings", () => {
    expect(validation.diagnostics).toEqual([]);
    expect(validation.valid).toBe(true);
  });
});
