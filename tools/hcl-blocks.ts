/**
 * Splits HCL text into its top-level items (blocks and attributes) without evaluating it, so the exported HCL can be
 * laid out in files by concern while every block stays exactly as cdktf rendered it (and `terraform fmt` formatted it).
 *
 * A small scanner, not a regular expression over lines: an item ends at a newline outside every bracket, quoted
 * string, template interpolation (`${ }`, `%{ }`), heredoc and comment, which is where HCL's own grammar ends it. So a
 * `}` or a `resource "x" "y" {` line inside a heredoc, a brace inside a string or a `jsonencode({...})` never splits a
 * block. Anything it cannot scan (an unclosed bracket, string or heredoc, a stray closer) is an error naming the
 * line, never a silently wrong split.
 */

/** A block: `type "label" ... { body }`. */
export interface HclBlock {
  readonly kind: "block";
  readonly type: string;
  readonly labels: readonly string[];
  /** The block's exact text, from its leading comments (if any) to its closing brace. */
  readonly text: string;
  /** 1-based line of the text's first character in the scanned input. */
  readonly line: number;
  /** Offsets in `text` of the body: after the opening brace, before the closing one. */
  readonly body: { readonly start: number; readonly end: number };
}

/** An attribute: `name = expression`. */
export interface HclAttribute {
  readonly kind: "attribute";
  readonly name: string;
  /** The attribute's exact text, from its leading comments (if any) to the end of its expression. */
  readonly text: string;
  readonly line: number;
  /** The expression's text (after `=`), trimmed. */
  readonly expression: string;
}

/** Comments with no item after them (at the end of the input or of a body). */
export interface HclComment {
  readonly kind: "comment";
  readonly text: string;
  readonly line: number;
}

export type HclItem = HclBlock | HclAttribute | HclComment;

/** Input the scanner cannot split: it names the line. */
export class HclSyntaxError extends Error {}

/** The top-level items of `text`, in order. Leading comments belong to the item they precede. */
export function splitHcl(text: string): HclItem[] {
  return scanItems(text, 0, text.length, 1);
}

/** The items of a block's body (its attributes and nested blocks), in order. */
export function blockBody(block: HclBlock): HclItem[] {
  return scanItems(block.text, block.body.start, block.body.end, block.line);
}

/** A string literal's value (`"a\"b"` → `a"b`); undefined for anything that is not one plain literal. */
export function literalString(expression: string): string | undefined {
  if (!/^"(?:[^"\\$%]|\\.|\$(?!\{)|%(?!\{))*"$/.test(expression)) return undefined;
  try {
    return JSON.parse(expression) as string;
  } catch {
    return undefined;
  }
}

type Frame = "{" | "[" | "(" | "template" | "string" | { readonly heredoc: string };

const CLOSES: Record<string, string> = { "}": "{", "]": "[", ")": "(" };
const HEREDOC_OPENING = /^<<-?([A-Za-z_][\w-]*)[ \t]*\r?\n/;
const BLOCK_HEADER = /^([A-Za-z_][\w-]*)((?:[ \t]+(?:"(?:[^"\\\n]|\\.)*"|[A-Za-z_][\w-]*))*)[ \t]*\{/;
const LABEL = /"(?:[^"\\\n]|\\.)*"|[A-Za-z_][\w-]*/g;
const ATTRIBUTE = /^([A-Za-z_][\w-]*)[ \t]*=(?!=)/;

