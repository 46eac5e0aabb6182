import { resourceRule } from "../../rule";

export const rule = resourceRule({
  id: "MH-EFS-1",
  title: "File systems are encrypted with a customer-managed key",
  standard: "AWS FSBP EFS.1; HIPAA 164.312(a)(2)(iv)",
  fix: "Set encrypted = true and kms_key_id (the environment's storage key).",
  types: ["aws_efs_file_system"],
  check: (fs) => (fs.values.encrypted === true && fs.values.kms_key_id ? undefined : "not encrypted with a customer key"),
});
