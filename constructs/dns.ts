import { TerraformIterator, Token, type TerraformProvider } from "cdktf";
import { Construct } from "constructs";
import { AcmCertificate } from "@cdktf/provider-aws/lib/acm-certificate";
import { AcmCertificateValidation } from "@cdktf/provider-aws/lib/acm-certificate-validation";
import { Route53HealthCheck } from "@cdktf/provider-aws/lib/route53-health-check";
import { Route53Record, type Route53RecordAlias } from "@cdktf/provider-aws/lib/route53-record";
import { MaintenanceSite } from "./maintenance-site";
import { resourceName } from "./naming";
import type { DeploymentContext } from "./context";

/** TTL of the certificate's validation records: they never change, but a short TTL speeds up re-validation. */
export const VALIDATION_RECORD_TTL_SECONDS = 60;
export { ALB_ALIAS_TTL_SECONDS } from "./aws-facts";
/**
 * IPv4 only: the load balancer is IPv4-only (the VPC has no IPv6), so an AAAA record would send IPv6-preferring
 * clients to an address that does not connect while the primary is healthy (guardrail MH-DNS-2). Dual-stack clients
 * use the A record.
 */
export const RECORD_TYPES = ["A"] as const;

export interface DnsProps extends Pick<DeploymentContext, "environment"> {
  /** The domain users reach the app on; the certificate is issued for it. */
  readonly domainName: string;
  /**
   * The public hosted zone that answers for `domainName` (its apex or a parent domain), already delegated from the
   * parent: ACM validates the certificates through records in it, and a zone nobody delegated to would leave
   * validation waiting 75 minutes and failing. Required: a zone created by the same apply is never delegated in time
   * (docs/first-deploy.md).
   */
  readonly hostedZoneId: string;
}

/** Where the domain points, and how its health is judged. */
export interface RoutingProps {
  /** The load balancer serving the domain (the primary). */
  readonly loadBalancer: {
    /** The load balancer's DNS name: the alias target, and the host the Route 53 health checks probe. */
    readonly dnsName: string;
    /** The load balancer's canonical hosted zone id, which its alias records name. */
    readonly zoneId: string;
  };
  /** Path of the shallow health endpoint. */
  readonly healthCheckPath: string;
  /**
   * Path of the deep health endpoint (the app's database and shared files): Route 53 probes it through the load
   * balancer for an alarm only. It never decides failover or instance replacement.
   * @default - no deep check
   */
  readonly deepHealthCheckPath?: string;
  /** Seconds between each checker's requests, 10 or 30 (config: dns.healthCheck.requestIntervalSeconds). */
  readonly requestIntervalSeconds: number;
  /**
   * Failed checks in a row before Route 53 calls an endpoint unhealthy; an unhealthy load balancer fails DNS over to
   * the maintenance page, where there is one (config: dns.healthCheck.failureThreshold).
   */
  readonly failureThreshold: number;
  /**
   * The recovery region's load balancer (recovery.strategy "pilot-light" or "warm-standby"): the domain's failover
   * secondary, ahead of the maintenance page. It gets a health check of its own: a target group with no targets reads
   * healthy to alias evaluation ("A target group that has no registered targets is considered healthy", Route 53
   * Developer Guide, "Values specific for failover alias records"), so a pilot light at zero would take traffic. It
   * probes `deepHealthCheckPath` when given (the app with its database and files), else `healthCheckPath`.
   * @default - no standby: the maintenance page (or nothing) is the secondary
   */
  readonly standby?: StandbyRouting;
  /**
   * Failover to a static maintenance page while the load balancer is unhealthy, served by CloudFront through this
   * us-east-1 provider (CloudFront only uses certificates from there).
   * @default - no failover: plain alias records
   */
  readonly maintenancePage?: {
    /** The environment's account, part of the page bucket's globally unique name. */
    readonly accountId: string;
    /** The environment's region, where the page bucket is, and part of its name. */
    readonly region: string;
    /** Provider in us-east-1: the distribution, its origin access control and its certificate are created there. */
    readonly usEast1: TerraformProvider;
  };
}

