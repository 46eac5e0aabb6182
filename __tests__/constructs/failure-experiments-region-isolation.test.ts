import { CROSS_REGION_SUBNET_QUOTA, EXPERIMENT_TAG } from "../../constructs/failure-experiments";
import { refName, resourcesOf, type TerraformJson } from "../support/synth";
import { FIXTURE, synthExperiments } from "./failure-experiments-stack";

/**
 * "Permissions" of aws:network:route-table-disrupt-cross-region-connectivity, AWS FIS actions reference
 * (https://docs.aws.amazon.com/fis/latest/userguide/fis-actions-reference.html#route-table-disrupt-cross-region-connectivity).
 */
const DOCUMENTED_PERMISSIONS = [
  "ec2:AssociateRouteTable",
  "ec2:CreateManagedPrefixList",
  "ec2:CreateNetworkInterface",
  "ec2:CreateRoute",
  "ec2:CreateRouteTable",
  "ec2:CreateTags",
  "ec2:DeleteManagedPrefixList",
  "ec2:DeleteNetworkInterface",
  "ec2:DeleteRouteTable",
  "ec2:DescribeManagedPrefixLists",
  "ec2:DescribeNetworkInterfaces",
  "ec2:DescribeRouteTables",
  "ec2:DescribeSubnets",
  "ec2:DescribeVpcPeeringConnections",
  "ec2:DescribeVpcs",
  "ec2:DisassociateRouteTable",
  "ec2:GetManagedPrefixListEntries",
  "ec2:ModifyManagedPrefixList",
  "ec2:ModifyVpcEndpoint",
  "ec2:ReplaceRouteTableAssociation",
];
const SUBNETS = FIXTURE.availabilityZones.map((az) => `\${aws_subnet.app-${az}.arn}`);
const VPC = "${aws_vpc.vpc.arn}";
const HERE = `arn:aws:ec2:${FIXTURE.region}:${FIXTURE.accountId}:`;

const templatesOf = (tf: TerraformJson): Record<string, any> => Object.fromEntries(Object.values(resourcesOf(tf, "aws_fis_experiment_template")).map((t) => [t.tags[EXPERIMENT_TAG], t]));

/** The statements of the role the templates run as, followed from the template's role_arn. */
function roleStatements(tf: TerraformJson): any[] {
  const role = refName(templatesOf(tf)["terminate-instance"].role_arn, "aws_iam_role");
  const policies = Object.values(resourcesOf(tf, "aws_iam_role_policy")).filter((p) => refName(p.role, "aws_iam_role") === role);
  expect(policies).toHaveLength(1);
  return tf.data?.aws_iam_policy_document[refName(policies[0].policy, "data.aws_iam_policy_document")].statement;
}
const actionsOf = (statements: any[]) => new Set(statements.flatMap((s) => s.actions as string[]));

