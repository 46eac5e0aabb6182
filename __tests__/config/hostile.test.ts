/**
 * The override file is untrusted input that decides what reaches a HIPAA account: hostile and mistaken files are
 * refused with the field, the file and the fix, never a crash, a hang or a silent change.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULT_CONFIG } from "../../config/environments";
import { ConfigError, MAX_REPORTED_ISSUES, OVERRIDE_FILE_ENV, configFromOverrideText, deepMerge, loadConfig, validateConfig } from "../../config/load";
import { OVERRIDE_LIMITS } from "../../config/override-file";

const work = mkdtempSync(join(tmpdir(), "medicare-hub-hostile-"));
let files = 0;
/** Loads the configuration with an override file of exactly this text (bytes as given). */
function loadText(text: string | Buffer) {
  const path = join(work, `override-${++files}.json`);
  writeFileSync(path, text);
  return { path, load: () => loadConfig({ env: { [OVERRIDE_FILE_ENV]: path } }) };
}
function refusal(text: string | Buffer): { error: ConfigError; path: string } {
  const { path, load } = loadText(text);
  try {
    load();
  } catch (error) {
    if (error instanceof ConfigError) return { error, path };
    throw error;
  }
  throw new Error(`expected a ConfigError for ${String(text).slice(0, 80)}`);
}

describe("prototype keys are refused wherever they are, naming the path and the file", () => {
  test.each([
    ["prod's hosted zone through dns.__proto__", '{"environments":{"prod":{"dns":{"__proto__":{"hostedZoneId":"Z9EVIL0000000"}}}}}', "prod", "dns.__proto__"],
    ["a cross-region copy of PHI through backup.__proto__", '{"environments":{"prod":{"backup":{"__proto__":{"copyToRegion":"eu-west-1"}}}}}', "prod", "backup.__proto__"],
    ["constructor inside an environment", '{"environments":{"dev":{"app":{"constructor":{"prototype":{"minCapacity":9}}}}}}', "dev", "app.constructor"],
    ["prototype under environments", '{"environments":{"prototype":{}}}', "prototype", "(environment)"],
  ])("%s", (_name, text, scope, field) => {
    const { error, path } = refusal(text);
    expect(error.issues).toContainEqual(expect.objectContaining({ scope, field, fromOverride: true, problem: expect.stringMatching(/treats as an object's prototype/) }));
    expect(error.message).toContain(`(from override file ${path})`);
  });

  test("at the top level, blamed on the top level and the override file, not on an environment named after its child", () => {
    const { error, path } = refusal('{"__proto__":{"environments":{"prod":{"alerts":{"email":"attacker@evil.org"}}}}}');
    expect(error.issues).toEqual([expect.objectContaining({ scope: "(top level)", field: "__proto__", fromOverride: true })]);
    expect(error.message).toContain(`the top level, field __proto__: got nothing (from override file ${path})`);
    expect(error.message).not.toMatch(/environment "environments"|config\/environments\.ts\)/);
  });

  test("a programmatic override with an own __proto__ key is refused by the merge itself", () => {
    const override = JSON.parse('{"environments":{"prod":{"dns":{"__proto__":{"hostedZoneId":"Z9EVIL0000000"}}}}}');
    expect(() => deepMerge(DEFAULT_CONFIG, override)).toThrow(ConfigError);
  });

  test("nothing inherited is read: a merged object has no prototype to inherit from", () => {
    const merged = deepMerge(DEFAULT_CONFIG, { environments: { prod: { app: { maxCapacity: 12 } } } }) as any;
    expect(Object.getPrototypeOf(merged.environments.prod.app)).toBeNull();
    expect(validateConfig(merged).environments.prod.app.maxCapacity).toBe(12);
  });
});

describe("no regular expression is built from input", () => {
  test.each(["us-east-2(", "us-east-2[", "(a+)+$", `${"a".repeat(40)}-x-1`])("a region like %j is refused as a region, with no other error", (region) => {
    const { error } = refusal(JSON.stringify({ environments: { dev: { region, availabilityZones: [`${"a".repeat(60)}!`, "us-east-2b"] } } }));
    expect(error.issues).toContainEqual(expect.objectContaining({ scope: "dev", field: "region", value: region, problem: expect.stringMatching(/AWS region code/) }));
    // The AZ-in-region check waits for a valid region: it cannot misfire on one that is not.
    expect(error.issues.filter((i) => /is not an AZ of region/.test(i.problem))).toEqual([]);
  });

  test("with a valid region, an AZ of another region is still refused", () => {
    const { error } = refusal(JSON.stringify({ environments: { dev: { availabilityZones: ["us-east-1a", "us-east-2b"] } } }));
    expect(error.issues).toContainEqual(expect.objectContaining({ field: "availabilityZones[0]", problem: 'is not an AZ of region us-east-2; allowed: "us-east-2" followed by a letter, e.g. "us-east-2a"' }));
  });
});

describe("bounded work on any input", () => {
  test("3,000 levels of nesting are refused at the limit, naming the line and column", () => {
    const { error } = refusal(`{"environments":${"[".repeat(3000)}${"]".repeat(3000)}}`);
    expect(error.issues).toEqual([expect.objectContaining({ scope: "override file", field: "(file)", problem: `nests deeper than ${OVERRIDE_LIMITS.maxDepth} levels at line 1, column 28; the configuration itself is 5 levels deep` })]);
  });

  test("a deeply nested programmatic override is reported, not a RangeError", () => {
    let deep: unknown = 1;
    for (let i = 0; i < 5000; i++) deep = { x: deep };
    const override = { environments: { dev: { app: deep } } };
    expect(() => validateConfig(deepMerge(DEFAULT_CONFIG, override), override)).toThrow(ConfigError);
  });

  test("a 10,000-entry list is one problem and a short message", () => {
    const { error } = refusal(JSON.stringify({ environments: { prod: { availabilityZones: Array.from({ length: 10000 }, (_, i) => `us-east-2${"abc"[i % 3]}`) } } }));
    expect(error.issues).toEqual([expect.objectContaining({ scope: "prod", field: "availabilityZones", problem: expect.stringMatching(/a list of 10000 entries; at most 256 are read/) })]);
    expect(error.message.split("\n").length).toBeLessThan(8);
  });

  test(`more than ${MAX_REPORTED_ISSUES} problems: the first ${MAX_REPORTED_ISSUES}, then how many more`, () => {
    const app = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`unknown${i}`, i]));
    const { error } = refusal(JSON.stringify({ environments: { dev: { app } } }));
    expect(error.issues).toHaveLength(100);
    expect(error.message).toContain(`${MAX_REPORTED_ISSUES}. environment "dev", field app.unknown${MAX_REPORTED_ISSUES - 1}`);
    expect(error.message).not.toContain(`field app.unknown${MAX_REPORTED_ISSUES}:`);
    expect(error.message).toContain(`... and ${100 - MAX_REPORTED_ISSUES} more problem(s)`);
  });

  test("a file over the size limit is refused without being parsed", () => {
    const { error } = refusal(`{"a":"${"x".repeat(OVERRIDE_LIMITS.maxBytes)}"}`);
    expect(error.issues[0].problem).toMatch(new RegExp(`at most ${OVERRIDE_LIMITS.maxBytes} bytes are read`));
  });
});

