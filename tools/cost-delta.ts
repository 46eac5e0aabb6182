/**
 * The cost of a change: the estimate (tools/cost.ts) of two synth outputs, base and head, per environment and per
 * layer, with the lines that changed. Both sides are priced with the same table (tools/data/prices.ts), so a
 * difference is a difference in what would be deployed. `npm run cost -- --compare <base>` prints it; the plan summary
 * embeds one environment's part.
 */
import { ENVIRONMENT_NAMES } from "../config/schema";
import { PRICES_AS_OF, PRICES_REGION, PRICES_SOURCE, USAGE_ASSUMPTIONS } from "./data/prices";
import type { CostEstimate, CostLine } from "./cost";

/** A cost before and after, per month, in USD. */
export interface CostChange {
  readonly beforeUsd: number;
  readonly afterUsd: number;
  readonly differenceUsd: number;
}

export interface LayerCostChange extends CostChange {
  readonly layer: string;
}

/** One line of the estimate on each side (absent: the side does not have it). */
export interface LineCostChange extends CostChange {
  readonly layer: string;
  readonly item: string;
  readonly before?: { readonly quantity: number; readonly monthlyUsd: number };
  readonly after?: { readonly quantity: number; readonly monthlyUsd: number };
  readonly unitPrice: string;
}

export interface EnvironmentCostDelta extends CostChange {
  readonly environment: string;
  readonly stackId: string;
  /** Whether the base, and the head, have this environment's stack (a new environment costs $0 before). */
  readonly inBase: boolean;
  readonly inHead: boolean;
  /** Every layer either side has, the largest change first. */
  readonly layers: readonly LayerCostChange[];
  /** The lines whose quantity or cost changed, the largest change first. */
  readonly lines: readonly LineCostChange[];
}

export interface CostDelta {
  readonly base: string;
  readonly head: string;
  readonly pricesAsOf: string;
  readonly environments: readonly EnvironmentCostDelta[];
}

/** The estimates of one side: every environment stack of a synth output (tools/cost.ts, estimateOutput). */
export interface EstimatedOutput {
  readonly label: string;
  readonly estimates: readonly CostEstimate[];
}

const round = (n: number) => Math.round(n * 100) / 100;
const change = (beforeUsd: number, afterUsd: number): CostChange => ({ beforeUsd: round(beforeUsd), afterUsd: round(afterUsd), differenceUsd: round(afterUsd - beforeUsd) });
const sum = (lines: readonly CostLine[]) => lines.reduce((total, l) => total + l.monthlyUsd, 0);
const largestFirst = <T extends CostChange>(key: (row: T) => string) => (a: T, b: T) => Math.abs(b.differenceUsd) - Math.abs(a.differenceUsd) || key(a).localeCompare(key(b));

/** Environments in the configuration's order (dev, prod), then any other alphabetically. */
function byEnvironment(a: string, b: string): number {
  const rank = (env: string) => ((ENVIRONMENT_NAMES as readonly string[]).indexOf(env) + ENVIRONMENT_NAMES.length + 1) % (ENVIRONMENT_NAMES.length + 1);
  return rank(a) - rank(b) || a.localeCompare(b);
}

function environmentDelta(stackId: string, environment: string, before?: CostEstimate, after?: CostEstimate): EnvironmentCostDelta {
  const beforeLines = before?.lines ?? [];
  const afterLines = after?.lines ?? [];
  const layerNames = [...new Set([...beforeLines, ...afterLines].map((l) => l.layer))];
  const layers = layerNames
    .map((layer) => ({ layer, ...change(sum(beforeLines.filter((l) => l.layer === layer)), sum(afterLines.filter((l) => l.layer === layer))) }))
    .sort(largestFirst((row) => row.layer));
  const key = (l: CostLine) => `${l.layer}\u0000${l.item}`;
  const keys = [...new Set([...beforeLines, ...afterLines].map(key))];
  const lines = keys
    .map((k): LineCostChange => {
      const was = beforeLines.find((l) => key(l) === k);
      const is = afterLines.find((l) => key(l) === k);
      const { layer, item, price } = (is ?? was) as CostLine;
      return {
        layer,
        item,
        ...(was ? { before: { quantity: was.quantity, monthlyUsd: was.monthlyUsd } } : {}),
        ...(is ? { after: { quantity: is.quantity, monthlyUsd: is.monthlyUsd } } : {}),
        unitPrice: `$${price.usd} per ${price.unit}`,
        ...change(was?.monthlyUsd ?? 0, is?.monthlyUsd ?? 0),
      };
    })
    .filter((l) => l.before?.quantity !== l.after?.quantity || l.differenceUsd !== 0)
    .sort(largestFirst((row) => `${row.layer} ${row.item}`));
  return { environment, stackId, inBase: before !== undefined, inHead: after !== undefined, ...change(before?.totalUsd ?? 0, after?.totalUsd ?? 0), layers, lines };
}

