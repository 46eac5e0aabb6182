/**
 * The CloudWatch Logs JSON filter-pattern matcher (constructs/audit/log-filter-pattern.ts): AWS's documented examples
 * as literal cases, the edge cases the docs settle (value nodes, IS NULL against NOT EXISTS, wildcards), errors that say
 * where and what, and properties over random patterns and events (fast-check, seeded and reproducible).
 */
import fc from "fast-check";
import {
  FilterPatternSyntaxError,
  matchesFilterPattern,
  parseFilterPattern,
  wildcardMatches,
  type FilterExpression,
} from "../../../constructs/audit/log-filter-pattern";

/** Fixed seed: the same inputs on every run and every machine; change it to explore, keep it to reproduce. */
const SEED = 20261130;
const RUNS = 300;
const check = <Ts>(property: fc.IProperty<Ts>) => fc.assert(property, { seed: SEED, numRuns: RUNS });

/** A double-quoted pattern string holding exactly `text`. */
const quoted = (text: string) => `"${text.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;

describe("AWS's documented examples (Filter pattern syntax, CloudWatch Logs User Guide)", () => {
  // "Matching terms in JSON log events": the example event and the filters the page says match it.
  const EVENT = {
    eventType: "UpdateTrail",
    sourceIPAddress: "111.111.111.111",
    arrayKey: ["value", "another value"],
    objectList: [
      { name: "a", id: 1 },
      { name: "b", id: 2 },
    ],
    SomeObject: null,
    ThisFlag: true,
  };
  test.each([
    '{ $.eventType = "UpdateTrail" }',
    "{ $.sourceIPAddress != 123.123.* }",
    '{ $.arrayKey[0] = "value" }',
    "{ $.objectList[1].id = 2 }",
    "{ $.SomeObject IS NULL }",
    "{ $.SomeOtherObject NOT EXISTS }",
    "{ $.ThisFlag IS TRUE }",
  ])("%s matches the page's example event", (pattern) => {
    expect(matchesFilterPattern(pattern, EVENT)).toBe(true);
  });

  test("and each stops matching where the page says it would not", () => {
    expect(matchesFilterPattern('{ $.eventType = "UpdateTrail" }', { ...EVENT, eventType: "CreateTrail" })).toBe(false);
    expect(matchesFilterPattern("{ $.sourceIPAddress != 123.123.* }", { ...EVENT, sourceIPAddress: "123.123.4.5" })).toBe(false);
    // "If arrayKey is not an array this will be false."
    expect(matchesFilterPattern('{ $.arrayKey[0] = "value" }', { ...EVENT, arrayKey: "value" })).toBe(false);
    // "If the items in objectList are not objects or do not have an id property, this will be false."
    expect(matchesFilterPattern("{ $.objectList[1].id = 2 }", { ...EVENT, objectList: [1, 2] })).toBe(false);
    expect(matchesFilterPattern("{ $.objectList[1].id = 2 }", { ...EVENT, objectList: [{}, { name: "b" }] })).toBe(false);
    // "This will only be true is the specified object is set to null." / "... if specified object does not exist".
    expect(matchesFilterPattern("{ $.SomeObject IS NULL }", { ...EVENT, SomeObject: {} })).toBe(false);
    expect(matchesFilterPattern("{ $.SomeObject NOT EXISTS }", EVENT)).toBe(false);
    expect(matchesFilterPattern("{ $.ThisFlag IS FALSE }", EVENT)).toBe(false);
    expect(matchesFilterPattern("{ $.ThisFlag IS FALSE }", { ...EVENT, ThisFlag: false })).toBe(true);
  });

  // "JSON compound conditions": the example object and whether each expression matches it, as the page says.
  const COMPOUND = {
    user: { id: 1, email: "John.Stiles@example.com" },
    users: [
      { id: 2, email: "John.Doe@example.com" },
      { id: 3, email: "Jane.Doe@example.com" },
    ],
    actions: ["GET", "PUT", "DELETE"],
    coordinates: [
      [0, 1, 2],
      [4, 5, 6],
      [7, 8, 9],
    ],
  };
  test.each([
    ['{ ($.user.id = 1) && ($.users[0].email = "John.Doe@example.com") }', true],
    ['{ ($.user.id = 2 && $.users[0].email = "nonmatch") || $.actions[2] = "GET" }', false],
    ['{ $.user.email = "John.Stiles@example.com" || $.coordinates[0][1] = nonmatch && $.actions[2] = nomatch }', true],
    ['{ ($.user.email = "John.Stiles@example.com" || $.coordinates[0][1] = nonmatch) && $.actions[2] = nomatch }', false],
    // The 2022 revision of the page quotes the non-matching values; the verdicts are the same.
    ['{ $.user.email = "John.Stiles@example.com" || $.coordinates[0][1] = "nonmatch" && $.actions[2] = "nonmatch" }', true],
    ['{ ($.user.email = "John.Stiles@example.com" || $.coordinates[0][1] = "nonmatch") && $.actions[2] = "nonmatch" }', false],
  ] as const)("%s → %s (precedence () > && > ||)", (pattern, expected) => {
    expect(matchesFilterPattern(pattern, COMPOUND)).toBe(expected);
  });

  test("OR pattern matching: {$.foo = bar} and {$.foo = baz} match one event each, their || both", () => {
    const [bar, baz] = [{ foo: "bar" }, { foo: "baz" }];
    expect([bar, baz].map((e) => matchesFilterPattern("{$.foo = bar}", e))).toEqual([true, false]);
    expect([bar, baz].map((e) => matchesFilterPattern("{$.foo = baz }", e))).toEqual([false, true]);
    expect([bar, baz].map((e) => matchesFilterPattern("{$.foo = bar || $.foo = baz }", e))).toEqual([true, true]);
  });

  test("special considerations: on an array, both {$.users = 1} and {$.users != 1} fail to match", () => {
    expect(matchesFilterPattern("{$.users = 1}", { users: [1, 2, 3] })).toBe(false);
    expect(matchesFilterPattern("{$.users != 1}", { users: [1, 2, 3] })).toBe(false);
  });

  test("wildcards: *Event matches PutEvent and GetEvent, Event* matches EventId and EventName, Ev*ent only itself", () => {
    for (const name of ["PutEvent", "GetEvent"]) expect(matchesFilterPattern("{ $.n = *Event }", { n: name })).toBe(true);
    for (const name of ["EventId", "EventName"]) expect(matchesFilterPattern("{ $.n = Event* }", { n: name })).toBe(true);
    expect(matchesFilterPattern("{ $.n = Ev*ent }", { n: "Ev*ent" })).toBe(true);
    expect(matchesFilterPattern("{ $.n = Ev*ent }", { n: "Event" })).toBe(false);
    expect(matchesFilterPattern("{ $.n = Ev*ent }", { n: "EvXent" })).toBe(false);
  });

  test("numeric comparisons: the page's examples parse, and compare as numbers", () => {
    const event = { latency: 500, numbers: [0.001], processes: [{}, {}, {}, {}, { averageRuntime: 55.5 }], errorCode: 400, bandwidth: 80, refreshRate: 60, responseTime: 5, number: [0.001] };
    for (const pattern of [
      "{ $.latency >= 500 }",
      "{ $.numbers[0] < 10e3 }",
      "{ $.numbers[0] < 10e-2 }",
      "{ $.processes[4].averageRuntime <= 55.5 }",
      "{ $.errorCode = 400 }",
      "{ $.errorCode != 500 }",
      "{ $.bandwidth > 75 }",
      "{ $.refreshRate >= 60 }",
      "{ $.responseTime <= 5 }",
      "{ $.errorCode = 400}",
      "{ $.number[0] = 1e-3 }",
      "{ $.number[0] != 1e+3 }",
    ])
      expect({ pattern, matches: matchesFilterPattern(pattern, event) }).toEqual({ pattern, matches: true });
    expect(matchesFilterPattern("{ $.latency > +1000 }", event)).toBe(false);
    expect(matchesFilterPattern("{ $.numbers[0] < 10e-3 }", event)).toBe(true);
    expect(matchesFilterPattern("{ $.numbers[0] < 10e-4 }", event)).toBe(false);
  });

  test("{ $.latency = * } (the metric-value example) matches any latency value, number or string, and no missing one", () => {
    expect(matchesFilterPattern("{ $.latency = * }", { latency: 50 })).toBe(true);
    expect(matchesFilterPattern("{ $.latency = * }", { latency: "" })).toBe(true);
    expect(matchesFilterPattern("{ $.latency = * }", {})).toBe(false);
  });
});

describe("semantics the docs settle, and the choices this matcher makes where they are silent", () => {
  test("IS NULL needs the field present and null; NOT EXISTS needs it absent: a null field is not missing", () => {
    expect([{ a: null }, {}, { a: 0 }].map((e) => matchesFilterPattern("{ $.a IS NULL }", e))).toEqual([true, false, false]);
    expect([{ a: null }, {}, { a: 0 }].map((e) => matchesFilterPattern("{ $.a NOT EXISTS }", e))).toEqual([false, true, false]);
    expect(matchesFilterPattern("{ $.a.b.c NOT EXISTS }", { a: "a string has no properties" })).toBe(true);
    expect(matchesFilterPattern("{ $.a[3] NOT EXISTS }", { a: [1, 2, 3] })).toBe(true);
  });

  test("IS TRUE and IS FALSE test JSON booleans, not strings", () => {
    expect(matchesFilterPattern("{ $.f IS TRUE }", { f: "true" })).toBe(false);
    expect(matchesFilterPattern("{ $.f IS FALSE }", { f: 0 })).toBe(false);
  });

  test("= and != compare only strings and numbers: a null, boolean, object or missing field fails both", () => {
    for (const event of [{ x: null }, { x: true }, { x: {} }, { x: ["v"] }, {}])
      expect([matchesFilterPattern('{ $.x = "v" }', event), matchesFilterPattern('{ $.x != "v" }', event)]).toEqual([false, false]);
  });

  test("a bare number also matches a string holding that text (CloudTrail writes account ids as strings)", () => {
    expect(matchesFilterPattern("{ $.recipientAccountId = 123456789012 }", { recipientAccountId: "123456789012" })).toBe(true);
    expect(matchesFilterPattern("{ $.recipientAccountId != 123456789012 }", { recipientAccountId: "123456789012" })).toBe(false);
    // Ordering needs a JSON number.
    expect(matchesFilterPattern("{ $.n > 1 }", { n: "5" })).toBe(false);
    expect(matchesFilterPattern("{ $.n > 1 }", { n: 5 })).toBe(true);
    expect(matchesFilterPattern("{ $.n = 1e3 }", { n: 1000 })).toBe(true);
  });

  test("a quoted number is a string: it compares with the number's text", () => {
    expect(matchesFilterPattern('{ $.n = "400" }', { n: 400 })).toBe(true);
    expect(matchesFilterPattern('{ $.n = "4*" }', { n: 404 })).toBe(true);
    expect(matchesFilterPattern('{ $.n = "400.0" }', { n: 400 })).toBe(false);
  });

  test("selectors read own properties only: $.constructor and $.toString find nothing on a plain event", () => {
    expect(matchesFilterPattern("{ $.constructor NOT EXISTS }", {})).toBe(true);
    expect(matchesFilterPattern("{ $.toString = * }", {})).toBe(false);
    expect(matchesFilterPattern("{ $.length NOT EXISTS }", { a: [] })).toBe(true);
  });

  test("property names may hold - and _; matching is case-sensitive", () => {
    expect(matchesFilterPattern('{ $.additionalEventData.x-amz-id_2 = "abc" }', { additionalEventData: { "x-amz-id_2": "abc" } })).toBe(true);
    expect(matchesFilterPattern("{ $.eventName = consolelogin }", { eventName: "ConsoleLogin" })).toBe(false);
  });

  test("quoted strings decode \\\" and \\\\ and keep every other character, spaces and punctuation included", () => {
    const pattern = parseFilterPattern(String.raw`{ $.m = "say \"hi\" (a\\b) && || {x} \n" }`);
    expect(pattern.expression).toMatchObject({ kind: "compare", value: { kind: "string", text: String.raw`say "hi" (a\b) && || {x} \n` } });
  });

  test("the parse tree: && binds tighter than ||, parentheses regroup, selectors split into steps", () => {
    const shape = (e: FilterExpression): unknown =>
      e.kind === "and" || e.kind === "or" ? [e.kind, shape(e.left), shape(e.right)] : e.selector.steps.join("/");
    expect(shape(parseFilterPattern("{ $.a = 1 || $.b = 1 && $.c[0].d = 1 }").expression)).toEqual(["or", "a", ["and", "b", "c/0/d"]]);
    expect(shape(parseFilterPattern("{ ($.a = 1 || $.b = 1) && $.c[0][1] = 1 }").expression)).toEqual(["and", ["or", "a", "b"], "c/0/1"]);
  });
});

describe("a pattern it cannot read is refused with the position and what was expected", () => {
  test.each([
    ["ERROR", 0, "'{': only JSON filter patterns"],
    ["{ $.a = 1", 9, "'}' or an && / || operator"],
    ["{ $.a == 1 }", 7, "a value after '='"],
    ["{ $.a > abc }", 8, "a number after '>'"],
    ['{ $.a = "abc }', 14, "'\"' closing the string opened at position 8"],
    ["{ $.a IS NOT NULL }", 9, "does not support IS NOT"],
    ["{ $.a EXISTS }", 6, "does not support EXISTS; use $.a = *"],
    ["{ $.a }", 6, "an operator (=, !=, <, >, <=, >=, IS NULL, IS TRUE, IS FALSE or NOT EXISTS)"],
    ["{ $.a IS MISSING }", 9, "NULL, TRUE or FALSE after IS"],
    ["{ $.a NOT THERE }", 10, "EXISTS after NOT"],
    ["{ $[0] = 1 }", 3, "an array index must follow a property"],
    ["{ $. = 1 }", 4, "a property name"],
    ["{ $.a[x] = 1 }", 6, "an array index (digits)"],
    ["{ $.a[0 = 1 }", 7, "']' closing the array index"],
    ["{ $.a = %ab+c% }", 8, "regular expressions (%…%) are not supported"],
    ["{ a = 1 }", 2, "a condition ($.selector …) or '('"],
    ["{ ($.a = 1 }", 11, "')' or an && / || operator"],
    ["{ $.a = 1 & $.b = 2 }", 10, "'}' or an && / || operator"],
    ["{ $.a = 1 && }", 13, "a condition"],
    ["{}", 1, "a condition"],
    ["{ $.a = 1 } trailing", 12, "the end of the pattern after '}'"],
  ] as const)("%s: position %d, expected %s", (text, position, expected) => {
    let error: unknown;
    try {
      parseFilterPattern(text);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(FilterPatternSyntaxError);
    const syntax = error as FilterPatternSyntaxError;
    expect({ position: syntax.position, expected: syntax.expected }).toEqual({ position, expected: expect.stringContaining(expected) });
    expect(syntax.message).toContain(`at position ${position}: expected`);
    // The message ends with the pattern and a caret under the position.
    expect(syntax.message.split("\n").slice(-2)).toEqual([`  ${text}`, `  ${" ".repeat(position)}^`]);
  });
});

describe("properties (fast-check)", () => {
  /** Strings without a wildcard at either end: `*` elsewhere is literal. */
  const literal = fc.string({ maxLength: 12 }).filter((s) => !s.startsWith("*") && !s.endsWith("*"));
  const jsonValue = fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constant(undefined));

  test('{ $.x = "v" } matches exactly the events whose x is the string v (or a number written v)', () => {
    check(
      fc.property(literal, fc.oneof(literal, jsonValue), fc.boolean(), (v, other, same) => {
        const x = same ? v : other;
        const event = x === undefined ? {} : { x };
        expect(matchesFilterPattern(`{ $.x = ${quoted(v)} }`, event)).toBe(x === v || (typeof x === "number" && String(x) === v));
      }),
    );
  });

  test("negation symmetry: on a string or number exactly one of = and != matches; on anything else neither", () => {
    const token = fc.oneof(
      literal.map(quoted),
      fc.constantFrom("ConsoleLogin", "*Unauthorized*", "Access*", "*", "123.123.*", "400", "-1.5e3", "0", '"400"'),
      fc.double({ noNaN: true, noDefaultInfinity: true }).map(String),
    );
    check(
      fc.property(token, fc.oneof(jsonValue, fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constantFrom("400", "ConsoleLogin", "AccessDenied")), (value, x) => {
        const event = x === undefined ? {} : { x };
        const eq = matchesFilterPattern(`{ $.x = ${value} }`, event);
        const ne = matchesFilterPattern(`{ $.x != ${value} }`, event);
        if (typeof x === "string" || typeof x === "number") expect(eq).toBe(!ne);
        else expect([eq, ne]).toEqual([false, false]);
      }),
    );
  });

  test("wildcards: p* is startsWith, *p is endsWith, *p* is includes, and a * inside is a literal character", () => {
    const core = fc.string({ minLength: 1, maxLength: 6 }).filter((s) => !s.includes("*"));
    const text = fc.oneof(fc.string({ maxLength: 12 }), fc.tuple(fc.string({ maxLength: 4 }), core, fc.string({ maxLength: 4 })).map((parts) => parts.join("")));
    check(
      fc.property(core, core, text, (p, q, x) => {
        expect(matchesFilterPattern(`{ $.x = ${quoted(`${p}*`)} }`, { x })).toBe(x.startsWith(p));
        expect(matchesFilterPattern(`{ $.x = ${quoted(`*${p}`)} }`, { x })).toBe(x.endsWith(p));
        expect(matchesFilterPattern(`{ $.x = ${quoted(`*${p}*`)} }`, { x })).toBe(x.includes(p));
        expect(matchesFilterPattern(`{ $.x = ${quoted(`${p}*${q}`)} }`, { x })).toBe(x === `${p}*${q}`);
        expect(wildcardMatches(`${p}*${q}`, `${p}*${q}`)).toBe(true);
      }),
    );
  });

  test("numeric comparisons agree with arithmetic on every finite double", () => {
    const number = fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer({ min: -5, max: 5 }));
    const ops = [
      ["=", (a: number, b: number) => a === b],
      ["!=", (a: number, b: number) => a !== b],
      ["<", (a: number, b: number) => a < b],
      [">", (a: number, b: number) => a > b],
      ["<=", (a: number, b: number) => a <= b],
      [">=", (a: number, b: number) => a >= b],
    ] as const;
    check(
      fc.property(number, number, (a, b) => {
        for (const [op, holds] of ops) expect({ op, a, b, matches: matchesFilterPattern(`{ $.n ${op} ${String(b)} }`, { n: a }) }).toEqual({ op, a, b, matches: holds(a, b) });
      }),
    );
  });

  /** A random boolean formula over the atoms `$.v<i> = 1`, with optional redundant parentheses. */
  type Formula = { op: "atom"; index: number; paren: boolean } | { op: "&&" | "||"; left: Formula; right: Formula; paren: boolean };
  const { formula } = fc.letrec<{ formula: Formula }>((tie) => ({
    formula: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      fc.record({ op: fc.constant("atom" as const), index: fc.nat(3), paren: fc.boolean() }),
      fc.record({ op: fc.constantFrom("&&" as const, "||" as const), left: tie("formula"), right: tie("formula"), paren: fc.boolean() }),
    ),
  }));
  const precedence = (f: Formula) => (f.op === "atom" ? 3 : f.op === "&&" ? 2 : 1);
  /** The formula as pattern text, with the parentheses precedence requires (and the redundant ones it asked for). */
  function print(f: Formula, needs: number): string {
    const body = f.op === "atom" ? `$.v${f.index} = 1` : `${print(f.left, precedence(f))} ${f.op} ${print(f.right, precedence(f))}`;
    return f.paren || precedence(f) < needs ? `(${body})` : body;
  }
  const truth = (f: Formula, values: boolean[]): boolean =>
    f.op === "atom" ? values[f.index] : f.op === "&&" ? truth(f.left, values) && truth(f.right, values) : truth(f.left, values) || truth(f.right, values);

  test("&&, || and parentheses evaluate like boolean algebra with && binding tighter", () => {
    check(
      fc.property(formula, fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }), (f, values) => {
        const event = Object.fromEntries(values.map((v, i) => [`v${i}`, v ? 1 : 0]));
        expect(matchesFilterPattern(`{ ${print(f, 0)} }`, event)).toBe(truth(f, values));
      }),
    );
  });

  test("any text either parses or is refused with a FilterPatternSyntaxError at a position inside it", () => {
    const alphabet = fc.constantFrom(..."{}()[]$.=!<>&|\"*% \\aISNOTEXISTULRF0123456789e+-_");
    const text = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.array(alphabet, { maxLength: 30 }).map((chars) => chars.join("")),
      fc.tuple(fc.constantFrom("{ $.a = 1 && ($.b[0].c != \"x*\" || $.d IS NULL) }", "{$.e NOT EXISTS}"), fc.nat(60), fc.string({ maxLength: 2 }))
        .map(([valid, at, insert]) => valid.slice(0, at) + insert + valid.slice(at + 1)),
    );
    check(
      fc.property(text, (t) => {
        try {
          parseFilterPattern(t);
        } catch (error) {
          expect(error).toBeInstanceOf(FilterPatternSyntaxError);
          const position = (error as FilterPatternSyntaxError).position;
          expect(position >= 0 && position <= t.length).toBe(true);
        }
      }),
    );
  });

  test("evaluation never throws, whatever JSON the event holds", () => {
    const pattern = parseFilterPattern('{ ($.a.b[0] = "x*" || $.a > 3) && $.c IS NULL || $.d NOT EXISTS || $.e IS TRUE || $.a.b != 1 }');
    check(fc.property(fc.dictionary(fc.constantFrom("a", "b", "c", "d", "e"), fc.jsonValue({ maxDepth: 3 })), (event) => void matchesFilterPattern(pattern, event)));
  });
});
