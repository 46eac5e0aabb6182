/**
 * Repairs for cdktf 0.21's HCL renderer (archived upstream, so they will not be fixed there). Each is a pure text
 * transform of the rendered stack, tested on its own and, end to end, by `terraform validate` reporting no warnings
 * and by the HCL plan matching the JSON plan.
 */

const TERRAFORM_BLOCK_OPENING = "terraform {\n";

/**
 * cdktf renders terraform-block attributes other than required_providers/backend as `0 = "<name>"` (invalid HCL),
 * so `required_version` is written into the rendered block here.
 */
export function addRequiredVersion(hcl: string, constraint: string): string {
  if (!hcl.startsWith(TERRAFORM_BLOCK_OPENING)) {
    throw new Error("cdktf HCL output does not start with a terraform block; cannot add required_version");
  }
  return `${TERRAFORM_BLOCK_OPENING}required_version = ${JSON.stringify(constraint)}\n${hcl.slice(TERRAFORM_BLOCK_OPENING.length)}`;
}

/** Meta-argument lists whose entries Terraform expects as bare references, with the shape of one entry. */
const REFERENCE_LISTS: Record<string, RegExp> = {
  depends_on: /^(?:data\.|module\.)?[A-Za-z_][\w-]*\.[A-Za-z_][\w-]*$/,
  replace_triggered_by: /^[A-Za-z_][\w-]*\.[A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*|\[\d+\])*$/,
  ignore_changes: /^[A-Za-z_][\w]*(?:\.[A-Za-z_][\w]*|\[\d+\])*$/,
};
const LIST_OPENING = /^\s*(depends_on|replace_triggered_by|ignore_changes)\s*=\s*\[\s*$/;
const QUOTED_ENTRY = /^(\s*)"([^"]*)"(,?)\s*$/;

/**
 * cdktf renders the entries of `depends_on`, `ignore_changes` and `replace_triggered_by` as quoted strings, which
 * Terraform accepts with a "Quoted references are deprecated" warning per entry; write them as the bare references
 * Terraform expects.
 */
export function unquoteReferenceLists(hcl: string): string {
  let entry: RegExp | undefined;
  return hcl
    .split("\n")
    .map((line) => {
      if (!entry) {
        const opening = LIST_OPENING.exec(line);
        entry = opening ? REFERENCE_LISTS[opening[1]] : undefined;
        return line;
      }
      if (/^\s*\]/.test(line)) {
        entry = undefined;
        return line;
      }
      const match = QUOTED_ENTRY.exec(line);
      return match && entry.test(match[2]) ? `${match[1]}${match[2]}${match[3]}` : line;
    })
    .join("\n");
}

const QUOTED_PROVIDER = /^(\s*provider\s*=\s*)"([a-z][\w-]*\.[A-Za-z_][\w-]*)"(\s*)$/;

/** cdktf renders a resource's `provider` meta-argument quoted (`"aws.alias"`); Terraform expects the bare reference. */
export function unquoteProviderReferences(hcl: string): string {
  return hcl
    .split("\n")
    .map((line) => {
      const match = QUOTED_PROVIDER.exec(line);
      return match ? `${match[1]}${match[2]}${match[3]}` : line;
    })
    .join("\n");
}

/**
 * cdktf 0.21 writes strings into HCL with their quotes escaped but not their backslashes (cdktf/lib/hcl/render.js), so a
 * literal `\s` reaches Terraform as an invalid escape sequence. Applied to an element's HCL attributes before cdktf
 * renders them (base-stack.ts): literal strings (no `${` expression) holding a backslash are escaped the HCL way,
 * `\` first, then `"` (which cdktf then leaves alone, seeing it escaped). Everything else is returned as it is.
 */
export function escapeBackslashesForHcl(value: unknown): unknown {
  if (typeof value === "string") return value.includes("\\") && !value.includes("${") ? value.replace(/\\/g, "\\\\").replace(/"/g, '\\"') : value;
  if (Array.isArray(value)) return value.map(escapeBackslashesForHcl);
  if (value && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, escapeBackslashesForHcl(v)]));
  }
  return value;
}
