import { resourceRule } from "../../rule";

export const rule = resourceRule({
  id: "MH-RDS-9",
  title: "Databases refuse terraform destroy (prevent_destroy)",
  standard: "Well-Architected REL09; HIPAA 164.310(d)(2)(iv) data backup and storage",
  fix: "Set preventDestroy to true for the environment.",
  configFields: ["preventDestroy"],
  types: ["aws_db_instance"],
  check: (db) => (db.values.lifecycle?.prevent_destroy === true ? undefined : "terraform destroy would delete it"),
});
