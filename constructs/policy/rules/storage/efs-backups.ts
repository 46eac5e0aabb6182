import { resourceRule } from "../../rule";

export const rule = resourceRule({
  id: "MH-EFS-4",
  title: "File systems are backed up (automatic backups or an AWS Backup selection)",
  standard: "AWS FSBP EFS.2; HIPAA 164.308(a)(7)(ii)(A) data backup",
  fix: "Enable the EFS backup policy and include the file system in the backup selection.",
  types: ["aws_efs_file_system"],
  check: (fs, stack) => {
    const automatic = stack.attached("aws_efs_backup_policy", "file_system_id", fs).some((p) => p.values.backup_policy?.status === "ENABLED");
    const selected = stack.attached("aws_backup_selection", "resources", fs).length > 0;
    return automatic || selected ? undefined : "not backed up";
  },
});
