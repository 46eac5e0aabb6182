/**
 * CloudWatch Logs JSON filter patterns, parsed and evaluated here, so a test can say which CloudTrail events a metric
 * filter counts without deploying it. Plain TypeScript: no cdktf, no provider.
 *
 * The syntax is AWS's, from "Filter pattern syntax for metric filters, subscription filters, filter log events, and
 * Live Tail" (CloudWatch Logs User Guide,
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html, with its JSON section
 * "Using filter patterns to match terms in JSON log events",
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/matching-terms-json-log-events.html). The quotes below are
 * from the page's published source, revisions of 2020-09 and 2022-03 (awsdocs/amazon-cloudwatch-logs-user-guide,
 * doc_source/FilterAndPatternSyntax.md, archived 2023); the live page reads the same where it could be compared. What
 * the page says, and how this module reads it:
 * - A pattern is `{ SELECTOR OPERATOR VALUE }`. Selectors start at `$`, name properties (letters, digits, `-`, `_`) with
 *   `.name` and array elements with `[NUMBER]`, which "must follow a property": `$.users[0].id`, `$.coordinates[0][1]`.
 * - `=` and `!=` compare strings, double-quoted or bare; `*` matches "any text at, before, or after a search term":
 *   `*Event` matches `PutEvent`, `Event*` matches `EventId`, and "`Ev*ent` will only match the actual string `Ev*ent`".
 *   So a leading and a trailing `*` are wildcards and one in the middle is a literal character.
 * - `=`, `!=`, `<`, `>`, `<=`, `>=` compare numbers: an integer or decimal with an optional sign, optionally in
 *   scientific notation (`10e-3`, `+1000`). `=`/`!=` with a bare number also match a string field holding that text,
 *   as the page's `recipientAccountId is 123456789012` example needs (CloudTrail writes account ids as strings).
 * - `IS NULL`, `IS TRUE`, `IS FALSE`, `NOT EXISTS`; "`IS NOT` and `EXISTS` currently aren't supported".
 * - `&&` and `||` with parentheses, precedence `()` > `&&` > `||`.
 * - "The SELECTOR must point to a value node (string or number)": on an array or object both `=` and `!=` fail. This
 *   module fails them the same way on null, booleans and missing fields, so `!=` never matches an event that lacks
 *   the field (checked by a property test).
 * Not supported, and refused with a clear error: regular expressions (`%…%`), text and space-delimited patterns.
 *
 * Written here because no npm package evaluating these patterns was found (aws-cdk-lib's `FilterPattern` and
 * serverless plugins only build pattern strings; the evaluators that exist are Python and Rust emulators).
 */

/** A comparison operator of a JSON filter pattern. */
export type ComparisonOperator = "=" | "!=" | "<" | ">" | "<=" | ">=";

/** A parsed `$.a.b[0]`: the text as written and its steps, property names and array indexes. */
export interface Selector {
  /** The selector as written in the pattern, e.g. `$.userIdentity.type`. */
  readonly text: string;
  /** Property names (strings) and array indexes (numbers), from the root of the event. */
  readonly steps: readonly (string | number)[];
}

/** The right-hand side of a comparison. */
export interface FilterValue {
  /** `number` for a bare numeric literal (`400`, `-1.5e3`); `string` for a quoted or any other bare value. */
  readonly kind: "string" | "number";
  /** The value as written, quotes removed and escapes (`\"`, `\\`) decoded; may hold `*` wildcards. */
  readonly text: string;
  /** The numeric value of a `number`; NaN for a `string`. */
  readonly number: number;
}

/** A node of a parsed pattern. */
export type FilterExpression =
  | { readonly kind: "and"; readonly left: FilterExpression; readonly right: FilterExpression }
  | { readonly kind: "or"; readonly left: FilterExpression; readonly right: FilterExpression }
  | { readonly kind: "compare"; readonly selector: Selector; readonly operator: ComparisonOperator; readonly value: FilterValue }
  | { readonly kind: "is"; readonly selector: Selector; readonly test: "NULL" | "TRUE" | "FALSE" }
  | { readonly kind: "not-exists"; readonly selector: Selector };

/** A parsed JSON filter pattern. */
export interface FilterPattern {
  /** The pattern as given to `parseFilterPattern`. */
  readonly text: string;
  /** What it tests. */
  readonly expression: FilterExpression;
}

/** A pattern this parser cannot read: where (0-based character offset), what it expected there and what it found. */
export class FilterPatternSyntaxError extends Error {
  constructor(
    readonly pattern: string,
    readonly position: number,
    readonly expected: string,
    readonly found: string,
  ) {
    super(`invalid filter pattern at position ${position}: expected ${expected}, found ${found}\n  ${pattern}\n  ${" ".repeat(position)}^`);
    this.name = "FilterPatternSyntaxError";
  }
}

