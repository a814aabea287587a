/** A local server process (PostgreSQL or Chroma) that tests and the embedded default control. */
export interface LocalServer {
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  /** PID of the server process, or undefined while stopped. */
  readonly pid: number | undefined;
  /** Graceful shutdown; waits for the process to exit. */
  stop(): Promise<void>;
  /** SIGKILL: a crash, as far as clients can tell. Waits for the process to be gone. */
  kill(): Promise<void>;
  /** Start again on the same port with the same data (after stop or kill). */
  start(): Promise<void>;
  /** stop() and remove the data directory. */
  destroy(): Promise<void>;
}
