/**
 * The change the review tools are proven on (issue 17's acceptance) and docs/ci.md's example comment is rendered
 * from: prod may scale out to 12 instances (was 9) and drops its WAF, as a pull request would do it, with an override
 * file, synthesized in-process through main.ts's synthesize() (the guardrails decide, as in `npm run synth`).
 *
 * Prod's guardrails refuse a public load balancer without WAF (MH-ELB-7, an error), so such a change comes with a
 * suppression in constructs/policy/suppressions.ts. The pull request's plan is vetted by the BASE branch's guardrails
 * (pr-plan.yml, vet), which would refuse it while the base lacks the suppression: the suppression goes to main first,
 * in a pull request of its own, and the change follows. EXAMPLE_SUPPRESSIONS is that base branch's judge.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfigWithSource } from "../../config/load";
import { SUPPRESSIONS, type Suppression } from "../../constructs/policy/suppressions";
import { synthesize } from "../../main";
import type { StackView } from "../../constructs/policy/stack-view";
import type { PlanResourceChange } from "../../tools/plan-json";
import { reviewDeltas, summarizePlan } from "../../tools/plan-summary";
import { readSynthOutput } from "../../tools/synthesized";
import { withPlainStackTraces } from "./synth";

/** The override file of the example change. */
export const EXAMPLE_OVERRIDE = { environments: { prod: { app: { maxCapacity: 12 }, loadBalancer: { waf: false } } } } as const;

/** The suppression the example change needs in prod, merged to main before it. */
export const EXAMPLE_SUPPRESSION: Suppression = {
  rule: "MH-ELB-7",
  reason: "Example change: prod's WAF is replaced by the hospital network's own web filtering in front of the load balancer.",
};

/** The committed suppressions plus EXAMPLE_SUPPRESSION: the judge of a base branch that carries it. */
export const EXAMPLE_SUPPRESSIONS: Readonly<Record<string, readonly Suppression[]>> = { ...SUPPRESSIONS, prod: [...(SUPPRESSIONS.prod ?? []), EXAMPLE_SUPPRESSION] };

/**
 * Synthesizes the committed configuration with `override` (an override file's contents) into a fresh directory,
 * judged by `suppressions`; returns the output directory. A guardrail refusal fails the caller with its lines.
 */
export function synthesizeWithOverride(override: object, suppressions: Readonly<Record<string, readonly Suppression[]>> = SUPPRESSIONS): string {
  const dir = mkdtempSync(join(tmpdir(), "medicare-hub-change-"));
  const file = join(dir, "override.json");
  writeFileSync(file, JSON.stringify(override));
  const { config, source } = loadConfigWithSource({ env: { MEDICARE_HUB_CONFIG_OVERRIDES: file } });
  const outdir = join(dir, "cdktf.out");
  const result = withPlainStackTraces(() => synthesize(config, { outdir, hcl: false, clean: true, configSource: source, suppressions }));
  if (result.refusals.length > 0) throw new Error(`the change was refused:\n${result.refusals.join("\n")}`);
  return outdir;
}

const withoutMetadata = (values: Record<string, unknown>) => JSON.stringify({ ...values, "//": undefined });

/**
 * What a plan of `head` over an applied `base` lists, as the workflow keeps it (address, type, mode, actions): a
 * resource only in the base is deleted, one only in the head created, one whose arguments differ updated. The example
 * change updates nothing Terraform must replace, so this is the plan's list for it; a real plan also decides
 * replacements, which only Terraform knows.
 */
export function changesBetween(base: StackView, head: StackView): { resource_changes: PlanResourceChange[] } {
  const resources = (stack: StackView) => new Map(stack.resources(...Object.keys(stack.tf.resource ?? {})).map((r) => [r.address, r] as const));
  const before = resources(base);
  const after = resources(head);
  const change = (address: string, type: string, actions: string[]): PlanResourceChange => ({ address, type, mode: "managed", change: { actions } });
  return {
    resource_changes: [
      ...[...before.values()].filter((r) => !after.has(r.address)).map((r) => change(r.address, r.type, ["delete"])),
      ...[...after.values()].filter((r) => !before.has(r.address)).map((r) => change(r.address, r.type, ["create"])),
      ...[...after.values()].filter((r) => before.has(r.address) && withoutMetadata(before.get(r.address)?.values ?? {}) !== withoutMetadata(r.values)).map((r) => change(r.address, r.type, ["update"])),
    ],
  };
}

/** docs/ci.md's example comment: between these markers, kept equal to reviewExampleSection() by a test. */
export const REVIEW_EXAMPLE_DOC = join(__dirname, "..", "..", "docs", "ci.md");
export const REVIEW_EXAMPLE_MARKERS = ["<!-- review-example -->", "<!-- /review-example -->"] as const;
export const UPDATE_REVIEW_EXAMPLE_ENV = "UPDATE_REVIEW_EXAMPLE";

/**
 * The comment the report job would post for prod on the example change: plan:summary's own rendering
 * (summarizePlan, reviewDeltas) of the two synthesized outputs, judged by a base branch carrying the suppression. The
 * guardrail report that follows in a real comment (`--policy`) is left out.
 */
export async function reviewExampleSection(baseDir: string, headDir: string): Promise<string> {
  const prod = (dir: string) => readSynthOutput(dir, "example").stacks.find((s) => s.stackId === "medicare-hub-prod") as StackView;
  const deltas = await reviewDeltas(baseDir, headDir, "prod", EXAMPLE_SUPPRESSIONS);
  const comment = summarizePlan(changesBetween(prod(baseDir), prod(headDir)), { title: "medicare-hub-prod", ...deltas });
  return [
    REVIEW_EXAMPLE_MARKERS[0],
    `<!-- Generated by __tests__/support/review-change.ts from two synthesized outputs; ${UPDATE_REVIEW_EXAMPLE_ENV}=1 npx jest __tests__/tools/review-deltas.test.ts rewrites it -->`,
    "",
    "```markdown",
    comment.trimEnd(),
    "```",
    REVIEW_EXAMPLE_MARKERS[1],
  ].join("\n");
}
