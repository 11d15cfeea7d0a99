/**
 * CDK entry point (cdk.json: `node infra/app.ts`). Builds the stage chosen with `-c stage=<name>`
 * (default `dev`) from infra/config.ts; all decisions live in the config and the constructs.
 */
import { App } from 'aws-cdk-lib';
import { stageConfig } from './config.ts';
import { addHubStage } from './hub-app.ts';

const app = new App();
addHubStage(app, stageConfig(String(app.node.tryGetContext('stage') ?? 'dev')));
