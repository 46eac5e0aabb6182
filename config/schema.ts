/**
 * The configuration schema: every value known at synth time, validated before a single file is written.
 *
 * Each field's error message says what is allowed, because the loader prints it next to the field path and the
 * value given; a user reading it should be able to fix the override file without opening this file.
 */
import { z } from "zod";
import { PRIVATE_RANGES, cidrContains, parseIpv4Cidr } from "./cidr";
import { LARGEST_VPC_PREFIX, SMALLEST_SUBNET_PREFIX } from "./subnet-plan";

/** Environments the App synthesizes, in synth order. */
export const ENVIRONMENT_NAMES = ["dev", "prod"] as const;
export type EnvironmentName = (typeof ENVIRONMENT_NAMES)[number];

/** AWS allows /16 at most for a VPC block; the subnet plan (config/subnet-plan.ts) needs /22 at least. */
export const VPC_PREFIX_MIN = 16;
export const VPC_PREFIX_MAX = LARGEST_VPC_PREFIX;
/** At least two AZs: one AZ is a single point of failure; six covers every AWS region we would deploy to. */
export const AZ_COUNT_MIN = 2;
export const AZ_COUNT_MAX = 6;
/** RDS automated backups: 1–35 days (0 would disable backups and point-in-time recovery). */
export const BACKUP_RETENTION_MIN = 1;
export const BACKUP_RETENTION_MAX = 35;

/** An AWS region code; exported so checks that depend on a region run only once it is one. */
export const REGION = /^[a-z]{2}(-gov)?-[a-z]+-\d$/;
const REGION_RULE = 'an AWS region code such as "us-east-2"';

const region = z.string({ error: `must be ${REGION_RULE}` }).regex(REGION, { error: `must be ${REGION_RULE}` });

function wholeNumber(min: number, max: number, why: string) {
  const rule = `must be a whole number from ${min} to ${max}${why ? ` (${why})` : ""}`;
  return z.int({ error: rule }).min(min, { error: rule }).max(max, { error: rule });
}

function pattern(re: RegExp, rule: string) {
  return z.string({ error: rule }).regex(re, { error: rule });
}

const vpcCidr = z.string({ error: 'must be a CIDR string such as "10.20.0.0/16"' }).superRefine((value, ctx) => {
  const parsed = parseIpv4Cidr(value);
  const allowed = `an RFC 1918 IPv4 CIDR with a prefix from /${VPC_PREFIX_MIN} to /${VPC_PREFIX_MAX}, e.g. "10.20.0.0/16"`;
  if (!parsed.ok) {
    ctx.addIssue({ code: "custom", message: `${parsed.reason}; allowed: ${allowed}` });
  } else if (parsed.cidr.prefix < VPC_PREFIX_MIN) {
    ctx.addIssue({
      code: "custom",
      message: `is larger than AWS allows for a VPC (/${parsed.cidr.prefix}); allowed: ${allowed}`,
    });
  } else if (parsed.cidr.prefix > VPC_PREFIX_MAX) {
    ctx.addIssue({
      code: "custom",
      message: `is too small for the subnet plan (/${parsed.cidr.prefix} gives subnets smaller than /${SMALLEST_SUBNET_PREFIX}); allowed: ${allowed}`,
    });
  } else if (!PRIVATE_RANGES.some((range) => cidrContains(range, parsed.cidr))) {
    ctx.addIssue({ code: "custom", message: `is not private address space; allowed: ${allowed}` });
  }
});

/** Retention periods CloudWatch Logs accepts, in days. */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;
const logRetention = z.union(
  LOG_RETENTION_DAYS.map((days) => z.literal(days)),
  { error: `must be a CloudWatch Logs retention period: one of ${LOG_RETENTION_DAYS.join(", ")} days` },
);

