import { resourceRule } from "../../rule";

export const rule = resourceRule({
  id: "MH-RDS-1",
  title: "Databases are Multi-AZ (a synchronous standby in another AZ)",
  standard: "AWS FSBP RDS.5; Well-Architected REL10; HIPAA 164.308(a)(7)(ii)(B)",
  fix: "Set database.multiAz to true.",
  configFields: ["database.multiAz"],
  types: ["aws_db_instance"],
  check: (db) => (db.values.multi_az === true ? undefined : "single-AZ: the AZ or the instance failing takes the database down"),
});
