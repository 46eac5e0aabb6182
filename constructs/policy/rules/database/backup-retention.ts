import { resourceRule } from "../../rule";

export const rule = resourceRule({
  id: "MH-RDS-4",
  title: "Automated backups are kept at least 7 days (14 in production)",
  standard: "AWS FSBP RDS.11; HIPAA 164.308(a)(7)(ii)(A) data backup",
  fix: "Raise database.backupRetentionDays.",
  configFields: ["database.backupRetentionDays"],
  types: ["aws_db_instance"],
  check: (db, stack) => {
    // A PostgreSQL read replica has no automated backups of its own; its source's are the history, and promotion sets
    // the retention (npm run failover passes database.backupRetentionDays to PromoteReadReplica).
    if (db.values.replicate_source_db) return undefined;
    const minimum = stack.isProduction ? 14 : 7;
    return (db.values.backup_retention_period ?? 0) >= minimum ? undefined : `backups kept ${db.values.backup_retention_period ?? 0} days, less than ${minimum}`;
  },
});
