import { resourceRule } from "../../rule";

/** The production entry point cannot be deleted by one mistaken API call. */
export const rule = resourceRule({
  id: "MH-ELB-6",
  title: "Load balancers have deletion protection",
  standard: "AWS FSBP ELB.6; Well-Architected REL09",
  fix: "Set loadBalancer.deletionProtection to true.",
  configFields: ["loadBalancer.deletionProtection"],
  types: ["aws_lb"],
  check: (lb) => (lb.values.enable_deletion_protection === true ? undefined : "deletion protection is off"),
});
