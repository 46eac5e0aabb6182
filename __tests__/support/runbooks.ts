/**
 * docs/runbooks.md has a section per alarm and event rule: `## <anchor>` whose first words give its severity in bold.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";

/** The runbook sections (`anchor severity`) the alarms' Runbook and Severity tags name that docs/runbooks.md lacks. */
export function missingRunbookSections(alarms: readonly { tags: Record<string, string> }[]): string[] {
  const runbooks = readFileSync(join(__dirname, "..", "..", "docs", "runbooks.md"), "utf8");
  const sections = [...new Set(alarms.map((alarm) => `${alarm.tags.Runbook.split("#")[1]} ${alarm.tags.Severity}`))];
  return sections.filter((section) => {
    const [anchor, severity] = section.split(" ");
    return !runbooks.includes(`\n## ${anchor}\n**${severity}`);
  });
}
