import { resourceRule } from "../../rule";

export const rule = resourceRule({
  id: "MH-KMS-1",
  title: "KMS keys rotate yearly",
  standard: "AWS FSBP KMS.4; HIPAA 164.312(a)(2)(iv)",
  fix: "Set enable_key_rotation = true.",
  types: ["aws_kms_key"],
  check: (key) => (key.values.enable_key_rotation === true ? undefined : "rotation is off"),
});
