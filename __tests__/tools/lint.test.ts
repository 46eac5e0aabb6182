import { execFile } from "node:child_process";
import { join, resolve } from "node:path";

const ROOT = resolve(__dirname, "../..");

/** Lints `code` as if it were constructs/probe.ts, through the eslint CLI and the project's config. */
function lint(code: string): Promise<string[]> {
  return new Promise((done, fail) => {
    const child = execFile(
      process.execPath,
      [join(ROOT, "node_modules/eslint/bin/eslint.js"), "--stdin", "--stdin-filename", "constructs/probe.ts", "--format", "json"],
      { cwd: ROOT, timeout: 60_000 },
      (error, stdout) => {
        try {
          const [result] = JSON.parse(stdout) as { messages: { ruleId: string; message: string }[] }[];
          done(result.messages.map((m) => `${m.ruleId}: ${m.message}`));
        } catch {
          fail(error ?? new Error(`eslint printed no JSON: ${stdout}`));
        }
      },
    );
    child.stdin?.end(code);
  });
}

describe("lint", () => {
  test("forbids importing the root of @cdktf/provider-aws, saying why and what to do instead, and allows deep imports", async () => {
    // Assembled, so no file of this repository contains the forbidden import itself.
    const root = ["@cdktf", "provider-aws"].join("/");
    const messages = await lint(`import { vpc } from "${root}";\nimport { Vpc } from "${root}/lib/vpc";\nexport const v = [vpc, Vpc];\n`);
    expect(messages).toEqual([expect.stringMatching(/^no-restricted-imports: .*deep path \(@cdktf\/provider-aws\/lib\/<resource>\).*~6 s/)]);
  });
});
