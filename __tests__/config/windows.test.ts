import { dailyWindowMinutes, weeklyWindowMinutes, windowsOverlap } from "../../config/windows";

describe("RDS windows", () => {
  test("lengths, including windows that wrap past midnight or the end of the week", () => {
    expect(dailyWindowMinutes("03:00-03:30")).toBe(30);
    expect(dailyWindowMinutes("23:45-00:15")).toBe(30);
    expect(weeklyWindowMinutes("sun:04:30-sun:05:30")).toBe(60);
    expect(weeklyWindowMinutes("sun:23:30-mon:00:30")).toBe(60);
  });

  test.each([
    ["03:00-03:30", "sun:04:30-sun:05:30", false],
    ["03:00-03:30", "sun:03:15-sun:04:00", true],
    ["04:00-05:00", "wed:04:30-wed:05:30", true],
    ["23:45-00:15", "mon:00:00-mon:00:30", true],
    ["23:45-00:15", "sun:23:50-mon:00:20", true],
    ["05:30-06:00", "sun:04:30-sun:05:30", false],
  ])("backup %s and maintenance %s overlap: %s", (backup, maintenance, overlap) => {
    expect(windowsOverlap(backup, maintenance)).toBe(overlap);
  });

  // Every day of the week, by its RDS abbreviation, in order: a day missing or misplaced would move a window.
  test.each([
    ["mon", 0],
    ["tue", 1],
    ["wed", 2],
    ["thu", 3],
    ["fri", 4],
    ["sat", 5],
    ["sun", 6],
  ])("%s is day %i of the week: a window from it to the next day's same time lasts 24 h, one to itself a week", (day, index) => {
    const next = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"][(index + 1) % 7];
    expect(weeklyWindowMinutes(`${day}:10:00-${next}:10:00`)).toBe(24 * 60);
    expect(weeklyWindowMinutes(`${day}:10:00-${day}:10:30`)).toBe(30);
    // A backup window at 10:00 daily overlaps a maintenance window on that day, whichever day it is.
    expect(windowsOverlap("10:00-10:30", `${day}:10:15-${day}:10:45`)).toBe(true);
  });

  test("windows that touch do not overlap; one minute more does (half-open intervals)", () => {
    expect(windowsOverlap("03:00-03:30", "sun:03:30-sun:04:00")).toBe(false);
    expect(windowsOverlap("03:00-03:31", "sun:03:30-sun:04:00")).toBe(true);
    expect(windowsOverlap("04:00-04:30", "sun:03:30-sun:04:00")).toBe(false);
    expect(windowsOverlap("03:59-04:30", "sun:03:30-sun:04:00")).toBe(true);
  });

  test("a maintenance window ending where it starts lasts a whole week", () => {
    expect(weeklyWindowMinutes("wed:05:00-wed:05:00")).toBe(7 * 24 * 60);
  });
});
