import { Construct } from "constructs";
import { CloudwatchLogResourcePolicy } from "@cdktf/provider-aws/lib/cloudwatch-log-resource-policy";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { Annotations, Fn } from "cdktf";
import { Wafv2IpSet } from "@cdktf/provider-aws/lib/wafv2-ip-set";
import { Wafv2WebAcl } from "@cdktf/provider-aws/lib/wafv2-web-acl";
import { Wafv2WebAclAssociation } from "@cdktf/provider-aws/lib/wafv2-web-acl-association";
import { Wafv2WebAclLoggingConfiguration } from "@cdktf/provider-aws/lib/wafv2-web-acl-logging-configuration";
import { resourceName, wafLogGroupName } from "./naming";
import type { KmsKeyRef } from "./secure-bucket";
import { encryptedLogGroup } from "./logging";
import type { DeploymentContext } from "./context";

/** AWS managed rule groups, in evaluation order after the rate limit. */
export const MANAGED_RULE_GROUPS = [
  "AWSManagedRulesAmazonIpReputationList",
  "AWSManagedRulesCommonRuleSet",
  "AWSManagedRulesKnownBadInputsRuleSet",
] as const;

/** Request bodies over 8 KB are refused unless the app needs uploads. */
export const DEFAULT_LARGE_REQUEST_BODIES = "block";

/** Request headers never written to WAF logs: they carry sessions and credentials of patients and staff. */
export const REDACTED_HEADERS = ["authorization", "cookie"] as const;

export interface WebFirewallProps extends DeploymentContext {
  /** The regional resource (the ALB) the web ACL protects. */
  readonly resourceArn: string;
  /** Requests one client IP may send in 5 minutes before it is blocked. */
  readonly rateLimitPer5Minutes: number;
  /**
   * IPv4 ranges the rate limit does not count (a hospital's shared NAT egress).
   * @default - none
   */
  readonly rateLimitExemptCidrs?: readonly string[];
  /**
   * The Common Rule Set's SizeRestrictions_BODY verdict on bodies over 8 KB: "block" refuses them, "count" only
   * counts them (uploads).
   * @default DEFAULT_LARGE_REQUEST_BODIES ("block")
   */
  readonly largeRequestBodies?: "block" | "count";
  /** Key of the WAF log group. */
  readonly logKey: KmsKeyRef;
  /** Days the WAF logs are kept (config: logRetentionDays). */
  readonly logRetentionDays: number;
}

/** A rule of the web ACL and the CloudWatch `Rule` dimension its metrics carry (its visibility config's metric name). */
export interface WafRuleMetric {
  readonly rule: string;
  readonly metricName: string;
  readonly kind: "rate-limit" | "managed";
}

/**
 * AWS WAF web ACL for the load balancer: a per-IP rate limit, then AWS's IP reputation, common and known-bad-inputs
 * rule groups; everything it sees logged (credentials redacted) to an encrypted log group.
 */
export class WebFirewall extends Construct {
  readonly webAcl: Wafv2WebAcl;
  /** Each rule's metric name, for per-rule alarms ("AWS WAF metrics and dimensions": the Rule dimension). */
  readonly ruleMetrics: readonly WafRuleMetric[];