function scanItems(text: string, from: number, to: number, firstLine: number): HclItem[] {
  const items: HclItem[] = [];
  const stack: Frame[] = [];
  /** Start of the current item (its first comment or token), or -1 between items. */
  let start = -1;
  /** Start of the current item's first token, or -1 while it is only comments. */
  let code = -1;
  let line = firstLine + count(text, "\n", 0, from);
  let startLine = line;
  let i = from;
  const fail = (message: string): never => {
    throw new HclSyntaxError(`HCL line ${line}: ${message}`);
  };
  const close = (end: number) => {
    if (start >= 0) items.push(classify(text, start, code, end, startLine));
    start = -1;
    code = -1;
  };
  const begin = (isCode: boolean) => {
    if (stack.length > 0) return;
    if (start < 0) {
      start = i;
      startLine = line;
    }
    if (isCode && code < 0) code = i;
  };

  while (i < to) {
    const c = text[i];
    const top = stack[stack.length - 1];

    if (top === "string") {
      if (c === "\n" || (c === "\\" && text[i + 1] === "\n")) fail("newline inside a quoted string");
      if (c === '"') stack.pop();
      i = c === "\\" ? i + 2 : c === '"' ? i + 1 : templateStep(text, i, stack);
      continue;
    }
    if (c === "\n") line++;
    if (typeof top === "object") {
      if (i === from || text[i - 1] === "\n") {
        const eol = endOfLine(text, i, to);
        if (text.slice(i, eol).trim() === top.heredoc) {
          stack.pop();
          i = eol;
          continue;
        }
      }
      i = templateStep(text, i, stack);
      continue;
    }

    // Expression context: between items, in a body, inside brackets or inside an interpolation.
    if (c === "\n") {
      if (stack.length === 0 && code >= 0) close(i);
      i++;
    } else if (c === " " || c === "\t" || c === "\r") {
      i++;
    } else if (c === "#" || (c === "/" && text[i + 1] === "/")) {
      begin(false);
      i = endOfLine(text, i, to);
    } else if (c === "/" && text[i + 1] === "*") {
      begin(false);
      const end = text.indexOf("*/", i + 2);
      if (end < 0 || end + 2 > to) fail("unterminated /* comment");
      line += count(text, "\n", i, end);
      i = end + 2;
    } else if (c === '"') {
      begin(true);
      stack.push("string");
      i++;
    } else if (c === "<" && text[i + 1] === "<") {
      begin(true);
      const opening = HEREDOC_OPENING.exec(text.slice(i, Math.min(to, i + 200)));
      if (!opening) fail("a heredoc opening (<<MARKER or <<-MARKER, then a newline) was expected");
      stack.push({ heredoc: (opening as RegExpExecArray)[1] });
      i += (opening as RegExpExecArray)[0].length;
      line++;
    } else if (c === "{" || c === "[" || c === "(") {
      begin(true);
      stack.push(c);
      i++;
    } else if (c === "}" || c === "]" || c === ")") {
      const open = stack.pop();
      if (open === undefined) fail(`"${c}" closes nothing`);
      if (c === "}" ? open !== "{" && open !== "template" : open !== CLOSES[c]) fail(`"${c}" does not close ${frameName(open as Frame)}`);
      i++;
    } else {
      begin(true);
      i++;
    }
  }

  if (stack.length > 0) fail(`${frameName(stack[stack.length - 1])} is not closed`);
  if (start >= 0 && code < 0) items.push({ kind: "comment", text: text.slice(start, to).trimEnd(), line: startLine });
  else close(to);
  return items;
}

/** One step inside a string or heredoc: `$${` and `%%{` are literal, `${` and `%{` open an interpolation. */
function templateStep(text: string, i: number, stack: Frame[]): number {
  const c = text[i];
  if ((c === "$" || c === "%") && text[i + 1] === c && text[i + 2] === "{") return i + 3;
  if ((c === "$" || c === "%") && text[i + 1] === "{") {
    stack.push("template");
    return i + 2;
  }
  return i + 1;
}

function classify(text: string, start: number, code: number, end: number, line: number): HclItem {
  const fail = (message: string): never => {
    throw new HclSyntaxError(`HCL line ${line}: ${message}`);
  };
  const itemText = text.slice(start, end).trimEnd();
  const codeText = text.slice(code, end).trimEnd();
  const header = BLOCK_HEADER.exec(codeText);
  if (header) {
    if (!codeText.endsWith("}")) fail(`block ${header[1]} has text after its closing brace`);
    const offset = code - start;
    const block: HclBlock = {
      kind: "block",
      type: header[1],
      labels: (header[2].match(LABEL) ?? []).map((label) => (label.startsWith('"') ? (JSON.parse(label) as string) : label)),
      text: itemText,
      line,
      body: { start: offset + header[0].length, end: offset + codeText.length - 1 },
    };
    // Scanning the body proves the header's brace is the one the last brace closes (`a {} b {}` is refused), and that
    // every nested block and attribute is well formed, down to the innermost body.
    blockBody(block);
    return block;
  }
  const attribute = ATTRIBUTE.exec(codeText);
  if (attribute) return { kind: "attribute", name: attribute[1], text: itemText, line, expression: codeText.slice(attribute[0].length).trim() };
  return fail(`neither a block nor an attribute: ${JSON.stringify(codeText.slice(0, 60))}`);
}

function frameName(frame: Frame): string {
  if (typeof frame === "object") return `the heredoc <<${frame.heredoc}`;
  if (frame === "string") return "a quoted string";
  if (frame === "template") return "an interpolation ${";
  return `"${frame}"`;
}

function endOfLine(text: string, i: number, to: number): number {
  const eol = text.indexOf("\n", i);
  return eol < 0 || eol > to ? to : eol;
}

function count(text: string, needle: string, from: number, to: number): number {
  let n = 0;
  for (let i = text.indexOf(needle, from); i >= 0 && i < to; i = text.indexOf(needle, i + 1)) n++;
  return n;
}
