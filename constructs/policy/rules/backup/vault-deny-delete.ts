import { resourceRule } from "../../rule";

/** Only the lifecycle may delete recovery points: a vault access policy denies deletion to every other principal. */
export const rule = resourceRule({
  id: "MH-BKP-3",
  title: "Backup vault policies deny deleting recovery points to everyone but the backup role's lifecycle",
  standard: "AWS Backup vault access policies; HIPAA 164.308(a)(7)(ii)(A) data backup",
  fix: "Attach an aws_backup_vault_policy denying backup:DeleteRecoveryPoint and backup:UpdateRecoveryPointLifecycle to all principals but the backup role.",
  types: ["aws_backup_vault"],
  check: (vault, stack) => {
    const [policy] = stack.attached("aws_backup_vault_policy", "backup_vault_name", vault);
    if (!policy) return "no vault access policy";
    const denies = stack.policyStatements(policy.values.policy).filter((s) => s.effect === "Deny");
    const denied = new Set(denies.flatMap((s) => s.actions ?? []));
    return ["backup:DeleteRecoveryPoint", "backup:UpdateRecoveryPointLifecycle"].every((a) => denied.has(a)) ? undefined : "recovery points can be deleted or shortened";
  },
});
