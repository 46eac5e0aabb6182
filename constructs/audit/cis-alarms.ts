/**
 * The CloudTrail metric filters and alarms that the CIS AWS Foundations Benchmark names and AWS Security Hub checks as
 * controls CloudWatch.1–CloudWatch.14, as data: one entry per control, with the pattern exactly as AWS prints it, who
 * hears it (page or ticket), what on-call checks first, and CloudTrail records the pattern must and must not match.
 * The audit stack builds one metric filter and one alarm per entry; the tests evaluate every sample against its pattern
 * (./log-filter-pattern). Plain TypeScript: no cdktf, no provider.
 *
 * Source: "Security Hub CSPM controls for Amazon CloudWatch" (AWS Security Hub User Guide,
 * https://docs.aws.amazon.com/securityhub/latest/userguide/cloudwatch-controls.html). The patterns and the CIS numbers
 * are copied verbatim from that page's published source (awsdocs/aws-security-hub-user-guide,
 * doc_source/cloudwatch-controls.md, last revision 2023-03-10, before AWS archived the repository); the live page's
 * CloudWatch.1 header lists the same CIS numbers. Security Hub "uses custom logic to perform the exact audit steps
 * prescribed" by CIS: "This control fails if the exact metric filters prescribed by CIS are not used. Additional
 * fields or terms cannot be added to the metric filters." So the patterns are not ours to improve; where one misses
 * something (see the near-miss samples) the gap is filled elsewhere (Config rules, Access Analyzer, GuardDuty).
 *
 * The sample records follow "CloudTrail record contents" and "AWS Management Console sign-in events" (CloudTrail User
 * Guide, https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html,
 * https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-aws-console-sign-in-events.html).
 */

/**
 * Who hears an alarm. `page`: someone may be inside the account right now, or is blinding the audit trail (root use,
 * console sign-in without MFA, CloudTrail, Config or key changes): minutes matter. `ticket`: a change a reviewer should
 * look at today, which is also what every deployment does (IAM, security group, network changes), so paging on it would
 * teach on-call to ignore the pager.
 */
export type AlarmSeverity = "page" | "ticket";

/** A CloudTrail record, as CloudWatch Logs receives it from the trail (one JSON object per log event). */
export type CloudTrailRecord = Readonly<Record<string, unknown>>;

/** A CloudTrail record and whether the entry's pattern must match it. */
export interface CisAlarmSample {
  /** What the record is, and for a near-miss why it must not match. */
  readonly name: string;
  /** Whether the pattern matches the record. */
  readonly matches: boolean;
  /** The record. */
  readonly event: CloudTrailRecord;
}

/** One CIS metric filter and its alarm. */
export interface CisAlarm {
  /** Stable kebab-case id: it names the metric filter, the metric and the alarm, and so their Terraform addresses. */
  readonly id: string;
  /** The Security Hub control, `CloudWatch.<n>`. */
  readonly control: string;
  /** The CIS AWS Foundations Benchmark recommendations AWS lists for the control, as `v<benchmark>/<recommendation>`. */
  readonly cis: readonly string[];
  /** The control's title, as AWS writes it. */
  readonly title: string;
  /** The CloudWatch Logs filter pattern, verbatim from AWS's page. */
  readonly pattern: string;
  /** Page or ticket (see AlarmSeverity). */
  readonly severity: AlarmSeverity;
  /** One sentence for on-call: what the alarm means and the first thing to check. */
  readonly description: string;
  /** Where the pattern comes from. */
  readonly source: { readonly title: string; readonly url: string };
  /** Records the pattern must match and near-misses it must not. */
  readonly samples: readonly CisAlarmSample[];
}

const PAGE_URL = "https://docs.aws.amazon.com/securityhub/latest/userguide/cloudwatch-controls.html";
const ACCOUNT = "111122223333";

