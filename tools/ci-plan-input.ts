/**
 * Vets a pull request's synthesized Terraform before a job with AWS credentials plans it. It runs from the BASE
 * branch's checkout (the pull request's own tools could say anything), on JSON the pull request's code wrote.
 *
 * `terraform plan` of a configuration runs that configuration: providers it names are downloaded and executed, data
 * sources are read, functions like `file()` read the runner's disk (`/proc/self/environ` holds the AWS credentials).
 * So a configuration is planned only when it can do no more than the project's own: the AWS provider at the base
 * branch's version, the base branch's backend block, no provisioners, data sources and functions from short allow
 * lists, and every JSON key unique (Terraform reads a repeated block key as a second block; JSON.parse keeps one).
 * A refusal names what to change; widening a list is a change to this file, reviewed on its own.
 *
 * Usage: node --require tsx/cjs tools/ci-plan-input.ts <stacks-dir> --out <dir>
 *   <stacks-dir>/<stack>/cdk.tf.json   the pull request's synth (cdktf.out/stacks), for every environment stack
 *   <dir>/<stack>/cdk.tf.json          the same bytes, written only when vetted; nothing else of the input is copied
 *   <dir>/policy-report.md             the base branch's guardrails on the pull request's stacks
 * Exit code: 0 vetted and guardrails pass; 1 a refusal or a guardrail failure (each printed); 2 usage.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App, TerraformStack } from "cdktf";
import { parseTree, type Node } from "jsonc-parser";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { loadConfig } from "../config/load";
import { evaluateStack, type PolicyResult } from "../constructs/policy/evaluate";
import { StackView } from "../constructs/policy/stack-view";
import { SUPPRESSIONS } from "../constructs/policy/suppressions";
import { useStateBackend } from "../terraform-state-backend/backend";
import { UsageError, exitOnConfigError, flag, runCommand, type CommandLine } from "./cli";
import { exitCode, reportMarkdown } from "./policy";

/** Top-level blocks cdktf writes, plus the ones that only rename or adopt resources. */
const ALLOWED_BLOCKS = new Set(["//", "terraform", "provider", "resource", "data", "output", "locals", "variable", "moved", "import", "removed"]);
const ALLOWED_TERRAFORM_SETTINGS = new Set(["//", "required_version", "required_providers", "backend"]);
/** Provider arguments that cannot redirect requests (endpoints, proxies, CA bundles) or change credentials. */
const ALLOWED_PROVIDER_ARGUMENTS = new Set(["//", "region", "alias", "allowed_account_ids", "default_tags"]);
/** Data sources whose read is local or a metadata call; none reads an object, a secret or a parameter. */
export const ALLOWED_DATA_SOURCES = new Set(["aws_iam_policy_document", "aws_partition", "aws_elb_service_account", "aws_caller_identity", "aws_region", "aws_availability_zones"]);
/**
 * Terraform's pure functions. Left out: every filesystem function (file, fileset, templatefile, filebase64, the
 * file hashes, abspath, dirname, basename, pathexpand), templatestring, and nonsensitive (it would print a secret in
 * a log every reader of the repository can open).
 */
export const ALLOWED_FUNCTIONS = new Set(
  (
    "abs ceil floor log max min parseint pow signum chomp endswith format formatlist indent join lower regex regexall replace split startswith " +
    "strcontains strrev substr title trim trimprefix trimsuffix trimspace upper alltrue anytrue chunklist coalesce coalescelist compact concat " +
    "contains distinct element flatten index keys length lookup matchkeys merge one range reverse setintersection setproduct setsubtract " +
    "setunion slice sort sum transpose values zipmap base64decode base64encode base64gzip csvdecode jsondecode jsonencode textdecodebase64 " +
    "textencodebase64 urlencode yamldecode yamlencode formatdate plantimestamp timeadd timecmp timestamp base64sha256 base64sha512 md5 sha1 " +
    "sha256 sha512 uuidv5 cidrhost cidrnetmask cidrsubnet cidrsubnets can sensitive tobool tolist tomap tonumber toset tostring try type"
  ).split(" "),
);

export interface ExpectedStack {
  readonly stackId: string;
  /**
   * The environment the base branch deploys this stack as. The guardrails choose suppressions and production-only
   * rules by the provider's Environment tag, which the pull request writes: it must be this.
   */
  readonly environment: string;
  /** The `terraform.backend` object the base branch writes for this stack. */
  readonly backend: unknown;
  /** The `terraform.required_providers` object the base branch writes. */
  readonly requiredProviders: unknown;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const same = (a: unknown, b: unknown) => JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (isObject(v)) return Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical(v[k])]));
  return v;
}