/** The recovery region's side of the routing (`RoutingProps.standby`). */
export interface StandbyRouting {
  /** The recovery region's load balancer: an alias target, and the host its Route 53 health check probes. */
  readonly loadBalancer: {
    readonly dnsName: string;
    readonly zoneId: string;
  };
  /**
   * A second, shallow check of that load balancer (`healthCheckPath`) for an alarm only: a warm standby's public path
   * (listener, certificate, WAF, instances) is proven from the internet every day, not first during a failover, while
   * the routing check waits for a database that exists only after one.
   * @default false (a pilot light has nothing to answer it)
   */
  readonly reachabilityCheck?: boolean;
}

/**
 * With a standby and a maintenance page, the regions' failover pair answers for this name under the domain, and the
 * domain's own pair is (that name, else the page): the page's CloudFront alias stays on the domain itself, the name
 * its distribution serves.
 */
export const REGIONS_RECORD_PREFIX = "regions";

/** What `Dns.addRouting` builds: the checks the monitoring layer alarms on, and the failover secondary. */
export interface DnsRouting {
  /** The Route 53 health check of the load balancer: the failover primary's, and the `route53-health-check` alarm's. */
  readonly healthCheck: Route53HealthCheck;
  /**
   * Route 53's probe of the deep health endpoint.
   * @default - none, without a `deepHealthCheckPath`
   */
  readonly deepHealthCheck?: Route53HealthCheck;
  /**
   * The failover secondary.
   * @default - none, without a maintenance page
   */
  readonly maintenanceSite?: MaintenanceSite;
  /**
   * The Route 53 health check of the recovery region's load balancer.
   * @default - none, without a standby
   */
  readonly standbyHealthCheck?: Route53HealthCheck;
  /**
   * The shallow check of the recovery region's load balancer, for the `dr-standby-unreachable` alarm.
   * @default - none, without `standby.reachabilityCheck`
   */
  readonly standbyReachabilityCheck?: Route53HealthCheck;
}

/**
 * The environment's DNS in its existing, delegated public hosted zone: an ACM certificate for the domain,
 * validated through DNS records in that zone so it renews without anyone's help; then, once the load balancer exists,
 * `addRouting` points the domain at it through a health-checked failover record set.
 */
export class Dns extends Construct {
  readonly zoneId: string;
  readonly domainName: string;
  readonly environment: string;
  /** ARN of the regional certificate once validated: listeners using it wait for validation. */
  readonly certificateArn: string;
  /** The validation records, written once for the domain and shared by every certificate of it. */
  private readonly validationRecordFqdns: string[];
  /** What `addRouting` built, once it ran (it runs once). */
  private routing?: DnsRouting;

  constructor(scope: Construct, id: string, props: DnsProps) {
    super(scope, id);
    this.domainName = props.domainName;
    this.environment = props.environment;
    this.zoneId = props.hostedZoneId;
    const certificate = this.certificate("certificate");
    // ACM gives a domain the same validation CNAME for every certificate of it in the account, in every region
    // ("DNS validation", ACM User Guide), so one record set, owned by one resource, validates both certificates: two
    // resources writing the same record with allow_overwrite would delete it when either goes, breaking the other's
    // renewal.
    const validationOptions = TerraformIterator.fromComplexList(certificate.domainValidationOptions, "domain_name");
    const records = new Route53Record(this, "certificate-validation-record", {
      forEach: validationOptions,
      zoneId: this.zoneId,
      name: validationOptions.getString("resource_record_name"),
      type: validationOptions.getString("resource_record_type"),
      records: [validationOptions.getString("resource_record_value")],
      ttl: VALIDATION_RECORD_TTL_SECONDS,
      // The zone exists already and may hold this CNAME from an earlier certificate of the domain in the account:
      // adopt it instead of failing the first apply. Still one resource of this stack owns it.
      allowOverwrite: true,
    });
    this.validationRecordFqdns = Token.asList(TerraformIterator.fromResources(records).pluckProperty("fqdn"));
    this.certificateArn = this.validated("certificate", certificate);
  }

  /**
   * Health check, then the domain's A and AAAA records: failover (primary ALB, secondary page) or plain aliases.
   * Returns what it built (the health checks the monitoring layer alarms on, the maintenance site). Runs once.
   */
  addRouting(props: RoutingProps): DnsRouting {
    if (this.routing) throw new Error(`Dns ${this.node.path}: addRouting was already called`);
    this.routing = this.route(props);
    return this.routing;
  }