// Identities in the shapes of "CloudTrail userIdentity element" (CloudTrail User Guide).
const ADMIN = {
  type: "AssumedRole",
  principalId: "AROAEXAMPLEADMIN1234:jane.doe@example.org",
  arn: `arn:aws:sts::${ACCOUNT}:assumed-role/AWSReservedSSO_AdministratorAccess_0a1b2c3d4e5f6a7b/jane.doe@example.org`,
  accountId: ACCOUNT,
  accessKeyId: "ASIAEXAMPLEADMINKEY1",
  sessionContext: {
    sessionIssuer: {
      type: "Role",
      principalId: "AROAEXAMPLEADMIN1234",
      arn: `arn:aws:iam::${ACCOUNT}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_AdministratorAccess_0a1b2c3d4e5f6a7b`,
      accountId: ACCOUNT,
      userName: "AWSReservedSSO_AdministratorAccess_0a1b2c3d4e5f6a7b",
    },
    attributes: { creationDate: "2026-11-30T08:55:02Z", mfaAuthenticated: "false" },
  },
};
const IAM_USER = { type: "IAMUser", principalId: "AIDACKCEVSQ6C2EXAMPLE", arn: `arn:aws:iam::${ACCOUNT}:user/anaya`, accountId: ACCOUNT, userName: "anaya" };
const ROOT = { type: "Root", principalId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:root`, accountId: ACCOUNT, accessKeyId: "" };
/** Root's console session making an API call: temporary credentials, MFA used at sign-in. */
const ROOT_SESSION = { ...ROOT, accessKeyId: "ASIAEXAMPLEROOTKEY01", sessionContext: { attributes: { creationDate: "2026-11-30T09:02:11Z", mfaAuthenticated: "true" } } };

let sequence = 0;
/** The fields every record carries ("CloudTrail record contents"), then the event's own. */
function record(fields: Record<string, unknown>): CloudTrailRecord {
  sequence += 1;
  const n = sequence.toString(16).padStart(12, "0");
  return {
    eventVersion: "1.09",
    userIdentity: ADMIN,
    eventTime: "2026-11-30T09:12:44Z",
    awsRegion: "us-east-2",
    sourceIPAddress: "198.51.100.23",
    userAgent: "aws-cli/2.22.0 md/awscrt#0.22.0 ua/2.0 os/linux#6.8 md/arch#x86_64 lang/python#3.12.6",
    requestParameters: null,
    responseElements: null,
    requestID: `5d40662a-49f7-11e6-97e4-${n}`,
    eventID: `b7d4398e-b2f0-4faa-9c76-${n}`,
    eventType: "AwsApiCall",
    managementEvent: true,
    recipientAccountId: ACCOUNT,
    eventCategory: "Management",
    ...fields,
  };
}
/** A management API call (a write unless `readOnly: true` is given). */
const apiCall = (fields: Record<string, unknown>) => record({ readOnly: false, ...fields });
/** A console sign-in record, as in "AWS Management Console sign-in events". */
function consoleLogin(userIdentity: object, outcome: "Success" | "Failure", mfaUsed: "Yes" | "No", extra: Record<string, unknown> = {}): CloudTrailRecord {
  return record({
    userIdentity,
    eventSource: "signin.amazonaws.com",
    eventName: "ConsoleLogin",
    awsRegion: "us-east-1",
    userAgent: "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
    responseElements: { ConsoleLogin: outcome },
    additionalEventData: { LoginTo: "https://console.aws.amazon.com/console/home", MobileVersion: "No", MFAUsed: mfaUsed },
    eventType: "AwsConsoleSignIn",
    ...extra,
  });
}
const ec2 = (eventName: string, requestParameters: unknown, extra: Record<string, unknown> = {}) =>
  apiCall({ eventSource: "ec2.amazonaws.com", eventName, requestParameters, responseElements: { requestId: "8f6a5e2b-3c1d-4e7f-9a0b-1c2d3e4f5a6b", _return: true }, ...extra });
const readCall = (eventSource: string, eventName: string) => apiCall({ eventSource, eventName, readOnly: true });
const sample = (name: string, matches: boolean, event: CloudTrailRecord): CisAlarmSample => ({ name, matches, event });
const source = (control: string, title: string) => ({
  title: `[${control}] ${title} (Security Hub CSPM controls for Amazon CloudWatch, AWS Security Hub User Guide)`,
  url: `${PAGE_URL}#${control.toLowerCase().replace(".", "-")}`,
});
const VPC_ID = "vpc-0a1b2c3d4e5f60718";

/** An entry; its source is the control's section of AWS's page. */
function entry(control: string, title: string, fields: Omit<CisAlarm, "control" | "title" | "source">): CisAlarm {
  return { control, title, source: source(control, title), ...fields };
}

