/**
 * Run-time authorization: every policy of the synthesized stacks rendered to IAM JSON, and every request AWS makes
 * at run time (rows/) evaluated against it by @cloud-copilot/iam-simulate, one test per row and stack. A row states
 * what AWS needs, not what the code does: when one fails, fix the construct, not the row.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { runSimulation } from "@cloud-copilot/iam-simulate";
import { readStackJson, synthApp } from "../support/synth";
import { AUTHORIZATION_DOC, UPDATE_DOC_ENV, authorizationMarkdown } from "./doc";
import { evaluate } from "./engine";
import { SCOPE_KINDS, STACK_KINDS, STANDBY_CONSTRUCT, concreteRequest, satisfies, scopeOf, type AuthorizationRow, type ScopeKind, type StackKind } from "./row";
import { AUTHORIZATION_ROWS } from "./rows";
import { alertsTopic, appLogGroup } from "./selectors";
import { World, defaultFileSystemPolicy } from "./world";

let world: World;

beforeAll(() => {
  const synth = synthApp();
  world = new World(Object.fromEntries(Object.keys(synth.stackDirs).map((id) => [id, readStackJson(synth, id)])));
});

const scope = (kind: ScopeKind) => scopeOf(world, kind);
/** The scopes evaluated in a stack: the stack itself and its standby, if it has one (prod-dr of prod). */
const scopesOf = (stack: StackKind) => SCOPE_KINDS.filter((kind) => scope(kind).stackId === scope(stack).stackId);

describe("rendering the synthesized policies", () => {
  test("every policy of every stack renders to IAM JSON with every reference resolved", () => {
    const policies = world.everyPolicy();
    expect(policies.length).toBeGreaterThan(40);
    for (const { where, policy } of policies) {
      const text = JSON.stringify(policy);
      expect({ where, unresolved: text.match(/\$\{[^}]*\}/g) }).toEqual({ where, unresolved: null });
      for (const statement of policy.Statement) {
        expect({ where, effect: statement.Effect, hasAction: Boolean(statement.Action ?? statement.NotAction) }).toEqual({ where, effect: expect.stringMatching(/^(Allow|Deny)$/), hasAction: true });
      }
    }
  });

  test("a resource renders to the same ARN wherever it is named", () => {
    const prod = scope("prod");
    const topic = alertsTopic(prod, "stack");
    const key = world.follow(prod.stackId, topic.values.kms_master_key_id, "aws_kms_key");
    expect(world.substitute(prod.stackId, topic.values.kms_master_key_id, "kms_master_key_id")).toBe(world.attribute(key, "arn"));
    expect(world.attribute(key, "arn")).toBe(`arn:aws:kms:${prod.region}:${prod.account}:key/${prod.stackId}-${key.name}`);
    const group = world.attribute(appLogGroup(prod), "arn");
    const named = new Set(world.everyPolicy().flatMap(({ policy }) => policy.Statement.flatMap((st) => [st.Resource ?? []].flat() as string[]).filter((r) => r.startsWith(group))));
    expect([...named].sort()).toEqual([group, `${group}:*`]);
  });

  test("a reference nothing knows how to render fails loudly, naming it", () => {
    const fake = new World({
      "x-dev": {
        terraform: {},
        provider: { aws: [{ region: "us-east-2", allowed_account_ids: ["123456789012"] }] },
        resource: { aws_kms_key: { k: { policy: "${data.aws_iam_policy_document.p.json}" } }, aws_widget: { w: {} } },
        data: { aws_iam_policy_document: { p: { statement: [{ actions: ["kms:*"], resources: ["${aws_widget.w.arn}"] }] }, q: { source_policy_documents: ["{}"] } } },
      },
    });
    expect(() => fake.document("x-dev", "p")).toThrow(/cannot render \$\{aws_widget\.w\.arn\}.*no resolver for aws_widget\.arn/);
    expect(() => fake.document("x-dev", "q")).toThrow(/cannot render source_policy_documents/);
    expect(() => fake.substitute("x-dev", "${aws_widget.missing.arn}", "here")).toThrow(/points at nothing/);
  });

  test("a file system without a file system policy of its own is judged by EFS's default one: anyone through a mount target", async () => {
    const fake = new World({
      "x-dev": {
        terraform: {},
        provider: { aws: [{ region: "us-east-2", allowed_account_ids: ["123456789012"] }] },
        resource: { aws_efs_file_system: { fs: {} } },
      },
    });
    const arn = "arn:aws:elasticfilesystem:us-east-2:123456789012:file-system/fs-x-dev-fs";
    expect(fake.resourcePolicy(arn)).toEqual(defaultFileSystemPolicy(arn));
    const mount = (context: Record<string, string>) =>
      evaluate({ principal: "arn:aws:iam::123456789012:role/r", action: "elasticfilesystem:ClientRootAccess", resource: arn, resourceAccount: "123456789012", context, identityPolicies: [], resourcePolicy: fake.resourcePolicy(arn) });
    expect((await mount({ "elasticfilesystem:AccessedViaMountTarget": "true", "aws:SecureTransport": "false" })).outcome).toBe("Allowed");
    expect((await mount({ "elasticfilesystem:AccessedViaMountTarget": "false" })).outcome).toBe("ImplicitlyDenied");
  });

  test("the simulator applies KMS key-policy semantics: an identity policy counts only when the key policy delegates to the account", async () => {
    const key = "arn:aws:kms:us-east-2:123456789012:key/k";
    const decrypt = (keyPolicyPrincipal: string) =>
      runSimulation(
        {
          request: { principal: "arn:aws:iam::123456789012:role/r", action: "kms:Decrypt", resource: { resource: key, accountId: "123456789012" }, contextVariables: {} },
          identityPolicies: [{ name: "p", policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "kms:Decrypt", Resource: key }] } }],
          serviceControlPolicies: [],
          resourceControlPolicies: [],
          resourcePolicy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: keyPolicyPrincipal }, Action: "kms:*", Resource: "*" }] },
        },
        {},
      );
    expect(await decrypt("arn:aws:iam::123456789012:root")).toMatchObject({ resultType: "single", overallResult: "Allowed" });
    expect(await decrypt("arn:aws:iam::123456789012:role/someone-else")).toMatchObject({ resultType: "single", overallResult: "ImplicitlyDenied" });
  });
});

