/**
 * Where a layer is deployed, passed to every layer as one typed value instead of four loose fields: each layer's props
 * extend it (or pick from it), and MediCareHubStack builds it once.
 */

/** The environment, account, region and partition a stack deploys into. */
export interface DeploymentContext {
  /** `dev`, `prod`: resource names, tags and the state key derive from it. */
  readonly environment: string;
  /** The 12-digit AWS account the stack deploys into (its provider refuses any other). */
  readonly accountId: string;
  /** The stack's region (its default provider's). */
  readonly region: string;
  /** The account's partition (`data.aws_partition`): `aws` in commercial regions. */
  readonly partition: string;
}
