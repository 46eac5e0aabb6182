import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Fn } from "cdktf";
import { Construct } from "constructs";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { S3Object } from "@cdktf/provider-aws/lib/s3-object";
import { SyntheticsCanary } from "@cdktf/provider-aws/lib/synthetics-canary";
import { bucketName, canaryName, resourceName } from "./naming";
import { encryptedLogGroup } from "./logging";
import { SecureBucket, type KmsKeyRef } from "./secure-bucket";
import { storedZip } from "./zip";
import { serviceTrustPolicy } from "./iam";
import type { DeploymentContext } from "./context";

/** The canary's handler file, plain Node.js (node:https only): no Synthetics library, so no namespace to follow. */
export const CANARY_SCRIPT = join(__dirname, "canary", "journey.js");
/**
 * Where Node.js canary runtimes load the handler's file from inside the code zip, and its handler name ("Writing a
 * Node.js canary script", CloudWatch User Guide: `nodejs/node_modules/<file>.js`, handler `<file>.handler`).
 */
export const CANARY_SCRIPT_PATH_IN_ZIP = "nodejs/node_modules/journey.js";
export const CANARY_HANDLER = "journey.handler";
/** The code object's key in the canary bucket: fixed, so a change is a new version of it. */
export const CANARY_CODE_KEY = "code/journey.zip";
/**
 * The newest Node.js Synthetics runtime when this was written ("Runtime versions using Node.js and Puppeteer").
 * Runtimes are deprecated about yearly and a deprecated one cannot be used to create a canary ("Runtime versions
 * support policy"): raise `syntheticChecks.runtimeVersion` when AWS announces a deprecation.
 */
export const DEFAULT_CANARY_RUNTIME = "syn-nodejs-puppeteer-15.0";
/** The app's page says this (constructs/app/bootstrap.sh); the maintenance page does not. */
export const APP_PAGE_TEXT = "<h1>MediCare Hub</h1>";
/** The maintenance page says this (constructs/maintenance/index.html). */
export const MAINTENANCE_PAGE_TEXT = "MediCare Hub is under maintenance";
/** Run artifacts (screenshots, logs, HAR files of a public page) are kept a month. */
export const DEFAULT_ARTIFACT_RETENTION_DAYS = 30;
/** A run gives up on its request after this; the canary's own run timeout is above it. */
export const CANARY_REQUEST_TIMEOUT_MS = 10_000;
/** Lambda cold start and the runtime's own start-up come on top of the request ("…no shorter than 15 seconds"). */
export const CANARY_RUN_TIMEOUT_SECONDS = 60;

/** One canary, and what its failure means. */
export interface SyntheticCheck {
  /** `journey`: the app through the public domain; `maintenance`: the failover page through its CloudFront name. */
  readonly kind: "journey" | "maintenance";
  /** The canary's name: the `CanaryName` dimension of its CloudWatchSynthetics metrics. */
  readonly name: string;
  readonly canary: SyntheticsCanary;
}

export interface SyntheticChecksProps extends DeploymentContext {
  /** The domain users reach the app on: the journey canary asks `https://<domain>/`. */
  readonly domainName: string;
  /**
   * The maintenance site's CloudFront domain name (`dxxxx.cloudfront.net`): a second canary asks it for the maintenance
   * page.
   * @default - no maintenance canary (the environment has no maintenance page)
   */
  readonly maintenanceDomainName?: string;
  /** Encrypts the run artifacts and the canary's code (SSE-KMS). */
  readonly key: KmsKeyRef;
  /** Minutes between runs of each canary (1–60). */
  readonly intervalMinutes: number;
  /**
   * The CloudWatch Synthetics runtime (config: syntheticChecks.runtimeVersion).
   * @default DEFAULT_CANARY_RUNTIME
   */
  readonly runtimeVersion?: string;
  /**
   * Days run artifacts are kept, in S3 and in Synthetics' run records.
   * @default DEFAULT_ARTIFACT_RETENTION_DAYS (30)
   */
  readonly artifactRetentionDays?: number;
  /** Days the canaries' Lambda logs are kept (config: logRetentionDays). */
  readonly logRetentionDays: number;
  /**
   * `prevent_destroy` on the artifacts bucket.
   * @default true
   */
  readonly preventDestroy?: boolean;
}

