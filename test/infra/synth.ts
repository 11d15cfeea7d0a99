import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll } from 'vitest';
import type { StageConfig } from '../../infra/config.ts';
import { addHubStage } from '../../infra/hub-app.ts';
import type { ResidenceDataHubStack } from '../../infra/stack.ts';

/** The context `cdk synth` runs with (feature flags included), so the tests see the deployed template. */
const cdkJsonContext: Record<string, unknown> = JSON.parse(
  readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8'),
).context;

export interface SynthesizedStage {
  app: App;
  stack: ResidenceDataHubStack;
  template: Template;
  /** The template as JSON text, for checks across every string in it. */
  json: string;
  /** Findings of the synthesis-time policy plugins (cdk-nag, CloudFormation schema validation when on). */
  pluginReports: unknown[];
  /** cdk-nag's findings that are not acknowledged (errors and warnings). */
  nagViolations: ReturnType<AwsSolutionsChecks['validateScope']>['violations'];
  /** Resolves a token (an ARN, a name) the way it appears in the template. */
  resolve: (value: unknown) => unknown;
}

export interface SynthOptions {
  /**
   * Run CDK's built-in CloudFormation schema validation, as `cdk synth` does. It costs seconds, so only the
   * suite that asserts on it turns it on.
   * @default false
   */
  cloudFormationValidation?: boolean;
}

/**
 * Synthesises one stage the way `cdk synth` does, minus esbuild: `aws:cdk:bundling-stacks: []` skips asset
 * bundling (DESIGN.md §4). Synthesis itself runs the cdk-nag plugin and throws on an unacknowledged error.
 */
export function synthesizeStage(config: StageConfig, options: SynthOptions = {}): SynthesizedStage {
  const app = new App({
    context: { ...cdkJsonContext, 'aws:cdk:bundling-stacks': [] },
    builtinCloudFormationValidation: options.cloudFormationValidation ?? false,
  });
  const stack = addHubStage(app, config);
  const assembly = app.synth();
  const report = JSON.parse(readFileSync(join(assembly.directory, 'validation-report.json'), 'utf8'));
  const template = Template.fromStack(stack);
  return {
    app,
    stack,
    template,
    pluginReports: report.pluginReports,
    json: JSON.stringify(template.toJSON()),
    nagViolations: new AwsSolutionsChecks().validateScope(app).violations,
    resolve: (value) => Stack.of(stack).resolve(value),
  };
}

/**
 * Synthesises each stage once, before the suite's tests (in a `beforeAll`), and returns the accessor to them by
 * name.
 */
export function synthesizedStages(
  stages: readonly [string, StageConfig][],
): (name: string) => SynthesizedStage {
  const synthesized = new Map<string, SynthesizedStage>();
  beforeAll(() => {
    for (const [name, config] of stages) synthesized.set(name, synthesizeStage(config));
  });
  return (name) => {
    const found = synthesized.get(name);
    if (!found) throw new Error(`stage ${name} was not synthesised`);
    return found;
  };
}
