/**
 * The CIS metric filters and alarms (constructs/audit/cis-alarms.ts): one per Security Hub control CloudWatch.1–14,
 * each pattern still exactly AWS's text (copied again below, so an edit on either side fails here), and each sample
 * CloudTrail record matched, or not, as the entry declares, by the tested matcher (./log-filter-pattern.test.ts).
 */
import { CIS_ALARMS, type CloudTrailRecord } from "../../../constructs/audit/cis-alarms";
import { matchesFilterPattern, parseFilterPattern } from "../../../constructs/audit/log-filter-pattern";

/**
 * "Security Hub CSPM controls for Amazon CloudWatch" (AWS Security Hub User Guide), copied from the page's published
 * source (awsdocs/aws-security-hub-user-guide, doc_source/cloudwatch-controls.md, 2023-03-10): each control's filter
 * pattern, character for character, and the CIS recommendations its "Related requirements" line lists.
 */
const AWS: Record<string, { pattern: string; cis: string[] }> = {
  "CloudWatch.1": {
    pattern: '{$.userIdentity.type="Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType !="AwsServiceEvent"}',
    cis: ["v1.2.0/1.1", "v1.2.0/3.3", "v1.4.0/1.7", "v1.4.0/4.3"],
  },
  "CloudWatch.2": { pattern: '{($.errorCode="*UnauthorizedOperation") || ($.errorCode="AccessDenied*")}', cis: ["v1.2.0/3.1"] },
  "CloudWatch.3": {
    pattern: '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }',
    cis: ["v1.2.0/3.2"],
  },
  "CloudWatch.4": {
    pattern:
      "{($.eventName=DeleteGroupPolicy) || ($.eventName=DeleteRolePolicy) || ($.eventName=DeleteUserPolicy) || ($.eventName=PutGroupPolicy) || ($.eventName=PutRolePolicy) || ($.eventName=PutUserPolicy) || ($.eventName=CreatePolicy) || ($.eventName=DeletePolicy) || ($.eventName=CreatePolicyVersion) || ($.eventName=DeletePolicyVersion) || ($.eventName=AttachRolePolicy) || ($.eventName=DetachRolePolicy) || ($.eventName=AttachUserPolicy) || ($.eventName=DetachUserPolicy) || ($.eventName=AttachGroupPolicy) || ($.eventName=DetachGroupPolicy)}",
    cis: ["v1.2.0/3.4", "v1.4.0/4.4"],
  },
  "CloudWatch.5": {
    pattern: "{($.eventName=CreateTrail) || ($.eventName=UpdateTrail) || ($.eventName=DeleteTrail) || ($.eventName=StartLogging) || ($.eventName=StopLogging)}",
    cis: ["v1.2.0/3.5", "v1.4.0/4.5"],
  },
  "CloudWatch.6": { pattern: '{($.eventName=ConsoleLogin) && ($.errorMessage="Failed authentication")}', cis: ["v1.2.0/3.6", "v1.4.0/4.6"] },
  "CloudWatch.7": {
    pattern: "{($.eventSource=kms.amazonaws.com) && (($.eventName=DisableKey) || ($.eventName=ScheduleKeyDeletion))}",
    cis: ["v1.2.0/3.7", "v1.4.0/4.7"],
  },
  "CloudWatch.8": {
    pattern:
      "{($.eventSource=s3.amazonaws.com) && (($.eventName=PutBucketAcl) || ($.eventName=PutBucketPolicy) || ($.eventName=PutBucketCors) || ($.eventName=PutBucketLifecycle) || ($.eventName=PutBucketReplication) || ($.eventName=DeleteBucketPolicy) || ($.eventName=DeleteBucketCors) || ($.eventName=DeleteBucketLifecycle) || ($.eventName=DeleteBucketReplication))}",
    cis: ["v1.2.0/3.8", "v1.4.0/4.8"],
  },
  "CloudWatch.9": {
    pattern:
      "{($.eventSource=config.amazonaws.com) && (($.eventName=StopConfigurationRecorder) || ($.eventName=DeleteDeliveryChannel) || ($.eventName=PutDeliveryChannel) || ($.eventName=PutConfigurationRecorder))}",
    cis: ["v1.2.0/3.9", "v1.4.0/4.9"],
  },
  "CloudWatch.10": {
    pattern:
      "{($.eventName=AuthorizeSecurityGroupIngress) || ($.eventName=AuthorizeSecurityGroupEgress) || ($.eventName=RevokeSecurityGroupIngress) || ($.eventName=RevokeSecurityGroupEgress) || ($.eventName=CreateSecurityGroup) || ($.eventName=DeleteSecurityGroup)}",
    cis: ["v1.2.0/3.10", "v1.4.0/4.10"],
  },
  "CloudWatch.11": {
    pattern:
      "{($.eventName=CreateNetworkAcl) || ($.eventName=CreateNetworkAclEntry) || ($.eventName=DeleteNetworkAcl) || ($.eventName=DeleteNetworkAclEntry) || ($.eventName=ReplaceNetworkAclEntry) || ($.eventName=ReplaceNetworkAclAssociation)}",
    cis: ["v1.2.0/3.11", "v1.4.0/4.11"],
  },
  "CloudWatch.12": {
    pattern:
      "{($.eventName=CreateCustomerGateway) || ($.eventName=DeleteCustomerGateway) || ($.eventName=AttachInternetGateway) || ($.eventName=CreateInternetGateway) || ($.eventName=DeleteInternetGateway) || ($.eventName=DetachInternetGateway)}",
    cis: ["v1.2.0/3.12", "v1.4.0/4.12"],
  },
  "CloudWatch.13": {
    pattern:
      "{($.eventName=CreateRoute) || ($.eventName=CreateRouteTable) || ($.eventName=ReplaceRoute) || ($.eventName=ReplaceRouteTableAssociation) || ($.eventName=DeleteRouteTable) || ($.eventName=DeleteRoute) || ($.eventName=DisassociateRouteTable)}",
    cis: ["v1.2.0/3.13", "v1.4.0/4.13"],
  },
  "CloudWatch.14": {
    pattern:
      "{($.eventName=CreateVpc) || ($.eventName=DeleteVpc) || ($.eventName=ModifyVpcAttribute) || ($.eventName=AcceptVpcPeeringConnection) || ($.eventName=CreateVpcPeeringConnection) || ($.eventName=DeleteVpcPeeringConnection) || ($.eventName=RejectVpcPeeringConnection) || ($.eventName=AttachClassicLinkVpc) || ($.eventName=DetachClassicLinkVpc) || ($.eventName=DisableVpcClassicLink) || ($.eventName=EnableVpcClassicLink)}",
    cis: ["v1.2.0/3.14", "v1.4.0/4.14"],
  },
};
const CONTROLS = Array.from({ length: 14 }, (_, i) => `CloudWatch.${i + 1}`);
/** Someone may be inside the account, or blinding the audit: root, password-only console sign-in, trail, Config, keys. */
const PAGED = ["CloudWatch.1", "CloudWatch.3", "CloudWatch.5", "CloudWatch.7", "CloudWatch.9"];

