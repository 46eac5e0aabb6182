import { resourceRule } from "../../rule";

export const rule = resourceRule({
  id: "MH-DDB-2",
  title: "DynamoDB tables are encrypted with a customer-managed key and deletion-protected",
  standard: "AWS FSBP DynamoDB.6; HIPAA 164.312(a)(2)(iv)",
  fix: "Set server_side_encryption { enabled = true, kms_key_arn } and deletion_protection_enabled.",
  types: ["aws_dynamodb_table"],
  check: (t) => {
    if (!(t.values.server_side_encryption?.enabled === true && t.values.server_side_encryption?.kms_key_arn)) return "not encrypted with a customer key";
    return t.values.deletion_protection_enabled === true ? undefined : "deletion protection is off";
  },
});
