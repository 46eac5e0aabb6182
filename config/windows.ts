/**
 * RDS time windows (UTC): the daily backup window "hh:mm-hh:mm" and the weekly maintenance window
 * "ddd:hh:mm-ddd:hh:mm". RDS refuses windows shorter than 30 minutes and overlapping ones; checking here gives the
 * error at synth, with the field named, instead of at apply.
 */
const DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
const WEEK = 7 * 24 * 60;
export const MINIMUM_WINDOW_MINUTES = 30;

/** A window as [start, end) minutes of the week; `end` may exceed a week when it wraps. */
type Interval = readonly [number, number];

function minutes(hhmm: string): number {
  const [h, m] = hhmm.split(":").map(Number);
  return h * 60 + m;
}

/** Length of a daily "hh:mm-hh:mm" window in minutes (it may wrap past midnight). */
export function dailyWindowMinutes(window: string): number {
  const [start, end] = window.split("-").map(minutes);
  return (end - start + 24 * 60) % (24 * 60);
}

/** Length of a weekly "ddd:hh:mm-ddd:hh:mm" window in minutes. */
export function weeklyWindowMinutes(window: string): number {
  const [start, end] = weekly(window);
  return end - start;
}

function weekly(window: string): Interval {
  const [from, to] = window.split("-");
  const at = (part: string) => DAYS.indexOf(part.slice(0, 3)) * 24 * 60 + minutes(part.slice(4));
  const start = at(from);
  let end = at(to);
  if (end <= start) end += WEEK;
  return [start, end];
}

/** True when the daily backup window overlaps the weekly maintenance window on any day. */
export function windowsOverlap(backupWindow: string, maintenanceWindow: string): boolean {
  const [bStart] = backupWindow.split("-").map(minutes);
  const length = dailyWindowMinutes(backupWindow);
  const [mStart, mEnd] = weekly(maintenanceWindow);
  for (let day = -1; day <= 7; day++) {
    const start = day * 24 * 60 + bStart;
    const end = start + length;
    for (const shift of [-WEEK, 0, WEEK]) {
      if (start < mEnd + shift && mStart + shift < end) return true;
    }
  }
  return false;
}
