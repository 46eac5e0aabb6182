import { resourceRule } from "../../rule";

/** Every request is on record. */
export const rule = resourceRule({
  id: "MH-ELB-5",
  title: "Load balancers write access logs",
  standard: "AWS FSBP ELB.5; HIPAA 164.312(b) audit controls",
  fix: "Enable access_logs to the environment's log bucket.",
  types: ["aws_lb"],
  check: (lb) => (lb.values.access_logs?.enabled === true && lb.values.access_logs?.bucket ? undefined : "access logs are off"),
});
