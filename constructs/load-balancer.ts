import { Annotations } from "cdktf";
import { Construct } from "constructs";
import { DataAwsElbServiceAccount } from "@cdktf/provider-aws/lib/data-aws-elb-service-account";
import { Lb } from "@cdktf/provider-aws/lib/lb";
import { LbListener } from "@cdktf/provider-aws/lib/lb-listener";
import { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group";
import { HEALTH_CHECK_PATH } from "./app/user-data";
import { bucketName, resourceName, targetGroupName } from "./naming";
import { SecureBucket } from "./secure-bucket";
import { HTTPS_PORT, HTTP_PORT } from "./security-groups";
import { WebFirewall, type WebFirewallProps } from "./web-firewall";
import type { DeploymentContext } from "./context";

// The paths constructs/app/bootstrap.sh serves, defined beside it (constructs/app/user-data.ts, free of cdktf).
export { DEEP_HEALTH_CHECK_PATH, HEALTH_CHECK_PATH } from "./app/user-data";
/** TLS 1.3, and TLS 1.2 with forward-secret AEAD ciphers only. */
export const TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-Res-2021-06";
/** Prefix of the ALB's objects in its log bucket. */
export const ALB_ACCESS_LOG_PREFIX = "alb";

export { targetGroupName } from "./naming";

/** Target-group health check timing. */
export interface HealthCheckTiming {
  readonly intervalSeconds: number;
  readonly timeoutSeconds: number;
  readonly healthyThreshold: number;
  readonly unhealthyThreshold: number;
}

export interface LoadBalancerProps extends DeploymentContext {
  /** The VPC of the target group. */
  readonly vpcId: string;
  /** One public subnet per AZ: the ALB has a node in each. */
  readonly publicSubnetIds: readonly string[];
  /** The load balancer's security group (`SecurityGroups.alb`): 80 and 443 from the internet, out to the app only. */
  readonly securityGroupId: string;
  /** Port the app serves HTTPS on, on the instances (constructs/app/bootstrap.sh): traffic and health checks. */
  readonly appPort: number;
  /** A certificate for the environment's domain (validated: the HTTPS listener waits for it). */
  readonly certificateArn: string;
  /**
   * Timing of the target group's check of `/health` (config: loadBalancer.healthCheck): a failing instance leaves
   * rotation after interval × unhealthy threshold seconds.
   */
  readonly healthCheck: HealthCheckTiming;
  /**
   * Seconds in-flight requests get to finish when an instance leaves the target group (config:
   * loadBalancer.deregistrationDelaySeconds).
   */
  readonly deregistrationDelaySeconds: number;
  /** Seconds an idle client connection is kept open (config: loadBalancer.idleTimeoutSeconds). */
  readonly idleTimeoutSeconds: number;
  /** Refuse deletion of the ALB through the API (and `prevent_destroy` on its log bucket). */
  readonly deletionProtection: boolean;
  /** Days ALB access logs are kept. */
  readonly accessLogRetentionDays: number;
  /**
   * AWS WAF in front of the ALB.
   * @default - no WAF; the stack reports that as a warning
   */
  readonly waf?: Pick<WebFirewallProps, "rateLimitPer5Minutes" | "rateLimitExemptCidrs" | "largeRequestBodies" | "logKey" | "logRetentionDays">;
}

/**
 * The internet-facing Application Load Balancer: a node in every AZ's public subnet, HTTPS with TLS 1.3 and HTTP
 * redirected to it, invalid headers dropped, request smuggling mitigated, every request logged to a dedicated bucket,
 * and a target group that re-encrypts to the instances (HTTPS, health checks included) and takes a failing instance
 * out of rotation within interval × unhealthy threshold seconds.
 */
export class LoadBalancer extends Construct {
  readonly alb: Lb;
  readonly targetGroup: LbTargetGroup;
  readonly httpsListener: LbListener;
  readonly accessLogBucket: SecureBucket;
  readonly firewall?: WebFirewall;

  constructor(scope: Construct, id: string, props: LoadBalancerProps) {
    super(scope, id);
    const { environment, accountId } = props;

    // ELB delivers access logs only to SSE-S3 buckets, written by the region's ELB account.
    const elbAccount = new DataAwsElbServiceAccount(this, "elb-account", {});
    this.accessLogBucket = new SecureBucket(this, "access-log-bucket", {
      bucketName: bucketName(environment, "alb-logs", accountId, props.region),
      encryption: "s3-managed",
      expireCurrentAfterDays: props.accessLogRetentionDays,
      preventDestroy: props.deletionProtection,
      extraPolicyStatements: (bucketArn) => [
        {
          sid: "AllowElbAccessLogDelivery",
          effect: "Allow",
          principals: [{ type: "AWS", identifiers: [elbAccount.arn] }],
          actions: ["s3:PutObject"],
          resources: [`${bucketArn}/${ALB_ACCESS_LOG_PREFIX}/AWSLogs/${accountId}/*`],
        },
      ],
    });

    this.alb = new Lb(this, "alb", {
      name: resourceName(environment, "alb"),
      internal: false,
      loadBalancerType: "application",
      ipAddressType: "ipv4",
      subnets: [...props.publicSubnetIds],
      securityGroups: [props.securityGroupId],
      dropInvalidHeaderFields: true,
      desyncMitigationMode: "defensive",
      enableDeletionProtection: props.deletionProtection,
      enableHttp2: true,
      enableWafFailOpen: false,
      idleTimeout: props.idleTimeoutSeconds,
      accessLogs: { bucket: this.accessLogBucket.bucket.bucket, prefix: ALB_ACCESS_LOG_PREFIX, enabled: true },
      tags: { Name: resourceName(environment, "alb") },
      // ELB checks it may write to the bucket when logging is switched on.
      dependsOn: [this.accessLogBucket.policy],
    });

    const check = props.healthCheck;
    // PHI stays encrypted inside the VPC too: HIPAA 164.312(e) and AWS's HIPAA guidance ask for encrypted back-end
    // connections. The ALB does not validate target certificates ("Target groups for your Application Load
    // Balancers"), so each instance serves one it makes at boot (constructs/app/bootstrap.sh).
    this.targetGroup = new LbTargetGroup(this, "app-targets", {
      name: targetGroupName(environment),
      port: props.appPort,
      protocol: "HTTPS",
      targetType: "instance",
      vpcId: props.vpcId,
      deregistrationDelay: String(props.deregistrationDelaySeconds),
      healthCheck: {
        enabled: true,
        path: HEALTH_CHECK_PATH,
        protocol: "HTTPS",
        port: "traffic-port",
        matcher: "200",
        interval: check.intervalSeconds,
        timeout: check.timeoutSeconds,
        healthyThreshold: check.healthyThreshold,
        unhealthyThreshold: check.unhealthyThreshold,
      },
      tags: { Name: targetGroupName(environment) },
      // A change of protocol or port replaces the group. Deleting it first fails while the listener forwards to it
      // (ResourceInUse, hashicorp/terraform-provider-aws#636), so the replacement comes first, under a new name.
      lifecycle: { createBeforeDestroy: true },
    });

    this.httpsListener = new LbListener(this, "https-listener", {
      loadBalancerArn: this.alb.arn,
      port: HTTPS_PORT,
      protocol: "HTTPS",
      sslPolicy: TLS_POLICY,
      certificateArn: props.certificateArn,
      defaultAction: [{ type: "forward", targetGroupArn: this.targetGroup.arn }],
    });

    new LbListener(this, "http-listener", {
      loadBalancerArn: this.alb.arn,
      port: HTTP_PORT,
      protocol: "HTTP",
      defaultAction: [{ type: "redirect", redirect: { protocol: "HTTPS", port: String(HTTPS_PORT), statusCode: "HTTP_301" } }],
    });

    if (props.waf) {
      this.firewall = new WebFirewall(this, "waf", {
        environment,
        accountId,
        region: props.region,
        partition: props.partition,
        resourceArn: this.alb.arn,
        ...props.waf,
      });
    } else {
      Annotations.of(this).addWarning(
        "loadBalancer.waf is false: no web application firewall, rate limit or IP reputation filtering in front of the " +
          "app. A cost switch for non-production.",
      );
    }
  }
}