/** Keys repeated within one JSON object, with their path: Terraform would read each as a block of its own. */
export function duplicateKeys(text: string): string[] {
  const found: string[] = [];
  const walk = (node: Node | undefined, path: string) => {
    if (!node) return;
    if (node.type === "object") {
      const seen = new Set<string>();
      for (const property of node.children ?? []) {
        const key = String(property.children?.[0]?.value);
        if (seen.has(key)) found.push(`${path}/${key}`);
        seen.add(key);
        walk(property.children?.[1], `${path}/${key}`);
      }
    } else if (node.type === "array") (node.children ?? []).forEach((child, i) => walk(child, `${path}/${i}`));
  };
  walk(parseTree(text), "");
  return found;
}

/** Every string of the document, keys included, with where it is. */
function strings(value: unknown, path: string, out: { path: string; text: string }[] = []): { path: string; text: string }[] {
  if (typeof value === "string") out.push({ path, text: value });
  else if (Array.isArray(value)) value.forEach((v, i) => strings(v, `${path}/${i}`, out));
  else if (isObject(value)) {
    for (const [k, v] of Object.entries(value)) {
      out.push({ path, text: k });
      strings(v, `${path}/${k}`, out);
    }
  }
  return out;
}

/** Keys named `key` anywhere below `value`. */
function keysNamed(value: unknown, key: string, path: string, out: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((v, i) => keysNamed(v, key, `${path}/${i}`, out));
  else if (isObject(value)) {
    for (const [k, v] of Object.entries(value)) {
      if (k === key) out.push(`${path}/${k}`);
      keysNamed(v, key, `${path}/${k}`, out);
    }
  }
  return out;
}

/**
 * Function names a template string calls: every `name(` inside its `${...}` and `%{...}` sequences, outside the
 * quoted strings there (whose own templates are scanned in turn). `$${` and `%%{` are literal text.
 */
