/**
 * Athena over the load balancer's access logs, as synthesized into every environment stack: the Glue table reads the
 * bucket the ALB writes to (followed by reference), AWS's columns and regex really parse AWS's example log lines, the
 * partition template survives both output formats, and the workgroup keeps its results encrypted and its scans bounded.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { TerraformStack, Testing } from "cdktf";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { DEFAULT_CONFIG } from "../../config/environments";
import type { EnvironmentName } from "../../config/schema";
import { AccessLogQueries, type AccessLogQueriesProps } from "../../constructs/access-log-queries";
import { environmentStackId } from "../../constructs/medicare-hub-stack";
import { HCL_FILE } from "../../synth-output";
import { only, primaryRegion, readStackJson, refName, resourcesOf, synthApp, type TerraformJson } from "../support/synth";

/** AWS's column list for `alb_access_logs`, in order ("Create the table for ALB access logs", Athena User Guide). */
const AWS_COLUMNS = [
  "type", "time", "elb", "client_ip", "client_port", "target_ip", "target_port", "request_processing_time",
  "target_processing_time", "response_processing_time", "elb_status_code", "target_status_code", "received_bytes",
  "sent_bytes", "request_verb", "request_url", "request_proto", "user_agent", "ssl_cipher", "ssl_protocol",
  "target_group_arn", "trace_id", "domain_name", "chosen_cert_arn", "matched_rule_priority", "request_creation_time",
  "actions_executed", "redirect_url", "lambda_error_reason", "target_port_list", "target_status_code_list",
  "classification", "classification_reason", "conn_trace_id",
];

/**
 * Example entries from "Access logs for your Application Load Balancer" (ELB User Guide, "Example log entries"): an
 * HTTP entry, and an HTTPS entry as the page shows it now, with three more fields ALB appends after conn_trace_id.
 */
const AWS_HTTP_ENTRY =
  'http 2018-07-02T22:23:00.186641Z app/my-loadbalancer/50dc6c495c0c9188 192.168.131.39:2817 10.0.0.1:80 0.000 0.001 0.000 200 200 34 366 "GET http://www.example.com:80/ HTTP/1.1" "curl/7.46.0" - - arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/my-targets/73e2d6bc24d8a067 "Root=1-58337262-36d228ad5d99923122bbe354" "-" "-" 0 2018-07-02T22:22:48.364000Z "forward" "-" "-" "10.0.0.1:80" "200" "-" "-" TID_1234abcd5678ef90';
const AWS_HTTPS_ENTRY =
  'https 2018-07-02T22:23:00.186641Z app/my-loadbalancer/50dc6c495c0c9188 192.168.131.39:2817 10.0.0.1:80 0.086 0.048 0.037 200 200 0 57 "GET https://www.example.com:443/ HTTP/1.1" "curl/7.46.0" ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/my-targets/73e2d6bc24d8a067 "Root=1-58337281-1d84f3d73c47ec4e58577259" "www.example.com" "arn:aws:acm:us-east-2:123456789012:certificate/12345678-1234-1234-1234-123456789012" 1 2018-07-02T22:22:48.364000Z "authenticate,forward" "-" "-" "10.0.0.1:80" "200" "-" "-" TID_1234abcd5678ef90 "-" "-" "-"';

/**
 * The SerDe's pattern as JavaScript reads it. Differences from Java, where Athena runs it: Java's Matcher.matches()
 * must match the whole line, hence `^(?:…)$`; `[A-Z0-9-_]` takes the `-` after a range literally in Java and in a JS
 * RegExp without the `u` flag (with `u` it is a syntax error); `\s` is ASCII whitespace in Java and Unicode whitespace
 * in JS, which makes no difference on ASCII log lines.
 */
const serde = (regex: string) => new RegExp(`^(?:${regex})$`);

/** A parsed line: column name → captured text, in the table's column order. */
function parse(regex: string, columns: string[], line: string): Record<string, string> | undefined {
  const match = serde(regex).exec(line);
  return match ? Object.fromEntries(columns.map((name, i) => [name, match[i + 1]])) : undefined;
}

