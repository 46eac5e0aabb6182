import { Construct } from "constructs";
import type { TerraformProvider } from "cdktf";
import { BackupPlan, type BackupPlanRule } from "@cdktf/provider-aws/lib/backup-plan";
import { BackupSelection } from "@cdktf/provider-aws/lib/backup-selection";
import { BackupVault } from "@cdktf/provider-aws/lib/backup-vault";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { BackupVaultLockConfiguration } from "@cdktf/provider-aws/lib/backup-vault-lock-configuration";
import { BackupVaultPolicy } from "@cdktf/provider-aws/lib/backup-vault-policy";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { USE_ACTIONS, customerKey } from "./kms";
import { PHI_TAGS, PROJECT, resourceName } from "./naming";
import type { KmsKeyRef } from "./secure-bucket";
import { serviceTrustPolicy } from "./iam";
import type { DeploymentContext } from "./context";

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
/** Days a compliance-mode Vault Lock can still be removed after it is applied: AWS's minimum, to undo a mistake. */
export const VAULT_LOCK_GRACE_DAYS = 3;
/** Recovery points nobody can delete, root included, once the grace period is over (guardrail MH-BKP-2). */
export const DEFAULT_VAULT_LOCK = "compliance";

export interface BackupProps extends Pick<DeploymentContext, "environment" | "accountId" | "partition"> {
  /** Encrypts the vault's recovery points. */
  readonly vaultKey: KmsKeyRef;
  /**
   * Keys of the resources backed up (the database's snapshots stay under its own key). The keys' policies delegate to
   * IAM, so AWS Backup's role gets their use in its own policy.
   * @default - the vault key only
   */
  readonly sourceKeys?: readonly KmsKeyRef[];
  /** ARNs of what to back up: the database and the file system. */
  readonly resourceArns: readonly string[];
  /** Days daily recovery points are kept, in the vault and its copy (config: backup.dailyRetentionDays). */
  readonly dailyRetentionDays: number;
  /** Days monthly recovery points are kept, in the vault and its copy (config: backup.monthlyRetentionDays). */
  readonly monthlyRetentionDays: number;
  /**
   * `prevent_destroy` on the vault(s) and the copy key.
   * @default true
   */
  readonly preventDestroy?: boolean;
  /**
   * AWS Backup Vault Lock: "compliance" (immutable after a 3-day grace period, even for root), "governance" (removable
   * by sufficiently privileged users) or "off" (guardrail MH-BKP-2 refuses it unless accepted).
   * @default DEFAULT_VAULT_LOCK ("compliance")
   */
  readonly vaultLock?: "compliance" | "governance" | "off";
  /**
   * Copy every recovery point to a vault in another region, through a provider for that region.
   * @default - no copy
   */
  readonly copy?: {
    /** Region of the copy vault (config: backup.copyToRegion): a copy there survives the loss of this region. */
    readonly region: string;
    /** Provider for that region: the copy vault, its own key and its lock are created through it. */
    readonly provider: TerraformProvider;
  };
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
  /** The role restore jobs run as (operators pass it when they restore). */
  readonly restoreRole: IamRole;
  private copyKeyArn?: string;

