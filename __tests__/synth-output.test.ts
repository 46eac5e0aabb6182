import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HCL_FILE, JSON_FILE, finalizeSynthOutput } from "../synth-output";

function outdirWith(files: Record<string, string>): string {
  const outdir = mkdtempSync(join(tmpdir(), "medicare-hub-finalize-"));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(outdir, path, ".."), { recursive: true });
    writeFileSync(join(outdir, path), content);
  }
  return outdir;
}

describe("finalizeSynthOutput", () => {
  test("after a JSON synth, removes every stack's stale cdk.tf (Terraform would load both)", () => {
    const outdir = outdirWith({ [`stacks/a/${JSON_FILE}`]: "{}", [`stacks/a/${HCL_FILE}`]: "", [`stacks/b/${JSON_FILE}`]: "{}" });
    expect(finalizeSynthOutput(outdir, false)).toBeUndefined();
    expect(readdirSync(join(outdir, "stacks/a"))).toEqual([JSON_FILE]);
    expect(readdirSync(join(outdir, "stacks/b"))).toEqual([JSON_FILE]);
  });

  test("after an HCL synth, removes stale cdk.tf.json, and warns (without failing) when terraform cannot format", () => {
    const outdir = outdirWith({ [`stacks/a/${JSON_FILE}`]: "{}", [`stacks/a/${HCL_FILE}`]: "terraform {\n}\n" });
    const warnings: string[] = [];
    const spy = jest.spyOn(console, "error").mockImplementation((text: string) => void warnings.push(text));
    try {
      const warning = finalizeSynthOutput(outdir, true, "/nonexistent/terraform");
      expect(warning).toMatch(/valid but not formatted.*Install Terraform >= 1\.10/);
      expect(warnings).toEqual([warning]);
    } finally {
      spy.mockRestore();
    }
    expect(readdirSync(join(outdir, "stacks/a"))).toEqual([HCL_FILE]);
    expect(readFileSync(join(outdir, "stacks/a", HCL_FILE), "utf8")).toBe("terraform {\n}\n");
  });

  test("does nothing for an output directory without stacks", () => {
    expect(finalizeSynthOutput(outdirWith({}), true, "/nonexistent/terraform")).toBeUndefined();
  });
});
