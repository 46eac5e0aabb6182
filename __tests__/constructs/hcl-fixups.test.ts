import { addRequiredVersion, escapeBackslashesForHcl, unquoteProviderReferences, unquoteReferenceLists } from "../../constructs/hcl-fixups";

describe("addRequiredVersion", () => {
  test("writes the constraint as the first attribute of the terraform block", () => {
    expect(addRequiredVersion('terraform {\nrequired_providers {\n}\n}\n', ">= 1.10.0")).toBe(
      'terraform {\nrequired_version = ">= 1.10.0"\nrequired_providers {\n}\n}\n',
    );
  });

  test("refuses output that does not start with a terraform block rather than guessing", () => {
    expect(() => addRequiredVersion('provider "aws" {\n}\n', ">= 1.10.0")).toThrow(/does not start with a terraform block/);
  });
});

describe("unquoteReferenceLists", () => {
  test("turns quoted depends_on entries into bare references", () => {
    const hcl = [
      'resource "aws_s3_bucket_policy" "p" {',
      "  depends_on = [",
      '    "aws_s3_bucket_public_access_block.bucket_public-access-block",',
      '    "data.aws_iam_policy_document.doc"',
      "  ]",
      "}",
    ].join("\n");
    expect(unquoteReferenceLists(hcl)).toBe(
      [
        'resource "aws_s3_bucket_policy" "p" {',
        "  depends_on = [",
        "    aws_s3_bucket_public_access_block.bucket_public-access-block,",
        "    data.aws_iam_policy_document.doc",
        "  ]",
        "}",
      ].join("\n"),
    );
  });

  test("turns quoted ignore_changes and replace_triggered_by entries into bare attribute paths and references", () => {
    const hcl = ["  ignore_changes = [", '    "desired_capacity",', '    "tags[0]"', "  ]", "  replace_triggered_by = [", '    "aws_launch_template.app.latest_version"', "  ]"].join("\n");
    expect(unquoteReferenceLists(hcl)).toBe(
      ["  ignore_changes = [", "    desired_capacity,", "    tags[0]", "  ]", "  replace_triggered_by = [", "    aws_launch_template.app.latest_version", "  ]"].join("\n"),
    );
  });

  test("leaves quoted strings in every other list alone", () => {
    const hcl = ['  values = [', '    "aws_s3_bucket.looks_like_a_reference",', "  ]"].join("\n");
    expect(unquoteReferenceLists(hcl)).toBe(hcl);
  });
});

describe("unquoteProviderReferences", () => {
  test("turns a quoted provider meta-argument into a bare reference, leaving provider blocks and strings alone", () => {
    const hcl = ['provider "aws" {', '  alias = "backup-copy"', "}", 'resource "aws_kms_key" "k" {', '  provider = "aws.backup-copy"', '  description = "provider = \\"aws.x\\""', "}"].join("\n");
    expect(unquoteProviderReferences(hcl)).toBe(hcl.replace('provider = "aws.backup-copy"', "provider = aws.backup-copy"));
  });
});

describe("escapeBackslashesForHcl", () => {
  test("escapes backslashes (then quotes) in literal strings, at any depth; leaves expressions and other values alone", () => {
    expect(escapeBackslashesForHcl({ regex: String.raw`"([^"]*)" (\s+)`, nested: [{ path: String.raw`a\b` }], count: 3, plain: 'say "hi"' })).toEqual({
      regex: String.raw`\"([^\"]*)\" (\\s+)`,
      nested: [{ path: String.raw`a\\b` }],
      count: 3,
      plain: 'say "hi"',
    });
    // An interpolation is Terraform's to render: left as it is.
    const expression = "$" + "{aws_s3_bucket.b.id}\\x";
    expect(escapeBackslashesForHcl(expression)).toBe(expression);
  });
});
