/**
 * The authorization-row model: one request AWS makes at run time, who makes it, on what, with which context keys,
 * and what the answer must be for the system to work and stay least-privilege. Values that depend on the stack are
 * symbols: a label for docs/authorization.md and a resolver that follows the synthesized resources, so the table
 * and the test cannot say different things.
 */
import type { ConcreteRequest, Outcome } from "./engine";
import { managedPolicies, type Located, type NamedPolicy, type PolicyDocument, type World } from "./world";

export type StackKind = "dev" | "prod" | "state" | "audit";
export const STACK_KINDS: readonly StackKind[] = ["dev", "prod", "state", "audit"];

/** `Denied` accepts either kind of denial; use the exact outcome when which one matters. */
export type Expected = Outcome | "Denied";

/** One stack of the synthesized world. */
export class Scope {
  constructor(
    readonly world: World,
    readonly stackId: string,
  ) {}

  get account(): string {
    return this.world.account(this.stackId);
  }

  get region(): string {
    return this.world.region(this.stackId);
  }

  /** Another stack of the same App (`state` from `prod`, say). */
  stack(kind: StackKind): Scope {
    return new Scope(this.world, stackIdOf(this.world, kind));
  }
}

export function stackIdOf(world: World, kind: StackKind): string {
  const found = world.stackIds().filter((id) => id.endsWith(`-${kind}`));
  if (found.length !== 1) throw new Error(`expected one stack for "${kind}", found ${found.length} in ${world.stackIds().join(", ")}`);
  return found[0];
}

export interface Sym {
  readonly label: string;
  resolve(scope: Scope): string;
}

export type Value = string | Sym;

export interface Principal {
  readonly label: string;
  resolve(scope: Scope): { arn: string; identityPolicies: NamedPolicy[] };
}

export interface Source {
  /** The page title, as AWS publishes it. */
  readonly title: string;
  readonly url: string;
}

export interface AuthorizationRow {
  /** Stable id, cited in failures and the table: `AZ-<AREA>-<n>`. */
  readonly id: string;
  /** What happens, in one sentence. */
  readonly request: string;
  readonly stacks: readonly StackKind[];
  readonly principal: Principal;
  readonly action: string;
  readonly resource: Sym;
  /** Context keys AWS sends with the request, beyond those every request of the principal carries. */
  readonly context?: Readonly<Record<string, Value | readonly Value[]>>;
  readonly expected: Expected;
  /** The AWS documentation that says AWS makes this request this way (and that this is the needed answer). */
  readonly source: readonly Source[];
  /** Why the expected answer is the right one, when the source alone does not say it. */
  readonly why?: string;
  /** The resource policy of a resource no stack creates (the CI roles' trust policies); otherwise the stacks' own. */
  readonly resourcePolicy?: (scope: Scope) => PolicyDocument;
  /** The account owning a resource no stack creates (another account's bucket). @default - found from the stacks */
  readonly resourceAccount?: Sym;
  /** The VPC endpoint the request travels through: its policy is evaluated too. @default - none */
  readonly throughEndpoint?: (scope: Scope) => Located;
}

// ------------------------------------------------------------------------------------------------------------------
// Symbols

export const sym = (label: string, resolve: (scope: Scope) => string): Sym => ({ label, resolve });

export const ACCOUNT = sym("<account>", (s) => s.account);
/** An account that is not ours: the documentation's example account. */
export const OTHER_ACCOUNT = sym("<another account>", () => "111122223333");
export const REGION = sym("<region>", (s) => s.region);

/** `<service>.<region>.amazonaws.com`, the kms:ViaService value of a call an AWS service makes for a principal. */
export const via = (service: string): Sym => sym(`${service}.<region>.amazonaws.com`, (s) => `${service}.${s.region}.amazonaws.com`);

/** The ARN of a resource found by following the synthesized resources. */
export const arnOf = (label: string, select: (scope: Scope) => Located, attribute = "arn"): Sym =>
  sym(label, (s) => s.world.attribute(select(s), attribute));

export function resolveValue(value: Value, scope: Scope): string {
  return typeof value === "string" ? value : value.resolve(scope);
}

