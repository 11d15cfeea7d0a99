import { fileURLToPath } from 'node:url';
import { Duration, type RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { LogLevel } from '../config.ts';

/** The repository root: esbuild's working directory and the root every handler entry is resolved from. */
export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Runtime settings shared by every function of a stage. */
export interface FunctionSettings {
  /** Active X-Ray tracing; keep off in the China regions, where Lambda has no X-Ray integration. */
  readonly tracing: boolean;
  /** Retention of the function's log group. */
  readonly logRetention: logs.RetentionDays;
  /** Powertools log level. */
  readonly logLevel: LogLevel;
  /** What happens to the log group when the stack is deleted. */
  readonly removalPolicy: RemovalPolicy;
  /**
   * CloudWatch namespace of the functions' own metrics (POWERTOOLS_METRICS_NAMESPACE; the dashboard reads it).
   * @default - none set
   */
  readonly metricsNamespace?: string;
}

export interface HubFunctionProps {
  /** Handler file relative to the repository root, e.g. `functions/ingest/lambda.ts`; exports `handler`. */
  readonly entry: string;
  /** Powertools service name (POWERTOOLS_SERVICE_NAME). */
  readonly serviceName: string;
  readonly settings: FunctionSettings;
  /**
   * Extra environment variables.
   * @default - none
   */
  readonly environment?: Readonly<Record<string, string>>;
  /** @default 10 seconds */
  readonly timeout?: Duration;
  /** @default 512 */
  readonly memorySize?: number;
  /** @default - unreserved */
  readonly reservedConcurrentExecutions?: number;
}

/**
 * A TypeScript handler bundled as ESM by the locally installed esbuild (never Docker), on Node.js 24, with its
 * own log group and a role that holds only what the caller grants (no AWS managed policies).
 */
export class HubFunction extends Construct {
  public readonly function: NodejsFunction;
  public readonly role: iam.Role;
  public readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: HubFunctionProps) {
    super(scope, id);
    const { settings } = props;

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: settings.logRetention,
      removalPolicy: settings.removalPolicy,
    });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${props.serviceName} (${Stack.of(this).stackName})`,
    });
    this.logGroup.grantWrite(this.role);

    this.function = new NodejsFunction(this, 'Function', {
      entry: `${PROJECT_ROOT}${props.entry}`,
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: `${PROJECT_ROOT}package-lock.json`,
      runtime: lambda.Runtime.NODEJS_24_X,
      role: this.role,
      logGroup: this.logGroup,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(10),
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      tracing: settings.tracing ? lambda.Tracing.ACTIVE : lambda.Tracing.DISABLED,
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: props.serviceName,
        LOG_LEVEL: settings.logLevel,
        ...(settings.metricsNamespace === undefined
          ? {}
          : { POWERTOOLS_METRICS_NAMESPACE: settings.metricsNamespace }),
        ...props.environment,
      },
      bundling: {
        forceDockerBundling: false,
        format: OutputFormat.ESM,
        target: 'node24',
        mainFields: ['module', 'main'],
        // CommonJS dependencies bundled into an ES module still call require().
        banner:
          "import { createRequire as __createRequire } from 'node:module';const require = __createRequire(import.meta.url);",
        // Ship the SDK version the tests ran against, not whichever the runtime happens to include.
        bundleAwsSDK: true,
        minify: true,
        sourceMap: true,
      },
    });

    if (settings.tracing) {
      Validations.of(this.role).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'X-Ray PutTraceSegments/PutTelemetryRecords support no resource-level permissions (AWS X-Ray docs).',
      });
    }
  }
}
