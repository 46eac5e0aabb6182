/**
 * Naming and tagging rules shared by every stack, so a resource's name and tags say which project, environment and
 * role it belongs to (`medicare-hub-<env>-<role>[-<az>]`).
 */

import type { EnvironmentName } from "../config/schema";

/** Prefix of every resource name and the Project tag. */
export const PROJECT = "medicare-hub";

/** `medicare-hub-<env>-<role>[-<az>]`, e.g. `medicare-hub-prod-app-us-east-2a`. */
export function resourceName(environment: string, role: string, availabilityZone?: string): string {
  return [PROJECT, environment, role, availabilityZone].filter(Boolean).join("-");
}

/**
 * An S3 bucket name, `medicare-hub-<env>-<role>-<account>-<region>`: bucket names are global, so the account and
 * region make them ours and unique per environment. S3 allows at most 63 characters ("Bucket naming rules").
 */
export function bucketName(environment: string, role: string, accountId: string, region: string): string {
  const name = `${resourceName(environment, role)}-${accountId}-${region}`;
  if (name.length > 63) throw new Error(`bucket name ${name} is ${name.length} characters; S3 allows at most 63`);
  return name;
}

/** Tags every resource carries through the provider's `default_tags`. */
export interface ProjectTags {
  readonly Project: string;
  readonly Environment: string;
  readonly ManagedBy: string;
  readonly CostCenter: string;
}

/** The provider's `default_tags` for an environment (or `shared`, the state backend) and its cost centre. */
export function projectTags(environment: string, costCenter: string): ProjectTags {
  return { Project: PROJECT, Environment: environment, ManagedBy: "cdktf", CostCenter: costCenter };
}

/** Added to data stores (state, database, file system, backups): they may hold protected health information. */
export const PHI_TAGS = { DataClassification: "PHI" } as const;

/** CloudWatch log group names: `/medicare-hub/<env>/<name>`; the log key's policy is scoped to this prefix. */
export function logGroupName(environment: string, name: string): string {
  return `${logGroupPrefix(environment)}${name}`;
}

/** `/medicare-hub/<env>/`: the storage key's policy lets CloudWatch Logs encrypt the log groups under it. */
export function logGroupPrefix(environment: string): string {
  return `/${PROJECT}/${environment}/`;
}

/** AWS WAF only logs to CloudWatch log groups whose name starts with `aws-waf-logs-`. */
export function wafLogGroupName(environment: string): string {
  return `aws-waf-logs-${PROJECT}-${environment}`;
}

/** The RDS instance identifier of an environment. */
export function databaseIdentifier(environment: string): string {
  return resourceName(environment, "db");
}

/** The database's parameter group (TLS forced, logging), one per PostgreSQL major version: `<identifier>-postgres<major>`. */
export function databaseParameterGroupName(environment: string, engineVersion: string): string {
  return `${databaseIdentifier(environment)}-postgres${engineVersion}`;
}

/** A customer key's alias name (without `alias/`), `medicare-hub-<env>-<role>`: `database`, `storage`. */
export function keyAliasName(environment: string, role: string): string {
  return resourceName(environment, role);
}

/** Logs the database exports to CloudWatch (constructs/database.ts); a restore in the recovery region exports them too. */
export const DATABASE_LOG_EXPORTS = ["postgresql", "upgrade"] as const;

/** RDS writes exported logs to `/aws/rds/instance/<identifier>/<log>`; we create those groups first, encrypted. */
export function rdsLogGroupName(environment: string, log: string): string {
  return `/aws/rds/instance/${databaseIdentifier(environment)}/${log}`;
}

/**
 * What an environment's resources in its recovery region are named after, `<env>-dr` (`medicare-hub-prod-dr-...`): IAM
 * names are global and S3 bucket names more so, so the same constructs built in the recovery region must not reuse the
 * primary region's names. Short on purpose: ALB and target group names allow 32 characters.
 */
export function recoverySiteName(environment: string): string {
  return `${environment}-dr`;
}

/** Stack id of the account's audit stack (constructs/audit/): `medicare-hub-audit`. */
export const AUDIT_STACK_ID = `${PROJECT}-audit`;

/** Stack id of an environment: `medicare-hub-<env>`. */
export function environmentStackId(environment: EnvironmentName): string {
  return `${PROJECT}-${environment}`;
}

/**
 * Name of the app target group, `medicare-hub-<env>-app-https`. Not `-app`: that is the former HTTP group, which has to
 * exist until its replacement has taken over the listener (create before destroy; names are unique per region).
 */
export function targetGroupName(environment: string): string {
  return resourceName(environment, "app-https");
}

/**
 * A synthetic check's canary name, `mh-<env>-<kind>`: lowercase and at most 21 characters, the CloudWatch Synthetics
 * limit the names were designed for ("mh-prod-maintenance" is 19).
 */
export function canaryName(environment: string, kind: string): string {
  const name = `mh-${environment}-${kind}`;
  if (!/^[0-9a-z_-]{1,21}$/.test(name)) throw new Error(`canary name "${name}" must be 1-21 characters of [0-9a-z_-]`);
  return name;
}

/** Where Lambda writes the logs of a canary's function: `/aws/lambda/cwsyn-<canary>-<id>` (Synthetics names it). */
export function canaryLogGroupPrefix(environment: string): string {
  return `/aws/lambda/cwsyn-mh-${environment}-`;
}

/**
 * The failure experiments, by the name the game-day runner uses (constructs/failure-experiments.ts builds them).
 * "region-isolation" exists only in an environment with a recovery region, and is started by hand (docs/game-days.md).
 */
export const EXPERIMENTS = ["terminate-instance", "az-loss-compute", "rds-failover", "az-network-disruption", "region-isolation"] as const;
export type ExperimentName = (typeof EXPERIMENTS)[number];
/** Tag every experiment template carries, so the game-day runner finds it by name. */
export const EXPERIMENT_TAG = "MediCareHubExperiment";
