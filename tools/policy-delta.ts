/**
 * What a change does to the guardrails: the rule pack run over two synth outputs, base and head, and every result
 * (stack × rule) that differs. Newly failing and newly suppressed results come first, as what a reviewer must look at;
 * then fixed ones; then other changes (a rule that stops or starts applying).
 *
 * One judge: both outputs are evaluated with the rule pack and suppressions of the checkout running the comparison
 * (in a pull request's report job, the base branch's), so a difference is a difference in the Terraform, not in the
 * rules. A pull request that adds a suppression shows its findings as newly suppressed when run from its own checkout,
 * and as newly failing from the base branch's.
 */
import { evaluateStack, type EvaluatedFinding, type PolicyResult } from "../constructs/policy/evaluate";
import { POLICY_RULES } from "../constructs/policy/pack";
import type { PolicyRule, Severity } from "../constructs/policy/rule";
import { SUPPRESSIONS, type Suppression } from "../constructs/policy/suppressions";
import type { SynthOutput } from "./synthesized";

/** The kinds of change, in the order they are listed. */
export const POLICY_CHANGE_KINDS = ["newly-failing", "newly-suppressed", "fixed", "changed"] as const;
export type PolicyChangeKind = (typeof POLICY_CHANGE_KINDS)[number];
/** The kinds called out at the top: a reviewer decides on these. */
export const CALLED_OUT: readonly PolicyChangeKind[] = ["newly-failing", "newly-suppressed"];

const KIND_LABELS: Record<PolicyChangeKind, string> = {
  "newly-failing": "newly failing",
  "newly-suppressed": "newly suppressed",
  fixed: "fixed",
  changed: "changed",
};

/** One rule's result on one stack, before and after. */
export interface PolicyChange {
  readonly kind: PolicyChangeKind;
  readonly stackId: string;
  readonly rule: string;
  readonly title: string;
  readonly severity: Severity;
  /** The result on each side: `pass`, `FAIL (n)`, `suppressed (n)`, `FAIL (n), suppressed (m)`, `n/a`, `absent` (no such stack). */
  readonly before: string;
  readonly after: string;
  /** The addresses the kind is about: newly failing, newly suppressed, or no longer non-compliant ones. */
  readonly addresses: readonly string[];
  /** Why: the rule's reasons for new failures, the suppressions' reasons for new suppressions. */
  readonly reasons: readonly string[];
  /** What to change, for a newly failing result. */
  readonly fix?: string;
}

export interface PolicyDelta {
  readonly base: string;
  readonly head: string;
  /** Rules of the pack the results were judged by. */
  readonly rules: number;
  /** Stacks compared on both sides. */
  readonly stacks: readonly string[];
  readonly onlyInBase: readonly string[];
  readonly onlyInHead: readonly string[];
  /** Every changed result, newly failing first, then newly suppressed, fixed, changed; by stack and rule within a kind. */
  readonly changes: readonly PolicyChange[];
}

/** The guardrail results of every stack of an output, with `suppressions` per environment. */
export function evaluateOutput(output: SynthOutput, suppressions: Readonly<Record<string, readonly Suppression[]>> = SUPPRESSIONS, rules: readonly PolicyRule[] = POLICY_RULES): PolicyResult[] {
  return output.stacks.map((view) => evaluateStack(view, suppressions[view.environment] ?? [], rules));
}

interface Sides {
  readonly failing: ReadonlySet<string>;
  readonly suppressed: ReadonlySet<string>;
  readonly compliant: number;
  readonly findings: readonly EvaluatedFinding[];
}

function sides(result: PolicyResult | undefined, rule: PolicyRule): Sides | undefined {
  if (!result) return undefined;
  const findings = result.findings.filter((f) => f.rule.id === rule.id);
  const nonCompliant = findings.filter((f) => f.status === "non-compliant");
  return {
    failing: new Set(nonCompliant.filter((f) => !f.suppressedBy).map((f) => f.address)),
    suppressed: new Set(nonCompliant.filter((f) => f.suppressedBy).map((f) => f.address)),
    compliant: findings.filter((f) => f.status === "compliant").length,
    findings,
  };
}

/** A result in a few words: the same words before and after mean nothing changed for a reader. */
function label(side: Sides | undefined): string {
  if (!side) return "absent";
  const parts = [side.failing.size ? `FAIL (${side.failing.size})` : "", side.suppressed.size ? `suppressed (${side.suppressed.size})` : ""].filter(Boolean);
  if (parts.length) return parts.join(", ");
  return side.compliant > 0 ? "pass" : "n/a";
}

const minus = (a: ReadonlySet<string>, b: ReadonlySet<string>) => [...a].filter((x) => !b.has(x)).sort();

function changeOf(stackId: string, rule: PolicyRule, before: Sides | undefined, after: Sides): PolicyChange | undefined {
  const was = before ?? { failing: new Set<string>(), suppressed: new Set<string>(), compliant: 0, findings: [] };
  const common = { stackId, rule: rule.id, title: rule.title, severity: rule.severity, before: label(before), after: label(after) };
  const newlyFailing = minus(after.failing, was.failing);
  if (newlyFailing.length > 0) {
    const reasons = after.findings.filter((f) => newlyFailing.includes(f.address) && f.status === "non-compliant").map((f) => f.reason);
    return { kind: "newly-failing", ...common, addresses: newlyFailing, reasons: [...new Set(reasons)], fix: rule.fix };
  }
  const newlySuppressed = minus(after.suppressed, was.suppressed);
  if (newlySuppressed.length > 0) {
    const reasons = after.findings.filter((f) => newlySuppressed.includes(f.address) && f.suppressedBy).map((f) => f.suppressedBy?.reason as string);
    return { kind: "newly-suppressed", ...common, addresses: newlySuppressed, reasons: [...new Set(reasons)] };
  }
  const fixed = minus(new Set([...was.failing, ...was.suppressed]), new Set([...after.failing, ...after.suppressed]));
  if (fixed.length > 0) return { kind: "fixed", ...common, addresses: fixed, reasons: [] };
  // A new stack's passes and n/a are not changes a reviewer needs listed one by one.
  if (before && common.before !== common.after) return { kind: "changed", ...common, addresses: [], reasons: [] };
  return undefined;
}

