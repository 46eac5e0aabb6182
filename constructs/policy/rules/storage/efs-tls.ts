import { stackRule, finding, notApplicable } from "../../rule";

/** NFS traffic is encrypted: the file-system policy refuses clients without TLS. */
export const rule = stackRule({
  id: "MH-EFS-2",
  title: "File-system policies deny access without TLS",
  standard: "AWS FSBP EFS (encryption in transit); HIPAA 164.312(e)(2)(ii)",
  fix: "Attach a file-system policy denying requests where aws:SecureTransport is false.",
  check: (stack) => {
    const systems = stack.resources("aws_efs_file_system");
    if (systems.length === 0) return [notApplicable("no file system")];
    const policies = stack.resources("aws_efs_file_system_policy");
    return systems.map((fs) => {
      const policy = policies.find((p) => String(p.values.file_system_id).startsWith(`\${${fs.address}.`));
      const denies = policy && stack.policyStatements(policy.values.policy).some((s) => s.effect === "Deny" && (s.condition ?? []).some((c: any) => c.variable === "aws:SecureTransport" && c.values?.includes("false")));
      return finding(Boolean(denies), fs.address, "no policy denying non-TLS access");
    });
  },
});
