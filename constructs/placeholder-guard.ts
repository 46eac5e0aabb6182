import { Annotations, Fn, Op, TerraformLocal, TerraformResource, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { OVERRIDE_FILE_ENV } from "../config/load";
import type { Placeholder } from "../config/placeholders";
import { DEFAULT_CHILD_ID } from "./base-stack";

/** Construct id, and so the Terraform address `terraform_data.placeholder-guard`. */
export const PLACEHOLDER_GUARD_ID = "placeholder-guard";

/** The first line of the guard's error, which Terraform prints under "Resource precondition failed". */
export const GUARD_HEADLINE = "placeholder values in the configuration would reach AWS";

export interface PlaceholderGuardProps {
  /** Every placeholder the stack depends on (config/placeholders.ts); the error lists each with its override key. */
  readonly placeholders: readonly Placeholder[];
}

/**
 * Refuses every plan of its stack while placeholders are left: a `terraform_data` resource whose precondition,
 * `length(local.placeholder-guard_placeholders) < 1`, is false, with an error that names each placeholder and the
 * override key to set. Terraform checks preconditions while planning, so `cdktf diff` / `deploy`, `terraform plan` /
 * `apply` of the JSON or the exported HCL, and the CI workflows all stop before anything is created.
 *
 * Why this shape:
 * - `terraform_data` is built into Terraform (terraform.io/builtin/terraform): nothing to install, nothing in the lock
 *   file, and it does not depend on the AWS provider, so its error is printed even when the provider itself fails to
 *   configure (as it does with a placeholder account and real credentials).
 * - A precondition on an existing resource would tie the guard to a layer that has nothing to do with placeholders,
 *   and to whichever resource happened to be chosen; this is one stable address of its own.
 * - Whether a placeholder is left is decided at synth, where the configuration is known: with a complete
 *   configuration the guard is not emitted at all, so the stack plans exactly its infrastructure. The condition reads
 *   the list of override keys from a local because Terraform rejects a condition that refers to nothing ("Invalid
 *   precondition expression", already at init, without the message).
 */
export class PlaceholderGuard extends Construct {
  readonly placeholders: readonly Placeholder[];
  /** `terraform_data.placeholder-guard`. */
  readonly resource: GuardResource;

  constructor(scope: Construct, id: string, props: PlaceholderGuardProps) {
    super(scope, id);
    if (props.placeholders.length === 0) throw new Error(`PlaceholderGuard ${this.node.path}: no placeholders to refuse; emit no guard instead`);
    this.placeholders = props.placeholders;
    const keys = new TerraformLocal(this, "placeholders", props.placeholders.map((p) => p.overrideKey));
    this.resource = new GuardResource(this, DEFAULT_CHILD_ID, {
      // `< 1`, not `== 0`: cdktf 0.21 renders an operand 0 as "undefined".
      condition: Op.lt(Fn.lengthOf(keys.asList), 1),
      errorMessage: escapeTemplate(guardMessage(TerraformStack.of(this).node.id, props.placeholders)),
    });
  }
}

/**
 * The resource that carries the precondition: `terraform_data`, declared as cdktf's own `DataResource` declares it but
 * without the check that class adds at every synth, which runs `terraform version` from PATH through a shell. That
 * check made a JSON synth fail on a machine without Terraform (JSON needs none) and reach HashiCorp's checkpoint
 * service when CHECKPOINT_DISABLE is unset; the version it checks (>= 1.4, where terraform_data appeared) is already
 * enforced by Terraform itself through the stack's `required_version` (base-stack.ts).
 */
class GuardResource extends TerraformResource {
  private readonly precondition: { readonly condition: unknown; readonly errorMessage: string };

  constructor(scope: Construct, id: string, precondition: { readonly condition: unknown; readonly errorMessage: string }) {
    super(scope, id, {
      terraformResourceType: "terraform_data",
      terraformGeneratorMetadata: { providerName: "terraform" },
      lifecycle: { precondition: [precondition] },
    });
    this.precondition = precondition;
  }

  /**
   * cdktf 0.21 renders a precondition in HCL as an attribute list with the message unescaped (invalid HCL): hand its
   * renderer the lifecycle as typed blocks, which it writes as `lifecycle { precondition { ... } }` with the
   * multi-line message as a heredoc (`terraform fmt` then unwraps the condition's interpolation).
   */
  override toHclTerraform(): { resource: Record<string, Record<string, Record<string, unknown>>> } {
    const rendered = super.toHclTerraform() as { resource: Record<string, Record<string, Record<string, unknown>>> };
    const attributes = rendered.resource[this.terraformResourceType][this.friendlyUniqueId];
    const precondition = {
      condition: { value: this.precondition.condition, type: "simple", storageClassType: "boolean" },
      error_message: { value: this.precondition.errorMessage, type: "simple", storageClassType: "string" },
    };
    attributes.lifecycle = { isBlock: true, value: { precondition: { isBlock: true, type: "list", value: [precondition] } } };
    return rendered;
  }
}

/**
 * Warns once for each placeholder in `warnAbout` (the settings the stack owns) and, while `placeholders` (everything
 * the stack depends on) is not empty, adds the guard. Returns the guard, or undefined when nothing is left to refuse.
 */
export function refusePlaceholders(
  stack: TerraformStack,
  placeholders: readonly Placeholder[],
  warnAbout: readonly Placeholder[] = placeholders,
): PlaceholderGuard | undefined {
  for (const p of warnAbout) {
    Annotations.of(stack).addWarning(
      `placeholder ${p.path}: ${JSON.stringify(p.value)} is ${p.reason}. Set "${p.overrideKey}" in the override file ` +
        `named by ${OVERRIDE_FILE_ENV} to ${p.replaceWith}; until then every plan of this stack is refused (docs/first-deploy.md).`,
    );
  }
  return placeholders.length > 0 ? new PlaceholderGuard(stack, PLACEHOLDER_GUARD_ID, { placeholders }) : undefined;
}

/** The guard's error: what is refused, then one line per placeholder with its override key. */
export function guardMessage(stackId: string, placeholders: readonly Placeholder[]): string {
  return [
    `MediCare Hub ${stackId}: ${placeholders.length} ${GUARD_HEADLINE}, so this plan is refused and nothing is created.`,
    `Set each key below in the JSON override file named by ${OVERRIDE_FILE_ENV}, synthesize again, then plan (docs/first-deploy.md).`,
    ...placeholders.map((p) => `- ${p.overrideKey}: ${JSON.stringify(p.value)} is ${p.reason}. Set it to ${p.replaceWith}.`),
  ].join("\n");
}

/** Terraform reads `${` and `%{` in any string as template syntax; the message is text. */
function escapeTemplate(text: string): string {
  return text.replace(/([$%])\{/g, (_, sigil: string) => `${sigil}${sigil}{`);
}
