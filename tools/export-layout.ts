/**
 * How an exported stack is laid out in files by concern, the way terraform-aws-modules and HashiCorp's style guide lay
 * out a root module: `versions.tf` (the terraform block), `providers.tf`, `outputs.tf`, one file per layer and
 * `main.tf` for what the stack declares outside any layer.
 *
 * A layer is a top-level construct of the stack, read from each element's construct path in the synthesized JSON
 * (`//.metadata.path`, e.g. `medicare-hub-prod/network/vpc` → `network.tf`); nothing lists addresses by hand. The HCL
 * is cdktf's rendering (with the repairs of constructs/hcl-fixups.ts), split into its top-level blocks by
 * hcl-blocks.ts and placed block by block, unchanged. Every element of the JSON must land in exactly one file and
 * nothing else may: anything else is an error, never a silently smaller folder.
 */
import { layerOfConstructPath } from "../constructs/policy/stack-view";
import { EXPORT_FILES, EXPORT_LAYERS, type ExportFileEntry } from "./data/export-layers";
import { blockBody, literalString, splitHcl, type HclBlock } from "./hcl-blocks";

/** Where elements declared directly by the stack (not by a layer) go: `main.tf`. */
export const ROOT_LAYER = "main";
const FIXED_FILES = new Set(Object.keys(EXPORT_FILES));

type Elements = Record<string, Record<string, { readonly "//"?: { readonly metadata?: { readonly path?: string } }; readonly provider?: string }>>;

/** A provider configuration as synthesized. */
export interface ProviderJson {
  readonly alias?: string;
  readonly region?: string;
  readonly allowed_account_ids?: string[];
  readonly [attribute: string]: unknown;
}

/** The parts of a synthesized stack (cdk.tf.json) the layout and the README read. */
export interface StackJson {
  readonly terraform?: {
    readonly required_version?: string;
    readonly required_providers?: Record<string, { readonly source?: string; readonly version?: string }>;
    readonly backend?: Record<string, Record<string, unknown>>;
  };
  readonly provider?: Record<string, ProviderJson[]>;
  readonly resource?: Elements;
  readonly data?: Elements;
  readonly locals?: Record<string, unknown>;
  readonly output?: Record<string, { readonly description?: string; readonly sensitive?: boolean }>;
}

/** One file of an exported folder. */
export interface ExportFile {
  /** `versions`, `providers`, `outputs`, `main` or a layer id. */
  readonly id: string;
  /** `network.tf`. */
  readonly name: string;
  /** Its header's source; undefined for a layer without an entry in tools/data/export-layers.ts. */
  readonly entry?: ExportFileEntry;
  /** The addresses of what it declares, in file order (see {@link elementFiles} for the notation). */
  readonly addresses: readonly string[];
  readonly content: string;
}

/** The layer of a construct path: its top-level construct below the stack, or {@link ROOT_LAYER} for the stack's own. */
export function layerOfPath(stack: string, path: string): string {
  const layer = path.split("/")[0] === stack ? layerOfConstructPath(path) : undefined;
  if (layer === undefined) throw new Error(`construct path "${path}" is not below the stack ${stack}`);
  // By depth, not by name: a construct named like a reserved file ("main", "outputs") is refused by ownLayer, not
  // mistaken for the stack's own elements.
  return path.split("/").length === 2 ? ROOT_LAYER : ownLayer(layer, stack);
}

/**
 * The layer of a local value. The JSON records no construct path for locals, but MediCareStack names every element
 * by its construct path below the stack joined with `_`, a construct's `default` child taking the construct's name
 * (kebab-case ids never contain `_`; base-stack.ts). So a name with `_` starts with its layer; a name without is a
 * layer's default child when `layers` (those of the elements with a path) has it, else the stack's own. A test checks
 * this inverse against the path of every resource and data source.
 */
export function layerOfName(name: string, layers: ReadonlySet<string>): string {
  const underscore = name.indexOf("_");
  if (underscore > 0) return ownLayer(name.slice(0, underscore));
  return layers.has(name) ? name : ROOT_LAYER;
}

/** A layer (a construct with children) named like a file every folder has would share that file. */
function ownLayer(id: string, stack?: string): string {
  if (FIXED_FILES.has(id)) throw new Error(`${stack ? `${stack}: ` : ""}a layer named "${id}" would share ${id}.tf with the stack's own ${id}: rename the construct`);
  return id;
}

/**
 * Every element of a synthesized stack and the file it belongs in, by address: `terraform`, `provider.aws`,
 * `provider.aws.<alias>`, `<type>.<name>`, `data.<type>.<name>`, `local.<name>`, `output.<name>`.
 */
export function elementFiles(stack: string, tf: StackJson): Map<string, string> {
  const files = new Map<string, string>();
  if (tf.terraform) files.set("terraform", "versions");
  for (const [name, configs] of Object.entries(tf.provider ?? {})) {
    for (const config of configs) files.set(providerAddress(name, config.alias), "providers");
  }
  for (const [prefix, elements] of [["", tf.resource], ["data.", tf.data]] as const) {
    for (const [type, byName] of Object.entries(elements ?? {})) {
      for (const [name, element] of Object.entries(byName)) {
        const path = element["//"]?.metadata?.path;
        if (!path) throw new Error(`${prefix}${type}.${name} has no construct path (//.metadata.path) in the synthesized JSON`);
        files.set(`${prefix}${type}.${name}`, layerOfPath(stack, path));
      }
    }
  }
  const layers = new Set([...files.values()].filter((id) => id !== "versions" && id !== "providers"));
  for (const name of Object.keys(tf.locals ?? {})) files.set(`local.${name}`, layerOfName(name, layers));
  for (const name of Object.keys(tf.output ?? {})) files.set(`output.${name}`, "outputs");
  return files;
}

