/**
 * Terraform addresses are an API: a resource whose address changes is destroyed and created again by the next apply
 * (a security-group rule, a key, a database). Every address of every stack is pinned in addresses.json; a change
 * fails here until it is deliberate: regenerate with `UPDATE_ADDRESSES=1 npx jest __tests__/addresses.test.ts` and
 * say why in the commit (a `moved` block keeps an existing resource across a rename).
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { readStackJson, synthApp, type SynthResult } from "./support/synth";

const PINNED = join(__dirname, "addresses.json");

/** `type.name` of every managed resource of every stack, sorted. */
function addresses(result: SynthResult): Record<string, string[]> {
  return Object.fromEntries(
    Object.keys(result.stackDirs)
      .sort()
      .map((stack) => {
        const resources = readStackJson(result, stack).resource ?? {};
        return [stack, Object.entries(resources).flatMap(([type, byName]) => Object.keys(byName).map((name) => `${type}.${name}`)).sort()];
      }),
  );
}

test("every resource keeps its Terraform address (addresses.json); a change is deliberate and regenerated", () => {
  const current = addresses(synthApp());
  if (process.env.UPDATE_ADDRESSES === "1") writeFileSync(PINNED, `${JSON.stringify(current, null, 2)}\n`);
  expect(existsSync(PINNED)).toBe(true);
  const pinned = JSON.parse(readFileSync(PINNED, "utf8")) as Record<string, string[]>;
  for (const stack of new Set([...Object.keys(pinned), ...Object.keys(current)])) {
    const added = (current[stack] ?? []).filter((a) => !(pinned[stack] ?? []).includes(a));
    const removed = (pinned[stack] ?? []).filter((a) => !(current[stack] ?? []).includes(a));
    expect({ stack, added, removed }).toEqual({ stack, added: [], removed: [] });
  }
});
