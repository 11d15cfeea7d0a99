import type { Command } from 'commander';
import { EXIT, UsageError } from './errors.ts';
import { closeTarget, resolveTarget, type Target, type TargetOptions, withTargetOptions } from './target.ts';

/** A command's work once its target is resolved; returns the exit code (0 unless it says otherwise). */
export type TargetAction<O> = (target: Target, options: O, ...args: string[]) => Promise<number | undefined>;

/**
 * Registers a subcommand that acts on a target: adds the target options, resolves the target before the
 * action and closes its clients after. Errors propagate to main.ts, which turns them into exit codes.
 */
export function targetCommand<O>(
  program: Command,
  name: string,
  description: string,
  configure: (command: Command) => Command,
  action: TargetAction<O>,
): Command {
  const command = withTargetOptions(configure(program.command(name).description(description)));
  return command.action(async (...received: unknown[]) => {
    const options = command.opts<O & TargetOptions>();
    const args = received.slice(0, command.registeredArguments.length) as string[];
    try {
      const target = await resolveTarget(options);
      try {
        const code = await action(target, options, ...args);
        if (code !== undefined && code !== 0) process.exitCode = code;
      } finally {
        closeTarget(target);
      }
    } catch (error) {
      // A bad argument found once the target is known: one `error:` line and the usage, as commander's own.
      if (error instanceof UsageError) command.error(`error: ${error.message}`, { exitCode: EXIT.usage });
      throw error;
    }
  });
}
