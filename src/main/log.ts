/**
 * The app's log. Callers pass messages and errors, never request bodies: inputs may hold passwords,
 * tokens, licence keys or medical data, and nothing of that belongs in a log file.
 */
export interface Logger {
  info(message: string): void;
  warn(message: string, err?: unknown): void;
  error(message: string, err?: unknown): void;
}

export const consoleLogger: Logger = {
  info: (m) => console.log(m),
  warn: (m, err) => console.warn(m, describe(err)),
  error: (m, err) => console.error(m, describe(err)),
};

function describe(err: unknown): string {
  if (err === undefined) return '';
  return err instanceof Error ? (err.stack ?? err.message) : String(err);
}
