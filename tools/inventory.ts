/**
 * `npm run inventory`: every resource each stack creates, from the synthesized Terraform: type, address, AZ and what
 * it is for, as markdown.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError, loadConfig } from "../config/load";
import { StackView, type SynthesizedResource } from "../constructs/policy/rule";
import { buildApp } from "../main";
import { RESOURCE_PURPOSES } from "./data/resource-purposes";
import { JSON_FILE, stackDirectories } from "./synth-output";

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

function main(): number {
  const temp = mkdtempSync(join(tmpdir(), "medicare-hub-inventory-"));
  try {
    const outdir = join(temp, "cdktf.out");
    buildApp(loadConfig(), { outdir, hclOutput: false }).synth();
    const stacks = stackDirectories(outdir).map((dir) => new StackView(dir.split("/").pop() as string, JSON.parse(readFileSync(join(dir, JSON_FILE), "utf8"))));
    console.log(inventoryMarkdown(stacks));
    return 0;
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      return 1;
    }
    throw error;
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
}

if (require.main === module) process.exitCode = main();