/** Settings of one environment (`dev`, `prod`). */
export const EnvironmentSchema = z.strictObject({
  /**
   * The AWS account the environment is deployed to. The provider refuses any other account (`allowed_account_ids`),
   * and key policies name it.
   */
  accountId: pattern(/^\d{12}$/, 'must be a 12-digit AWS account id such as "123456789012"'),
  /** AWS region the environment runs in. */
  region,
  /** Explicit AZ names (no data source, so output is deterministic and plans offline). */
  availabilityZones: z
    .array(pattern(/^[a-z]{2}(-gov)?-[a-z]+-\d[a-z]$/, 'must be an AZ name: the region followed by a letter, e.g. "us-east-2a"'), {
      error: 'must be a list of AZ names such as ["us-east-2a", "us-east-2b"]',
    })
    .min(AZ_COUNT_MIN, {
      error: `must list at least ${AZ_COUNT_MIN} AZs: a single AZ is a single point of failure (guardrail MH-NET-2)`,
    })
    .max(AZ_COUNT_MAX, { error: `must list at most ${AZ_COUNT_MAX} AZs` }),
  /** Cost centre written to every resource's CostCenter tag. */
  costCenter: pattern(
    /^[\w .:/=+@-]{1,256}$/,
    "must be 1–256 characters of letters, digits, spaces and _ . : / = + @ - (an AWS tag value)",
  ),
  network: z.strictObject({
    /** Primary VPC CIDR block. */
    vpcCidr,
    /** `one-per-az` keeps every AZ's egress independent; `single` is a cost switch flagged by the guardrails. */
    natGateways: z.enum(["one-per-az", "single"], { error: 'must be "one-per-az" or "single" (a flagged cost switch)' }),
    /**
     * Interface endpoints for SSM, SSM messages, EC2 messages and CloudWatch Logs, so instances are managed and log
     * without the internet. Turning them off is a cost switch (traffic then goes through NAT), flagged on synth.
     */
    interfaceEndpoints: z.boolean({ error: "must be true or false" }),
  }),
  /** How long CloudWatch log groups (flow logs, app, WAF) are kept; audit needs a year in prod. */
  logRetentionDays: logRetention,
  app: z.strictObject({
    /** EC2 instance type of the app tier. */
    instanceType: pattern(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, 'must be an EC2 instance type such as "t3.small"'),
    /** Port the app listens on behind the load balancer. */
    port: wholeNumber(1024, 65535, "an unprivileged port"),
    /** Instances never drop below this; at least one per AZ (checked against availabilityZones). */
    minCapacity: wholeNumber(1, 100, ""),
    desiredCapacity: wholeNumber(1, 100, ""),
    maxCapacity: wholeNumber(1, 100, ""),
    /** Root volume size; gp3, encrypted with the storage key. */
    rootVolumeGib: wholeNumber(8, 1024, "EBS gp3; the AMI needs 8"),
    /**
     * The bootstrap's deadline, in seconds from its start: every wait in it (package installs, the EFS mount, the
     * service answering) is cut to what is left, and it fails, shipping its log, when time is up. The group's grace
     * period and warmup are derived from it (boot + deadline + passing health checks, + a margin for the grace).
     * Its waits alone: the EFS mount waits up to 120 s for a new mount target's DNS name, the service up to 120 s
     * (30 tries of a 2 s request, 2 s apart), the package installs come on top.
     */
    bootstrapSeconds: wholeNumber(240, 900, "the user-data bootstrap's deadline: at least its own longest waits, the EFS mount (up to 120 s) and the service answering (up to 120 s)"),
    /** Target average CPU of the group for target-tracking scaling. */
    cpuTargetPercent: wholeNumber(10, 90, "scaling target"),
    /** Target ALB requests per instance per minute for target-tracking scaling. */
    requestsPerTargetPerMinute: wholeNumber(10, 100000, "scaling target"),
    /**
     * Every instance is replaced after this many days by one launched from the current Amazon Linux 2023 AMI, so
     * none runs unpatched for longer (EC2 Auto Scaling maximum instance lifetime: 1 to 365 days).
     */
    maxInstanceLifetimeDays: wholeNumber(1, 365, "EC2 Auto Scaling maximum instance lifetime"),
  }),
  database: z.strictObject({
    /**
     * PostgreSQL major version, pinned. Minor versions are applied by RDS in the maintenance window
     * (auto minor version upgrade), so pinning the minor would only make plans drift.
     */
    engineVersion: pattern(/^1[3-9]$/, 'must be a PostgreSQL major version RDS supports, such as "17"'),
    /** RDS instance class. */
    instanceClass: pattern(/^db\.[a-z0-9-]+\.[a-z0-9]+$/, 'must be an RDS instance class such as "db.t4g.medium"'),
    allocatedStorageGib: wholeNumber(20, 65536, "RDS gp3 limits"),
    maxAllocatedStorageGib: wholeNumber(20, 65536, "RDS gp3 limits; enables storage autoscaling"),
    /** Automated backup retention = the point-in-time recovery window. */
    backupRetentionDays: wholeNumber(BACKUP_RETENTION_MIN, BACKUP_RETENTION_MAX, "RDS limits; 0 would disable backups"),
    /** Daily automated-backup window, UTC, at least 30 minutes; must not overlap the maintenance window. */
    backupWindow: pattern(/^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$/, 'must be a UTC window "hh:mm-hh:mm" such as "03:00-03:30"'),
    /** Weekly maintenance window, UTC (minor upgrades, patching; a Multi-AZ failover at most). */
    maintenanceWindow: pattern(
      /^(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):[0-5]\d-(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):[0-5]\d$/,
      'must be a UTC window "ddd:hh:mm-ddd:hh:mm" such as "sun:04:30-sun:05:30"',
    ),
    /**
     * A synchronous standby in another AZ with automatic failover. Always on in MediCare Hub: turning it off makes
     * synth fail on guardrail MH-RDS-1 unless the environment accepts that finding with a reason.
     */
    multiAz: z.boolean({ error: "must be true or false" }),
    /** RDS API deletion protection. */
    deletionProtection: z.boolean({ error: "must be true or false" }),
    /** Enhanced monitoring granularity in seconds. */
    monitoringIntervalSeconds: z.union([1, 5, 10, 15, 30, 60].map((v) => z.literal(v)), {
      error: "must be one of 1, 5, 10, 15, 30, 60 seconds (enhanced monitoring intervals)",
    }),
    /** Performance Insights retention: 7 days (free tier) or a multiple of 31 up to 731. */
    performanceInsightsRetentionDays: z.union([7, ...Array.from({ length: 23 }, (_, i) => 31 * (i + 1)), 731].map((v) => z.literal(v)), {
      error: "must be 7, a multiple of 31 up to 713, or 731 days (Performance Insights retention)",
    }),
  }),
  /** Shared file system (EFS). */
  sharedStorage: z.strictObject({
    /** Days without access before a file moves to Infrequent Access (moved back on first access). */
    transitionToIaDays: z.union([1, 7, 14, 30, 60, 90, 180, 270, 365].map((v) => z.literal(v)), {
      error: "must be one of 1, 7, 14, 30, 60, 90, 180, 270, 365 days (EFS lifecycle policies)",
    }),
  }),
  /** AWS Backup of the database and the file system. */
  backup: z.strictObject({
    /** Daily recovery points are kept this long. */
    dailyRetentionDays: wholeNumber(1, 35, "daily recovery points"),
    /** Monthly recovery points are kept this long. */
    monthlyRetentionDays: wholeNumber(30, 3650, "monthly recovery points"),
    /**
     * Copy every recovery point to a vault in this region (survives the loss of the region).
     * @default - the recovery region (`recovery.region`) when `recovery.strategy` is not "off"; else no copy
     */
    copyToRegion: region.optional(),
    /**
     * AWS Backup Vault Lock on the vault(s): "compliance" makes recovery points undeletable before their retention
     * ends, by anyone including root, 3 days after the lock is applied; "governance" lets privileged users remove it;
     * "off" is warned about on synth.
     */
    vaultLock: z.enum(["compliance", "governance", "off"], { error: 'must be "compliance", "governance" or "off" (warned)' }),
  }),
  /**
   * Surviving the loss of the whole region (docs/reliability.md, "Region lost"), on the ladder of AWS's "Disaster
   * Recovery of Workloads on AWS" whitepaper:
   * - "off": nothing leaves the region but an optional backup copy (`backup.copyToRegion`); the guardrails flag it.
   * - "backup-and-restore": the data is kept in the recovery region, encrypted with keys of its own there: the
   *   database's automated backups and transaction logs are replicated (point-in-time restore there), the file system
   *   is replicated (read-only until failover), and AWS Backup copies every recovery point there. Recovery restores
   *   into the recovery region (docs/runbooks.md, "region-lost"): hours, not minutes.
   * - "pilot-light": the above, plus the environment standing in the recovery region, built by the same constructs:
   *   network (NAT per AZ), security groups, endpoints, load balancer with WAF and certificate, launch template and an
   *   Auto Scaling group at zero, an encrypted cross-region read replica of the database, mount targets on the file
   *   system's copy, and DNS failing over to that load balancer once it is healthy. `npm run failover` promotes the
   *   replica and scales the group up. Flagged: the group holds no instance until then (guardrail MH-CMP-5).
   * - "warm-standby": pilot light with a small fleet (one instance per recovery AZ) serving health checks at all
   *   times, so failover only scales it up.
   */
  recovery: z.strictObject({
    strategy: z.enum(["off", "backup-and-restore", "pilot-light", "warm-standby"], {
      error: 'must be "off" (flagged), "backup-and-restore", "pilot-light" (flagged: no instance until failover) or "warm-standby"',
    }),
    /** The recovery region: not the environment's own. Required unless `strategy` is "off". */
    region: region.optional(),
    /**
     * The recovery region's AZs (at least two, each of `region`). Required by "pilot-light" and "warm-standby", refused
     * otherwise (nothing would use them).
     */
    availabilityZones: z
      .array(pattern(/^[a-z]{2}(-gov)?-[a-z]+-\d[a-z]$/, 'must be an AZ name: the recovery region followed by a letter, e.g. "us-west-2a"'), {
        error: 'must be a list of AZ names such as ["us-west-2a", "us-west-2b"]',
      })
      .min(AZ_COUNT_MIN, { error: `must list at least ${AZ_COUNT_MIN} AZs: the standby is multi-AZ like the primary` })
      .max(AZ_COUNT_MAX, { error: `must list at most ${AZ_COUNT_MAX} AZs` })
      .optional(),
    /**
     * The recovery VPC's CIDR: overlapping no environment's VPC or other recovery VPC (so they can be peered and a
     * restored database's clients stay addressable). Required by "pilot-light" and "warm-standby", refused otherwise.
     */
    vpcCidr: vpcCidr.optional(),
    /**
     * The recovery region's database until failover, for "pilot-light" and "warm-standby" (refused otherwise):
     * - "restore": its subnet group, parameter group and security group stand ready, and `npm run failover` restores
     *   the replicated automated backups into them (point in time, minutes behind; RDS takes tens of minutes).
     * - "replica": an encrypted cross-region read replica (seconds behind; promoted in minutes). AWS does not support
     *   creating one while the source's master password is managed in Secrets Manager, as MediCare Hub's is
     *   (guardrail MH-DR-2 refuses it), so it waits for another way of keeping the master password.
     * @default "restore"
     */
    database: z.enum(["restore", "replica"], { error: 'must be "restore" (replicated backups restored at failover) or "replica" (a cross-region read replica; guardrail MH-DR-2)' }).optional(),
  }),
  /** AWS FIS experiment templates that prove the architecture survives what it claims to survive. */
  failureExperiments: z.strictObject({
    /** Create the templates (they do nothing until someone starts an experiment). */
    enabled: z.boolean({ error: "must be true or false" }),
    /** How long the AZ network disruption lasts before FIS restores connectivity. */
    networkDisruptionMinutes: wholeNumber(1, 60, "bounded on purpose"),
  }),
  /**
   * `prevent_destroy` on stateful resources (database, file system, backup vault, KMS keys): Terraform refuses any
   * plan that would destroy them. Off only where the data is disposable.
   */
  preventDestroy: z.boolean({ error: "must be true or false" }),
  loadBalancer: z.strictObject({
    deletionProtection: z.boolean({ error: "must be true or false" }),
    /** AWS WAF in front of the ALB: managed rule groups and a per-IP rate limit. Off is a flagged switch. */
    waf: z.boolean({ error: "must be true or false" }),
    /** Requests one client IP may send in 5 minutes before WAF blocks it. */
    wafRateLimitPer5Minutes: wholeNumber(100, 2_000_000_000, "AWS WAF rate-based rule limits"),
    /**
     * Public IPv4 ranges exempt from the per-IP rate limit: a hospital's NAT egress, where hundreds of staff share
     * one address and would be blocked together. The managed rule groups still inspect their requests.
     * @default [] (no exemption)
     */
    wafRateLimitExemptCidrs: z
      .array(
        z.string({ error: 'must be an IPv4 CIDR such as "203.0.113.0/24"' }).superRefine((value, ctx) => {
          const parsed = parseIpv4Cidr(value);
          if (!parsed.ok) ctx.addIssue({ code: "custom", message: `${parsed.reason}; allowed: an IPv4 CIDR such as "203.0.113.0/24"` });
        }),
        { error: 'must be a list of IPv4 CIDRs such as ["203.0.113.0/24"]' },
      )
      .max(50, { error: "must list at most 50 CIDRs (keep the exemption reviewable)" }),
    /**
     * What the Common Rule Set's SizeRestrictions_BODY rule does with request bodies over 8 KB: "block" (AWS's
     * default) refuses uploads larger than that; "count" lets them through and only counts them, for an app that
     * accepts uploads. A relaxation, warned about on synth.
     */
    wafLargeRequestBodies: z.enum(["block", "count"], { error: 'must be "block" (AWS default: bodies over 8 KB refused) or "count" (allowed, counted; warned)' }),
    /** Seconds an idle client connection is kept open. */
    idleTimeoutSeconds: wholeNumber(1, 4000, "ALB limits"),
    /** Seconds in-flight requests get to finish when an instance leaves the target group. */
    deregistrationDelaySeconds: wholeNumber(0, 3600, "target group limits"),
    /** The target group's health check of `/health`: detection time = interval × unhealthy threshold. */
    healthCheck: z.strictObject({
      intervalSeconds: wholeNumber(5, 300, "ALB limits"),
      timeoutSeconds: wholeNumber(2, 120, "ALB limits; less than the interval"),
      healthyThreshold: wholeNumber(2, 10, "ALB limits"),
      unhealthyThreshold: wholeNumber(2, 10, "ALB limits"),
    }),
  }),
  dns: z.strictObject({
    /** The domain users reach the app on. */
    domainName: pattern(
      /^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/,
      'must be a lower-case DNS name such as "app.medicare-hub.example"',
    ),
    /**
     * The existing public hosted zone that already answers for `domainName`: the domain's own zone or the zone of any
     * parent name (dev.medicare-hub.acme.org in the acme.org zone), delegated from the registrar. Required: a zone
     * created in the same apply answers nothing until someone delegates it, so ACM's DNS validation would wait 75
     * minutes and fail. The certificate's validation records and the domain's records are written into it.
     */
    hostedZoneId: pattern(/^Z[A-Z0-9]{1,31}$/, 'must be the id of an existing public Route 53 hosted zone, such as "Z0123456789ABCDEFGHIJ"'),
    /** Route 53's HTTPS health check of the load balancer: failover after interval × failure threshold (+ TTL). */
    healthCheck: z.strictObject({
      requestIntervalSeconds: z.union([z.literal(10), z.literal(30)], { error: "must be 10 (fast) or 30 seconds (Route 53 intervals)" }),
      failureThreshold: wholeNumber(1, 10, "Route 53 limits"),
    }),
    /**
     * Failover routing: while the load balancer is unhealthy, DNS answers with a static "under maintenance" page
     * served by CloudFront from S3. Off: plain alias records to the load balancer.
     */
    maintenancePage: z.boolean({ error: "must be true or false" }),
  }),
  /** Thresholds of the CloudWatch alarms (every alarm notifies the alerts topic). */
  alarms: z.strictObject({
    /** Share of requests answered 5xx (by the load balancer, or by targets) that raises an alarm. */
    http5xxRatePercent: wholeNumber(1, 100, "percent of requests"),
    /** p99 target response time, in milliseconds. */
    p99LatencyMilliseconds: wholeNumber(50, 60000, "milliseconds"),
    databaseCpuPercent: wholeNumber(50, 100, "percent"),
    /** Free storage below this share of the allocated storage (autoscaling should have kicked in before). */
    databaseFreeStoragePercent: wholeNumber(5, 50, "percent of allocated storage"),
    databaseFreeableMemoryMib: wholeNumber(64, 1048576, "MiB"),
    databaseConnections: wholeNumber(10, 100000, "connections"),
    /** EFS PercentIOLimit (general purpose mode) above this. */
    efsIoLimitPercent: wholeNumber(50, 100, "percent"),
    /**
     * Requests the per-IP rate limit blocks in 5 minutes above this: a flood, or a hospital's shared egress address
     * over the limit (a ticket).
     */
    wafBlockedRequestsPer5Minutes: wholeNumber(1, 1000000000, "requests"),
    /**
     * Share of all requests one AWS managed rule group blocks, sustained for 15 minutes, above this: a sustained attack
     * or the rule blocking real users (a ticket). A burst from one scanner does not last 15 minutes.
     */
    wafRuleBlockedPercent: wholeNumber(1, 100, "percent of all requests"),
    /**
     * The availability objective of the user journey over 30 days, in percent: its error budget (100 - this) drives
     * the multiwindow burn-rate alerts (page at 14.4x and 6x, ticket at 1x).
     */
    availabilitySloPercent: z
      .number({ error: "must be a percentage from 90 to 99.99, such as 99.9" })
      .min(90, { error: "must be a percentage from 90 to 99.99, such as 99.9" })
      .max(99.99, { error: "must be a percentage from 90 to 99.99 (100 leaves no error budget to alert on)" }),
  }),
  /**
   * CloudWatch Synthetics canaries of the public journey from outside (DNS, TLS, WAF, the app's page) and of the
   * maintenance page where there is one; their failures alarm (constructs/synthetic-checks.ts).
   */
  syntheticChecks: z.strictObject({
    /**
     * Off saves about $10 a month per canary at 5-minute runs, and leaves failures only a user outside sees (a wrong
     * DNS answer, an expired certificate, a broken maintenance page) to users: the guardrails flag it.
     */
    enabled: z.boolean({ error: "must be true or false" }),
    /** Minutes between runs of each canary; an alarm needs 2 failed runs of 3. */
    intervalMinutes: wholeNumber(1, 60, "minutes between canary runs"),
    /**
     * The Synthetics runtime. Raise it when AWS deprecates the current one: a deprecated runtime cannot create or update
     * a canary. @default "syn-nodejs-puppeteer-15.0"
     */
    // Puppeteer runtimes only: they load the handler from nodejs/node_modules/, as the canary's zip is laid out.
    runtimeVersion: pattern(/^syn-nodejs-puppeteer-\d{1,3}\.\d{1,3}$/, 'must be a Node.js Puppeteer CloudWatch Synthetics runtime such as "syn-nodejs-puppeteer-15.0"').optional(),
  }),
  alerts: z.strictObject({
    /** Where alarms are e-mailed; absent means alarms notify the SNS topic only. */
    email: z.email({ error: 'must be an e-mail address such as "oncall@example.org"' }).optional(),
    /** Where tickets (business-hours alarms) are e-mailed. @default - `email` */
    ticketEmail: z.email({ error: 'must be an e-mail address such as "platform-team@example.org"' }).optional(),
    /**
     * HTTPS endpoints of a paging service (PagerDuty, Opsgenie...), subscribed to the page topics of every region.
     * @default - none
     */
    pageUrls: z
      .array(pattern(/^https:\/\/[^\s]{4,2000}$/, 'must be an https:// URL of a paging service'), { error: "must be a list of https:// URLs" })
      .max(5, { error: "must list at most 5 paging endpoints" })
      .optional(),
    /**
     * The dead man's switch of the alerting path: an HTTPS check URL (Healthchecks.io, Cronitor, a PagerDuty or
     * Opsgenie heartbeat...) that expects a message every 5 minutes and pages when they stop. The message takes the
     * way pages travel (EventBridge, an SNS topic of its own, the regional alerts key), so a disabled key stops it.
     * @default - none: nothing tells anyone that alerting itself is dead
     */
    heartbeatUrl: pattern(/^https:\/\/[^\s]{4,2000}$/, "must be the https:// URL of a heartbeat check (a dead man's switch that pages when messages stop)").optional(),
  }),
});
export type EnvironmentConfig = z.infer<typeof EnvironmentSchema>;

