/**
 * Properties of the configuration loader over any text an override file could hold (fast-check, seeded and
 * reproducible: a failure prints the seed and the shrunk input). Random JSON with the configuration's own keys,
 * prototype keys and junk keys at every level, duplicates, every JSON type in every position, huge numbers, deep
 * nesting and long lists must either load or be refused with the project's ConfigError: never another exception,
 * never a hang, and never a value that differs from the defaults where the file did not validly set one.
 */
import fc from "fast-check";
import { DEFAULT_CONFIG } from "../../config/environments";
import { ConfigError, configFromOverrideText } from "../../config/load";
import { parseOverrideText } from "../../config/override-file";

/** Fixed seed: the same inputs on every run and every machine; change it to explore, keep it to reproduce. */
const SEED = 20261130;
const RUNS = 300;
/** Far above any real parse (milliseconds): only a hang or catastrophic backtracking crosses it. */
const HANG_MS = 2000;

const CONFIG_KEYS = [
  "environments", "stateBackend", "dev", "prod", "staging", "region", "accountId", "availabilityZones", "network", "vpcCidr",
  "natGateways", "app", "maxCapacity", "minCapacity", "port", "dns", "domainName", "hostedZoneId", "backup", "copyToRegion",
  "loadBalancer", "waf", "healthCheck", "intervalSeconds", "alerts", "email", "bucketName", "database", "multiAz",
];
const HOSTILE_KEYS = ["__proto__", "constructor", "prototype", "toString", "hasOwnProperty", "valueOf", "__defineGetter__", ""];

/** A JSON document as a tree we serialize ourselves, so own "__proto__" keys and duplicate keys survive. */
type Doc = { kind: "raw"; text: string } | { kind: "array"; items: Doc[] } | { kind: "object"; entries: [string, Doc][] };

const key = fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...CONFIG_KEYS) }, { weight: 2, arbitrary: fc.constantFrom(...HOSTILE_KEYS) }, { weight: 1, arbitrary: fc.string({ maxLength: 12 }) });
const scalar: fc.Arbitrary<Doc> = fc
  .oneof(
    fc.integer({ min: -1e6, max: 1e6 }).map(String),
    fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => JSON.stringify(n)),
    fc.constantFrom("1e400", "-1e400", "0.5", "1e2", "9007199254740993", "true", "false", "null"),
    fc.string({ maxLength: 30 }).map((s) => JSON.stringify(s)),
    fc.constantFrom('"us-east-2"', '"us-east-2("', '"10.30.0.0/16"', '"Z1ACME0000000"', '"single"', '"a@b.org"'),
  )
  .map((text) => ({ kind: "raw", text }) as Doc);
const { doc } = fc.letrec<{ doc: Doc }>((tie) => ({
  doc: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    scalar,
    fc.array(tie("doc"), { maxLength: 5 }).map((items) => ({ kind: "array", items }) as Doc),
    fc.array(fc.tuple(key, tie("doc")), { maxLength: 6 }).map((entries) => ({ kind: "object", entries }) as Doc),
  ),
}));
const topLevel = fc.array(fc.tuple(key, doc), { maxLength: 6 }).map((entries) => ({ kind: "object", entries }) as Doc);

/** Every leaf path of a plain value (arrays are leaves: an override replaces them whole). */
function leaves(value: unknown, prefix: string[] = []): string[][] {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return [prefix];
  const keys = Object.keys(value);
  return keys.length === 0 ? [prefix] : keys.flatMap((k) => leaves((value as Record<string, unknown>)[k], [...prefix, k]));
}
function at(value: unknown, path: readonly string[]): unknown {
  return path.reduce<unknown>((node, k) => (node !== null && typeof node === "object" && Object.hasOwn(node, k) ? (node as Record<string, unknown>)[k] : undefined), value);
}
/**
 * Mostly valid overrides: real leaves of the configuration set to the default, to another value of the same type, or
 * to junk, so that a good share loads and the "untouched values stay the defaults" property is exercised.
 */
