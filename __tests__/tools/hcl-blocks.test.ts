/**
 * The HCL splitter the export lays files out with: items end where HCL's grammar ends them, never at a brace or a
 * block-like line inside a heredoc, a string, an interpolation or a comment; input it cannot scan is refused.
 */
import fc from "fast-check";
import { HclSyntaxError, blockBody, literalString, splitHcl, type HclBlock, type HclItem } from "../../tools/hcl-blocks";
import { readStackJson, synthApp } from "../support/synth";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { HCL_FILE } from "../../synth-output";

/** Valid HCL (`terraform fmt` parses it) where a line-based splitter goes wrong at every turn. */
const TRICKY = [
  'terraform {',
  '  required_version = ">= 1.10.0"',
  '}',
  '',
  '# a comment with a brace } and a "quote',
  'resource "aws_instance" "web" {',
  '  user_data = <<EOF',
  '#!/bin/bash',
  'echo "}"',
  '}',
  'resource "x" "y" {',
  '  EOF2',
  'EOF',
  '  tags        = { Name = "a { b" }',
  '  description = "escaped \\" quote } and $${literal} and $${ and %%{ and ${var.x} and ${lookup(var.m, "}", "{")}"',
  '  lifecycle {',
  '    precondition {',
  '      condition     = length(local.a) < 1 // trailing } comment',
  '      error_message = <<-EOT',
  '        indented } heredoc',
  '        ${join("}", ["EOT"])}',
  '        EOT',
  '    }',
  '  }',
  '}',
  'data "aws_partition" "p" {}',
  'locals {',
  '  a = 1',
  '  b = [',
  '    "}",',
  '    { c = "d" },',
  '  ]',
  '  /* a block comment with } and { */',
  '  e = jsonencode({ "k" = "v}" })',
  '}',
  '',
  'output "o" {',
  '  value = "%{if true}}%{endif}"',
  '}',
  "",
].join("\n");

const headers = (items: readonly HclItem[]) => items.map((item) => (item.kind === "block" ? [item.type, ...item.labels].join(" ") : `${item.kind} ${"name" in item ? item.name : ""}`.trim()));
const block = (items: readonly HclItem[], type: string) => items.find((item): item is HclBlock => item.kind === "block" && item.type === type) as HclBlock;

describe("splitHcl, on tricky HCL", () => {
  let items: HclItem[];
  beforeAll(() => {
    items = splitHcl(TRICKY);
  });

  test("splits tricky HCL into its five top-level blocks, whatever the heredocs, strings and comments hold", () => {
    expect(headers(items)).toEqual(["terraform", "resource aws_instance web", "data aws_partition p", "locals", "output o"]);
    expect(items.map((item) => item.line)).toEqual([1, 5, 26, 27, 37]);
  });

  test("keeps each block's exact text, its leading comment included, and loses nothing between blocks", () => {
    const resource = block(items, "resource");
    expect(resource.text.startsWith('# a comment with a brace } and a "quote\nresource "aws_instance" "web" {')).toBe(true);
    expect(resource.text).toContain('resource "x" "y" {\n  EOF2\nEOF');
    expect(resource.text.endsWith("        EOT\n    }\n  }\n}")).toBe(true);
    expect(items.map((item) => item.text).join("").replace(/\s+/g, "")).toBe(TRICKY.replace(/\s+/g, ""));
  });

  test("reads a block's body down to nested blocks, a heredoc's content never taken for an attribute", () => {
    const resource = block(items, "resource");
    expect(headers(blockBody(resource))).toEqual(["attribute user_data", "attribute tags", "attribute description", "lifecycle"]);
    const precondition = block(blockBody(block(blockBody(resource), "lifecycle")), "precondition");
    expect(headers(blockBody(precondition))).toEqual(["attribute condition", "attribute error_message"]);
    expect(blockBody(block(items, "data"))).toEqual([]);
  });

  test("reads each local of a locals block as an attribute, with its leading comment", () => {
    const locals = blockBody(block(items, "locals"));
    expect(headers(locals)).toEqual(["attribute a", "attribute b", "attribute e"]);
    expect(locals[2].text).toBe('/* a block comment with } and { */\n  e = jsonencode({ "k" = "v}" })');
    expect(locals[1]).toMatchObject({ expression: '[\n    "}",\n    { c = "d" },\n  ]' });
  });

});

describe("splitHcl", () => {
  test("keeps a trailing comment as a comment item", () => {
    expect(splitHcl('a = 1\n# the end }\n')).toEqual([
      expect.objectContaining({ kind: "attribute", name: "a", text: "a = 1" }),
      { kind: "comment", text: "# the end }", line: 2 },
    ]);
  });

  test.each([
    ['resource "a" "b" {\n  x = 1\n', /line 3: "\{" is not closed/],
    ['resource "a" "b" {\n  x = <<EOF\nno end\n}\n', /the heredoc <<EOF is not closed/],
    ['x = 1\n}\n', /line 2: "}" closes nothing/],
    ['x = [1, 2)\n', /line 1: "\)" does not close "\["/],
    ['x = "abc\n"\n', /line 1: newline inside a quoted string/],
    ["a {} b {}\n", /"}" closes nothing/],
    ['x = 1\nresource "a" "b" {} x\n', /line 2: block resource has text after its closing brace/],
    ["= 1\n", /neither a block nor an attribute/],
    ["x = <<\n", /heredoc opening/],
  ])("refuses %j, naming the line", (text, message) => {
    expect(() => splitHcl(text)).toThrow(HclSyntaxError);
    expect(() => splitHcl(text)).toThrow(/^HCL line \d+: /);
    expect(() => splitHcl(text)).toThrow(message);
  });

  test("literalString reads plain string literals only", () => {
    expect(literalString('"us-east-1"')).toBe("us-east-1");
    expect(literalString('"a \\"b\\""')).toBe('a "b"');
    expect(literalString('"${var.x}"')).toBeUndefined();
    expect(literalString("var.x")).toBeUndefined();
  });
});