const cases = AUTHORIZATION_ROWS.flatMap((row) => row.stacks.map((kind) => [row, kind] as [AuthorizationRow, ScopeKind]));

describe("sites", () => {
  test("prod-dr is the prod stack's standby: the resources under prod/standby, in the region of the recovery provider", () => {
    const standby = scope("prod-dr");
    const recovery = (world.stacks[standby.stackId].provider?.aws ?? []).find((p: any) => p.alias === "recovery");
    const launchTemplates = (kind: ScopeKind) => scope(kind).resources("aws_launch_template").map((t) => t.address);
    expect({ stack: standby.stackId, region: standby.region, account: standby.account }).toEqual({ stack: scope("prod").stackId, region: recovery?.region, account: scope("prod").account });
    expect(standby.region).not.toBe(scope("prod").region);
    expect({ primary: launchTemplates("prod"), standby: launchTemplates("prod-dr") }).toEqual({
      primary: [expect.not.stringMatching(new RegExp(`\\.${STANDBY_CONSTRUCT}_`))],
      standby: [expect.stringMatching(new RegExp(`\\.${STANDBY_CONSTRUCT}_`))],
    });
  });

  test("a row asked of both sites asks each its own request: no selector answers for the standby with the primary's resources", () => {
    const both = AUTHORIZATION_ROWS.filter((row) => row.stacks.includes("prod") && row.stacks.includes("prod-dr"));
    expect(both.length).toBeGreaterThan(20);
    const same = both.filter((row) => {
      const [primary, standby] = [concreteRequest(row, scope("prod")), concreteRequest(row, scope("prod-dr"))];
      const asked = (r: typeof primary) => JSON.stringify([r.principal, r.resource, r.context, r.endpointPolicies?.map((p) => p.name)]);
      return asked(primary) === asked(standby);
    });
    expect(same.map((row) => row.id)).toEqual([]);
  });
});

