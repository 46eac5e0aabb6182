/**
 * docs/authorization.md, generated from the rows: a test keeps the committed file equal to this output, and
 * `UPDATE_AUTHZ_DOC=1 npx jest __tests__/authorization` rewrites it.
 */
import { join } from "node:path";
import { labelOf, type AuthorizationRow, type Value } from "./row";
import { AUTHORIZATION_ROWS } from "./rows";

export const AUTHORIZATION_DOC = join(__dirname, "..", "..", "docs", "authorization.md");
export const UPDATE_DOC_ENV = "UPDATE_AUTHZ_DOC";

/** Markdown text: a `<placeholder>` outside a code span would be read as an HTML tag and vanish. */
const text = (s: string) =>
  s
    .split(/(`[^`]*`)/)
    .map((part) => (part.startsWith("`") ? part : part.replace(/</g, "&lt;").replace(/>/g, "&gt;")))
    .join("");
const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");
const code = (s: string) => `\`${s.replace(/`/g, "")}\``;

function context(row: AuthorizationRow): string {
  const entries = Object.entries(row.context ?? {});
  if (entries.length === 0) return "";
  return entries
    .map(([key, value]) => `${code(key)}=${text(Array.isArray(value) ? value.map((v: Value) => labelOf(v)).join(", ") : labelOf(value as Value))}`)
    .join("<br>");
}

function expected(row: AuthorizationRow): string {
  return row.expected === "Denied" ? "deny" : row.expected === "Allowed" ? "**allow**" : `deny (${row.expected === "ExplicitlyDenied" ? "explicit" : "implicit"})`;
}

export function authorizationMarkdown(rows: readonly AuthorizationRow[] = AUTHORIZATION_ROWS): string {
  const table = rows.map((row) =>
    [
      row.id,
      text(row.request),
      row.stacks.join(", "),
      text(row.principal.label),
      code(row.action),
      text(row.resource.label),
      context(row),
      expected(row),
      row.source.map((s) => `[${text(s.title)}](${s.url})`).join("; "),
    ]
      .map(cell)
      .join(" | "),
  );
  const reasons = new Map<string, string[]>();
  for (const row of rows) if (row.why) reasons.set(row.why, [...(reasons.get(row.why) ?? []), row.id]);
  const notes = [...reasons].map(([why, ids]) => `- **${ids.join(", ")}**: ${text(why)}`);
  return [
    "# Authorization at run time",
    "",
    "<!-- Generated from __tests__/authorization/rows/ by __tests__/authorization/doc.ts; edit the rows, then run",
    `     ${UPDATE_DOC_ENV}=1 npx jest __tests__/authorization -->`,
    "",
    "The requests AWS makes while MediCare Hub runs, and the answer each must get for the system to work and stay",
    "least-privilege. `npx jest __tests__/authorization` renders every policy of the synthesized stacks (key policies,",
    "trust policies, inline and attached role policies, bucket, topic, file-system and CloudWatch Logs resource",
    "policies) into IAM JSON and evaluates each row with [`@cloud-copilot/iam-simulate`](https://github.com/cloud-copilot/iam-simulate),",
    "one test per row and stack (or standby). The AZ-CI rows evaluate the CI roles' policies that `tools/ci-roles.ts` generates",
    "(docs/ci.md). The rows state what AWS needs, not what the code does today: a failing row is a defect.",
    "",
    "`prod-dr` in the stacks column is the standby the prod stack builds in its recovery region (recovery.strategy",
    "\"pilot-light\" or \"warm-standby\"): the resources of its `standby` construct, asked the same questions as the primary's",
    "with the recovery region's principals, keys and service endpoints (`logs.<region>`, `kms:ViaService=ec2.<region>`, the",
    "region's load-balancer log account). Its monitoring (the standby-unhealthy alarm, its tickets topic) is the stack's,",
    "found as the tickets topic of the recovery region. The AZ-DR rows from AZ-DR-5 on are what only a standby does.",
    "",
    "Resources are found by following the synthesized references (launch template → instance profile → role, log group",
    "← flow log, key ← what it encrypts), never by name. Besides the context listed, every request carries",
    "`aws:SecureTransport=true`, a request on a regional resource `aws:RequestedRegion` (its region), and a request of an",
    "IAM principal `aws:PrincipalArn` and `aws:PrincipalAccount`. A key policy allows a request either itself or, when it",
    "allows the account (`arn:aws:iam::<account>:root`), together with an identity policy of the principal; a file system",
    "with no file system policy has EFS's default one, which lets any client reaching a mount target do anything. **allow**",
    "must be allowed; deny must be refused, explicitly or implicitly unless the row says which.",
    "",
    "| id | request | stacks | principal | action | resource | context | expected | source |",
    "|---|---|---|---|---|---|---|---|---|",
    ...table.map((line) => `| ${line} |`),
    "",
    "## Why these answers",
    "",
    ...notes,
    "",
  ].join("\n");
}
