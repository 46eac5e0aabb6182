import { Annotations } from "cdktf";
import { Construct } from "constructs";
import { VpcEndpoint } from "@cdktf/provider-aws/lib/vpc-endpoint";
import { resourceName } from "./naming";

/** Gateway endpoints: free, and keep S3 and DynamoDB traffic off the NAT gateways. */
export const GATEWAY_ENDPOINT_SERVICES = ["s3", "dynamodb"] as const;
/** What SSM Session Manager and the CloudWatch agent need, so instances are managed without SSH or internet. */
export const INTERFACE_ENDPOINT_SERVICES = ["ssm", "ssmmessages", "ec2messages", "logs"] as const;

export interface VpcEndpointsProps {
  readonly environment: string;
  readonly region: string;
  readonly vpcId: string;
  /** Route tables the gateway endpoints attach to: the private-app tier only (the data tier stays isolated). */
  readonly gatewayRouteTableIds: readonly string[];
  /** Subnets (one per AZ) the interface endpoints place their network interfaces in. */
  readonly interfaceSubnetIds: readonly string[];
  /** Security group of the interface endpoints (443 from the app tier). */
  readonly securityGroupId: string;
  /**
   * Create the interface endpoints. Off is a cost switch: management and log traffic then leaves through NAT, and
   * stops when NAT does. Reported as a warning. @default true
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
}
