import { Testing, TerraformStack } from "cdktf";
import { DEFAULT_CONFIG } from "../../config/environments";
import { Dns } from "../../constructs/dns";
import { environmentStackId } from "../../constructs/medicare-hub-stack";
import { readStackJson, refName, resourcesOf, synthApp, type TerraformJson } from "../support/synth";

describe("DNS zone and certificate (prod)", () => {
  const config = DEFAULT_CONFIG.environments.prod;
  let tf: TerraformJson;
  beforeAll(() => {
    tf = readStackJson(synthApp(), environmentStackId("prod"));
  });

  test("without a zone id in config, the environment's public hosted zone is created for its domain", () => {
    expect(Object.values(resourcesOf(tf, "aws_route53_zone"))).toEqual([expect.objectContaining({ name: config.dns.domainName, force_destroy: false })]);
  });

  test("an ACM certificate for the domain, validated through DNS, replaced before it is destroyed", () => {
    const [certificate] = Object.values(resourcesOf(tf, "aws_acm_certificate"));
    expect(certificate).toMatchObject({ domain_name: config.dns.domainName, validation_method: "DNS", lifecycle: { create_before_destroy: true } });
  });

  test("one validation record per validation option, in the zone, and the validation waits for all of them", () => {
    const [[recordName, record]] = Object.entries(resourcesOf(tf, "aws_route53_record")).filter(([, r]) => r.for_each);
    expect(record.for_each).toMatch(/aws_acm_certificate\.[\w-]+\.domain_validation_options/);
    expect(record).toMatchObject({ name: "${each.value.resource_record_name}", type: "${each.value.resource_record_type}", records: ["${each.value.resource_record_value}"] });
    expect(refName(record.zone_id, "aws_route53_zone")).toBeDefined();
    const [validation] = Object.values(resourcesOf(tf, "aws_acm_certificate_validation"));
    expect(validation.validation_record_fqdns).toContain(`aws_route53_record.${recordName}`);
    expect(refName(validation.certificate_arn, "aws_acm_certificate")).toBeDefined();
  });
});

test("with an existing zone id, no zone is created and the validation records go into that zone", () => {
  const stack = new TerraformStack(Testing.app(), "test");
  new Dns(stack, "dns", { environment: "prod", domainName: "app.example.org", hostedZoneId: "Z0123456789ABC" });
  const tf = JSON.parse(Testing.synth(stack)) as TerraformJson;
  expect(resourcesOf(tf, "aws_route53_zone")).toEqual({});
  expect(Object.values(resourcesOf(tf, "aws_route53_record"))[0].zone_id).toBe("Z0123456789ABC");
});
