/**
 * The header of each file of an exported folder (`npm run export`): what it holds and which document of this
 * repository explains it. Layers are the stacks' top-level constructs, so a test requires an entry for every one any
 * stack synthesizes (and no entry for one that is gone): a new layer cannot be exported without its header.
 */
export interface ExportFileEntry {
  /** What a reader calls it, e.g. "Network". */
  readonly title: string;
  /** What the file holds, in a line. */
  readonly summary: string;
  /** The document of this repository that explains it, from the repository root, optionally with an #anchor. */
  readonly doc: string;
}

/** The files every exported folder has, whatever its layers. `main` holds what a stack declares outside any layer. */
export const EXPORT_FILES = {
  versions: {
    title: "Versions and state",
    summary: "the Terraform and AWS provider versions this folder is tested with, and the backend that keeps its state",
    doc: "terraform-state-backend/README.md#using-the-backend-from-another-stack",
  },
  providers: {
    title: "Providers",
    summary: "the AWS provider per region: the only account it accepts (allowed_account_ids) and the tags it puts on everything",
    doc: "docs/first-deploy.md#1-what-must-exist-first",
  },
  main: {
    title: "Stack",
    summary: "what the stack declares itself rather than through one of its layers, such as values every layer reads",
    doc: "docs/architecture.md",
  },
  outputs: {
    title: "Outputs",
    summary: "what operators and other tools read after apply; README.md beside this file describes each",
    doc: "docs/first-deploy.md#5-how-to-tell-it-worked",
  },
} as const satisfies Record<string, ExportFileEntry>;

/** One entry per layer (a stack's top-level construct id), in the order the environment stack builds them. */
export const EXPORT_LAYERS: Readonly<Record<string, ExportFileEntry>> = {
  "placeholder-guard": {
    title: "Placeholder guard",
    summary: "refuses every plan while a placeholder is left in the configuration; not exported once the configuration is complete",
    doc: "docs/first-deploy.md#2-the-override-file-replace-every-placeholder",
  },
  encryption: {
    title: "Encryption",
    summary: "the customer-managed KMS keys per data class (database, storage) and their aliases",
    doc: "docs/network.md#keys-constructsencryptionts",
  },
  network: {
    title: "Network",
    summary: "the VPC, public, private-app and private-data subnets in every AZ, internet and NAT gateways, routes, flow logs",
    doc: "docs/network.md",
  },
  "security-groups": {
    title: "Security groups",
    summary: "the chain internet -> load balancer -> app -> database / EFS, and the emptied default group",
    doc: "docs/network.md#security-groups-a-chain-nothing-else-open",
  },
  endpoints: {
    title: "VPC endpoints",
    summary: "private access to AWS services (S3, SSM, CloudWatch Logs, ...) without leaving the VPC",
    doc: "docs/network.md#vpc-endpoints",
  },
  dns: {
    title: "DNS",
    summary: "the certificate, the domain's records in the existing hosted zone, health checks and failover to the maintenance page",
    doc: "docs/observability.md#dns-failover",
  },
  "load-balancer": {
    title: "Load balancer",
    summary: "the HTTPS Application Load Balancer, its listeners, target group and access logs, and the WAF in front of it",
    doc: "docs/app-tier.md#load-balancer",
  },
  "access-log-queries": {
    title: "Access-log queries",
    summary: "the Athena workgroup, Glue table and saved queries over the load balancer's access logs",
    doc: "docs/observability.md#querying-the-load-balancers-access-logs",
  },
  "shared-storage": {
    title: "Shared storage",
    summary: "the encrypted EFS file system, a mount target per AZ, its access point and TLS-only policy",
    doc: "docs/data.md#shared-storage",
  },
  database: {
    title: "Database",
    summary: "Multi-AZ PostgreSQL with its RDS-managed secret, parameter group, subnet group and log exports",
    doc: "docs/data.md#database",
  },
  recovery: {
    title: "Recovery region",
    summary: "the data kept in a second region under keys of that region: replicated database backups and file system",
    doc: "docs/data.md#the-recovery-region",
  },
  standby: {
    title: "Standby in the recovery region",
    summary: "the environment standing in its recovery region (pilot light or warm standby): network, load balancer, app group and the restore target of the database, built by the same constructs",
    doc: "docs/architecture.md#the-standby-in-the-recovery-region",
  },
  backup: {
    title: "Backup",
    summary: "the locked AWS Backup vault, its plan and selection, copies to another region and the restore role",
    doc: "docs/data.md#backups",
  },
  "session-manager": {
    title: "Session Manager",
    summary: "logged, non-root operator sessions: the session document and its encrypted log group",
    doc: "docs/app-tier.md#instances",
  },
  "app-tier": {
    title: "App tier",
    summary: "the hardened launch template, the self-healing Auto Scaling Group over every AZ, its role, scaling and logs",
    doc: "docs/app-tier.md#instances",
  },
  "synthetic-checks": {
    title: "Synthetic checks",
    summary: "canaries that check the public journey and the maintenance page from outside, with their code and logs",
    doc: "docs/observability.md#severity-routing-and-the-slo",
  },
  monitoring: {
    title: "Monitoring",
    summary: "alarms per layer, SLO burn-rate alerts, the page and ticket topics, paging event rules and the dashboard",
    doc: "docs/observability.md#alarms",
  },
  "failure-experiments": {
    title: "Failure experiments",
    summary: "AWS FIS templates that take out an instance, an AZ's instances, the database primary or an AZ's network",
    doc: "docs/game-days.md",
  },
  "state-bucket": {
    title: "State bucket",
    summary: "the versioned, KMS-encrypted, access-logged S3 bucket that holds every stack's Terraform state",
    doc: "terraform-state-backend/README.md",
  },
  replica: {
    title: "State replica",
    summary: "the state bucket's replica in a second region under a key of that region, its access logs and the replication",
    doc: "terraform-state-backend/README.md#when-the-states-region-is-lost",
  },
  "access-log-bucket": {
    title: "State bucket access logs",
    summary: "the bucket that receives the state bucket's server access logs",
    doc: "terraform-state-backend/README.md",
  },
  trail: {
    title: "Audit trail",
    summary: "CloudTrail of every region into an Object Lock bucket under its own key, its CloudWatch Logs copy and the role that writes it",
    doc: "docs/audit.md",
  },
  alerts: {
    title: "Audit alerts",
    summary: "the CIS benchmark's metric filters and alarms on the trail's log group, and the encrypted topics they and the rules notify",
    doc: "docs/audit.md",
  },
  detection: {
    title: "Threat detection",
    summary: "GuardDuty with the protection plans that apply here, IAM Access Analyzer, and the rules that send their findings on",
    doc: "docs/audit.md",
  },
  "recovery-region": {
    title: "Detection and evaluation in the recovery region",
    summary: "GuardDuty, IAM Access Analyzer, AWS Config and Security Hub in the environment's recovery region, whose findings are aggregated into the audited region",
    doc: "docs/audit.md",
  },
  evaluation: {
    title: "Continuous evaluation",
    summary: "AWS Config recording every resource into an encrypted bucket, and Security Hub with the FSBP and CIS standards",
    doc: "docs/audit.md",
  },
};
