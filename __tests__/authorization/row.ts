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

/**
 * Where a row is evaluated: a stack (its primary site), or `prod-dr`, the standby site the prod stack builds in its
 * recovery region (recovery.strategy "pilot-light" or "warm-standby"). A regional thing of a site (a volume key, a log
 * group, a bucket, an access point, a role's region-scoped grant) is asked again of each site.
 */
export type ScopeKind = StackKind | "prod-dr";
export const SCOPE_KINDS: readonly ScopeKind[] = ["dev", "prod", "prod-dr", "state", "audit"];

/**
 * A site: the primary region's copy of an environment, or its standby in the recovery region. A resource belongs to
 * the standby when the construct that made it is under `<stack>/standby` (RegionStandby, constructs/standby.ts),
 * read from its metadata path. Not by provider alias: the recovery region's provider also creates what protects the
 * primary's data (RegionRecovery's keys and backup replication, the backup copy vault: there with no standby too) and
 * the stack's monitoring of the standby (its alarm and tickets topic); and the primary itself spans two aliases (its
 * region's and us-east-1's).
 */
export type Site = "primary" | "standby";

/** Construct id of the standby (constructs/medicare-hub-stack.ts): its resources' addresses start with `standby_`. */
export const STANDBY_CONSTRUCT = "standby";

/** `Denied` accepts either kind of denial; use the exact outcome when which one matters. */
export type Expected = Outcome | "Denied";

/** One site of one stack of the synthesized world. */
export class Scope {
  /** Where the site's resources are: the stack's default provider's account and region, or the standby's. */
  private readonly location: { readonly account: string; readonly region: string };

  constructor(
    readonly world: World,
    readonly stackId: string,
    readonly site: Site = "primary",
  ) {
    this.location = site === "primary" ? { account: world.account(stackId), region: world.region(stackId) } : standbyLocation(world, stackId);
  }

  get account(): string {
    return this.location.account;
  }

  /** The site's region: the stack's for the primary, the one every standby resource is created in for the standby. */
  get region(): string {
    return this.location.region;
  }

  /** Whether the site built `resource`. */
  holds(resource: Located): boolean {
    return resource.stackId === this.stackId && isStandby(resource) === (this.site === "standby");
  }

  /** Every resource of `type` the site built. */
  resources(type: string): Located[] {
    return this.world.resources(this.stackId, type).filter((r) => this.holds(r));
  }

  /** Another stack of the same App (`state` from `prod`, say), its primary site. */
  stack(kind: StackKind): Scope {
    return new Scope(this.world, stackIdOf(this.world, kind));
  }

  /** The primary site of this stack (whose database a standby restores, say). */
  get primary(): Scope {
    return this.site === "primary" ? this : new Scope(this.world, this.stackId);
  }
}

/** The one account and region the stack's standby resources are created in. */
function standbyLocation(world: World, stackId: string): { account: string; region: string } {
  const standby = Object.keys(world.stacks[stackId]?.resource ?? {}).flatMap((type) => world.resources(stackId, type).filter(isStandby));
  if (standby.length === 0) {
    throw new Error(`${stackId} builds no standby (no resource under ${stackId}/${STANDBY_CONSTRUCT}/): its recovery.strategy is neither "pilot-light" nor "warm-standby"`);
  }
  const places = [...new Set(standby.map((r) => `${r.account} ${r.region}`))];
  if (places.length !== 1) throw new Error(`${stackId}: the standby's resources are in ${places.join(", ")}, not in one account and region`);
  const [account, region] = places[0].split(" ");
  return { account, region };
}

function isStandby(resource: Located): boolean {
  const path = resource.values["//"]?.metadata?.path;
  return typeof path === "string" && path.startsWith(`${resource.stackId}/${STANDBY_CONSTRUCT}/`);
}

export function stackIdOf(world: World, kind: StackKind): string {
  const found = world.stackIds().filter((id) => id.endsWith(`-${kind}`));
  if (found.length !== 1) throw new Error(`expected one stack for "${kind}", found ${found.length} in ${world.stackIds().join(", ")}`);
  return found[0];
}

/** The scope a row names: `prod-dr` is the prod stack's standby. */
export function scopeOf(world: World, kind: ScopeKind): Scope {
  return kind === "prod-dr" ? new Scope(world, stackIdOf(world, "prod"), "standby") : new Scope(world, stackIdOf(world, kind));
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
  /** Where it is evaluated, each a test of its own (`prod-dr`: the prod stack's standby, in its recovery region). */
  readonly stacks: readonly ScopeKind[];
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
 * The request a row makes in one scope. Every authenticated IAM principal's request carries aws:PrincipalArn and
 * aws:PrincipalAccount, AWS's own service calls travel over TLS (aws:SecureTransport=true), and a request of a
 * regional service is sent to the region of its resource (aws:RequestedRegion: the ARN's region, an S3 bucket's, or
 * for a request on no resource the scope's site); a row overrides them by naming the key.
 */
export function concreteRequest(row: AuthorizationRow, scope: Scope): ConcreteRequest {
  const principal = row.principal.resolve(scope);
  const resource = row.resource.resolve(scope);
  const isIam = /^arn:aws:iam::\d{12}:/.test(principal.arn);
  const region = requestedRegion(resource, scope);
  const context: Record<string, string | string[]> = {
    "aws:SecureTransport": "true",
    ...(isIam ? { "aws:PrincipalArn": principal.arn, "aws:PrincipalAccount": principal.arn.split(":")[4] } : {}),
    ...(region ? { "aws:RequestedRegion": region } : {}),
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

/** The region a request on `resource` is sent to; none for a global service (IAM roles, CloudFront). */
function requestedRegion(resource: string, scope: Scope): string | undefined {
  if (resource === "*") return scope.region;
  const region = resource.split(":")[3];
  if (region) return region;
  return resource.startsWith("arn:aws:s3:::") ? scope.world.bucketRegion(resource) : undefined;
}

function endpointPolicy(endpoint: Located, scope: Scope): NamedPolicy {
  return { name: `${endpoint.address} policy`, policy: scope.world.policy(endpoint.stackId, endpoint.values.policy, `${endpoint.address}.policy`) };
}

export function satisfies(outcome: Outcome, expected: Expected): boolean {
  return expected === "Denied" ? outcome !== "Allowed" : outcome === expected;
}
