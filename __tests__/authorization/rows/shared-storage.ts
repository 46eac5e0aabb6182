/**
 * The shared file system: NFS clients authorize with IAM against the file-system policy, through the access point;
 * EFS uses the storage key through grants made at creation with the creator's permissions. The standby's instances
 * mount the file system's read-only copy in the recovery region (writable once failover deletes the replication).
 */
import { ACCOUNT, arnOf, sym, via, type AuthorizationRow } from "../row";
import { appAccessPoint, siteFileSystemArn, siteFileSystemKey } from "../selectors";
import { DEPLOYER, INSTANCE_ROLE, UNPRIVILEGED } from "./principals";
import { SOURCES } from "./sources";

const FILE_SYSTEM = sym("the file system the access point is on (the shared one; the standby's: its copy)", siteFileSystemArn);
const ACCESS_POINT = arnOf("the access point the launch template tags instances with (EfsAccessPointId)", appAccessPoint);
const KEY = arnOf("key of the file system (its kms_key_id; the copy's: its replication's destination kms_key_id)", siteFileSystemKey);
/** Every NFS client of the app connects through a mount target in its subnet. */
const THROUGH_MOUNT_TARGET = { "elasticfilesystem:AccessedViaMountTarget": "true" } as const;

export const SHARED_STORAGE_ROWS: readonly AuthorizationRow[] = [
  {
    id: "AZ-EFS-1",
    request: "An app instance mounts the file system through its access point over TLS",
    stacks: ["dev", "prod", "prod-dr"],
    principal: INSTANCE_ROLE,
    action: "elasticfilesystem:ClientMount",
    resource: FILE_SYSTEM,
    context: { ...THROUGH_MOUNT_TARGET, "elasticfilesystem:AccessPointArn": ACCESS_POINT },
    expected: "Allowed",
    source: [SOURCES.efsIam, SOURCES.efsAccessPoints],
  },
  {
    id: "AZ-EFS-2",
    request: "An app instance writes to the file system through its access point over TLS",
    stacks: ["dev", "prod", "prod-dr"],
    principal: INSTANCE_ROLE,
    action: "elasticfilesystem:ClientWrite",
    resource: FILE_SYSTEM,
    context: { ...THROUGH_MOUNT_TARGET, "elasticfilesystem:AccessPointArn": ACCESS_POINT },
    expected: "Allowed",
    source: [SOURCES.efsIam, SOURCES.efsAccessPoints],
    why: "The standby's copy is read-only until failover deletes its replication; from then on the app writes to it, with the permission the standby already holds.",
  },
  {
    id: "AZ-EFS-3",
    request: "An app instance mounts the file system without TLS",
    stacks: ["dev", "prod", "prod-dr"],
    principal: INSTANCE_ROLE,
    action: "elasticfilesystem:ClientMount",
    resource: FILE_SYSTEM,
    context: { ...THROUGH_MOUNT_TARGET, "elasticfilesystem:AccessPointArn": ACCESS_POINT, "aws:SecureTransport": "false" },
    expected: "ExplicitlyDenied",
    source: [SOURCES.efsIam],
  },
  {
    id: "AZ-EFS-4",
    request: "An app instance mounts the file system without going through the access point",
    stacks: ["dev", "prod", "prod-dr"],
    principal: INSTANCE_ROLE,
    action: "elasticfilesystem:ClientMount",
    resource: FILE_SYSTEM,
    context: THROUGH_MOUNT_TARGET,
    expected: "Denied",
    source: [SOURCES.efsAccessPoints],
    why: "The access point pins the POSIX user and the root directory; a mount of the file-system root would bypass both.",
  },
  {
    id: "AZ-EFS-5",
    request: "An app instance asks for root access to the file system",
    stacks: ["dev", "prod", "prod-dr"],
    principal: INSTANCE_ROLE,
    action: "elasticfilesystem:ClientRootAccess",
    resource: FILE_SYSTEM,
    context: { ...THROUGH_MOUNT_TARGET, "elasticfilesystem:AccessPointArn": ACCESS_POINT },
    expected: "Denied",
    source: [SOURCES.efsIam],
  },
  {
    id: "AZ-EFS-6",
    request: "An administrator creates the encrypted file system: EFS creates its grant on the key",
    stacks: ["dev", "prod"],
    principal: DEPLOYER,
    action: "kms:CreateGrant",
    resource: KEY,
    context: { "kms:ViaService": via("elasticfilesystem"), "kms:CallerAccount": ACCOUNT, "kms:GrantIsForAWSResource": "true" },
    expected: "Allowed",
    source: [SOURCES.efsKms, SOURCES.kmsKeyPolicies],
  },
  {
    id: "AZ-EFS-7",
    request: "A principal with no permissions uses the file-system key through EFS",
    stacks: ["dev", "prod", "prod-dr"],
    principal: UNPRIVILEGED,
    action: "kms:Decrypt",
    resource: KEY,
    context: { "kms:ViaService": via("elasticfilesystem"), "kms:CallerAccount": ACCOUNT },
    expected: "Denied",
    source: [SOURCES.kmsKeyPolicies, SOURCES.kmsConditionKeys],
  },
];
