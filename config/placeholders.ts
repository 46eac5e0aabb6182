/**
 * Placeholders: values the schema accepts but that can never work against AWS. The committed defaults carry them on
 * purpose (synth, the tests and the offline demo need a complete configuration), and every organisation replaces
 * them through the override file before its first deploy (docs/first-deploy.md).
 *
 * Each kind is found by class, not by today's literal values: any domain under a reserved name, any AWS
 * documentation account id, any placeholder-looking hosted zone id. The stacks warn about each one on every synth
 * and, while one is left, refuse every plan (constructs/placeholder-guard.ts).
 *
 * This module imports nothing but the schema, so the committed defaults can use its constants.
 */
import { ENVIRONMENT_NAMES, type EnvironmentConfig, type EnvironmentName, type ProjectConfig, type StateBackendConfig } from "./schema";

/** The committed state bucket name. S3 bucket names are global: someone already owns this one. */
export const PLACEHOLDER_STATE_BUCKET_NAME = "medicare-hub-terraform-state";

/** The committed hosted zone id: valid by the schema's pattern, and obviously no zone of anyone's. */
export const PLACEHOLDER_HOSTED_ZONE_ID = "Z0PLACEHOLDERZONEID00";

/** The committed account id: the example account of the AWS documentation. */
export const PLACEHOLDER_ACCOUNT_ID = "123456789012";

/**
 * Account ids the AWS documentation uses in examples. 123456789012 throughout (e.g. the IAM User Guide's Principal
 * element page, https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html),
 * 012345678901 in the Account Management Reference Guide
 * (https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-identifiers.html), 111122223333 and 444455556666
 * as the two sides of cross-account examples, 987654321098 as a second account (e.g. the Application Recovery
 * Controller's cross-account permissions page), and 999999999999.
 */
export const AWS_DOCUMENTATION_ACCOUNT_IDS: readonly string[] = [
  PLACEHOLDER_ACCOUNT_ID,
  "012345678901",
  "111122223333",
  "444455556666",
  "987654321098",
  "999999999999",
];

/**
 * Names that are never delegated in public DNS: nobody can register them, ACM cannot validate a certificate for them
 * and no mail is delivered to them. A name matches when it is the suffix or ends with "." + suffix.
 */
export const RESERVED_DOMAINS: readonly { readonly suffix: string; readonly reservedBy: string }[] = [
  { suffix: "example", reservedBy: "RFC 2606" },
  { suffix: "test", reservedBy: "RFC 2606" },
  { suffix: "invalid", reservedBy: "RFC 2606" },
  { suffix: "localhost", reservedBy: "RFC 2606 and RFC 6761" },
  { suffix: "example.com", reservedBy: "RFC 2606" },
  { suffix: "example.net", reservedBy: "RFC 2606" },
  { suffix: "example.org", reservedBy: "RFC 2606" },
  { suffix: "local", reservedBy: "RFC 6762 (multicast DNS)" },
  { suffix: "onion", reservedBy: "RFC 7686" },
  { suffix: "home.arpa", reservedBy: "RFC 8375" },
  { suffix: "alt", reservedBy: "RFC 9476" },
  { suffix: "internal", reservedBy: "ICANN (private use)" },
];

/** Hosted zone ids that are placeholders: the committed one, and anything spelled like a documentation example. */
const PLACEHOLDER_ZONE_ID = /PLACEHOLDER|EXAMPLE/;

/** One placeholder left in the configuration. */
export interface Placeholder {
  /** Where it is in the configuration, e.g. `environments.prod.dns.domainName` or `stateBackend.bucketName`. */
  readonly path: string;
  /** The value found there. */
  readonly value: string;
  /** Why it cannot reach AWS. */
  readonly reason: string;
  /**
   * The key to set in the JSON override file (named by MEDICARE_HUB_CONFIG_OVERRIDES), dotted: the override file has
   * the configuration's shape, so this is the path written as nested objects.
   */
  readonly overrideKey: string;
  /** What to set it to. */
  readonly replaceWith: string;
}

/** The reserved name `domain` falls under, if any. */
export function reservedDomain(domain: string): { readonly suffix: string; readonly reservedBy: string } | undefined {
  const name = domain.toLowerCase().replace(/\.$/, "");
  return RESERVED_DOMAINS.find(({ suffix }) => name === suffix || name.endsWith(`.${suffix}`));
}

