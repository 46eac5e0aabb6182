import { resourceRule } from "../../rule";

export const rule = resourceRule({
  id: "MH-RDS-6",
  title: "Deleting a database takes a final snapshot",
  standard: "Well-Architected REL09 (back up data)",
  fix: "Set skip_final_snapshot = false with a final_snapshot_identifier.",
  types: ["aws_db_instance"],
  // A read replica cannot take one ("Can't be specified when deleting a read replica", DeleteDBInstance
  // FinalDBSnapshotIdentifier): its data is its source's, snapshotted there.
  check: (db) => (db.values.replicate_source_db || (db.values.skip_final_snapshot === false && db.values.final_snapshot_identifier) ? undefined : "no final snapshot on delete"),
});