  private route(props: RoutingProps): DnsRouting {
    // The check targets the load balancer itself, not the domain: once DNS fails over, a check of the domain would
    // test the maintenance page and never see the primary recover.
    const healthCheck = new Route53HealthCheck(this, "health-check", {
      type: "HTTPS",
      fqdn: props.loadBalancer.dnsName,
      port: 443,
      resourcePath: props.healthCheckPath,
      enableSni: true,
      requestInterval: props.requestIntervalSeconds,
      failureThreshold: props.failureThreshold,
      measureLatency: true,
      tags: { Name: resourceName(this.environment, "alb-health") },
    });
    let deepHealthCheck: Route53HealthCheck | undefined;
    if (props.deepHealthCheckPath) {
      // Each probe reaches one target, at random: it fails when most targets cannot reach the database or their
      // files (Route 53 calls an endpoint healthy while more than 18 % of its checkers do: "How Amazon Route 53
      // determines whether a health check is healthy"), which is an outage of the app, not of one instance.
      deepHealthCheck = new Route53HealthCheck(this, "deep-health-check", {
        type: "HTTPS",
        fqdn: props.loadBalancer.dnsName,
        port: 443,
        resourcePath: props.deepHealthCheckPath,
        enableSni: true,
        requestInterval: props.requestIntervalSeconds,
        failureThreshold: props.failureThreshold,
        tags: { Name: resourceName(this.environment, "app-deep-health") },
      });
    }
    const toLoadBalancer = { name: props.loadBalancer.dnsName, zoneId: props.loadBalancer.zoneId, evaluateTargetHealth: true };
    const standby = props.standby;
    // The recovery region's load balancer, probed on the deep path when there is one: it passes only once instances
    // answer there with their database and files, so users stay on the maintenance page while a pilot light scales up
    // or the database is being restored, rather than reaching an app without its data.
    const standbyHealthCheck = standby
      ? new Route53HealthCheck(this, "standby-health-check", {
          type: "HTTPS",
          fqdn: standby.loadBalancer.dnsName,
          port: 443,
          resourcePath: props.deepHealthCheckPath ?? props.healthCheckPath,
          enableSni: true,
          requestInterval: props.requestIntervalSeconds,
          failureThreshold: props.failureThreshold,
          measureLatency: true,
          tags: { Name: resourceName(this.environment, "dr-alb-health") },
        })
      : undefined;
    const toStandby = standby ? { name: standby.loadBalancer.dnsName, zoneId: standby.loadBalancer.zoneId, evaluateTargetHealth: true } : undefined;
    const standbyReachabilityCheck = standby?.reachabilityCheck
      ? new Route53HealthCheck(this, "standby-reachability-check", {
          type: "HTTPS",
          fqdn: standby.loadBalancer.dnsName,
          port: 443,
          resourcePath: props.healthCheckPath,
          enableSni: true,
          requestInterval: props.requestIntervalSeconds,
          failureThreshold: props.failureThreshold,
          tags: { Name: resourceName(this.environment, "dr-alb-reachable") },
        })
      : undefined;

    if (!props.maintenancePage) {
      for (const type of RECORD_TYPES) {
        if (toStandby && standbyHealthCheck) {
          this.failoverPair(type, this.domainName, "", { alias: toLoadBalancer, healthCheckId: healthCheck.id }, { alias: toStandby, healthCheckId: standbyHealthCheck.id, id: "recovery-region" });
        } else {
          new Route53Record(this, `${type.toLowerCase()}-record`, { zoneId: this.zoneId, name: this.domainName, type, alias: toLoadBalancer });
        }
      }
      return { healthCheck, deepHealthCheck, standbyHealthCheck, standbyReachabilityCheck };
    }

    const page = props.maintenancePage;
    const maintenanceSite = new MaintenanceSite(this, "maintenance-site", {
      environment: this.environment,
      accountId: page.accountId,
      region: page.region,
      domainName: this.domainName,
      certificateArn: this.validated("cloudfront-certificate", this.certificate("cloudfront-certificate", page.usEast1), page.usEast1),
      provider: page.usEast1,
    });
    const toMaintenancePage = {
      name: maintenanceSite.distribution.domainName,
      zoneId: maintenanceSite.distribution.hostedZoneId,
      evaluateTargetHealth: false,
    };
    for (const type of RECORD_TYPES) {
      if (toStandby && standbyHealthCheck) {
        // Nested failover ("complex configurations", Route 53 Developer Guide): the domain's primary is the regions'
        // pair, healthy while either load balancer's health check passes (evaluate target health on every alias of
        // the tree, as AWS advises), and its secondary the page, once both fail.
        const regions = `${REGIONS_RECORD_PREFIX}.${this.domainName}`;
        const pair = this.failoverPair(type, regions, "region-", { alias: toLoadBalancer, healthCheckId: healthCheck.id }, { alias: toStandby, healthCheckId: standbyHealthCheck.id, id: "recovery-region" });
        new Route53Record(this, `${type.toLowerCase()}-primary`, {
          zoneId: this.zoneId,
          name: this.domainName,
          type,
          setIdentifier: "primary-regions",
          failoverRoutingPolicy: { type: "PRIMARY" },
          alias: { name: pair.primary.fqdn, zoneId: this.zoneId, evaluateTargetHealth: true },
          dependsOn: [pair.primary, pair.secondary],
        });
      } else {
        new Route53Record(this, `${type.toLowerCase()}-primary`, {
          zoneId: this.zoneId,
          name: this.domainName,
          type,
          setIdentifier: "primary-load-balancer",
          failoverRoutingPolicy: { type: "PRIMARY" },
          healthCheckId: healthCheck.id,
          alias: toLoadBalancer,
        });
      }
      new Route53Record(this, `${type.toLowerCase()}-secondary`, {
        zoneId: this.zoneId,
        name: this.domainName,
        type,
        setIdentifier: "secondary-maintenance-page",
        failoverRoutingPolicy: { type: "SECONDARY" },
        alias: toMaintenancePage,
      });
    }
    return { healthCheck, deepHealthCheck, maintenanceSite, standbyHealthCheck, standbyReachabilityCheck };
  }

