import { attachedRule } from "../../rule";

/** NFS traffic is encrypted: the file-system policy refuses clients without TLS. */
export const rule = attachedRule({
  id: "MH-EFS-2",
  title: "File-system policies deny access without TLS",
  standard: "AWS FSBP EFS (encryption in transit); HIPAA 164.312(e)(2)(ii)",
  fix: "Attach a file-system policy denying requests where aws:SecureTransport is false.",
  type: "aws_efs_file_system",
  attachedType: "aws_efs_file_system_policy",
  attribute: "file_system_id",
  problem: "no policy denying non-TLS access",
  check: (policy, stack) =>
    Boolean(policy) &&
    stack.policyStatements(policy?.values.policy).some((s) => s.effect === "Deny" && (s.condition ?? []).some((c: any) => c.variable === "aws:SecureTransport" && c.values?.includes("false"))),
});
