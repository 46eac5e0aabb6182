/**
 * `npm run policy`: every guardrail rule × every stack, as a table (pass / FAIL / suppressed with its reason / n-a),
 * printed and written as markdown for pull requests. Exits 1 on any unsuppressed failure of error severity, and on
 * an invalid suppression.
 *
 * Usage: tsx tools/policy.ts [--markdown FILE] [--readme] | --compare <base> [--from <head>] [--format markdown|json]
 *   --markdown FILE  where the markdown report goes (default policy-report.md)
 *   --readme         rewrite the README's rule list from the pack (between the policy-rules markers)
 *   --compare BASE   print the results that changed from BASE (a synth output directory or a git ref) to the head
 *                    (--from DIR, default the current configuration): tools/policy-delta.ts. Writes no file; exits like
 *                    the report, on the head's results
 *
 * Loads cdktf only to build the current configuration: comparing two directories reads JSON only.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { PolicyResult } from "../constructs/policy/evaluate";
import { POLICY_RULES } from "../constructs/policy/pack";
import type { PolicyRule } from "../constructs/policy/rule";
import { readComparison } from "./base-output";
import { UsageError, exitOnConfigError, flag, outputFormat, runCommand, type CommandLine } from "./cli";
import { comparePolicy, evaluateOutput, policyDeltaMarkdown } from "./policy-delta";
import { configuredOutput } from "./synthesized";

const ROOT = resolve(__dirname, "..");
export const README_MARKERS = ["<!-- policy-rules -->", "<!-- /policy-rules -->"] as const;

/** Evaluates every stack of the App built from the current configuration, with the committed suppressions. */
export function evaluateApp(): PolicyResult[] {
  return evaluateOutput(configuredOutput());
}

/** 1 on any unsuppressed failure of an error rule, or an invalid suppression; else 0. */
export function exitCode(results: readonly PolicyResult[]): number {
  return results.some((r) => r.failures.some((f) => f.rule.severity === "error") || r.invalidSuppressions.length > 0) ? 1 : 0;
}

/** One cell: the rule's verdict on a stack. */
export function verdict(result: PolicyResult, rule: PolicyRule): string {
  const findings = result.findings.filter((f) => f.rule === rule);
  const failing = findings.filter((f) => f.status === "non-compliant");
  if (failing.some((f) => !f.suppressedBy)) return `FAIL (${failing.filter((f) => !f.suppressedBy).length})`;
  if (failing.length > 0) return `suppressed: ${failing[0].suppressedBy?.reason}`;
  return findings.some((f) => f.status === "compliant") ? "pass" : "n/a";
}

export function reportMarkdown(results: readonly PolicyResult[]): string {
  const header = `| rule | severity | ${results.map((r) => r.stackId).join(" | ")} |`;
  const divider = `|---|---|${results.map(() => "---").join("|")}|`;
  const rows = POLICY_RULES.map((rule) => `| ${rule.id} ${rule.title} | ${rule.severity} | ${results.map((r) => verdict(r, rule)).join(" | ")} |`);
  const failures = results.flatMap((r) => r.failures.map((f) => `- **${r.stackId}** ${f.rule.id} \`${f.address}\`: ${f.reason}. Fix: ${f.rule.fix}`));
  const problems = results.flatMap((r) => [
    ...r.invalidSuppressions.map((i) => `- **${r.stackId}** invalid suppression of ${i.suppression.rule}: ${i.problem}`),
    ...r.unusedSuppressions.map((s) => `- **${r.stackId}** unused suppression of ${s.rule}`),
  ]);
  return [
    "# MediCare Hub guardrails",
    "",
    header,
    divider,
    ...rows,
    "",
    failures.length ? ["## Failures", "", ...failures].join("\n") : "No unsuppressed failures.",
    ...(problems.length ? ["", "## Suppressions", "", ...problems] : []),
    "",
  ].join("\n");
}

/** The README's rule list: generated, so it cannot drift from the pack. */
export function rulesMarkdown(rules: readonly PolicyRule[] = POLICY_RULES): string {
  return [
    "| id | rule | severity | standard |",
    "|---|---|---|---|",
    ...rules.map((r) => `| ${r.id} | ${r.title} | ${r.severity} | ${r.standard} |`),
  ].join("\n");
}

export function replaceBetweenMarkers(text: string, content: string): string {
  const [open, close] = README_MARKERS;
  const start = text.indexOf(open);
  const end = text.indexOf(close);
  if (start < 0 || end < start) throw new Error(`README.md has no ${open} ... ${close} section`);
  return `${text.slice(0, start + open.length)}\n${content}\n${text.slice(end)}`;
}

export const USAGE = [
  "npm run policy -- [--markdown FILE]   (report; default policy-report.md)   |   npm run policy -- --readme (rewrite README's rule list)",
  "npm run policy -- --compare <base> [--from <head>] [--format markdown|json]   (results that changed: newly failing and newly suppressed first; <base>: a synth output directory or a git ref, synthesized by its own code; head: --from DIR, default the current configuration)",
].join("\n       ");

function main(line: CommandLine): number | Promise<number> {
  const base = flag(line, "compare");
  const format = outputFormat(line, USAGE);
  if (base === undefined && (line.values.format !== undefined || line.values.from !== undefined)) {
    throw new UsageError(`--format and --from go with --compare <base>\nusage: ${USAGE}`);
  }
  if (base !== undefined) {
    return exitOnConfigError(async () => {
      const { baseOutput, headOutput } = await readComparison(base, "--compare", flag(line, "from"), "--from");
      const { delta, headResults } = comparePolicy(baseOutput, headOutput);
      console.log(format === "json" ? JSON.stringify(delta, null, 2) : policyDeltaMarkdown(delta));
      return exitCode(headResults);
    });
  }
  if (line.values.readme) {
    const path = join(ROOT, "README.md");
    writeFileSync(path, replaceBetweenMarkers(readFileSync(path, "utf8"), rulesMarkdown()));
    console.log(`README.md: ${POLICY_RULES.length} rules listed`);
    return 0;
  }
  const markdownPath = flag(line, "markdown", "policy-report.md") as string;
  return exitOnConfigError(() => {
    const results = evaluateApp();
    const markdown = reportMarkdown(results);
    console.log(markdown);
    writeFileSync(markdownPath, markdown);
    console.log(`(written to ${markdownPath})`);
    return exitCode(results);
  });
}

if (require.main === module) {
  runCommand({ usage: USAGE, options: { readme: { type: "boolean" }, markdown: { type: "string" }, compare: { type: "string" }, from: { type: "string" }, format: { type: "string" } } }, main);
}