const at = (record: CloudTrailRecord, path: string): unknown =>
  path.split(".").reduce<unknown>((node, key) => (node !== null && typeof node === "object" ? (node as Record<string, unknown>)[key] : undefined), record);

describe("CIS_ALARMS", () => {
  test("holds every Security Hub control CloudWatch.1–14 exactly once, in order", () => {
    expect(CIS_ALARMS.map((a) => a.control)).toEqual(CONTROLS);
  });

  test("ids are unique, kebab-case and short enough to name a filter, a metric and an alarm", () => {
    const ids = CIS_ALARMS.map((a) => a.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/);
    for (const id of ids) expect(id.length).toBeLessThanOrEqual(40);
  });

  test.each(CIS_ALARMS.map((a) => [a.control, a] as const))("%s: the pattern and CIS numbers are AWS's, verbatim", (control, alarm) => {
    expect({ pattern: alarm.pattern, cis: alarm.cis }).toEqual(AWS[control]);
  });

  test.each(CIS_ALARMS.map((a) => [a.control, a.pattern] as const))("%s: the pattern parses", (_control, pattern) => {
    expect(() => parseFilterPattern(pattern)).not.toThrow();
  });

  test("severity: the controls where someone may be inside the account page; the rest open a ticket", () => {
    expect(CIS_ALARMS.filter((a) => a.severity === "page").map((a) => a.control)).toEqual(PAGED);
    expect(CIS_ALARMS.filter((a) => a.severity !== "page").every((a) => a.severity === "ticket")).toBe(true);
  });

  test("each cites its control on AWS's page, and describes itself to on-call in one sentence", () => {
    for (const alarm of CIS_ALARMS) {
      expect(alarm.source.url).toBe(`https://docs.aws.amazon.com/securityhub/latest/userguide/cloudwatch-controls.html#cloudwatch-${alarm.control.split(".")[1]}`);
      expect(alarm.source.title).toContain(`[${alarm.control}] ${alarm.title}`);
      expect(alarm.description).toMatch(/^[A-Z].*[a-z)]\.$/);
      expect(alarm.description).not.toMatch(/\. [A-Z]/);
      expect(alarm.description).toMatch(/check/);
    }
  });

  test("each has a record it must match and a near-miss it must not", () => {
    for (const alarm of CIS_ALARMS) {
      expect({ control: alarm.control, matching: alarm.samples.some((s) => s.matches) }).toEqual({ control: alarm.control, matching: true });
      expect({ control: alarm.control, nearMiss: alarm.samples.some((s) => !s.matches) }).toEqual({ control: alarm.control, nearMiss: true });
    }
  });

  test("the samples are CloudTrail records: the fields every record carries, unique event ids, sign-ins as AWS logs them", () => {
    const samples = CIS_ALARMS.flatMap((a) => a.samples);
    for (const { name, event } of samples) {
      for (const field of ["eventVersion", "userIdentity.type", "eventTime", "eventSource", "eventName", "awsRegion", "sourceIPAddress", "eventID", "eventType", "recipientAccountId"])
        expect({ name, field, present: typeof at(event, field) === "string" }).toEqual({ name, field, present: true });
      if (at(event, "eventName") === "ConsoleLogin") {
        expect({ name, source: at(event, "eventSource"), type: at(event, "eventType") }).toEqual({ name, source: "signin.amazonaws.com", type: "AwsConsoleSignIn" });
        expect(["Yes", "No"]).toContain(at(event, "additionalEventData.MFAUsed"));
        expect(["Success", "Failure"]).toContain(at(event, "responseElements.ConsoleLogin"));
      }
    }
    const ids = samples.map((s) => at(s.event, "eventID"));
    expect(new Set(ids).size).toBe(ids.length);
  });

  describe.each(CIS_ALARMS.map((a) => [a.control, a.id, a] as const))("%s (%s)", (_control, _id, alarm) => {
    test.each(alarm.samples.map((s) => [s.matches ? "matches" : "does not match", s.name, s] as const))("%s: %s", (_verdict, _name, sample) => {
      expect(matchesFilterPattern(alarm.pattern, sample.event)).toBe(sample.matches);
    });
  });

  test("no pattern matches everything: an administrator's successful read-only call raises none of them", () => {
    const quiet = { ...CIS_ALARMS[9].samples.find((s) => !s.matches && s.event.eventName === "DescribeSecurityGroups")!.event };
    expect(CIS_ALARMS.filter((a) => matchesFilterPattern(a.pattern, quiet)).map((a) => a.control)).toEqual([]);
  });
});
