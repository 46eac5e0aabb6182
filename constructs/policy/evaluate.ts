/**
 * Runs the rule pack over a synthesized stack and applies the environment's suppressions.
 */
import { POLICY_RULES } from "./pack";
import type { Finding, PolicyRule, StackView } from "./rule";
import type { Suppression } from "./suppressions";

/** A suppression's reason must say something: at least this many characters. */
export const MINIMUM_REASON_LENGTH = 20;

export interface EvaluatedFinding extends Finding {
  readonly rule: PolicyRule;
  /**
   * The suppression that accepts this non-compliant finding, if any.
   * @default - not suppressed
   */
  readonly suppressedBy?: Suppression;
}

export interface PolicyResult {
  readonly stackId: string;
  readonly environment: string;
  readonly findings: readonly EvaluatedFinding[];
  /** Non-compliant and not suppressed: errors fail synth, warnings are reported. */
  readonly failures: readonly EvaluatedFinding[];
  /** Suppressions that are themselves wrong (no reason, unknown rule): errors. */
  readonly invalidSuppressions: readonly { readonly suppression: Suppression; readonly problem: string }[];
  /** Valid suppressions that matched no finding: warnings. */
  readonly unusedSuppressions: readonly Suppression[];
}

/**
 * Runs every rule over the stack and applies the suppressions: a non-compliant finding that a valid suppression of its
 * rule accepts (at its address, or anywhere when the suppression names none) is not a failure. Suppressions naming no
 * rule of the pack or giving no reason are invalid; valid ones that accept nothing are reported as unused.
 */
export function evaluateStack(stack: StackView, suppressions: readonly Suppression[], rules: readonly PolicyRule[] = POLICY_RULES): PolicyResult {
  const ids = new Set(rules.map((r) => r.id));
  const invalidSuppressions = suppressions.flatMap((suppression) => {
    const problems: string[] = [];
    if (!ids.has(suppression.rule)) problems.push(`names no rule of the pack ("${suppression.rule}")`);
    if ((suppression.reason ?? "").trim().length < MINIMUM_REASON_LENGTH) {
      problems.push(`has no reason (at least ${MINIMUM_REASON_LENGTH} characters saying why the finding is acceptable)`);
    }
    return problems.map((problem) => ({ suppression, problem }));
  });
  const valid = suppressions.filter((s) => !invalidSuppressions.some((i) => i.suppression === s));
  const used = new Set<Suppression>();

  const findings = rules.flatMap((rule) =>
    rule.evaluate(stack).map((finding): EvaluatedFinding => {
      if (finding.status !== "non-compliant") return { ...finding, rule };
      const suppressedBy = valid.find((s) => s.rule === rule.id && (!s.address || s.address === finding.address));
      if (suppressedBy) used.add(suppressedBy);
      return { ...finding, rule, suppressedBy };
    }),
  );
  return {
    stackId: stack.stackId,
    environment: stack.environment,
    findings,
    failures: findings.filter((f) => f.status === "non-compliant" && !f.suppressedBy),
    invalidSuppressions,
    unusedSuppressions: valid.filter((s) => !used.has(s)),
  };
}

/**
 * Says where the configuration fields a rule depends on are set, with their values: e.g.
 * `environments.prod.loadBalancer.waf = false (from /ops/prod.json)`.
 */
export type ConfigHint = (environment: string, fields: readonly string[]) => string | undefined;

/** The message for a failure: rule id, address, requirement, reason, fix, and the configuration fields to change. */
export function failureMessage(failure: EvaluatedFinding, environment?: string, configHint?: ConfigHint): string {
  const rule = failure.rule;
  const hint = environment && configHint && rule.configFields?.length ? configHint(environment, rule.configFields) : undefined;
  return `${rule.id} ${failure.address}: ${rule.title}; ${failure.reason}. Fix: ${rule.fix}${hint ? ` Configuration: ${hint}.` : ""} (${rule.standard})`;
}