/**
 * CloudWatch Synthetics canaries of the public journey, from outside the VPC, through public DNS, TLS and (after a
 * failover) CloudFront: what the load balancer's own metrics cannot see (a wrong DNS answer, an expired certificate, a
 * WAF rule blocking everyone, a broken maintenance page). Their SuccessPercent feeds the alarms in
 * constructs/monitoring.ts. The code is a deterministic zip built at synth time and kept in the artifacts bucket, so the
 * Terraform is self-contained (no file next to it).
 *
 * Cost: $0.0012 per run ("Amazon CloudWatch pricing", Synthetics): every 5 minutes, about $10 a month per canary, plus
 * Lambda and S3 pennies.
 */
export class SyntheticChecks extends Construct {
  readonly checks: readonly SyntheticCheck[];
  readonly bucket: SecureBucket;
  readonly role: IamRole;

  constructor(scope: Construct, id: string, props: SyntheticChecksProps) {
    super(scope, id);
    const { environment, accountId, region } = props;
    if (!Number.isInteger(props.intervalMinutes) || props.intervalMinutes < 1 || props.intervalMinutes > 60) {
      throw new Error(`SyntheticChecks intervalMinutes must be a whole number from 1 to 60, got ${props.intervalMinutes}`);
    }
    this.bucket = new SecureBucket(this, "bucket", {
      bucketName: bucketName(environment, "canary", accountId, region),
      encryption: props.key,
      // Synthetics' retention periods cover its run records, not the S3 artifacts: the bucket expires those itself.
      // The code under code/ never expires: the canary is re-created from it whenever it changes.
      expireCurrentAfterDays: props.artifactRetentionDays ?? DEFAULT_ARTIFACT_RETENTION_DAYS,
      expireCurrentPrefix: "artifacts/",
      noncurrentVersionRetentionDays: 7,
      preventDestroy: props.preventDestroy ?? true,
    });
    const codeBucket = this.bucket.bucket.bucket;
    const bucketArn = this.bucket.bucket.arn;

    const zip = storedZip([{ path: CANARY_SCRIPT_PATH_IN_ZIP, content: readFileSync(CANARY_SCRIPT) }]);
    // One key, new versions: a changed script is a new version of the same object (the bucket is versioned), and the
    // canary names the version. A key per content would change the objects the CI plan role may read (docs/ci.md)
    // with every edit of the script.
    const code = new S3Object(this, "code", {
      bucket: codeBucket,
      key: CANARY_CODE_KEY,
      contentBase64: zip.toString("base64"),
      contentType: "application/zip",
      // As the bucket's default, but said on the object: a reader of the Terraform sees the key without following it.
      serverSideEncryption: "aws:kms",
      kmsKeyId: props.key.arn,
      // After versioning is on, so the object's version_id is set from the start (the canary names that version).
      dependsOn: [this.bucket.policy, this.bucket.versioning],
    });

    const checks: { kind: SyntheticCheck["kind"]; url: string; status: number; expect: string; refuse?: string }[] = [
      { kind: "journey", url: `https://${props.domainName}/`, status: 200, expect: APP_PAGE_TEXT, refuse: MAINTENANCE_PAGE_TEXT },
    ];
    if (props.maintenanceDomainName) {
      checks.push({ kind: "maintenance", url: `https://${props.maintenanceDomainName}/`, status: 200, expect: MAINTENANCE_PAGE_TEXT });
    }
    const names = checks.map((check) => canaryName(environment, check.kind));
    const rolePolicy = this.canaryRole(props, bucketArn, names);
    this.role = rolePolicy.role;

    this.checks = checks.map((check, i) => {
      const name = names[i];
      const canary = new SyntheticsCanary(this, check.kind, {
        name,
        executionRoleArn: this.role.arn,
        runtimeVersion: props.runtimeVersion ?? DEFAULT_CANARY_RUNTIME,
        handler: CANARY_HANDLER,
        s3Bucket: codeBucket,
        s3Key: code.key,
        s3Version: code.versionId,
        artifactS3Location: `s3://${codeBucket}/artifacts/${check.kind}/`,
        artifactConfig: { s3Encryption: { encryptionMode: "SSE_KMS", kmsKeyArn: props.key.arn } },
        schedule: { expression: `rate(${props.intervalMinutes} ${props.intervalMinutes === 1 ? "minute" : "minutes"})` },
        runConfig: {
          timeoutInSeconds: CANARY_RUN_TIMEOUT_SECONDS,
          environmentVariables: {
            CANARY_URL: check.url,
            CANARY_EXPECT_STATUS: String(check.status),
            CANARY_EXPECT_TEXT: check.expect,
            ...(check.refuse ? { CANARY_REFUSE_TEXT: check.refuse } : {}),
            CANARY_TIMEOUT_MS: String(CANARY_REQUEST_TIMEOUT_MS),
          },
        },
        successRetentionPeriod: props.artifactRetentionDays ?? DEFAULT_ARTIFACT_RETENTION_DAYS,
        failureRetentionPeriod: props.artifactRetentionDays ?? DEFAULT_ARTIFACT_RETENTION_DAYS,
        startCanary: true,
        // The Lambda function and layers Synthetics creates for the canary go with it.
        deleteLambda: true,
        tags: { Name: resourceName(environment, `canary-${check.kind}`) },
        // The first runs start at once: the role must already hold its permissions, or they fail to store artifacts.
        dependsOn: [this.bucket.policy, rolePolicy.policy],
      });
      // The log group of the canary's Lambda function, made here (encrypted, kept logRetentionDays) instead of by
      // Lambda on the first run (unencrypted, kept forever): the role may write to it but not create it. The function
      // is named by Synthetics; engine_arn is its ARN (arn:...:function:<name>:<version>).
      encryptedLogGroup(this, `${check.kind}-log-group`, {
        name: `/aws/lambda/${Fn.element(Fn.split(":", canary.engineArn), 6)}`,
        retentionDays: props.logRetentionDays,
        key: props.key,
      });
      return { kind: check.kind, name, canary };
    });
  }