export function functionsCalled(text: string): string[] {
  const found: string[] = [];
  const expression = (start: number): number => {
    let depth = 0;
    let i = start;
    while (i < text.length) {
      const c = text[i];
      if (c === '"') i = quoted(i + 1);
      else if (c === "{") {
        depth++;
        i++;
      } else if (c === "}") {
        if (depth === 0) return i + 1;
        depth--;
        i++;
      } else if (/[A-Za-z_]/.test(c)) {
        const name = /^[A-Za-z_][A-Za-z0-9_-]*(?:::[A-Za-z0-9_-]+)*/.exec(text.slice(i))?.[0] ?? c;
        i += name.length;
        if (/^\s*\(/.test(text.slice(i))) found.push(name);
      } else i++;
    }
    return i;
  };
  const quoted = (start: number): number => {
    let i = start;
    while (i < text.length && text[i] !== '"') {
      if (text[i] === "\\") i += 2;
      else if (text.startsWith("$${", i) || text.startsWith("%%{", i)) i += 3;
      else if (text.startsWith("${", i) || text.startsWith("%{", i)) i = expression(i + 2);
      else i++;
    }
    return i + 1;
  };
  for (let i = 0; i < text.length; ) {
    if (text.startsWith("$${", i) || text.startsWith("%%{", i)) i += 3;
    else if (text.startsWith("${", i) || text.startsWith("%{", i)) i = expression(i + 2);
    else i++;
  }
  return found;
}

/** Why `text` (one stack's cdk.tf.json) must not be planned with credentials; empty when it may. */
export function vetStackJson(text: string, expected: ExpectedStack): string[] {
  const problems: string[] = [];
  let tf: unknown;
  try {
    tf = JSON.parse(text);
  } catch (error) {
    return [`not JSON: ${(error as Error).message}`];
  }
  if (!isObject(tf)) return ["not a JSON object"];
  for (const path of duplicateKeys(text)) problems.push(`${path}: key repeated in one object (Terraform would read both)`);
  for (const block of Object.keys(tf)) if (!ALLOWED_BLOCKS.has(block)) problems.push(`/${block}: block not allowed (allowed: ${[...ALLOWED_BLOCKS].join(", ")})`);

  const settings = isObject(tf.terraform) ? tf.terraform : {};
  for (const key of Object.keys(settings)) if (!ALLOWED_TERRAFORM_SETTINGS.has(key)) problems.push(`/terraform/${key}: setting not allowed`);
  if (!same(settings.backend, expected.backend)) problems.push(`/terraform/backend: must be the base branch's ${JSON.stringify(expected.backend)}`);
  if (!same(settings.required_providers, expected.requiredProviders)) problems.push(`/terraform/required_providers: must be the base branch's ${JSON.stringify(expected.requiredProviders)}`);

  const providers = isObject(tf.provider) ? tf.provider : {};
  for (const [name, configs] of Object.entries(providers)) {
    if (name !== "aws") problems.push(`/provider/${name}: only the aws provider is planned`);
    for (const [i, config] of (Array.isArray(configs) ? configs : [configs]).entries()) {
      for (const key of Object.keys(isObject(config) ? config : {})) if (!ALLOWED_PROVIDER_ARGUMENTS.has(key)) problems.push(`/provider/${name}/${i}/${key}: provider argument not allowed`);
    }
  }
  const defaultProvider = (Array.isArray(providers.aws) ? providers.aws : [providers.aws]).find((config) => isObject(config) && config.alias === undefined);
  const tags = isObject(defaultProvider) && Array.isArray(defaultProvider.default_tags) && isObject(defaultProvider.default_tags[0]) ? defaultProvider.default_tags[0].tags : undefined;
  const tagged = isObject(tags) ? tags.Environment : undefined;
  if (tagged !== expected.environment) {
    problems.push(
      `/provider/aws/default_tags/Environment: must be "${expected.environment}", got ${JSON.stringify(tagged)} (the guardrails choose suppressions and production-only rules by it)`,
    );
  }
  for (const type of Object.keys(isObject(tf.resource) ? tf.resource : {})) {
    if (!type.startsWith("aws_") && type !== "terraform_data") problems.push(`/resource/${type}: only aws_* resources and terraform_data (another provider would be downloaded and run)`);
  }
  for (const type of Object.keys(isObject(tf.data) ? tf.data : {})) {
    if (!ALLOWED_DATA_SOURCES.has(type)) problems.push(`/data/${type}: data source not allowed (allowed: ${[...ALLOWED_DATA_SOURCES].join(", ")})`);
  }
  for (const key of ["provisioner", "connection"]) for (const path of keysNamed(tf, key, "")) problems.push(`${path}: provisioners run commands`);
  for (const { path, text: s } of strings(tf, "")) {
    for (const fn of new Set(functionsCalled(s))) if (!ALLOWED_FUNCTIONS.has(fn)) problems.push(`${path || "/"}: function ${fn}() not allowed`);
  }
  return problems;
}

// ------------------------------------------------------------------------------------------------------------------
// Command line

/** What the base branch writes for each environment stack: its backend block and provider requirements. */
export function expectedStacks(): ExpectedStack[] {
  const config = loadConfig();
  const outdir = mkdtempSync(join(tmpdir(), "medicare-hub-vet-"));
  try {
    return Object.keys(config.environments).map((environment) => {
      const stack = new TerraformStack(new App({ outdir }), `medicare-hub-${environment}`);
      new AwsProvider(stack, "aws", { region: config.stateBackend.region });
      useStateBackend(stack, config.stateBackend, environment);
      const terraform = (stack.toTerraform() as { terraform: Record<string, unknown> }).terraform;
      // MediCareStack spells the registry address out; the version is the base branch's provider package's.
      const aws = (terraform.required_providers as { aws: { version: string } }).aws;
      return { stackId: `medicare-hub-${environment}`, environment, backend: terraform.backend, requiredProviders: { aws: { source: "hashicorp/aws", version: aws.version } } };
    });
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

const USAGE = "npm run ci:vet -- <stacks-dir> --out <dir>   (the pull request's cdktf.out/stacks; writes the vetted stacks and policy-report.md)";

function main(line: CommandLine): Promise<number> {
  const [input] = line.positionals;
  const out = flag(line, "out");
  if (!out) throw new UsageError(`--out is required: where the vetted stacks go\nusage: ${USAGE}`);
  return exitOnConfigError(() => {
    const vetted: { stackId: string; text: string }[] = [];
    let refused = false;
    for (const expected of expectedStacks()) {
      const file = join(input, expected.stackId, "cdk.tf.json");
      let text: string;
      try {
        text = readFileSync(file, "utf8");
      } catch {
        console.error(`${file}: missing (the pull request's synth must write every environment stack)`);
        refused = true;
        continue;
      }
      const problems = vetStackJson(text, expected);
      for (const problem of problems) console.error(`${expected.stackId}${problem}`);
      refused ||= problems.length > 0;
      vetted.push({ stackId: expected.stackId, text });
    }
    // All or nothing: a partly vetted output must not look like a plannable one.
    if (refused) {
      console.error('refused: nothing of this pull request is planned with credentials (docs/ci.md, "What a plan may run")');
      return 1;
    }
    const results: PolicyResult[] = [];
    for (const { stackId, text } of vetted) {
      mkdirSync(join(out, stackId), { recursive: true });
      writeFileSync(join(out, stackId, "cdk.tf.json"), text);
      const view = new StackView(stackId, JSON.parse(text));
      results.push(evaluateStack(view, SUPPRESSIONS[view.environment] ?? []));
    }
    writeFileSync(join(out, "policy-report.md"), reportMarkdown(results));
    console.log(`vetted ${results.map((r) => r.stackId).join(", ")} into ${out}`);
    return exitCode(results);
  });
}

if (require.main === module) runCommand({ usage: USAGE, options: { out: { type: "string" } }, positionals: { min: 1, max: 1 } }, main);