  /** A health-checked failover pair at `name`: the primary region's load balancer, then the recovery region's. */
  private failoverPair(
    type: string,
    name: string,
    idPrefix: string,
    primary: { alias: Route53RecordAlias; healthCheckId: string },
    secondary: { alias: Route53RecordAlias; healthCheckId: string; id: string },
  ): { primary: Route53Record; secondary: Route53Record } {
    const lower = type.toLowerCase();
    return {
      primary: new Route53Record(this, `${lower}-${idPrefix}primary`, {
        zoneId: this.zoneId,
        name,
        type,
        setIdentifier: "primary-load-balancer",
        failoverRoutingPolicy: { type: "PRIMARY" },
        healthCheckId: primary.healthCheckId,
        alias: primary.alias,
      }),
      secondary: new Route53Record(this, `${lower}-${idPrefix}secondary`, {
        zoneId: this.zoneId,
        name,
        type,
        setIdentifier: `secondary-${secondary.id}`,
        failoverRoutingPolicy: { type: "SECONDARY" },
        healthCheckId: secondary.healthCheckId,
        alias: secondary.alias,
      }),
    };
  }

  /**
   * The domain's certificate in another region (the recovery region's load balancer), validated by the records this
   * construct already wrote: ACM gives the domain the same validation CNAME in every region, so no record is added.
   * Returns its ARN once validated.
   */
  certificateIn(id: string, provider: TerraformProvider): string {
    return this.validated(id, this.certificate(id, provider), provider);
  }

  /** A DNS-validated certificate for the domain; a replacement is issued and attached before the old one goes. */
  private certificate(id: string, provider?: TerraformProvider): AcmCertificate {
    return new AcmCertificate(this, id, {
      provider,
      domainName: this.domainName,
      validationMethod: "DNS",
      keyAlgorithm: "RSA_2048",
      options: { certificateTransparencyLoggingPreference: "ENABLED" },
      tags: { Name: resourceName(this.environment, id) },
      lifecycle: { createBeforeDestroy: true },
    });
  }

  /** The certificate's ARN once ACM has validated it through the shared records: users of it wait for validation. */
  private validated(id: string, certificate: AcmCertificate, provider?: TerraformProvider): string {
    return new AcmCertificateValidation(this, `${id}-validation`, {
      provider,
      certificateArn: certificate.arn,
      validationRecordFqdns: this.validationRecordFqdns,
    }).certificateArn;
  }
}
