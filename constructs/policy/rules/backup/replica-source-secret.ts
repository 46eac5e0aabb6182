import { finding, notApplicable, stackRule } from "../../rule";

/**
 * A cross-region read replica can only be created when AWS supports it for its source. AWS lists "creating a read
 * replica when the source DB or DB cluster manages credentials with Secrets Manager" among the features the RDS and
 * Secrets Manager integration does not support, for every engine but RDS for SQL Server ("Limitations for Secrets
 * Manager integration with Amazon RDS", https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-secrets-manager.html).
 * A plan cannot see it; the first apply of the replica would fail. MediCare Hub's primary always lets RDS manage its
 * master password (MH-RDS-3), so a replica of it is refused until the team changes one of the two.
 */
export const rule = stackRule({
  id: "MH-DR-2",
  title: "A database read replica's source does not manage its master password in Secrets Manager (AWS does not support it)",
  standard: "Well-Architected REL13-BP02 (recovery strategies to meet recovery objectives); Amazon RDS User Guide, Limitations for Secrets Manager integration with Amazon RDS",
  fix: 'Use recovery.strategy "backup-and-restore" (the replicated automated backups), or manage the master password without the RDS integration first (docs/reliability.md, "Region lost").',
  configFields: ["recovery.strategy"],
  check: (stack) => {
    const replicas = stack.resources("aws_db_instance").filter((db) => db.values.replicate_source_db !== undefined);
    if (replicas.length === 0) return [notApplicable("no read replica in this stack")];
    return replicas.map((replica) => {
      const source = stack.referenced(replica.values.replicate_source_db);
      const managed = source?.type === "aws_db_instance" && source.values.manage_master_user_password === true;
      return finding(!managed, replica.address, `its source ${source?.address ?? "?"} manages its master password in Secrets Manager, and AWS does not support creating a read replica of such a source`);
    });
  },
});
