/**
 * No secret value, password or key material anywhere in what synth writes, in either format: the output is
 * committed to PRs, handed to ops teams and stored in CI artifacts.
 */
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { synthApp } from "./support/synth";

/** Attribute names that would carry a secret value. */
const SECRET_ATTRIBUTES = ["password", "master_password", "secret_string", "secret_binary", "secret_key", "access_key", "private_key", "token"];
const KEY_MATERIAL = [
  /AKIA[0-9A-Z]{16}/, // AWS access key ids
  /ASIA[0-9A-Z]{16}/,
  /-----BEGIN [A-Z ]*PRIVATE KEY-----/,
  /aws_secretsmanager_secret_version/,
];

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

function findings(text: string): string[] {
  const found: string[] = [];
  for (const name of SECRET_ATTRIBUTES) {
    if (new RegExp(`"${name}"\\s*:|^\\s*${name}\\s*=`, "m").test(text)) found.push(`attribute ${name}`);
  }
  for (const pattern of KEY_MATERIAL) if (pattern.test(text)) found.push(`key material ${pattern}`);
  return found;
}

describe("cdktf.out carries no secrets", () => {
  test.each([
    ["JSON", false],
    ["HCL", true],
  ])("%s output: no password, secret value or key material in any file", (_format, hcl) => {
    const { outdir } = synthApp({ hcl });
    const all = files(outdir);
    expect(all.length).toBeGreaterThan(3);
    for (const file of all) expect({ file, findings: findings(readFileSync(file, "utf8")) }).toEqual({ file, findings: [] });
  });

  test("the scan finds what it looks for (it can fail)", () => {
    expect(findings('{"password": "hunter2"}')).toEqual(["attribute password"]);
    expect(findings('  master_password = "x"')).toEqual(["attribute master_password"]);
    expect(findings("AKIAABCDEFGHIJKLMNOP")).toEqual([expect.stringContaining("key material")]);
    expect(findings('manage_master_user_password = true\n"manage_master_user_password": true')).toEqual([]);
  });
});
