import pg from "pg";

/** The channel a statement trigger on `sources` notifies after every committed change. */
const SOURCES_CHANGED_CHANNEL = "kmcp_sources_changed";

// One query proves that the connection still answers (so every notification sent before it has
// arrived: they travel on the same socket, in order), that it is still the session that listens
// (a pooler such as PgBouncer in transaction mode would hand out another), and that the trigger
// which sends the notifications exists and is enabled.
const HEARTBEAT = `SELECT pg_backend_pid() = $1
  AND EXISTS (SELECT 1 FROM pg_listening_channels() AS c WHERE c = '${SOURCES_CHANGED_CHANNEL}')
  AND EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = 'sources_notify_changed' AND tgrelid = to_regclass('sources') AND tgenabled <> 'D')
  AS ok`;

export interface ChangeListenerOptions {
  url: string;
  connectTimeoutMs: number;
  /** How often the connection and the trigger are checked; answers older than twice this are doubted. */
  heartbeatMs: number;
}

/**
 * Listens for committed changes to `sources` on a connection of its own. `epoch()` moves on
 * with every change and every loss of the connection, so whatever was read at one epoch is
 * current while the epoch stays and `isLive()` holds.
 */
export interface ChangeListener {
  /** Connected, listening, the trigger in place, and the last heartbeat answered recently and well. */
  isLive(): boolean;
  epoch(): number;
  /** Connects in the background unless connected or a recent attempt failed. Never throws. */
  start(): void;
  close(): Promise<void>;
}

/** How the connection shows in pg_stat_activity. */
export const LISTENER_APPLICATION_NAME = "kmcp-change-listener";

const RETRY_MIN_MS = 1_000;
const RETRY_MAX_MS = 30_000;

export function createChangeListener(options: ChangeListenerOptions): ChangeListener {
  const now = Date.now;
  let epoch = 0;
  let client: pg.Client | undefined;
  let listening = false;
  let backendPid = 0;
  let heartbeatOk = false;
  let lastAnswerAt = Number.NEGATIVE_INFINITY;
  let heartbeatPending = false;
  let timer: NodeJS.Timeout | undefined;
  let retryAt = 0;
  let retryMs = RETRY_MIN_MS;
  let closed = false;

  function lose(lost: pg.Client): void {
    if (client !== lost) return;
    client = undefined;
    listening = false;
    heartbeatOk = false;
    clearInterval(timer);
    timer = undefined;
    retryAt = now() + retryMs;
    retryMs = Math.min(retryMs * 2, RETRY_MAX_MS);
    lost.end().catch(() => {});
  }

  async function heartbeat(current: pg.Client): Promise<void> {
    if (heartbeatPending) return;
    heartbeatPending = true;
    try {
      const { rows } = await current.query<{ ok: boolean }>(HEARTBEAT, [backendPid]);
      if (client !== current) return;
      const ok = rows[0]?.ok === true;
      // Reads made while notifications could not arrive must not be reused: start over.
      if (ok !== heartbeatOk) epoch++;
      heartbeatOk = ok;
      lastAnswerAt = now();
    } catch {
      lose(current);
    } finally {
      heartbeatPending = false;
    }
  }

  async function connect(): Promise<void> {
    const next = new pg.Client({ connectionString: options.url, connectionTimeoutMillis: options.connectTimeoutMs, keepAlive: true, application_name: LISTENER_APPLICATION_NAME });
    client = next;
    next.on("error", () => lose(next));
    next.on("end", () => lose(next));
    next.on("notification", (message) => {
      if (message.channel === SOURCES_CHANGED_CHANNEL) epoch++;
    });
    try {
      await next.connect();
      await next.query(`LISTEN ${SOURCES_CHANGED_CHANNEL}`);
      backendPid = (await next.query<{ pid: number }>("SELECT pg_backend_pid() AS pid")).rows[0]?.pid ?? 0;
      if (client !== next || closed) return;
      listening = true;
      epoch++; // nothing read before this connection can be trusted to be current
      await heartbeat(next);
      if (client !== next) return;
      retryMs = RETRY_MIN_MS;
      timer = setInterval(() => void heartbeat(next), options.heartbeatMs);
      timer.unref();
    } catch {
      lose(next);
    }
  }

  return {
    isLive: () => listening && heartbeatOk && !closed && now() - lastAnswerAt <= 2 * options.heartbeatMs,
    epoch: () => epoch,
    start() {
      if (client || closed || now() < retryAt) return;
      void connect();
    },
    async close() {
      closed = true;
      clearInterval(timer);
      const current = client;
      client = undefined;
      listening = false;
      await current?.end().catch(() => {});
    },
  };
}
