/**
 * The reader of a synthesized stack (its Terraform JSON): resources by type, references followed, policy documents
 * resolved. The guardrail rules judge through it and the tools (cost, inventory, diagram, recovery report, CI vetting)
 * read with it; it loads nothing of cdktf or the constructs, so a tool that only reads `cdktf.out` stays light.
 */

/** The layer of an element declared by the stack itself, outside any layer (the export's main.tf holds it). */
export const STACK_LAYER = "main";

/**
 * The layer a construct path names: the construct right below the stack (`medicare-hub-prod/network/nat-...` ->
 * `network`), STACK_LAYER for an element of the stack itself, undefined for a path that is not below a stack. Cost
 * lines, the export's files and their READMEs are grouped by it.
 */
export function layerOfConstructPath(path: string): string | undefined {
  const parts = path.split("/");
  if (parts.length < 2) return undefined;
  return parts.length > 2 ? parts[1] : STACK_LAYER;
}

/**
 * A nested block as synthesized: cdktf writes a single block as an object, Terraform JSON also accepts a list of
 * one. The block, or undefined when absent.
 */
export function block<T = Record<string, any>>(value: unknown): T | undefined {
  return (Array.isArray(value) ? value[0] : value) ?? undefined;
}

/** A resource as synthesized. */
export interface SynthesizedResource {
  readonly type: string;
  readonly name: string;
  readonly address: string;
  readonly values: Record<string, any>;
}

/** Read access to one synthesized stack, with the relations rules need. */
export class StackView {
  constructor(
    readonly stackId: string,
    readonly tf: { resource?: Record<string, Record<string, any>>; data?: Record<string, Record<string, any>>; provider?: Record<string, any[]> },
  ) {}

  resources(...types: string[]): SynthesizedResource[] {
    return types.flatMap((type) =>
      Object.entries(this.tf.resource?.[type] ?? {}).map(([name, values]) => ({ type, name, address: `${type}.${name}`, values })),
    );
  }

  /** The resource a `${type.name.attr}` reference points at. */
  referenced(reference: unknown): SynthesizedResource | undefined {
    const match = typeof reference === "string" ? /^\$\{([a-z0-9_]+)\.([\w-]+)\.[\w.[\]]+\}$/.exec(reference) : null;
    if (!match) return undefined;
    const values = this.tf.resource?.[match[1]]?.[match[2]];
    return values ? { type: match[1], name: match[2], address: `${match[1]}.${match[2]}`, values } : undefined;
  }

  /** The statements of the `aws_iam_policy_document` a `${data...json}` reference points at. */
  policyStatements(reference: unknown): any[] {
    const match = typeof reference === "string" ? /^\$\{data\.aws_iam_policy_document\.([\w-]+)\.json\}$/.exec(reference) : null;
    return match ? (this.tf.data?.aws_iam_policy_document?.[match[1]]?.statement ?? []) : [];
  }

  /**
   * The region a resource is created in: its provider's (`"provider": "aws.<alias>"`), or the default provider's.
   * Undefined when the provider names no literal region.
   */
  regionOf(resource: SynthesizedResource): string | undefined {
    const alias = typeof resource.values.provider === "string" ? /^aws\.(.+)$/.exec(resource.values.provider)?.[1] : undefined;
    const provider = (this.tf.provider?.aws ?? []).find((p) => (alias ? p.alias === alias : !p.alias));
    return typeof provider?.region === "string" ? provider.region : undefined;
  }

  /** The stack's own region: its default provider's. */
  get region(): string | undefined {
    const main = (this.tf.provider?.aws ?? []).find((p) => !p.alias);
    return typeof main?.region === "string" ? main.region : undefined;
  }

  /** The Environment tag of the stack's default provider: `prod`, `dev`, `shared`. */
  get environment(): string {
    const main = (this.tf.provider?.aws ?? []).find((p) => !p.alias) ?? {};
    return main.default_tags?.[0]?.tags?.Environment ?? "unknown";
  }

  get isProduction(): boolean {
    return this.environment === "prod";
  }

  /** Resources of `type` whose `attribute` (an id/arn interpolation, or a list of them) references `resource`. */
  attached(type: string, attribute: string, resource: SynthesizedResource): SynthesizedResource[] {
    return this.resources(type).filter((candidate) => {
      const value = candidate.values[attribute];
      return (Array.isArray(value) ? value : [value]).some((v) => StackView.refersTo(v, resource));
    });
  }

  /** Whether `reference` (an id/arn interpolation) points at `resource`. */
  static refersTo(reference: unknown, resource: SynthesizedResource): boolean {
    return typeof reference === "string" && reference.startsWith(`\${${resource.address}.`);
  }
}

/** A target group's health check as synthesized (`aws_lb_target_group.health_check`). */
export interface SynthesizedTargetHealthCheck {
  readonly interval?: number;
  readonly unhealthy_threshold?: number;
  readonly healthy_threshold?: number;
}

/**
 * The provider's defaults for an unset target-group health check field: interval 30 s, healthy and unhealthy
 * thresholds 3 (aws_lb_target_group, hashicorp/aws: `health_check`).
 */
export const TARGET_HEALTH_CHECK_DEFAULTS = { interval: 30, unhealthyThreshold: 3, healthyThreshold: 3 } as const;

/**
 * Seconds from a target's first failed check to its removal from rotation, at worst: interval × unhealthy threshold.
 * The one formula the guardrail (MH-ELB-8) and the recovery report both use.
 */
export function targetDetectionSeconds(check: SynthesizedTargetHealthCheck | undefined): number {
  return (check?.interval ?? TARGET_HEALTH_CHECK_DEFAULTS.interval) * (check?.unhealthy_threshold ?? TARGET_HEALTH_CHECK_DEFAULTS.unhealthyThreshold);
}
