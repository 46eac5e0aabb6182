// @ts-check
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/", "cdktf.out/", ".gen/", "coverage/", "**/*.js", "**/*.mjs"] },
  ...tseslint.configs.recommended,
  {
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: [
            {
              name: "@cdktf/provider-aws",
              message:
                "Import by deep path (@cdktf/provider-aws/lib/<resource>): the package root costs ~6 s and ~700 MB per process.",
            },
          ],
        },
      ],
      "@typescript-eslint/no-explicit-any": ["error", { ignoreRestArgs: true }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
      eqeqeq: ["error", "always"],
      "no-console": "off",
    },
  },
  {
    // Synthesized Terraform is untyped JSON; tests and the guardrail rules read it as such.
    files: ["__tests__/**/*.ts", "constructs/policy/**/*.ts"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
);
