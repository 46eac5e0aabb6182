import { stackRule, finding, notApplicable } from "../../rule";

/** All traffic is recorded, for incident forensics and HIPAA audit controls. */
export const rule = stackRule({
  id: "MH-NET-6",
  title: "Every VPC has flow logs of ALL traffic",
  standard: "AWS FSBP EC2.6; HIPAA 164.312(b) audit controls",
  fix: "Add an aws_flow_log with traffic_type ALL for the VPC (constructs/network.ts).",
  check: (stack) => {
    const vpcs = stack.resources("aws_vpc");
    if (vpcs.length === 0) return [notApplicable("no VPC")];
    return vpcs.map((vpc) => finding(stack.attached("aws_flow_log", "vpc_id", vpc).some((l) => l.values.traffic_type === "ALL"), vpc.address, "no flow log of ALL traffic"));
  },
});
