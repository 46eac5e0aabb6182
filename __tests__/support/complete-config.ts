/**
 * A complete configuration: the committed defaults with every placeholder replaced through an override, the way an
 * organisation deploys. The values are fake but of no placeholder class (config/placeholders.ts), so the stacks
 * synthesize without a placeholder guard and plan.
 */
import { DEFAULT_CONFIG } from "../../config/environments";
import { deepMerge, validateConfig } from "../../config/load";
import type { ProjectConfig } from "../../config/schema";

/** The override file's contents: one value for each placeholder of the committed defaults. */
export const COMPLETE_OVERRIDE = {
  stateBackend: { accountId: "210987654322", bucketName: "acme-health-medicare-hub-tfstate" },
  environments: {
    dev: {
      accountId: "210987654320",
      dns: { domainName: "dev.medicare-hub.acme-health.org", hostedZoneId: "Z1ACMEHEALTH0000000" },
      alerts: { email: "oncall-dev@acme-health.org" },
    },
    prod: {
      accountId: "210987654321",
      dns: { domainName: "medicare-hub.acme-health.org", hostedZoneId: "Z1ACMEHEALTH0000000" },
      alerts: { email: "oncall@acme-health.org", heartbeatUrl: "https://hc-ping.acme-health.org/medicare-hub-prod" },
      // Not placeholders: the WAF switches a hospital sets, so the plans (JSON and HCL) cover the rules built with
      // Terraform's jsonencode around the exemption set's ARN.
      loadBalancer: { wafRateLimitExemptCidrs: ["203.0.113.0/24"], wafLargeRequestBodies: "count" },
    },
  },
} as const;

/** The committed defaults with {@link COMPLETE_OVERRIDE} merged over them, validated like any configuration. */
export function completeConfig(): ProjectConfig {
  return validateConfig(deepMerge(DEFAULT_CONFIG, COMPLETE_OVERRIDE), COMPLETE_OVERRIDE);
}