/** The shared Terraform state backend (its own stack, `medicare-hub-state`). */
export const StateBackendSchema = z.strictObject({
  /**
   * The AWS account that holds the state bucket, table and key. The provider refuses any other account
   * (`allowed_account_ids`), and the access-log bucket accepts logs only from this account's state bucket.
   */
  accountId: pattern(/^\d{12}$/, 'must be a 12-digit AWS account id such as "123456789012"'),
  region,
  /**
   * A replica of the state in another region, so Terraform can still plan and apply (the recovery, above all) when
   * `region` is lost: the bucket replicated there under a key of that region, the lock table a global table with a
   * replica there (terraform-state-backend/README.md, "When the state's region is lost").
   * @default - no replica: losing the region loses the state until it returns
   */
  replicaRegion: region.optional(),
  /** Globally unique S3 bucket name for state. */
  bucketName: pattern(
    /^(?!xn--)(?!.*-s3alias$)[a-z0-9][a-z0-9-]{1,49}[a-z0-9]$/,
    "must be a 3–51 character S3 bucket name of lower-case letters, digits and hyphens (the log bucket appends -access-logs, the replica -replica)",
  ),
  /** DynamoDB lock table name. */
  lockTableName: pattern(/^[A-Za-z0-9_.-]{3,255}$/, "must be a 3–255 character DynamoDB table name ([A-Za-z0-9_.-])"),
  /** Noncurrent state versions are kept at least this long (recovery from a bad apply). */
  noncurrentVersionRetentionDays: wholeNumber(30, 3650, "how far back a previous state can be restored"),
  /** S3 access logs of the state bucket are kept this long. */
  accessLogRetentionDays: wholeNumber(90, 3650, "audit trail of who read or wrote state"),
  /** After bootstrap: keep the state stack's own state in the bucket instead of a local file. */
  selfManaged: z.boolean({ error: "must be true or false" }),
  costCenter: pattern(/^[\w .:/=+@-]{1,256}$/, "must be 1–256 characters allowed in an AWS tag value"),
});
export type StateBackendConfig = z.infer<typeof StateBackendSchema>;

