import { Annotations, TerraformStack, type IAspect } from "cdktf";
import type { IConstruct } from "constructs";
import { evaluateStack, failureMessage, type ConfigHint } from "./evaluate";
import { POLICY_RULES } from "./pack";
import { StackView, type PolicyRule } from "./rule";
import { SUPPRESSIONS, type Suppression } from "./suppressions";

/**
 * Runs the rule pack on every stack it visits, at synth time, over the stack's own Terraform JSON. Unsuppressed
 * failures of error severity become error annotations, which make cdktf refuse to write the stack; warnings and
 * unused suppressions become warnings.
 */
export class PolicyAspect implements IAspect {
  constructor(
    private readonly suppressions: Readonly<Record<string, readonly Suppression[]>> = SUPPRESSIONS,
    private readonly rules: readonly PolicyRule[] = POLICY_RULES,
    /**
     * Names the configuration fields a failed rule depends on, with their values and source.
     * @default - not named
     */
    private readonly configHint?: ConfigHint,
  ) {}

  visit(node: IConstruct): void {
    if (!TerraformStack.isStack(node)) return;
    const stack = node as TerraformStack;
    const view = new StackView(stack.node.id, stack.toTerraform());
    const result = evaluateStack(view, this.suppressions[view.environment] ?? [], this.rules);
    const annotations = Annotations.of(stack);
    for (const failure of result.failures) {
      const message = failureMessage(failure, view.environment, this.configHint);
      if (failure.rule.severity === "error") annotations.addError(message);
      else annotations.addWarning(message);
    }
    for (const { suppression, problem } of result.invalidSuppressions) {
      annotations.addError(`policy suppression of ${suppression.rule} for ${view.environment} ${problem} (constructs/policy/suppressions.ts)`);
    }
    for (const suppression of result.unusedSuppressions) {
      annotations.addWarning(`policy suppression of ${suppression.rule} for ${view.environment} matches no finding: remove it (constructs/policy/suppressions.ts)`);
    }
  }
}