describe("region isolation: FailureExperiments given crossRegion", () => {
  let tf: TerraformJson;
  let template: any;
  let added: any[];
  beforeAll(() => {
    tf = synthExperiments();
    template = templatesOf(tf)["region-isolation"];
    const before = new Set(roleStatements(synthExperiments("none")).map((s) => s.sid));
    added = roleStatements(tf).filter((s) => !before.has(s.sid));
  });

  test("a region-isolation template blocks the three app subnets' traffic to us-west-2 for networkDisruptionMinutes", () => {
    const [target] = template.target;
    expect(template.action).toEqual([
      {
        name: "isolate",
        action_id: "aws:network:route-table-disrupt-cross-region-connectivity",
        parameter: [
          { key: "region", value: "us-west-2" },
          { key: "duration", value: "PT7M" },
        ],
        target: { key: "Subnets", value: target.name },
      },
    ]);
    expect(template.target).toHaveLength(1);
    expect(target).toMatchObject({ resource_type: "aws:ec2:subnet", selection_mode: "ALL" });
    const subnets = target.resource_arns.map((arn: string) => resourcesOf(tf, "aws_subnet")[refName(arn, "aws_subnet")]);
    expect(subnets.map((s: any) => s.availability_zone)).toEqual(["us-east-2a", "us-east-2b", "us-east-2c"]);
    expect(new Set(subnets.map((s: any) => s.vpc_id))).toEqual(new Set(["${aws_vpc.vpc.id}"]));
  });

  test("it stops on the 5xx alarms, logs where the others log and runs as the same role", () => {
    const alarms = resourcesOf(tf, "aws_cloudwatch_metric_alarm");
    expect(template.stop_condition.map((c: any) => c.source)).toEqual(["aws:cloudwatch:alarm", "aws:cloudwatch:alarm"]);
    expect(template.stop_condition.map((c: any) => alarms[refName(c.value, "aws_cloudwatch_metric_alarm")].alarm_name).sort()).toEqual([
      "medicare-hub-prod-alb-5xx-rate",
      "medicare-hub-prod-target-5xx-rate",
    ]);
    const other = templatesOf(tf)["az-network-disruption"];
    expect(template.log_configuration).toEqual(other.log_configuration);
    expect(template.log_configuration.log_schema_version).toBe(2);
    expect(template.role_arn).toBe(other.role_arn);
    expect(template.tags).toEqual({ Name: "medicare-hub-prod-fis-region-isolation", [EXPERIMENT_TAG]: "region-isolation" });
  });

  test("the role gains exactly the action's documented permissions it lacked, and nothing else", () => {
    expect([...DOCUMENTED_PERMISSIONS].filter((a) => !actionsOf(roleStatements(tf)).has(a))).toEqual([]);
    // The network-disruption experiment already reads subnets, VPCs and prefix lists.
    expect([...actionsOf(added)].sort()).toEqual(
      DOCUMENTED_PERMISSIONS.filter((a) => !["ec2:DescribeManagedPrefixLists", "ec2:DescribeSubnets", "ec2:DescribeVpcs", "ec2:GetManagedPrefixListEntries"].includes(a)),
    );
  });

  test('only Describe calls are granted on "*"; every other resource is this account\'s and region\'s or the stack\'s own', () => {
    for (const statement of added) {
      for (const resource of statement.resources) {
        if (resource === "*") expect(statement.actions.every((a: string) => a.startsWith("ec2:Describe"))).toBe(true);
        else expect([...SUBNETS, VPC].includes(resource) || resource.startsWith(HERE)).toBe(true);
      }
    }
  });

  test("FIS creates route tables, interfaces and prefix lists only tagged managedByFIS=true, tags them only then, and changes only what carries the tag", () => {
    const created = ["route-table/*", "network-interface/*", "prefix-list/*"].map((type) => `${HERE}${type}`);
    const onCreated = added.filter((s) => s.resources.some((r: string) => created.includes(r)));
    const byActions = (action: string) => onCreated.filter((s) => s.actions.includes(action));
    expect(byActions("ec2:CreateRouteTable")[0].condition).toEqual([{ test: "StringEquals", variable: "aws:RequestTag/managedByFIS", values: ["true"] }]);
    expect(byActions("ec2:CreateTags")[0].condition).toEqual([
      { test: "StringEquals", variable: "ec2:CreateAction", values: ["CreateRouteTable", "CreateNetworkInterface", "CreateManagedPrefixList"] },
      { test: "StringEquals", variable: "aws:RequestTag/managedByFIS", values: ["true"] },
    ]);
    for (const action of ["ec2:CreateRoute", "ec2:DeleteRouteTable", "ec2:DeleteNetworkInterface", "ec2:ModifyManagedPrefixList", "ec2:DeleteManagedPrefixList"]) {
      expect({ action, condition: byActions(action).map((s) => s.condition) }).toEqual({ action, condition: [[{ test: "StringEquals", variable: "ec2:ResourceTag/managedByFIS", values: ["true"] }]] });
    }
    // The one unconditioned grant on route tables: swapping them, on the target subnets only.
    const untagged = onCreated.filter((s) => !s.condition);
    expect(untagged.map((s) => [s.actions, s.resources])).toEqual([[["ec2:AssociateRouteTable", "ec2:ReplaceRouteTableAssociation"], [...SUBNETS, `${HERE}route-table/*`]]]);
  });

  test("subnets are touched by name, the target ones only; VPC-wide grants are this VPC's", () => {
    const naming = added.filter((s) => s.resources.some((r: string) => SUBNETS.includes(r)));
    expect(naming.map((s) => s.resources.filter((r: string) => r.includes("subnet")))).toEqual([SUBNETS, SUBNETS]);
    expect(added.filter((s) => s.resources.includes(VPC)).map((s) => [s.actions, s.resources])).toEqual([[["ec2:CreateRouteTable"], [VPC]]]);
    const anyInterface = added.find((s) => s.resources.includes(`${HERE}subnet/*`));
    expect(anyInterface).toMatchObject({ actions: ["ec2:CreateNetworkInterface"], resources: [`${HERE}subnet/*`, `${HERE}security-group/*`] });
    expect(anyInterface.condition).toEqual([{ test: "StringEquals", variable: "ec2:Vpc", values: [VPC] }]);
  });

  test("VPC endpoints only of this project and environment, by the tags every resource of the stack carries", () => {
    const endpoints = added.find((s) => s.resources.includes(`${HERE}vpc-endpoint/*`));
    expect(endpoints).toMatchObject({ actions: ["ec2:ModifyVpcEndpoint"], resources: [`${HERE}vpc-endpoint/*`] });
    expect(endpoints.condition).toEqual([
      { test: "StringEquals", variable: "aws:ResourceTag/Project", values: ["medicare-hub"] },
      { test: "StringEquals", variable: "aws:ResourceTag/Environment", values: ["prod"] },
    ]);
    expect(tf.provider?.aws[0].default_tags[0].tags).toMatchObject({ Project: "medicare-hub", Environment: "prod" });
  });
});