  /**
   * The canaries' execution role: AWS's documented minimum ("Required roles and permissions for canaries"), narrowed
   * to this bucket and these canaries' log groups, plus the key for SSE-KMS artifacts.
   */
  private canaryRole(props: SyntheticChecksProps, bucketArn: string, names: readonly string[]): { role: IamRole; policy: IamRolePolicy } {
    const { environment, accountId, region, partition } = props;
    const trust = serviceTrustPolicy(this, "role-trust", "lambda.amazonaws.com");
    const role = new IamRole(this, "role", {
      name: resourceName(environment, "canary"),
      description: "Runs MediCare Hub's synthetic checks: writes their artifacts, metrics and logs, nothing else",
      assumeRolePolicy: trust.json,
    });
    const permissions = new DataAwsIamPolicyDocument(this, "role-permissions", {
      statement: [
        { sid: "WriteArtifacts", effect: "Allow", actions: ["s3:PutObject", "s3:GetObject"], resources: [`${bucketArn}/artifacts/*`] },
        { sid: "LocateTheArtifactsBucket", effect: "Allow", actions: ["s3:GetBucketLocation"], resources: [bucketArn] },
        // The runtime lists buckets before it writes; the action has no resource-level permission.
        { sid: "ListBuckets", effect: "Allow", actions: ["s3:ListAllMyBuckets"], resources: ["*"] },
        {
          sid: "EncryptArtifacts",
          effect: "Allow",
          actions: ["kms:GenerateDataKey", "kms:Decrypt"],
          resources: [props.key.arn],
          condition: [{ test: "StringEquals", variable: "kms:ViaService", values: [`s3.${region}.amazonaws.com`] }],
        },
        {
          sid: "PublishCanaryMetricsOnly",
          effect: "Allow",
          actions: ["cloudwatch:PutMetricData"],
          resources: ["*"],
          condition: [{ test: "StringEquals", variable: "cloudwatch:namespace", values: ["CloudWatchSynthetics"] }],
        },
        {
          // Not logs:CreateLogGroup: the log group is made by Terraform, encrypted and with a retention.
          sid: "WriteOwnLogs",
          effect: "Allow",
          actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
          resources: names.map((name) => `arn:${partition}:logs:${region}:${accountId}:log-group:/aws/lambda/cwsyn-${name}-*`),
        },
      ],
    });
    const policy = new IamRolePolicy(this, "role-policy", { name: "synthetic-checks", role: role.id, policy: permissions.json });
    return { role, policy };
  }
}
