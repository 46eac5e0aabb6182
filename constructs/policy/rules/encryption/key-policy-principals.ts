import { resourceRule } from "../../rule";

/** Condition keys that name the calling principal (or its organisation), so "*" does not mean "anyone in the account". */
const NARROWING_KEYS = ["aws:principalarn", "aws:principalservicename", "aws:userid", "aws:principaltag"];
const SOURCE_KEYS = ["aws:sourceaccount", "aws:sourcearn", "aws:sourceorgid"];
/** Service principals whose KMS requests carry an encryption context or no source keys at all (documented by AWS). */
const SCOPED_OTHERWISE: Record<string, string> = {
  // CloudWatch Logs: scoped by kms:EncryptionContext:aws:logs:arn ("Encrypt log data in CloudWatch Logs using AWS KMS").
  logs: "kms:encryptioncontext:aws:logs:arn",
};

/**
 * Key policies say who may use a key. The account root administers it (so IAM decides for the account's roles); a
 * statement for `*` must name the principal by condition, and a service principal must be scoped to this account's
 * resources (confused deputy), except where AWS documents that the service's KMS calls carry no source keys.
 */
export const rule = resourceRule({
  id: "MH-KMS-3",
  title: "Key policies grant no principal of the account blanket use of a key, and scope service principals to their source",
  standard: "AWS KMS best practices (least privilege, confused deputy); HIPAA 164.312(a)(1) access control",
  fix: "Grant roles through IAM (the root statement delegates to it); for '*' add an aws:PrincipalArn condition; for a service principal add aws:SourceAccount/aws:SourceArn (or the service's encryption-context key).",
  types: ["aws_kms_key"],
  check: (key, stack) => {
    for (const statement of stack.policyStatements(key.values.policy)) {
      if (statement.effect === "Deny") continue;
      const keys = (statement.condition ?? []).map((c: any) => String(c.variable).toLowerCase());
      for (const principal of statement.principals ?? []) {
        for (const identifier of principal.identifiers ?? []) {
          if (principal.type === "AWS" && identifier === "*" && !keys.some((k: string) => NARROWING_KEYS.some((n) => k.startsWith(n)))) {
            return `statement ${statement.sid ?? "(no sid)"} lets any principal use the key`;
          }
          if (principal.type === "Service") {
            const service = String(identifier).split(".")[0];
            if (service === "events") continue; // EventBridge's KMS requests carry no source keys (scoped by the topic policy).
            const allowed = [...SOURCE_KEYS, ...(SCOPED_OTHERWISE[service] ? [SCOPED_OTHERWISE[service]] : [])];
            if (!keys.some((k: string) => allowed.includes(k))) return `statement ${statement.sid ?? "(no sid)"} lets ${identifier} use the key for any source`;
          }
        }
      }
    }
    return undefined;
  },
});
