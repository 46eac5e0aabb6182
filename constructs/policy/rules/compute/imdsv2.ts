import { resourceRule } from "../../rule";

/** IMDSv2 only, one hop: SSRF bugs and containers cannot steal the instance's credentials. */
export const rule = resourceRule({
  id: "MH-CMP-1",
  title: "Launch templates require IMDSv2 with a hop limit of 1",
  standard: "AWS FSBP EC2.170; HIPAA 164.312(a)(1) access control",
  fix: 'Set metadata_options { http_tokens = "required", http_put_response_hop_limit = 1 }.',
  types: ["aws_launch_template"],
  check: (lt) => {
    const metadata = lt.values.metadata_options ?? {};
    if (metadata.http_tokens !== "required") return "IMDSv1 is allowed";
    return metadata.http_put_response_hop_limit > 1 ? `hop limit ${metadata.http_put_response_hop_limit}` : undefined;
  },
});
