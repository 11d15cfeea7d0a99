import { Command, CommanderError } from 'commander';
import { registerBackfill } from './commands/backfill.ts';
import { registerDeliveries } from './commands/deliveries.ts';
import { registerDlq } from './commands/dlq.ts';
import { registerImport } from './commands/import.ts';
import { registerRedrive } from './commands/redrive.ts';
import { registerReplay } from './commands/replay.ts';
import { registerSmoke } from './commands/smoke.ts';
import { registerStatus } from './commands/status.ts';
import { registerSubmit } from './commands/submit.ts';
import { registerTail } from './commands/tail.ts';
import { EXIT, OperationError, UsageError } from './errors.ts';

// `npm run hub -- <command>`: the operator command for the local hub and deployed stacks (README "Operations").

/** Each module adds one subcommand (cli/commands/<name>.ts exports `register<Name>(program)`). */
const COMMANDS: ReadonlyArray<(program: Command) => void> = [
  registerStatus,
  registerTail,
  registerSubmit,
  registerImport,
  registerBackfill,
  registerDlq,
  registerRedrive,
  registerReplay,
  registerDeliveries,
  registerSmoke,
];

// Named as it is typed, so a usage line can be copied; errors print one `error:` line and the usage.
const program = new Command('npm run hub --')
  .description(
    'Operate the residence-data-hub: the running local hub by default, a deployed stack with --stack',
  )
  .showHelpAfterError()
  .exitOverride();
for (const register of COMMANDS) register(program);
for (const command of program.commands) command.exitOverride().showHelpAfterError();

try {
  await program.parseAsync(process.argv);
} catch (error) {
  process.exitCode = exitCodeOf(error);
}

function exitCodeOf(error: unknown): number {
  if (error instanceof CommanderError) {
    // Commander printed the message (and the usage hint) already; help and version are not failures.
    return ['commander.helpDisplayed', 'commander.help', 'commander.version'].includes(error.code)
      ? EXIT.ok
      : EXIT.usage;
  }
  const command = process.argv[2] ?? '';
  if (error instanceof UsageError) {
    console.error(`error: ${error.message}`);
    return EXIT.usage;
  }
  // Never a stack trace for an operation that failed; HUB_DEBUG=1 shows one for a bug.
  console.error(
    `hub ${command}: ${error instanceof OperationError ? '' : 'failed: '}${(error as Error).message}`,
  );
  if (process.env.HUB_DEBUG) console.error(error);
  return EXIT.failed;
}
