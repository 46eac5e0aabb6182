/**
 * The committed environment profiles. Prod is the reference for every reliability claim; dev differs only where a
 * setting is an explicit cost switch (single NAT gateway, fewer AZs, smaller sizes, no WAF, no deletion protection).
 *
 * Ops can change any value without editing TypeScript through the override file (see `load.ts`).
 */
import { PLACEHOLDER_ACCOUNT_ID, PLACEHOLDER_HOSTED_ZONE_ID, PLACEHOLDER_STATE_BUCKET_NAME } from "./placeholders";
import type { ProjectConfig } from "./schema";

export const DEFAULT_CONFIG: ProjectConfig = {
  stateBackend: {
    // Placeholder: the account that holds the state (the provider refuses any other).
    accountId: PLACEHOLDER_ACCOUNT_ID,
    region: "us-east-2",
    // The state outlives its region: replicated to prod's recovery region (terraform-state-backend/README.md).
    replicaRegion: "us-west-2",
    // Placeholder (config/placeholders.ts): S3 bucket names are global, every organisation sets its own through the
    // override file. Synth warns and every plan is refused until it does (docs/first-deploy.md).
    bucketName: PLACEHOLDER_STATE_BUCKET_NAME,
    lockTableName: "medicare-hub-terraform-locks",
    noncurrentVersionRetentionDays: 90,
    accessLogRetentionDays: 365,
    selfManaged: false,
    costCenter: "platform",
  },
  // The account that holds patient data records and examines its activity (HIPAA 164.312(b)); set enabled to false
  // where a landing zone already runs a trail, GuardDuty, Config and Security Hub (constructs/audit/).
  audit: { enabled: true, environment: "prod", logRetentionDays: 2190, s3DataEvents: true, costCenter: "security" },
  environments: {
    dev: {
      // Placeholders here: accountId, dns.domainName, dns.hostedZoneId and alerts.email. Every organisation sets its
      // own through the override file; synth warns and every plan is refused until it does (docs/first-deploy.md).
      accountId: PLACEHOLDER_ACCOUNT_ID,
      region: "us-east-2",
      availabilityZones: ["us-east-2a", "us-east-2b"],
      costCenter: "medicare-hub-dev",
      network: { vpcCidr: "10.10.0.0/16", natGateways: "single", interfaceEndpoints: false },
      logRetentionDays: 30,
      app: {
        instanceType: "t3.small",
        port: 8080,
        minCapacity: 2,
        desiredCapacity: 2,
        maxCapacity: 4,
        rootVolumeGib: 20,
        bootstrapSeconds: 300,
        cpuTargetPercent: 60,
        requestsPerTargetPerMinute: 1000,
        maxInstanceLifetimeDays: 14,
      },
      database: {
        engineVersion: "17",
        instanceClass: "db.t4g.medium",
        allocatedStorageGib: 20,
        maxAllocatedStorageGib: 100,
        backupRetentionDays: 7,
        multiAz: true,
        backupWindow: "03:00-03:30",
        maintenanceWindow: "sun:04:30-sun:05:30",
        deletionProtection: false,
        monitoringIntervalSeconds: 60,
        performanceInsightsRetentionDays: 7,
      },
      sharedStorage: { transitionToIaDays: 30 },
      // Governance: removable by privileged users while dev's data is disposable.
      backup: { dailyRetentionDays: 7, monthlyRetentionDays: 30, vaultLock: "governance" },
      // Dev's data is synthetic: nothing is kept outside its region (a flagged cost switch).
      recovery: { strategy: "off" },
      failureExperiments: { enabled: false, networkDisruptionMinutes: 5 },
      preventDestroy: false,
      loadBalancer: {
        deletionProtection: false,
        waf: false,
        wafRateLimitPer5Minutes: 2000,
        wafRateLimitExemptCidrs: [],
        wafLargeRequestBodies: "block",
        idleTimeoutSeconds: 60,
        deregistrationDelaySeconds: 30,
        // Detection in interval × unhealthyThreshold = 20 s; back in rotation after healthyThreshold × interval = 20 s.
        healthCheck: { intervalSeconds: 10, timeoutSeconds: 5, healthyThreshold: 2, unhealthyThreshold: 2 },
      },
      dns: {
        domainName: "dev.medicare-hub.example",
        hostedZoneId: PLACEHOLDER_HOSTED_ZONE_ID,
        // Failover after 10 s × 3 failed checks + 60 s alias TTL = 90 s.
        healthCheck: { requestIntervalSeconds: 10, failureThreshold: 3 },
        maintenancePage: false,
      },
      alarms: {
        http5xxRatePercent: 5,
        p99LatencyMilliseconds: 2000,
        databaseCpuPercent: 80,
        databaseFreeStoragePercent: 10,
        databaseFreeableMemoryMib: 256,
        databaseConnections: 150,
        efsIoLimitPercent: 95,
        wafBlockedRequestsPer5Minutes: 1000,
        wafRuleBlockedPercent: 5,
        availabilitySloPercent: 99.9,
      },
      // A run every 15 minutes: dev's outside-in check at a third of prod's cost.
      syntheticChecks: { enabled: true, intervalMinutes: 15 },
      alerts: { email: "oncall-dev@medicare-hub.example" },
    },
    prod: {
      accountId: PLACEHOLDER_ACCOUNT_ID,
      region: "us-east-2",
      availabilityZones: ["us-east-2a", "us-east-2b", "us-east-2c"],
      costCenter: "medicare-hub-prod",
      network: { vpcCidr: "10.20.0.0/16", natGateways: "one-per-az", interfaceEndpoints: true },
      logRetentionDays: 365,
      app: {
        instanceType: "t3.medium",
        port: 8080,
        minCapacity: 3,
        desiredCapacity: 3,
        maxCapacity: 9,
        rootVolumeGib: 20,
        bootstrapSeconds: 300,
        cpuTargetPercent: 50,
        requestsPerTargetPerMinute: 1000,
        maxInstanceLifetimeDays: 14,
      },
      database: {
        engineVersion: "17",
        instanceClass: "db.m6g.large",
        allocatedStorageGib: 100,
        maxAllocatedStorageGib: 1000,
        backupRetentionDays: 35,
        multiAz: true,
        backupWindow: "03:00-03:30",
        maintenanceWindow: "sun:04:30-sun:05:30",
        deletionProtection: true,
        monitoringIntervalSeconds: 15,
        performanceInsightsRetentionDays: 7,
      },
      sharedStorage: { transitionToIaDays: 30 },
      backup: { dailyRetentionDays: 35, monthlyRetentionDays: 365, vaultLock: "compliance" },
      // Oregon: far from Ohio, outside us-east-1 (where global control planes live), and a documented destination of
      // RDS cross-region automated backups from us-east-2 ("Replicating automated backups to another AWS Region").
      // Warm standby: the environment stands in Oregon too, one instance per AZ serving health checks, its own range;
      // DNS fails over to it. Its database is restored from the replicated backups at failover ("restore"): a
      // cross-region read replica is not supported while RDS manages the master password (guardrail MH-DR-2).
      recovery: {
        strategy: "warm-standby",
        region: "us-west-2",
        availabilityZones: ["us-west-2a", "us-west-2b", "us-west-2c"],
        vpcCidr: "10.21.0.0/16",
        database: "restore",
      },
      failureExperiments: { enabled: true, networkDisruptionMinutes: 5 },
      preventDestroy: true,
      loadBalancer: {
        deletionProtection: true,
        waf: true,
        wafRateLimitPer5Minutes: 2000,
        wafRateLimitExemptCidrs: [],
        wafLargeRequestBodies: "block",
        idleTimeoutSeconds: 60,
        deregistrationDelaySeconds: 30,
        // Detection in interval × unhealthyThreshold = 20 s; back in rotation after healthyThreshold × interval = 20 s.
        healthCheck: { intervalSeconds: 10, timeoutSeconds: 5, healthyThreshold: 2, unhealthyThreshold: 2 },
      },
      dns: {
        domainName: "medicare-hub.example",
        hostedZoneId: PLACEHOLDER_HOSTED_ZONE_ID,
        // Failover after 10 s × 3 failed checks + 60 s alias TTL = 90 s.
        healthCheck: { requestIntervalSeconds: 10, failureThreshold: 3 },
        maintenancePage: true,
      },
      alarms: {
        http5xxRatePercent: 5,
        p99LatencyMilliseconds: 1000,
        databaseCpuPercent: 80,
        databaseFreeStoragePercent: 10,
        databaseFreeableMemoryMib: 256,
        databaseConnections: 400,
        efsIoLimitPercent: 95,
        wafBlockedRequestsPer5Minutes: 1000,
        wafRuleBlockedPercent: 5,
        availabilitySloPercent: 99.9,
      },
      syntheticChecks: { enabled: true, intervalMinutes: 5 },
      alerts: { email: "oncall@medicare-hub.example", heartbeatUrl: "https://heartbeat.medicare-hub.example/medicare-hub-prod" },
    },
  },
};
