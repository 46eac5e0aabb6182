/**
 * One stack, several regions: a provider per region, and the constructs of a region built through it.
 */
import type { Construct } from "constructs";
import { TerraformDataSource, TerraformResource, type TerraformProvider } from "cdktf";

/**
 * Builds everything under `scope` through `provider`: every resource and data source that names no provider of its own
 * gets this one. The same constructs that build the primary region build another region, not a copy of them; a
 * resource that already names a provider (a us-east-1 one, say) keeps it.
 */
export function buildInRegion(scope: Construct, provider: TerraformProvider): void {
  for (const node of scope.node.findAll()) {
    if ((node instanceof TerraformResource || node instanceof TerraformDataSource) && node.provider === undefined) node.provider = provider;
  }
}