/** The value of a quoted HCL string (`"..."`), escapes decoded; throws on an escape Terraform rejects. */
function hclString(quoted: string): string {
  const body = /^"(.*)"$/.exec(quoted)?.[1];
  if (body === undefined) throw new Error(`not a quoted HCL string: ${quoted}`);
  return body.replace(/\\(.)/g, (_, c: string) => {
    const decoded = ({ "\\": "\\", '"': '"', n: "\n", r: "\r", t: "\t" } as Record<string, string>)[c];
    if (decoded === undefined) throw new Error(`invalid HCL escape \\${c} in ${quoted}`);
    return decoded;
  });
}

/** The `"key" = "value"` attribute of the named HCL resource block, value decoded. */
function hclAttribute(hcl: string, type: string, name: string, key: string): string {
  const start = hcl.indexOf(`resource "${type}" "${name}" {`);
  if (start < 0) throw new Error(`no ${type}.${name} in the HCL output`);
  const block = hcl.slice(start, hcl.indexOf("\n}\n", start));
  const line = block.split("\n").find((l) => l.trim().startsWith(`"${key}"`) || l.trim().startsWith(`${key} `));
  if (!line) throw new Error(`no ${key} in ${type}.${name}`);
  return hclString(line.slice(line.indexOf("=") + 1).trim());
}

/** The `aws_s3_bucket` a string such as `s3://${aws_s3_bucket.x.bucket}/path` names, and the rest of the string. */
function s3Location(value: string): { bucket: string; path: string } {
  const match = /^s3:\/\/(\$\{aws_s3_bucket\.[\w-]+\.bucket\})(\/.*)$/.exec(value);
  if (!match) throw new Error(`not an s3:// location in a stack bucket: ${value}`);
  return { bucket: refName(match[1], "aws_s3_bucket"), path: match[2] };
}