/**
 * The audit and detection baseline of the account that holds patient data (stack `medicare-hub-audit`,
 * constructs/audit/): CloudTrail into an Object Lock bucket, the CIS benchmark's metric-filter alarms, GuardDuty,
 * IAM Access Analyzer, AWS Config and Security Hub. Off where a landing zone (AWS Control Tower, Landing Zone
 * Accelerator) already provides them: two trails and two Config recorders cost twice and the second recorder fails.
 */
export const AuditSchema = z.strictObject({
  /** Build the audit stack. */
  enabled: z.boolean({ error: "must be true or false (false where a landing zone already provides trail, GuardDuty, Config and Security Hub)" }),
  /** The environment whose account and region the stack covers; its alerts e-mail gets the alarms. */
  environment: z.enum(ENVIRONMENT_NAMES, { error: `must be one of ${ENVIRONMENT_NAMES.join(", ")}` }),
  /**
   * Days every CloudTrail log file is locked (S3 Object Lock, compliance mode: nobody can delete it sooner, root
   * included). HIPAA keeps required documentation six years (164.316(b)(2)(i)): 2190 days.
   */
  logRetentionDays: wholeNumber(365, 3650, "one to ten years; HIPAA's six are 2190"),
  /** Also record S3 object reads and writes (data events) of the project's buckets and the state bucket. */
  s3DataEvents: z.boolean({ error: "must be true or false" }),
  costCenter: pattern(/^[\w .:/=+@-]{1,256}$/, "must be 1–256 characters allowed in an AWS tag value"),
});
export type AuditConfig = z.infer<typeof AuditSchema>;

/** The whole project configuration. */
export const ProjectConfigSchema = z.strictObject({
  stateBackend: StateBackendSchema,
  environments: z.strictObject({ dev: EnvironmentSchema, prod: EnvironmentSchema }),
  audit: AuditSchema,
});
export type ProjectConfig = z.infer<typeof ProjectConfigSchema>;
