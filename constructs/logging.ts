/** The one way a MediCare Hub log group is made: named, encrypted with a customer key, and kept a set time. */
import type { Construct } from "constructs";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import type { KmsKeyRef } from "./secure-bucket";

export interface EncryptedLogGroupProps {
  /** The log group's name (constructs/naming.ts: logGroupName and friends). */
  readonly name: string;
  /** Days its events are kept: one of CloudWatch Logs' retention values (config: logRetentionDays). */
  readonly retentionDays: number;
  /** The customer managed key encrypting its events. */
  readonly key: KmsKeyRef;
}

/** A log group encrypted with `key` and kept `retentionDays` (guardrails MH-OBS-2 and MH-OBS-3 check both). */
export function encryptedLogGroup(scope: Construct, id: string, props: EncryptedLogGroupProps): CloudwatchLogGroup {
  return new CloudwatchLogGroup(scope, id, { name: props.name, retentionInDays: props.retentionDays, kmsKeyId: props.key.arn });
}
