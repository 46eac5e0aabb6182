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

  test("one validation record set, owned by one resource, validates all three certificates (regional, CloudFront's, the recovery region's)", () => {
    const validating = Object.entries(resourcesOf(tf, "aws_route53_record")).filter(([, r]) => r.for_each);
    // A second resource writing the same CNAME (allow_overwrite) would delete it when either certificate goes.
    expect(validating).toHaveLength(1);
    const [[recordName, record]] = validating;
    // allow_overwrite only adopts a CNAME an earlier certificate of the domain left in the existing zone.
    expect(record.allow_overwrite).toBe(true);
    expect(record).toMatchObject({ name: "${each.value.resource_record_name}", type: "${each.value.resource_record_type}", records: ["${each.value.resource_record_value}"] });
    // The domain's certificate in each region that serves it: the primary's load balancer, CloudFront (us-east-1) and
    // the standby's load balancer (us-west-2). ACM gives the domain the same validation CNAME in each.
    const regionOf = (resource: { provider?: string }) => (tf.provider?.aws ?? []).find((p) => (resource.provider ? `aws.${p.alias}` === resource.provider : !p.alias))?.region;
    const certificates = resourcesOf(tf, "aws_acm_certificate");
    expect(Object.values(certificates).map(regionOf).sort()).toEqual(["us-east-1", "us-east-2", "us-west-2"]);
    for (const certificate of Object.values(certificates)) expect(certificate).toMatchObject({ domain_name: config.dns.domainName, validation_method: "DNS" });
    const validations = Object.values(resourcesOf(tf, "aws_acm_certificate_validation"));
    expect(validations.map((v) => refName(v.certificate_arn, "aws_acm_certificate")).sort()).toEqual(Object.keys(certificates).sort());
    for (const validation of validations) {
      expect(validation.validation_record_fqdns).toContain(`aws_route53_record.${recordName}`);
      // ACM validates a certificate in the certificate's own region.
      expect(regionOf(validation)).toBe(regionOf(certificates[refName(validation.certificate_arn, "aws_acm_certificate")]));
    }
  });
});

test("the validation records go into the given zone", () => {
  const stack = new TerraformStack(Testing.app(), "test");
  new Dns(stack, "dns", { environment: "prod", domainName: "app.example.org", hostedZoneId: "Z0123456789ABC" });
  const tf = JSON.parse(Testing.synth(stack)) as TerraformJson;
  expect(resourcesOf(tf, "aws_route53_zone")).toEqual({});
  expect(Object.values(resourcesOf(tf, "aws_route53_record"))[0].zone_id).toBe("Z0123456789ABC");
});
