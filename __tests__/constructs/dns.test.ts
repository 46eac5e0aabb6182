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

  test("no hosted zone is created: a zone made by the same apply is delegated from nowhere and ACM validation fails", () => {
    expect(resourcesOf(tf, "aws_route53_zone")).toEqual({});
    for (const record of Object.values(resourcesOf(tf, "aws_route53_record"))) expect(record.zone_id).toBe(config.dns.hostedZoneId);
  });

  test("an ACM certificate for the domain, validated through DNS, replaced before it is destroyed", () => {
    const [certificate] = Object.values(resourcesOf(tf, "aws_acm_certificate"));
    expect(certificate).toMatchObject({ domain_name: config.dns.domainName, validation_method: "DNS", lifecycle: { create_before_destroy: true } });
  });

  test("one validation record set, owned by one resource, validates both certificates (regional and CloudFront's)", () => {
    const validating = Object.entries(resourcesOf(tf, "aws_route53_record")).filter(([, r]) => r.for_each);
    // A second resource writing the same CNAME (allow_overwrite) would delete it when either certificate goes.
    expect(validating).toHaveLength(1);
    const [[recordName, record]] = validating;
    // allow_overwrite only adopts a CNAME an earlier certificate of the domain left in the existing zone.
    expect(record.allow_overwrite).toBe(true);
    expect(record).toMatchObject({ name: "${each.value.resource_record_name}", type: "${each.value.resource_record_type}", records: ["${each.value.resource_record_value}"] });
    const certificates = resourcesOf(tf, "aws_acm_certificate");
    expect(Object.keys(certificates)).toHaveLength(2);
    const validations = Object.values(resourcesOf(tf, "aws_acm_certificate_validation"));
    expect(validations.map((v) => refName(v.certificate_arn, "aws_acm_certificate")).sort()).toEqual(Object.keys(certificates).sort());
    for (const validation of validations) expect(validation.validation_record_fqdns).toContain(`aws_route53_record.${recordName}`);
  });
});

test("the validation records go into the given zone", () => {
  const stack = new TerraformStack(Testing.app(), "test");
  new Dns(stack, "dns", { environment: "prod", domainName: "app.example.org", hostedZoneId: "Z0123456789ABC" });
  const tf = JSON.parse(Testing.synth(stack)) as TerraformJson;
  expect(resourcesOf(tf, "aws_route53_zone")).toEqual({});
  expect(Object.values(resourcesOf(tf, "aws_route53_record"))[0].zone_id).toBe("Z0123456789ABC");
});
