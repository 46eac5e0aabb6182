"use strict";
/*
 * MediCare Hub's synthetic check: the handler of a CloudWatch Synthetics canary (constructs/synthetic-checks.ts).
 *
 * It asks one public URL what a user's browser would ask, through public DNS and TLS, and fails the run (by throwing)
 * unless the answer has the expected status, carries the expected text, and does not carry the refused one. The
 * journey canary asks the environment's domain for the app (and refuses the maintenance page: after a failover users
 * cannot use the app, whatever the status says); the maintenance canary asks the maintenance site's own CloudFront
 * name, so the failover target is known to work before it is needed.
 *
 * Node's own https only, no Synthetics library (no namespace to follow across runtime versions), and the tests run this very
 * file against local servers. Every wait is bounded (CANARY_TIMEOUT_MS per request; the canary's run timeout above it).
 */
const https = require("node:https");

/** Bodies are read up to this size: enough for any page's text check, bounded for a misbehaving server. */
const MAX_BODY_BYTES = 1024 * 1024;

function setting(name) {
  const value = process.env[name];
  if (!value) throw new Error(`canary setting ${name} is not set (run_config.environment_variables of the canary)`);
  return value;
}

/** One GET: status and (bounded) body, or an error naming the URL and what went wrong. */
function get(url, timeoutMs) {
  return new Promise((resolve, reject) => {
    const request = https.get(url, { timeout: timeoutMs, headers: { "user-agent": "medicare-hub-canary", accept: "text/html" } }, (response) => {
      const chunks = [];
      let size = 0;
      response.on("data", (chunk) => {
        if (size < MAX_BODY_BYTES) chunks.push(chunk);
        size += chunk.length;
      });
      response.on("end", () => resolve({ status: response.statusCode, body: Buffer.concat(chunks).toString("utf8") }));
      response.on("error", reject);
    });
    request.on("timeout", () => request.destroy(new Error(`no complete answer from ${url} within ${timeoutMs} ms`)));
    request.on("error", (error) => reject(new Error(`GET ${url} failed: ${error.message}`)));
  });
}

/** The canary's entry point (handler `journey.handler`). Throws, failing the run, on any mismatch. */
exports.handler = async function handler() {
  const url = setting("CANARY_URL");
  const expectedStatus = Number(setting("CANARY_EXPECT_STATUS"));
  const expectedText = setting("CANARY_EXPECT_TEXT");
  const refusedText = process.env.CANARY_REFUSE_TEXT || "";
  const timeoutMs = Number(process.env.CANARY_TIMEOUT_MS || "10000");
  const started = Date.now();
  const { status, body } = await get(url, timeoutMs);
  const took = Date.now() - started;
  if (status !== expectedStatus) throw new Error(`GET ${url} answered ${status}, expected ${expectedStatus} (${took} ms)`);
  if (!body.includes(expectedText)) throw new Error(`GET ${url} answered ${status} without "${expectedText}" (${took} ms)`);
  if (refusedText && body.includes(refusedText)) throw new Error(`GET ${url} answered "${refusedText}": users get this, not the app (${took} ms)`);
  console.log(JSON.stringify({ url, status, milliseconds: took, result: "passed" }));
  return `GET ${url}: ${status} in ${took} ms`;
};
