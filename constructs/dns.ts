import { TerraformIterator, Token, type TerraformProvider } from "cdktf";
import { Construct } from "constructs";
import { AcmCertificate } from "@cdktf/provider-aws/lib/acm-certificate";
import { AcmCertificateValidation } from "@cdktf/provider-aws/lib/acm-certificate-validation";
import { Route53HealthCheck } from "@cdktf/provider-aws/lib/route53-health-check";
import { Route53Record } from "@cdktf/provider-aws/lib/route53-record";
import { Route53Zone } from "@cdktf/provider-aws/lib/route53-zone";
import { MaintenanceSite } from "./maintenance-site";
import { resourceName } from "./naming";

/** TTL of the certificate's validation records: they never change, but a short TTL speeds up re-validation. */
export const VALIDATION_RECORD_TTL_SECONDS = 60;
/** Route 53 answers alias records to a load balancer with the load balancer's own TTL: 60 seconds. */
export const ALB_ALIAS_TTL_SECONDS = 60;
/** Both address families, so IPv6 clients get an answer wherever the target serves IPv6 (CloudFront does). */
export const RECORD_TYPES = ["A", "AAAA"] as const;

export interface DnsProps {
  readonly environment: string;
  /** The domain users reach the app on; the certificate is issued for it. */
  readonly domainName: string;
  /**
   * An existing public hosted zone for `domainName` (e.g. one delegated by another team).
   * @default - a hosted zone is created; delegate its name servers from the parent domain
   */
  readonly hostedZoneId?: string;
}

/** Where the domain points, and how its health is judged. */
export interface RoutingProps {
  /** The load balancer serving the domain (the primary). */
  readonly loadBalancer: { readonly dnsName: string; readonly zoneId: string };
  /** Path of the shallow health endpoint. */
  readonly healthCheckPath: string;
  readonly requestIntervalSeconds: number;
  readonly failureThreshold: number;
  /**
   * Failover to a static maintenance page while the load balancer is unhealthy, served by CloudFront through this
   * us-east-1 provider (CloudFront only uses certificates from there). @default - no failover: plain alias records
   */
  readonly maintenancePage?: { readonly accountId: string; readonly region: string; readonly usEast1: TerraformProvider };
}

/**
 * The environment's DNS: its public hosted zone (created, or an existing one) and an ACM certificate for the domain,
 * validated through DNS records in that zone so it renews without anyone's help; then, once the load balancer exists,
 * `addRouting` points the domain at it through a health-checked failover record set.
 */
export class Dns extends Construct {
  readonly zoneId: string;
  readonly domainName: string;
  readonly environment: string;
  /** ARN of the regional certificate once validated: listeners using it wait for validation. */
  readonly certificateArn: string;
  /** The Route 53 health check of the load balancer (set by `addRouting`). */
  healthCheck?: Route53HealthCheck;
  /** The failover secondary (set by `addRouting` with a maintenance page). */
  maintenanceSite?: MaintenanceSite;

  constructor(scope: Construct, id: string, props: DnsProps) {
    super(scope, id);
    this.domainName = props.domainName;
    this.environment = props.environment;
    this.zoneId =
      props.hostedZoneId ??
      new Route53Zone(this, "zone", {
        name: props.domainName,
        comment: `MediCare Hub ${props.environment}: managed by cdktf`,
        forceDestroy: false,
      }).zoneId;
    this.certificateArn = this.validatedCertificate("certificate");
  }

  /**
   * Health check, then the domain's A and AAAA records: failover (primary ALB, secondary page) or plain aliases.
   * Returns the health check, which the monitoring layer alarms on.
   */
  addRouting(props: RoutingProps): Route53HealthCheck {
    if (this.healthCheck) throw new Error(`Dns ${this.node.path}: addRouting was already called`);
    // The check targets the load balancer itself, not the domain: once DNS fails over, a check of the domain would
    // test the maintenance page and never see the primary recover.
    this.healthCheck = new Route53HealthCheck(this, "health-check", {
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
    const toLoadBalancer = { name: props.loadBalancer.dnsName, zoneId: props.loadBalancer.zoneId, evaluateTargetHealth: true };

    if (!props.maintenancePage) {
      for (const type of RECORD_TYPES) {
        new Route53Record(this, `${type.toLowerCase()}-record`, { zoneId: this.zoneId, name: this.domainName, type, alias: toLoadBalancer });
      }
      return this.healthCheck;
    }

    const page = props.maintenancePage;
    this.maintenanceSite = new MaintenanceSite(this, "maintenance-site", {
      environment: this.environment,
      accountId: page.accountId,
      region: page.region,
      domainName: this.domainName,
      certificateArn: this.validatedCertificate("cloudfront-certificate", page.usEast1),
      provider: page.usEast1,
    });
    const toMaintenancePage = {
      name: this.maintenanceSite.distribution.domainName,
      zoneId: this.maintenanceSite.distribution.hostedZoneId,
      evaluateTargetHealth: false,
    };
    for (const type of RECORD_TYPES) {
      new Route53Record(this, `${type.toLowerCase()}-primary`, {
        zoneId: this.zoneId,
        name: this.domainName,
        type,
        setIdentifier: "primary-load-balancer",
        failoverRoutingPolicy: { type: "PRIMARY" },
        healthCheckId: this.healthCheck.id,
        alias: toLoadBalancer,
      });
      new Route53Record(this, `${type.toLowerCase()}-secondary`, {
        zoneId: this.zoneId,
        name: this.domainName,
        type,
        setIdentifier: "secondary-maintenance-page",
        failoverRoutingPolicy: { type: "SECONDARY" },
        alias: toMaintenancePage,
      });
    }
    return this.healthCheck;
  }

  /**
   * A certificate for the domain, validated through DNS. ACM gives a domain the same validation record in every
   * region, so a second certificate (us-east-1, for CloudFront) writes the same record: `allow_overwrite` makes the
   * two record resources agree instead of conflict.
   */
  private validatedCertificate(id: string, provider?: TerraformProvider): string {
    const certificate = new AcmCertificate(this, id, {
      provider,
      domainName: this.domainName,
      validationMethod: "DNS",
      keyAlgorithm: "RSA_2048",
      options: { certificateTransparencyLoggingPreference: "ENABLED" },
      tags: { Name: resourceName(this.environment, id) },
      // A replacement certificate is issued and attached before the old one is deleted.
      lifecycle: { createBeforeDestroy: true },
    });
    const validationOptions = TerraformIterator.fromComplexList(certificate.domainValidationOptions, "domain_name");
    const records = new Route53Record(this, `${id}-validation-record`, {
      forEach: validationOptions,
      zoneId: this.zoneId,
      name: validationOptions.getString("resource_record_name"),
      type: validationOptions.getString("resource_record_type"),
      records: [validationOptions.getString("resource_record_value")],
      ttl: VALIDATION_RECORD_TTL_SECONDS,
      allowOverwrite: true,
    });
    return new AcmCertificateValidation(this, `${id}-validation`, {
      provider,
      certificateArn: certificate.arn,
      validationRecordFqdns: Token.asList(TerraformIterator.fromResources(records).pluckProperty("fqdn")),
    }).certificateArn;
  }
}