/** Placeholders of the shared state backend (they matter to every stack, whose state lives in the bucket). */
export function stateBackendPlaceholders(config: StateBackendConfig): Placeholder[] {
  const found: Placeholder[] = [];
  const account = accountPlaceholder("stateBackend.accountId", config.accountId, "the AWS account that holds the Terraform state");
  if (account) found.push(account);
  if (config.bucketName !== PLACEHOLDER_STATE_BUCKET_NAME) return found;
  return [
    ...found,
    placeholder(
      "stateBackend.bucketName",
      config.bucketName,
      "the committed default: S3 bucket names are global and whoever created this one first owns it, so creating it " +
        "fails (BucketAlreadyExists) and the environment stacks would look for their state in a bucket that is not yours",
      "a globally unique S3 bucket name of your organisation (3–51 characters), e.g. acme-health-terraform-state",
    ),
  ];
}

/** An AWS documentation account id at `path`, as a placeholder. */
function accountPlaceholder(path: string, accountId: string, whose: string): Placeholder | undefined {
  if (!AWS_DOCUMENTATION_ACCOUNT_IDS.includes(accountId)) return undefined;
  return placeholder(
    path,
    accountId,
    "an example account of the AWS documentation, not yours: the provider (allowed_account_ids) refuses the " +
      "credentials of every real account, and policies would trust an account that is not yours",
    `the 12-digit id of ${whose}`,
  );
}

/** Placeholders of one environment, in a fixed order: account, domain, hosted zone, alert e-mail, heartbeat. */
export function environmentPlaceholders(environment: EnvironmentName, config: EnvironmentConfig): Placeholder[] {
  const at = (field: string) => `environments.${environment}.${field}`;
  const found: Placeholder[] = [];
  const account = accountPlaceholder(at("accountId"), config.accountId, "the AWS account this environment is deployed to");
  if (account) found.push(account);
  const domain = reservedDomain(config.dns.domainName);
  if (domain) {
    found.push(
      placeholder(
        at("dns.domainName"),
        config.dns.domainName,
        `under ".${domain.suffix}", reserved by ${domain.reservedBy}: it is never delegated in public DNS, so ACM ` +
          "cannot validate the certificate and no user can reach the app",
        "a domain in your public hosted zone: the zone apex or any name under it, e.g. medicare-hub.acme-health.org",
      ),
    );
  }
  if (PLACEHOLDER_ZONE_ID.test(config.dns.hostedZoneId)) {
    found.push(
      placeholder(
        at("dns.hostedZoneId"),
        config.dns.hostedZoneId,
        "not a hosted zone of yours: Route 53 refuses the certificate's validation records and the domain's records " +
          "(NoSuchHostedZone)",
        "the id of the public hosted zone that already answers for dns.domainName (delegated from the registrar)",
      ),
    );
  }
  const email = config.alerts.email;
  const mailDomain = email ? reservedDomain(email.slice(email.lastIndexOf("@") + 1)) : undefined;
  if (email && mailDomain) {
    found.push(
      placeholder(
        at("alerts.email"),
        email,
        `at a domain under ".${mailDomain.suffix}", reserved by ${mailDomain.reservedBy}: no mail is delivered there, ` +
          "so the SNS e-mail subscription stays pending forever and every alarm reaches nobody",
        "an address of your on-call rotation that receives mail (then confirm the subscription AWS sends it)",
      ),
    );
  }
  const heartbeat = config.alerts.heartbeatUrl;
  const heartbeatHost = heartbeat ? /^https:\/\/([^/:?#]+)/.exec(heartbeat)?.[1] : undefined;
  const heartbeatDomain = heartbeatHost ? reservedDomain(heartbeatHost) : undefined;
  if (heartbeat && heartbeatDomain) {
    found.push(
      placeholder(
        at("alerts.heartbeatUrl"),
        heartbeat,
        `at a host under ".${heartbeatDomain.suffix}", reserved by ${heartbeatDomain.reservedBy}: no heartbeat check ` +
          "answers there, so nothing would page when alerting itself dies",
        "the HTTPS URL of a heartbeat check that pages when messages stop (or null to go without, which MH-OBS-5 flags)",
      ),
    );
  }
  return found;
}

/** Every placeholder left in a validated configuration: the state backend first, then each environment. */
export function findPlaceholders(config: ProjectConfig): Placeholder[] {
  return [
    ...stateBackendPlaceholders(config.stateBackend),
    ...ENVIRONMENT_NAMES.flatMap((environment) => environmentPlaceholders(environment, config.environments[environment])),
  ];
}

function placeholder(path: string, value: string, reason: string, replaceWith: string): Placeholder {
  return { path, value, reason, overrideKey: path, replaceWith };
}
