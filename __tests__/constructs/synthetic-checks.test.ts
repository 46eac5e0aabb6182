/**
 * The synthetic checks as synthesized (issue 20: "a synthetic check … of the public journey through Route 53,
 * including the maintenance path"): what each canary asks, where its code comes from, what its failure alarms, and the
 * canary's code itself, taken out of the synthesized zip and run against local HTTPS servers.
 */
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULT_CONFIG } from "../../config/environments";
import { environmentStackId } from "../../constructs/medicare-hub-stack";
import { describeWithTool } from "../support/required-tool";
import { only, readStackJson, refName, resourcesOf, synthApp, type TerraformJson } from "../support/synth";

const PYTHON = { binary: "python3", requireVariable: "REQUIRE_PYTHON3", installHint: "Install Python 3 (Debian: apt-get install python3)" };
const OPENSSL = { binary: "openssl", requireVariable: "REQUIRE_OPENSSL", installHint: "Install OpenSSL (Debian: apt-get install openssl)", versionArgs: ["version"] };

const canaries = (tf: TerraformJson) => Object.entries(resourcesOf(tf, "aws_synthetics_canary"));
const byKind = (tf: TerraformJson, kind: string) => canaries(tf).find(([, c]) => c.name.endsWith(`-${kind}`))?.[1];
const alarmOn = (tf: TerraformJson, canaryName: string) =>
  Object.values(resourcesOf(tf, "aws_cloudwatch_metric_alarm")).filter((a) => a.namespace === "CloudWatchSynthetics" && a.dimensions?.CanaryName === canaryName);