/** Lays a stack's HCL out in files by concern. Throws when the HCL and the JSON do not declare the same elements. */
export function layoutStack(stack: string, hcl: string, tf: StackJson): ExportFile[] {
  const expected = elementFiles(stack, tf);
  const placed = new Map<string, { blocks: string[]; locals: string[]; addresses: string[] }>();
  const seen = new Set<string>();
  const put = (address: string, text: string, isLocal = false) => {
    const id = expected.get(address);
    if (id === undefined) throw new Error(`${stack}: the HCL declares ${address}, which the synthesized JSON does not`);
    if (seen.has(address)) throw new Error(`${stack}: the HCL declares ${address} twice`);
    seen.add(address);
    const file = placed.get(id) ?? { blocks: [], locals: [], addresses: [] };
    placed.set(id, file);
    file.addresses.push(address);
    (isLocal ? file.locals : file.blocks).push(text);
  };

  for (const item of splitHcl(hcl)) {
    if (item.kind !== "block") throw new Error(`${stack}: HCL line ${item.line}: a top-level ${item.kind} where only blocks are expected`);
    const [first, second] = item.labels;
    switch (item.type) {
      case "terraform":
        put("terraform", withoutTrailingBlankLines(item.text));
        break;
      case "provider":
        put(providerAddress(first, providerAlias(item)), item.text);
        break;
      case "resource":
        put(`${first}.${second}`, item.text);
        break;
      case "data":
        put(`data.${first}.${second}`, item.text);
        break;
      case "output":
        put(`output.${first}`, item.text);
        break;
      case "locals":
        for (const local of blockBody(item)) {
          if (local.kind !== "attribute") throw new Error(`${stack}: HCL line ${local.line}: a ${local.kind} inside locals`);
          put(`local.${local.name}`, `  ${local.text}`, true);
        }
        break;
      default:
        throw new Error(`${stack}: HCL line ${item.line}: the export does not place ${item.type} blocks yet (tools/export-layout.ts)`);
    }
  }
  const missing = [...expected.keys()].filter((address) => !seen.has(address));
  if (missing.length > 0) throw new Error(`${stack}: the HCL lacks ${missing.length} element(s) of the synthesized JSON: ${missing.join(", ")}`);

  const layers = [...placed.keys()].filter((id) => !FIXED_FILES.has(id));
  const order = ["versions", "providers", ...(placed.has(ROOT_LAYER) ? [ROOT_LAYER] : []), ...layers, "outputs"].filter((id) => placed.has(id));
  return order.map((id) => {
    const { blocks, locals, addresses } = placed.get(id) as { blocks: string[]; locals: string[]; addresses: string[] };
    const entry = fileEntry(id);
    const body = [...(locals.length > 0 ? [`locals {\n${locals.join("\n")}\n}`] : []), ...blocks];
    return { id, name: `${id}.tf`, entry, addresses, content: `${fileHeader(stack, id, entry)}\n\n${body.join("\n\n")}\n` };
  });
}

/** The entry a file's header is written from. */
export function fileEntry(id: string): ExportFileEntry | undefined {
  return FIXED_FILES.has(id) ? EXPORT_FILES[id as keyof typeof EXPORT_FILES] : Object.hasOwn(EXPORT_LAYERS, id) ? EXPORT_LAYERS[id] : undefined;
}

/** The comment every file starts with: what it holds, and which document explains it. */
export function fileHeader(stack: string, id: string, entry = fileEntry(id)): string {
  const source = FIXED_FILES.has(id) ? `the stack ${stack}` : `the constructs under ${stack}/${id}`;
  if (!entry) return `# ${id}: ${source} (undocumented layer: describe it in tools/data/export-layers.ts)`;
  return [
    `# ${entry.title}: ${entry.summary}.`,
    `# Explained in ${entry.doc} (MediCare Hub repository).`,
    `# Generated by \`npm run export\` from ${source}: change the project and export again, not this file.`,
  ].join("\n");
}

function providerAddress(name: string, alias?: string): string {
  return alias ? `provider.${name}.${alias}` : `provider.${name}`;
}

function providerAlias(block: HclBlock): string | undefined {
  const alias = blockBody(block).find((item) => item.kind === "attribute" && item.name === "alias");
  if (!alias || alias.kind !== "attribute") return undefined;
  const value = literalString(alias.expression);
  if (value === undefined) throw new Error(`HCL line ${alias.line}: a provider alias must be a string literal, got ${alias.expression}`);
  return value;
}

/** cdktf leaves blank lines before the terraform block's closing brace; the last brace of a block is never in a heredoc. */
function withoutTrailingBlankLines(text: string): string {
  return text.replace(/\n(?:[ \t]*\n)+\}$/, "\n}");
}
