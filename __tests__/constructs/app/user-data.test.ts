import { execFile, execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { request } from "node:https";
import { createServer, connect as connectTcp, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect as connectTls } from "node:tls";
import { BOOTSTRAP_SCRIPT, USER_DATA_LIMIT_BYTES, encodeUserData, renderUserData, shellQuote } from "../../../constructs/app/user-data";
import { describeWithTool } from "../../support/required-tool";

const SETTINGS = { environment: "prod", region: "us-east-2", appPort: 8080, appLogGroup: "/medicare-hub/prod/app", bootstrapDeadlineSeconds: 300 };

describe("renderUserData", () => {
  const rendered = renderUserData(SETTINGS);

  test("starts with one shebang and exports every setting the bootstrap requires", () => {
    expect(rendered.match(/^#!/gm)).toHaveLength(1);
    expect(rendered.startsWith("#!/bin/bash\n")).toBe(true);
    expect(rendered).toContain("export MEDICARE_HUB_ENVIRONMENT='prod'");
    expect(rendered).toContain("export AWS_REGION='us-east-2'");
    expect(rendered).toContain("export APP_PORT='8080'");
    expect(rendered).toContain("export APP_LOG_GROUP='/medicare-hub/prod/app'");
    expect(rendered).toContain("export BOOTSTRAP_DEADLINE_SECONDS='300'");
    // The bootstrap refuses to run without each of them.
    for (const name of ["MEDICARE_HUB_ENVIRONMENT", "AWS_REGION", "APP_PORT", "APP_LOG_GROUP", "BOOTSTRAP_DEADLINE_SECONDS"]) {
      expect(rendered).toContain(`: "\${${name}:?`);
    }
  });

  test("serves a shallow /health on the app port and mounts EFS with TLS at a fixed path when tagged", () => {
    expect(rendered).toMatch(/self.path == "\/health"/);
    expect(rendered).toMatch(/readonly DATA_DIR=\/mnt\/medicare-hub/);
    expect(rendered).toMatch(/mount_options="_netdev,noresvport,tls,iam"/);
    // A new mount target's DNS name can take up to 90 s to resolve: the mount is retried for 24 x 5 s = 120 s.
    expect(rendered).toContain('retry 24 5 mount "${DATA_DIR}"');
    expect(rendered).toMatch(/accesspoint=\$\{EFS_ACCESS_POINT_ID\}/);
  });

  test("makes a new private key and self-signed certificate on each instance, readable by the app user only", () => {
    const make = certificateBlock(rendered);
    expect(make).toMatch(/^\s*umask 077$/m);
    expect(make).toMatch(/openssl genpkey -quiet -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "\$\{TLS_KEY\}"/);
    expect(make).toMatch(/openssl req -x509 -new -key "\$\{TLS_KEY\}" [^\n]*-subj "\/CN=\$\{INSTANCE_ID\}[^"]*"/);
    // Made on the instance at boot, after any key an image might carry is removed: no key travels in the user data.
    expect(rendered).toContain('rm -f "${TLS_KEY}" "${TLS_CERT}"');
    expect(rendered.indexOf('rm -f "${TLS_KEY}"')).toBeLessThan(rendered.indexOf("openssl genpkey"));
    expect(rendered).not.toMatch(/BEGIN [A-Z ]*PRIVATE KEY/);
    expect(rendered).toContain('chown "${APP_USER}:${APP_USER}" "${TLS_KEY}"');
    expect(rendered).toContain('chmod 0400 "${TLS_KEY}"');
    expect(rendered).toMatch(/install -d -m 0750 -o root -g "\$\{APP_USER\}" "\$\{TLS_DIR\}"/);
  });

  test("never prints the key: no line that handles it writes it anywhere but its file", () => {
    const touching = rendered.split("\n").filter((line) => line.includes("TLS_KEY") && !line.trimStart().startsWith("#"));
    expect(touching.length).toBeGreaterThanOrEqual(5);
    for (const line of touching) expect(line).not.toMatch(/\b(echo|cat|tee|printf|base64|logger|xxd|-text)\b/);
  });

  test("serves HTTPS with TLS 1.2 or later on the app port, and checks its own /health over HTTPS", () => {
    const server = serverSource(rendered);
    expect(server).toMatch(/^PORT = int\(os\.environ\["APP_PORT"\]\)$/m);
    expect(server).toContain("ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)");
    expect(server).toMatch(/\.minimum_version = ssl\.TLSVersion\.TLSv1_2$/m);
    expect(server).toContain('load_cert_chain(os.environ["TLS_CERT_FILE"], os.environ["TLS_KEY_FILE"])');
    expect(server).toMatch(/self\.socket = context\.wrap_socket\(self\.socket, server_side=True/);
    expect(server).toMatch(/TLSServer\(\(["']{2}, PORT\), Handler, tls_context\(\)\)\.serve_forever\(\)/);
    expect(rendered).toContain("Environment=TLS_CERT_FILE=${TLS_CERT}");
    expect(rendered).toContain("Environment=TLS_KEY_FILE=${TLS_KEY}");
    expect(rendered).toContain('curl -fsS -k --tlsv1.2 --max-time 2 -o /dev/null "https://127.0.0.1:${APP_PORT}/health"');
    expect(rendered).not.toMatch(/http:\/\/127\.0\.0\.1/);
  });

  test("logs first: the exit trap is set before anything can fail, the CloudWatch agent runs before the packages, EFS and the service", () => {
    const at = (text: string) => {
      const index = rendered.indexOf(text);
      if (index < 0) throw new Error(`the user data has no ${text}`);
      return index;
    };
    const order = [
      "trap on_exit EXIT",
      'INSTANCE_ID="$(imds meta-data/instance-id)"',
      "dnf install -y --setopt=install_weak_deps=False amazon-cloudwatch-agent\n",
      "amazon-cloudwatch-agent-ctl -a fetch-config",
      "dnf install -y --setopt=install_weak_deps=False python3 openssl amazon-efs-utils",
      'retry 24 5 mount "${DATA_DIR}"',
      "systemctl enable --now medicare-hub.service",
    ].map(at);
    expect(order).toEqual([...order].sort((a, b) => a - b));
  });

  test("ships the bootstrap log, cloud-init's output, the app's JSON log and its console (stdout and stderr, not journald)", () => {
    const config = JSON.parse(/cat >"\$\{CW_CONFIG\}" <<JSON\n([\s\S]*?)\nJSON\n/.exec(rendered)?.[1] ?? "null");
    const files = config.logs.logs_collected.files.collect_list.map((f: any) => [f.file_path, f.log_group_name, f.log_stream_name]);
    expect(files).toEqual([
      ["${BOOTSTRAP_LOG}", "${APP_LOG_GROUP}", "{instance_id}/bootstrap"],
      ["/var/log/cloud-init-output.log", "${APP_LOG_GROUP}", "{instance_id}/cloud-init"],
      ["${LOG_DIR}/app/app.log", "${APP_LOG_GROUP}", "{instance_id}/app"],
      ["${CONSOLE_LOG}", "${APP_LOG_GROUP}", "{instance_id}/console"],
    ]);
    expect(rendered).toContain('readonly CONSOLE_LOG="${LOG_DIR}/app/console.log"');
    expect(rendered).toContain("StandardOutput=append:${CONSOLE_LOG}\nStandardError=append:${CONSOLE_LOG}\n");
  });

  test("fits EC2's user-data limit and round-trips through base64", () => {
    expect(Buffer.byteLength(rendered)).toBeLessThanOrEqual(USER_DATA_LIMIT_BYTES);
    expect(Buffer.from(encodeUserData(rendered), "base64").toString("utf8")).toBe(rendered);
  });

  test("shell-quotes values, including ones with single quotes", () => {
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
  });
});

function shellcheck(path: string): Promise<{ code: number; output: string }> {
  return new Promise((done) => {
    execFile("shellcheck", ["--shell=bash", "--severity=style", path], (error, stdout, stderr) => {
      done({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, output: stdout + stderr });
    });
  });
}

const SHELLCHECK = { binary: "shellcheck", requireVariable: "REQUIRE_SHELLCHECK", installHint: "Install it (Debian: apt-get install shellcheck)" };

describeWithTool(SHELLCHECK, "the instance bootstrap under shellcheck", () => {
  test("constructs/app/bootstrap.sh has no findings, at any severity", async () => {
    expect(await shellcheck(BOOTSTRAP_SCRIPT)).toEqual({ code: 0, output: "" });
  });

  test("the rendered user data, as the instance runs it, has no findings either", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "medicare-hub-user-data-")), "user-data.sh");
    writeFileSync(path, renderUserData({ ...SETTINGS, environment: "it's-dev" }));
    expect(await shellcheck(path)).toEqual({ code: 0, output: "" });
  });

  test("a script with a finding fails (the check can fail)", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "medicare-hub-user-data-")), "bad.sh");
    writeFileSync(path, "#!/bin/bash\necho $UNQUOTED\n");
    expect((await shellcheck(path)).code).not.toBe(0);
  });
});

