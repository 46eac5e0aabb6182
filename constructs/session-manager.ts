import { Construct } from "constructs";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { SsmDocument } from "@cdktf/provider-aws/lib/ssm-document";
import { logGroupName, resourceName } from "./naming";
import type { KmsKeyRef } from "./secure-bucket";
import { encryptedLogGroup } from "./logging";
import type { DeploymentContext } from "./context";

/** The operating-system user sessions run as: not root (sudo is possible, and is logged with the session). */
export const SESSION_RUN_AS_USER = "ec2-user";
/** Sessions end after this long idle, and after this long at most. */
export const SESSION_IDLE_MINUTES = 20;
export const SESSION_MAX_MINUTES = 60;

export interface SessionManagerProps extends Pick<DeploymentContext, "environment"> {
  /** Key of the session log group (the storage key: session transcripts can show PHI). */
  readonly logKey: KmsKeyRef;
  /** Days session transcripts are kept (config: logRetentionDays). */
  readonly logRetentionDays: number;
}

/**
 * Session Manager preferences for the environment's instances: every session's transcript streamed to an encrypted
 * log group, run as a non-root user, with idle and maximum durations. Instead of the account-wide
 * SSM-SessionManagerRunShell document (one per account and region, which two environments in one account would
 * fight over), the environment has its own Session document; operators start sessions with it
 * (`aws ssm start-session --document-name <name>`, docs/operations in docs/app-tier.md), and IAM can require it.
 */
export class SessionManager extends Construct {
  readonly logGroup: CloudwatchLogGroup;
  readonly document: SsmDocument;

  constructor(scope: Construct, id: string, props: SessionManagerProps) {
    super(scope, id);
    this.logGroup = encryptedLogGroup(this, "log-group", { name: logGroupName(props.environment, "ssm-sessions"), retentionDays: props.logRetentionDays, key: props.logKey });
    this.document = new SsmDocument(this, "preferences", {
      name: resourceName(props.environment, "sessions"),
      documentType: "Session",
      documentFormat: "JSON",
      // "Session document schema" (AWS Systems Manager User Guide).
      content: JSON.stringify({
        schemaVersion: "1.0",
        description: `MediCare Hub ${props.environment}: sessions logged to CloudWatch (encrypted), run as ${SESSION_RUN_AS_USER}`,
        sessionType: "Standard_Stream",
        inputs: {
          cloudWatchLogGroupName: logGroupName(props.environment, "ssm-sessions"),
          cloudWatchEncryptionEnabled: true,
          cloudWatchStreamingEnabled: true,
          s3BucketName: "",
          s3EncryptionEnabled: true,
          runAsEnabled: true,
          runAsDefaultUser: SESSION_RUN_AS_USER,
          idleSessionTimeout: String(SESSION_IDLE_MINUTES),
          maxSessionDuration: String(SESSION_MAX_MINUTES),
        },
      }),
      tags: { Name: resourceName(props.environment, "sessions") },
    });
  }
}