  constructor(scope: Construct, id: string, props: WebFirewallProps) {
    super(scope, id);
    const name = resourceName(props.environment, "waf");
    const visibility = (metricName: string) => ({ SampledRequestsEnabled: true, CloudWatchMetricsEnabled: true, MetricName: metricName });
    // Rules go through rule_json (the WAF API's own format): cdktf types nested WAF statements as `any`, which its HCL
    // renderer would write as an attribute instead of a block.
    const exempt = props.rateLimitExemptCidrs ?? [];
    const exemptSet =
      exempt.length > 0
        ? new Wafv2IpSet(this, "rate-limit-exempt", {
            name: `${name}-rate-limit-exempt`,
            description: `MediCare Hub ${props.environment}: shared egress ranges the per-IP rate limit does not count`,
            scope: "REGIONAL",
            ipAddressVersion: "IPV4",
            addresses: [...exempt],
          })
        : undefined;
    const largeBodies = props.largeRequestBodies ?? DEFAULT_LARGE_REQUEST_BODIES;
    if (largeBodies === "count") {
      Annotations.of(this).addWarning(
        'loadBalancer.wafLargeRequestBodies is "count": request bodies over 8 KB pass the firewall uninspected beyond their ' +
          "first 8 KB. Keep it only if the app accepts uploads, and validate them in the app.",
      );
    }
    const rules = [
      {
        Name: "rate-limit-per-ip",
        Priority: 0,
        Action: { Block: {} },
        Statement: {
          RateBasedStatement: {
            Limit: props.rateLimitPer5Minutes,
            EvaluationWindowSec: 300,
            AggregateKeyType: "IP",
            ...(exemptSet ? { ScopeDownStatement: { NotStatement: { Statement: { IPSetReferenceStatement: { ARN: exemptSet.arn } } } } } : {}),
          },
        },
        VisibilityConfig: visibility(`${name}-rate-limit`),
      },
      ...MANAGED_RULE_GROUPS.map((group, i) => ({
        Name: group,
        Priority: i + 1,
        OverrideAction: { None: {} },
        Statement: {
          ManagedRuleGroupStatement: {
            VendorName: "AWS",
            Name: group,
            ...(group === "AWSManagedRulesCommonRuleSet" && largeBodies === "count"
              ? { RuleActionOverrides: [{ Name: "SizeRestrictions_BODY", ActionToUse: { Count: {} } }] }
              : {}),
          },
        },
        VisibilityConfig: visibility(`${name}-${group}`),
      })),
    ];
    this.ruleMetrics = rules.map((rule) => ({
      rule: rule.Name,
      metricName: rule.VisibilityConfig.MetricName,
      kind: "RateBasedStatement" in rule.Statement ? "rate-limit" : "managed",
    }));
    this.webAcl = new Wafv2WebAcl(this, "web-acl", {
      name,
      description: `MediCare Hub ${props.environment}: rate limit and AWS managed rules in front of the load balancer`,
      scope: "REGIONAL",
      defaultAction: { allow: {} },
      // A reference inside a JSON string is written as invalid HCL by cdktf 0.21: with the exemption set's ARN in the
      // rules, Terraform's jsonencode builds the string instead.
      ruleJson: exemptSet ? Fn.jsonencode(rules) : JSON.stringify(rules),
      visibilityConfig: { cloudwatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName: name },
      tags: { Name: name },
    });
    new Wafv2WebAclAssociation(this, "association", { resourceArn: props.resourceArn, webAclArn: this.webAcl.arn });

    const logGroup = encryptedLogGroup(this, "log-group", { name: wafLogGroupName(props.environment), retentionDays: props.logRetentionDays, key: props.logKey });
    const delivery = new DataAwsIamPolicyDocument(this, "log-delivery-policy", {
      statement: [
        {
          sid: "WafLogDelivery",
          effect: "Allow",
          principals: [{ type: "Service", identifiers: ["delivery.logs.amazonaws.com"] }],
          actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
          resources: [`${logGroup.arn}:*`],
          condition: [
            { test: "StringEquals", variable: "aws:SourceAccount", values: [props.accountId] },
            { test: "ArnLike", variable: "aws:SourceArn", values: [`arn:${props.partition}:logs:${props.region}:${props.accountId}:*`] },
          ],
        },
      ],
    });
    const resourcePolicy = new CloudwatchLogResourcePolicy(this, "log-delivery", {
      policyName: `${name}-log-delivery`,
      policyDocument: delivery.json,
    });
    new Wafv2WebAclLoggingConfiguration(this, "logging", {
      resourceArn: this.webAcl.arn,
      logDestinationConfigs: [logGroup.arn],
      redactedFields: REDACTED_HEADERS.map((header) => ({ singleHeader: { name: header } })),
      dependsOn: [resourcePolicy],
    });
  }
}
