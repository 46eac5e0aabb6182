/**
 * The IAM idioms every layer writes the same way: a role only one AWS service may assume (on behalf of this account,
 * and of one resource where the service says which), and the statement refusing requests that are not over TLS.
 */
import type { Construct } from "constructs";
import { DataAwsIamPolicyDocument, type DataAwsIamPolicyDocumentStatement } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";

/**
 * Who may be the source of the service's request: this account, and an ARN pattern of the resources acting for it
 * ("The confused deputy problem", IAM User Guide).
 */
export interface ConfusedDeputyGuard {
  readonly accountId: string;
  /** The `aws:SourceArn` the service sends: the resource acting (an experiment, a flow log, a database). */
  readonly sourceArn: string;
  /**
   * Check the keys only when the service sends them (`...IfExists`): for a service that does not document sending
   * them, a request for another account is still refused, and one without them is not broken.
   * @default false
   */
  readonly ifExists?: boolean;
}

/**
 * The trust policy of a role only `service` (`fis.amazonaws.com`) may assume, guarded against the confused deputy
 * when the service sends the source keys. Services that assume a role for an instance or a function (EC2, Lambda) send
 * none, and get none.
 */
export function serviceTrustPolicy(scope: Construct, id: string, service: string, guard?: ConfusedDeputyGuard): DataAwsIamPolicyDocument {
  const suffix = guard?.ifExists ? "IfExists" : "";
  return new DataAwsIamPolicyDocument(scope, id, {
    statement: [
      {
        effect: "Allow",
        principals: [{ type: "Service", identifiers: [service] }],
        actions: ["sts:AssumeRole"],
        condition: guard
          ? [
              { test: `StringEquals${suffix}`, variable: "aws:SourceAccount", values: [guard.accountId] },
              { test: `ArnLike${suffix}`, variable: "aws:SourceArn", values: [guard.sourceArn] },
            ]
          : undefined,
      },
    ],
  });
}

/**
 * A resource-policy statement denying `actions` on `resources` to everyone when the request is not over TLS
 * (`aws:SecureTransport` false). `principalType` "*" for S3 and SNS; EFS file-system policies name "AWS".
 */
export function denyInsecureTransport(options: {
  readonly sid?: string;
  readonly actions: string[];
  readonly resources: string[];
  readonly principalType?: "*" | "AWS";
}): DataAwsIamPolicyDocumentStatement {
  return {
    sid: options.sid ?? "DenyInsecureTransport",
    effect: "Deny",
    principals: [{ type: options.principalType ?? "*", identifiers: ["*"] }],
    actions: options.actions,
    resources: options.resources,
    condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
  };
}
