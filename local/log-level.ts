import { logger } from '#functions/runtime/logger.ts';

export type LogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

/**
 * Sets the handlers' log level for the local hub's whole run. On Lambda the level comes from the environment
 * when the logger is built, and Powertools goes back to that level at every warm invocation
 * (`refreshSampleRateCalculation`, which also draws the debug sampling the hub does not configure); a level
 * chosen at start would last for one invocation only, so the local hub keeps its own instead.
 */
export function pinLogLevel(level: LogLevel): void {
  logger.setLogLevel(level);
  logger.refreshSampleRateCalculation = () => logger.setLogLevel(level);
}
