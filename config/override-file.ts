/**
 * The override file is untrusted input: written by hand, passed through CI variables, and it decides what is deployed
 * to an account that holds patient data. It is read as data, with bounded work on any input:
 *
 * - a size, nesting-depth, list-length and string-length limit, each refused with the path and the limit;
 * - no key that JavaScript treats as an object's prototype (`__proto__`, `constructor`, `prototype`): merging one
 *   would change values the file never names (`{"dns": {"__proto__": {"hostedZoneId": ...}}}` used to set prod's zone);
 * - no duplicate key (JSON.parse keeps the last silently; two `waf` keys in one object are a mistake to report);
 * - no number JSON cannot carry (`1e400` would become Infinity, printed as `null`);
 * - a UTF-8 byte-order mark is accepted (editors on Windows add it; it is invisible).
 *
 * Parsing uses jsonc-parser (comments and trailing commas refused, as in JSON) after a linear scan that bounds the
 * nesting depth, so no input can exhaust the stack; objects are built without a prototype.
 */
import { parseTree, printParseErrorCode, type Node, type ParseError } from "jsonc-parser";

export const OVERRIDE_LIMITS = {
  /** The committed configuration as JSON is ~6 KB; 256 KiB leaves room for comments-as-keys without risk. */
  maxBytes: 256 * 1024,
  /** The configuration nests 5 levels deep (environments.prod.loadBalancer.healthCheck.intervalSeconds). */
  maxDepth: 12,
  /** The longest list the schema accepts has 50 entries. */
  maxListLength: 256,
  maxStringLength: 4096,
  maxKeyLength: 128,
} as const;

/** Keys that address an object's prototype in JavaScript: never merged, whatever their value. */
export const PROTOTYPE_KEYS: readonly string[] = ["__proto__", "constructor", "prototype"];

/** One problem of the file, at a path inside it (empty for the whole file). */
export interface OverrideProblem {
  readonly path: readonly (string | number)[];
  readonly problem: string;
}

/** Thrown with every problem found (up to a bound), before anything is merged. */
export class OverrideFileProblems extends Error {
  constructor(readonly problems: readonly OverrideProblem[]) {
    super(problems.map((p) => p.problem).join("; "));
    this.name = "OverrideFileProblems";
  }
}

/** More problems than this are not collected: the first ones say what is wrong. */
const MAX_PROBLEMS = 50;

/** Parses the text of an override file into plain data, or throws {@link OverrideFileProblems}. */
export function parseOverrideText(raw: string): unknown {
  const bytes = Buffer.byteLength(raw, "utf8");
  if (bytes > OVERRIDE_LIMITS.maxBytes) {
    throw new OverrideFileProblems([{ path: [], problem: `is ${bytes} bytes; at most ${OVERRIDE_LIMITS.maxBytes} bytes are read` }]);
  }
  const text = raw.startsWith("\uFEFF") ? raw.slice(1) : raw;
  if (text.trim() === "") {
    throw new OverrideFileProblems([{ path: [], problem: 'is empty; write a JSON object such as {} (no overrides) or {"environments": {"dev": {...}}}' }]);
  }
  const tooDeep = deeperThan(text, OVERRIDE_LIMITS.maxDepth);
  if (tooDeep !== undefined) {
    throw new OverrideFileProblems([
      { path: [], problem: `nests deeper than ${OVERRIDE_LIMITS.maxDepth} levels at ${where(text, tooDeep)}; the configuration itself is 5 levels deep` },
    ]);
  }
  const errors: ParseError[] = [];
  const tree = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  if (errors.length > 0) {
    throw new OverrideFileProblems(
      errors.slice(0, 1).map((e) => ({ path: [], problem: `is not valid JSON: ${describeParseError(e.error)} at ${where(text, e.offset)}` })),
    );
  }
  if (!tree || tree.type !== "object") {
    throw new OverrideFileProblems([{ path: [], problem: 'must contain a JSON object such as {"environments": {"dev": {"app": {"maxCapacity": 6}}}}' }]);
  }
  return toData(tree, text);
}

/**
 * The position of the first bracket that opens level `limit + 1`, or undefined. Linear, string-aware, no recursion:
 * it runs before the parser, so the parser never sees more than `limit` levels.
 */
function deeperThan(text: string, limit: number): number | undefined {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
    } else if (c === '"') {
      inString = true;
    } else if (c === "{" || c === "[") {
      if (++depth > limit) return i;
    } else if (c === "}" || c === "]") {
      depth--;
    }
  }
  return undefined;
}

