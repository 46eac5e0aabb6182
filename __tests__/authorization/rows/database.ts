/**
 * The database key: RDS storage and the RDS-managed master-user secret in Secrets Manager. Services call KMS with the
 * identity of the principal that called them (kms:ViaService says which service, kms:CallerAccount whose account).
 */
import { ACCOUNT, arnOf, sym, via, type AuthorizationRow } from "../row";
import { database, databaseKey, databaseMonitoringRole, databaseSecretKey } from "../selectors";
import { DEPLOYER, INSTANCE_ROLE, RDS_MONITORING, UNPRIVILEGED } from "./principals";
import { SOURCES } from "./sources";

const SECRET = arnOf("the database's RDS-managed secret (master_user_secret)", database, "master_user_secret[0].secret_arn");
const SECRET_KEY = arnOf("key of the database's secret (master_user_secret_kms_key_id)", databaseSecretKey);
const STORAGE_KEY = arnOf("key of the database storage (aws_db_instance.kms_key_id)", databaseKey);

export const DATABASE_ROWS: readonly AuthorizationRow[] = [
  {
    id: "AZ-DB-1",
    request: "The app reads the database password from its RDS-managed secret",
    stacks: ["dev", "prod"],
    principal: INSTANCE_ROLE,
    action: "secretsmanager:GetSecretValue",
    resource: SECRET,
    expected: "Allowed",
    source: [SOURCES.rdsSecrets],
  },
  {
    id: "AZ-DB-2",
    request: "The app reads the secret: Secrets Manager decrypts it with the secret's key, as the app role",
    stacks: ["dev", "prod"],
    principal: INSTANCE_ROLE,
    action: "kms:Decrypt",
    resource: SECRET_KEY,
    context: { "kms:ViaService": via("secretsmanager"), "kms:CallerAccount": ACCOUNT, "kms:EncryptionContext:SecretARN": SECRET },
    expected: "Allowed",
    source: [SOURCES.secretsKms],
    why: "Secrets Manager needs kms:Decrypt on the secret's key for the caller of GetSecretValue, or the app cannot connect.",
  },
  {
    id: "AZ-DB-3",
    request: "The app reads a secret that is not its database's",
    stacks: ["dev", "prod"],
    principal: INSTANCE_ROLE,
    action: "secretsmanager:GetSecretValue",
    resource: sym("arn:aws:secretsmanager:<region>:<account>:secret:another-secret-AbCdEf", (s) => `arn:aws:secretsmanager:${s.region}:${s.account}:secret:another-secret-AbCdEf`),
    expected: "Denied",
    source: [SOURCES.evaluationLogic],
  },
  {
    id: "AZ-DB-4",
    request: "An administrator creates the encrypted database: RDS creates its grant on the storage key",
    stacks: ["dev", "prod"],
    principal: DEPLOYER,
    action: "kms:CreateGrant",
    resource: STORAGE_KEY,
    context: { "kms:ViaService": via("rds"), "kms:CallerAccount": ACCOUNT, "kms:GrantIsForAWSResource": "true" },
    expected: "Allowed",
    source: [SOURCES.rdsKms, SOURCES.kmsKeyPolicies],
    why: "RDS uses the key through a grant made with the creator's permissions; the key policy must delegate to IAM for the administrator's policy to count.",
  },
  {
    id: "AZ-DB-5",
    request: "A principal with no permissions uses the database key through RDS",
    stacks: ["dev", "prod"],
    principal: UNPRIVILEGED,
    action: "kms:Decrypt",
    resource: STORAGE_KEY,
    context: { "kms:ViaService": via("rds"), "kms:CallerAccount": ACCOUNT },
    expected: "Denied",
    source: [SOURCES.kmsKeyPolicies, SOURCES.kmsConditionKeys],
    why: "`Principal: *` with kms:CallerAccount lets every principal of the account use the PHI key through the service: access to the key must be granted, not implied.",
  },
  {
    id: "AZ-DB-6",
    request: "A principal with no permissions uses the secret's key through Secrets Manager",
    stacks: ["dev", "prod"],
    principal: UNPRIVILEGED,
    action: "kms:Decrypt",
    resource: SECRET_KEY,
    context: { "kms:ViaService": via("secretsmanager"), "kms:CallerAccount": ACCOUNT, "kms:EncryptionContext:SecretARN": SECRET },
    expected: "Denied",
    source: [SOURCES.kmsKeyPolicies, SOURCES.secretsKms],
  },
  {
    id: "AZ-DB-7",
    request: "A principal with no permissions uses the database key directly",
    stacks: ["dev", "prod"],
    principal: UNPRIVILEGED,
    action: "kms:Decrypt",
    resource: STORAGE_KEY,
    context: { "kms:CallerAccount": ACCOUNT },
    expected: "Denied",
    source: [SOURCES.kmsKeyPolicies],
  },
  {
    id: "AZ-DB-8",
    request: "The app instance role uses the database storage key through RDS",
    stacks: ["dev", "prod"],
    principal: INSTANCE_ROLE,
    action: "kms:CreateGrant",
    resource: STORAGE_KEY,
    context: { "kms:ViaService": via("rds"), "kms:CallerAccount": ACCOUNT, "kms:GrantIsForAWSResource": "true" },
    expected: "Denied",
    source: [SOURCES.kmsKeyPolicies, SOURCES.rdsKms],
    why: "The app connects to the database; it never creates or restores one, so it needs no use of the storage key.",
  },
  {
    id: "AZ-DB-9",
    request: "RDS Enhanced Monitoring assumes the monitoring role to publish OS metrics",
    stacks: ["dev", "prod"],
    principal: RDS_MONITORING,
    action: "sts:AssumeRole",
    resource: arnOf("the database's monitoring_role_arn", databaseMonitoringRole),
    expected: "Allowed",
    source: [SOURCES.rdsMonitoring],
  },
];
