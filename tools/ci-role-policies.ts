/**
 * The permission policies of the CI roles (tools/ci-roles.ts assembles the roles and their trust policies): what the
 * plan role does itself, and the explicit denials of both roles. Pure functions of one environment's state location.
 */

export const GITHUB_OIDC_HOST = "token.actions.githubusercontent.com";

export interface StateLocation {
  readonly accountId: string;
  readonly region: string;
  readonly bucket: string;
  /** This environment's state object key (`medicare-hub/<env>/terraform.tfstate`). */
  readonly key: string;
  readonly lockTable: string;
  /** Alias of the key that encrypts state objects and the lock table. */
  readonly kmsKeyAlias: string;
}

export interface CiRolesInput {
  /** `ORG/REPO` (or the immutable `ORG@id/REPO@id`): the repository part of the OIDC `sub` claim. */
  readonly repository: string;
  /** Environment of the stack: `dev`, `prod`. */
  readonly environment: string;
  /** Account the roles live in: the account the environment's provider is pinned to. */
  readonly accountId: string;
  readonly state: StateLocation;
  /** Objects Terraform manages (`bucket/key`): refreshing one is a HeadObject, which needs s3:GetObject. */
  readonly terraformManagedObjects: readonly string[];
  /** @default "aws" */
  readonly partition?: string;
}

export type Statement = Record<string, unknown>;
export interface PolicyDocument {
  readonly Version: "2012-10-17";
  readonly Statement: readonly Statement[];
}

export const document = (...statements: Statement[]): PolicyDocument => ({ Version: "2012-10-17", Statement: statements });

function arns(input: CiRolesInput) {
  const p = input.partition ?? "aws";
  const { state } = input;
  return {
    bucket: `arn:${p}:s3:::${state.bucket}`,
    stateObject: `arn:${p}:s3:::${state.bucket}/${state.key}`,
    lockFile: `arn:${p}:s3:::${state.bucket}/${state.key}.tflock`,
    lockTable: `arn:${p}:dynamodb:${state.region}:${state.accountId}:table/${state.lockTable}`,
    anyKeyOfStateAccount: `arn:${p}:kms:${state.region}:${state.accountId}:key/*`,
    managedObjects: input.terraformManagedObjects.map((o) => `arn:${p}:s3:::${o}`),
    ciRoles: `arn:${p}:iam::${input.accountId}:role/medicare-hub-*-ci-*`,
    oidcProvider: `arn:${p}:iam::${input.accountId}:oidc-provider/${GITHUB_OIDC_HOST}`,
  };
}

/** Use of the state key only through S3 and DynamoDB, for the key named by its alias (its id is not known here). */
function stateKeyUse(input: CiRolesInput, actions: readonly string[]): Statement {
  const { state } = input;
  return {
    Sid: "StateKeyThroughS3AndDynamoDB",
    Effect: "Allow",
    Action: [...actions],
    Resource: arns(input).anyKeyOfStateAccount,
    Condition: {
      StringEquals: { "kms:ViaService": [`s3.${state.region}.amazonaws.com`, `dynamodb.${state.region}.amazonaws.com`] },
      "ForAnyValue:StringEquals": { "kms:ResourceAliases": state.kmsKeyAlias },
    },
  };
}

/** What the plan role does itself: read this environment's state, and take and release its lock. */
export function planStatePolicy(input: CiRolesInput): PolicyDocument {
  const a = arns(input);
  const lockItem = `${input.state.bucket}/${input.state.key}`;
  return document(
    { Sid: "ListStateBucket", Effect: "Allow", Action: "s3:ListBucket", Resource: a.bucket },
    { Sid: "ReadState", Effect: "Allow", Action: "s3:GetObject", Resource: a.stateObject },
    { Sid: "LockFile", Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], Resource: a.lockFile },
    { Sid: "DescribeLockTable", Effect: "Allow", Action: "dynamodb:DescribeTable", Resource: a.lockTable },
    {
      // The lock item and the state digest Terraform checks; nothing else of the table.
      Sid: "ReadLockAndDigest",
      Effect: "Allow",
      Action: "dynamodb:GetItem",
      Resource: a.lockTable,
      Condition: { "ForAllValues:StringEquals": { "dynamodb:LeadingKeys": [lockItem, `${lockItem}-md5`] }, Null: { "dynamodb:LeadingKeys": "false" } },
    },
    {
      // Never the digest: a plan writes no state, so it has no digest to record.
      Sid: "TakeAndReleaseLock",
      Effect: "Allow",
      Action: ["dynamodb:PutItem", "dynamodb:DeleteItem"],
      Resource: a.lockTable,
      Condition: { "ForAllValues:StringEquals": { "dynamodb:LeadingKeys": [lockItem] }, Null: { "dynamodb:LeadingKeys": "false" } },
    },
    stateKeyUse(input, ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey"]),
  );
}

