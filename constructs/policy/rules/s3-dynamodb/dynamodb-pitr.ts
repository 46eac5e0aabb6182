import { resourceRule } from "../../rule";

export const rule = resourceRule({
  id: "MH-DDB-1",
  title: "DynamoDB tables have point-in-time recovery",
  standard: "AWS FSBP DynamoDB.2; HIPAA 164.308(a)(7)(ii)(A)",
  fix: "Set point_in_time_recovery { enabled = true }.",
  types: ["aws_dynamodb_table"],
  check: (t) => (t.values.point_in_time_recovery?.enabled === true ? undefined : "no point-in-time recovery"),
});