describe("small mistakes are named, not guessed", () => {
  test("a UTF-8 byte-order mark (invisible, added by some editors) is accepted", () => {
    const { load } = loadText(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"environments":{"dev":{"app":{"maxCapacity":6}}}}')]));
    expect(load().environments.dev.app.maxCapacity).toBe(6);
  });

  test("an empty MEDICARE_HUB_CONFIG_OVERRIDES is an error, not silently the committed configuration", () => {
    expect(() => loadConfig({ env: { [OVERRIDE_FILE_ENV]: "" } })).toThrow(/MEDICARE_HUB_CONFIG_OVERRIDES, which is set but empty/);
  });

  test("a duplicate key is refused: JSON would silently keep the last one", () => {
    const { error } = refusal('{"environments":{"prod":{"loadBalancer":{"waf":true,\n"waf":false}}}}');
    expect(error.issues).toEqual([expect.objectContaining({ scope: "prod", field: "loadBalancer.waf", problem: expect.stringMatching(/appears twice in the same object \(line 2\)/) })]);
  });

  test("1e400 is named as written, not reported as null", () => {
    const { error } = refusal('{"environments":{"prod":{"app":{"maxCapacity":1e400}}}}');
    expect(error.issues).toEqual([expect.objectContaining({ field: "app.maxCapacity", problem: expect.stringMatching(/^is 1e400, a number too large to be represented/) })]);
    expect(error.message).not.toMatch(/got null/);
  });

  test("invalid JSON names the line and column", () => {
    expect(refusal('{\n  "environments": {,}\n}').error.issues[0].problem).toMatch(/is not valid JSON: .* at line 2, column 20/);
  });

  test("the same text through configFromOverrideText and through a file gives the same answer", () => {
    const text = '{"environments":{"prod":{"app":{"maxCapacity":12}}}}';
    expect(configFromOverrideText(text)).toEqual(loadText(text).load());
  });
});

describe("the report cannot be forged or flooded by a key", () => {
  test("a key with a line break is quoted in the report, so it cannot add a line of its own", () => {
    const { error } = refusal(JSON.stringify({ environments: { dev: { app: { "x\n  2. environment \"prod\", field waf: all good": 1 } } } }));
    expect(error.issues[0].field).toBe('app["x\\n  2. environment \\"prod\\", field waf: all good"]');
    expect(error.message.split("\n").filter((line) => /^\s+2\. /.test(line))).toEqual([]);
  });

  test("an overlong key is refused without being printed whole", () => {
    const { error } = refusal(JSON.stringify({ environments: { dev: { ["k".repeat(5000)]: 1 } } }));
    expect(error.issues[0].problem).toMatch(/is a key of 5000 characters/);
    expect(error.message.length).toBeLessThan(1000);
  });
});