describe("splitHcl, on generated HCL (property)", () => {
  const word = fc.stringMatching(/^[a-z][a-z0-9_-]{0,7}$/);
  // Pieces of a quoted string: braces, escapes, literal and real interpolations, directives, a block-like line.
  const stringPart = fc.constantFrom("a", " ", "{", "}", '\\"', "\\\\", "$${x}", "%%{y}", "$${", "%%{", "${var.a}", '${f("}")}', "${{ k = 1 }}", "%{if c}}%{endif}", 'resource \\"x\\" \\"y\\" {');
  const quoted = fc.array(stringPart, { maxLength: 6 }).map((parts) => `"${parts.join("")}"`);
  // Heredoc lines: closers, block headers, near-markers; never the marker itself.
  const heredocLine = fc.constantFrom("}", "{", 'resource "x" "y" {', "EOTX", "  EOT1", "text ${var.a} }", "$${not}", "$${ alone", "", "# not a comment", "/* not one either");
  const heredoc = fc.tuple(fc.boolean(), fc.array(heredocLine, { maxLength: 5 })).map(([indented, lines]) => `<<${indented ? "-" : ""}EOT\n${lines.map((l) => `${l}\n`).join("")}${indented ? "  " : ""}EOT`);
  const value = fc.oneof(quoted, heredoc, fc.integer().map(String), fc.array(quoted, { maxLength: 3 }).map((v) => `[\n    ${v.join(",\n    ")}\n  ]`), quoted.map((v) => `{ k = ${v} }`), quoted.map((v) => `jsonencode({ "a" = [${v}, { "b" = ${v} }] })`));
  const comment = fc.constantFrom("", "# } comment\n  ", "// { comment\n  ", "/* } */\n  ");
  const attribute = fc.tuple(comment, word, value).map(([c, name, v]) => ({ name, text: `${c}${name} = ${v}` }));
  const nested = fc.tuple(word, fc.array(attribute, { maxLength: 3 })).map(([type, attrs]) => ({ name: type, text: `${type} {\n${attrs.map((a) => `    ${a.text}`).join("\n")}\n  }` }));
  const block = fc
    .tuple(fc.constantFrom("resource", "data", "output", "locals"), word, word, fc.array(fc.oneof(attribute, nested), { maxLength: 4 }), fc.constantFrom("", "# leading }\n", "/* { */\n"))
    .map(([type, a, b, body, lead]) => {
      const labels = type === "resource" || type === "data" ? [a, b] : type === "output" ? [a] : [];
      const header = [type, ...labels.map((l) => `"${l}"`)].join(" ");
      return { type, labels, body: body.map((item) => item.name), text: `${lead}${header} {\n${body.map((item) => `  ${item.text}`).join("\n")}\n}` };
    });

  test("recovers every generated block, its labels, its exact text and the names in its body", () => {
    fc.assert(
      fc.property(fc.array(block, { minLength: 1, maxLength: 5 }), fc.constantFrom("\n", "\n\n"), (blocks, gap) => {
        const items = splitHcl(`${blocks.map((b) => b.text).join(gap)}\n`);
        expect(items.map((item) => (item.kind === "block" ? { type: item.type, labels: item.labels, text: item.text } : item))).toEqual(
          blocks.map((b) => ({ type: b.type, labels: b.labels, text: b.text })),
        );
        items.forEach((item, i) => expect(blockBody(item as HclBlock).map((inner) => ("name" in inner ? inner.name : (inner as HclBlock).type))).toEqual(blocks[i].body));
      }),
      { numRuns: 300 },
    );
  });
});

describe("splitHcl, on every synthesized stack's cdk.tf", () => {
  test("finds exactly the resources, data sources and outputs the stack's JSON declares", () => {
    const hcl = synthApp({ hcl: true });
    const json = synthApp();
    for (const stack of Object.keys(json.stackDirs)) {
      const tf = readStackJson(json, stack);
      const items = splitHcl(readFileSync(join(hcl.stackDirs[stack], HCL_FILE), "utf8")).filter((item): item is HclBlock => item.kind === "block");
      const found = (type: string) => items.filter((item) => item.type === type).map((item) => item.labels.join(".")).sort();
      const declared = (kind: Record<string, Record<string, unknown>> | undefined) => Object.entries(kind ?? {}).flatMap(([type, byName]) => Object.keys(byName).map((name) => `${type}.${name}`)).sort();
      expect(found("resource")).toEqual(declared(tf.resource));
      expect(found("data")).toEqual(declared(tf.data));
      expect(found("output")).toEqual(Object.keys(tf.output ?? {}).sort());
      expect(found("resource").length).toBeGreaterThan(10);
    }
  });
});
