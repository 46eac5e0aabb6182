/**
 * The synthesized stacks read as AWS will see them: every resource with the account and region its provider creates
 * it in, every `${...}` reference replaced by the value `references.ts` derives, and every `aws_iam_policy_document`
 * rendered the way the provider renders its `json`.
 */
import type { TerraformJson } from "../support/synth";
import { resolveAttribute } from "./references";

export interface PolicyDocument {
  readonly Version: string;
  readonly Id?: string;
  readonly Statement: readonly Record<string, any>[];
}

export interface NamedPolicy {
  readonly name: string;
  readonly policy: PolicyDocument;
}

/** A resource as synthesized, with the account and region its provider creates it in. */
export interface Located {
  readonly stackId: string;
  readonly type: string;
  readonly name: string;
  readonly address: string;
  readonly values: Record<string, any>;
  readonly account: string;
  readonly region: string;
}

const STATEMENT_KEYS = new Set(["sid", "effect", "actions", "not_actions", "resources", "not_resources", "principals", "not_principals", "condition"]);
const DOCUMENT_KEYS = new Set(["//", "statement", "provider", "version", "policy_id"]);
const REFERENCE = /\$\{([^}]*)\}/g;

export class RenderedStacks {
  private readonly accounts: Record<string, { main: string; byAlias: Record<string, string> }> = {};
  private readonly regions: Record<string, { main: string; byAlias: Record<string, string> }> = {};
  private readonly rendered = new Map<string, PolicyDocument>();

  constructor(readonly stacks: Readonly<Record<string, TerraformJson>>) {
    for (const [stackId, tf] of Object.entries(stacks)) {
      const providers = tf.provider?.aws ?? [];
      const alias = (p: any) => p.alias ?? "";
      this.regions[stackId] = { main: "", byAlias: Object.fromEntries(providers.map((p) => [alias(p), p.region])) };
      this.regions[stackId].main = this.regions[stackId].byAlias[""];
      this.accounts[stackId] = { main: "", byAlias: Object.fromEntries(providers.map((p) => [alias(p), p.allowed_account_ids?.[0] ?? ""])) };
      this.accounts[stackId].main = this.accounts[stackId].byAlias[""];
    }
    // A stack whose provider names no account (the state backend is created once per account) lives in the one
    // account every other stack names; with several, nothing says which, and the render refuses.
    const named = [...new Set(Object.values(this.accounts).flatMap((a) => Object.values(a.byAlias)).filter(Boolean))];
    for (const account of Object.values(this.accounts)) {
      for (const key of Object.keys(account.byAlias)) {
        if (account.byAlias[key]) continue;
        if (named.length !== 1) throw new Error(`a provider without allowed_account_ids, and ${named.length} accounts named elsewhere (${named.join(", ")}): set allowed_account_ids`);
        account.byAlias[key] = named[0];
      }
      account.main = account.byAlias[""];
    }
  }

  stackIds(): string[] {
    return Object.keys(this.stacks);
  }

  /** Account of the stack's default provider. */
  account(stackId: string): string {
    return this.need(this.accounts[stackId]?.main, `no account for ${stackId}`);
  }

  region(stackId: string): string {
    return this.need(this.regions[stackId]?.main, `no region for ${stackId}`);
  }

  /** Every resource of `type` in the stack, with its provider's account and region. */
  resources(stackId: string, type: string): Located[] {
    return Object.entries(this.stacks[stackId]?.resource?.[type] ?? {}).map(([name, values]) => this.locate(stackId, type, name, values));
  }

  /** The resource of `type` named `name`; fails with what exists instead. */
  resource(stackId: string, type: string, name: string): Located {
    const values = this.stacks[stackId]?.resource?.[type]?.[name];
    if (!values) throw new Error(`${stackId}: no ${type}.${name}; have ${Object.keys(this.stacks[stackId]?.resource?.[type] ?? {}).join(", ") || "none"}`);
    return this.locate(stackId, type, name, values);
  }

