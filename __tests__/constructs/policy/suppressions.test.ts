import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App, Aspects, TerraformStack } from "cdktf";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { PolicyAspect } from "../../../constructs/policy/aspect";
import { SUPPRESSIONS, type Suppression } from "../../../constructs/policy/suppressions";
import { readAnnotations, synthOrRefusals } from "../../../synth-output";
import { synthApp } from "../../support/synth";

/** A prod stack with one unrotated key (breaks MH-KMS-1), synthesized with the given suppressions. */
function withSuppressions(prod: Suppression[]): { errors: string[]; warnings: string[] } {
  const outdir = join(mkdtempSync(join(tmpdir(), "medicare-hub-suppress-")), "out");
  const app = new App({ outdir, stackTraces: false });
  const stack = new TerraformStack(app, "probe");
  new AwsProvider(stack, "aws", { region: "us-east-2", defaultTags: [{ tags: { Environment: "prod" } }] });
  new KmsKey(stack, "key", { enableKeyRotation: false, lifecycle: { preventDestroy: true } });
  Aspects.of(stack).add(new PolicyAspect({ prod }));
  const errors = synthOrRefusals(() => app.synth());
  return { errors, warnings: errors.length ? [] : readAnnotations(outdir).map((a) => a.message) };
}

describe("suppressions", () => {
  const reason = "Accepted for this test: the key encrypts nothing.";

  test("a suppression with a reason accepts the finding", () => {
    expect(withSuppressions([{ rule: "MH-KMS-1", reason }]).errors).toEqual([]);
  });

  test("a suppression limited to another address does not", () => {
    expect(withSuppressions([{ rule: "MH-KMS-1", reason, address: "aws_kms_key.other" }]).errors).toEqual(
      expect.arrayContaining([expect.stringContaining("MH-KMS-1 aws_kms_key.key")]),
    );
  });

  test("a suppression without a reason is itself an error (and accepts nothing)", () => {
    const { errors } = withSuppressions([{ rule: "MH-KMS-1", reason: "  " }]);
    expect(errors).toEqual(expect.arrayContaining([expect.stringMatching(/suppression of MH-KMS-1 for prod has no reason/), expect.stringContaining("MH-KMS-1 aws_kms_key.key")]));
  });

  test("a suppression of an unknown rule is an error", () => {
    expect(withSuppressions([{ rule: "MH-KMS-1", reason }, { rule: "MH-NOPE-1", reason }]).errors).toEqual([
      expect.stringMatching(/suppression of MH-NOPE-1 for prod names no rule of the pack/),
    ]);
  });

  test("a suppression that matches nothing warns", () => {
    const { errors, warnings } = withSuppressions([{ rule: "MH-KMS-1", reason }, { rule: "MH-RDS-1", reason }]);
    expect(errors).toEqual([]);
    expect(warnings).toEqual(expect.arrayContaining([expect.stringMatching(/suppression of MH-RDS-1 for prod matches no finding/)]));
  });

  test("prod accepts nothing; dev's accepted findings are all cost or disposability switches, each with a reason, all in use", () => {
    expect(SUPPRESSIONS.prod).toEqual([]);
    for (const suppression of SUPPRESSIONS.dev) expect(suppression.reason.length).toBeGreaterThan(40);
    const unused = readAnnotations(synthApp().outdir).filter((a) => /matches no finding/.test(a.message));
    expect(unused).toEqual([]);
  });
});
