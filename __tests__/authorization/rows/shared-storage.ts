/**
 * The shared file system: NFS clients authorize with IAM against the file-system policy, through the access point;
 * EFS uses the storage key through grants made at creation with the creator's permissions.
 */
import { ACCOUNT, arnOf, via, type AuthorizationRow } from "../row";
import { appAccessPoint, fileSystem, fileSystemKey } from "../selectors";
import { DEPLOYER, INSTANCE_ROLE, UNPRIVILEGED } from "./principals";
import { SOURCES } from "./sources";

const FILE_SYSTEM = arnOf("the shared file system", fileSystem);
const ACCESS_POINT = arnOf("the access point the launch template tags instances with (EfsAccessPointId)", appAccessPoint);
const KEY = arnOf("key of the file system (its kms_key_id)", fileSystemKey);

export const SHARED_STORAGE_ROWS: readonly AuthorizationRow[] = [
  {
    id: "AZ-EFS-1",
    request: "An app instance mounts the file system through its access point over TLS",
    stacks: ["dev", "prod"],
    principal: INSTANCE_ROLE,
    action: "elasticfilesystem:ClientMount",
    resource: FILE_SYSTEM,
    context: { "elasticfilesystem:AccessPointArn": ACCESS_POINT },
    expected: "Allowed",
    source: [SOURCES.efsIam, SOURCES.efsAccessPoints],
  },
  {
    id: "AZ-EFS-2",
    request: "An app instance writes to the file system through its access point over TLS",
    stacks: ["dev", "prod"],
    principal: INSTANCE_ROLE,
    action: "elasticfilesystem:ClientWrite",
    resource: FILE_SYSTEM,
    context: { "elasticfilesystem:AccessPointArn": ACCESS_POINT },
    expected: "Allowed",
    source: [SOURCES.efsIam, SOURCES.efsAccessPoints],
  },
  {
    id: "AZ-EFS-3",
    request: "An app instance mounts the file system without TLS",
    stacks: ["dev", "prod"],
    principal: INSTANCE_ROLE,
    action: "elasticfilesystem:ClientMount",
    resource: FILE_SYSTEM,
    context: { "elasticfilesystem:AccessPointArn": ACCESS_POINT, "aws:SecureTransport": "false" },
    expected: "ExplicitlyDenied",
    source: [SOURCES.efsIam],
  },
  {
    id: "AZ-EFS-4",
    request: "An app instance mounts the file system without going through the access point",
    stacks: ["dev", "prod"],
    principal: INSTANCE_ROLE,
    action: "elasticfilesystem:ClientMount",
    resource: FILE_SYSTEM,
    expected: "Denied",
    source: [SOURCES.efsAccessPoints],
    why: "The access point pins the POSIX user and the root directory; a mount of the file-system root would bypass both.",
  },
  {
    id: "AZ-EFS-5",
    request: "An app instance asks for root access to the file system",
    stacks: ["dev", "prod"],
    principal: INSTANCE_ROLE,
    action: "elasticfilesystem:ClientRootAccess",
    resource: FILE_SYSTEM,
    context: { "elasticfilesystem:AccessPointArn": ACCESS_POINT },
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
    stacks: ["dev", "prod"],
    principal: UNPRIVILEGED,
    action: "kms:Decrypt",
    resource: KEY,
    context: { "kms:ViaService": via("elasticfilesystem"), "kms:CallerAccount": ACCOUNT },
    expected: "Denied",
    source: [SOURCES.kmsKeyPolicies, SOURCES.kmsConditionKeys],
  },
];
