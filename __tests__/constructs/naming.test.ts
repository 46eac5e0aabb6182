/** The naming rules other code relies on: bucket names (global, at most 63 characters) and canary names. */
import { bucketName, canaryName } from "../../constructs/naming";

test("bucket names carry project, environment, role, account and region; one over S3's 63 characters is refused", () => {
  expect(bucketName("prod", "canary", "123456789012", "us-east-2")).toBe("medicare-hub-prod-canary-123456789012-us-east-2");
  // 63 characters exactly is allowed (S3 "Bucket naming rules"); 64 is not.
  const role63 = "r".repeat(63 - "medicare-hub-prod--123456789012-us-east-2".length);
  expect(bucketName("prod", role63, "123456789012", "us-east-2")).toHaveLength(63);
  expect(() => bucketName("prod", `${role63}x`, "123456789012", "us-east-2")).toThrow(/is 64 characters; S3 allows at most 63/);
});

test("canary names are mh-<env>-<kind>, at most 21 characters of [0-9a-z_-]", () => {
  expect(canaryName("prod", "maintenance")).toBe("mh-prod-maintenance");
  expect(() => canaryName("prod", "maintenance-page")).toThrow(/1-21 characters/);
});
