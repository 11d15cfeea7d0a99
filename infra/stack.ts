import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { derivedConfigEnvironment } from '#domain/config.ts';
import { DEFAULT_OLDEST_MESSAGE_ALARM_SECONDS } from '#functions/adapters/queue-monitor.ts';
import type { StageConfig } from './config.ts';
import { BulkImport } from './constructs/bulk-import.ts';
import { HubDashboard } from './constructs/dashboard.ts';
import { DepartmentSubscriptions, type SubscriberRoute } from './constructs/department-subscriptions.ts';
import { DerivedServices } from './constructs/derived-services.ts';
import { HubBus } from './constructs/hub-bus.ts';
import type { FunctionSettings } from './constructs/hub-function.ts';
import { IdempotencyStore } from './constructs/idempotency-store.ts';
import { IngestApi } from './constructs/ingest-api.ts';
import { Monitoring } from './constructs/monitoring.ts';
import { OperationsApi, type SubscriberInbox } from './constructs/operations-api.ts';
import { Publisher } from './constructs/publisher.ts';
import { RecordTable } from './constructs/record-table.ts';
import { Statistics } from './constructs/statistics.ts';
import { subscriberRoutes, subscriberSettings } from './department-routes.ts';

export interface ResidenceDataHubStackProps extends StackProps {
  readonly config: StageConfig;
  /**
   * What each subscriber receives.
   * @default - the subscriptions of events/ compiled with the stage's department overrides and subscribers
   */
  readonly routes?: readonly SubscriberRoute[];
}

/** The whole hub in one stack: store → ingest API, stream → publisher → bus → department queues, alarms. */
export class ResidenceDataHubStack extends Stack {
  public readonly store: RecordTable;
  public readonly idempotencyStore: IdempotencyStore;
  public readonly ingestApi: IngestApi;
  public readonly bus: HubBus;
  public readonly publisher: Publisher;
  public readonly subscriptions: DepartmentSubscriptions;
  public readonly derived: DerivedServices;
  public readonly operations: OperationsApi;
  public readonly statistics: Statistics;
  public readonly imports: BulkImport;
  public readonly monitoring: Monitoring;
  public readonly dashboard: HubDashboard;

