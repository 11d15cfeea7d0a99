import {
  DescribeRuleCommand,
  EventBridgeClient,
  ListTargetsByRuleCommand,
} from '@aws-sdk/client-eventbridge';
import { type CompiledRule, subscriberRules } from '#events/index.ts';
import { OperationError } from './errors.ts';
import type { Target } from './target.ts';

/**
 * A subscriber's rules as they run: compiled from the catalogue (events/), and on a stack read back from
 * EventBridge (pattern and input transformer of each rule, by the compiled names), so a stage's own overrides
 * (a department narrowed by `divisionPrefixes`) are honoured too. What the CLI sends a subscriber is then
 * exactly what the bus would.
 */
export async function rulesOf(target: Target, subscriber: string): Promise<CompiledRule[]> {
  const compiled = subscriberRules(subscriber);
  if (target.kind === 'local') return compiled;
  const eventBridge = new EventBridgeClient(target.clientConfig('eventbridge'));
  try {
    return await Promise.all(
      compiled.map(async (rule) => {
        const input = { Name: rule.ruleName, EventBusName: target.eventBusName };
        const [described, { Targets = [] }] = await Promise.all([
          eventBridge.send(new DescribeRuleCommand(input)),
          eventBridge.send(
            new ListTargetsByRuleCommand({ Rule: rule.ruleName, EventBusName: target.eventBusName }),
          ),
        ]);
        const transformer = Targets[0]?.InputTransformer;
        if (described.EventPattern === undefined || transformer?.InputTemplate === undefined) {
          throw new OperationError(
            `rule ${rule.ruleName} on ${target.label} has no pattern or input transformer`,
          );
        }
        return {
          ...rule,
          eventPattern: JSON.parse(described.EventPattern),
          inputTransformer: {
            inputPathsMap: transformer.InputPathsMap ?? {},
            inputTemplate: transformer.InputTemplate,
          },
        };
      }),
    );
  } finally {
    eventBridge.destroy();
  }
}
