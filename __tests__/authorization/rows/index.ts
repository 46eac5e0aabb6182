/** Every authorization row, in the order docs/authorization.md lists them. */
import type { AuthorizationRow } from "../row";
import { ACCESS_LOG_QUERY_ROWS } from "./access-log-queries";
import { ALERT_ROWS } from "./alerts";
import { APP_ROWS } from "./app-instances";
import { AUDIT_ROWS } from "./audit";
import { BACKUP_ROWS } from "./backup";
import { CI_ROLE_ROWS } from "./ci-roles";
import { LOGS_ROWS } from "./cloudwatch-logs";
import { DATABASE_ROWS } from "./database";
import { EBS_ROWS } from "./ebs-volumes";
import { FIS_REGION_ISOLATION_ROWS, FIS_ROWS } from "./failure-experiments";
import { DELIVERY_ROWS } from "./log-delivery";
import { NETWORK_ROWS } from "./network";
import { RECOVERY_ROWS } from "./recovery";
import { SHARED_STORAGE_ROWS } from "./shared-storage";
import { EGRESS_ROWS } from "./egress";
import { STATE_ROWS } from "./state";
import { STATE_REPLICA_ROWS } from "./state-replica";
import { SYNTHETIC_CHECK_ROWS } from "./synthetic-checks";

export const AUTHORIZATION_ROWS: readonly AuthorizationRow[] = [
  ...EBS_ROWS,
  ...LOGS_ROWS,
  ...ALERT_ROWS,
  ...DATABASE_ROWS,
  ...SHARED_STORAGE_ROWS,
  ...BACKUP_ROWS,
  ...RECOVERY_ROWS,
  ...APP_ROWS,
  ...NETWORK_ROWS,
  ...FIS_ROWS,
  ...FIS_REGION_ISOLATION_ROWS,
  ...SYNTHETIC_CHECK_ROWS,
  ...DELIVERY_ROWS,
  ...ACCESS_LOG_QUERY_ROWS,
  ...STATE_ROWS,
  ...STATE_REPLICA_ROWS,
  ...EGRESS_ROWS,
  ...CI_ROLE_ROWS,
  ...AUDIT_ROWS,
];