describe("synthetic checks", () => {
  let prod: TerraformJson;
  let dev: TerraformJson;
  beforeAll(() => {
    const result = synthApp();
    prod = readStackJson(result, environmentStackId("prod"));
    dev = readStackJson(result, environmentStackId("dev"));
  });

  test("prod checks the journey through its public domain and the maintenance page through its CloudFront name; dev, without a maintenance page, the journey", () => {
    expect(canaries(prod).map(([, c]) => c.name).sort()).toEqual(["mh-prod-journey", "mh-prod-maintenance"]);
    expect(canaries(dev).map(([, c]) => c.name)).toEqual(["mh-dev-journey"]);
    const journey = byKind(prod, "journey").run_config.environment_variables;
    expect(journey).toMatchObject({
      CANARY_URL: `https://${DEFAULT_CONFIG.environments.prod.dns.domainName}/`,
      CANARY_EXPECT_STATUS: "200",
      // What the app's page says (constructs/app/bootstrap.sh), and what users get after a failover instead.
      CANARY_EXPECT_TEXT: "<h1>MediCare Hub</h1>",
      CANARY_REFUSE_TEXT: "MediCare Hub is under maintenance",
    });
    const maintenance = byKind(prod, "maintenance").run_config.environment_variables;
    expect(maintenance.CANARY_URL).toMatch(/^https:\/\/\$\{aws_cloudfront_distribution\.[\w-]+\.domain_name\}\/$/);
    expect(refName(maintenance.CANARY_URL.slice("https://".length, -1), "aws_cloudfront_distribution")).toBe(only(prod, "aws_cloudfront_distribution")[0]);
    expect(maintenance.CANARY_EXPECT_TEXT).toBe("MediCare Hub is under maintenance");
    expect(maintenance.CANARY_REFUSE_TEXT).toBeUndefined();
  });

  test("the committed page texts are what the app and the maintenance page really say", () => {
    expect(readFileSync("constructs/app/bootstrap.sh", "utf8")).toContain('"<!doctype html><title>MediCare Hub</title><h1>MediCare Hub</h1>"');
    expect(readFileSync("constructs/maintenance/index.html", "utf8")).toContain("<h1>MediCare Hub is under maintenance</h1>");
  });

  test.each(["prod", "dev"] as const)("%s: runs on schedule, started, with its Lambda deleted with it and a run timeout above the request's", (env) => {
    const tf = env === "prod" ? prod : dev;
    for (const [, canary] of canaries(tf)) {
      expect(canary.schedule.expression).toBe(`rate(${DEFAULT_CONFIG.environments[env].syntheticChecks.intervalMinutes} minutes)`);
      expect(canary).toMatchObject({ start_canary: true, delete_lambda: true, handler: "journey.handler" });
      expect(canary.runtime_version).toMatch(/^syn-nodejs-/);
      expect(canary.run_config.timeout_in_seconds).toBeGreaterThanOrEqual(15);
      expect(Number(canary.run_config.environment_variables.CANARY_TIMEOUT_MS)).toBeLessThan(canary.run_config.timeout_in_seconds * 1000);
    }
  });

  test("code comes from a versioned object of the canary's own KMS-encrypted bucket; artifacts are SSE-KMS there too", () => {
    const canary = byKind(prod, "journey");
    const bucketName = refName(canary.s3_bucket, "aws_s3_bucket");
    const object = resourcesOf(prod, "aws_s3_object")[refName(canary.s3_key, "aws_s3_object")];
    expect(refName(object.bucket, "aws_s3_bucket")).toBe(bucketName);
    expect(object.server_side_encryption).toBe("aws:kms");
    expect(refName(canary.s3_version, "aws_s3_object")).toBe(refName(canary.s3_key, "aws_s3_object"));
    expect(canary.s3_version).toMatch(/\.version_id\}$/);
    expect(canary.artifact_s3_location).toBe(`s3://\${aws_s3_bucket.${bucketName}.bucket}/artifacts/journey/`);
    const encryption = Object.values(resourcesOf(prod, "aws_s3_bucket_server_side_encryption_configuration")).find((e) => refName(e.bucket, "aws_s3_bucket") === bucketName);
    const rule = encryption.rule[0].apply_server_side_encryption_by_default;
    expect(rule.sse_algorithm).toBe("aws:kms");
    expect(canary.artifact_config.s3_encryption.encryption_mode).toBe("SSE_KMS");
    expect(refName(canary.artifact_config.s3_encryption.kms_key_arn, "aws_kms_key")).toBe(refName(rule.kms_master_key_id, "aws_kms_key"));
    expect(refName(object.kms_key_id, "aws_kms_key")).toBe(refName(rule.kms_master_key_id, "aws_kms_key"));
  });

  test("artifacts expire after the retention; the code object never does (the canary is rebuilt from it on any change)", () => {
    const canary = byKind(prod, "journey");
    const bucketName = refName(canary.s3_bucket, "aws_s3_bucket");
    const lifecycle = Object.values(resourcesOf(prod, "aws_s3_bucket_lifecycle_configuration")).find((l) => refName(l.bucket, "aws_s3_bucket") === bucketName);
    const expiring = lifecycle.rule.filter((r: any) => r.expiration);
    expect(expiring).toEqual([expect.objectContaining({ filter: [{ prefix: "artifacts/" }], expiration: [{ days: canary.success_retention_period }] })]);
    const object = resourcesOf(prod, "aws_s3_object")[refName(canary.s3_key, "aws_s3_object")];
    expect(object.key.startsWith("artifacts/")).toBe(false);
  });

  test("the role may publish metrics only into CloudWatchSynthetics, write only artifacts/, and logs only to its canaries' groups", () => {
    const canary = byKind(prod, "journey");
    const roleName = refName(canary.execution_role_arn, "aws_iam_role");
    const policy = Object.values(resourcesOf(prod, "aws_iam_role_policy")).find((p) => refName(p.role, "aws_iam_role") === roleName);
    const statements: any[] = prod.data?.aws_iam_policy_document[refName(policy.policy, "data.aws_iam_policy_document")].statement;
    const metrics = statements.find((s) => s.actions.includes("cloudwatch:PutMetricData"));
    expect(metrics.condition).toEqual([{ test: "StringEquals", variable: "cloudwatch:namespace", values: ["CloudWatchSynthetics"] }]);
    const writes = statements.filter((s) => s.actions.includes("s3:PutObject"));
    expect(writes.flatMap((s) => s.resources)).toEqual([expect.stringMatching(/\.arn\}\/artifacts\/\*$/)]);
    const logs = statements.find((s) => s.actions.includes("logs:PutLogEvents"));
    expect(logs.resources.map((r: string) => r.replace(/^.*:log-group:/, ""))).toEqual(["/aws/lambda/cwsyn-mh-prod-journey-*", "/aws/lambda/cwsyn-mh-prod-maintenance-*"]);
  });

  test("a failing journey pages and a failing maintenance page is a ticket: 2 of 3 runs, missing runs left out", () => {
    for (const [kind, severity] of [["journey", "page"], ["maintenance", "ticket"]] as const) {
      const canary = byKind(prod, kind);
      const failing = alarmOn(prod, canary.name).filter((a) => a.statistic === "Average");
      expect(failing).toHaveLength(1);
      // "missing": with "breaching", one failed run beside a run not yet published would count as two failures, and a
      // new alarm would fire before the canary's first run.
      expect(failing[0]).toMatchObject({
        metric_name: "SuccessPercent",
        comparison_operator: "LessThanThreshold",
        threshold: 100,
        evaluation_periods: 3,
        datapoints_to_alarm: 2,
        treat_missing_data: "missing",
        period: 300,
      });
      expect(failing[0].tags.Severity).toBe(severity);
      expect(failing[0].alarm_actions.length).toBeGreaterThan(0);
    }
    expect(alarmOn(dev, "mh-dev-journey").find((a) => a.statistic === "Average").period).toBe(900);
  });

  test("a canary that reports no run for three intervals is a ticket (it stopped: nothing watches from outside)", () => {
    for (const [, canary] of [...canaries(prod), ...canaries(dev)]) {
      const stopped = alarmOn(canary.name.startsWith("mh-prod") ? prod : dev, canary.name).filter((a) => a.statistic === "SampleCount");
      expect(stopped).toHaveLength(1);
      expect(stopped[0]).toMatchObject({ metric_name: "SuccessPercent", comparison_operator: "LessThanThreshold", threshold: 1, evaluation_periods: 3, datapoints_to_alarm: 3, treat_missing_data: "breaching" });
      expect(stopped[0].tags.Severity).toBe("ticket");
    }
  });

  test("each canary's Lambda log group is made by Terraform, encrypted with the storage key and kept; the role cannot create one", () => {
    for (const [address, canary] of canaries(prod)) {
      const group = Object.values(resourcesOf(prod, "aws_cloudwatch_log_group")).find((g) => g.name === `/aws/lambda/\${element(split(":", aws_synthetics_canary.${address}.engine_arn), 6)}`);
      expect(group).toBeDefined();
      expect(group.retention_in_days).toBe(DEFAULT_CONFIG.environments.prod.logRetentionDays);
      expect(refName(group.kms_key_id, "aws_kms_key")).toBe(refName(canary.artifact_config.s3_encryption.kms_key_arn, "aws_kms_key"));
    }
    const roleName = refName(byKind(prod, "journey").execution_role_arn, "aws_iam_role");
    const policy = Object.values(resourcesOf(prod, "aws_iam_role_policy")).find((p) => refName(p.role, "aws_iam_role") === roleName);
    const actions = prod.data?.aws_iam_policy_document[refName(policy.policy, "data.aws_iam_policy_document")].statement.flatMap((s: any) => s.actions);
    expect(actions).not.toContain("logs:CreateLogGroup");
    // The first runs start at once: the canary waits for its role's permissions.
    expect(byKind(prod, "journey").depends_on).toEqual(expect.arrayContaining([`aws_iam_role_policy.${refName(policy.role, "aws_iam_role").replace(/_role$/, "_role-policy")}`]));
  });

  describeWithTool(PYTHON, "the code zip, opened by Python's zipfile", () => {
    test("holds exactly nodejs/node_modules/journey.js, byte for byte the committed script", () => {
      const object = resourcesOf(prod, "aws_s3_object")[refName(byKind(prod, "journey").s3_key, "aws_s3_object")];
      const dir = mkdtempSync(join(tmpdir(), "medicare-hub-canary-zip-"));
      writeFileSync(join(dir, "code.zip"), Buffer.from(object.content_base64, "base64"));
      const listing = execFileSync("python3", ["-c", "import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); assert z.testzip() is None; print('\\n'.join(z.namelist())); z.extractall(sys.argv[2])", join(dir, "code.zip"), join(dir, "out")], { encoding: "utf8" });
      expect(listing.trim().split("\n")).toEqual(["nodejs/node_modules/journey.js"]);
      expect(readFileSync(join(dir, "out/nodejs/node_modules/journey.js"), "utf8")).toBe(readFileSync("constructs/canary/journey.js", "utf8"));
    });
  });

  describeWithTool(PYTHON, "the canary's code, run against local HTTPS servers", () => {
    describeWithTool(OPENSSL, "with a certificate the run trusts", () => {
      let dir: string;
      let script: string;
      let key: Buffer;
      let cert: Buffer;
      const servers: Server[] = [];
      beforeAll(() => {
        dir = mkdtempSync(join(tmpdir(), "medicare-hub-canary-run-"));
        const object = resourcesOf(prod, "aws_s3_object")[refName(byKind(prod, "journey").s3_key, "aws_s3_object")];
        writeFileSync(join(dir, "code.zip"), Buffer.from(object.content_base64, "base64"));
        execFileSync("python3", ["-c", "import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])", join(dir, "code.zip"), join(dir, "out")]);
        script = join(dir, "out/nodejs/node_modules/journey.js");
        execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem"), "-days", "1", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost"], { stdio: "pipe" });
        key = readFileSync(join(dir, "key.pem"));
        cert = readFileSync(join(dir, "cert.pem"));
      });
      afterAll(async () => {
        await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
      });

      /** A local HTTPS server answering every request with `status` and `body` (or never, when `hang`). */
      const serve = async (status: number, body: string, hang = false): Promise<string> => {
        const server = createServer({ key, cert }, (_request, response) => {
          if (hang) return;
          response.writeHead(status, { "content-type": "text/html" });
          response.end(body);
        });
        servers.push(server);
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        return `https://localhost:${(server.address() as AddressInfo).port}/`;
      };
      /** Runs the handler in its own Node.js, with the environment the synthesized journey canary sets, and `url`. */
      const run = (url: string, overrides: Record<string, string> = {}) =>
        new Promise<{ status: number | null; output: string }>((resolve) => {
          const variables = { ...byKind(prod, "journey").run_config.environment_variables, CANARY_URL: url, ...overrides };
          const child = spawn(process.execPath, ["-e", `require(${JSON.stringify(script)}).handler().then((r) => console.log(r), (e) => { console.error(e.message); process.exit(1); })`], {
            env: { PATH: process.env.PATH, NODE_EXTRA_CA_CERTS: join(dir, "cert.pem"), ...variables },
            stdio: ["ignore", "pipe", "pipe"],
          });
          let output = "";
          child.stdout.on("data", (chunk) => (output += chunk));
          child.stderr.on("data", (chunk) => (output += chunk));
          const killer = setTimeout(() => child.kill("SIGKILL"), 15_000);
          child.on("close", (status) => {
            clearTimeout(killer);
            resolve({ status, output });
          });
        });

      test("passes when the app answers 200 with its page", async () => {
        const url = await serve(200, "<!doctype html><title>MediCare Hub</title><h1>MediCare Hub</h1><p>Environment prod</p>");
        const { status, output } = await run(url);
        expect(output).toContain('"result":"passed"');
        expect(status).toBe(0);
      });

      test("fails when users get the maintenance page, even answered 200", async () => {
        const url = await serve(200, "<h1>MediCare Hub</h1><h1>MediCare Hub is under maintenance</h1>");
        const { status, output } = await run(url);
        expect(status).toBe(1);
        expect(output).toContain("users get this, not the app");
      });

      test("fails on a 503 from the load balancer, naming the status", async () => {
        const url = await serve(503, "<html><body><center><h1>503 Service Temporarily Unavailable</h1></center></body></html>");
        const { status, output } = await run(url);
        expect(status).toBe(1);
        expect(output).toContain("answered 503, expected 200");
      });

      test("fails within its timeout when the server never answers", async () => {
        const url = await serve(200, "", true);
        const started = Date.now();
        const { status, output } = await run(url, { CANARY_TIMEOUT_MS: "500" });
        expect(status).toBe(1);
        expect(output).toContain("within 500 ms");
        expect(Date.now() - started).toBeLessThan(10_000);
      });

      test("fails on a certificate it does not trust (an expired or wrong certificate in front of users)", async () => {
        const url = await serve(200, "<h1>MediCare Hub</h1>");
        const { status, output } = await run(url, { NODE_EXTRA_CA_CERTS: "" });
        expect(status).toBe(1);
        expect(output).toMatch(/GET https:\/\/localhost:\d+\/ failed: self[- ]signed certificate/);
      });

      test("a missing setting fails the run, naming it", async () => {
        const { status, output } = await run("https://localhost:1/", { CANARY_EXPECT_TEXT: "" });
        expect(status).toBe(1);
        expect(output).toContain("CANARY_EXPECT_TEXT is not set");
      });
    });
  });
});
