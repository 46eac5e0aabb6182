import { resourceRule } from "../../rule";

/** Plain HTTP never serves content: it only sends the client to HTTPS. */
export const rule = resourceRule({
  id: "MH-ELB-2",
  title: "HTTP listeners only redirect to HTTPS",
  standard: "AWS FSBP ELB.1",
  fix: 'Make the HTTP listener\'s default action a redirect to protocol HTTPS, status "HTTP_301".',
  types: ["aws_lb_listener"],
  check: (listener) => {
    if (listener.values.protocol !== "HTTP") return undefined;
    const actions: any[] = listener.values.default_action ?? [];
    return actions.every((a) => a.type === "redirect" && a.redirect?.protocol === "HTTPS") ? undefined : "an HTTP listener serves content";
  },
});
