import { Lazy, type TerraformProvider } from "cdktf";
import { Construct } from "constructs";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CloudfrontDistribution } from "@cdktf/provider-aws/lib/cloudfront-distribution";
import { CloudfrontOriginAccessControl } from "@cdktf/provider-aws/lib/cloudfront-origin-access-control";
import { S3Object } from "@cdktf/provider-aws/lib/s3-object";
import { bucketName, resourceName } from "./naming";
import { SecureBucket } from "./secure-bucket";
import type { DeploymentContext } from "./context";

/** The page, kept as its own file so it can be reviewed (and translated) as HTML. */
export const MAINTENANCE_PAGE = join(__dirname, "maintenance", "index.html");
/** AWS's managed "CachingOptimized" cache policy. */
export const CACHING_OPTIMIZED_POLICY_ID = "658327ea-f89d-4fab-a63d-7e88639e58f6";
/** Every path but "/" answers 503 with the page: clients and monitors see the service is down, people see why. */
export const MAINTENANCE_STATUS = 503;

export interface MaintenanceSiteProps extends Pick<DeploymentContext, "environment" | "accountId" | "region"> {
  /** The domain the page is served for (the environment's domain, during failover). */
  readonly domainName: string;
  /** A validated certificate for the domain in us-east-1 (CloudFront only uses certificates from there). */
  readonly certificateArn: string;
  /**
   * Provider CloudFront resources are created through (any region works; us-east-1 keeps them with their cert).
   * @default - the stack's default provider
   */
  readonly provider?: TerraformProvider;
}

/**
 * The secondary of DNS failover: a static "MediCare Hub is under maintenance" page in a private S3 bucket, served
 * over HTTPS by CloudFront (origin access control: only this distribution may read the bucket). It shares nothing with
 * the primary path (no load balancer, no instances, no VPC), so it stays up when they are down.
 */
export class MaintenanceSite extends Construct {
  readonly distribution: CloudfrontDistribution;

  constructor(scope: Construct, id: string, props: MaintenanceSiteProps) {
    super(scope, id);
    const name = resourceName(props.environment, "maintenance");
    const distributionArn = Lazy.stringValue({ produce: () => this.distribution.arn });

    const bucket = new SecureBucket(this, "bucket", {
      bucketName: bucketName(props.environment, "maintenance", props.accountId, props.region),
      // Public content (no PHI): SSE-S3 keeps CloudFront's read path free of KMS permissions.
      encryption: "s3-managed",
      preventDestroy: false,
      extraPolicyStatements: (bucketArn) => [
        {
          sid: "AllowThisDistributionToRead",
          effect: "Allow",
          principals: [{ type: "Service", identifiers: ["cloudfront.amazonaws.com"] }],
          actions: ["s3:GetObject"],
          resources: [`${bucketArn}/*`],
          condition: [{ test: "StringEquals", variable: "AWS:SourceArn", values: [distributionArn] }],
        },
      ],
    });

    new S3Object(this, "page", {
      bucket: bucket.bucket.id,
      key: "index.html",
      // Base64, not `content`: cdktf renders multi-line strings as HCL heredocs, which add a trailing newline the
      // JSON output does not have (the object would differ between the two formats).
      contentBase64: readFileSync(MAINTENANCE_PAGE).toString("base64"),
      contentType: "text/html; charset=utf-8",
      cacheControl: "no-cache",
    });

    const accessControl = new CloudfrontOriginAccessControl(this, "origin-access", {
      provider: props.provider,
      name,
      description: "MediCare Hub maintenance page: CloudFront signs every request to the bucket",
      originAccessControlOriginType: "s3",
      signingBehavior: "always",
      signingProtocol: "sigv4",
    });

    const originId = "maintenance-page";
    this.distribution = new CloudfrontDistribution(this, "distribution", {
      provider: props.provider,
      enabled: true,
      comment: `MediCare Hub ${props.environment}: maintenance page (DNS failover secondary)`,
      aliases: [props.domainName],
      defaultRootObject: "index.html",
      isIpv6Enabled: true,
      httpVersion: "http2and3",
      priceClass: "PriceClass_100",
      origin: [{ domainName: bucket.bucket.bucketRegionalDomainName, originId, originAccessControlId: accessControl.id }],
      defaultCacheBehavior: {
        targetOriginId: originId,
        viewerProtocolPolicy: "redirect-to-https",
        allowedMethods: ["GET", "HEAD"],
        cachedMethods: ["GET", "HEAD"],
        cachePolicyId: CACHING_OPTIMIZED_POLICY_ID,
        compress: true,
      },
      customErrorResponse: [403, 404].map((errorCode) => ({
        errorCode,
        responseCode: MAINTENANCE_STATUS,
        responsePagePath: "/index.html",
        errorCachingMinTtl: 10,
      })),
      restrictions: { geoRestriction: { restrictionType: "none" } },
      viewerCertificate: {
        acmCertificateArn: props.certificateArn,
        sslSupportMethod: "sni-only",
        minimumProtocolVersion: "TLSv1.2_2021",
      },
      tags: { Name: name },
    });
  }
}
