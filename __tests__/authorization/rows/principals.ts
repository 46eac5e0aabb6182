/** The principals rows make requests as. */
import { accountRole, awsOwnedAccount, role, service } from "../row";
import { ELB_LOG_DELIVERY_ACCOUNTS } from "../references";
import { backupRole, restoreRole, fisRole, flowLogRole, instanceRole } from "../selectors";

export const INSTANCE_ROLE = role("app instance role (launch template → instance profile → role)", instanceRole);
export const BACKUP_ROLE = role("AWS Backup role (the backup selection's iam_role_arn)", backupRole);
export const RESTORE_ROLE = role("AWS Backup restore role (the role with AWSBackupServiceRolePolicyForRestores)", restoreRole);
export const FIS_ROLE = role("FIS experiment role (the templates' role_arn)", fisRole);
export const FLOW_LOG_ROLE = role("flow-log role (the flow log's iam_role_arn)", flowLogRole);

/**
 * Its permissions are fixed by AWS and include no customer managed key ("Required AWS KMS key policy for use with
 * encrypted volumes"), so only the key policy can let it use one: it is modelled with no identity policy.
 */
export const AUTO_SCALING_ROLE = accountRole(
  "Auto Scaling service-linked role `arn:aws:iam::<account>:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`",
  "aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling",
);

/** Any principal of the account that nobody has given a permission. */
export const UNPRIVILEGED = accountRole("a role of the account with no identity policy", "medicare-hub-unprivileged");

/** Who runs `cdktf deploy`: an administrator of the account. */
export const DEPLOYER = accountRole("deploy role with AdministratorAccess", "medicare-hub-deployer", ["arn:aws:iam::aws:policy/AdministratorAccess"]);

export const ELB_LOG_DELIVERY = awsOwnedAccount(
  "Elastic Load Balancing account of the region (`data.aws_elb_service_account`)",
  (s) => {
    const account = ELB_LOG_DELIVERY_ACCOUNTS[s.region];
    if (!account) throw new Error(`no Elastic Load Balancing log-delivery account known for ${s.region}`);
    return `arn:aws:iam::${account}:root`;
  },
  "s3:PutObject",
);

export const LOGS = service("logs.<region>.amazonaws.com");
export const CLOUDWATCH = service("cloudwatch.amazonaws.com");
export const EVENTS = service("events.amazonaws.com");
export const EC2 = service("ec2.amazonaws.com");
export const BACKUP = service("backup.amazonaws.com");
export const FIS = service("fis.amazonaws.com");
export const FLOW_LOGS = service("vpc-flow-logs.amazonaws.com");
export const RDS_MONITORING = service("monitoring.rds.amazonaws.com");
export const LOG_DELIVERY = service("delivery.logs.amazonaws.com");
export const S3_LOGGING = service("logging.s3.amazonaws.com");
export const CLOUDFRONT = service("cloudfront.amazonaws.com");