/** The results that differ between the base's and the head's evaluation (evaluateOutput), in review order. */
export function policyDelta(base: { label: string; results: readonly PolicyResult[] }, head: { label: string; results: readonly PolicyResult[] }, rules: readonly PolicyRule[] = POLICY_RULES): PolicyDelta {
  const baseIds = base.results.map((r) => r.stackId);
  const headIds = head.results.map((r) => r.stackId);
  const changes = head.results.flatMap((after) => {
    const before = base.results.find((r) => r.stackId === after.stackId);
    return rules.flatMap((rule) => changeOf(after.stackId, rule, sides(before, rule), sides(after, rule) as Sides) ?? []);
  });
  const order = (c: PolicyChange) => POLICY_CHANGE_KINDS.indexOf(c.kind);
  const ruleOrder = (c: PolicyChange) => rules.findIndex((r) => r.id === c.rule);
  return {
    base: base.label,
    head: head.label,
    rules: rules.length,
    stacks: headIds.filter((id) => baseIds.includes(id)),
    onlyInBase: baseIds.filter((id) => !headIds.includes(id)),
    onlyInHead: headIds.filter((id) => !baseIds.includes(id)),
    changes: [...changes].sort((a, b) => order(a) - order(b) || a.stackId.localeCompare(b.stackId) || ruleOrder(a) - ruleOrder(b)),
  };
}

/** Evaluates both outputs with one judge (`suppressions`, the pack) and compares them. */
export function comparePolicy(base: SynthOutput, head: SynthOutput, suppressions: Readonly<Record<string, readonly Suppression[]>> = SUPPRESSIONS): { delta: PolicyDelta; headResults: PolicyResult[] } {
  const headResults = evaluateOutput(head, suppressions);
  return { delta: policyDelta({ label: base.label, results: evaluateOutput(base, suppressions) }, { label: head.label, results: headResults }), headResults };
}

/** Only the changes of `stackIds` (a pull request comment is per environment). */
export function forStacks(delta: PolicyDelta, stackIds: readonly string[]): PolicyDelta {
  const keep = (id: string) => stackIds.includes(id);
  return { ...delta, stacks: delta.stacks.filter(keep), onlyInBase: delta.onlyInBase.filter(keep), onlyInHead: delta.onlyInHead.filter(keep), changes: delta.changes.filter((c) => keep(c.stackId)) };
}

const code = (addresses: readonly string[]) => addresses.map((a) => `\`${a}\``).join(", ");

/**
 * The delta as markdown under `heading` (`#` for the command, `###` in the plan summary); `labels: false` leaves out
 * where base and head came from (in a pull request: the base commit and the vetted stacks, paths of the runner).
 */
export function policyDeltaMarkdown(delta: PolicyDelta, heading = "#", options: { labels?: boolean } = {}): string {
  const lines = [`${heading} Guardrail changes: base → head`, ""];
  const sides = options.labels === false ? "" : `Base: ${delta.base}; head: ${delta.head}. `;
  lines.push(`${sides}Both sides judged by the same rule pack and suppressions (constructs/policy/), so a change here is a change in the Terraform.`, "");
  for (const id of delta.onlyInHead) lines.push(`- \`${id}\` is new (not in the base): its failing and suppressed results are listed as new.`);
  for (const id of delta.onlyInBase) lines.push(`- \`${id}\` is not in the head: its results are not compared.`);
  if (delta.onlyInHead.length + delta.onlyInBase.length > 0) lines.push("");
  if (delta.changes.length === 0) {
    lines.push(`No guardrail result changed (${delta.rules} rules × ${delta.stacks.length + delta.onlyInHead.length} stack(s)).`);
    return `${lines.join("\n")}\n`;
  }
  const calledOut = delta.changes.filter((c) => CALLED_OUT.includes(c.kind));
  if (calledOut.length > 0) {
    const counts = CALLED_OUT.map((kind) => [kind, calledOut.filter((c) => c.kind === kind).length] as const).filter(([, n]) => n > 0);
    lines.push(`> **Review first: ${counts.map(([kind, n]) => `${n} ${KIND_LABELS[kind]}`).join(", ")}.**`);
    for (const c of calledOut) {
      const why = c.kind === "newly-failing" ? `${c.reasons.join("; ")}. Fix: ${c.fix}` : `accepted by a suppression: "${c.reasons.join('"; "')}"`;
      lines.push(`> - **${KIND_LABELS[c.kind]}**: \`${c.stackId}\` ${c.rule} (${c.severity}) ${c.title}: ${c.before} → ${c.after}, at ${code(c.addresses)}: ${why}`);
    }
    lines.push("");
  }
  lines.push("| change | stack | rule | before | after | addresses |", "|---|---|---|---|---|---|");
  for (const c of delta.changes) lines.push(`| ${KIND_LABELS[c.kind]} | \`${c.stackId}\` | ${c.rule} ${c.title} | ${c.before} | ${c.after} | ${code(c.addresses)} |`);
  return `${lines.join("\n")}\n`;
}
