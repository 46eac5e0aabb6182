/**
 * Accepted findings, per environment (the Environment tag of the stack: `dev`, `prod`, `shared` for the state
 * backend). Each names the rule, optionally one Terraform address, and why the finding is accepted. A suppression
 * without a real reason is itself an error; one that matches nothing is reported as a warning, so this list shrinks
 * when the architecture improves.
 *
 * Dev's cost switches are accepted here, visibly; prod accepts nothing.
 */
export interface Suppression {
  /** Rule id, e.g. "MH-NET-3". */
  readonly rule: string;
  /** Why the finding is acceptable here (at least a sentence). */
  readonly reason: string;
  /**
   * Only this Terraform address.
   * @default - every finding of the rule in the environment
   */
  readonly address?: string;
}

export const SUPPRESSIONS: Readonly<Record<string, readonly Suppression[]>> = {
  dev: [
    { rule: "MH-NET-3", reason: 'Cost switch natGateways "single": dev accepts losing outbound traffic with the first AZ to save the other NAT gateways.' },
    { rule: "MH-NET-10", reason: "Cost switch interfaceEndpoints false: dev instances reach SSM and CloudWatch Logs through NAT." },
    { rule: "MH-ELB-6", reason: "Dev's load balancer is recreated freely; its deletion loses no data." },
    { rule: "MH-ELB-7", reason: "Cost switch waf false: dev is not exposed to patients and carries no real traffic." },
    { rule: "MH-RDS-5", reason: "Dev's database holds synthetic data only; tearing the environment down must not need a manual step." },
    { rule: "MH-RDS-9", reason: "Dev's database holds synthetic data only; terraform destroy of dev is allowed." },
    { rule: "MH-KMS-2", reason: "Dev's keys, file system and backup vault hold synthetic data only; terraform destroy of dev is allowed." },
    { rule: "MH-DR-1", reason: 'Cost switch recovery.strategy "off": dev\'s data is synthetic, so nothing of it is kept outside its region.' },
  ],
  prod: [],
  shared: [],
};
