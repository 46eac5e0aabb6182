/**
 * The customer managed key, made the one way every MediCare Hub key is made (the environments' keys, the alerts keys,
 * the backup copy key, the state key): a shared building block, free of any layer.
 */
import type { TerraformProvider } from "cdktf";
import type { Construct } from "constructs";
import { DataAwsIamPolicyDocument, type DataAwsIamPolicyDocumentStatement } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";

/** A deleted key makes everything it encrypted unreadable: keep the longest window AWS allows to cancel. */
export const KEY_DELETION_WINDOW_DAYS = 30;

/** Data-key operations a service needs to encrypt and decrypt on a caller's behalf. */
export const USE_ACTIONS = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"];

export interface CustomerKeyProps {
  /** The account whose root administers the key. */
  readonly accountId: string;
  /** `aws`, or the partition of the account. */
  readonly partition: string;
  /** What the key encrypts, as AWS shows it. */
  readonly description: string;
  /** Alias name, without the `alias/` prefix; also the key's Name tag. */
  readonly alias: string;
  /**
   * Who may use the key, besides the account root that administers it.
   * @default - nobody but through IAM
   */
  readonly statements?: DataAwsIamPolicyDocumentStatement[];
  /**
   * Refuse `terraform destroy` of the key.
   * @default true
   */
  readonly preventDestroy?: boolean;
  /**
   * Provider of the key's region.
   * @default - the stack's default provider
   */
  readonly provider?: TerraformProvider;
  /**
   * Tags added to the Name tag (e.g. DataClassification).
   * @default - none
   */
  readonly tags?: Record<string, string>;
}

/**
 * A customer-managed key as every MediCare Hub key is made: yearly rotation, the longest deletion window, the account
 * root as administrator (without it a key can become unmanageable; IAM policies then decide which roles may use it),
 * an alias. Creates `<id>-policy`, `<id>` and `<id>-alias`.
 */
export function customerKey(scope: Construct, id: string, props: CustomerKeyProps): KmsKey {
  const { provider } = props;
  const policy = new DataAwsIamPolicyDocument(scope, `${id}-policy`, {
    provider,
    statement: [
      {
        sid: "AccountAdministersKey",
        effect: "Allow",
        principals: [{ type: "AWS", identifiers: [`arn:${props.partition}:iam::${props.accountId}:root`] }],
        actions: ["kms:*"],
        resources: ["*"],
      },
      ...(props.statements ?? []),
    ],
  });
  const key = new KmsKey(scope, id, {
    provider,
    description: props.description,
    enableKeyRotation: true,
    deletionWindowInDays: KEY_DELETION_WINDOW_DAYS,
    policy: policy.json,
    tags: { Name: props.alias, ...props.tags },
    lifecycle: { preventDestroy: props.preventDestroy ?? true },
  });
  new KmsAlias(scope, `${id}-alias`, { provider, name: `alias/${props.alias}`, targetKeyId: key.keyId });
  return key;
}
