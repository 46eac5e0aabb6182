/**
 * tools/ci-plan-input.ts: what the base branch lets a pull request's Terraform do under the plan role. Each way a
 * configuration could run code, read the runner's disk or redirect requests is refused; the project's own passes.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { synthApp } from "../support/synth";
import { expectedStacks, functionsCalled, vetStackJson, type ExpectedStack } from "../../tools/ci-plan-input";

const ROOT = resolve(__dirname, "../..");
let expected: ExpectedStack[];
let committed: Record<string, string>;
let stacksDir: string;

beforeAll(() => {
  const synth = synthApp();
  stacksDir = join(synth.outdir, "stacks");
  expected = expectedStacks();
  committed = Object.fromEntries(expected.map((e) => [e.stackId, readFileSync(join(stacksDir, e.stackId, "cdk.tf.json"), "utf8")]));
});

const prod = () => expected.find((e) => e.stackId === "medicare-hub-prod") as ExpectedStack;
/** The committed prod stack with `change` applied. */
function vetChanged(change: (tf: any) => void): string[] {
  const tf = JSON.parse(committed["medicare-hub-prod"]);
  change(tf);
  return vetStackJson(JSON.stringify(tf), prod());
}

test("the project's own stacks are vetted clean", () => {
  expect(expected.map((e) => e.stackId)).toEqual(["medicare-hub-dev", "medicare-hub-prod"]);
  for (const e of expected) expect({ stack: e.stackId, problems: vetStackJson(committed[e.stackId], e) }).toEqual({ stack: e.stackId, problems: [] });
});

