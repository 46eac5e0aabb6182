import { TerraformElement, TerraformStack } from "cdktf";
import type { Construct, Node } from "constructs";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { addRequiredVersion, escapeBackslashesForHcl, unquoteProviderReferences, unquoteReferenceLists } from "./hcl-fixups";
import type { ProjectTags } from "./naming";

/** use_lockfile (S3-native state locking) needs Terraform 1.10. */
export const TERRAFORM_REQUIRED_VERSION = ">= 1.10.0";

/** Construct ids become Terraform addresses: short, stable, kebab-case. */
const CONSTRUCT_ID = /^[a-z][a-z0-9-]*$/;

/** Marks an element whose HCL attributes are already backslash-escaped (toHclTerraform may run more than once). */
const ESCAPED = Symbol("medicare-hub.hcl-backslashes-escaped");

/** Children with this id take their parent's name, like a construct's main resource. */
export const DEFAULT_CHILD_ID = "default";

/**
 * Base of every MediCare Hub stack.
 *
 * Terraform addresses are the construct path below the stack joined with `_` (`aws_s3_bucket_versioning.
 * state-bucket_versioning`) instead of cdktf's hashed ids (`state-bucket_versioning_1A2B3C4D`): reviewers read them in
 * plans and ops teams in the exported HCL. Because ids are kebab-case, `_` never occurs inside one and two paths can
 * never collide. Renaming a construct id is a destroy-and-create: treat ids as an API.
 */
export abstract class MediCareStack extends TerraformStack {
  protected constructor(scope: Construct, id: string) {
    super(scope, id);
    // cdktf writes the short form "aws"; spell the registry address out for readers of the plain Terraform.
    this.addOverride("terraform.required_providers.aws.source", "hashicorp/aws");
  }

  /** JSON output: the stack plus `terraform.required_version`. */
  override toTerraform(): Record<string, unknown> {
    const tf = super.toTerraform() as Record<string, unknown>;
    tf.terraform = { required_version: TERRAFORM_REQUIRED_VERSION, ...(tf.terraform as object) };
    return tf;
  }

  /** HCL output, with the repairs cdktf 0.21's renderer needs (see hcl-fixups.ts). */
  override toHclTerraform(): { hcl: string; metadata: unknown } {
    // Backslashes are repaired per element, before rendering: the rendered text no longer tells them apart.
    for (const element of this.node.findAll()) {
      const hclElement = element as unknown as { synthesizeHclAttributes?: () => Record<string, unknown>; [ESCAPED]?: true };
      if (typeof hclElement.synthesizeHclAttributes !== "function" || hclElement[ESCAPED]) continue;
      const attributes = hclElement.synthesizeHclAttributes.bind(hclElement);
      hclElement.synthesizeHclAttributes = () => escapeBackslashesForHcl(attributes()) as Record<string, unknown>;
      hclElement[ESCAPED] = true;
    }
    const rendered = super.toHclTerraform() as { hcl: string; metadata: unknown };
    const hcl = unquoteProviderReferences(unquoteReferenceLists(addRequiredVersion(rendered.hcl, TERRAFORM_REQUIRED_VERSION)));
    return { hcl, metadata: rendered.metadata };
  }

  protected override allocateLogicalId(element: TerraformElement | Node): string {
    const node = TerraformElement.isTerraformElement(element) ? element.node : element;
    const components = node.scopes.slice(node.scopes.indexOf(this) + 1).map((scope) => scope.node.id);
    for (const id of components) {
      if (!CONSTRUCT_ID.test(id)) {
        throw new Error(`construct id "${id}" at ${node.path} must be kebab-case ([a-z][a-z0-9-]*): it becomes a Terraform address`);
      }
    }
    const visible = components.filter((id, i) => !(id === DEFAULT_CHILD_ID && i === components.length - 1));
    if (visible.length === 0) throw new Error(`construct id "${DEFAULT_CHILD_ID}" at ${node.path} needs a parent construct`);
    return visible.join("_");
  }

  /**
   * The AWS provider every resource of the stack uses, tagging everything it creates. With `accountId` it refuses
   * credentials of any other account, so a prod configuration can never be applied to the wrong account.
   */
  protected addAwsProvider(region: string, tags: ProjectTags, accountId?: string, alias?: string): AwsProvider {
    return new AwsProvider(this, alias ? `aws-${alias}` : "aws", {
      region,
      alias,
      allowedAccountIds: accountId ? [accountId] : undefined,
      defaultTags: [{ tags: { ...tags } }],
    });
  }
}
