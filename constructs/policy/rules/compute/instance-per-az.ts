import { resourceRule } from "../../rule";

/** At least one instance in every AZ the group spans, so losing an AZ leaves capacity in the others. */
export const rule = resourceRule({
  id: "MH-CMP-5",
  title: "Auto Scaling Groups span at least two subnets and keep at least one instance per subnet",
  standard: "Well-Architected REL10 (fault isolation)",
  fix:
    'Give the group a subnet in every AZ and app.minCapacity of at least the number of AZs. A pilot light\'s group in the recovery region (recovery.strategy "pilot-light") is at zero by design: accept it with a suppression naming its address, or choose "warm-standby".',
  configFields: ["app.minCapacity", "availabilityZones", "recovery.strategy"],
  types: ["aws_autoscaling_group"],
  check: (asg) => {
    const subnets = (asg.values.vpc_zone_identifier ?? []).length;
    if (subnets < 2) return `spans ${subnets} subnet(s)`;
    return asg.values.min_size >= subnets ? undefined : `min_size ${asg.values.min_size} is below its ${subnets} subnets`;
  },
});