test.each([
  ["a data source that runs a program", (tf: any) => (tf.data.external = { x: { program: ["sh", "-c", "env"] } }), /\/data\/external: data source not allowed/],
  ["a data source that reads an object", (tf: any) => (tf.data.aws_s3_object = { x: { bucket: "b", key: "k" } }), /\/data\/aws_s3_object: data source not allowed/],
  ["a resource of another provider (downloaded and run)", (tf: any) => (tf.resource.null_resource = { x: {} }), /\/resource\/null_resource: only aws_\* resources/],
  ["a provisioner", (tf: any) => (tf.resource.terraform_data.x = { provisioner: [{ "local-exec": { command: "env" } }] }), /\/resource\/terraform_data\/x\/provisioner: provisioners run commands/],
  ["a module (remote code)", (tf: any) => (tf.module = { m: { source: "github.com/x/y" } }), /\/module: block not allowed/],
  ["file() reading the runner's environment", (tf: any) => (tf.output.leak = { value: '${file("/proc/self/environ")}' }), /\/output\/leak\/value: function file\(\) not allowed/],
  ["templatefile() in a local", (tf: any) => (tf.locals = { t: '${templatefile("/etc/passwd", {})}' }), /function templatefile\(\) not allowed/],
  ["nonsensitive() printing a secret", (tf: any) => (tf.output.s = { value: "${nonsensitive(aws_db_instance.database_instance.password)}" }), /function nonsensitive\(\) not allowed/],
  ["a function nested in a quoted template", (tf: any) => (tf.output.n = { value: '${jsonencode({"a" = "${file("/x")}"})}' }), /function file\(\) not allowed/],
  ["a provider endpoint (requests, and the session token, sent elsewhere)", (tf: any) => (tf.provider.aws[0].endpoints = [{ sts: "https://example.com" }]), /\/provider\/aws\/0\/endpoints: provider argument not allowed/],
  ["another provider block", (tf: any) => (tf.provider.http = [{}]), /\/provider\/http: only the aws provider/],
  ["another state bucket", (tf: any) => (tf.terraform.backend.s3.bucket = "attacker-bucket"), /\/terraform\/backend: must be the base branch's/],
  ["a backend endpoint", (tf: any) => (tf.terraform.backend.s3.endpoints = { s3: "https://example.com" }), /\/terraform\/backend: must be the base branch's/],
  ["another provider version", (tf: any) => (tf.terraform.required_providers.aws.version = "5.0.0"), /\/terraform\/required_providers: must be the base branch's/],
  ["Terraform Cloud settings", (tf: any) => (tf.terraform.cloud = { organization: "x" }), /\/terraform\/cloud: setting not allowed/],
  // Tagged dev, prod would be judged with dev's suppressions (cost switches accepted) and without production-only rules.
  ["prod's provider tagged as another environment", (tf: any) => (tf.provider.aws[0].default_tags[0].tags.Environment = "dev"), /\/provider\/aws\/default_tags\/Environment: must be "prod", got "dev"/],
  ["prod's provider without its Environment tag", (tf: any) => delete tf.provider.aws[0].default_tags, /\/provider\/aws\/default_tags\/Environment: must be "prod", got undefined/],
])("refuses %s", (_, change, problem) => {
  expect(vetChanged(change)).toEqual(expect.arrayContaining([expect.stringMatching(problem)]));
});

test("refuses a repeated key, which JSON.parse would hide and Terraform would read as a second block", () => {
  const text = committed["medicare-hub-prod"].replace(/^\{/, '{"data": {"external": {"x": {"program": ["env"]}}},');
  expect(JSON.parse(text).data.external).toBeUndefined();
  expect(vetStackJson(text, prod())).toEqual(expect.arrayContaining([expect.stringMatching(/^\/data: key repeated in one object/)]));
});

test("reads function calls only where Terraform evaluates them", () => {
  expect(functionsCalled("health check (1 = healthy)")).toEqual([]);
  expect(functionsCalled('${jsonencode({"title" = "health check (1 = healthy)"})}')).toEqual(["jsonencode"]);
  expect(functionsCalled("$${file(\"x\")} and %%{if x}")).toEqual([]);
  expect(functionsCalled('pre ${lower(upper("a"))} %{ if length(x) > 0 }y%{ endif }')).toEqual(["lower", "upper", "length"]);
  expect(functionsCalled('${"a \\" ${file("x")}"}')).toEqual(["file"]);
  expect(functionsCalled("${provider::aws::arn_parse(x)}")).toEqual(["provider::aws::arn_parse"]);
});

describe("the command the vet job runs", () => {
  const run = (args: string[]): Promise<{ code: number; stderr: string }> =>
    new Promise((done) =>
      execFile(process.execPath, ["--require", "tsx/cjs", "tools/ci-plan-input.ts", ...args], { cwd: ROOT, timeout: 60_000 }, (error, _stdout, stderr) =>
        done({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stderr }),
      ),
    );

  test("copies the vetted JSON byte for byte, with the base branch's guardrail report, and nothing else", async () => {
    const out = mkdtempSync(join(tmpdir(), "medicare-hub-vetted-"));
    expect((await run([stacksDir, "--out", out])).code).toBe(0);
    for (const e of expected) expect(readFileSync(join(out, e.stackId, "cdk.tf.json"), "utf8")).toBe(committed[e.stackId]);
    expect(readFileSync(join(out, "policy-report.md"), "utf8")).toContain("| rule | severity | medicare-hub-dev | medicare-hub-prod |");
    expect(existsSync(join(out, "medicare-hub-state"))).toBe(false);
  }, 60_000);

  test("refuses with exit 1, naming the problem, and writes nothing", async () => {
    const input = mkdtempSync(join(tmpdir(), "medicare-hub-pr-synth-"));
    for (const e of expected) {
      mkdirSync(join(input, e.stackId));
      const tf = JSON.parse(committed[e.stackId]);
      if (e.stackId === "medicare-hub-dev") tf.data.external = { x: { program: ["env"] } };
      writeFileSync(join(input, e.stackId, "cdk.tf.json"), JSON.stringify(tf));
    }
    const out = join(input, "out");
    const result = await run([input, "--out", out]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("medicare-hub-dev/data/external: data source not allowed");
    expect(existsSync(out)).toBe(false);
  }, 60_000);
});
