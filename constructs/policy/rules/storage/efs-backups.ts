import { resourceRule } from "../../rule";

/**
 * EFS automatic backups go to `aws/efs/automatic-backup-vault`, under an AWS-managed key, with default retention and
 * no vault protection: PHI copied there escapes the environment's key and retention. File systems are backed up by the
 * environment's own plan into its own vault instead.
 */
export const rule = resourceRule({
  id: "MH-EFS-4",
  title: "File systems are backed up by an AWS Backup selection into the environment's vault, not by EFS automatic backups",
  standard: "AWS FSBP EFS.2; HIPAA 164.308(a)(7)(ii)(A) data backup",
  fix: "Include the file system in the backup selection and set its aws_efs_backup_policy status to DISABLED.",
  types: ["aws_efs_file_system"],
  check: (fs, stack) => {
    const automatic = stack.attached("aws_efs_backup_policy", "file_system_id", fs).some((p) => p.values.backup_policy?.status === "ENABLED");
    const selected = stack.attached("aws_backup_selection", "resources", fs).length > 0;
    if (!selected) return "not in any AWS Backup selection";
    return automatic ? "EFS automatic backups copy it into the AWS-keyed automatic backup vault" : undefined;
  },
});
