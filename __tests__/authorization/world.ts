/**
 * The rendered stacks indexed the way AWS looks policies up at request time: identity policies by principal (inline
 * and attached, AWS managed ones from managed-policies/), resource policies by resource.
 */
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { RenderedStacks, type Located, type NamedPolicy, type PolicyDocument } from "./render";

export type { Located, NamedPolicy, PolicyDocument } from "./render";

const MANAGED_POLICY_DIR = join(__dirname, "managed-policies");

/** AWS managed policies vendored in managed-policies/, by ARN. */
export function managedPolicies(): Map<string, NamedPolicy> {
  const byArn = new Map<string, NamedPolicy>();
  for (const file of readdirSync(MANAGED_POLICY_DIR).filter((f) => f.endsWith(".json"))) {
    const fixture = JSON.parse(readFileSync(join(MANAGED_POLICY_DIR, file), "utf8"));
    byArn.set(fixture.arn, { name: fixture.name, policy: fixture.document });
  }
  return byArn;
}

/**
 * A key created without a `policy` gets the default key policy, which gives the account (and through it IAM
 * policies) full use of the key. Source: "Default key policy", AWS KMS Developer Guide,
 * https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html
 */
function defaultKeyPolicy(account: string): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [{ Sid: "Enable IAM User Permissions", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: "kms:*", Resource: "*" }],
  };
}

/**
 * The policy of a file system nobody gave one (a replication's copy, which EFS creates with the default settings): the
 * default file system policy, in effect whenever no user-configured one is, grants full access to any client that can
 * connect through a mount target, without IAM. Modelled as an Allow of every client action to anyone, given
 * elasticfilesystem:AccessedViaMountTarget. Source: "Using IAM to control file system data access" (Amazon EFS User
 * Guide), https://docs.aws.amazon.com/efs/latest/ug/iam-access-control-nfs-efs.html
 */
export function defaultFileSystemPolicy(fileSystemArn: string): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "DefaultFileSystemPolicy",
        Effect: "Allow",
        Principal: { AWS: "*" },
        Action: ["elasticfilesystem:ClientRootAccess", "elasticfilesystem:ClientWrite", "elasticfilesystem:ClientMount"],
        Resource: fileSystemArn,
        Condition: { Bool: { "elasticfilesystem:AccessedViaMountTarget": "true" } },
      },
    ],
  };
}

export class World extends RenderedStacks {
  private readonly managed = managedPolicies();

  /** Identity policies of an IAM role of any stack, by role ARN: inline policies and attached managed policies. */
  identityPolicies(roleArn: string): NamedPolicy[] | undefined {
    const role = this.roleByArn(roleArn);
    if (!role) return undefined;
    if (role.values.inline_policy || role.values.managed_policy_arns) throw new Error(`${role.address}: inline_policy / managed_policy_arns are not rendered`);
    const isThisRole = (value: unknown) => this.referenced(role.stackId, value, "aws_iam_role")?.name === role.name;
    const inline = this.resources(role.stackId, "aws_iam_role_policy")
      .filter((p) => isThisRole(p.values.role))
      .map((p) => ({ name: `${p.address} (inline)`, policy: this.policy(p.stackId, p.values.policy, p.address) }));
    const attached = this.resources(role.stackId, "aws_iam_role_policy_attachment")
      .filter((a) => isThisRole(a.values.role))
      .map((a) => this.attachedPolicy(a));
    return [...inline, ...attached];
  }

  /** The resource-based policy AWS evaluates for a request on `arn`, if the resource has one. */
  resourcePolicy(arn: string): PolicyDocument | undefined {
    const [, , service, region, account, rest = ""] = arn.split(":");
    const restWithTail = arn.split(":").slice(5).join(":");
    switch (service) {
      case "kms": {
        const key = this.all("aws_kms_key").find((k) => this.attribute(k, "arn") === arn);
        if (!key) throw new Error(`no aws_kms_key renders to ${arn}`);
        return key.values.policy === undefined ? defaultKeyPolicy(key.account) : this.policy(key.stackId, key.values.policy, `${key.address}.policy`);
      }
      case "iam": {
        const role = this.roleByArn(arn);
        return role ? this.policy(role.stackId, role.values.assume_role_policy, `${role.address}.assume_role_policy`) : undefined;
      }
      case "s3": {
        const bucket = this.bucketOf(arn);
        const policies = this.all("aws_s3_bucket_policy").filter((p) => this.referenced(p.stackId, p.values.bucket, "aws_s3_bucket")?.address === bucket.address && p.stackId === bucket.stackId);
        return this.merged(policies.map((p) => this.policy(p.stackId, p.values.policy, `${p.address}.policy`)));
      }
      case "sns": {
        const policies = this.all("aws_sns_topic_policy").filter((p) => this.substitute(p.stackId, String(p.values.arn), `${p.address}.arn`) === arn);
        return this.merged(policies.map((p) => this.policy(p.stackId, p.values.policy, `${p.address}.policy`)));
      }
      case "elasticfilesystem": {
        if (!rest.startsWith("file-system/")) return undefined;
        // The policy's file system, in the policy's region: a file system of the stack or a replication's copy.
        const policies = this.all("aws_efs_file_system_policy").filter((p) => {
          const id = this.substitute(p.stackId, String(p.values.file_system_id), `${p.address}.file_system_id`);
          return `arn:aws:elasticfilesystem:${p.region}:${p.account}:file-system/${id}` === arn;
        });
        return this.merged(policies.map((p) => this.policy(p.stackId, p.values.policy, `${p.address}.policy`))) ?? defaultFileSystemPolicy(arn);
      }
      case "logs": {
        if (!restWithTail.startsWith("log-group:")) return undefined;
        // CloudWatch Logs resource policies are account- and region-wide; each statement scopes itself by Resource.
        const policies = this.all("aws_cloudwatch_log_resource_policy").filter((p) => p.account === account && p.region === region);
        return this.merged(policies.map((p) => this.policy(p.stackId, p.values.policy_document, `${p.address}.policy_document`)));
      }
      default:
        return undefined;
    }
  }

