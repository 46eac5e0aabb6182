/**
 * The MediCare Hub rule pack: every guardrail, in report order. Add a rule by adding a file under rules/ and listing
 * it here; the README's rule table is generated from this list (npm run policy -- --readme).
 */
import type { PolicyRule } from "./rule";
import { rule as Net1 } from "./rules/network/vpc-dns";
import { rule as Net2 } from "./rules/network/tiers-multi-az";
import { rule as Net3 } from "./rules/network/nat-per-az";
import { rule as Net4 } from "./rules/network/data-tier-isolated";
import { rule as Net5 } from "./rules/network/no-public-ip-on-launch";
import { rule as Net6 } from "./rules/network/flow-logs";
import { rule as Net7 } from "./rules/network/default-sg-closed";
import { rule as Net8 } from "./rules/network/no-world-ingress";
import { rule as Net9 } from "./rules/network/sg-descriptions";
import { rule as Net10 } from "./rules/network/interface-endpoints";
import { rule as Cmp1 } from "./rules/compute/imdsv2";
import { rule as Cmp2 } from "./rules/compute/encrypted-volumes";
import { rule as Cmp3 } from "./rules/compute/no-public-ip";
import { rule as Cmp4 } from "./rules/compute/elb-health-check";
import { rule as Cmp5 } from "./rules/compute/instance-per-az";
import { rule as Cmp6 } from "./rules/compute/launch-template-pinned";
import { rule as Cmp7 } from "./rules/compute/instance-refresh";
import { rule as Cmp8 } from "./rules/compute/no-false-rollback";
import { rule as Elb1 } from "./rules/load-balancing/https-listener";
import { rule as Elb2 } from "./rules/load-balancing/http-redirects";
import { rule as Elb3 } from "./rules/load-balancing/tls-policy";
import { rule as Elb4 } from "./rules/load-balancing/drop-invalid-headers";
import { rule as Elb5 } from "./rules/load-balancing/access-logs";
import { rule as Elb6 } from "./rules/load-balancing/deletion-protection";
import { rule as Elb7 } from "./rules/load-balancing/waf";
import { rule as Elb8 } from "./rules/load-balancing/target-health-check";
import { rule as Elb9 } from "./rules/load-balancing/target-tls";
import { rule as Rds1 } from "./rules/database/multi-az";
import { rule as Rds2 } from "./rules/database/encrypted";
import { rule as Rds3 } from "./rules/database/managed-secret";
import { rule as Rds4 } from "./rules/database/backup-retention";
import { rule as Rds5 } from "./rules/database/deletion-protection";
import { rule as Rds6 } from "./rules/database/final-snapshot";
import { rule as Rds7 } from "./rules/database/not-public";
import { rule as Rds8 } from "./rules/database/log-exports";
import { rule as Rds9 } from "./rules/database/prevent-destroy";
import { rule as Rds10 } from "./rules/database/tls-forced";
import { rule as Efs1 } from "./rules/storage/efs-encrypted";
import { rule as Efs2 } from "./rules/storage/efs-tls";
import { rule as Efs3 } from "./rules/storage/efs-mount-target-per-az";
import { rule as Efs4 } from "./rules/storage/efs-backups";
import { rule as S31 } from "./rules/s3-dynamodb/s3-versioning";
import { rule as S32 } from "./rules/s3-dynamodb/s3-encryption";
import { rule as S33 } from "./rules/s3-dynamodb/s3-public-access-block";
import { rule as S34 } from "./rules/s3-dynamodb/s3-ownership";
import { rule as S35 } from "./rules/s3-dynamodb/s3-tls-only";
import { rule as Ddb1 } from "./rules/s3-dynamodb/dynamodb-pitr";
import { rule as Ddb2 } from "./rules/s3-dynamodb/dynamodb-encryption";
import { rule as Obs1 } from "./rules/observability/alarm-actions";
import { rule as Obs2 } from "./rules/observability/log-retention";
import { rule as Obs3 } from "./rules/observability/log-encryption";
import { rule as Obs4 } from "./rules/observability/topic-encryption";
import { rule as Obs5 } from "./rules/observability/heartbeat";
import { rule as Obs6 } from "./rules/observability/synthetic-check";
import { rule as Dns1 } from "./rules/dns/health-check-used";
import { rule as Dns2 } from "./rules/dns/aaaa-dual-stack";
import { rule as Bkp1 } from "./rules/backup/schedule-outside-windows";
import { rule as Bkp2 } from "./rules/backup/vault-lock";
import { rule as Bkp3 } from "./rules/backup/vault-deny-delete";
import { rule as Dr1 } from "./rules/backup/region-recovery";
import { rule as Dr2 } from "./rules/backup/replica-source-secret";
import { rule as Aud1 } from "./rules/audit/trail";
import { rule as Aud2 } from "./rules/audit/trail-object-lock";
import { rule as Aud3 } from "./rules/audit/guardduty";
import { rule as Kms1 } from "./rules/encryption/key-rotation";
import { rule as Kms2 } from "./rules/encryption/stateful-prevent-destroy";
import { rule as Kms3 } from "./rules/encryption/key-policy-principals";

export const POLICY_RULES: readonly PolicyRule[] = [
  Net1, Net2, Net3, Net4, Net5, Net6, Net7, Net8, Net9, Net10, Cmp1, Cmp2, Cmp3, Cmp4, Cmp5, Cmp6, Cmp7, Cmp8, Elb1, Elb2, Elb3, Elb4, Elb5, Elb6, Elb7, Elb8, Elb9, Rds1, Rds2, Rds3, Rds4, Rds5, Rds6, Rds7, Rds8, Rds9, Rds10, Efs1, Efs2, Efs3, Efs4, S31, S32, S33, S34, S35, Ddb1, Ddb2, Obs1, Obs2, Obs3, Obs4, Obs5, Obs6, Dns1, Dns2, Bkp1, Bkp2, Bkp3, Dr1, Dr2, Aud1, Aud2, Aud3, Kms1, Kms2, Kms3,
];