/** The Python web service the bootstrap installs, as written to server.py. */
function serverSource(rendered: string): string {
  const match = /<<'PYTHON'\n([\s\S]*?)\nPYTHON\n/.exec(rendered);
  if (!match) throw new Error("no server.py heredoc in the user data");
  return `${match[1]}\n`;
}

/** The bootstrap's commands that make the instance's key and certificate (the umask 077 subshell). */
function certificateBlock(rendered: string): string {
  const match = /\n(\(\n\s*umask 077\n[\s\S]*?\n\))\n/.exec(rendered);
  if (!match) throw new Error("no key-making subshell in the user data");
  return match[1];
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

function get(port: number, path: string): Promise<{ status: number; body: string; protocol: string | null }> {
  return new Promise((resolve, reject) => {
    // The instance's certificate is self-signed; like the ALB, this client does not validate it.
    const req = request({ host: "127.0.0.1", port, path, rejectUnauthorized: false, timeout: 5000 }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body, protocol: (res.socket as import("node:tls").TLSSocket).getProtocol() }));
    });
    req.on("error", reject);
    req.end();
  });
}

const PYTHON = { binary: "python3", requireVariable: "REQUIRE_PYTHON3", installHint: "Install Python 3 (Debian: apt-get install python3)" };
const OPENSSL = { binary: "openssl", requireVariable: "REQUIRE_OPENSSL", installHint: "Install OpenSSL (Debian: apt-get install openssl)", versionArgs: ["version"] };

