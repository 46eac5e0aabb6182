import { stackRule, finding, notApplicable } from "../../rule";

const REQUIRED = ["ssm", "ssmmessages", "ec2messages", "logs"];

/** Instances stay manageable and keep logging when NAT is down. */
export const rule = stackRule({
  id: "MH-NET-10",
  title: "Interface endpoints for SSM, SSM messages, EC2 messages and CloudWatch Logs exist",
  standard: "AWS FSBP EC2.10; Well-Architected REL10",
  fix: "Set network.interfaceEndpoints to true.",
  configFields: ["network.interfaceEndpoints"],
  check: (stack) => {
    if (stack.resources("aws_vpc").length === 0) return [notApplicable("no VPC")];
    const present = stack.resources("aws_vpc_endpoint").filter((e) => e.values.vpc_endpoint_type === "Interface").map((e) => String(e.values.service_name).split(".").pop());
    return REQUIRED.map((service) => finding(present.includes(service), `(endpoint ${service})`, `no interface endpoint for ${service}`));
  },
});
