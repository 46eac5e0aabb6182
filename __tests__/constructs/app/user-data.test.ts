import { execFile, execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { request } from "node:https";
import { createServer, connect as connectTcp, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect as connectTls } from "node:tls";
import { BOOTSTRAP_SCRIPT, USER_DATA_LIMIT_BYTES, encodeUserData, renderUserData, shellQuote } from "../../../constructs/app/user-data";
import { describeWithTool } from "../../support/required-tool";

const SETTINGS = { environment: "prod", region: "us-east-2", appPort: 8080, appLogGroup: "/medicare-hub/prod/app" };

describe("renderUserData", () => {
  const rendered = renderUserData(SETTINGS);

  test("starts with one shebang and exports every setting the bootstrap requires", () => {
    expect(rendered.match(/^#!/gm)).toHaveLength(1);
    expect(rendered.startsWith("#!/bin/bash\n")).toBe(true);
    expect(rendered).toContain("export MEDICARE_HUB_ENVIRONMENT='prod'");
    expect(rendered).toContain("export AWS_REGION='us-east-2'");
    expect(rendered).toContain("export APP_PORT='8080'");
    expect(rendered).toContain("export APP_LOG_GROUP='/medicare-hub/prod/app'");
    // The bootstrap refuses to run without each of them.
    for (const name of ["MEDICARE_HUB_ENVIRONMENT", "AWS_REGION", "APP_PORT", "APP_LOG_GROUP"]) {
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

describeWithTool(PYTHON, "the web service in the user data, run as the instance runs it", () => {
  describeWithTool(OPENSSL, "with a key and certificate made by the bootstrap's own commands", () => {
    const rendered = renderUserData(SETTINGS);
    const dir = mkdtempSync(join(tmpdir(), "medicare-hub-tls-"));
    const tls = { TLS_KEY: join(dir, "instance.key"), TLS_CERT: join(dir, "instance.crt"), INSTANCE_ID: "i-0123456789abcdef0" };
    let makeOutput = "";
    let server: ChildProcess | undefined;
    let port = 0;

    // stdout and stderr together: whatever these commands print would land in the bootstrap log, and in CloudWatch.
    const makeCertificate = (paths: typeof tls) =>
      execFileSync("bash", ["-euo", "pipefail", "-c", `exec 2>&1\n${certificateBlock(rendered)}`], { env: { ...process.env, ...paths }, encoding: "utf8" });
    const publicKeyOf = (key: string) => execFileSync("openssl", ["pkey", "-in", key, "-pubout"], { encoding: "utf8" });

    beforeAll(async () => {
      makeOutput = makeCertificate(tls);
      port = await freePort();
      writeFileSync(join(dir, "server.py"), serverSource(rendered));
      server = spawn("python3", [join(dir, "server.py")], {
        env: {
          ...process.env,
          APP_PORT: String(port),
          MEDICARE_HUB_ENVIRONMENT: SETTINGS.environment,
          APP_LOG_FILE: join(dir, "app.log"),
          TLS_CERT_FILE: tls.TLS_CERT,
          TLS_KEY_FILE: tls.TLS_KEY,
        },
        stdio: "ignore",
      });
      // Bounded wait for the port, like the bootstrap's own readiness check.
      for (let attempt = 0; attempt < 50; attempt++) {
        const open = await new Promise<boolean>((resolve) => {
          const socket = connectTcp(port, "127.0.0.1", () => {
            socket.end();
            resolve(true);
          }).on("error", () => resolve(false));
        });
        if (open) return;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const log = join(dir, "app.log");
      throw new Error(`server.py never listened on ${port}; its log: ${existsSync(log) ? readFileSync(log, "utf8") : "(none)"}`);
    });

    afterAll(() => {
      server?.kill();
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
