import { addRequiredVersion, unquoteDependsOn } from "../../constructs/hcl-fixups";

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

describe("unquoteDependsOn", () => {
  test("turns quoted depends_on entries into bare references", () => {
    const hcl = [
      'resource "aws_s3_bucket_policy" "p" {',
      "  depends_on = [",
      '    "aws_s3_bucket_public_access_block.bucket_public-access-block",',
      '    "data.aws_iam_policy_document.doc"',
      "  ]",
      "}",
    ].join("\n");
    expect(unquoteDependsOn(hcl)).toBe(
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

  test("leaves quoted strings in every other list alone", () => {
    const hcl = ['  values = [', '    "aws_s3_bucket.looks_like_a_reference",', "  ]"].join("\n");
    expect(unquoteDependsOn(hcl)).toBe(hcl);
  });
});
