import { Construct } from "constructs";
import { AthenaNamedQuery } from "@cdktf/provider-aws/lib/athena-named-query";
import { AthenaWorkgroup } from "@cdktf/provider-aws/lib/athena-workgroup";
import { GlueCatalogDatabase } from "@cdktf/provider-aws/lib/glue-catalog-database";
import { GlueCatalogTable } from "@cdktf/provider-aws/lib/glue-catalog-table";
import type { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { PROJECT, bucketName, resourceName } from "./naming";
import { SecureBucket, serverAccessLogDelivery, type KmsKeyRef } from "./secure-bucket";
import type { DeploymentContext } from "./context";

/**
 * The columns of AWS's `alb_access_logs` table, in log-field order, as the Athena User Guide documents them ("Create
 * the table for ALB access logs" / "…in Athena using partition projection"; it includes the recently added
 * classification, classification_reason and conn_trace_id columns).
 */
export const ALB_ACCESS_LOG_COLUMNS: readonly { readonly name: string; readonly type: string }[] = [
  ["type", "string"], ["time", "string"], ["elb", "string"], ["client_ip", "string"], ["client_port", "int"],
  ["target_ip", "string"], ["target_port", "int"], ["request_processing_time", "double"], ["target_processing_time", "double"],
  ["response_processing_time", "double"], ["elb_status_code", "int"], ["target_status_code", "string"], ["received_bytes", "bigint"],
  ["sent_bytes", "bigint"], ["request_verb", "string"], ["request_url", "string"], ["request_proto", "string"], ["user_agent", "string"],
  ["ssl_cipher", "string"], ["ssl_protocol", "string"], ["target_group_arn", "string"], ["trace_id", "string"], ["domain_name", "string"],
  ["chosen_cert_arn", "string"], ["matched_rule_priority", "string"], ["request_creation_time", "string"], ["actions_executed", "string"],
  ["redirect_url", "string"], ["lambda_error_reason", "string"], ["target_port_list", "string"], ["target_status_code_list", "string"],
  ["classification", "string"], ["classification_reason", "string"], ["conn_trace_id", "string"],
].map(([name, type]) => ({ name, type }));

/**
 * AWS's RegexSerDe `input.regex` for ALB access logs (same Athena User Guide pages), one capturing group per column
 * and a last `( .*)?` that absorbs fields ALB appends later, so new fields never turn rows into nulls. AWS's DDL writes
 * `\"` because the pattern sits in a SQL string literal; the Glue API stores the pattern itself, hence plain `"`.
 */
export const ALB_ACCESS_LOG_REGEX = String.raw`([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*):([0-9]*) ([^ ]*)[:-]([0-9]*) ([-.0-9]*) ([-.0-9]*) ([-.0-9]*) (|[-0-9]*) (-|[-0-9]*) ([-0-9]*) ([-0-9]*) "([^ ]*) (.*) (- |[^ ]*)" "([^"]*)" ([A-Z0-9-_]+) ([A-Za-z0-9.-]*) ([^ ]*) "([^"]*)" "([^"]*)" "([^"]*)" ([-.0-9]*) ([^ ]*) "([^"]*)" "([^"]*)" "([^ ]*)" "([^\s]+?)" "([^\s]+)" "([^ ]*)" "([^ ]*)" ?([^ ]*)?( .*)?`;

/** AWS's table name for ALB access logs, so the queries in AWS's examples run unchanged. */
export const ACCESS_LOG_TABLE = "alb_access_logs";
/** Query results are kept for a month: long enough for an incident review, and they hold client IPs and URLs. */
export const DEFAULT_RESULT_RETENTION_DAYS = 30;
/**
 * A query is cancelled once it has scanned 10 GiB (about $0.05 at Athena's $5 per TB scanned): weeks of this app's
 * logs, but not an unbounded scan of a year of them by a query that forgot its `day` filter.
 */
export const DEFAULT_BYTES_SCANNED_CUTOFF = 10 * 1024 ** 3;
/** aws_athena_workgroup refuses a smaller cutoff (its schema: at least 10485760); Athena bills every query 10 MB anyway. */
export const MINIMUM_BYTES_SCANNED_CUTOFF = 10 * 1024 ** 2;
/** The month access logging first shipped: no log of this project is older. */
export const DEFAULT_PROJECTION_START_DAY = "2026/11/01";
/** Where S3 writes the results bucket's server access logs, in the audit bucket. */
export const RESULTS_ACCESS_LOG_PREFIX = "athena-results/";

/** The Athena `day` partition: ALB writes its objects under `.../elasticloadbalancing/<region>/yyyy/MM/dd/`. */
const DAY_FORMAT = "yyyy/MM/dd";
/** Today and yesterday in the `day` partition's format: queries scan two days, not the whole retention. */
const LAST_TWO_DAYS = "day >= date_format(current_date - interval '1' day, '%Y/%m/%d')";

export interface AccessLogQueriesProps extends DeploymentContext {
  /** The bucket the load balancer writes its access logs to (`LoadBalancer.accessLogBucket.bucket`). */
  readonly accessLogBucket: S3Bucket;
  /** The prefix the load balancer writes under (`ALB_ACCESS_LOG_PREFIX`), without slashes. */
  readonly accessLogPrefix: string;
  /** Encrypts the query results (SSE-KMS): they copy log lines, which carry client IPs and request URLs. */
  readonly resultsKey: KmsKeyRef;
  /** Days the results bucket's S3 server access logs (who read which result) are kept: the audit retention. */
  readonly auditLogRetentionDays: number;
  /**
   * Days query results are kept.
   * @default DEFAULT_RESULT_RETENTION_DAYS (30)
   */
  readonly resultRetentionDays?: number;
  /**
   * Bytes one query may scan before Athena cancels it: the cost guard (Athena bills per TB scanned).
   * @default DEFAULT_BYTES_SCANNED_CUTOFF (10 GiB)
   */
  readonly bytesScannedCutoffPerQuery?: number;
  /**
   * First day (`yyyy/MM/dd`) partition projection knows of; it projects from there to today.
   * @default DEFAULT_PROJECTION_START_DAY
   */
  readonly projectionStartDay?: string;
  /**
   * `prevent_destroy` on the audit-log bucket.
   * @default true
   */
  readonly preventDestroy?: boolean;
}

/**
 * SQL over the load balancer's access logs for on-call: a Glue table AWS's way (RegexSerDe, partition projection by
 * day, so no crawler and no `ALTER TABLE ADD PARTITION`), an Athena workgroup that enforces its settings (results
 * KMS-encrypted into a bucket of its own that expires them, CloudWatch metrics, a bytes-scanned cutoff per query), and
 * the named queries an incident starts with.
 *
 * Cost: nothing while idle. Athena bills per TB scanned (a query of a day of logs costs a fraction of a cent), the
 * Glue Data Catalog's free tier covers one database and one table, and S3 stores the results until they expire.
 */
export class AccessLogQueries extends Construct {
  readonly database: GlueCatalogDatabase;
  readonly table: GlueCatalogTable;
  readonly workgroup: AthenaWorkgroup;
  readonly resultsBucket: SecureBucket;
  readonly namedQueries: AthenaNamedQuery[];

  constructor(scope: Construct, id: string, props: AccessLogQueriesProps) {
    super(scope, id);
    const { environment, accountId, region } = props;
    const cutoff = props.bytesScannedCutoffPerQuery ?? DEFAULT_BYTES_SCANNED_CUTOFF;
    if (!Number.isInteger(cutoff) || cutoff < MINIMUM_BYTES_SCANNED_CUTOFF) {
      throw new Error(`AccessLogQueries bytesScannedCutoffPerQuery must be a whole number of bytes ≥ ${MINIMUM_BYTES_SCANNED_CUTOFF}, got ${cutoff}`);
    }
    const startDay = props.projectionStartDay ?? DEFAULT_PROJECTION_START_DAY;
    if (!isDay(startDay)) throw new Error(`AccessLogQueries projectionStartDay must be a date written yyyy/MM/dd, got "${startDay}"`);

    // S3 server access logs can only be delivered to an SSE-S3 bucket ("Enabling Amazon S3 server access logging").
    const resultsBucketName = bucketName(environment, "athena-results", accountId, region);
    const auditBucket = new SecureBucket(this, "audit-log-bucket", {
      bucketName: bucketName(environment, "athena-s3-logs", accountId, region),
      encryption: "s3-managed",
      expireCurrentAfterDays: props.auditLogRetentionDays,
      preventDestroy: props.preventDestroy ?? true,
      extraPolicyStatements: (bucketArn) => [
        serverAccessLogDelivery({
          sid: "AllowResultsBucketAccessLogDelivery",
          logBucketArn: bucketArn,
          prefix: RESULTS_ACCESS_LOG_PREFIX,
          sourceBucketName: resultsBucketName,
          accountId,
          partition: props.partition,
        }),
      ],
    });
    this.resultsBucket = new SecureBucket(this, "results-bucket", {
      bucketName: resultsBucketName,
      encryption: props.resultsKey,
      expireCurrentAfterDays: props.resultRetentionDays ?? DEFAULT_RESULT_RETENTION_DAYS,
      noncurrentVersionRetentionDays: 7,
      keepNewestNoncurrentVersions: 1,
      // Results can be produced again from the logs.
      preventDestroy: false,
      accessLogs: { bucket: auditBucket.bucket, prefix: RESULTS_ACCESS_LOG_PREFIX },
    });

    this.database = new GlueCatalogDatabase(this, "database", {
      name: `${PROJECT.replace(/-/g, "_")}_${environment}_logs`,
      description: `MediCare Hub ${environment}: tables over the environment's logs, for Athena`,
    });

    const logs = `s3://${props.accessLogBucket.bucket}/${props.accessLogPrefix}/AWSLogs/${accountId}/elasticloadbalancing/${region}/`;
    this.table = new GlueCatalogTable(this, "alb-access-logs", {
      databaseName: this.database.name,
      name: ACCESS_LOG_TABLE,
      description: "Access logs of the environment's Application Load Balancer, one row per request (partition projection by day)",
      tableType: "EXTERNAL_TABLE",
      parameters: {
        EXTERNAL: "TRUE",
        // AWS's TBLPROPERTIES ("Create the table for ALB access logs in Athena using partition projection").
        "projection.enabled": "true",
        "projection.day.type": "date",
        "projection.day.range": `${startDay},NOW`,
        "projection.day.format": DAY_FORMAT,
        "projection.day.interval": "1",
        "projection.day.interval.unit": "DAYS",
        // `$${day}` is Terraform's escape for a literal `${day}`, which Athena fills in per partition.
        "storage.location.template": `${logs}$\${day}`,
      },
      partitionKeys: [{ name: "day", type: "string" }],
      storageDescriptor: {
        location: logs,
        inputFormat: "org.apache.hadoop.mapred.TextInputFormat",
        outputFormat: "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
        serDeInfo: {
          serializationLibrary: "org.apache.hadoop.hive.serde2.RegexSerDe",
          parameters: { "serialization.format": "1", "input.regex": ALB_ACCESS_LOG_REGEX },
        },
        columns: ALB_ACCESS_LOG_COLUMNS.map((c) => ({ name: c.name, type: c.type })),
      },
    });

    const workgroupName = resourceName(environment, "access-logs");
    this.workgroup = new AthenaWorkgroup(this, "workgroup", {
      name: workgroupName,
      description: `MediCare Hub ${environment}: on-call queries over the load balancer's access logs`,
      state: "ENABLED",
      // Athena refuses to delete a workgroup that still has query history unless forced: keep that refusal.
      forceDestroy: false,
      configuration: {
        // Clients cannot choose another result location or turn the encryption off ("Workgroup settings override
        // client-side settings", Athena User Guide).
        enforceWorkgroupConfiguration: true,
        publishCloudwatchMetricsEnabled: true,
        bytesScannedCutoffPerQuery: cutoff,
        resultConfiguration: {
          outputLocation: `s3://${this.resultsBucket.bucket.bucket}/results/`,
          expectedBucketOwner: accountId,
          encryptionConfiguration: { encryptionOption: "SSE_KMS", kmsKeyArn: props.resultsKey.arn },
        },
      },
      tags: { Name: workgroupName },
    });

    const query = (queryId: string, name: string, description: string, sql: readonly string[]) =>
      new AthenaNamedQuery(this, queryId, {
        name,
        description,
        database: this.database.name,
        workgroup: this.workgroup.name,
        // One line: cdktf writes multi-line strings as HCL heredocs, whose trailing newline the JSON output lacks.
        query: sql.join(" "),
      });
    this.namedQueries = [
      query("query-5xx-per-hour", "5xx per hour by load balancer and target", "Requests answered 5xx by the load balancer (elb_5xx) and by a target (target_5xx) per hour, per target, today and yesterday: a target alone in the list is a bad instance, all of them together the app or the database.", [
        "SELECT date_trunc('hour', from_iso8601_timestamp(time)) AS hour, elb, target_ip,",
        "count_if(elb_status_code >= 500) AS elb_5xx, count_if(target_status_code LIKE '5%') AS target_5xx, count(*) AS requests",
        `FROM ${ACCESS_LOG_TABLE} WHERE ${LAST_TWO_DAYS}`,
        "GROUP BY 1, 2, 3 HAVING count_if(elb_status_code >= 500) + count_if(target_status_code LIKE '5%') > 0",
        "ORDER BY hour DESC, elb_5xx DESC, target_5xx DESC",
      ]),
      query("query-trace-id", "Requests of one trace id", "Every request whose X-Amzn-Trace-Id (trace_id column) contains the value entered when prompted (the Root=1-... id the app logged, or part of it), over the last 7 days, oldest first.", [
        "SELECT time, client_ip, target_ip, request_verb, request_url, elb_status_code, target_status_code,",
        "request_processing_time, target_processing_time, response_processing_time, actions_executed, lambda_error_reason,",
        "classification, classification_reason, trace_id, conn_trace_id",
        `FROM ${ACCESS_LOG_TABLE} WHERE day >= date_format(current_date - interval '7' day, '%Y/%m/%d') AND strpos(trace_id, ?) > 0`,
        "ORDER BY time",
      ]),
      query("query-top-clients", "Top clients by request count", "The 25 client IPs that sent the most requests today and yesterday, with their error count and bytes: a scraper, a retry storm or a client the WAF rate limit should cover.", [
        "SELECT client_ip, count(*) AS requests, count_if(elb_status_code >= 400) AS errors_4xx_5xx,",
        "sum(received_bytes) AS received_bytes, sum(sent_bytes) AS sent_bytes, approx_distinct(request_url) AS distinct_urls",
        `FROM ${ACCESS_LOG_TABLE} WHERE ${LAST_TWO_DAYS}`,
        "GROUP BY client_ip ORDER BY requests DESC LIMIT 25",
      ]),
      query("query-slowest-requests", "Slowest requests", "The 50 requests the targets took longest to answer today and yesterday (target_processing_time, seconds; -1, a request never dispatched, is left out), with their trace id to follow up.", [
        "SELECT time, request_verb, request_url, target_ip, elb_status_code, target_status_code, target_processing_time,",
        "request_processing_time + target_processing_time + response_processing_time AS total_seconds, trace_id",
        `FROM ${ACCESS_LOG_TABLE} WHERE ${LAST_TWO_DAYS} AND target_processing_time >= 0`,
        "ORDER BY target_processing_time DESC LIMIT 50",
      ]),
    ];
  }
}

/** Whether `value` is a real calendar day written as `DAY_FORMAT` says (`2024/02/30` is not). */
function isDay(value: string): boolean {
  const match = /^(\d{4})\/(\d{2})\/(\d{2})$/.exec(value);
  if (!match) return false;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return date.getUTCMonth() === Number(match[2]) - 1 && date.getUTCDate() === Number(match[3]);
}
