/**
 * One engine for every row: a concrete request, the identity policies of its principal and the resource policy of its
 * resource, evaluated by @cloud-copilot/iam-simulate. Nothing here decides Allow or Deny itself.
 *
 * KMS semantics are the library's KMS authorizer: for a request on a `key/...` ARN, an identity policy counts only
 * when the key policy has an Allow for the principal's account (`arn:aws:iam::<account>:root`); otherwise the key
 * policy must allow the principal itself. That is why requests always name the key's ARN, never `*`.
 */
import { anonymousPrincipal, runSimulation, runUnsafeSimulation, type Simulation } from "@cloud-copilot/iam-simulate";
import type { NamedPolicy, PolicyDocument } from "./world";

export type Outcome = "Allowed" | "ImplicitlyDenied" | "ExplicitlyDenied";

export interface ConcreteRequest {
  /** An IAM principal ARN or a service principal (`logs.us-east-2.amazonaws.com`). */
  readonly principal: string;
  readonly action: string;
  readonly resource: string;
  readonly resourceAccount: string;
  readonly context: Readonly<Record<string, string | string[]>>;
  readonly identityPolicies: readonly NamedPolicy[];
  readonly resourcePolicy: PolicyDocument | undefined;
  /** Policies of the VPC endpoints the request travels through (none for a request from outside the VPC). */
  readonly endpointPolicies?: readonly NamedPolicy[];
}

export interface Evaluation {
  readonly outcome: Outcome;
  /** Sids (or positions) of the statements that decided, for failure messages. */
  readonly decidedBy: string[];
}

/**
 * Context keys with a `:`-separated variable part (`kms:EncryptionContext:aws:logs:arn`) are dropped by
 * runSimulation's key filter in 0.1.173, which only matches `/`-separated variables (`aws:ResourceTag/Name`); so are
 * the `sub` and `aud` claims of an OIDC provider (`token.actions.githubusercontent.com:sub`), which the Service
 * Authorization Reference does not list per provider although every web-identity trust policy tests them. Such a
 * request is validated by runSimulation and then evaluated with every key through runUnsafeSimulation.
 */
const UNFILTERABLE_KEYS = /^(kms:EncryptionContext:|token\.actions\.githubusercontent\.com:(sub|aud)$)/i;

export async function evaluate(request: ConcreteRequest): Promise<Evaluation> {
  const simulation: Simulation = {
    request: {
      // An unsigned request: no identity, so no identity policies ("anonymous" is row.ts's ANONYMOUS).
      principal: request.principal === "anonymous" ? anonymousPrincipal : request.principal,
      action: request.action,
      resource: { resource: request.resource, accountId: request.resourceAccount },
      contextVariables: { ...request.context },
    },
    identityPolicies: request.principal === "anonymous" ? [] : request.identityPolicies.map((p) => ({ name: p.name, policy: p.policy })),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    ...(request.resourcePolicy ? { resourcePolicy: request.resourcePolicy } : {}),
    ...(request.endpointPolicies?.length ? { vpcEndpointPolicies: request.endpointPolicies.map((p) => ({ name: p.name, policy: p.policy })) } : {}),
  };
  const result = await runSimulation(simulation, {});
  if (result.resultType === "error") throw new Error(`the simulator refused the request: ${JSON.stringify(result.errors, null, 1)}`);
  if (result.resultType !== "single") throw new Error(`resource ${request.resource} is a pattern; rows must name one concrete resource`);
  const ignored = result.result.ignoredContextKeys ?? [];
  const inapplicable = ignored.filter((key) => !UNFILTERABLE_KEYS.test(key));
  if (inapplicable.length) {
    throw new Error(`context key(s) ${inapplicable.join(", ")} do not apply to ${request.action} on ${request.resource}: AWS never sends them with this request`);
  }
  if (ignored.length === 0) return { outcome: result.overallResult, decidedBy: decisive(result.result.analysis) };
  const outcome = runUnsafeSimulation(
    {
      ...simulation,
      ...(request.resourcePolicy ? { resourcePolicy: { __validated: true, policyDocument: request.resourcePolicy, metadata: { name: "resource policy" }, errors: [] } } : {}),
    },
    {},
  );
  return { outcome, decidedBy: [`(evaluated with ${ignored.join(", ")}; see engine.ts)`] };
}

function decisive(analysis: any): string[] {
  const name = (kind: string) => (s: any) => `${kind} ${s.policyId ?? ""} ${s.statement?.sid?.() ?? `#${s.statement?.index?.() ?? "?"}`}`.replace(/\s+/g, " ").trim();
  return [
    ...(analysis?.identityAnalysis?.denyStatements ?? []).map(name("identity deny")),
    ...(analysis?.resourceAnalysis?.denyStatements ?? []).map(name("resource deny")),
    ...(analysis?.identityAnalysis?.allowStatements ?? []).map(name("identity allow")),
    ...(analysis?.resourceAnalysis?.allowStatements ?? []).map(name("resource allow")),
  ];
}