describe("the bootstrap's deadline: every wait is bounded by what is left of BOOTSTRAP_DEADLINE_SECONDS", () => {
  const rendered = renderUserData(SETTINGS);
  const retryBlock = /\n(retry\(\) \{[\s\S]*?\n\})\n/.exec(rendered)?.[1] ?? "";
  /** Runs `retry` as the bootstrap defines it, given `deadline` seconds from the script's start; returns status, output, time. */
  const run = (deadline: number, call: string) => {
    const started = Date.now();
    let status = 0;
    let output = "";
    try {
      output = execFileSync("bash", ["-c", `set -euo pipefail\nBOOTSTRAP_DEADLINE_SECONDS=${deadline}\n${retryBlock}\n${call}\n`], { encoding: "utf8", stdio: "pipe", timeout: 20_000 });
    } catch (error) {
      const failed = error as { status: number; stdout: string; stderr: string };
      status = failed.status;
      output = `${failed.stdout}${failed.stderr}`;
    }
    return { status, output, seconds: (Date.now() - started) / 1000 };
  };

  test("the waits go through retry, and nothing else in the shell part sleeps or loops", () => {
    const shell = rendered.replace(/<<'?(\w+)'?\n[\s\S]*?\n\1\n/g, "");
    expect(retryBlock).toContain("timeout");
    expect(shell.match(/\bsleep\b/g)).toHaveLength(1);
    expect(shell).not.toMatch(/^\s*(while|until)\b/m);
    for (const command of ["dnf install", "mount \"${DATA_DIR}\"", "curl -fsS -k"]) {
      expect(shell).toMatch(new RegExp(`retry \\d+ \\d+ ${command.replace(/[$"{}]/g, "\\$&")}`));
    }
  });

  test("an attempt that hangs is cut off at the deadline, and the bootstrap fails", () => {
    const { status, output, seconds } = run(2, "retry 5 0 sleep 30");
    expect(status).not.toBe(0);
    expect(seconds).toBeLessThan(8);
    expect(output).toMatch(/deadline of 2 s/);
  });

  test("failing attempts stop at the deadline however many are left", () => {
    const { status, output, seconds } = run(2, "retry 1000 1 false");
    expect(status).not.toBe(0);
    expect(seconds).toBeLessThan(8);
    expect(output).toMatch(/deadline of 2 s/);
  });

  test("a command that succeeds in time succeeds, once", () => {
    expect(run(30, "retry 3 1 echo ran")).toMatchObject({ status: 0, output: "ran\n" });
  });
});

