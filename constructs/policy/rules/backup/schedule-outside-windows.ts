import { dailyWindowMinutes, windowsOverlap } from "../../../../config/windows";
import { stackRule, finding, notApplicable } from "../../rule";

/** `cron(M H ...)` → "HH:MM-HH:MM" covering the start window, or undefined for a schedule this rule cannot read. */
function startWindow(schedule: string, startWindowMinutes: number): string | undefined {
  const match = /^cron\((\d{1,2}) (\d{1,2}) /.exec(schedule);
  if (!match) return undefined;
  const start = Number(match[2]) * 60 + Number(match[1]);
  const end = (start + Math.max(startWindowMinutes, 1)) % (24 * 60);
  const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;
  return `${hhmm(start)}-${hhmm(end)}`;
}

/** Whether two daily "hh:mm-hh:mm" windows (either may wrap past midnight) share a minute. */
function dailyOverlap(a: string, b: string): boolean {
  const start = (w: string) => w.split("-")[0].split(":").map(Number).reduce((h, m) => h * 60 + m);
  const [aStart, bStart] = [start(a), start(b)];
  const [aEnd, bEnd] = [aStart + dailyWindowMinutes(a), bStart + dailyWindowMinutes(b)];
  return [-1440, 0, 1440].some((shift) => aStart < bEnd + shift && bStart + shift < aEnd);
}

/**
 * AWS Backup jobs start outside the database's maintenance and automated-backup windows: RDS does not take a snapshot
 * while it is being patched or backing itself up, so a job scheduled there waits, or fails when its start window ends.
 * Every rule is read as daily (a monthly rule runs on a day that may fall in the weekly window).
 */
export const rule = stackRule({
  id: "MH-BKP-1",
  title: "AWS Backup jobs start outside every database's maintenance and backup windows",
  standard: "Well-Architected REL09 (back up data); HIPAA 164.308(a)(7)(ii)(A) data backup",
  fix: "Move database.maintenanceWindow / database.backupWindow away from the backup plan's start windows (constructs/backup.ts schedules), or the schedules away from them.",
  configFields: ["database.maintenanceWindow", "database.backupWindow"],
  check: (stack) => {
    const rules = stack.resources("aws_backup_plan").flatMap((plan) => (plan.values.rule ?? []).map((r: any) => ({ plan, r })));
    const databases = stack.resources("aws_db_instance");
    if (rules.length === 0 || databases.length === 0) return [notApplicable("no backup plan of a database")];
    return rules.flatMap(({ plan, r }) => {
      const window = startWindow(String(r.schedule ?? ""), Number(r.start_window ?? 60));
      if (!window) return [finding(false, plan.address, `rule ${r.rule_name}: schedule ${r.schedule} cannot be checked`)];
      return databases.map((db) => {
        const clashes = [
          db.values.maintenance_window && windowsOverlap(window, String(db.values.maintenance_window)) ? `maintenance window ${db.values.maintenance_window}` : "",
          db.values.backup_window && dailyOverlap(window, String(db.values.backup_window)) ? `backup window ${db.values.backup_window}` : "",
        ].filter(Boolean);
        return finding(clashes.length === 0, plan.address, `rule ${r.rule_name} starts ${window} UTC, inside ${db.address}'s ${clashes.join(" and ")}`);
      });
    });
  },
});
