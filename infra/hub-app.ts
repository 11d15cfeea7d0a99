import { type App, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { StageConfig } from './config.ts';
import { ResidenceDataHubStack, type ResidenceDataHubStackProps } from './stack.ts';

/** Name of a stage's stack (and CloudFormation stack). */
export const stackNameFor = (stage: string): string => `residence-data-hub-${stage}`;

/**
 * Adds one stage's stack to the app, with the cdk-nag AWS Solutions checks as a synthesis-time policy
 * (an unacknowledged error fails `cdk synth` and the infra tests alike).
 */
export function addHubStage(
  app: App,
  config: StageConfig,
  overrides: Pick<ResidenceDataHubStackProps, 'routes'> = {},
): ResidenceDataHubStack {
  const stack = new ResidenceDataHubStack(app, stackNameFor(config.stage), {
    ...overrides,
    config,
    stackName: stackNameFor(config.stage),
    description: `residence-data-hub (${config.stage}): ingest API, record store, change events, department queues`,
    // No account unless configured: the template stays environment-agnostic and synth needs no credentials.
    env: { region: config.region, ...(config.account === undefined ? {} : { account: config.account }) },
  });
  Tags.of(stack).add('project', 'residence-data-hub');
  Tags.of(stack).add('stage', config.stage);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return stack;
}
