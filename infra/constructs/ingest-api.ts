import { Duration } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer, HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import type { IngestAuth } from '../config.ts';
import { grantRecordTableReadWrite } from './grants.ts';
import { type FunctionSettings, HubFunction } from './hub-function.ts';
import type { IdempotencyStore } from './idempotency-store.ts';

export interface IngestApiProps {
  /** The record table; the function reads and writes it. */
  readonly table: dynamodb.Table;
  /** Where `Idempotency-Key` answers are kept; the function gets and writes its items. */
  readonly idempotencyStore: IdempotencyStore;
  /** How callers authenticate. Every route is authorised: there is no open variant. */
  readonly auth: IngestAuth;
  /** Name of the SSM SecureString parameter with the personKey HMAC secret; the function may read it. */
  readonly personKeySecretParameterName: string;
  readonly functionSettings: FunctionSettings;
  /**
   * Steady-state requests per second on the stage.
   * @default 50
   */
  readonly rateLimit?: number;
  /**
   * Burst above the steady rate.
   * @default 100
   */
  readonly burstLimit?: number;
  /** @default Duration.seconds(29) */
  readonly timeout?: Duration;
  /** @default 1024 */
  readonly memorySize?: number;
  /** @default - unreserved */
  readonly reservedConcurrency?: number;
  /**
   * IAM principal ARN → submitter map passed to the function (IAM_SUBMITTERS) when `auth.type` is `iam`.
   * @default {}
   */
  readonly iamSubmitters?: Readonly<Record<string, { readonly submitterId: string; readonly role: string }>>;
}

/** Request fields written per call: ids, route, status and timing only, never a body or token. */
const ACCESS_LOG_FIELDS = {
  requestId: '$context.requestId',
  requestTime: '$context.requestTime',
  sourceIp: '$context.identity.sourceIp',
  routeKey: '$context.routeKey',
  status: '$context.status',
  responseLength: '$context.responseLength',
  integrationLatency: '$context.integrationLatency',
  integrationError: '$context.integrationErrorMessage',
  authorizerError: '$context.authorizer.error',
  caller: '$context.identity.caller',
};

/** `POST /v1/records` on an HTTP API: authorised, throttled, access-logged, backed by functions/ingest. */
export class IngestApi extends Construct {
  public static readonly ROUTE_PATH = '/v1/records';

  public readonly httpApi: apigwv2.HttpApi;
  public readonly stage: apigwv2.HttpStage;
  public readonly handler: HubFunction;
  public readonly accessLogGroup: logs.LogGroup;
  /** The routes' authorizer: further routes on this API (the department queries) reuse it. */
  public readonly authorizer: apigwv2.IHttpRouteAuthorizer;

  constructor(scope: Construct, id: string, props: IngestApiProps) {
    super(scope, id);

    this.handler = new HubFunction(this, 'Handler', {
      entry: 'functions/ingest/lambda.ts',
      serviceName: 'ingest',
      settings: props.functionSettings,
      timeout: props.timeout ?? Duration.seconds(29),
      memorySize: props.memorySize ?? 1024,
      reservedConcurrentExecutions: props.reservedConcurrency,
      environment: {
        TABLE_NAME: props.table.tableName,
        IDEMPOTENCY_TABLE_NAME: props.idempotencyStore.table.tableName,
        PERSON_KEY_SECRET_PARAMETER: props.personKeySecretParameterName,
        ...(props.auth.type === 'iam' ? { IAM_SUBMITTERS: JSON.stringify(props.iamSubmitters ?? {}) } : {}),
      },
    });
    grantRecordTableReadWrite(props.table, this.handler.role);
    props.idempotencyStore.grantPersistence(this.handler.role);
    ssm.StringParameter.fromSecureStringParameterAttributes(this, 'PersonKeySecret', {
      parameterName: props.personKeySecretParameterName,
    }).grantRead(this.handler.function);

    this.authorizer = IngestApi.authorizerFor(props.auth);
    this.httpApi = new apigwv2.HttpApi(this, 'HttpApi', {
      description: 'residence-data-hub submissions',
      createDefaultStage: false,
    });
    this.httpApi.addRoutes({
      path: IngestApi.ROUTE_PATH,
      methods: [apigwv2.HttpMethod.POST],
      integration: new HttpLambdaIntegration('Ingest', this.handler.function),
      authorizer: this.authorizer,
    });

    this.accessLogGroup = new logs.LogGroup(this, 'AccessLogs', {
      retention: props.functionSettings.logRetention,
      removalPolicy: props.functionSettings.removalPolicy,
    });
    this.stage = new apigwv2.HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: props.rateLimit ?? 50, burstLimit: props.burstLimit ?? 100 },
      accessLogSettings: {
        destination: new apigwv2.LogGroupLogDestination(this.accessLogGroup),
        format: AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
      },
    });
  }

  /** The API's base URL (the `$default` stage serves at the root). */
  public get url(): string {
    return this.httpApi.apiEndpoint;
  }

  private static authorizerFor(auth: IngestAuth): apigwv2.IHttpRouteAuthorizer {
    switch (auth.type) {
      case 'iam':
        return new HttpIamAuthorizer();
      case 'jwt':
        return new HttpJwtAuthorizer('SubmitterJwt', auth.issuer, {
          jwtAudience: [...auth.audience],
          identitySource: ['$request.header.Authorization'],
        });
    }
  }
}
