/**
 * `npm run policy`: every guardrail rule × every stack, as a table (pass / FAIL / suppressed with its reason / n-a),
 * printed and written as markdown for pull requests. Exits 1 on any unsuppressed failure of error severity, and on
 * an invalid suppression.
 *
 * Usage: tsx tools/policy.ts [--markdown FILE] [--readme]
 *   --markdown FILE  where the markdown report goes (default policy-report.md)
 *   --readme         rewrite the README's rule list from the pack (between the policy-rules markers)
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { TerraformStack } from "cdktf";
import { loadConfig } from "../config/load";
import { evaluateStack, type PolicyResult } from "../constructs/policy/evaluate";
import { POLICY_RULES } from "../constructs/policy/pack";
import { StackView, type PolicyRule } from "../constructs/policy/rule";
import { SUPPRESSIONS } from "../constructs/policy/suppressions";
import { buildApp } from "../main";
import { exitOnConfigError, flag, runCommand, type CommandLine } from "./cli";

const ROOT = resolve(__dirname, "..");
export const README_MARKERS = ["<!-- policy-rules -->", "<!-- /policy-rules -->"] as const;

/** Evaluates every stack of the App built from the current configuration. */
export function evaluateApp(): PolicyResult[] {
  const outdir = mkdtempSync(join(tmpdir(), "medicare-hub-policy-"));
  try {
    const app = buildApp(loadConfig(), { outdir });
    return app.node.children.map((child) => {
      const stack = child as TerraformStack;
      const view = new StackView(stack.node.id, stack.toTerraform());
      return evaluateStack(view, SUPPRESSIONS[view.environment] ?? []);
    });
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
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

const USAGE = "npm run policy -- [--markdown FILE]   (report; default policy-report.md)   |   npm run policy -- --readme (rewrite README's rule list)";

function main(line: CommandLine): number | Promise<number> {
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

if (require.main === module) runCommand({ usage: USAGE, options: { readme: { type: "boolean" }, markdown: { type: "string" } } }, main);
