import type { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { CompiledInputTransformer } from '../../events/index.ts';

/**
 * Passes a compiled input transformer to CloudFormation verbatim. The high-level `RuleTargetInput.fromObject`
 * would derive its own paths map and template; this keeps deployed and local projection byte-identical.
 */
export class VerbatimInputTransformer extends events.RuleTargetInput {
  readonly #spec: CompiledInputTransformer;

  constructor(spec: CompiledInputTransformer) {
    super();
    this.#spec = spec;
  }

  public bind(): events.RuleTargetInputProperties {
    return { inputPathsMap: { ...this.#spec.inputPathsMap }, inputTemplate: this.#spec.inputTemplate };
  }
}

export interface QueueDeliveryProps {
  /** The projection delivered to the queue. */
  readonly input: events.RuleTargetInput;
  /** Where EventBridge puts events it could not deliver. */
  readonly deadLetterQueue: sqs.IQueue;
  /** Delivery retries before the event goes to the dead-letter queue. */
  readonly retryAttempts: number;
  /** Oldest event still worth delivering. */
  readonly maxEventAge: Duration;
}

/**
 * An SQS target that grants nothing by itself. `targets.SqsQueue` adds a queue policy of its own, conditioned
 * on the rule ARN only for unencrypted queues; the department queues carry one policy naming their rules.
 */
export class QueueDelivery implements events.IRuleTarget {
  readonly #queue: sqs.IQueue;
  readonly #props: QueueDeliveryProps;

  constructor(queue: sqs.IQueue, props: QueueDeliveryProps) {
    this.#queue = queue;
    this.#props = props;
  }

  public bind(): events.RuleTargetConfig {
    return {
      arn: this.#queue.queueArn,
      input: this.#props.input,
      targetResource: this.#queue,
      deadLetterConfig: { arn: this.#props.deadLetterQueue.queueArn },
      retryPolicy: {
        maximumRetryAttempts: this.#props.retryAttempts,
        maximumEventAgeInSeconds: this.#props.maxEventAge.toSeconds(),
      },
    };
  }
}
