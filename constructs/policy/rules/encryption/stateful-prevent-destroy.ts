import { resourceRule } from "../../rule";

/** What holds or unlocks patient data cannot be destroyed by a plan: keys, file systems, backup vaults. */
export const rule = resourceRule({
  id: "MH-KMS-2",
  title: "Keys, file systems and backup vaults refuse terraform destroy (prevent_destroy)",
  standard: "Well-Architected REL09; HIPAA 164.310(d)(2)(iv)",
  fix: "Set preventDestroy to true for the environment.",
  configFields: ["preventDestroy"],
  types: ["aws_kms_key", "aws_efs_file_system", "aws_backup_vault"],
  check: (r) => (r.values.lifecycle?.prevent_destroy === true ? undefined : "terraform destroy would delete it"),
});