describe("without crossRegion", () => {
  test("there is no region-isolation template, and the role has none of its route-table permissions", () => {
    const tf = synthExperiments("none");
    expect(Object.keys(templatesOf(tf)).sort()).toEqual(["az-loss-compute", "az-network-disruption", "rds-failover", "terminate-instance"]);
    const actions = actionsOf(roleStatements(tf));
    expect(["ec2:CreateRouteTable", "ec2:CreateRoute", "ec2:ReplaceRouteTableAssociation", "ec2:CreateNetworkInterface", "ec2:ModifyVpcEndpoint"].filter((a) => actions.has(a))).toEqual([]);
  });
});

describe("crossRegion that FIS would refuse is refused at synth", () => {
  const subnets = (n: number) => Array.from({ length: n }, (_, i) => `arn:aws:ec2:us-east-2:123456789012:subnet/subnet-0${i}`);

  test(`up to ${CROSS_REGION_SUBNET_QUOTA} subnets (the FIS quota) are targeted; 7 are refused, saying the limit`, () => {
    expect(CROSS_REGION_SUBNET_QUOTA).toBe(6);
    const six = templatesOf(synthExperiments(() => ({ region: "us-west-2", subnetArns: subnets(6) })))["region-isolation"];
    expect(six.target[0].resource_arns).toEqual(subnets(6));
    expect(() => synthExperiments(() => ({ region: "us-west-2", subnetArns: subnets(7) }))).toThrow(/crossRegion.subnetArns has 7 subnets; AWS FIS targets at most 6/);
  });

  test("no subnets, a subnet twice, or the stack's own region are refused", () => {
    expect(() => synthExperiments(() => ({ region: "us-west-2", subnetArns: [] }))).toThrow(/crossRegion.subnetArns is empty/);
    expect(() => synthExperiments((arns) => ({ region: "us-west-2", subnetArns: [arns[0], arns[0]] }))).toThrow(/names a subnet twice/);
    expect(() => synthExperiments((arns) => ({ region: "us-east-2", subnetArns: arns }))).toThrow(/crossRegion.region is us-east-2, the stack's own region/);
  });
});
