import { TerraformOutput } from "cdktf";
import type { Construct } from "constructs";
import type { EnvironmentConfig, EnvironmentName, StateBackendConfig } from "../config/schema";
import { useStateBackend } from "../terraform-state-backend/backend";
import { MediCareStack } from "./base-stack";
import { PROJECT, projectTags } from "./naming";

/** Stack id of an environment: `medicare-hub-<env>`. */
export function environmentStackId(environment: EnvironmentName): string {
  return `${PROJECT}-${environment}`;
}

export interface MediCareHubStackProps {
  /** Which environment this stack deploys; names, tags and the state key derive from it. */
  readonly environment: EnvironmentName;
  /** The environment's validated settings (`config.environments[environment]`). */
  readonly config: EnvironmentConfig;
  /** The shared state backend the stack stores its state in. */
  readonly stateBackend: StateBackendConfig;
}

/**
 * One MediCare Hub environment. It composes the layers (network, security groups, load balancer, app tier,
 * database, shared storage, DNS, monitoring, backup, failure experiments); each takes typed props and exposes
 * typed outputs for the next, and none reaches into another.
 */
export class MediCareHubStack extends MediCareStack {
  readonly environment: EnvironmentName;

  constructor(scope: Construct, id: string, props: MediCareHubStackProps) {
    super(scope, id);
    this.environment = props.environment;
    this.addAwsProvider(props.config.region, projectTags(props.environment, props.config.costCenter));
    useStateBackend(this, props.stateBackend, props.environment);

    new TerraformOutput(this, "environment", {
      value: props.environment,
      description: "Environment this state belongs to",
      staticId: true,
    });
    new TerraformOutput(this, "region", {
      value: props.config.region,
      description: "Region the environment runs in",
      staticId: true,
    });
  }
}
