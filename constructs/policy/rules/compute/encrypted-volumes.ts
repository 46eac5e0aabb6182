import { resourceRule } from "../../rule";

/** Every volume at rest is encrypted under a customer key. */
export const rule = resourceRule({
  id: "MH-CMP-2",
  title: "Launch template volumes are encrypted with a customer-managed key",
  standard: "AWS FSBP EC2.3; HIPAA 164.312(a)(2)(iv) encryption",
  fix: 'Set encrypted = "true" and kms_key_id on every block device mapping.',
  types: ["aws_launch_template"],
  check: (lt) => {
    const devices: any[] = lt.values.block_device_mappings ?? [];
    if (devices.length === 0) return "no block device mapping: the AMI's unencrypted default applies";
    return devices.every((d) => String(d.ebs?.encrypted) === "true" && d.ebs?.kms_key_id) ? undefined : "a volume is not encrypted with a customer key";
  },
});