/** The estimate of every environment stack either side has, before (base) and after (head). */
export function costDelta(base: EstimatedOutput, head: EstimatedOutput): CostDelta {
  const stackIds = [...new Set([...base.estimates, ...head.estimates].map((e) => e.stackId))];
  const environments = stackIds
    .map((stackId) => {
      const was = base.estimates.find((e) => e.stackId === stackId);
      const is = head.estimates.find((e) => e.stackId === stackId);
      return environmentDelta(stackId, ((is ?? was) as CostEstimate).environment, was, is);
    })
    .sort((a, b) => byEnvironment(a.environment, b.environment));
  return { base: base.label, head: head.label, pricesAsOf: PRICES_AS_OF, environments };
}

/** `$12.30` */
export const usd = (amount: number) => `$${amount.toFixed(2)}`;
/** `+$12.30`, `-$9.40`, `$0.00` */
export const signedUsd = (amount: number) => (amount > 0 ? `+${usd(amount)}` : amount < 0 ? `-${usd(-amount)}` : usd(0));

const cell = (side?: { quantity: number; monthlyUsd: number }) => (side ? `${side.quantity} (${usd(side.monthlyUsd)})` : "—");

/**
 * One environment's change as markdown under `heading`: the totals, the layers (all, or only the changed ones), and
 * the lines that changed.
 */
export function environmentCostMarkdown(env: EnvironmentCostDelta, heading: string, options: { changedLayersOnly?: boolean } = {}): string[] {
  const presence = !env.inBase ? " (not in the base: a new environment)" : !env.inHead ? " (removed: not in the head)" : "";
  const lines = [`${heading} ${env.environment}: ${usd(env.beforeUsd)} → ${usd(env.afterUsd)} per month (${signedUsd(env.differenceUsd)})${presence}`, ""];
  if (env.lines.length === 0) return [...lines, `No change in the estimate: every line costs what it did.`, ""];
  const layers = options.changedLayersOnly ? env.layers.filter((l) => l.differenceUsd !== 0) : env.layers;
  if (layers.length > 0) {
    lines.push("| layer | before | after | difference |", "|---|---:|---:|---:|");
    for (const l of layers) lines.push(`| ${l.layer} | ${usd(l.beforeUsd)} | ${usd(l.afterUsd)} | ${signedUsd(l.differenceUsd)} |`);
    lines.push("");
  }
  lines.push("Lines that changed (quantity, cost per month):", "", "| layer | item | before | after | difference |", "|---|---|---:|---:|---:|");
  for (const l of env.lines) lines.push(`| ${l.layer} | ${l.item} | ${cell(l.before)} | ${cell(l.after)} | ${signedUsd(l.differenceUsd)} |`);
  return [...lines, ""];
}

/** Where both sides' prices and assumptions come from: one table, so only what is deployed differs. */
export function pricingNote(): string {
  return `Both sides priced with one table: ${PRICES_SOURCE}, as of ${PRICES_AS_OF} (tools/data/prices.ts); usage assumptions ${Object.entries(USAGE_ASSUMPTIONS)
    .map(([k, v]) => `${k} = ${v}`)
    .join(", ")}. An order of magnitude, not a quote.`;
}

/** `npm run cost -- --compare <base>` as markdown: every environment, every layer. */
export function costDeltaMarkdown(delta: CostDelta): string {
  const lines = ["# Estimated monthly cost: base → head", "", `Base: ${delta.base}; head: ${delta.head}. ${pricingNote()}`, ""];
  for (const env of delta.environments) lines.push(...environmentCostMarkdown(env, "##"));
  lines.push(`Totals (${PRICES_REGION}, prices as of ${PRICES_AS_OF}): ${delta.environments.map((e) => `${e.environment} ${usd(e.beforeUsd)} → ${usd(e.afterUsd)} (${signedUsd(e.differenceUsd)})`).join(", ")}.`);
  return `${lines.join("\n")}\n`;
}
