import { resourceRule } from "../../rule";

/**
 * Recovery points survive a compromised or careless administrator: AWS Backup Vault Lock, in compliance mode in
 * production (immutable after its grace period, even for root: "AWS Backup Vault Lock", AWS Backup Developer Guide).
 */
export const rule = resourceRule({
  id: "MH-BKP-2",
  title: "Backup vaults are locked (Vault Lock), in compliance mode in production",
  standard: "AWS FSBP Backup (immutable backups); HIPAA 164.308(a)(7)(ii)(A) data backup, 164.312(c)(1) integrity",
  fix: 'Set backup.vaultLock to "compliance" (production) or "governance".',
  configFields: ["backup.vaultLock"],
  types: ["aws_backup_vault"],
  check: (vault, stack) => {
    const [lock] = stack.attached("aws_backup_vault_lock_configuration", "backup_vault_name", vault);
    if (!lock) return "no Vault Lock: recovery points can be deleted";
    if (stack.isProduction && lock.values.changeable_for_days === undefined) return "governance mode: privileged users can remove the lock in production";
    return undefined;
  },
});