export function labelOf(value: Value): string {
  return typeof value === "string" ? value : value.label;
}

// ------------------------------------------------------------------------------------------------------------------
// Principals

/** A role of the stack, with every identity policy the stack attaches to it. */
export const role = (label: string, select: (scope: Scope) => Located): Principal => ({
  label,
  resolve(s) {
    const arn = s.world.attribute(select(s), "arn");
    const identityPolicies = s.world.identityPolicies(arn);
    if (!identityPolicies) throw new Error(`${arn} is not a role of any stack`);
    return { arn, identityPolicies };
  },
});

/** An AWS service principal; `<region>` in the name is the stack's region. */
export const service = (name: string): Principal => ({
  label: name,
  resolve: (s) => ({ arn: name.replace("<region>", s.region), identityPolicies: [] }),
});

/** Marks an unsigned request (the engine evaluates it as the simulator's anonymous principal). */
export const ANONYMOUS = "anonymous";
/** Whoever sends an unsigned request, such as dnf reading a public package repository. */
export const anonymous = (label: string): Principal => ({ label, resolve: () => ({ arn: ANONYMOUS, identityPolicies: [] }) });

/** A role no stack creates, with only the named AWS managed policies (none: no identity policy at all). */
export const accountRole = (label: string, path: string, managed: readonly string[] = []): Principal => ({
  label,
  resolve(s) {
    const vendored = managedPolicies();
    const identityPolicies = managed.map((arn) => {
      const policy = vendored.get(arn);
      if (!policy) throw new Error(`${arn} is not vendored in __tests__/authorization/managed-policies/`);
      return policy;
    });
    return { arn: `arn:aws:iam::${s.account}:role/${path}`, identityPolicies };
  },
});

/** A principal of an account AWS owns, whose own permissions are AWS's business: modelled as allowing `action`. */
export const awsOwnedAccount = (label: string, select: (scope: Scope) => string, action: string): Principal => ({
  label,
  resolve: (s) => ({
    arn: select(s),
    identityPolicies: [{ name: "AWS-owned account (its own permissions assumed)", policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: action, Resource: "*" }] } }],
  }),
});

// ------------------------------------------------------------------------------------------------------------------
// Concrete requests

/**
 * The request a row makes in one stack. Every authenticated IAM principal's request carries aws:PrincipalArn and
 * aws:PrincipalAccount, and AWS's own service calls travel over TLS (aws:SecureTransport=true); a row overrides them
 * by naming the key.
 */
export function concreteRequest(row: AuthorizationRow, scope: Scope): ConcreteRequest {
  const principal = row.principal.resolve(scope);
  const resource = row.resource.resolve(scope);
  const isIam = /^arn:aws:iam::\d{12}:/.test(principal.arn);
  const context: Record<string, string | string[]> = {
    "aws:SecureTransport": "true",
    ...(isIam ? { "aws:PrincipalArn": principal.arn, "aws:PrincipalAccount": principal.arn.split(":")[4] } : {}),
  };
  for (const [key, value] of Object.entries(row.context ?? {})) {
    context[key] = Array.isArray(value) ? value.map((v: Value) => resolveValue(v, scope)) : resolveValue(value as Value, scope);
  }
  return {
    principal: principal.arn,
    action: row.action,
    resource,
    resourceAccount: row.resourceAccount ? row.resourceAccount.resolve(scope) : resource === "*" ? scope.account : scope.world.resourceAccount(resource),
    context,
    identityPolicies: principal.identityPolicies,
    resourcePolicy: row.resourcePolicy ? row.resourcePolicy(scope) : resource === "*" || row.resourceAccount ? undefined : scope.world.resourcePolicy(resource),
    endpointPolicies: row.throughEndpoint ? [endpointPolicy(row.throughEndpoint(scope), scope)] : [],
  };
}

function endpointPolicy(endpoint: Located, scope: Scope): NamedPolicy {
  return { name: `${endpoint.address} policy`, policy: scope.world.policy(endpoint.stackId, endpoint.values.policy, `${endpoint.address}.policy`) };
}

export function satisfies(outcome: Outcome, expected: Expected): boolean {
  return expected === "Denied" ? outcome !== "Allowed" : outcome === expected;
}
