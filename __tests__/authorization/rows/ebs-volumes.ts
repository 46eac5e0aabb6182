/**
 * EBS root volumes of the app instances, encrypted with a customer managed key: Auto Scaling launches them, and EC2
 * calls KMS as the Auto Scaling service-linked role.
 */
import { ACCOUNT, arnOf, via, type AuthorizationRow } from "../row";
import { rootVolumeKey } from "../selectors";
import { AUTO_SCALING_ROLE } from "./principals";
import { SOURCES } from "./sources";

const KEY = arnOf("key of the launch template's root volume", rootVolumeKey);
const THROUGH_EC2 = { "kms:ViaService": via("ec2"), "kms:CallerAccount": ACCOUNT };

export const EBS_ROWS: readonly AuthorizationRow[] = [
  {
    id: "AZ-EBS-1",
    request: "Auto Scaling launches an instance: EC2 generates the data key of its encrypted root volume",
    stacks: ["dev", "prod", "prod-dr"],
    principal: AUTO_SCALING_ROLE,
    action: "kms:GenerateDataKeyWithoutPlaintext",
    resource: KEY,
    context: THROUGH_EC2,
    expected: "Allowed",
    source: [SOURCES.asgKeyPolicy],
    why: "Without it every launch fails and the group can never replace an instance.",
  },
  {
    id: "AZ-EBS-2",
    request: "Auto Scaling launches an instance: EC2 creates the grant that lets the instance's host use the volume key",
    stacks: ["dev", "prod", "prod-dr"],
    principal: AUTO_SCALING_ROLE,
    action: "kms:CreateGrant",
    resource: KEY,
    context: { ...THROUGH_EC2, "kms:GrantIsForAWSResource": "true" },
    expected: "Allowed",
    source: [SOURCES.asgKeyPolicy, SOURCES.kmsConditionKeys],
  },
  {
    id: "AZ-EBS-3",
    request: "Auto Scaling launches an instance: EC2 decrypts the root volume's data key to attach it",
    stacks: ["dev", "prod", "prod-dr"],
    principal: AUTO_SCALING_ROLE,
    action: "kms:Decrypt",
    resource: KEY,
    context: THROUGH_EC2,
    expected: "Allowed",
    source: [SOURCES.asgKeyPolicy],
  },
  {
    id: "AZ-EBS-4",
    request: "The Auto Scaling role creates a grant that is not for an AWS resource",
    stacks: ["dev", "prod", "prod-dr"],
    principal: AUTO_SCALING_ROLE,
    action: "kms:CreateGrant",
    resource: KEY,
    context: { ...THROUGH_EC2, "kms:GrantIsForAWSResource": "false" },
    expected: "Denied",
    source: [SOURCES.asgKeyPolicy, SOURCES.kmsConditionKeys],
    why: "The documented statement allows CreateGrant only with kms:GrantIsForAWSResource=true: a fix must not hand out arbitrary grants.",
  },
];
