import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULT_CONFIG } from "../../config/environments";
import { OVERRIDE_FILE_ENV, deepMerge, loadConfig, validateConfig } from "../../config/load";
import {
  AWS_DOCUMENTATION_ACCOUNT_IDS,
  PLACEHOLDER_HOSTED_ZONE_ID,
  RESERVED_DOMAINS,
  findPlaceholders,
  type Placeholder,
} from "../../config/placeholders";
import { EnvironmentSchema, type ProjectConfig } from "../../config/schema";
import { COMPLETE_OVERRIDE, completeConfig } from "../support/complete-config";

const ROOT = join(__dirname, "../..");

/** The complete configuration with one override on top. */
function withOverride(override: object): ProjectConfig {
  return validateConfig(deepMerge(completeConfig(), override), override);
}

const prod = (settings: object) => ({ environments: { prod: settings } });
const paths = (found: readonly Placeholder[]) => found.map((p) => p.path);

describe("the committed defaults", () => {
  const found = findPlaceholders(DEFAULT_CONFIG);

  test("carry the state account and bucket and each environment's account, domain, hosted zone and alert e-mail as placeholders", () => {
    expect(paths(found)).toEqual([
      "stateBackend.accountId",
      "stateBackend.bucketName",
      ...["dev", "prod"].flatMap((env) => ["accountId", "dns.domainName", "dns.hostedZoneId", "alerts.email"].map((field) => `environments.${env}.${field}`)),
      // Prod also sends its alerting path a heartbeat (MH-OBS-5), to a check only the team can create.
      "environments.prod.alerts.heartbeatUrl",
    ]);
  });

  test("each placeholder names its value, why it cannot reach AWS, and the override key to set", () => {
    for (const p of found) {
      const value = p.path.split(".").reduce<any>((node, key) => node[key], DEFAULT_CONFIG);
      expect(p).toEqual({ path: p.path, value, reason: expect.any(String), overrideKey: p.path, replaceWith: expect.any(String) });
      expect(p.reason.length).toBeGreaterThan(40);
      expect(p.replaceWith.length).toBeGreaterThan(10);
    }
  });

  test("the placeholder hosted zone id matches the schema's pattern, so synth keeps working", () => {
    expect(EnvironmentSchema.shape.dns.shape.hostedZoneId.safeParse(PLACEHOLDER_HOSTED_ZONE_ID).success).toBe(true);
  });
});

describe("a complete configuration", () => {
  test("has no placeholder left", () => {
    expect(findPlaceholders(completeConfig())).toEqual([]);
  });

  test("written as the override file and loaded like any other, has no placeholder left", () => {
    const file = join(mkdtempSync(join(tmpdir(), "medicare-hub-placeholders-")), "acme.json");
    writeFileSync(file, JSON.stringify(COMPLETE_OVERRIDE));
    expect(findPlaceholders(loadConfig({ env: { [OVERRIDE_FILE_ENV]: file } }))).toEqual([]);
  });

  test.each([
    ["a domain that only contains a reserved word", { dns: { domainName: "example-health.org" } }],
    ["a domain whose label ends like a reserved name", { dns: { domainName: "app.myexample.com" } }],
    ["a reserved name used as a label, not as the suffix", { dns: { domainName: "test.acme-health.org" } }],
    ["an e-mail whose local part is a reserved word", { alerts: { email: "example@acme-health.org" } }],
    ["an account next to a documentation example", { accountId: "123456789013" }],
    ["no alert e-mail at all", { alerts: { email: null } }],
  ])("%s is no placeholder", (_, settings) => {
    expect(findPlaceholders(withOverride(prod(settings)))).toEqual([]);
  });
});

