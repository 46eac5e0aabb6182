import { ENVIRONMENT_NAMES } from "../../config/schema";
import { AUDIT_STACK_ID } from "../../constructs/audit/audit-stack";
import { environmentStackId } from "../../constructs/medicare-hub-stack";
import { StackView } from "../../constructs/policy/rule";
import { STATE_STACK_ID } from "../../terraform-state-backend/state-backend-stack";
import { RESOURCE_PURPOSES } from "../../tools/data/resource-purposes";
import { inventory, inventoryMarkdown } from "../../tools/inventory";
import { readStackJson, synthApp } from "../support/synth";

const views = () => [STATE_STACK_ID, ...ENVIRONMENT_NAMES.map(environmentStackId), AUDIT_STACK_ID].map((id) => new StackView(id, readStackJson(synthApp(), id)));

describe("inventory", () => {
  test("lists every resource of every stack exactly once", () => {
    for (const view of views()) {
      const expected = Object.entries(view.tf.resource ?? {}).flatMap(([type, byName]) => Object.keys(byName).map((name) => `${type}.${name}`));
      expect(inventory(view).map((r) => r.address).sort()).toEqual(expected.sort());
    }
  });

  test("says what every synthesized resource type is for", () => {
    const types = new Set(views().flatMap((v) => Object.keys(v.tf.resource ?? {})));
    expect([...types].filter((t) => !RESOURCE_PURPOSES[t])).toEqual([]);
  });

  test("places subnets, NAT gateways and mount targets in their AZ", () => {
    const prod = views().find((v) => v.stackId === environmentStackId("prod")) as StackView;
    const rows = inventory(prod);
    for (const type of ["aws_subnet", "aws_nat_gateway", "aws_efs_mount_target"]) {
      // Prod's own AZs, and the recovery region's for the standby (recovery.availabilityZones).
      for (const row of rows.filter((r) => r.type === type)) expect(row.availabilityZone).toMatch(row.address.startsWith(`${type}.standby_`) ? /^us-west-2[a-c]$/ : /^us-east-2[a-c]$/);
      expect(rows.filter((r) => r.type === type && r.address.startsWith(`${type}.standby_`)).length).toBeGreaterThan(0);
    }
    expect(rows.find((r) => r.type === "aws_db_instance")?.availabilityZone).toBe("regional");
    expect(inventoryMarkdown([prod])).toMatch(/\| aws_db_instance \| `aws_db_instance.database_instance` \| regional \| PostgreSQL database: medicare-hub-prod-db \|/);
  });
});