  /** The account that owns the resource `arn` names (S3 ARNs carry none: the bucket's stack says). */
  resourceAccount(arn: string): string {
    const account = arn.split(":")[4];
    if (account) return account;
    if (arn.startsWith("arn:aws:s3:::")) return this.bucketOf(arn).account;
    throw new Error(`cannot tell which account owns ${arn}`);
  }

  /** The region of the bucket an S3 ARN names, if a stack creates it. */
  bucketRegion(arn: string): string | undefined {
    const name = arn.slice("arn:aws:s3:::".length).split("/")[0];
    return this.all("aws_s3_bucket").find((b) => b.values.bucket === name)?.region;
  }

  /** Every policy-bearing attribute of every stack, rendered: what AWS will be sent. */
  everyPolicy(): { where: string; policy: PolicyDocument }[] {
    const attributes: [string, string][] = [
      ["aws_kms_key", "policy"],
      ["aws_iam_role", "assume_role_policy"],
      ["aws_iam_role_policy", "policy"],
      ["aws_iam_policy", "policy"],
      ["aws_s3_bucket_policy", "policy"],
      ["aws_sns_topic_policy", "policy"],
      ["aws_efs_file_system_policy", "policy"],
      ["aws_cloudwatch_log_resource_policy", "policy_document"],
      ["aws_backup_vault_policy", "policy"],
      ["aws_secretsmanager_secret_policy", "policy"],
    ];
    const found = attributes.flatMap(([type, key]) =>
      this.all(type)
        .filter((r) => r.values[key] !== undefined)
        .map((r) => ({ where: `${r.stackId} ${r.address}.${key}`, policy: this.policy(r.stackId, r.values[key], `${r.address}.${key}`) })),
    );
    const attachments = this.all("aws_iam_role_policy_attachment").map((a) => ({ where: `${a.stackId} ${a.address}`, policy: this.attachedPolicy(a).policy }));
    const documents = this.stackIds().flatMap((stackId) =>
      Object.keys(this.stacks[stackId].data?.aws_iam_policy_document ?? {}).map((name) => ({
        where: `${stackId} data.aws_iam_policy_document.${name}`,
        policy: this.document(stackId, name),
      })),
    );
    return [...found, ...attachments, ...documents];
  }

  /** Every resource of `type` in every stack. */

  // ---------------------------------------------------------------------------------------------------------------

  private attachedPolicy(attachment: Located): NamedPolicy {
    const arn = this.substitute(attachment.stackId, String(attachment.values.policy_arn), `${attachment.address}.policy_arn`);
    const managed = this.managed.get(arn);
    if (managed) return managed;
    const customer = this.all("aws_iam_policy").find((p) => p.stackId === attachment.stackId && this.policyArn(p) === arn);
    if (customer) return { name: customer.address, policy: this.policy(customer.stackId, customer.values.policy, `${customer.address}.policy`) };
    throw new Error(`${attachment.stackId} ${attachment.address}: ${arn} is not vendored in __tests__/authorization/managed-policies/ (add its document, citing the AWS Managed Policy Reference)`);
  }

  private policyArn(policy: Located): string {
    return `arn:aws:iam::${policy.account}:policy${policy.values.path ?? "/"}${policy.values.name}`;
  }

  private roleByArn(arn: string): Located | undefined {
    return this.all("aws_iam_role").find((role) => this.attribute(role, "arn") === arn);
  }

  private bucketOf(arn: string): Located {
    const name = arn.slice("arn:aws:s3:::".length).split("/")[0];
    const bucket = this.all("aws_s3_bucket").find((b) => b.values.bucket === name);
    if (!bucket) throw new Error(`no aws_s3_bucket is named ${name}`);
    return bucket;
  }

  private merged(policies: PolicyDocument[]): PolicyDocument | undefined {
    return policies.length === 0 ? undefined : { Version: "2012-10-17", Statement: policies.flatMap((p) => p.Statement) };
  }
}
