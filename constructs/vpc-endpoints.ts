import { Annotations } from "cdktf";
import { Construct } from "constructs";
import { DataAwsIamPolicyDocument, type DataAwsIamPolicyDocumentStatement } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { VpcEndpoint } from "@cdktf/provider-aws/lib/vpc-endpoint";
import { resourceName } from "./naming";
import type { DeploymentContext } from "./context";

/** Gateway endpoints: free, and keep S3 and DynamoDB traffic off the NAT gateways. */
export const GATEWAY_ENDPOINT_SERVICES = ["s3", "dynamodb"] as const;
/** What SSM Session Manager and the CloudWatch agent need, so instances are managed without SSH or internet. */
export const INTERFACE_ENDPOINT_SERVICES = ["ssm", "ssmmessages", "ec2messages", "logs"] as const;

/**
 * AWS-owned buckets instances read through the S3 gateway endpoint, unsigned or as the instance role: the Amazon
 * Linux 2023 package repositories ("Amazon Linux 2023 repositories through an S3 gateway endpoint") and the buckets
 * SSM Agent and the CloudWatch agent download from ("SSM Agent communications with AWS managed S3 buckets").
 */
export function awsOwnedBuckets(region: string): string[] {
  return [
    `al2023-repos-${region}-de612dc2`,
    `amazonlinux-2-repos-${region}`,
    `aws-ssm-${region}`,
    `amazon-ssm-${region}`,
    `amazon-ssm-packages-${region}`,
    `${region}-birdwatcher-prod`,
    `aws-ssm-document-attachments-${region}`,
    `patch-baseline-snapshot-${region}`,
    `amazoncloudwatch-agent-${region}`,
  ];
}

export interface VpcEndpointsProps extends DeploymentContext {
  /** The VPC the endpoints are created in. */
  readonly vpcId: string;
  /** Route tables the gateway endpoints attach to: the private-app tier only (the data tier stays isolated). */
  readonly gatewayRouteTableIds: readonly string[];
  /** Subnets (one per AZ) the interface endpoints place their network interfaces in. */
  readonly interfaceSubnetIds: readonly string[];
  /** Security group of the interface endpoints (443 from the app tier). */
  readonly securityGroupId: string;
  /**
   * Create the interface endpoints. Off is a cost switch: management and log traffic then leaves through NAT, and
   * stops when NAT does. Reported as a warning.
   * @default true
   */
  readonly interfaceEndpoints?: boolean;
}

/** VPC endpoints so the app tier reaches AWS services privately. */
export class VpcEndpoints extends Construct {
  /** Service name → endpoint id. */
  readonly endpointIds: Readonly<Record<string, string>>;
  /** Every endpoint: instances reach SSM and CloudWatch Logs through the interface ones from their first boot. */
  readonly endpoints: readonly VpcEndpoint[];

  constructor(scope: Construct, id: string, props: VpcEndpointsProps) {
    super(scope, id);
    const ids: Record<string, string> = {};
    const endpoints: VpcEndpoint[] = [];
    const serviceName = (service: string) => `com.amazonaws.${props.region}.${service}`;
    for (const service of GATEWAY_ENDPOINT_SERVICES) {
      const endpoint = new VpcEndpoint(this, service, {
        vpcId: props.vpcId,
        serviceName: serviceName(service),
        vpcEndpointType: "Gateway",
        routeTableIds: [...props.gatewayRouteTableIds],
        policy: this.gatewayPolicy(service, props).json,
        tags: { Name: resourceName(props.environment, `${service}-endpoint`) },
      });
      endpoints.push(endpoint);
      ids[service] = endpoint.id;
    }
    if (props.interfaceEndpoints ?? true) {
      for (const service of INTERFACE_ENDPOINT_SERVICES) {
        const endpoint = new VpcEndpoint(this, service, {
          vpcId: props.vpcId,
          serviceName: serviceName(service),
          vpcEndpointType: "Interface",
          subnetIds: [...props.interfaceSubnetIds],
          securityGroupIds: [props.securityGroupId],
          privateDnsEnabled: true,
          policy: this.interfacePolicy(service, props).json,
          tags: { Name: resourceName(props.environment, `${service}-endpoint`) },
        });
        endpoints.push(endpoint);
        ids[service] = endpoint.id;
      }
    } else {
      Annotations.of(this).addWarning(
        `network.interfaceEndpoints is false: SSM and CloudWatch Logs traffic leaves through NAT, so instances cannot be ` +
          `managed or log while NAT is down. A cost switch for non-production.`,
      );
    }
    this.endpointIds = ids;
    this.endpoints = endpoints;
  }

  /**
   * (An endpoint policy's principal is always "*"; the conditions name whose requests pass: "Control access to VPC
   * endpoints using endpoint policies".)
   *
   * S3 and DynamoDB through the gateway endpoints: only this account's principals, on this account's buckets and
   * tables (aws:ResourceAccount), plus reading the AWS-owned buckets of packages and agents. Uploading PHI to a bucket
   * of another account through the endpoint is refused; all same-region S3 traffic of the app tier takes it.
   */
  private gatewayPolicy(service: (typeof GATEWAY_ENDPOINT_SERVICES)[number], props: VpcEndpointsProps): DataAwsIamPolicyDocument {
    const ours = [
      { test: "StringEquals", variable: "aws:PrincipalAccount", values: [props.accountId] },
      { test: "StringEquals", variable: "aws:ResourceAccount", values: [props.accountId] },
    ];
    const statements: DataAwsIamPolicyDocumentStatement[] = [
      {
        sid: "ThisAccountsPrincipalsOnThisAccountsResources",
        effect: "Allow",
        principals: [{ type: "*", identifiers: ["*"] }],
        actions: [`${service}:*`],
        resources: ["*"],
        condition: ours,
      },
    ];
    if (service === "s3") {
      statements.push({
        // Unsigned: dnf reads the repositories anonymously.
        sid: "ReadAwsOwnedPackageAndAgentBuckets",
        effect: "Allow",
        principals: [{ type: "*", identifiers: ["*"] }],
        actions: ["s3:GetObject"],
        resources: awsOwnedBuckets(props.region).map((bucket) => `arn:${props.partition}:s3:::${bucket}/*`),
      });
    }
    return new DataAwsIamPolicyDocument(this, `${service}-policy`, { statement: statements });
  }

  /** Interface endpoints: only this account's principals (the SSM and Logs APIs then check their own permissions). */
  private interfacePolicy(service: string, props: VpcEndpointsProps): DataAwsIamPolicyDocument {
    return new DataAwsIamPolicyDocument(this, `${service}-policy`, {
      statement: [
        {
          sid: "ThisAccountsPrincipals",
          effect: "Allow",
          principals: [{ type: "*", identifiers: ["*"] }],
          actions: ["*"],
          resources: ["*"],
          condition: [{ test: "StringEquals", variable: "aws:PrincipalAccount", values: [props.accountId] }],
        },
      ],
    });
  }
}