describe("requests AWS makes at run time", () => {
  test.each(cases.map(([row, kind]) => [`${row.id} [${kind}] ${row.request}: ${row.expected}`, row, kind] as const))("%s", async (_, row, kind) => {
    const request = concreteRequest(row, scope(kind));
    const { outcome, decidedBy } = await evaluate(request);
    if (!satisfies(outcome, row.expected)) {
      throw new Error(
        [
          `${row.id} in ${kind} (${request.context["aws:RequestedRegion"] ?? scope(kind).region}): expected ${row.expected}, AWS would answer ${outcome}`,
          `  ${request.principal} → ${request.action} on ${request.resource}`,
          `  context: ${JSON.stringify(request.context)}`,
          `  decided by: ${decidedBy.join("; ") || "no statement applies"}`,
          ...(row.why ? [`  why it matters: ${row.why}`] : []),
          `  source: ${row.source.map((s) => s.url).join(" ")}`,
        ].join("\n"),
      );
    }
  });

  test("every customer managed key of every stack has a consumer that must be allowed to use it", () => {
    for (const stack of STACK_KINDS) {
      const s = scope(stack);
      const allowedOn = new Set(scopesOf(stack).flatMap((kind) => AUTHORIZATION_ROWS.filter((r) => r.stacks.includes(kind) && r.expected === "Allowed").map((r) => r.resource.resolve(scope(kind)))));
      const keys = world.resources(s.stackId, "aws_kms_key").map((k) => `${k.address} ${world.attribute(k, "arn")}`);
      expect(keys.filter((key) => !allowedOn.has(key.split(" ")[1]))).toEqual([]);
    }
  });

  test("every encrypted log group has a row in which CloudWatch Logs must be allowed to use its key", () => {
    for (const stack of STACK_KINDS) {
      const s = scope(stack);
      const covered = new Set(
        scopesOf(stack).flatMap((kind) =>
          AUTHORIZATION_ROWS.filter((r) => r.stacks.includes(kind) && r.expected === "Allowed" && r.context?.["kms:EncryptionContext:aws:logs:arn"]).map((r) =>
            concreteRequest(r, scope(kind)).context["kms:EncryptionContext:aws:logs:arn"],
          ),
        ),
      );
      const groups = world.resources(s.stackId, "aws_cloudwatch_log_group").filter((g) => g.values.kms_key_id);
      expect(groups.filter((g) => !covered.has(world.attribute(g, "arn"))).map((g) => g.address)).toEqual([]);
    }
  });

  test("rows have unique ids, cite AWS documentation, and hold both allows and denials", () => {
    const ids = AUTHORIZATION_ROWS.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const row of AUTHORIZATION_ROWS) {
      expect({ id: row.id, sources: row.source.length, urls: row.source.every((s) => /^https:\/\/(docs\.aws\.amazon\.com|repost\.aws)\//.test(s.url)) }).toEqual({ id: row.id, sources: expect.any(Number), urls: true });
      expect(row.source.length).toBeGreaterThan(0);
    }
    expect(AUTHORIZATION_ROWS.length).toBeGreaterThanOrEqual(30);
    expect(AUTHORIZATION_ROWS.filter((r) => r.expected === "Allowed").length).toBeGreaterThan(10);
    expect(AUTHORIZATION_ROWS.filter((r) => r.expected !== "Allowed").length).toBeGreaterThan(10);
  });
});

test("docs/authorization.md is the table generated from the rows", () => {
  const generated = authorizationMarkdown();
  if (process.env[UPDATE_DOC_ENV] === "1") writeFileSync(AUTHORIZATION_DOC, generated);
  expect(existsSync(AUTHORIZATION_DOC) ? readFileSync(AUTHORIZATION_DOC, "utf8") : `(missing: run ${UPDATE_DOC_ENV}=1 npx jest __tests__/authorization)`).toBe(generated);
});
