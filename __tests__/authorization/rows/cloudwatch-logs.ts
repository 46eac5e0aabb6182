/**
 * CloudWatch Logs encrypting and decrypting log events with the key of each encrypted log group. Logs calls KMS as
 * its regional service principal and names the log group in the encryption context.
 */
import { OTHER_ACCOUNT, arnOf, sym, type AuthorizationRow } from "../row";
import { appLogGroup, canaryLogGroup, databaseLogGroup, fisLogGroup, flowLogGroup, wafLogGroup, sessionLogGroup } from "../selectors";
import type { Scope } from "../row";
import type { Located } from "../world";
import { LOGS } from "./principals";
import { SOURCES } from "./sources";

/** A Logs request on the key of `group`, naming the group in the encryption context. */
function logsUse(id: string, what: string, foundBy: string, stacks: AuthorizationRow["stacks"], action: string, select: (s: Scope) => Located): AuthorizationRow {
  return {
    id,
    request: `CloudWatch Logs ${action === "kms:Decrypt" ? "decrypts events of" : "encrypts events for"} the ${what} (${foundBy})`,
    stacks,
    principal: LOGS,
    action,
    resource: arnOf(`key of the ${what} (its kms_key_id)`, (s) => s.world.follow(s.stackId, select(s).values.kms_key_id, "aws_kms_key")),
    context: { "kms:EncryptionContext:aws:logs:arn": arnOf(`${what} ARN`, select) },
    expected: "Allowed",
    source: [SOURCES.logsKms],
    why: "Without it the log group rejects every event (and AssociateKmsKey fails at deploy).",
  };
}

export const LOGS_ROWS: readonly AuthorizationRow[] = [
  logsUse("AZ-LOG-1", "app log group", "the one the instance role writes to", ["dev", "prod", "prod-dr"], "kms:GenerateDataKey", appLogGroup),
  logsUse("AZ-LOG-2", "app log group", "the one the instance role writes to", ["dev", "prod", "prod-dr"], "kms:Decrypt", appLogGroup),
  logsUse("AZ-LOG-3", "flow-log group", "the flow log's destination", ["dev", "prod", "prod-dr"], "kms:GenerateDataKey", flowLogGroup),
  logsUse("AZ-LOG-4", "postgresql log group", "/aws/rds/instance/<identifier>/postgresql", ["dev", "prod", "prod-dr"], "kms:GenerateDataKey", (s) => databaseLogGroup(s, "postgresql")),
  logsUse("AZ-LOG-5", "upgrade log group", "/aws/rds/instance/<identifier>/upgrade", ["dev", "prod", "prod-dr"], "kms:GenerateDataKey", (s) => databaseLogGroup(s, "upgrade")),
  logsUse("AZ-LOG-6", "WAF log group", "the web ACL's logging destination", ["prod", "prod-dr"], "kms:GenerateDataKey", wafLogGroup),
  logsUse("AZ-LOG-7", "FIS log group", "the experiment templates' log_group_arn", ["prod"], "kms:GenerateDataKey", fisLogGroup),
  logsUse("AZ-LOG-9", "Session Manager log group", "the session document's cloudWatchLogGroupName", ["dev", "prod", "prod-dr"], "kms:GenerateDataKey", sessionLogGroup),
  logsUse("AZ-LOG-10", "journey canary's Lambda log group", "/aws/lambda/<the canary's function>", ["dev", "prod"], "kms:GenerateDataKey", (s) => canaryLogGroup(s, "journey")),
  logsUse("AZ-LOG-11", "maintenance canary's Lambda log group", "/aws/lambda/<the canary's function>", ["prod"], "kms:GenerateDataKey", (s) => canaryLogGroup(s, "maintenance")),
  {
    id: "AZ-LOG-8",
    request: "CloudWatch Logs uses the app log group's key for a log group of the same name in another account",
    stacks: ["dev", "prod", "prod-dr"],
    principal: LOGS,
    action: "kms:GenerateDataKey",
    resource: arnOf("key of the app log group", (s) => s.world.follow(s.stackId, appLogGroup(s).values.kms_key_id, "aws_kms_key")),
    context: {
      "kms:EncryptionContext:aws:logs:arn": sym("arn:aws:logs:<region>:<another account>:log-group:<app log group name>", (s) =>
        `arn:aws:logs:${s.region}:${OTHER_ACCOUNT.resolve(s)}:log-group:${appLogGroup(s).values.name}`,
      ),
    },
    expected: "Denied",
    source: [SOURCES.logsKms],
    why: "The documented condition names this account's log groups: the Logs service principal must not encrypt anyone else's logs with PHI keys.",
  },
];