describeWithTool(PYTHON, "the bootstrap's exit trap, run with a stand-in AWS CLI and no CloudWatch agent", () => {
  const rendered = renderUserData(SETTINGS);
  const trapBlock = /\n(agent_running\(\) \{[\s\S]*?\ntrap on_exit EXIT)\n/.exec(rendered)?.[1] ?? "";
  /** Runs the trap's functions, then `tail` as the rest of the bootstrap; returns what the stand-in `aws` was asked. */
  const run = (tail: string) => {
    const dir = mkdtempSync(join(tmpdir(), "medicare-hub-trap-"));
    const bin = join(dir, "bin");
    execFileSync("mkdir", [bin]);
    writeFileSync(join(bin, "aws"), `#!/bin/bash\nprintf '%s\\0' "$@" >>"${join(dir, "aws-calls")}"\nprintf '\\n' >>"${join(dir, "aws-calls")}"\n`, { mode: 0o755 });
    const log = join(dir, "bootstrap.log");
    writeFileSync(log, "installing packages\nmount: ${DATA_DIR}: connection timed out\n");
    const script = `set -euo pipefail\nBOOTSTRAP_LOG=${log}\nINSTANCE_ID=i-0123456789abcdef0\n${trapBlock}\n${tail}\n`;
    let status = 0;
    try {
      execFileSync("bash", ["-c", script], {
        env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, AWS_REGION: "us-east-2", APP_LOG_GROUP: "/medicare-hub/prod/app" },
        encoding: "utf8",
        stdio: "pipe",
      });
    } catch (error) {
      status = (error as { status: number }).status;
    }
    const callsFile = join(dir, "aws-calls");
    const calls = existsSync(callsFile) ? readFileSync(callsFile, "utf8").split("\n").filter(Boolean).map((line) => line.split("\0").filter(Boolean)) : [];
    return { status, calls };
  };

  test("a failed bootstrap ships its log's last lines to the app log group, and still fails", () => {
    expect(trapBlock).toContain("trap on_exit EXIT");
    const { status, calls } = run("false");
    expect(status).toBe(1);
    expect(calls.map((c) => c.slice(0, 2))).toEqual([["logs", "create-log-stream"], ["logs", "put-log-events"]]);
    const put = calls[1];
    const arg = (name: string) => put[put.indexOf(name) + 1];
    expect(arg("--log-group-name")).toBe("/medicare-hub/prod/app");
    expect(arg("--log-stream-name")).toBe("i-0123456789abcdef0/bootstrap-failed");
    expect(arg("--region")).toBe("us-east-2");
    const events = JSON.parse(arg("--log-events"));
    expect(events).toHaveLength(1);
    expect(events[0].message).toContain("mount: ${DATA_DIR}: connection timed out");
    expect(Math.abs(events[0].timestamp - Date.now())).toBeLessThan(60_000);
  });

  test("a bootstrap that succeeds ships nothing by hand", () => {
    expect(run("true")).toEqual({ status: 0, calls: [] });
  });
});

