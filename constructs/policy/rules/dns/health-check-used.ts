import { StackView, stackRule, finding, notApplicable, type SynthesizedResource } from "../../rule";
import { block } from "../../stack-view";

/** A health check decides routing (failover) or at least pages someone; primary failover records carry one. */
export const rule = stackRule({
  id: "MH-DNS-1",
  title: "Route 53 health checks are used by failover routing or an alarm, and primary failover records have one",
  standard: "Well-Architected REL10, REL11 (fail over to healthy resources)",
  fix: "Attach the health check to the PRIMARY record (dns.maintenancePage) and alarm on it.",
  configFields: ["dns.maintenancePage"],
  check: (stack) => {
    const checks = stack.resources("aws_route53_health_check");
    const primaries = stack.resources("aws_route53_record").filter((r) => r.values.failover_routing_policy?.type === "PRIMARY");
    if (checks.length === 0 && primaries.length === 0) return [notApplicable("no health-checked routing")];
    const alarms = stack.resources("aws_cloudwatch_metric_alarm");
    const used = (check: SynthesizedResource) =>
      stack.attached("aws_route53_record", "health_check_id", check).length > 0 ||
      alarms.some((a) => StackView.refersTo(a.values.dimensions?.HealthCheckId, check));
    return [
      ...checks.map((check) => finding(used(check), check.address, "the health check is used by no record and no alarm")),
      // A PRIMARY aliasing another record of the zone (the regions' failover pair under the domain) is judged by that
      // pair's health checks, with evaluate_target_health on: Route 53's "complex configurations".
      ...primaries.map((record) => finding(Boolean(record.values.health_check_id) || nestedHealthChecked(stack, record), record.address, "a PRIMARY failover record has no health check")),
    ];
  },
});

/**
 * The record aliases a record of its own zone with target health evaluated, and every record answering for that name
 * (the failover pair) has a health check.
 */
function nestedHealthChecked(stack: StackView, record: SynthesizedResource): boolean {
  const alias = block(record.values.alias);
  if (!alias || alias.evaluate_target_health !== true) return false;
  const records = stack.resources("aws_route53_record");
  const target = records.find((r) => r !== record && StackView.refersTo(alias.name, r));
  if (!target) return false;
  const pair = records.filter((r) => r.values.name === target.values.name && r.values.type === target.values.type);
  return pair.every((r) => Boolean(r.values.health_check_id));
}
