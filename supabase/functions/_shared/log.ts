// Structured logs: one JSON object per line on stdout/stderr, which the Supabase dashboard
// (and any log shipper) can filter by field. Never log tokens, secrets or file contents.
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, unknown>;

export interface Logger {
  log(level: LogLevel, msg: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

function serialise(value: unknown): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message, stack: value.stack };
  return value;
}

export function createLogger(base: LogFields = {}, write = defaultWrite): Logger {
  return {
    log(level, msg, fields = {}) {
      const entry: LogFields = { level, msg, time: new Date().toISOString(), ...base };
      for (const [k, v] of Object.entries(fields)) entry[k] = serialise(v);
      write(level, JSON.stringify(entry));
    },
    child(fields) {
      return createLogger({ ...base, ...fields }, write);
    },
  };
}

function defaultWrite(level: LogLevel, line: string) {
  if (level === 'error' || level === 'warn') console.error(line);
  else console.log(line);
}

/** A logger that keeps entries in memory (tests) or drops them. */
export function memoryLogger(): Logger & { entries: LogFields[] } {
  const entries: LogFields[] = [];
  const logger = createLogger({}, (_level, line) => entries.push(JSON.parse(line)));
  return Object.assign(logger, { entries });
}