describe.each(["dev", "prod"] as const)("access-log queries in %s", (env: EnvironmentName) => {
  const config = DEFAULT_CONFIG.environments[env];
  let tf: TerraformJson;
  let hcl: string;
  let tableName: string;
  let table: any;
  let workgroup: any;

  beforeAll(() => {
    // The primary region's load balancer is the one queried: prod's standby in the recovery region logs to its own bucket.
    tf = primaryRegion(readStackJson(synthApp(), environmentStackId(env)));
    hcl = readFileSync(join(synthApp({ hcl: true }).stackDirs[environmentStackId(env)], HCL_FILE), "utf8");
    [tableName, table] = only(tf, "aws_glue_catalog_table");
    [, workgroup] = only(tf, "aws_athena_workgroup");
  });

  test("the table reads the bucket the load balancer logs to, under alb/AWSLogs/<account>/elasticloadbalancing/<region>/", () => {
    const [, alb] = only(tf, "aws_lb");
    const albBucket = refName(alb.access_logs.bucket, "aws_s3_bucket");
    const location = s3Location(table.storage_descriptor.location);
    expect(location.bucket).toBe(albBucket);
    expect(alb.access_logs.prefix).toBe("alb");
    expect(location.path).toBe(`/alb/AWSLogs/${config.accountId}/elasticloadbalancing/${config.region}/`);
  });

  test("is an external table in a Glue database of its own, partitioned by day with projection from 2026/11/01 to now", () => {
    const [databaseName, database] = only(tf, "aws_glue_catalog_database");
    expect(refName(table.database_name, "aws_glue_catalog_database")).toBe(databaseName);
    expect(database.name).toBe(`medicare_hub_${env}_logs`);
    expect(table).toMatchObject({ name: "alb_access_logs", table_type: "EXTERNAL_TABLE", partition_keys: [{ name: "day", type: "string" }] });
    const location = table.storage_descriptor.location;
    expect(table.parameters).toEqual({
      EXTERNAL: "TRUE",
      "projection.enabled": "true",
      "projection.day.type": "date",
      "projection.day.range": "2026/11/01,NOW",
      "projection.day.format": "yyyy/MM/dd",
      "projection.day.interval": "1",
      "projection.day.interval.unit": "DAYS",
      // `$${` is Terraform's escape for a literal `${`: Athena, not Terraform, fills in the day.
      "storage.location.template": location + "$${day}",
    });
  });

  test("no `${` in the table is left for Terraform to interpolate but the bucket reference", () => {
    const text = JSON.stringify(table);
    const interpolations = [...text.matchAll(/(?<!\$)\$\{([^}]*)\}/g)].map((m) => m[1]);
    const [databaseName] = only(tf, "aws_glue_catalog_database");
    expect(new Set(interpolations)).toEqual(new Set([`aws_s3_bucket.${s3Location(table.storage_descriptor.location).bucket}.bucket`, `aws_glue_catalog_database.${databaseName}.name`]));
  });

  test("the HCL output holds the same template and regex: `$${day}` kept, every backslash escaped", () => {
    const params = table.storage_descriptor.ser_de_info.parameters;
    expect(hclAttribute(hcl, "aws_glue_catalog_table", tableName, "storage.location.template")).toBe(table.parameters["storage.location.template"]);
    expect(hclAttribute(hcl, "aws_glue_catalog_table", tableName, "input.regex")).toBe(params["input.regex"]);
    expect(params["input.regex"]).toContain("[^\\s]+?");
  });

  test("has AWS's columns in AWS's order, read with RegexSerDe as text", () => {
    const columns: { name: string; type: string }[] = table.storage_descriptor.columns;
    expect(columns.map((c) => c.name)).toEqual(AWS_COLUMNS);
    const typeOf = (name: string) => columns.find((c) => c.name === name)?.type;
    expect([typeOf("client_port"), typeOf("elb_status_code"), typeOf("received_bytes"), typeOf("target_processing_time"), typeOf("target_status_code")]).toEqual([
      "int", "int", "bigint", "double", "string",
    ]);
    expect(table.storage_descriptor).toMatchObject({
      input_format: "org.apache.hadoop.mapred.TextInputFormat",
      output_format: "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
      ser_de_info: { serialization_library: "org.apache.hadoop.hive.serde2.RegexSerDe", parameters: { "serialization.format": "1" } },
    });
  });

  test("the regex parses AWS's example HTTP entry into the documented fields", () => {
    const row = parse(table.storage_descriptor.ser_de_info.parameters["input.regex"], AWS_COLUMNS, AWS_HTTP_ENTRY);
    expect(row).toMatchObject({
      type: "http",
      time: "2018-07-02T22:23:00.186641Z",
      elb: "app/my-loadbalancer/50dc6c495c0c9188",
      client_ip: "192.168.131.39",
      client_port: "2817",
      target_ip: "10.0.0.1",
      target_port: "80",
      target_processing_time: "0.001",
      elb_status_code: "200",
      target_status_code: "200",
      request_verb: "GET",
      request_url: "http://www.example.com:80/",
      request_proto: "HTTP/1.1",
      user_agent: "curl/7.46.0",
      trace_id: "Root=1-58337262-36d228ad5d99923122bbe354",
      actions_executed: "forward",
      target_port_list: "10.0.0.1:80",
      target_status_code_list: "200",
      conn_trace_id: "TID_1234abcd5678ef90",
    });
  });

  test("the regex parses AWS's example HTTPS entry, fields appended after conn_trace_id included", () => {
    const row = parse(table.storage_descriptor.ser_de_info.parameters["input.regex"], AWS_COLUMNS, AWS_HTTPS_ENTRY);
    expect(row).toMatchObject({
      type: "https",
      ssl_cipher: "ECDHE-RSA-AES128-GCM-SHA256",
      ssl_protocol: "TLSv1.2",
      elb_status_code: "200",
      trace_id: "Root=1-58337281-1d84f3d73c47ec4e58577259",
      domain_name: "www.example.com",
      chosen_cert_arn: "arn:aws:acm:us-east-2:123456789012:certificate/12345678-1234-1234-1234-123456789012",
      matched_rule_priority: "1",
      actions_executed: "authenticate,forward",
      conn_trace_id: "TID_1234abcd5678ef90",
    });
  });

  test("the regex has one group per column plus the catch-all, and refuses a truncated line", () => {
    const regex = table.storage_descriptor.ser_de_info.parameters["input.regex"];
    expect(new RegExp(`${regex}|`).exec("")?.length).toBe(AWS_COLUMNS.length + 2);
    expect(parse(regex, AWS_COLUMNS, AWS_HTTP_ENTRY.slice(0, AWS_HTTP_ENTRY.indexOf(" \"curl")))).toBeUndefined();
  });

  test("the workgroup enforces its configuration, publishes metrics and cancels a query after 10 GiB scanned", () => {
    expect(workgroup).toMatchObject({ name: `medicare-hub-${env}-access-logs`, state: "ENABLED", force_destroy: false });
    expect(workgroup.configuration).toMatchObject({
      enforce_workgroup_configuration: true,
      publish_cloudwatch_metrics_enabled: true,
      bytes_scanned_cutoff_per_query: 10737418240,
    });
  });

  test("results are written with SSE-KMS under the storage key, into a KMS-encrypted bucket of the account that expires them", () => {
    const results = workgroup.configuration.result_configuration;
    expect(results.encryption_configuration.encryption_option).toBe("SSE_KMS");
    const key = refName(results.encryption_configuration.kms_key_arn, "aws_kms_key");
    const alias = Object.values(resourcesOf(tf, "aws_kms_alias")).find((a: any) => refName(a.target_key_id, "aws_kms_key") === key);
    expect(alias?.name).toBe(`alias/medicare-hub-${env}-storage`);
    expect(results.expected_bucket_owner).toBe(config.accountId);

    const output = s3Location(results.output_location);
    expect(output.path).toBe("/results/");
    const encryption = Object.values(resourcesOf(tf, "aws_s3_bucket_server_side_encryption_configuration")).find((e: any) => refName(e.bucket, "aws_s3_bucket") === output.bucket);
    expect(encryption.rule).toEqual([{ apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms", kms_master_key_id: results.encryption_configuration.kms_key_arn }, bucket_key_enabled: true }]);
    const lifecycle = Object.values(resourcesOf(tf, "aws_s3_bucket_lifecycle_configuration")).find((l: any) => refName(l.bucket, "aws_s3_bucket") === output.bucket);
    expect(lifecycle.rule.find((r: any) => r.expiration)?.expiration).toEqual([{ days: 30 }]);
  });

  test("the results bucket is access-logged into an SSE-S3 bucket only S3 log delivery for that bucket and account may write", () => {
    const output = s3Location(workgroup.configuration.result_configuration.output_location).bucket;
    const logging = Object.values(resourcesOf(tf, "aws_s3_bucket_logging")).find((l: any) => refName(l.bucket, "aws_s3_bucket") === output);
    const target = refName(logging.target_bucket, "aws_s3_bucket");
    expect(logging.target_prefix).toBe("athena-results/");
    const targetEncryption = Object.values(resourcesOf(tf, "aws_s3_bucket_server_side_encryption_configuration")).find((e: any) => refName(e.bucket, "aws_s3_bucket") === target);
    // S3 server access logs are only delivered to SSE-S3 buckets ("Enabling Amazon S3 server access logging").
    expect(targetEncryption.rule).toEqual([{ apply_server_side_encryption_by_default: { sse_algorithm: "AES256" } }]);
    const policy = Object.values(resourcesOf(tf, "aws_s3_bucket_policy")).find((p: any) => refName(p.bucket, "aws_s3_bucket") === target);
    const document = tf.data?.aws_iam_policy_document[refName(policy.policy, "data.aws_iam_policy_document")];
    const delivery = document.statement.find((s: any) => s.effect === "Allow");
    expect(delivery).toMatchObject({ principals: [{ type: "Service", identifiers: ["logging.s3.amazonaws.com"] }], actions: ["s3:PutObject"] });
    const resultsName = resourcesOf(tf, "aws_s3_bucket")[output].bucket;
    expect(delivery.condition).toEqual([
      { test: "ArnLike", variable: "aws:SourceArn", values: [`arn:\${data.aws_partition.partition.partition}:s3:::${resultsName}`] },
      { test: "StringEquals", variable: "aws:SourceAccount", values: [config.accountId] },
    ]);
  });

  test("named queries for on-call: 5xx per hour, one trace id, top clients, slowest requests, each described and day-bounded", () => {
    const [databaseName] = only(tf, "aws_glue_catalog_database");
    const [workgroupName] = only(tf, "aws_athena_workgroup");
    const queries = Object.values(resourcesOf(tf, "aws_athena_named_query")) as any[];
    expect(queries.map((q) => q.name).sort()).toEqual(["5xx per hour by load balancer and target", "Requests of one trace id", "Slowest requests", "Top clients by request count"]);
    for (const q of queries) {
      expect(refName(q.database, "aws_glue_catalog_database")).toBe(databaseName);
      expect(refName(q.workgroup, "aws_athena_workgroup")).toBe(workgroupName);
      expect(q.description.length).toBeGreaterThan(40);
      // Partition projection prunes on `day`: without it a query would scan every day since 2026/11/01.
      expect(q.query).toMatch(/FROM alb_access_logs WHERE day >= date_format\(current_date - interval '\d+' day, '%Y\/%m\/%d'\)/);
    }
    const query = (name: string) => queries.find((q) => q.name === name).query as string;
    expect(query("5xx per hour by load balancer and target")).toMatch(/count_if\(elb_status_code >= 500\).*count_if\(target_status_code LIKE '5%'\).*GROUP BY 1, 2, 3/);
    expect(query("5xx per hour by load balancer and target")).toMatch(/^SELECT date_trunc\('hour', from_iso8601_timestamp\(time\)\) AS hour, elb, target_ip,/);
    expect(query("Requests of one trace id")).toMatch(/strpos\(trace_id, \?\) > 0/);
    expect(query("Top clients by request count")).toMatch(/GROUP BY client_ip ORDER BY requests DESC LIMIT 25$/);
    expect(query("Slowest requests")).toMatch(/ORDER BY target_processing_time DESC LIMIT 50$/);
  });
});

describe("AccessLogQueries props", () => {
  const build = (overrides: Partial<AccessLogQueriesProps>) => {
    const stack = new TerraformStack(Testing.app(), "test");
    const logs = new S3Bucket(stack, "logs", { bucket: "logs" });
    return () =>
      new AccessLogQueries(stack, "queries", {
        environment: "dev",
        accountId: "123456789012",
        region: "us-east-2",
        partition: "aws",
        accessLogBucket: logs,
        accessLogPrefix: "alb",
        resultsKey: { arn: "arn:aws:kms:us-east-2:123456789012:key/k" },
        auditLogRetentionDays: 30,
        ...overrides,
      });
  };

  test("a cutoff below the 10 MiB the provider accepts is refused, naming the value", () => {
    expect(build({ bytesScannedCutoffPerQuery: 1_000_000 })).toThrow("bytesScannedCutoffPerQuery must be a whole number of bytes ≥ 10485760, got 1000000");
    expect(build({ bytesScannedCutoffPerQuery: 10485760 })).not.toThrow();
  });

  test("a projection start that is not a yyyy/MM/dd date is refused", () => {
    expect(build({ projectionStartDay: "2026-11-01" })).toThrow('projectionStartDay must be a date written yyyy/MM/dd, got "2026-11-01"');
    expect(build({ projectionStartDay: "2026/02/30" })).toThrow("projectionStartDay");
    expect(build({ projectionStartDay: "2026/02/28" })).not.toThrow();
  });
});
