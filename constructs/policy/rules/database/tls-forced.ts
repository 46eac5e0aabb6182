import { resourceRule } from "../../rule";

/** Clients cannot connect without TLS. */
export const rule = resourceRule({
  id: "MH-RDS-10",
  title: "Database parameter groups force TLS (rds.force_ssl = 1)",
  standard: "AWS FSBP RDS (encryption in transit); HIPAA 164.312(e)(2)(ii)",
  fix: "Use a parameter group with rds.force_ssl = 1 (constructs/database.ts).",
  types: ["aws_db_instance"],
  check: (db, stack) => {
    const group = stack.referenced(db.values.parameter_group_name);
    if (!group) return "no managed parameter group: the default allows plain-text connections";
    const forced = (group.values.parameter ?? []).some((p: any) => p.name === "rds.force_ssl" && String(p.value) === "1");
    return forced ? undefined : "rds.force_ssl is not 1";
  },
});
