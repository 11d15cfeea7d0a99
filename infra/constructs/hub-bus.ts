import * as events from 'aws-cdk-lib/aws-events';
import { Construct } from 'constructs';

export interface HubBusProps {
  /** Stage name; the bus is `residence-data-hub-<stage>`. */
  readonly stage: string;
}

/** The custom event bus every change event is put on and every department rule listens to. */
export class HubBus extends Construct {
  public readonly eventBus: events.EventBus;

  constructor(scope: Construct, id: string, props: HubBusProps) {
    super(scope, id);
    this.eventBus = new events.EventBus(this, 'Bus', {
      eventBusName: HubBus.nameFor(props.stage),
      description: 'residence-data-hub change events (source residence-data-hub)',
    });
  }

  /** The bus name of a stage, also used by the local hub's documentation and consumers. */
  public static nameFor(stage: string): string {
    return `residence-data-hub-${stage}`;
  }
}
