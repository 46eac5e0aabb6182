import { Construct } from "constructs";
import type { TerraformProvider } from "cdktf";
import { BackupPlan, type BackupPlanRule } from "@cdktf/provider-aws/lib/backup-plan";
import { BackupSelection } from "@cdktf/provider-aws/lib/backup-selection";
import { BackupVault } from "@cdktf/provider-aws/lib/backup-vault";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { USE_ACTIONS, customerKey } from "./encryption";
import { PHI_TAGS, PROJECT, resourceName } from "./naming";
import type { KmsKeyRef } from "./secure-bucket";

/**
 * Daily at 06:00 UTC, starting within the next hour: after the database's backup window and clear of its weekly
 * maintenance window (RDS takes no snapshot while it is patched; guardrail MH-BKP-1 checks every rule against the
 * configured windows).
 */
export const DAILY_SCHEDULE = "cron(0 6 * * ? *)";
/** Monthly on the 1st at 06:00 UTC. */
export const MONTHLY_SCHEDULE = "cron(0 6 1 * ? *)";
/** A job that cannot start within an hour is failed (and alarmed on), not left waiting. */
export const START_WINDOW_MINUTES = 60;
export const COMPLETION_WINDOW_MINUTES = 8 * 60;

export interface BackupProps {
  readonly environment: string;
  readonly accountId: string;
  readonly partition: string;
  /** Encrypts the vault's recovery points. */
  readonly vaultKey: KmsKeyRef;
  /**
   * Keys of the resources backed up (the database's snapshots stay under its own key). The keys' policies delegate to
   * IAM, so AWS Backup's role gets their use in its own policy. @default - the vault key only
   */
  readonly sourceKeys?: readonly KmsKeyRef[];
  /** ARNs of what to back up: the database and the file system. */
  readonly resourceArns: readonly string[];
  readonly dailyRetentionDays: number;
  readonly monthlyRetentionDays: number;
  /** `prevent_destroy` on the vault(s). */
  readonly preventDestroy: boolean;
  /**
   * Copy every recovery point to a vault in another region, through a provider for that region.
   * @default - no copy
   */
  readonly copy?: { readonly region: string; readonly provider: TerraformProvider };
}

/**
 * AWS Backup of the stateful resources: an encrypted vault, a plan with daily and monthly recovery points (copied to
 * another region when configured), a selection naming the database and the file system, and the role AWS Backup
 * uses. Independent of RDS's own automated backups: a second, separately retained line of defence.
 */
export class Backup extends Construct {
  readonly vault: BackupVault;
  readonly plan: BackupPlan;
  readonly copyVault?: BackupVault;
  private copyKeyArn?: string;

  constructor(scope: Construct, id: string, props: BackupProps) {
    super(scope, id);
    const name = resourceName(props.environment, "backup");

    this.vault = new BackupVault(this, "vault", {
      name,
      kmsKeyArn: props.vaultKey.arn,
      forceDestroy: false,
      tags: { Name: name, ...PHI_TAGS },
      lifecycle: { preventDestroy: props.preventDestroy },
    });

    if (props.copy) this.copyVault = this.copyTarget(name, props);
    const copyAction = (deleteAfter: number) =>
      this.copyVault ? [{ destinationVaultArn: this.copyVault.arn, lifecycle: { deleteAfter } }] : undefined;
    const rule = (ruleName: string, schedule: string, deleteAfter: number): BackupPlanRule => ({
      ruleName,
      targetVaultName: this.vault.name,
      schedule,
      startWindow: START_WINDOW_MINUTES,
      completionWindow: COMPLETION_WINDOW_MINUTES,
      lifecycle: { deleteAfter },
      recoveryPointTags: { Project: PROJECT, Environment: props.environment, ...PHI_TAGS },
      copyAction: copyAction(deleteAfter),
    });
    this.plan = new BackupPlan(this, "plan", {
      name,
      rule: [
        rule("daily", DAILY_SCHEDULE, props.dailyRetentionDays),
        rule("monthly", MONTHLY_SCHEDULE, props.monthlyRetentionDays),
      ],
    });

    const trust = new DataAwsIamPolicyDocument(this, "role-trust", {
      statement: [{ effect: "Allow", principals: [{ type: "Service", identifiers: ["backup.amazonaws.com"] }], actions: ["sts:AssumeRole"] }],
    });
    const role = new IamRole(this, "role", {
      name,
      description: "Lets AWS Backup back up and restore the MediCare Hub database and file system",
      assumeRolePolicy: trust.json,
    });
    for (const policy of ["AWSBackupServiceRolePolicyForBackup", "AWSBackupServiceRolePolicyForRestores"]) {
      new IamRolePolicyAttachment(this, `role-${policy.endsWith("Backup") ? "backup" : "restore"}`, {
        role: role.name,
        policyArn: `arn:${props.partition}:iam::aws:policy/service-role/${policy}`,
      });
    }

    // The managed policies' KMS permissions are scoped to the services AWS Backup works through; with key policies that
    // delegate to IAM, the role's own policy names the keys it backs up with and into ("Encryption for backups in AWS
    // Backup", AWS Backup Developer Guide).
    const keyArns = [props.vaultKey.arn, ...(props.sourceKeys ?? []).map((k) => k.arn), ...(this.copyKeyArn ? [this.copyKeyArn] : [])];
    const keyUse = new DataAwsIamPolicyDocument(this, "role-key-use", {
      statement: [
        { sid: "UseTheBackupKeys", effect: "Allow", actions: USE_ACTIONS, resources: keyArns },
        {
          sid: "GrantTheKeysToAwsResources",
          effect: "Allow",
          actions: ["kms:CreateGrant"],
          resources: keyArns,
          condition: [{ test: "Bool", variable: "kms:GrantIsForAWSResource", values: ["true"] }],
        },
      ],
    });
    new IamRolePolicy(this, "role-keys", { name: "use-backup-keys", role: role.id, policy: keyUse.json });

    new BackupSelection(this, "selection", {
      name: `${name}-data`,
      planId: this.plan.id,
      iamRoleArn: role.arn,
      resources: [...props.resourceArns],
    });
  }

  /** The vault (and its own key) in the copy region: a key cannot cross regions. */
  private copyTarget(name: string, props: BackupProps): BackupVault {
    const copy = props.copy as NonNullable<BackupProps["copy"]>;
    const provider = copy.provider;
    const key = customerKey(this, "copy-key", {
      provider,
      accountId: props.accountId,
      partition: props.partition,
      description: `MediCare Hub ${props.environment}: backup copies in ${copy.region}`,
      alias: `${name}-copy`,
      preventDestroy: props.preventDestroy,
      tags: { ...PHI_TAGS },
      // IAM decides (AWS Backup's role names this key in its policy): no statement for every principal of the account.
      statements: [],
    });
    this.copyKeyArn = key.arn;
    return new BackupVault(this, "copy-vault", {
      provider,
      name: `${name}-copy`,
      kmsKeyArn: key.arn,
      forceDestroy: false,
      tags: { Name: `${name}-copy`, ...PHI_TAGS },
      lifecycle: { preventDestroy: props.preventDestroy },
    });
  }
}