  constructor(scope: Construct, id: string, props: BackupProps) {
    super(scope, id);
    const name = resourceName(props.environment, "backup");

    this.vault = new BackupVault(this, "vault", {
      name,
      kmsKeyArn: props.vaultKey.arn,
      forceDestroy: false,
      tags: { Name: name, ...PHI_TAGS },
      lifecycle: { preventDestroy: props.preventDestroy ?? true },
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

    // The keys' policies delegate to IAM, and the managed policies' KMS permissions are scoped to the services AWS
    // Backup works through, so each role's own policy names the keys ("Encryption for backups in AWS Backup").
    const keyArns = [props.vaultKey.arn, ...(props.sourceKeys ?? []).map((k) => k.arn), ...(this.copyKeyArn ? [this.copyKeyArn] : [])];
    // Two roles: the one the plan runs as may back up but not restore, so whoever can pass it cannot restore PHI
    // elsewhere; the restore role is for the operators who restore (docs/data.md).
    const role = this.serviceRole("role", name, "Lets AWS Backup back up the MediCare Hub database and file system (not restore)", "AWSBackupServiceRolePolicyForBackup", "backup", keyArns, props);
    this.restoreRole = this.serviceRole("restore-role", `${name}-restore`, "Lets AWS Backup restore MediCare Hub recovery points, when an operator starts a restore job", "AWSBackupServiceRolePolicyForRestores", "restore", keyArns, props);

    new BackupVaultPolicy(this, "vault-policy", { backupVaultName: this.vault.name, policy: this.vaultPolicy("vault-policy-document", role, props).json });
    if (this.copyVault) {
      new BackupVaultPolicy(this, "copy-vault-policy", {
        provider: props.copy?.provider,
        backupVaultName: this.copyVault.name,
        policy: this.vaultPolicy("copy-vault-policy-document", role, props, props.copy?.provider).json,
      });
    }
    const lock = props.vaultLock ?? DEFAULT_VAULT_LOCK;
    if (lock !== "off") {
      for (const [id, vault, provider] of [["vault-lock", this.vault, undefined], ["copy-vault-lock", this.copyVault, props.copy?.provider]] as const) {
        if (!vault) continue;
        new BackupVaultLockConfiguration(this, id, {
          provider,
          backupVaultName: vault.name,
          // Recovery points must be kept at least as long as the shortest rule keeps them, at most as the longest.
          minRetentionDays: Math.min(props.dailyRetentionDays, props.monthlyRetentionDays),
          maxRetentionDays: Math.max(props.dailyRetentionDays, props.monthlyRetentionDays),
          // Compliance mode: after this grace period nobody, root included, can delete the lock or a recovery point
          // before its retention ends ("AWS Backup Vault Lock"). Governance mode: sufficiently privileged users can.
          changeableForDays: lock === "compliance" ? VAULT_LOCK_GRACE_DAYS : undefined,
        });
      }
    }

    new BackupSelection(this, "selection", {
      name: `${name}-data`,
      planId: this.plan.id,
      iamRoleArn: role.arn,
      resources: [...props.resourceArns],
    });
  }

  /** A role only AWS Backup may assume, with one AWS managed policy and the use of the backup keys. */
  private serviceRole(id: string, name: string, description: string, managedPolicy: string, policyId: string, keyArns: string[], props: BackupProps): IamRole {
    // Confused deputy: AWS does not document that AWS Backup sends these keys when it assumes a role, so they are
    // checked if present (a request for another account is refused) without breaking backups if absent.
    const trust = serviceTrustPolicy(this, `${id}-trust`, "backup.amazonaws.com", {
      accountId: props.accountId,
      sourceArn: `arn:${props.partition}:backup:*:${props.accountId}:*`,
      ifExists: true,
    });
    const role = new IamRole(this, id, { name, description, assumeRolePolicy: trust.json });
    new IamRolePolicyAttachment(this, `${id === "role" ? "role" : id}-${policyId}`, {
      role: role.name,
      policyArn: `arn:${props.partition}:iam::aws:policy/service-role/${managedPolicy}`,
    });
    const keyUse = new DataAwsIamPolicyDocument(this, `${id}-key-use`, {
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
    new IamRolePolicy(this, `${id}-keys`, { name: "use-backup-keys", role: role.id, policy: keyUse.json });
    return role;
  }

  /**
   * Nobody but the plan's own role (which expires recovery points at the end of their lifecycle) may delete a recovery
   * point or shorten its retention: an operator's credentials, or an attacker's, cannot erase the backups.
   */
  private vaultPolicy(id: string, backupRole: IamRole, props: BackupProps, provider?: TerraformProvider): DataAwsIamPolicyDocument {
    return new DataAwsIamPolicyDocument(this, id, {
      provider,
      statement: [
        {
          sid: "NobodyButTheLifecycleDeletesRecoveryPoints",
          effect: "Deny",
          principals: [{ type: "AWS", identifiers: ["*"] }],
          actions: ["backup:DeleteRecoveryPoint", "backup:UpdateRecoveryPointLifecycle"],
          resources: ["*"],
          // The selection's role runs the lifecycle; AWS falls back to the AWS Backup service-linked role when that
          // role is changed or gone ("Identity and access management in AWS Backup"): both may expire recovery points.
          condition: [
            {
              test: "ArnNotEquals",
              variable: "aws:PrincipalArn",
              values: [backupRole.arn, `arn:${props.partition}:iam::${props.accountId}:role/aws-service-role/backup.amazonaws.com/AWSServiceRoleForBackup`],
            },
          ],
        },
      ],
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
      preventDestroy: props.preventDestroy ?? true,
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
      lifecycle: { preventDestroy: props.preventDestroy ?? true },
    });
  }
}
