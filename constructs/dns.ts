import { TerraformIterator, Token } from "cdktf";
import { Construct } from "constructs";
import { AcmCertificate } from "@cdktf/provider-aws/lib/acm-certificate";
import { AcmCertificateValidation } from "@cdktf/provider-aws/lib/acm-certificate-validation";
import { Route53Record } from "@cdktf/provider-aws/lib/route53-record";
import { Route53Zone } from "@cdktf/provider-aws/lib/route53-zone";
import { resourceName } from "./naming";

/** TTL of the certificate's validation records: they never change, but a short TTL speeds up re-validation. */
export const VALIDATION_RECORD_TTL_SECONDS = 60;

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

/**
 * The environment's DNS: its public hosted zone (created, or an existing one) and an ACM certificate for the domain,
 * validated through DNS records in that zone so it renews without anyone's help. The routing layer adds the
 * health-checked records for the load balancer to this construct's zone.
 */
export class Dns extends Construct {
  readonly zoneId: string;
  readonly domainName: string;
  /** ARN of the certificate once validated: listeners using it wait for validation. */
  readonly certificateArn: string;

  constructor(scope: Construct, id: string, props: DnsProps) {
    super(scope, id);
    this.domainName = props.domainName;
    this.zoneId =
      props.hostedZoneId ??
      new Route53Zone(this, "zone", {
        name: props.domainName,
        comment: `MediCare Hub ${props.environment}: managed by cdktf`,
        forceDestroy: false,
      }).zoneId;

    const certificate = new AcmCertificate(this, "certificate", {
      domainName: props.domainName,
      validationMethod: "DNS",
      keyAlgorithm: "RSA_2048",
      options: { certificateTransparencyLoggingPreference: "ENABLED" },
      tags: { Name: resourceName(props.environment, "certificate") },
      // A replacement certificate is issued and attached before the old one is deleted.
      lifecycle: { createBeforeDestroy: true },
    });

    const validationOptions = TerraformIterator.fromComplexList(certificate.domainValidationOptions, "domain_name");
    const records = new Route53Record(this, "certificate-validation-record", {
      forEach: validationOptions,
      zoneId: this.zoneId,
      name: validationOptions.getString("resource_record_name"),
      type: validationOptions.getString("resource_record_type"),
      records: [validationOptions.getString("resource_record_value")],
      ttl: VALIDATION_RECORD_TTL_SECONDS,
      allowOverwrite: true,
    });

    const validation = new AcmCertificateValidation(this, "certificate-validation", {
      certificateArn: certificate.arn,
      validationRecordFqdns: Token.asList(TerraformIterator.fromResources(records).pluckProperty("fqdn")),
    });
    this.certificateArn = validation.certificateArn;
  }
}
