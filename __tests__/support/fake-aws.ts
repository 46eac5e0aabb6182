/**
 * A real S3 (s3rver) and DynamoDB (dynalite) on 127.0.0.1, for tests that drive Terraform's S3 backend. Loopback
 * only, ephemeral ports, every wait bounded.
 */
import { request } from "node:http";
import type { AddressInfo } from "node:net";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const S3rver = require("s3rver");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const dynalite = require("dynalite");

/** s3rver accepts this key pair only. */
export const FAKE_ACCESS_KEY = "S3RVER";

export interface FakeS3 {
  readonly port: number;
  readonly endpoint: string;
  stop(): Promise<void>;
  /** Starts again on the same port and directory: the objects written before are still there. */
  restart(): Promise<void>;
}

export async function startFakeS3(directory: string, buckets: readonly string[], port = 0): Promise<FakeS3> {
  let server: { run(): Promise<{ port: number }>; close(): Promise<void> } | undefined;
  const start = async (on: number) => {
    server = new S3rver({ port: on, address: "127.0.0.1", silent: true, directory, configureBuckets: buckets.map((name) => ({ name })) });
    return (await (server as { run(): Promise<{ port: number }> }).run()).port;
  };
  const bound = await start(port);
  return {
    port: bound,
    endpoint: `http://127.0.0.1:${bound}`,
    stop: async () => {
      await server?.close();
      server = undefined;
    },
    restart: async () => {
      await start(bound);
    },
  };
}

export interface FakeDynamo {
  readonly endpoint: string;
  /** Calls the DynamoDB JSON API (dynalite checks the header shape, not the signature). */
  call(operation: string, body: object): Promise<any>;
  createLockTable(name: string): Promise<void>;
  /** LockID of every item in the table. */
  lockIds(table: string): Promise<string[]>;
  stop(): Promise<void>;
}

export async function startFakeDynamo(): Promise<FakeDynamo> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  const call = (operation: string, body: object) =>
    new Promise<any>((resolve, reject) => {
      const date = new Date().toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
      const req = request(
        {
          host: "127.0.0.1",
          port,
          method: "POST",
          path: "/",
          timeout: 5000,
          headers: {
            "Content-Type": "application/x-amz-json-1.0",
            "X-Amz-Target": `DynamoDB_20120810.${operation}`,
            "X-Amz-Date": date,
            Authorization: `AWS4-HMAC-SHA256 Credential=${FAKE_ACCESS_KEY}/${date.slice(0, 8)}/us-east-2/dynamodb/aws4_request, SignedHeaders=host;x-amz-date, Signature=0`,
          },
        },
        (res) => {
          let text = "";
          res.on("data", (chunk) => (text += chunk));
          res.on("end", () => (res.statusCode === 200 ? resolve(JSON.parse(text || "{}")) : reject(new Error(`${operation}: ${res.statusCode} ${text}`))));
        },
      );
      req.on("timeout", () => req.destroy(new Error(`${operation}: no answer from dynalite in 5 s`)));
      req.on("error", reject);
      req.end(JSON.stringify(body));
    });
  return {
    endpoint: `http://127.0.0.1:${port}`,
    call,
    createLockTable: async (name) => {
      await call("CreateTable", {
        TableName: name,
        KeySchema: [{ AttributeName: "LockID", KeyType: "HASH" }],
        AttributeDefinitions: [{ AttributeName: "LockID", AttributeType: "S" }],
        BillingMode: "PAY_PER_REQUEST",
      });
    },
    lockIds: async (table) => ((await call("Scan", { TableName: table })).Items ?? []).map((item: any) => item.LockID.S),
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * The `terraform init` arguments that point the project's S3 backend at one loopback "region" (an s3rver and a
 * dynalite) with their fake credentials: added by the backend tests only. S3-native lock files are off (s3rver has no
 * conditional writes); one retry, so a dead endpoint fails fast.
 */
export function loopbackBackendConfig(s3: FakeS3, dynamo: FakeDynamo): string[] {
  return [
    `-backend-config=endpoints={s3="${s3.endpoint}",dynamodb="${dynamo.endpoint}"}`,
    `-backend-config=access_key=${FAKE_ACCESS_KEY}`,
    `-backend-config=secret_key=${FAKE_ACCESS_KEY}`,
    "-backend-config=skip_credentials_validation=true",
    "-backend-config=skip_requesting_account_id=true",
    "-backend-config=skip_metadata_api_check=true",
    "-backend-config=skip_region_validation=true",
    "-backend-config=use_path_style=true",
    "-backend-config=use_lockfile=false",
    "-backend-config=max_retries=1",
  ];
}

/** Polls `condition` every 100 ms until it holds or `timeoutMs` passes. */
export async function waitFor(what: string, condition: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}
