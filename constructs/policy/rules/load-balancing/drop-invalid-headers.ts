import { resourceRule } from "../../rule";

/** Malformed headers are dropped before they reach the app (request smuggling, header injection). */
export const rule = resourceRule({
  id: "MH-ELB-4",
  title: "Application load balancers drop invalid header fields and mitigate desync",
  standard: "AWS FSBP ELB.4, ELB.12",
  fix: 'Set drop_invalid_header_fields = true and desync_mitigation_mode "defensive" or "strictest".',
  types: ["aws_lb"],
  check: (lb) => {
    if (lb.values.drop_invalid_header_fields !== true) return "invalid headers are forwarded";
    return ["defensive", "strictest", undefined].includes(lb.values.desync_mitigation_mode) ? undefined : `desync mode ${lb.values.desync_mitigation_mode}`;
  },
});
