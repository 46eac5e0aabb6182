/**
 * `npm run inventory`: every resource each stack creates, from the synthesized Terraform: type, address, AZ and what
 * it is for, as markdown.
 */
import { basename } from "node:path";
import type { StackView, SynthesizedResource } from "../constructs/policy/stack-view";
import { RESOURCE_PURPOSES } from "./data/resource-purposes";
import { stackDirectories } from "../synth-output";
import { flag, runCommand } from "./cli";
import { readStackView, withSynthesizedOutput } from "./synthesized";

export interface InventoryRow {
  readonly type: string;
  readonly address: string;
  /** The AZ it lives in, through its own AZ or its subnet; "regional" otherwise. */
  readonly availabilityZone: string;
  readonly purpose: string;
}

function azOf(stack: StackView, resource: SynthesizedResource): string {
  const values = resource.values;
  if (values.availability_zone) return values.availability_zone;
  const subnet = stack.referenced(values.subnet_id);
  return subnet?.values.availability_zone ?? "regional";
}

export function inventory(stack: StackView): InventoryRow[] {
  const types = Object.keys(stack.tf.resource ?? {}).sort();
  return stack.resources(...types).map((resource) => ({
    type: resource.type,
    address: resource.address,
    availabilityZone: azOf(stack, resource),
    purpose: [RESOURCE_PURPOSES[resource.type] ?? "(undocumented type: add it to tools/data/resource-purposes.ts)", resource.values.tags?.Name]
      .filter(Boolean)
      .join(": "),
  }));
}

export function inventoryMarkdown(stacks: readonly StackView[]): string {
  const lines = ["# Resource inventory", ""];
  for (const stack of stacks) {
    const rows = inventory(stack);
    lines.push(`## ${stack.stackId} (${rows.length} resources)`, "", "| type | address | AZ | what it is for |", "|---|---|---|---|");
    for (const row of rows) lines.push(`| ${row.type} | \`${row.address}\` | ${row.availabilityZone} | ${row.purpose} |`);
    lines.push("");
  }
  return lines.join("\n");
}

if (require.main === module) {
  runCommand({ usage: "npm run inventory -- [--from cdktf.out]   (default: synthesize the current configuration)", options: { from: { type: "string" } } }, (line) =>
    withSynthesizedOutput((outdir) => {
      console.log(inventoryMarkdown(stackDirectories(outdir).map((dir) => readStackView(outdir, basename(dir)))));
    }, flag(line, "from")),
  );
}
