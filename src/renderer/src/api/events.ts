import { APP_EVENTS_PATH, AppEvent, type AppEventBridge } from '../../../shared/events';

/** Subscribes to main's events; returns the function that stops. */
export type SubscribeEvents = (listener: (event: AppEvent) => void) => () => void;

/** Parsed like every value that crosses a process boundary; anything else is ignored. */
function parse(raw: unknown): AppEvent | null {
  const parsed = AppEvent.safeParse(raw);
  return parsed.success ? parsed.data : null;
}

/** Electron: the preload's `window.appEvents`. */
export function ipcEvents(bridge: AppEventBridge): SubscribeEvents {
  return (listener) =>
    bridge.subscribe((raw) => {
      const event = parse(raw);
      if (event) listener(event);
    });
}

const RETRY_FIRST_MS = 1_000;
const RETRY_MAX_MS = 30_000;

/**
 * The browser host: Server-Sent Events on GET /api/events, read with fetch because EventSource
 * cannot send the host token. A dropped stream (host restarted, laptop asleep) is opened again
 * with a growing delay; each (re)connection counts as a change, since events may have been missed.
 */
export function httpEvents(baseUrl: string, token: string): SubscribeEvents {
  return (listener) => {
    let stopped = false;
    let controller: AbortController | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let retryMs = RETRY_FIRST_MS;

    const connect = async () => {
      controller = new AbortController();
      try {
        const res = await fetch(`${baseUrl}${APP_EVENTS_PATH}`, {
          headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' },
          cache: 'no-store',
          signal: controller.signal,
        });
        // A token this host does not know will not become right by asking again.
        if (res.status === 401) return;
        if (res.ok && res.body) {
          retryMs = RETRY_FIRST_MS;
          listener({ type: 'sync.status' });
          await readStream(res.body, listener);
        }
      } catch {
        // Network trouble or stopped: decided below.
      }
      if (stopped) return;
      timer = setTimeout(() => void connect(), retryMs);
      retryMs = Math.min(retryMs * 2, RETRY_MAX_MS);
    };
    void connect();

    return () => {
      stopped = true;
      controller?.abort();
      clearTimeout(timer);
    };
  };
}

/** Reads `event:`/`data:` blocks separated by a blank line; comments (`: ping`) are skipped. */
async function readStream(body: ReadableStream<Uint8Array>, listener: (event: AppEvent) => void): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const data = block
        .split('\n')
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(5).trimStart())
        .join('\n');
      if (!data) continue;
      let event: AppEvent | null = null;
      try {
        event = parse(JSON.parse(data));
      } catch {
        // Not JSON: not one of ours.
      }
      if (event) listener(event);
    }
  }
}
