import { resourceRule } from "../../rule";

/** All traffic is recorded, for incident forensics and HIPAA audit controls. */
export const rule = resourceRule({
  id: "MH-NET-6",
  title: "Every VPC has flow logs of ALL traffic",
  standard: "AWS FSBP EC2.6; HIPAA 164.312(b) audit controls",
  fix: "Add an aws_flow_log with traffic_type ALL for the VPC (constructs/network.ts).",
  types: ["aws_vpc"],
  check: (vpc, stack) => (stack.attached("aws_flow_log", "vpc_id", vpc).some((l) => l.values.traffic_type === "ALL") ? undefined : "no flow log of ALL traffic"),
});