  constructor(scope: Construct, id: string, props: ResidenceDataHubStackProps) {
    super(scope, id, props);
    const { config } = props;
    // Protected stages keep their data when resources leave the stack; others clean up after themselves.
    const removalPolicy = config.deletionProtection ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    const functionSettings: FunctionSettings = {
      tracing: config.tracing,
      logRetention: config.logRetentionDays as logs.RetentionDays,
      logLevel: config.logLevel,
      removalPolicy,
      metricsNamespace: `ResidenceDataHub/${config.stage}`,
    };

    this.store = new RecordTable(this, 'RecordStore', {
      deletionProtection: config.deletionProtection,
      pointInTimeRecovery: config.pitr,
      ...(config.personIndexProjection && { personIndexProjection: config.personIndexProjection }),
      removalPolicy,
    });
    this.idempotencyStore = new IdempotencyStore(this, 'IdempotencyStore', {
      deletionProtection: config.deletionProtection,
      pointInTimeRecovery: config.pitr,
      removalPolicy,
    });
    this.ingestApi = new IngestApi(this, 'IngestApi', {
      table: this.store.table,
      idempotencyStore: this.idempotencyStore,
      auth: config.ingestAuth,
      iamSubmitters: config.iamSubmitters,
      personKeySecretParameterName: config.personKeySecretParameter,
      functionSettings,
      rateLimit: config.ingest.rateLimit,
      burstLimit: config.ingest.burstLimit,
      reservedConcurrency: config.ingest.reservedConcurrency,
      memorySize: config.ingest.memorySize,
      timeout: Duration.seconds(config.ingest.timeoutSeconds),
    });
    this.bus = new HubBus(this, 'HubBus', {
      stage: config.stage,
      archiveRetention: Duration.days(config.archiveRetentionDays ?? 30),
    });
    this.publisher = new Publisher(this, 'Publisher', {
      table: this.store.table,
      eventBus: this.bus.eventBus,
      functionSettings,
    });
    const routes = props.routes ?? subscriberRoutes(config);
    this.subscriptions = new DepartmentSubscriptions(this, 'DepartmentSubscriptions', {
      eventBus: this.bus.eventBus,
      routes,
      namePrefix: HubBus.nameFor(config.stage),
      removalPolicy,
    });
    this.derived = new DerivedServices(this, 'DerivedServices', {
      table: this.store.table,
      eventBus: this.bus.eventBus,
      httpApi: this.ingestApi.httpApi,
      authorizer: this.ingestApi.authorizer,
      personKeySecretParameterName: config.personKeySecretParameter,
      functionSettings,
      ...(config.derived === undefined ? {} : { config: config.derived }),
      ...(config.ingestAuth.type === 'iam' ? { iamSubmitters: config.iamSubmitters ?? {} } : {}),
    });
    this.statistics = new Statistics(this, 'Statistics', { table: this.store.table, functionSettings });
    // Ingest flags late reports and applications by the same deadlines and eligibility rules.
    for (const [name, value] of Object.entries(derivedConfigEnvironment(config.derived))) {
      this.ingestApi.handler.function.addEnvironment(name, value);
    }
    // The departments' and offices' queues (not the smoke test's, which has no department and no backlog).
    const subscribers: SubscriberInbox[] = routes.flatMap(({ subscriber, name, department }) => {
      if (department === undefined) return [];
      const inbox = this.subscriptions.inboxOf(subscriber);
      return [
        {
          name,
          department,
          queue: inbox.queue,
          deadLetterQueue: inbox.deadLetterQueue,
          oldestMessageAlarm: Duration.seconds(
            subscriberSettings(config, subscriber).oldestMessageAlarmSeconds ??
              DEFAULT_OLDEST_MESSAGE_ALARM_SECONDS,
          ),
        },
      ];
    });
    this.imports = new BulkImport(this, 'BulkImport', {
      table: this.store.table,
      httpApi: this.ingestApi.httpApi,
      authorizer: this.ingestApi.authorizer,
      personKeySecretParameterName: config.personKeySecretParameter,
      functionSettings,
      removalPolicy,
      deletionProtection: config.deletionProtection,
      pointInTimeRecovery: config.pitr,
      workerEnvironment: derivedConfigEnvironment(config.derived),
      ...(config.ingestAuth.type === 'iam' ? { iamSubmitters: config.iamSubmitters ?? {} } : {}),
    });
    this.operations = new OperationsApi(this, 'OperationsApi', {
      table: this.store.table,
      httpApi: this.ingestApi.httpApi,
      authorizer: this.ingestApi.authorizer,
      subscribers,
      importsTable: this.imports.table,
      functionSettings,
      ...(config.ingestAuth.type === 'iam' ? { iamSubmitters: config.iamSubmitters ?? {} } : {}),
    });
    const deadLetterQueues = [
      { name: 'publisher', resource: this.publisher.failureQueue },
      { name: 'derive', resource: this.derived.failureQueue },
      { name: 'statistics', resource: this.statistics.failureQueue },
      { name: 'import-jobs', resource: this.imports.deadLetterQueue },
      ...routes.map(({ subscriber, name }) => ({
        name,
        resource: this.subscriptions.inboxOf(subscriber).deadLetterQueue,
      })),
    ];
    this.monitoring = new Monitoring(this, 'Monitoring', {
      deadLetterQueues,
      functions: [
        { name: 'ingest', resource: this.ingestApi.handler.function },
        { name: 'publish', resource: this.publisher.handler.function },
        { name: 'derive', resource: this.derived.deriveHandler.function },
        { name: 'query', resource: this.derived.queryHandler.function },
        { name: 'operations', resource: this.operations.handler.function },
        { name: 'statistics', resource: this.statistics.handler.function },
        { name: 'imports', resource: this.imports.apiHandler.function },
        { name: 'import-worker', resource: this.imports.worker.function },
      ],
      inboxes: subscribers,
      publisher: this.publisher.handler.function,
      ...(config.alarms?.publisherIteratorAgeSeconds === undefined
        ? {}
        : { publisherIteratorAge: Duration.seconds(config.alarms.publisherIteratorAgeSeconds) }),
      metricsNamespace: functionSettings.metricsNamespace ?? '',
      httpApi: this.ingestApi.httpApi,
      alarmEmail: config.alarms?.email,
      createTopic: config.alarms?.createTopic,
    });
    this.dashboard = new HubDashboard(this, 'Dashboard', {
      dashboardName: HubBus.nameFor(config.stage),
      metricsNamespace: functionSettings.metricsNamespace ?? '',
      httpApi: this.ingestApi.httpApi,
      publisher: this.publisher.handler.function,
      deriveQueue: this.derived.deriveQueue,
      eventBusName: this.bus.eventBus.eventBusName,
      ruleNames: [...this.subscriptions.rules.keys(), this.derived.deriveRule.ruleName],
      inboxes: subscribers,
      deadLetterQueues,
    });

    new CfnOutput(this, 'IngestUrl', { value: `${this.ingestApi.url}${IngestApi.ROUTE_PATH}` });
    new CfnOutput(this, 'ImportsUrl', { value: `${this.ingestApi.url}/v1/imports` });
    new CfnOutput(this, 'EventBusName', { value: this.bus.eventBus.eventBusName });
    new CfnOutput(this, 'TableName', { value: this.store.table.tableName });
    new CfnOutput(this, 'ArchiveName', { value: this.bus.archive.archiveName });
    // `hub --stack` finds each subscriber's queues here (an output per subscriber keeps each value small).
    for (const { subscriber, name } of routes) {
      const inbox = this.subscriptions.inboxOf(subscriber);
      new CfnOutput(this, `QueueUrl-${name}`, { value: inbox.queue.queueUrl });
      new CfnOutput(this, `Subscriber-${name}`, {
        value: this.toJsonString({
          subscriber,
          queueUrl: inbox.queue.queueUrl,
          deadLetterQueueUrl: inbox.deadLetterQueue.queueUrl,
        }),
      });
    }
  }
}
