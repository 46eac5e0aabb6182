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
});