describe("each class of placeholder is found, wherever its value comes from", () => {
  test.each(AWS_DOCUMENTATION_ACCOUNT_IDS)("the AWS documentation's example account %s", (accountId) => {
    const [found] = findPlaceholders(withOverride(prod({ accountId })));
    expect(found).toMatchObject({ path: "environments.prod.accountId", value: accountId, reason: expect.stringMatching(/example account of the AWS documentation/) });
  });

  const reservedNames = RESERVED_DOMAINS.flatMap(({ suffix, reservedBy }) => [
    [`medicare-hub.${suffix}`, suffix, reservedBy],
    [`app.eu.medicare-hub.${suffix}`, suffix, reservedBy],
  ]);

  test.each(reservedNames)("the domain %s, under the reserved .%s", (domainName, suffix, reservedBy) => {
    const found = findPlaceholders(withOverride(prod({ dns: { domainName } })));
    expect(found).toEqual([expect.objectContaining({ path: "environments.prod.dns.domainName", value: domainName, reason: expect.stringContaining(`".${suffix}", reserved by ${reservedBy}`) })]);
  });

  test.each(["example.com", "example.net", "example.org"])("the reserved second-level domain %s itself", (domainName) => {
    expect(paths(findPlaceholders(withOverride(prod({ dns: { domainName } }))))).toEqual(["environments.prod.dns.domainName"]);
  });

  test.each(reservedNames.map(([domain, suffix]) => [`oncall@${domain}`, suffix]))("the alert e-mail %s", (email, suffix) => {
    const found = findPlaceholders(withOverride(prod({ alerts: { email } })));
    expect(found).toEqual([expect.objectContaining({ path: "environments.prod.alerts.email", value: email, reason: expect.stringContaining(`".${suffix}"`) })]);
  });

  test("an alert e-mail at an upper-case reserved domain", () => {
    expect(paths(findPlaceholders(withOverride(prod({ alerts: { email: "SRE@Medicare-Hub.EXAMPLE" } }))))).toEqual(["environments.prod.alerts.email"]);
  });

  test.each([PLACEHOLDER_HOSTED_ZONE_ID, "Z3M3LMPEXAMPLE", "ZPLACEHOLDER"])("the hosted zone id %s", (hostedZoneId) => {
    expect(findPlaceholders(withOverride(prod({ dns: { hostedZoneId } })))).toEqual([
      expect.objectContaining({ path: "environments.prod.dns.hostedZoneId", value: hostedZoneId }),
    ]);
  });

  test("the committed state bucket name", () => {
    const found = findPlaceholders(withOverride({ stateBackend: { bucketName: DEFAULT_CONFIG.stateBackend.bucketName } }));
    expect(found).toEqual([expect.objectContaining({ path: "stateBackend.bucketName", reason: expect.stringMatching(/BucketAlreadyExists/) })]);
  });

  test("the state backend's account, like an environment's", () => {
    const found = findPlaceholders(withOverride({ stateBackend: { accountId: "111122223333" } }));
    expect(found).toEqual([expect.objectContaining({ path: "stateBackend.accountId", value: "111122223333", reason: expect.stringMatching(/example account of the AWS documentation/) })]);
  });

  test("in dev as in prod, state backend first, then environments in synth order", () => {
    const devToo = { environments: { dev: { accountId: "111122223333" }, prod: { alerts: { email: "a@b.test" } } }, stateBackend: { bucketName: DEFAULT_CONFIG.stateBackend.bucketName } };
    expect(paths(findPlaceholders(withOverride(devToo)))).toEqual(["stateBackend.bucketName", "environments.dev.accountId", "environments.prod.alerts.email"]);
  });
});

describe("the docs", () => {
  /** Rows of the table between `<!-- placeholders -->` markers: [override key, committed value]. */
  function placeholderRows(file: string): string[][] {
    const text = readFileSync(join(ROOT, file), "utf8");
    const start = text.indexOf("<!-- placeholders -->");
    const end = text.indexOf("<!-- /placeholders -->");
    expect(start).toBeGreaterThanOrEqual(0);
    expect(end).toBeGreaterThan(start);
    return text
      .slice(start, end)
      .split("\n")
      .filter((line) => line.startsWith("| `"))
      .map((line) => line.split("|").slice(1, 3).map((cell) => cell.trim()));
  }

  test.each(["README.md", "docs/first-deploy.md"])("%s lists every placeholder of the committed defaults with its value", (file) => {
    expect(placeholderRows(file)).toEqual(findPlaceholders(DEFAULT_CONFIG).map((p) => [`\`${p.overrideKey}\``, `\`${p.value}\``]));
  });

  test("docs/first-deploy.md's override file replaces every placeholder", () => {
    const text = readFileSync(join(ROOT, "docs/first-deploy.md"), "utf8");
    const block = /<!-- override-example -->\s*```json\n([\s\S]*?)\n```/.exec(text);
    expect(block).not.toBeNull();
    const override = JSON.parse((block as RegExpExecArray)[1]);
    expect(findPlaceholders(validateConfig(deepMerge(DEFAULT_CONFIG, override), override))).toEqual([]);
  });
});
