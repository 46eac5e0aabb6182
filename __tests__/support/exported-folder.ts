/**
 * Reading an exported folder (`npm run export`) back, for the tests: what each .tf file declares, and where the
 * construct paths of the synthesized JSON say each element belongs. The expectation is computed here from the JSON,
 * not with tools/export-layout.ts, so a wrong rule there cannot agree with itself.
 */
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { blockBody, literalString, splitHcl } from "../../tools/hcl-blocks";
import type { TerraformJson } from "./synth";

/** Address (`aws_vpc.network_vpc`, `data.x.y`, `local.x`, `output.x`, `provider.aws[.alias]`, `terraform`) → files. */
export type Placement = Record<string, string[]>;

/** Every element the folder's .tf files declare, with the file(s) declaring it; anything unexpected is listed too. */
export function declaredElements(dir: string): Placement {
  const declared: Placement = {};
  const add = (address: string, file: string) => (declared[address] ??= []).push(file);
  for (const file of readdirSync(dir).filter((name) => name.endsWith(".tf")).sort()) {
    for (const item of splitHcl(readFileSync(join(dir, file), "utf8"))) {
      if (item.kind !== "block") {
        add(`(a top-level ${item.kind} at line ${item.line})`, file);
        continue;
      }
      const [first, second] = item.labels;
      if (item.type === "locals") {
        for (const local of blockBody(item)) add(local.kind === "attribute" ? `local.${local.name}` : `(a ${local.kind} in locals)`, file);
      } else if (item.type === "provider") {
        const alias = blockBody(item).find((inner) => inner.kind === "attribute" && inner.name === "alias");
        add(alias && alias.kind === "attribute" ? `provider.${first}.${literalString(alias.expression)}` : `provider.${first}`, file);
      } else if (item.type === "resource") add(`${first}.${second}`, file);
      else if (item.type === "data") add(`data.${first}.${second}`, file);
      else if (item.type === "output") add(`output.${first}`, file);
      else add([item.type, ...item.labels].join("."), file);
    }
  }
  return declared;
}

/**
 * The one file each element of a synthesized stack belongs in: the terraform block in versions.tf, providers in
 * providers.tf, outputs in outputs.tf; a resource or data source in `<layer>.tf` for a path `<stack>/<layer>/...`, in
 * main.tf for `<stack>/<id>`; a local by its name (`<layer>_...`), which is its path joined with `_`.
 */
export function expectedPlacement(stack: string, tf: TerraformJson): Placement {
  const expected: Placement = { terraform: ["versions.tf"] };
  for (const [name, configs] of Object.entries(tf.provider ?? {})) {
    for (const config of configs as { alias?: string }[]) expected[config.alias ? `provider.${name}.${config.alias}` : `provider.${name}`] = ["providers.tf"];
  }
  const layers = new Set<string>();
  for (const [prefix, elements] of [["", tf.resource], ["data.", tf.data]] as const) {
    for (const [type, byName] of Object.entries(elements ?? {})) {
      for (const [name, element] of Object.entries(byName as Record<string, { "//": { metadata: { path: string } } }>)) {
        const [root, layer, ...rest] = element["//"].metadata.path.split("/");
        if (root !== stack) throw new Error(`${prefix}${type}.${name}: path ${element["//"].metadata.path} is not in ${stack}`);
        if (rest.length > 0) layers.add(layer);
        expected[`${prefix}${type}.${name}`] = [rest.length > 0 ? `${layer}.tf` : "main.tf"];
      }
    }
  }
  for (const name of Object.keys((tf as { locals?: Record<string, unknown> }).locals ?? {})) {
    const [first, ...more] = name.split("_");
    expected[`local.${name}`] = [more.length > 0 || layers.has(first) ? `${first}.tf` : "main.tf"];
  }
  for (const name of Object.keys(tf.output ?? {})) expected[`output.${name}`] = ["outputs.tf"];
  return expected;
}

/** The layers of a synthesized stack: the top-level constructs its resources and data sources live under. */
export function layersOf(stack: string, tf: TerraformJson): string[] {
  const files = Object.values(expectedPlacement(stack, tf)).flat();
  return [...new Set(files.filter((file) => !["versions.tf", "providers.tf", "outputs.tf", "main.tf"].includes(file)).map((file) => file.replace(/\.tf$/, "")))];
}
