import { Testing } from "cdktf";
import { Construct } from "constructs";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { DEFAULT_CHILD_ID, MediCareStack } from "../../constructs/base-stack";

class ProbeStack extends MediCareStack {
  constructor(build: (stack: ProbeStack) => void) {
    super(Testing.app(), "probe");
    this.addAwsProvider("us-east-2", { Project: "p", Environment: "e", ManagedBy: "m", CostCenter: "c" });
    build(this);
  }
}

function addresses(stack: ProbeStack): string[] {
  return Object.keys(JSON.parse(Testing.synth(stack)).resource.aws_s3_bucket);
}

describe("Terraform addresses of MediCare Hub stacks", () => {
  test("are the construct path below the stack joined with _, without hashes", () => {
    const stack = new ProbeStack((s) => {
      const layer = new Construct(s, "network");
      new S3Bucket(new Construct(layer, "flow-logs"), "bucket", {});
      new S3Bucket(s, "top-level", {});
    });
    expect(addresses(stack).sort()).toEqual(["network_flow-logs_bucket", "top-level"]);
  });

  test(`a construct's "${DEFAULT_CHILD_ID}" child takes the construct's own name`, () => {
    const stack = new ProbeStack((s) => new S3Bucket(new Construct(s, "logs"), DEFAULT_CHILD_ID, {}));
    expect(addresses(stack)).toEqual(["logs"]);
  });

  test("refuse construct ids that are not kebab-case, naming the construct path", () => {
    const stack = new ProbeStack((s) => new S3Bucket(new Construct(s, "Flow_Logs"), "bucket", {}));
    expect(() => Testing.synth(stack)).toThrow(/"Flow_Logs" at probe\/Flow_Logs\/bucket must be kebab-case/);
  });
});
