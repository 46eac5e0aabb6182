import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
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