/** Log, table, secret and console reads that return workload data rather than configuration. */
const DATA_READ_ACTIONS = [
  "logs:GetLogEvents",
  "logs:FilterLogEvents",
  "logs:StartQuery",
  "logs:GetQueryResults",
  "logs:StartLiveTail",
  "logs:GetLogRecord",
  "logs:Unmask",
  "secretsmanager:GetSecretValue",
  "secretsmanager:BatchGetSecretValue",
  "ssm:GetParameter",
  "ssm:GetParameters",
  "ssm:GetParametersByPath",
  "ssm:GetParameterHistory",
  "rds:DownloadDBLogFilePortion",
  "rds:DownloadCompleteDBLogFile",
  "rds-db:connect",
  "elasticfilesystem:ClientMount",
  "elasticfilesystem:ClientWrite",
  "elasticfilesystem:ClientRootAccess",
  "ec2:GetConsoleOutput",
  "ec2:GetConsoleScreenshot",
  "ec2:GetPasswordData",
  "ssm:StartSession",
  "ssm:SendCommand",
  "athena:GetQueryResults",
];

/**
 * Explicit denials of the plan role: they hold whatever ReadOnlyAccess contains now or later, and whatever else is
 * attached by mistake. An approved pull request's Terraform runs with this role, so it must never read patient data
 * or change state.
 */
export function planGuardPolicy(input: CiRolesInput): PolicyDocument {
  const a = arns(input);
  return document(
    { Sid: "DenyObjectReadsOutsideStateAndManagedObjects", Effect: "Deny", Action: ["s3:GetObject", "s3:GetObjectTorrent"], NotResource: [a.stateObject, a.lockFile, ...a.managedObjects] },
    { Sid: "DenyObjectVersionReads", Effect: "Deny", Action: ["s3:GetObjectVersion", "s3:GetObjectVersionTorrent"], Resource: "*" },
    { Sid: "DenyObjectWritesOtherThanLock", Effect: "Deny", Action: ["s3:PutObject", "s3:PutObjectAcl", "s3:DeleteObject", "s3:RestoreObject"], NotResource: a.lockFile },
    { Sid: "DenyObjectVersionDeletes", Effect: "Deny", Action: ["s3:DeleteObjectVersion", "s3:PutObjectVersionAcl"], Resource: "*" },
    { Sid: "DenyTableReadsOutsideLockTable", Effect: "Deny", Action: ["dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:Scan", "dynamodb:PartiQLSelect", "dynamodb:GetRecords", "dynamodb:ExportTableToPointInTime"], NotResource: a.lockTable },
    { Sid: "DenyWorkloadDataReads", Effect: "Deny", Action: [...DATA_READ_ACTIONS], Resource: "*" },
  );
}

/** Explicit denials of the deploy role: no erasing the state's history, no tearing down its backend, no rewriting CI. */
export function deployGuardPolicy(input: CiRolesInput): PolicyDocument {
  const a = arns(input);
  return document(
    {
      Sid: "DenyStateHistoryErasure",
      Effect: "Deny",
      Action: ["s3:DeleteObjectVersion", "s3:PutBucketVersioning", "s3:PutLifecycleConfiguration", "s3:PutBucketPolicy", "s3:DeleteBucketPolicy", "s3:DeleteBucket", "s3:PutEncryptionConfiguration"],
      Resource: [a.bucket, `${a.bucket}/*`],
    },
    { Sid: "DenyLockTableTeardown", Effect: "Deny", Action: ["dynamodb:DeleteTable", "dynamodb:UpdateTable", "dynamodb:UpdateContinuousBackups"], Resource: a.lockTable },
    {
      Sid: "DenyStateKeyTeardown",
      Effect: "Deny",
      Action: ["kms:ScheduleKeyDeletion", "kms:DisableKey", "kms:PutKeyPolicy"],
      Resource: a.anyKeyOfStateAccount,
      Condition: { "ForAnyValue:StringEquals": { "kms:ResourceAliases": input.state.kmsKeyAlias } },
    },
    {
      Sid: "DenyCiRoleChanges",
      Effect: "Deny",
      Action: [
        "iam:UpdateAssumeRolePolicy",
        "iam:PutRolePolicy",
        "iam:DeleteRolePolicy",
        "iam:AttachRolePolicy",
        "iam:DetachRolePolicy",
        "iam:PutRolePermissionsBoundary",
        "iam:DeleteRolePermissionsBoundary",
        "iam:UpdateRole",
        "iam:DeleteRole",
      ],
      Resource: a.ciRoles,
    },
    {
      Sid: "DenyOidcProviderChanges",
      Effect: "Deny",
      Action: ["iam:DeleteOpenIDConnectProvider", "iam:UpdateOpenIDConnectProviderThumbprint", "iam:AddClientIDToOpenIDConnectProvider", "iam:RemoveClientIDFromOpenIDConnectProvider"],
      Resource: a.oidcProvider,
    },
  );
}