/** The NUMBER of the docs: optional sign, integer or decimal, optional exponent. */
const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
/** Property names: "alphanumeric strings that also support '-' and '_' characters". */
const PROPERTY = /[A-Za-z0-9_-]/;
/** Characters that end a bare value: whitespace and the pattern's own punctuation. */
const BARE_STOP = /[\s(){}"&|<>=!]/;
const OPERATORS: readonly ComparisonOperator[] = ["!=", "<=", ">=", "=", "<", ">"];
const EXPECTED_OPERATOR = "an operator (=, !=, <, >, <=, >=, IS NULL, IS TRUE, IS FALSE or NOT EXISTS)";

/** Parses a CloudWatch Logs JSON filter pattern; throws FilterPatternSyntaxError naming the position and what it expected. */
export function parseFilterPattern(text: string): FilterPattern {
  let pos = 0;
  const fail = (expected: string, at = pos): never => {
    const found = at >= text.length ? "the end of the pattern" : JSON.stringify(text.slice(at, at + 12));
    throw new FilterPatternSyntaxError(text, at, expected, found);
  };
  const skipSpace = () => {
    while (pos < text.length && /\s/.test(text[pos])) pos++;
  };
  const take = (literal: string): boolean => {
    skipSpace();
    if (!text.startsWith(literal, pos)) return false;
    pos += literal.length;
    return true;
  };
  /** A keyword stands alone: `IS NULL`, not `IS NULLX`. */
  const takeWord = (word: string): boolean => {
    skipSpace();
    if (!text.startsWith(word, pos) || PROPERTY.test(text[pos + word.length] ?? "")) return false;
    pos += word.length;
    return true;
  };

  const selector = (): Selector => {
    skipSpace();
    const start = pos;
    if (text[pos] !== "$") fail("a selector starting with $ (e.g. $.eventName)");
    pos++;
    const steps: (string | number)[] = [];
    for (;;) {
      if (text[pos] === ".") {
        const nameStart = ++pos;
        while (pos < text.length && PROPERTY.test(text[pos])) pos++;
        if (pos === nameStart) fail("a property name (letters, digits, - or _) after '.'");
        steps.push(text.slice(nameStart, pos));
      } else if (text[pos] === "[") {
        if (steps.length === 0) fail("'.' and a property name: an array index must follow a property");
        const digitsStart = ++pos;
        while (pos < text.length && /\d/.test(text[pos])) pos++;
        if (pos === digitsStart) fail("an array index (digits) after '['");
        steps.push(Number(text.slice(digitsStart, pos)));
        if (text[pos] !== "]") fail("']' closing the array index");
        pos++;
      } else {
        break;
      }
    }
    if (steps.length === 0) fail("'.' and a property name after $");
    return { text: text.slice(start, pos), steps };
  };

  const value = (operator: ComparisonOperator): FilterValue => {
    skipSpace();
    const start = pos;
    let parsed: FilterValue;
    if (text[pos] === '"') {
      let decoded = "";
      pos++;
      for (;;) {
        if (pos >= text.length) fail(`'"' closing the string opened at position ${start}`);
        const c = text[pos];
        if (c === '"') break;
        if (c === "\\" && (text[pos + 1] === '"' || text[pos + 1] === "\\")) {
          decoded += text[pos + 1];
          pos += 2;
        } else {
          decoded += c;
          pos++;
        }
      }
      pos++;
      parsed = { kind: "string", text: decoded, number: NaN };
    } else {
      while (pos < text.length && !BARE_STOP.test(text[pos])) pos++;
      const bare = text.slice(start, pos);
      if (bare === "") fail(`a value after '${operator}' (a number, a bare word or a "quoted string")`, start);
      if (bare.length > 1 && bare.startsWith("%") && bare.endsWith("%")) fail("a string or number: regular expressions (%…%) are not supported here", start);
      parsed = NUMBER.test(bare) ? { kind: "number", text: bare, number: Number(bare) } : { kind: "string", text: bare, number: NaN };
    }
    if (operator !== "=" && operator !== "!=" && parsed.kind !== "number") fail(`a number after '${operator}'`, start);
    return parsed;
  };

  const condition = (): FilterExpression => {
    const sel = selector();
    skipSpace();
    const at = pos;
    if (takeWord("IS")) {
      for (const test of ["NULL", "TRUE", "FALSE"] as const) if (takeWord(test)) return { kind: "is", selector: sel, test };
      skipSpace();
      return fail(text.startsWith("NOT", pos) ? "NULL, TRUE or FALSE after IS (CloudWatch Logs does not support IS NOT)" : "NULL, TRUE or FALSE after IS");
    }
    if (takeWord("NOT")) {
      if (takeWord("EXISTS")) return { kind: "not-exists", selector: sel };
      return fail("EXISTS after NOT");
    }
    if (takeWord("EXISTS")) return fail(`${EXPECTED_OPERATOR} (CloudWatch Logs does not support EXISTS; use ${sel.text} = *)`, at);
    for (const operator of OPERATORS) if (take(operator)) return { kind: "compare", selector: sel, operator, value: value(operator) };
    return fail(EXPECTED_OPERATOR, at);
  };

  const primary = (): FilterExpression => {
    if (take("(")) {
      const inner = or();
      if (!take(")")) fail("')' or an && / || operator");
      return inner;
    }
    skipSpace();
    if (text[pos] !== "$") fail("a condition ($.selector …) or '('");
    return condition();
  };
  const and = (): FilterExpression => {
    let left = primary();
    while (take("&&")) left = { kind: "and", left, right: primary() };
    return left;
  };
  /** The loosest-binding level: `||` of `&&` chains. */
  function or(): FilterExpression {
    let left = and();
    while (take("||")) left = { kind: "or", left, right: and() };
    return left;
  }

  if (!take("{")) fail("'{': only JSON filter patterns ({ $.selector … }) are supported");
  const expression = or();
  if (!take("}")) fail("'}' or an && / || operator");
  skipSpace();
  if (pos < text.length) fail("the end of the pattern after '}'");
  return { text, expression };
}

/** What a selector finds in an event: a JSON value, or MISSING. */
const MISSING = Symbol("missing");

/** What `steps` lead to in `event`: a JSON value, or MISSING if any step finds nothing. */
function resolve(event: unknown, steps: readonly (string | number)[]): unknown {
  let node = event;
  for (const step of steps) {
    if (typeof step === "number") {
      if (!Array.isArray(node)) return MISSING;
      node = node[step];
    } else {
      // Own properties only: `$.constructor` must not find Object.prototype.constructor.
      if (node === null || typeof node !== "object" || Array.isArray(node) || !Object.hasOwn(node, step)) return MISSING;
      node = (node as Record<string, unknown>)[step];
    }
    // Past an array's end, or a property set to undefined by a caller that built the event by hand.
    if (node === undefined) return MISSING;
  }
  return node;
}

/** `pattern` (a value with optional leading and trailing `*`) against `text`; a `*` elsewhere is literal. */
export function wildcardMatches(pattern: string, text: string): boolean {
  const leading = pattern.startsWith("*");
  const trailing = pattern.length > 1 && pattern.endsWith("*");
  const core = pattern.slice(leading ? 1 : 0, trailing ? -1 : undefined);
  if (leading && trailing) return text.includes(core);
  if (leading) return text.endsWith(core);
  if (trailing) return text.startsWith(core);
  return text === pattern;
}

/** One comparison of the node a selector found. */
function compare(node: unknown, operator: ComparisonOperator, value: FilterValue): boolean {
  // Only value nodes compare; an object, array, null, boolean or missing field fails `=` and `!=` alike.
  if (typeof node !== "string" && typeof node !== "number") return false;
  if (value.kind === "number") {
    if (typeof node === "string") {
      if (operator === "=") return node === value.text;
      if (operator === "!=") return node !== value.text;
      return false;
    }
    switch (operator) {
      case "=":
        return node === value.number;
      case "!=":
        return node !== value.number;
      case "<":
        return node < value.number;
      case ">":
        return node > value.number;
      case "<=":
        return node <= value.number;
      case ">=":
        return node >= value.number;
    }
  }
  const matched = wildcardMatches(value.text, typeof node === "string" ? node : String(node));
  return operator === "=" ? matched : !matched;
}

/** Whether `event` satisfies `expression`. */
function evaluate(expression: FilterExpression, event: unknown): boolean {
  switch (expression.kind) {
    case "and":
      return evaluate(expression.left, event) && evaluate(expression.right, event);
    case "or":
      return evaluate(expression.left, event) || evaluate(expression.right, event);
    case "not-exists":
      return resolve(event, expression.selector.steps) === MISSING;
    case "is": {
      const node = resolve(event, expression.selector.steps);
      return node === ({ NULL: null, TRUE: true, FALSE: false } as const)[expression.test];
    }
    case "compare":
      return compare(resolve(event, expression.selector.steps), expression.operator, expression.value);
  }
}

/** Whether CloudWatch Logs would match `event` (a parsed JSON log event) with `pattern` (text or parsed). */
export function matchesFilterPattern(pattern: FilterPattern | string, event: object): boolean {
  const parsed = typeof pattern === "string" ? parseFilterPattern(pattern) : pattern;
  return evaluate(parsed.expression, event);
}
