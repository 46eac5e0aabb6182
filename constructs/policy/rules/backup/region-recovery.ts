import { finding, notApplicable, stackRule, type SynthesizedResource } from "../../rule";
import { block } from "../../stack-view";

/**
 * The environment's data survives the loss of its region: each database's automated backups are replicated to another
 * region and each file system is replicated to another region, each copy encrypted with a customer key that lives in
 * the copy's region (KMS keys are regional: a key elsewhere cannot encrypt it, and would be lost with its region).
 */
export const rule = stackRule({
  id: "MH-DR-1",
  title: "Database backups and file systems are replicated to another region, under customer keys there",
  standard: "Well-Architected REL13-BP02 (recovery strategies to meet recovery objectives); HIPAA 164.308(a)(7)(ii)(B) disaster recovery plan",
  fix: 'Set recovery.strategy to "backup-and-restore" with recovery.region another region (constructs/recovery.ts).',
  configFields: ["recovery.strategy", "recovery.region"],
  // Every environment stack; the state stack (Environment tag "shared") holds no database or file system.
  when: (stack) => stack.environment !== "shared",
  check: (stack) => {
    const databases = stack.resources("aws_db_instance").filter((db) => db.values.replicate_source_db === undefined);
    const fileSystems = stack.resources("aws_efs_file_system");
    if (databases.length === 0 && fileSystems.length === 0) return [notApplicable("no database or file system in this stack")];
    const home = (resource: SynthesizedResource) => stack.regionOf(resource);
    /** Why a copy in `copyRegion` encrypted with `keyReference` does not count, or undefined when it does. */
    const copyProblem = (source: SynthesizedResource, copyRegion: string | undefined, keyReference: unknown): string | undefined => {
      if (copyRegion === undefined) return "its copy's region is not a literal region";
      if (copyRegion === home(source)) return `its copy is in its own region ${copyRegion}`;
      const key = stack.referenced(keyReference);
      if (!key || key.type !== "aws_kms_key") return "its copy is not encrypted with a customer key of this stack";
      if (stack.regionOf(key) !== copyRegion) return `its copy's key ${key.address} is in ${stack.regionOf(key)}, not in the copy's region ${copyRegion}`;
      return undefined;
    };
    const judge = (source: SynthesizedResource, copies: SynthesizedResource[], region: (copy: SynthesizedResource) => string | undefined, key: (copy: SynthesizedResource) => unknown) => {
      if (copies.length === 0) return finding(false, source.address, "nothing of it is kept outside its region: losing the region loses it");
      const problems = copies.map((copy) => copyProblem(source, region(copy), key(copy)));
      const good = problems.some((p) => p === undefined);
      return finding(good, source.address, problems.filter(Boolean).join("; "));
    };
    return [
      ...databases.map((db) =>
        judge(
          db,
          stack.attached("aws_db_instance_automated_backups_replication", "source_db_instance_arn", db),
          (copy) => stack.regionOf(copy),
          (copy) => copy.values.kms_key_id,
        ),
      ),
      ...fileSystems.map((fs) =>
        judge(
          fs,
          stack.attached("aws_efs_replication_configuration", "source_file_system_id", fs),
          (copy) => block(copy.values.destination)?.region,
          (copy) => block(copy.values.destination)?.kms_key_id,
        ),
      ),
    ];
  },
});