const DEFAULT_LEAVES = leaves(DEFAULT_CONFIG);
const edit = fc.constantFrom(...DEFAULT_LEAVES).chain((path) => {
  const current = at(DEFAULT_CONFIG, path);
  const same =
    typeof current === "number"
      ? fc.oneof(fc.constant(current), fc.integer({ min: 0, max: 100000 }))
      : typeof current === "boolean"
        ? fc.boolean()
        : Array.isArray(current)
          ? fc.constant(current)
          : fc.oneof(fc.constant(current), fc.string({ maxLength: 8 }));
  return fc.oneof({ weight: 4, arbitrary: same }, { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) }).map((value) => [path, value] as const);
});
const mostlyValid = fc.array(edit, { maxLength: 4 }).map((edits) => {
  const root: Record<string, any> = {};
  for (const [path, value] of edits) {
    let node = root;
    for (const k of path.slice(0, -1)) node = node[k] = typeof node[k] === "object" && node[k] !== null && !Array.isArray(node[k]) ? node[k] : {};
    node[path[path.length - 1]] = value;
  }
  return JSON.stringify(root);
});

function serialize(d: Doc): string {
  if (d.kind === "raw") return d.text;
  if (d.kind === "array") return `[${d.items.map(serialize).join(",")}]`;
  return `{${d.entries.map(([k, v]) => `${JSON.stringify(k)}:${serialize(v)}`).join(",")}}`;
}

/** Run the loader: its value, or the ConfigError; any other exception fails the property. */
function load(text: string): { config?: unknown; error?: ConfigError } {
  const started = Date.now();
  try {
    return { config: configFromOverrideText(text) };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    expect(error.message).toMatch(/^Invalid MediCare Hub configuration; nothing was synthesized\./);
    return { error };
  } finally {
    expect(Date.now() - started).toBeLessThan(HANG_MS);
  }
}

const touches = (set: readonly string[], path: readonly string[]) =>
  set.every((k, i) => i >= path.length || k === path[i]) || path.every((k, i) => i >= set.length || k === set[i]);

describe("the loader, on any override text", () => {
  test("loads or refuses with a ConfigError; never another exception, never a hang", () => {
    fc.assert(
      fc.property(topLevel, (d) => {
        load(serialize(d));
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  test("a value the file did not validly set is the committed default, whatever else the file holds", () => {
    let loaded = 0;
    fc.assert(
      fc.property(fc.oneof(mostlyValid, topLevel.map(serialize)), (text) => {
        const { config } = load(text);
        if (!config) return;
        loaded++;
        const set = leaves(parseOverrideText(text));
        for (const path of leaves(DEFAULT_CONFIG)) {
          if (set.some((s) => touches(s, path))) continue;
          expect({ path: path.join("."), value: at(config, path) }).toEqual({ path: path.join("."), value: at(DEFAULT_CONFIG, path) });
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );
    // The property is about loaded configurations: enough of the inputs must load for it to say something.
    expect(loaded).toBeGreaterThan(RUNS / 10);
  });

  test("hostile keys placed at a real configuration path never load", () => {
    const paths = leaves(DEFAULT_CONFIG).filter((p) => p.length >= 2);
    fc.assert(
      fc.property(fc.constantFrom(...paths), fc.nat({ max: 10 }), fc.constantFrom("__proto__", "constructor", "prototype"), fc.jsonValue({ maxDepth: 2 }), (path, cut, hostile, value) => {
        const depth = 1 + (cut % path.length);
        const nested = [...path.slice(0, depth), hostile, ...path.slice(depth)];
        const text = nested.reduceRight((inner, k) => `{${JSON.stringify(k)}:${inner}}`, JSON.stringify(value ?? null));
        const { error } = load(text);
        expect(error?.issues.some((i) => /treats as an object's prototype/.test(i.problem))).toBe(true);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  test("nesting of any depth and lists of any length are refused within bounds, naming the limit", () => {
    fc.assert(
      fc.property(fc.integer({ min: 13, max: 20000 }), fc.constantFrom("[", '{"a":'), (depth, open) => {
        const close = open === "[" ? "]" : "}";
        const { error } = load(`{"environments":${open.repeat(depth)}1${close.repeat(depth)}}`);
        expect(error?.message).toMatch(/nests deeper than \d+ levels/);
      }),
      { seed: SEED, numRuns: 50 },
    );
    fc.assert(
      fc.property(fc.integer({ min: 257, max: 50000 }), (length) => {
        const { error } = load(`{"environments":{"dev":{"availabilityZones":[${Array(length).fill('"us-east-2a"').join(",")}]}}}`);
        expect(error?.issues).toHaveLength(1);
      }),
      { seed: SEED, numRuns: 20 },
    );
  });
});
