import type { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import { Construct } from 'constructs';
import { SOURCE } from '../../events/index.ts';

export interface HubBusProps {
  /** Stage name; the bus is `residence-data-hub-<stage>`. */
  readonly stage: string;
  /**
   * How long the archive keeps every change event for `hub replay` (zero: forever).
   * @default Duration.days(30)
   */
  readonly archiveRetention?: Duration;
}

/**
 * The custom event bus every change event is put on and every subscriber rule listens to, with an archive of
 * the change events from which `hub replay` replays a time range to one subscriber's rules (StartReplay with
 * `Destination.FilterArns`). An archive holds only what was published after it was created: a new subscriber's
 * history comes from the store (`hub backfill`), never from here.
 */
export class HubBus extends Construct {
  public readonly eventBus: events.EventBus;
  public readonly archive: events.Archive;

  constructor(scope: Construct, id: string, props: HubBusProps) {
    super(scope, id);
    this.eventBus = new events.EventBus(this, 'Bus', {
      eventBusName: HubBus.nameFor(props.stage),
      description: 'residence-data-hub change events (source residence-data-hub)',
    });
    this.archive = this.eventBus.archive('Archive', {
      archiveName: `${HubBus.nameFor(props.stage)}-changes`,
      description: 'Every change event, for replays to one subscriber',
      eventPattern: { source: [SOURCE] },
      ...(props.archiveRetention === undefined ? {} : { retention: props.archiveRetention }),
    });
  }

  /** The bus name of a stage, also used by the local hub's documentation and consumers. */
  public static nameFor(stage: string): string {
    return `residence-data-hub-${stage}`;
  }
}
