import { stackRule, finding, notApplicable } from "../../rule";

export const rule = stackRule({
  id: "MH-EFS-4",
  title: "File systems are backed up (automatic backups or an AWS Backup selection)",
  standard: "AWS FSBP EFS.2; HIPAA 164.308(a)(7)(ii)(A) data backup",
  fix: "Enable the EFS backup policy and include the file system in the backup selection.",
  check: (stack) => {
    const systems = stack.resources("aws_efs_file_system");
    if (systems.length === 0) return [notApplicable("no file system")];
    return systems.map((fs) => {
      const automatic = stack.attached("aws_efs_backup_policy", "file_system_id", fs).some((p) => p.values.backup_policy?.status === "ENABLED");
      const selected = stack.attached("aws_backup_selection", "resources", fs).length > 0;
      return finding(automatic || selected, fs.address, "not backed up");
    });
  },
});