export const CIS_ALARMS: readonly CisAlarm[] = [
  entry("CloudWatch.1", 'A log metric filter and alarm should exist for usage of the "root" user', {
    id: "root-account-use",
    cis: ["v1.2.0/1.1", "v1.2.0/3.3", "v1.4.0/1.7", "v1.4.0/4.3"],
    pattern: '{$.userIdentity.type="Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType !="AwsServiceEvent"}',
    severity: "page", // Nobody here uses root: its use is an account takeover until proven otherwise.
    description: "The root user signed in or made an API call; check the event's sourceIPAddress and userAgent with the account owner now, and rotate the root password and MFA if nobody claims it.",
    samples: [
      sample("root signs in to the console", true, consoleLogin(ROOT, "Success", "Yes")),
      sample("root creates an access key", true, apiCall({ userIdentity: ROOT_SESSION, eventSource: "iam.amazonaws.com", eventName: "CreateAccessKey", requestParameters: {} })),
      sample("an AWS service acting with the root identity (invokedBy)", false, apiCall({ userIdentity: { ...ROOT, invokedBy: "support.amazonaws.com" }, eventSource: "support.amazonaws.com", eventName: "DescribeTrustedAdvisorChecks", sourceIPAddress: "support.amazonaws.com", userAgent: "support.amazonaws.com", readOnly: true })),
      sample("an administrator (not root) creates an access key", false, apiCall({ eventSource: "iam.amazonaws.com", eventName: "CreateAccessKey", requestParameters: { userName: "ci-deployer" } })),
    ],
  }),
  entry("CloudWatch.2", "Ensure a log metric filter and alarm exist for unauthorized API calls", {
    id: "unauthorized-api-calls",
    cis: ["v1.2.0/3.1"],
    pattern: '{($.errorCode="*UnauthorizedOperation") || ($.errorCode="AccessDenied*")}',
    severity: "ticket", // Consoles and tools probe what they may read: denials are routine, a burst is worth a look.
    description: "Someone was refused by IAM; check which principal (userIdentity.arn) and action were denied, and whether the burst comes from one principal probing or from a deployment missing a permission.",
    samples: [
      sample("EC2 refuses RunInstances (Client.UnauthorizedOperation)", true, ec2("RunInstances", { instanceType: "t3.micro" }, { errorCode: "Client.UnauthorizedOperation", errorMessage: "You are not authorized to perform this operation.", responseElements: null })),
      sample("KMS refuses Decrypt (AccessDeniedException)", true, apiCall({ eventSource: "kms.amazonaws.com", eventName: "Decrypt", readOnly: true, errorCode: "AccessDeniedException", errorMessage: "User is not authorized to perform: kms:Decrypt" })),
      sample("a call that failed for another reason (NoSuchEntity)", false, apiCall({ eventSource: "iam.amazonaws.com", eventName: "GetRole", readOnly: true, requestParameters: { roleName: "gone" }, errorCode: "NoSuchEntityException", errorMessage: "The role with name gone cannot be found." })),
      sample("a successful call", false, readCall("ec2.amazonaws.com", "DescribeInstances")),
    ],
  }),
  entry("CloudWatch.3", "Ensure a log metric filter and alarm exist for Management Console sign-in without MFA", {
    id: "console-signin-without-mfa",
    cis: ["v1.2.0/3.2"],
    pattern: '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }',
    severity: "page", // A password alone got into the console: possibly a stolen one, in use now.
    description: "An IAM user signed in to the console with a password only; check with the user (userIdentity.userName) that it was them, and if not disable the login profile and review what the session did.",
    samples: [
      sample("an IAM user signs in without MFA", true, consoleLogin(IAM_USER, "Success", "No")),
      sample("the same sign-in with MFA", false, consoleLogin(IAM_USER, "Success", "Yes")),
      sample("a failed sign-in without MFA (CloudWatch.6 counts it)", false, consoleLogin(IAM_USER, "Failure", "No", { errorMessage: "Failed authentication" })),
      sample("root signs in without MFA: not an IAMUser, CloudWatch.1 pages on it instead", false, consoleLogin(ROOT, "Success", "No")),
      sample("an IAM Identity Center (federated) sign-in: the identity provider enforces MFA, the pattern does not look", false, consoleLogin({ ...ADMIN, accessKeyId: "" }, "Success", "No")),
    ],
  }),
  entry("CloudWatch.4", "Ensure a log metric filter and alarm exist for IAM policy changes", {
    id: "iam-policy-changes",
    cis: ["v1.2.0/3.4", "v1.4.0/4.4"],
    pattern: "{($.eventName=DeleteGroupPolicy) || ($.eventName=DeleteRolePolicy) || ($.eventName=DeleteUserPolicy) || ($.eventName=PutGroupPolicy) || ($.eventName=PutRolePolicy) || ($.eventName=PutUserPolicy) || ($.eventName=CreatePolicy) || ($.eventName=DeletePolicy) || ($.eventName=CreatePolicyVersion) || ($.eventName=DeletePolicyVersion) || ($.eventName=AttachRolePolicy) || ($.eventName=DetachRolePolicy) || ($.eventName=AttachUserPolicy) || ($.eventName=DetachUserPolicy) || ($.eventName=AttachGroupPolicy) || ($.eventName=DetachGroupPolicy)}",
    severity: "ticket", // Every deployment of this project changes role policies.
    description: "An IAM policy was created, changed or attached; check that a deployment (the CI role in userIdentity.arn) made it, and if a person did, read the policy in requestParameters.",
    samples: [
      sample("an inline role policy is written", true, apiCall({ eventSource: "iam.amazonaws.com", eventName: "PutRolePolicy", requestParameters: { roleName: "medicare-hub-prod-app", policyName: "s3-read", policyDocument: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}' } })),
      sample("AdministratorAccess is attached to a user", true, apiCall({ eventSource: "iam.amazonaws.com", eventName: "AttachUserPolicy", requestParameters: { userName: "anaya", policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" } })),
      sample("an Organizations SCP is created: the pattern checks eventName only, so it counts too", true, apiCall({ eventSource: "organizations.amazonaws.com", eventName: "CreatePolicy", awsRegion: "us-east-1", requestParameters: { name: "deny-leave-org", type: "SERVICE_CONTROL_POLICY" } })),
      sample("a policy is read", false, apiCall({ eventSource: "iam.amazonaws.com", eventName: "GetPolicyVersion", readOnly: true, requestParameters: { policyArn: `arn:aws:iam::${ACCOUNT}:policy/ci-deploy`, versionId: "v3" } })),
    ],
  }),
  entry("CloudWatch.5", "Ensure a log metric filter and alarm exist for CloudTrail AWS Configuration changes", {
    id: "cloudtrail-changes",
    cis: ["v1.2.0/3.5", "v1.4.0/4.5"],
    pattern: "{($.eventName=CreateTrail) || ($.eventName=UpdateTrail) || ($.eventName=DeleteTrail) || ($.eventName=StartLogging) || ($.eventName=StopLogging)}",
    severity: "page", // Turning off the audit trail is the first step of covering tracks.
    description: "A trail was created, changed, stopped or deleted; check GetTrailStatus that the audit trail still logs and who (userIdentity.arn) changed it.",
    samples: [
      sample("the audit trail is stopped", true, apiCall({ eventSource: "cloudtrail.amazonaws.com", eventName: "StopLogging", requestParameters: { name: `arn:aws:cloudtrail:us-east-2:${ACCOUNT}:trail/medicare-hub-audit` } })),
      sample("the trail is updated", true, apiCall({ eventSource: "cloudtrail.amazonaws.com", eventName: "UpdateTrail", requestParameters: { name: "medicare-hub-audit", isMultiRegionTrail: false } })),
      sample("event selectors change what the trail records: not in the CIS list", false, apiCall({ eventSource: "cloudtrail.amazonaws.com", eventName: "PutEventSelectors", requestParameters: { trailName: "medicare-hub-audit", eventSelectors: [{ readWriteType: "All", includeManagementEvents: false }] } })),
      sample("the trail's status is read", false, readCall("cloudtrail.amazonaws.com", "GetTrailStatus")),
    ],
  }),
  entry("CloudWatch.6", "Ensure a log metric filter and alarm exist for AWS Management Console authentication failures", {
    id: "console-authentication-failures",
    cis: ["v1.2.0/3.6", "v1.4.0/4.6"],
    pattern: '{($.eventName=ConsoleLogin) && ($.errorMessage="Failed authentication")}',
    severity: "ticket", // One mistyped password is not an incident; a burst against one user is, and shows in the ticket.
    description: "Console sign-ins failed; check whether they target one user from one sourceIPAddress (password guessing) or are one person's typos.",
    samples: [
      sample("a wrong password (AWS's example record)", true, consoleLogin(IAM_USER, "Failure", "Yes", { errorMessage: "Failed authentication" })),
      sample("a successful sign-in", false, consoleLogin(IAM_USER, "Success", "Yes")),
    ],
  }),
  entry("CloudWatch.7", "Ensure a log metric filter and alarm exist for disabling or scheduled deletion of customer managed keys", {
    id: "kms-key-disable-or-deletion",
    cis: ["v1.2.0/3.7", "v1.4.0/4.7"],
    pattern: "{($.eventSource=kms.amazonaws.com) && (($.eventName=DisableKey) || ($.eventName=ScheduleKeyDeletion))}",
    severity: "page", // A disabled or deleted key makes every record it encrypts unreadable: PHI lost, or held to ransom.
    description: "A KMS key was disabled or scheduled for deletion; check requestParameters.keyId against the project's keys and, unless it is a planned retirement, run CancelKeyDeletion or EnableKey now.",
    samples: [
      sample("a key is scheduled for deletion", true, apiCall({ eventSource: "kms.amazonaws.com", eventName: "ScheduleKeyDeletion", requestParameters: { keyId: "1234abcd-12ab-34cd-56ef-1234567890ab", pendingWindowInDays: 7 }, responseElements: { keyId: `arn:aws:kms:us-east-2:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`, deletionDate: "Dec 7, 2026, 9:12:44 AM", keyState: "PendingDeletion", pendingWindowInDays: 7 } })),
      sample("a key is disabled", true, apiCall({ eventSource: "kms.amazonaws.com", eventName: "DisableKey", requestParameters: { keyId: "1234abcd-12ab-34cd-56ef-1234567890ab" } })),
      sample("key rotation is disabled: not disabling the key", false, apiCall({ eventSource: "kms.amazonaws.com", eventName: "DisableKeyRotation", requestParameters: { keyId: "1234abcd-12ab-34cd-56ef-1234567890ab" } })),
      sample("a scheduled deletion is cancelled", false, apiCall({ eventSource: "kms.amazonaws.com", eventName: "CancelKeyDeletion", requestParameters: { keyId: "1234abcd-12ab-34cd-56ef-1234567890ab" } })),
    ],
  }),
  entry("CloudWatch.8", "Ensure a log metric filter and alarm exist for S3 bucket policy changes", {
    id: "s3-bucket-policy-changes",
    cis: ["v1.2.0/3.8", "v1.4.0/4.8"],
    pattern: "{($.eventSource=s3.amazonaws.com) && (($.eventName=PutBucketAcl) || ($.eventName=PutBucketPolicy) || ($.eventName=PutBucketCors) || ($.eventName=PutBucketLifecycle) || ($.eventName=PutBucketReplication) || ($.eventName=DeleteBucketPolicy) || ($.eventName=DeleteBucketCors) || ($.eventName=DeleteBucketLifecycle) || ($.eventName=DeleteBucketReplication))}",
    severity: "ticket", // Deployments write bucket policies; a public bucket is also caught by Access Analyzer and Config.
    description: "A bucket's policy, ACL, CORS, lifecycle or replication changed; check that a deployment made it and that requestParameters grants nothing to a principal outside the account.",
    samples: [
      sample("a bucket policy is written", true, apiCall({ eventSource: "s3.amazonaws.com", eventName: "PutBucketPolicy", requestParameters: { bucketName: "medicare-hub-prod-documents", Host: "medicare-hub-prod-documents.s3.us-east-2.amazonaws.com", bucketPolicy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: "*", Action: "s3:GetObject" }] }, policy: "" } })),
      sample("a bucket ACL is written", true, apiCall({ eventSource: "s3.amazonaws.com", eventName: "PutBucketAcl", requestParameters: { bucketName: "medicare-hub-prod-documents", acl: "" } })),
      sample("the bucket's public access block is removed: not in the CIS list", false, apiCall({ eventSource: "s3.amazonaws.com", eventName: "DeleteBucketPublicAccessBlock", requestParameters: { bucketName: "medicare-hub-prod-documents", publicAccessBlock: "" } })),
      sample("a bucket policy is read", false, readCall("s3.amazonaws.com", "GetBucketPolicy")),
    ],
  }),
  entry("CloudWatch.9", "Ensure a log metric filter and alarm exist for AWS Config configuration changes", {
    id: "config-changes",
    cis: ["v1.2.0/3.9", "v1.4.0/4.9"],
    pattern: "{($.eventSource=config.amazonaws.com) && (($.eventName=StopConfigurationRecorder) || ($.eventName=DeleteDeliveryChannel) || ($.eventName=PutDeliveryChannel) || ($.eventName=PutConfigurationRecorder))}",
    severity: "page", // Stopping the recorder blinds continuous evaluation, as stopping the trail blinds the audit.
    description: "AWS Config's recorder or delivery channel was stopped or changed; check DescribeConfigurationRecorderStatus that recording is on and who (userIdentity.arn) changed it.",
    samples: [
      sample("the recorder is stopped", true, apiCall({ eventSource: "config.amazonaws.com", eventName: "StopConfigurationRecorder", requestParameters: { configurationRecorderName: "default" } })),
      sample("the delivery channel is replaced", true, apiCall({ eventSource: "config.amazonaws.com", eventName: "PutDeliveryChannel", requestParameters: { deliveryChannel: { name: "default", s3BucketName: "attacker-bucket" } } })),
      sample("the recorder is deleted: not in the CIS list", false, apiCall({ eventSource: "config.amazonaws.com", eventName: "DeleteConfigurationRecorder", requestParameters: { configurationRecorderName: "default" } })),
      sample("the recorder's status is read", false, readCall("config.amazonaws.com", "DescribeConfigurationRecorderStatus")),
    ],
  }),
  entry("CloudWatch.10", "Ensure a log metric filter and alarm exist for security group changes", {
    id: "security-group-changes",
    cis: ["v1.2.0/3.10", "v1.4.0/4.10"],
    pattern: "{($.eventName=AuthorizeSecurityGroupIngress) || ($.eventName=AuthorizeSecurityGroupEgress) || ($.eventName=RevokeSecurityGroupIngress) || ($.eventName=RevokeSecurityGroupEgress) || ($.eventName=CreateSecurityGroup) || ($.eventName=DeleteSecurityGroup)}",
    severity: "ticket", // Deployments change security groups.
    description: "A security group or its rules changed; check requestParameters for a rule open to 0.0.0.0/0 or ::/0 and that a deployment made it.",
    samples: [
      sample("SSH is opened to the internet", true, ec2("AuthorizeSecurityGroupIngress", { groupId: "sg-0123456789abcdef0", ipPermissions: { items: [{ ipProtocol: "tcp", fromPort: 22, toPort: 22, ipRanges: { items: [{ cidrIp: "0.0.0.0/0" }] } }] } })),
      sample("a rule is modified in place (ModifySecurityGroupRules): not in the CIS list", false, ec2("ModifySecurityGroupRules", { GroupId: "sg-0123456789abcdef0", SecurityGroupRule: { SecurityGroupRuleId: "sgr-0123456789abcdef0", SecurityGroupRule: { IpProtocol: "tcp", FromPort: 22, ToPort: 22, CidrIpv4: "0.0.0.0/0" } } })),
      sample("security groups are listed", false, readCall("ec2.amazonaws.com", "DescribeSecurityGroups")),
    ],
  }),
  entry("CloudWatch.11", "Ensure a log metric filter and alarm exist for changes to Network Access Control Lists (NACL)", {
    id: "nacl-changes",
    cis: ["v1.2.0/3.11", "v1.4.0/4.11"],
    pattern: "{($.eventName=CreateNetworkAcl) || ($.eventName=CreateNetworkAclEntry) || ($.eventName=DeleteNetworkAcl) || ($.eventName=DeleteNetworkAclEntry) || ($.eventName=ReplaceNetworkAclEntry) || ($.eventName=ReplaceNetworkAclAssociation)}",
    severity: "ticket",
    description: "A network ACL or its entries changed; check that a deployment made it and that no entry now allows all traffic from 0.0.0.0/0 to the data subnets.",
    samples: [
      sample("an allow-all entry is added", true, ec2("CreateNetworkAclEntry", { networkAclId: "acl-0123456789abcdef0", ruleNumber: 90, egress: false, ruleAction: "allow", protocol: "-1", cidrBlock: "0.0.0.0/0" })),
      sample("network ACLs are listed", false, readCall("ec2.amazonaws.com", "DescribeNetworkAcls")),
    ],
  }),
  entry("CloudWatch.12", "Ensure a log metric filter and alarm exist for changes to network gateways", {
    id: "network-gateway-changes",
    cis: ["v1.2.0/3.12", "v1.4.0/4.12"],
    pattern: "{($.eventName=CreateCustomerGateway) || ($.eventName=DeleteCustomerGateway) || ($.eventName=AttachInternetGateway) || ($.eventName=CreateInternetGateway) || ($.eventName=DeleteInternetGateway) || ($.eventName=DetachInternetGateway)}",
    severity: "ticket",
    description: "An internet or customer gateway was created, attached, detached or deleted; check which VPC (requestParameters.vpcId) and that a deployment made it.",
    samples: [
      sample("an internet gateway is attached", true, ec2("AttachInternetGateway", { internetGatewayId: "igw-0123456789abcdef0", vpcId: VPC_ID })),
      sample("a NAT gateway is created: not a network gateway in the CIS list", false, ec2("CreateNatGateway", { subnetId: "subnet-0123456789abcdef0", allocationId: "eipalloc-0123456789abcdef0" })),
      sample("internet gateways are listed", false, readCall("ec2.amazonaws.com", "DescribeInternetGateways")),
    ],
  }),
  entry("CloudWatch.13", "Ensure a log metric filter and alarm exist for route table changes", {
    id: "route-table-changes",
    cis: ["v1.2.0/3.13", "v1.4.0/4.13"],
    pattern: "{($.eventName=CreateRoute) || ($.eventName=CreateRouteTable) || ($.eventName=ReplaceRoute) || ($.eventName=ReplaceRouteTableAssociation) || ($.eventName=DeleteRouteTable) || ($.eventName=DeleteRoute) || ($.eventName=DisassociateRouteTable)}",
    severity: "ticket",
    description: "A route or route table changed; check that a deployment made it and that no data subnet's table now routes 0.0.0.0/0 to an internet gateway.",
    samples: [
      sample("a default route to an internet gateway", true, ec2("CreateRoute", { routeTableId: "rtb-0123456789abcdef0", destinationCidrBlock: "0.0.0.0/0", gatewayId: "igw-0123456789abcdef0" })),
      sample("an API Gateway route is created: the pattern checks eventName only, so it counts too", true, apiCall({ eventSource: "apigateway.amazonaws.com", eventName: "CreateRoute", requestParameters: { apiId: "a1b2c3d4e5", routeKey: "GET /health" } })),
      sample("a route table is associated with a subnet (AssociateRouteTable): not in the CIS list", false, ec2("AssociateRouteTable", { routeTableId: "rtb-0123456789abcdef0", subnetId: "subnet-0123456789abcdef0" })),
      sample("route tables are listed", false, readCall("ec2.amazonaws.com", "DescribeRouteTables")),
    ],
  }),
  entry("CloudWatch.14", "Ensure a log metric filter and alarm exist for VPC changes", {
    id: "vpc-changes",
    cis: ["v1.2.0/3.14", "v1.4.0/4.14"],
    pattern: "{($.eventName=CreateVpc) || ($.eventName=DeleteVpc) || ($.eventName=ModifyVpcAttribute) || ($.eventName=AcceptVpcPeeringConnection) || ($.eventName=CreateVpcPeeringConnection) || ($.eventName=DeleteVpcPeeringConnection) || ($.eventName=RejectVpcPeeringConnection) || ($.eventName=AttachClassicLinkVpc) || ($.eventName=DetachClassicLinkVpc) || ($.eventName=DisableVpcClassicLink) || ($.eventName=EnableVpcClassicLink)}",
    severity: "ticket",
    description: "A VPC, its attributes or a peering connection changed; check that a deployment made it, and for a peering connection which account is on the other side (requestParameters.peerOwnerId).",
    samples: [
      sample("a peering connection to another account is requested", true, ec2("CreateVpcPeeringConnection", { vpcId: VPC_ID, peerVpcId: "vpc-0fedcba9876543210", peerOwnerId: "444455556666" })),
      sample("DNS hostnames are turned on", true, ec2("ModifyVpcAttribute", { vpcId: VPC_ID, enableDnsHostnames: { value: true } })),
      sample("a CIDR block is added to the VPC (AssociateVpcCidrBlock): not in the CIS list", false, ec2("AssociateVpcCidrBlock", { vpcId: VPC_ID, cidrBlock: "10.31.0.0/16" })),
      sample("VPCs are listed", false, readCall("ec2.amazonaws.com", "DescribeVpcs")),
    ],
  }),
];