describeWithTool(PYTHON, "the web service in the user data, run as the instance runs it", () => {
  describeWithTool(OPENSSL, "with a key and certificate made by the bootstrap's own commands", () => {
    const rendered = renderUserData(SETTINGS);
    const dir = mkdtempSync(join(tmpdir(), "medicare-hub-tls-"));
    const tls = { TLS_KEY: join(dir, "instance.key"), TLS_CERT: join(dir, "instance.crt"), INSTANCE_ID: "i-0123456789abcdef0" };
    let makeOutput = "";
    let port = 0;

    // stdout and stderr together: whatever these commands print would land in the bootstrap log, and in CloudWatch.
    const makeCertificate = (paths: typeof tls) =>
      execFileSync("bash", ["-euo", "pipefail", "-c", `exec 2>&1\n${certificateBlock(rendered)}`], { env: { ...process.env, ...paths }, encoding: "utf8" });
    const publicKeyOf = (key: string) => execFileSync("openssl", ["pkey", "-in", key, "-pubout"], { encoding: "utf8" });

    const servers: ChildProcess[] = [];
    /** Starts server.py as its systemd unit would, with `env` on top; resolves once it listens (bounded wait). */
    const startServer = async (env: Record<string, string>, logName: string): Promise<number> => {
      const listenOn = await freePort();
      const child = spawn("python3", [join(dir, "server.py")], {
        env: {
          ...process.env,
          APP_PORT: String(listenOn),
          MEDICARE_HUB_ENVIRONMENT: SETTINGS.environment,
          APP_LOG_FILE: join(dir, logName),
          TLS_CERT_FILE: tls.TLS_CERT,
          TLS_KEY_FILE: tls.TLS_KEY,
          ...env,
        },
        stdio: "ignore",
      });
      servers.push(child);
      // Bounded wait for the port, like the bootstrap's own readiness check.
      for (let attempt = 0; attempt < 50; attempt++) {
        const open = await new Promise<boolean>((resolve) => {
          const socket = connectTcp(listenOn, "127.0.0.1", () => {
            socket.end();
            resolve(true);
          }).on("error", () => resolve(false));
        });
        if (open) return listenOn;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const log = join(dir, logName);
      throw new Error(`server.py never listened on ${listenOn}; its log: ${existsSync(log) ? readFileSync(log, "utf8") : "(none)"}`);
    };

    beforeAll(async () => {
      makeOutput = makeCertificate(tls);
      writeFileSync(join(dir, "server.py"), serverSource(rendered));
      port = await startServer({}, "app.log");
    });

    afterAll(() => {
      for (const child of servers) child.kill();
    });

    describe("the deep health check (/health/deep): database and shared files, never the load balancer's check", () => {
      let database: import("node:net").Server;
      let databasePort = 0;
      beforeAll(async () => {
        database = createServer((socket) => socket.end());
        await new Promise<void>((resolve) => database.listen(0, "127.0.0.1", resolve));
        databasePort = (database.address() as AddressInfo).port;
      });
      afterAll(() => new Promise<void>((resolve) => database.close(() => resolve())));

      test("200 while the database accepts connections; 503 once it does not, while /health stays 200", async () => {
        const deep = await startServer({ DATABASE_ADDRESS: "127.0.0.1", DATABASE_PORT: String(databasePort) }, "deep.log");
        expect(await get(deep, "/health/deep")).toMatchObject({ status: 200, body: "ok\n" });
        const closedPort = await freePort();
        const down = await startServer({ DATABASE_ADDRESS: "127.0.0.1", DATABASE_PORT: String(closedPort) }, "deep-down.log");
        expect(await get(down, "/health/deep")).toMatchObject({ status: 503, body: "degraded\n" });
        expect(await get(down, "/health")).toMatchObject({ status: 200 });
        const failed = readFileSync(join(dir, "deep-down.log"), "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l));
        expect(failed.find((l) => l.message === "deep health check failed")?.failing).toEqual(["database"]);
      });

      test("answers from the last probe, not per request: a database that goes away is seen on the next round", async () => {
        const flaky = createServer((socket) => socket.end());
        await new Promise<void>((resolve) => flaky.listen(0, "127.0.0.1", resolve));
        const flakyPort = (flaky.address() as AddressInfo).port;
        const deep = await startServer({ DATABASE_ADDRESS: "127.0.0.1", DATABASE_PORT: String(flakyPort), DEEP_PROBE_INTERVAL_SECONDS: "0.2" }, "deep-flaky.log");
        expect(await get(deep, "/health/deep")).toMatchObject({ status: 200 });
        await new Promise<void>((resolve) => flaky.close(() => resolve()));
        // Bounded: a few probe rounds of 0.2 s.
        let status = 200;
        for (let attempt = 0; attempt < 30 && status === 200; attempt++) {
          await new Promise((resolve) => setTimeout(resolve, 100));
          status = (await get(deep, "/health/deep")).status;
        }
        expect(status).toBe(503);
      });

      test("503 when the shared file system is expected but its directory is not a mount point", async () => {
        const noMount = await startServer({ EFS_EXPECTED: "1", DATA_DIR: dir }, "deep-files.log");
        expect(await get(noMount, "/health/deep")).toMatchObject({ status: 503 });
        const failed = readFileSync(join(dir, "deep-files.log"), "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l));
        expect(failed.find((l) => l.message === "deep health check failed")?.failing).toEqual(["files"]);
        // A mount point (the root file system is one) passes.
        const mounted = await startServer({ EFS_EXPECTED: "1", DATA_DIR: "/" }, "deep-root.log");
        expect(await get(mounted, "/health/deep")).toMatchObject({ status: 200 });
      });

      test("503 while a database is expected but not there yet (the standby before failover restores it); /health stays 200", async () => {
        const waiting = await startServer({ DATABASE_EXPECTED: "1", DATABASE_ADDRESS: "", DATABASE_PORT: "5432" }, "deep-waiting.log");
        expect(await get(waiting, "/health/deep")).toMatchObject({ status: 503, body: "degraded\n" });
        expect(await get(waiting, "/health")).toMatchObject({ status: 200, body: "ok\n" });
        const failed = readFileSync(join(dir, "deep-waiting.log"), "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l));
        expect(failed.find((l) => l.message === "deep health check failed")?.failing).toEqual(["database"]);
      });
    });

    test("making the key prints nothing, and leaves it readable by its owner only", () => {
      expect(makeOutput).toBe("");
      expect(statSync(tls.TLS_KEY).mode & 0o777).toBe(0o600);
    });

    test("every run makes a different key: regenerated per instance, never shared", () => {
      const other = { ...tls, TLS_KEY: join(dir, "other.key"), TLS_CERT: join(dir, "other.crt") };
      makeCertificate(other);
      expect(publicKeyOf(other.TLS_KEY)).toMatch(/^-----BEGIN PUBLIC KEY-----/);
      expect(publicKeyOf(other.TLS_KEY)).not.toBe(publicKeyOf(tls.TLS_KEY));
    });

    test("answers GET /health with 200 over TLS 1.2 or 1.3", async () => {
      const response = await get(port, "/health");
      expect(response).toMatchObject({ status: 200, body: "ok\n" });
      expect(["TLSv1.2", "TLSv1.3"]).toContain(response.protocol);
    });

    test("logs each request as one JSON line with the load balancer's trace id, the client, the status and the duration", async () => {
      const traceId = "Root=1-67891233-abcdef012345678912345678";
      await new Promise<void>((resolve, reject) => {
        const req = request(
          { host: "127.0.0.1", port, path: "/nope", rejectUnauthorized: false, timeout: 5000, headers: { "X-Amzn-Trace-Id": traceId, "X-Forwarded-For": "198.51.100.9, 203.0.113.7" } },
          (res) => {
            res.resume();
            res.on("end", () => resolve());
          },
        );
        req.on("error", reject);
        req.end();
      });
      // Bounded wait for the line to reach the file.
      let line: any;
      for (let attempt = 0; attempt < 50 && !line; attempt++) {
        const lines = readFileSync(join(dir, "app.log"), "utf8").split("\n").filter(Boolean);
        line = lines.map((l) => JSON.parse(l)).find((l) => l.trace_id === traceId);
        if (!line) await new Promise((resolve) => setTimeout(resolve, 50));
      }
      // The ALB appends the address it saw ("X-Forwarded-For", ELB User Guide): a client cannot spoof the last entry.
      expect(line).toMatchObject({ trace_id: traceId, client: "203.0.113.7", method: "GET", path: "/nope", status: 404 });
      expect(typeof line.duration_ms).toBe("number");
      expect(line.duration_ms).toBeGreaterThanOrEqual(0);
      expect(Number.isNaN(Date.parse(line.time))).toBe(false);
    });

    test("answers a request line it cannot parse with 400 and logs it, instead of dropping the connection", async () => {
      const reply = await new Promise<string>((resolve) => {
        let data = "";
        const socket = connectTls({ host: "127.0.0.1", port, rejectUnauthorized: false }, () => socket.write("GET /a b HTTP/1.1\r\n\r\n"));
        socket.setTimeout(5000, () => socket.destroy());
        socket.on("data", (chunk) => (data += chunk.toString("latin1")));
        socket.on("close", () => resolve(data));
        socket.on("error", () => resolve(data));
      });
      expect(reply).toMatch(/^HTTP\/1\.[01] 400 /);
    });

    test("refuses a client that offers at most TLS 1.1", async () => {
      const error = await new Promise<NodeJS.ErrnoException>((resolve) => {
        const socket = connectTls({ host: "127.0.0.1", port, rejectUnauthorized: false, minVersion: "TLSv1", maxVersion: "TLSv1.1", ciphers: "DEFAULT@SECLEVEL=0" });
        socket.on("secureConnect", () => {
          socket.destroy();
          resolve(Object.assign(new Error(`connected with ${socket.getProtocol()}`), { code: "CONNECTED" }));
        });
        socket.on("error", resolve);
      });
      // The server's alert, not a client-side refusal to offer old versions.
      expect(error.code).toBe("ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION");
    });

    test("gives a plain-HTTP request no HTTP answer", async () => {
      const reply = await new Promise<string>((resolve) => {
        let data = "";
        const socket = connectTcp(port, "127.0.0.1", () => socket.write("GET /health HTTP/1.1\r\nHost: x\r\n\r\n"));
        socket.setTimeout(5000, () => socket.destroy());
        socket.on("data", (chunk) => (data += chunk.toString("latin1")));
        socket.on("close", () => resolve(data));
        socket.on("error", () => resolve(data));
      });
      expect(reply).not.toMatch(/^HTTP\//);
    });
  });
});
