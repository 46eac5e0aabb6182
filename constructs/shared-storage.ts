import { Construct } from "constructs";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { EfsAccessPoint } from "@cdktf/provider-aws/lib/efs-access-point";
import { EfsBackupPolicy } from "@cdktf/provider-aws/lib/efs-backup-policy";
import { EfsFileSystem } from "@cdktf/provider-aws/lib/efs-file-system";
import { EfsFileSystemPolicy } from "@cdktf/provider-aws/lib/efs-file-system-policy";
import { EfsMountTarget } from "@cdktf/provider-aws/lib/efs-mount-target";
import { PHI_TAGS, resourceName } from "./naming";
import type { KmsKeyRef } from "./secure-bucket";
import { denyInsecureTransport } from "./iam";
import type { DeploymentContext } from "./context";

/** The app's files live under this directory of the file system, owned by this POSIX identity. */
export const APP_ROOT_DIRECTORY = "/medicare-hub";
export const APP_POSIX_UID = 10001;
export const APP_POSIX_GID = 10001;

export interface SharedStorageProps extends Pick<DeploymentContext, "environment"> {
  /** Private-app subnets and their AZs, in the same order: one mount target in each. */
  readonly subnetIds: readonly string[];
  /** The AZ of each of those subnets (config: availabilityZones): each mount target's id names its AZ. */
  readonly availabilityZones: readonly string[];
  /** The file system's security group (`SecurityGroups.efs`): NFS from the app instances only. */
  readonly securityGroupId: string;
  /** Encrypts the file system at rest. */
  readonly storageKey: KmsKeyRef;
  /** Days without access before a file moves to Infrequent Access. */
  readonly transitionToIaDays: number;
  /**
   * `prevent_destroy`: Terraform refuses any plan that destroys the file system.
   * @default true
   */
  readonly preventDestroy?: boolean;
}

/**
 * Shared, durable storage for every app instance: one EFS file system (regional: data stored across AZs), encrypted
 * under the storage key, reachable through a mount target in every AZ, only over TLS, and only through the app's
 * access point identity.
 */
export class SharedStorage extends Construct {
  readonly fileSystem: EfsFileSystem;
  readonly accessPoint: EfsAccessPoint;
  /** One mount target per AZ, in AZ order: an instance can mount the file system only once its AZ's exists. */
  readonly mountTargets: readonly EfsMountTarget[];

  constructor(scope: Construct, id: string, props: SharedStorageProps) {
    super(scope, id);
    if (props.subnetIds.length !== props.availabilityZones.length) {
      throw new Error(`SharedStorage needs one subnet per AZ: got ${props.subnetIds.length} subnets for ${props.availabilityZones.length} AZs`);
    }
    const name = resourceName(props.environment, "shared");

    this.fileSystem = new EfsFileSystem(this, "file-system", {
      creationToken: name,
      encrypted: true,
      kmsKeyId: props.storageKey.arn,
      performanceMode: "generalPurpose",
      throughputMode: "elastic",
      lifecyclePolicy: [
        { transitionToIa: `AFTER_${props.transitionToIaDays}_DAY${props.transitionToIaDays === 1 ? "" : "S"}` },
        { transitionToPrimaryStorageClass: "AFTER_1_ACCESS" },
      ],
      tags: { Name: name, ...PHI_TAGS },
      lifecycle: { preventDestroy: props.preventDestroy ?? true },
    });

    // EFS automatic backups off: they would copy PHI daily into aws/efs/automatic-backup-vault under an AWS-managed key
    // with default retention and no protection. The environment's AWS Backup plan (constructs/backup.ts) backs the
    // file system up into its own encrypted, retained vault instead (guardrail MH-EFS-4 checks it is selected there).
    new EfsBackupPolicy(this, "automatic-backups", { fileSystemId: this.fileSystem.id, backupPolicy: { status: "DISABLED" } });

    fileSystemPolicy(this, "", this.fileSystem.id, this.fileSystem.arn);

    this.mountTargets = props.availabilityZones.map(
      (az, i) =>
        new EfsMountTarget(this, `mount-target-${az}`, {
          fileSystemId: this.fileSystem.id,
          subnetId: props.subnetIds[i],
          securityGroups: [props.securityGroupId],
        }),
    );

    this.accessPoint = appAccessPoint(this, APP_ACCESS_POINT, props.environment, this.fileSystem.id);
  }
}

/** Construct id of the app's access point: its Terraform address, kept stable. */
export const APP_ACCESS_POINT = "app-access-point";

/**
 * The app's access point on a file system (the primary, or its copy in the recovery region): every request as the
 * app's POSIX user, rooted at the app's directory.
 */
export function appAccessPoint(scope: Construct, id: string, environment: string, fileSystemId: string): EfsAccessPoint {
  return new EfsAccessPoint(scope, id, {
    fileSystemId,
    posixUser: { uid: APP_POSIX_UID, gid: APP_POSIX_GID },
    rootDirectory: {
      path: APP_ROOT_DIRECTORY,
      creationInfo: { ownerUid: APP_POSIX_UID, ownerGid: APP_POSIX_GID, permissions: "750" },
    },
    tags: { Name: resourceName(environment, "app-files") },
  });
}

/**
 * The file system's own policy: nothing without TLS. Any policy also ends EFS's default one, which lets every client
 * that reaches a mount target mount, write and act as root without IAM ("Using IAM to control file system data
 * access", EFS User Guide), so access is then only what the instance role grants: through the app's access point.
 * `idPrefix` keeps the primary's addresses (`policy-document`, `policy`).
 */
export function fileSystemPolicy(scope: Construct, idPrefix: string, fileSystemId: string, fileSystemArn: string): EfsFileSystemPolicy {
  const policy = new DataAwsIamPolicyDocument(scope, `${idPrefix}policy-document`, {
    statement: [denyInsecureTransport({ sid: "DenyUnencryptedTransport", principalType: "AWS", actions: ["*"], resources: [fileSystemArn] })],
  });
  return new EfsFileSystemPolicy(scope, `${idPrefix}policy`, { fileSystemId, policy: policy.json });
}
