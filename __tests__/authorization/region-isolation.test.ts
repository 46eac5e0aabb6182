/**
 * The region-isolation rows (rows/failure-experiments.ts, FIS_REGION_ISOLATION_ROWS), evaluated by the same engine
 * against a stack that builds the template: the environment stacks build it only once they pass `crossRegion`.
 */
import { FIXTURE, synthExperiments } from "../constructs/failure-experiments-stack";
import { readStackJson, synthApp } from "../support/synth";
import { evaluate } from "./engine";
import { Scope, concreteRequest, satisfies, stackIdOf } from "./row";
import { AUTHORIZATION_ROWS } from "./rows";
import { FIS_REGION_ISOLATION_ROWS } from "./rows/failure-experiments";
import { World } from "./world";

const world = new World({ [FIXTURE.stackId]: synthExperiments() });

test.each(FIS_REGION_ISOLATION_ROWS.map((row) => [`${row.id} ${row.request}: ${row.expected}`, row] as const))("%s", async (_, row) => {
  expect(row.stacks).toEqual(["prod"]);
  const { outcome, decidedBy } = await evaluate(concreteRequest(row, new Scope(world, stackIdOf(world, "prod"))));
  if (!satisfies(outcome, row.expected)) {
    throw new Error(`${row.id}: expected ${row.expected}, AWS would answer ${outcome}\n  decided by: ${decidedBy.join("; ") || "no statement applies"}`);
  }
});

test("once an environment stack builds the region-isolation template, its rows are in AUTHORIZATION_ROWS", () => {
  const synth = synthApp();
  const building = Object.keys(synth.stackDirs).filter((id) =>
    Object.values(readStackJson(synth, id).resource?.aws_fis_experiment_template ?? {}).some((t: any) => t.action?.some((a: any) => a.action_id === "aws:network:route-table-disrupt-cross-region-connectivity")),
  );
  const listed = FIS_REGION_ISOLATION_ROWS.every((row) => AUTHORIZATION_ROWS.includes(row));
  expect({ building, listed }).toEqual({ building, listed: building.length > 0 });
});
