import winston from 'winston';

export type Logger = winston.Logger;

export interface LogOptions {
  level?: string;
  /** A file to append JSON lines to, beside standard output. */
  file?: string;
}

/**
 * One JSON line per event. Callers pass fields they chose (never rows, values or secrets);
 * nothing here inspects what it is given.
 */
export function createLogger(options: LogOptions = {}): Logger {
  const transports: winston.transport[] = [new winston.transports.Console()];
  if (options.file !== undefined) transports.push(new winston.transports.File({ filename: options.file }));

  return winston.createLogger({
    level: options.level ?? 'info',
    format: winston.format.combine(winston.format.timestamp(), winston.format.json()),
    defaultMeta: { service: 'airlock' },
    transports,
  });
}

/** A logger that drops everything, for library callers and unit tests. */
export function silentLogger(): Logger {
  return winston.createLogger({ silent: true, transports: [new winston.transports.Console({ silent: true })] });
}

/** Client-supplied strings reach logs cut to a bounded length. */
export function bounded(text: string, maxLength = 200): string {
  return text.length <= maxLength ? text : `${text.slice(0, maxLength)}…`;
}
