/**
 * The README.md of an exported folder, generated from the synthesized stack and its layout: the files and what each
 * holds, the inputs a run needs from outside the files (backend, credentials, the pinned account), how to init, plan
 * and apply, the outputs, and every resource per layer with what it is for (the inventory's words).
 */
import type { InventoryRow } from "./inventory";
import type { ExportFile, StackJson } from "./export-layout";

export interface ReadmeInput {
  readonly stack: string;
  readonly tf: StackJson;
  readonly files: readonly ExportFile[];
  /** The inventory of the stack: what each resource is for. */
  readonly inventory: readonly InventoryRow[];
}

export function exportReadme({ stack, tf, files, inventory }: ReadmeInput): string {
  const purposes = new Map(inventory.map((row) => [row.address, row.purpose]));
  const requiredVersion = tf.terraform?.required_version ?? ">= 1.10";
  const aws = tf.terraform?.required_providers?.aws;
  const pinned = [aws?.source ?? "hashicorp/aws", aws?.version].filter(Boolean).join(" ");
  const outputs = Object.entries(tf.output ?? {});
  return [
    `# ${stack}`,
    "",
    `Plain Terraform for the MediCare Hub stack \`${stack}\`, exported from the cdktf project by \`npm run export\`: a root`,
    "module laid out by concern, one file per layer. Nothing here needs Node.js or cdktf. Values are fixed at export time",
    "(there are no input variables): change them in the project's configuration and export again, rather than editing",
    "these files.",
    "",
    "## Files",
    "",
    "| file | what it holds | declares | explained in (MediCare Hub repository) |",
    "|---|---|---|---|",
    ...files.map((file) => `| \`${file.name}\` | ${file.entry ? `${file.entry.title}: ${file.entry.summary}` : "(undocumented layer)"} | ${declares(file)} | ${file.entry ? `\`${file.entry.doc}\`` : ""} |`),
    "",
    "## Inputs",
    "",
    "There are no input variables; a run needs these from outside the files:",
    "",
    ...inputs(tf, files),
    "",
    "## Use",
    "",
    "With the inputs above in place:",
    "",
    "```bash",
    `terraform init        # installs ${pinned} as pinned in versions.tf (and .terraform.lock.hcl, when present)`,
    "terraform plan -out=plan.tfplan",
    "terraform apply plan.tfplan",
    "```",
    "",
    `Requires Terraform ${requiredVersion}. Review the plan before applying: it names every resource by the address listed below.`,
    "",
    "## Outputs",
    "",
    ...(outputs.length === 0
      ? ["None."]
      : ["| output | description |", "|---|---|", ...outputs.map(([name, o]) => `| \`${name}\` | ${o.description ?? ""}${o.sensitive ? " (sensitive)" : ""} |`)]),
    "",
    "## Resources by layer",
    "",
    ...files.flatMap((file) => {
      const resources = file.addresses.filter(isResource);
      if (resources.length === 0) return [];
      const title = file.entry?.title ?? file.id;
      return [
        `### \`${file.name}\`: ${title} (${resources.length})`,
        "",
        "| address | what it is for |",
        "|---|---|",
        ...resources.map((address) => `| \`${address}\` | ${purposes.get(address) ?? ""} |`),
        "",
      ];
    }),
  ].join("\n");
}

/** Resources, not data sources, locals, outputs, providers or the terraform block. */
function isResource(address: string): boolean {
  return !/^(data|local|output|provider)\.|^terraform$/.test(address);
}

function declares(file: ExportFile): string {
  const kinds: [string, (address: string) => boolean][] = [
    ["resource", isResource],
    ["data source", (a) => a.startsWith("data.")],
    ["local", (a) => a.startsWith("local.")],
    ["provider", (a) => a.startsWith("provider.")],
    ["output", (a) => a.startsWith("output.")],
  ];
  const counts = kinds.map(([kind, test]) => [kind, file.addresses.filter(test).length] as const).filter(([, n]) => n > 0);
  if (file.addresses.includes("terraform")) return "the terraform block";
  return counts.map(([kind, n]) => `${n} ${kind}${n === 1 ? "" : "s"}`).join(", ");
}

function inputs(tf: StackJson, files: readonly ExportFile[]): string[] {
  const [backendType, backend] = Object.entries(tf.terraform?.backend ?? { local: {} })[0];
  const state =
    backendType === "s3"
      ? [
          `- **Backend**: state in the S3 bucket \`${backend.bucket}\`, key \`${backend.key}\`, region \`${backend.region}\`, locked with the`,
          `  DynamoDB table \`${backend.dynamodb_table}\` and S3 lock files, encrypted with \`${backend.kms_key_id}\`. The state backend`,
          "  (`medicare-hub-state`) must exist first, and the credentials below need the bucket, the table and the key too.",
        ]
      : backendType === "local"
        ? [`- **Backend**: state in a local file, \`${backend.path ?? "terraform.tfstate"}\`, beside these files: back it up, never commit it.`]
        : [`- **Backend**: \`${backendType}\`, configured in versions.tf.`];
  const providers = (tf.provider?.aws ?? []).map((config) => ({ alias: config.alias, region: config.region, accounts: config.allowed_account_ids }));
  const accounts = [...new Set(providers.flatMap((p) => p.accounts ?? []))];
  const users = (alias: string) =>
    files.filter((file) => file.addresses.some((address) => elementProvider(tf, address) === `aws.${alias}`)).map((file) => `\`${file.name}\``);
  const regions = providers.map((p) =>
    p.alias ? `\`aws.${p.alias}\` in \`${p.region}\`${users(p.alias).length > 0 ? ` (used by ${users(p.alias).join(", ")})` : ""}` : `\`aws\` in \`${p.region}\` (the default)`,
  );
  return [
    ...state,
    "- **Credentials**: the AWS provider's default chain: `AWS_PROFILE` (SSO included), `AWS_ACCESS_KEY_ID` /",
    "  `AWS_SECRET_ACCESS_KEY` / `AWS_SESSION_TOKEN`, or the role of the machine or CI job (OIDC, instance profile).",
    "  These files hold no credentials.",
    accounts.length > 0 && providers.every((p) => p.accounts?.length)
      ? `- **Account**: every provider accepts only account ${accounts.map((a) => `\`${a}\``).join(", ")} (\`allowed_account_ids\`): credentials of any other account are refused before anything is read or changed.`
      : "- **Account**: not pinned: the providers use whatever account the credentials belong to.",
    `- **Regions**: ${regions.join("; ")}.`,
  ];
}

/** The provider an element names (`aws.us-east-1`), if any. */
function elementProvider(tf: StackJson, address: string): string | undefined {
  const [first, second, third] = address.split(".");
  const element = first === "data" ? tf.data?.[second]?.[third] : tf.resource?.[first]?.[second];
  return element?.provider;
}
