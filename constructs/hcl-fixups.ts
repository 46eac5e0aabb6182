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

const DEPENDS_ON_OPENING = /^\s*depends_on\s*=\s*\[\s*$/;
const QUOTED_REFERENCE = /^(\s*)"((?:data\.|module\.)?[A-Za-z_][\w-]*\.[A-Za-z_][\w-]*)"(,?)\s*$/;

/**
 * cdktf renders `depends_on` entries as quoted strings, which Terraform accepts with a "Quoted references are
 * deprecated" warning per entry; write them as the bare references Terraform expects.
 */
export function unquoteDependsOn(hcl: string): string {
  let inside = false;
  return hcl
    .split("\n")
    .map((line) => {
      if (!inside) {
        inside = DEPENDS_ON_OPENING.test(line);
        return line;
      }
      if (/^\s*\]/.test(line)) {
        inside = false;
        return line;
      }
      const match = QUOTED_REFERENCE.exec(line);
      return match ? `${match[1]}${match[2]}${match[3]}` : line;
    })
    .join("\n");
}
