/**
 * The guardrail model: a rule is a pure function over a synthesized stack (its Terraform JSON), returning a finding
 * per resource it applies to. Rules never look at TypeScript constructs or configuration, only at what Terraform
 * will be asked to build, so they judge exactly what a reviewer would read in the plan.
 */

import { StackView, type SynthesizedResource } from "./stack-view";

// The reader rules judge through; tools read synthesized stacks with it too (constructs/policy/stack-view.ts).
export { StackView, targetDetectionSeconds, type SynthesizedResource } from "./stack-view";

export type Severity = "error" | "warning";
export type Status = "compliant" | "non-compliant" | "not-applicable";

export interface Finding {
  readonly status: Status;
  /** Terraform address (`aws_db_instance.database_instance`), or `(stack)` for stack-wide findings. */
  readonly address: string;
  readonly reason: string;
}

export interface PolicyRule {
  /** Stable id, cited in errors and suppressions: `MH-<AREA>-<n>`. */
  readonly id: string;
  /** One line: what the rule requires. */
  readonly title: string;
  readonly severity: Severity;
  /** Where the requirement comes from: AWS FSBP control, HIPAA Security Rule section, Well-Architected item. */
  readonly standard: string;
  /** What to change when the rule fails. */
  readonly fix: string;
  /**
   * The configuration fields (inside an environment, e.g. `loadBalancer.healthCheck.intervalSeconds`) that decide
   * whether the rule passes: a refusal names them, with their values and the file they came from.
   * @default - none: the code decides, not the configuration
   */
  readonly configFields?: readonly string[];
  evaluate(stack: StackView): Finding[];
}

interface RuleMetadata {
  readonly id: string;
  readonly title: string;
  readonly severity?: Severity;
  readonly standard: string;
  readonly fix: string;
  readonly configFields?: readonly string[];
}

/**
 * A rule checking each resource of some types on its own. `check` returns nothing when compliant, or the reason it is
 * not. `when` limits the rule (e.g. to production); elsewhere it is not applicable.
 */
export function resourceRule(
  meta: RuleMetadata & {
    readonly types: readonly string[];
    readonly when?: (stack: StackView) => boolean;
    readonly check: (resource: SynthesizedResource, stack: StackView) => string | undefined;
  },
): PolicyRule {
  return stackRule({
    ...meta,
    check: (stack) => {
      const resources = stack.resources(...meta.types);
      if (resources.length === 0) return [notApplicable(`no ${meta.types.join(" or ")} in this stack`)];
      return resources.map((resource) => {
        const problem = meta.check(resource, stack);
        return { status: problem ? "non-compliant" : "compliant", address: resource.address, reason: problem ?? "compliant" };
      });
    },
  });
}

/** A rule over the whole stack, for requirements about relations (routes to NAT gateways, mount targets per AZ). */
export function stackRule(
  meta: RuleMetadata & { readonly when?: (stack: StackView) => boolean; readonly check: (stack: StackView) => Finding[] },
): PolicyRule {
  return {
    id: meta.id,
    title: meta.title,
    severity: meta.severity ?? "error",
    standard: meta.standard,
    fix: meta.fix,
    configFields: meta.configFields,
    evaluate: (stack) => (meta.when && !meta.when(stack) ? [notApplicable(`not required in ${stack.environment}`)] : meta.check(stack)),
  };
}

/** A stack-wide finding that the rule does not apply here, and why (`no aws_lb in this stack`). */
export function notApplicable(reason: string): Finding {
  return { status: "not-applicable", address: "(stack)", reason };
}

/** Compliant at `address` when `ok`, else non-compliant with `problem` as the reason. */
export function finding(ok: boolean, address: string, problem: string): Finding {
  return { status: ok ? "compliant" : "non-compliant", address, reason: ok ? "compliant" : problem };
}

/** Production only. */
export const inProduction = (stack: StackView): boolean => stack.isProduction;

/**
 * A rule over each resource of `type` (e.g. each S3 bucket) judged by the configuration resource attached to it
 * through `attribute` (e.g. its aws_s3_bucket_versioning). `check` gets that resource, or undefined when none exists.
 */
export function attachedRule(
  meta: RuleMetadata & {
    readonly type: string;
    readonly attachedType: string;
    readonly attribute: string;
    readonly problem: string;
    readonly check: (attached: SynthesizedResource | undefined, stack: StackView) => boolean;
  },
): PolicyRule {
  return stackRule({
    ...meta,
    check: (stack) => {
      const resources = stack.resources(meta.type);
      if (resources.length === 0) return [notApplicable(`no ${meta.type} in this stack`)];
      return resources.map((resource) =>
        finding(meta.check(stack.attached(meta.attachedType, meta.attribute, resource)[0], stack), resource.address, meta.problem),
      );
    },
  });
}
