import { resourceRule } from "../../rule";

/** Instances in every AZ mount the file system locally, so losing an AZ's mount target affects only that AZ. */
export const rule = resourceRule({
  id: "MH-EFS-3",
  title: "File systems have a mount target in every AZ of the app tier",
  standard: "Well-Architected REL10 (fault isolation)",
  fix: "Create a mount target in each AZ's private-app subnet (constructs/shared-storage.ts).",
  types: ["aws_efs_file_system"],
  check: (fs, stack) => {
    // The app tier of the file system's region: a recovery region's subnets mount its copy, not this one.
    const region = stack.regionOf(fs);
    const appAzs = new Set(
      stack.resources("aws_subnet").filter((s) => s.values.tags?.Tier === "private-app" && stack.regionOf(s) === region).map((s) => s.values.availability_zone),
    );
    const azs = new Set(stack.attached("aws_efs_mount_target", "file_system_id", fs).map((t) => stack.referenced(t.values.subnet_id)?.values.availability_zone));
    const missing = [...appAzs].filter((az) => !azs.has(az));
    return azs.size >= 2 && missing.length === 0 ? undefined : `no mount target in ${missing.join(", ") || "a second AZ"}`;
  },
});