  /** The resource a `${type.name.attribute}` value points at, or undefined for anything else. */
  referenced(stackId: string, value: unknown, type?: string): Located | undefined {
    const match = typeof value === "string" ? /^\$\{([a-z0-9_]+)\.([\w-]+)\.[\w.[\]]+\}$/.exec(value) : null;
    if (!match || (type && match[1] !== type)) return undefined;
    const values = this.stacks[stackId]?.resource?.[match[1]]?.[match[2]];
    return values ? this.locate(stackId, match[1], match[2], values) : undefined;
  }

  /** Like `referenced`, failing when `value` is not a reference to a `type`. */
  follow(stackId: string, value: unknown, type: string): Located {
    const found = this.referenced(stackId, value, type);
    if (!found) throw new Error(`${stackId}: expected a reference to a ${type}, got ${JSON.stringify(value)}`);
    return found;
  }

  /** An attribute of a resource, rendered as AWS would report it (`arn`, `name`, `id`, ...). */
  attribute(resource: Located, attributePath: string): string {
    return resolveAttribute(resource.type, attributePath, this.context(resource.stackId, resource.name, resource.values, resource.type));
  }

  /** A string with every `${...}` interpolation replaced; `where` names the string in errors. */
  substitute(stackId: string, text: string, where: string): string {
    return text.replace(REFERENCE, (_, expression: string) => {
      // element(split("<sep>", <reference>), <n>): the one function the stacks apply to a reference in a name.
      const split = /^element\(split\("(.)", ([^)]+)\), (\d+)\)$/.exec(expression);
      if (split) return this.substitute(stackId, `\${${split[2]}}`, where).split(split[1])[Number(split[3])];
      const match = /^((?:data\.)?[a-z0-9_]+)\.([\w-]+)\.([\w.[\]]+)$/.exec(expression);
      if (!match) throw new Error(`${stackId} ${where}: cannot render \${${expression}}: only resource and data-source attributes are supported`);
      const [, type, name, attributePath] = match;
      if (type === "data.aws_iam_policy_document") throw new Error(`${stackId} ${where}: a policy document embedded in a string (\${${expression}})`);
      const isData = type.startsWith("data.");
      const values = isData ? this.stacks[stackId]?.data?.[type.slice(5)]?.[name] : this.stacks[stackId]?.resource?.[type]?.[name];
      if (!values) throw new Error(`${stackId} ${where}: \${${expression}} points at nothing in the stack`);
      return resolveAttribute(type, attributePath, this.context(stackId, name, values, type));
    });
  }

  /** A policy as Terraform sends it to AWS: a `${data.aws_iam_policy_document.X.json}` reference or literal JSON. */
  policy(stackId: string, value: unknown, where: string): PolicyDocument {
    const documentRef = typeof value === "string" ? /^\$\{data\.aws_iam_policy_document\.([\w-]+)\.json\}$/.exec(value) : null;
    if (documentRef) return this.document(stackId, documentRef[1]);
    if (typeof value !== "string") throw new Error(`${stackId} ${where}: policy is ${JSON.stringify(value)}, not a policy document`);
    let parsed: unknown;
    try {
      parsed = JSON.parse(value);
    } catch {
      throw new Error(`${stackId} ${where}: policy is neither a policy-document reference nor JSON: ${value.slice(0, 120)}`);
    }
    return JSON.parse(this.substitute(stackId, JSON.stringify(parsed), where)) as PolicyDocument;
  }

  /** `data.aws_iam_policy_document.<name>` rendered the way the provider renders its `json`. */
  document(stackId: string, name: string): PolicyDocument {
    const cacheKey = `${stackId}/${name}`;
    const cached = this.rendered.get(cacheKey);
    if (cached) return cached;
    const where = `data.aws_iam_policy_document.${name}`;
    const data = this.stacks[stackId]?.data?.aws_iam_policy_document?.[name];
    if (!data) throw new Error(`${stackId}: no ${where}`);
    const unsupported = Object.keys(data).filter((k) => !DOCUMENT_KEYS.has(k));
    if (unsupported.length) throw new Error(`${stackId} ${where}: cannot render ${unsupported.join(", ")}`);
    const statements = (data.statement ?? []).map((s: Record<string, any>, i: number) => this.statement(stackId, s, `${where} statement ${i}`));
    const document: PolicyDocument = { Version: data.version ?? "2012-10-17", ...(data.policy_id ? { Id: data.policy_id } : {}), Statement: statements };
    this.rendered.set(cacheKey, document);
    return document;
  }

  /** Every resource of `type` in every stack. */
  all(type: string): Located[] {
    return this.stackIds().flatMap((stackId) => this.resources(stackId, type));
  }

  // ---------------------------------------------------------------------------------------------------------------

  private statement(stackId: string, s: Record<string, any>, where: string): Record<string, any> {
    const unsupported = Object.keys(s).filter((k) => !STATEMENT_KEYS.has(k));
    if (unsupported.length) throw new Error(`${stackId} ${where}: cannot render ${unsupported.join(", ")}`);
    const text = (v: unknown) => this.substitute(stackId, String(v), where);
    const list = (v: unknown) => (Array.isArray(v) ? v : [v]).map(text);
    const out: Record<string, any> = {};
    if (s.sid) out.Sid = s.sid;
    out.Effect = s.effect ?? "Allow";
    if (s.actions) out.Action = list(s.actions);
    if (s.not_actions) out.NotAction = list(s.not_actions);
    if (s.resources) out.Resource = list(s.resources);
    if (s.not_resources) out.NotResource = list(s.not_resources);
    if (s.principals) out.Principal = this.principals(s.principals, text, where);
    if (s.not_principals) out.NotPrincipal = this.principals(s.not_principals, text, where);
    if (s.condition) {
      const condition: Record<string, Record<string, string[]>> = {};
      for (const c of s.condition as { test: string; variable: string; values: unknown[] }[]) {
        condition[c.test] ??= {};
        if (condition[c.test][c.variable]) throw new Error(`${stackId} ${where}: two ${c.test} conditions on ${c.variable}`);
        condition[c.test][c.variable] = list(c.values);
      }
      out.Condition = condition;
    }
    return out;
  }

  private principals(blocks: { type: string; identifiers: unknown[] }[], text: (v: unknown) => string, where: string): unknown {
    if (blocks.length === 1 && blocks[0].type === "*") {
      if (blocks[0].identifiers.length !== 1 || blocks[0].identifiers[0] !== "*") throw new Error(`${where}: principal type "*" with identifiers other than "*"`);
      return "*";
    }
    const out: Record<string, string[]> = {};
    for (const block of blocks) (out[block.type] ??= []).push(...block.identifiers.map(text));
    return out;
  }

  private locate(stackId: string, type: string, name: string, values: Record<string, any>): Located {
    const alias = typeof values.provider === "string" ? values.provider.replace(/^aws\.?/, "") : "";
    const region = this.need(this.regions[stackId]?.byAlias[alias], `${stackId}: ${type}.${name} uses provider "${values.provider}", which has no region`);
    const account = this.need(this.accounts[stackId]?.byAlias[alias], `${stackId}: no account for provider "${values.provider}"`);
    return { stackId, type, name, address: `${type}.${name}`, values, account, region };
  }

  private context(stackId: string, name: string, values: Record<string, any>, type: string) {
    const located = this.locate(stackId, type, name, values);
    return { stackId, name, values, account: located.account, region: located.region, render: (text: string) => this.substitute(stackId, text, `${type}.${name}`) };
  }

  private need(value: string | undefined, message: string): string {
    if (!value) throw new Error(message);
    return value;
  }
}