/** Builds null-prototype objects from the parse tree, iteratively, collecting every problem of the data. */
function toData(tree: Node, text: string): unknown {
  const problems: OverrideProblem[] = [];
  // Messages are built only while they are kept: a file of thousands of bad keys stays linear.
  const report = (path: readonly (string | number)[], problem: () => string) => {
    if (problems.length < MAX_PROBLEMS) problems.push({ path, problem: problem() });
  };
  // Each entry: a node to convert, the path to it, and where to put the result.
  const work: { node: Node; path: (string | number)[]; put: (value: unknown) => void }[] = [];
  const container = (node: Node, path: (string | number)[]): unknown => {
    if (node.type === "object") {
      const out: Record<string, unknown> = Object.create(null);
      const seen = new Set<string>();
      for (const property of node.children ?? []) {
        const [keyNode, valueNode] = property.children ?? [];
        const key = String(keyNode?.value);
        const at = [...path, key];
        if (key.length > OVERRIDE_LIMITS.maxKeyLength) {
          report([...path, `${key.slice(0, 40)}...`], () => `is a key of ${key.length} characters; no key of the configuration is longer than 40, and at most ${OVERRIDE_LIMITS.maxKeyLength} are read`);
          continue;
        }
        if (PROTOTYPE_KEYS.includes(key)) {
          report(at, () => `is a key JavaScript treats as an object's prototype ("${key}"): it would change values the file does not name, so it is refused; remove it`);
          continue;
        }
        if (seen.has(key)) {
          report(at, () => `appears twice in the same object (line ${lineOf(text, keyNode?.offset ?? 0)}); JSON would silently keep the last one: keep one`);
          continue;
        }
        seen.add(key);
        // The key is placed now, in the file's order; its value arrives when the queue reaches it.
        out[key] = undefined;
        if (valueNode) work.push({ node: valueNode, path: at, put: (value) => (out[key] = value) });
      }
      return out;
    }
    const out: unknown[] = [];
    const items = node.children ?? [];
    if (items.length > OVERRIDE_LIMITS.maxListLength) {
      report(path, () => `is a list of ${items.length} entries; at most ${OVERRIDE_LIMITS.maxListLength} are read (the longest list the configuration accepts has 50)`);
      return out;
    }
    items.forEach((item, i) => work.push({ node: item, path: [...path, i], put: (value) => (out[i] = value) }));
    return out;
  };

  let root: unknown;
  work.push({ node: tree, path: [], put: (value) => (root = value) });
  while (work.length > 0) {
    const { node, path, put } = work.pop() as (typeof work)[number];
    switch (node.type) {
      case "object":
      case "array":
        put(container(node, path));
        break;
      case "number": {
        const value = node.value as number;
        if (!Number.isFinite(value)) {
          report(path, () => `is ${text.slice(node.offset, node.offset + node.length)}, a number too large to be represented; use a number within the allowed range`);
        }
        put(value);
        break;
      }
      case "string": {
        const value = node.value as string;
        if (value.length > OVERRIDE_LIMITS.maxStringLength) report(path, () => `is a string of ${value.length} characters; at most ${OVERRIDE_LIMITS.maxStringLength} are read`);
        put(value);
        break;
      }
      default:
        put(node.value);
    }
  }
  if (problems.length > 0) throw new OverrideFileProblems(problems);
  return root;
}

function describeParseError(code: number): string {
  const names: Record<string, string> = {
    InvalidSymbol: "an unexpected character",
    InvalidNumberFormat: "a malformed number",
    PropertyNameExpected: "a property name (in double quotes) was expected",
    ValueExpected: "a value was expected",
    ColonExpected: 'a ":" was expected',
    CommaExpected: 'a "," was expected',
    CloseBraceExpected: 'a "}" was expected',
    CloseBracketExpected: 'a "]" was expected',
    EndOfFileExpected: "text after the end of the JSON value",
    InvalidCommentToken: "a comment (JSON has none)",
    UnexpectedEndOfComment: "an unterminated comment",
    UnexpectedEndOfString: "an unterminated string",
    UnexpectedEndOfNumber: "an unterminated number",
    InvalidUnicode: "an invalid \\u escape",
    InvalidEscapeCharacter: "an invalid escape character",
    InvalidCharacter: "a control character inside a string",
  };
  const name = printParseErrorCode(code);
  return names[name] ?? name;
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text[i] === "\n") line++;
  return line;
}

/** "line L, column C" of an offset. */
function where(text: string, offset: number): string {
  const line = lineOf(text, offset);
  const lineStart = text.lastIndexOf("\n", offset - 1) + 1;
  return `line ${line}, column ${offset - lineStart + 1}`;
}
