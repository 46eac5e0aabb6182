// @ts-check
import jsdoc from "eslint-plugin-jsdoc";
import tseslint from "typescript-eslint";

/** Importing the provider's package root costs seconds and hundreds of MB per process: deep paths only, everywhere. */
const PROVIDER_ROOT = {
  name: "@cdktf/provider-aws",
  message: "Import by deep path (@cdktf/provider-aws/lib/<resource>): the package root costs ~6 s and ~700 MB per process.",
};

/**
 * The architecture's arrows: each folder lists the imports it must not make, as
 * regular expressions over the import path as written (README, "The arrows point one way"). A wrong arrow fails
 * `npm run lint`; __tests__/lint.test.ts
 * proves each boundary refuses a deliberately wrong import.
 */
const BOUNDARIES = [
  {
    // Configuration is the bottom: it imports nothing of ours outside config/.
    files: ["config/**/*.ts"],
    patterns: [{ regex: "^\\.\\./", message: "config/ imports nothing outside config/: it is what everything else reads." }],
  },
  {
    // The constructs build Terraform; the App composes them, the tools read what they build.
    files: ["constructs/**/*.ts"],
    patterns: [
      {
        regex: "^(\\.\\./)+(main|synth-output|tools(/.*)?|terraform-state-backend(/.*)?)$",
        message: "constructs/ never imports the App (main.ts, synth-output.ts), the tools or the state backend: those are above it.",
      },
    ],
  },
  {
    // The guardrail engine judges synthesized JSON; it never loads a layer.
    files: ["constructs/policy/*.ts"],
    patterns: [{ regex: "^\\.\\./(?!\\.\\./config/)[^./][^/]*$", message: "the guardrail engine reads synthesized JSON only: it never imports a layer (constructs/*.ts)." }],
  },
  {
    files: ["constructs/policy/rules/**/*.ts"],
    patterns: [
      {
        regex: "^\\.\\./\\.\\./\\.\\./(?!\\.\\./config/)",
        message: "a guardrail rule is a pure function of the synthesized JSON: it imports the engine (../../rule) and config only, never a layer.",
      },
    ],
  },
  {
    // The state backend stack is built from the shared building blocks only, not from the app's layers.
    files: ["terraform-state-backend/**/*.ts"],
    patterns: [
      {
        regex: "^\\.\\./constructs/(?!(base-stack|naming|secure-bucket|placeholder-guard|hcl-fixups|aws-facts|kms|iam|logging|regions)$)",
        message: "terraform-state-backend/ imports the shared building blocks only (base-stack, naming, secure-bucket, kms, iam, logging, regions, placeholder-guard, hcl-fixups, aws-facts).",
      },
      { regex: "^\\.\\./(main|synth-output|tools(/.*)?)$", message: "terraform-state-backend/ never imports the App or the tools." },
    ],
  },
  {
    // Tools import the App, the configuration, the JSON reader and the guardrail engine, and names and facts that load
    // no cdktf: never a layer, so a tool that does not synthesize stays light.
    files: ["tools/**/*.ts"],
    patterns: [
      {
        regex: "^\\.\\./constructs/(?!(naming|aws-facts|app/user-data|policy/.*)$)",
        message: "tools/ import the App (../main), config, constructs/policy (the JSON reader and the rules) and cdktf-free names (naming, aws-facts, app/user-data), never a layer.",
      },
    ],
  },
  {
    // The App's own helpers sit beside main.ts and import nothing above them.
    files: ["synth-output.ts"],
    patterns: [{ regex: "^\\./(main|tools(/.*)?|constructs(/.*)?|terraform-state-backend(/.*)?)$", message: "synth-output.ts post-processes output files: it imports nothing of ours." }],
  },
];

export default tseslint.config(
  { ignores: ["node_modules/", "cdktf.out/", ".gen/", "coverage/", "reports/", ".stryker-tmp/", "**/*.js", "**/*.mjs"] },
  ...tseslint.configs.recommended,
  {
    rules: {
      "no-restricted-imports": ["error", { paths: [PROVIDER_ROOT] }],
      "@typescript-eslint/no-explicit-any": ["error", { ignoreRestArgs: true }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
      eqeqeq: ["error", "always"],
      "no-console": "off",
    },
  },
  // One block per boundary; a file in several folders' globs (constructs/policy/rules/) gets every pattern that applies.
  ...BOUNDARIES.map((boundary) => ({
    files: boundary.files,
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: [PROVIDER_ROOT],
          patterns: BOUNDARIES.filter((b) => b.files.some((glob) => boundary.files.some((own) => covers(glob, own)))).flatMap((b) => b.patterns),
        },
      ],
    },
  })),
  {
    // Every construct's props are its documented interface: each member says what it is, and each optional member its
    // default (`@default`), as aws-cdk-lib documents its props. A member without either fails lint.
    files: ["constructs/**/*.ts", "terraform-state-backend/**/*.ts"],
    plugins: { jsdoc },
    rules: {
      "jsdoc/require-jsdoc": [
        "error",
        { publicOnly: false, require: {}, contexts: ["TSInterfaceDeclaration[id.name=/Props$/] TSPropertySignature"], enableFixer: false },
      ],
      "jsdoc/no-restricted-syntax": [
        "error",
        {
          contexts: [
            {
              comment: "JsdocBlock:not(:has(JsdocTag[tag=/^default$/]))",
              // The plugin matches this selector against the member alone (no ancestors), so it covers every optional
              // interface member in these folders, props or not: each documents what its absence means.
              context: "TSPropertySignature[optional=true]",
              message: "An optional member documents its default on a line of its own: add `@default <value>` (or `@default - <what happens>`).",
            },
          ],
        },
      ],
    },
  },
  {
    // Synthesized Terraform is untyped JSON; tests and the guardrail rules read it as such.
    files: ["__tests__/**/*.ts", "constructs/policy/**/*.ts"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
);

/** Whether the folder glob `outer` (e.g. `constructs/**​/*.ts`) contains every file of `inner` (`constructs/policy/*.ts`). */
function covers(outer, inner) {
  const folder = (glob) => glob.replace(/\/?\*\*?.*$/, "").replace(/\/[^/]*\.ts$/, "");
  const [o, i] = [folder(outer), folder(inner)];
  return outer === inner || (outer.includes("**") && (i === o || i.startsWith(`${o}/`)));
}
