/**
 * One call per key, answered in batches: `run` gets the keys of every call made in the same turn
 * of the event loop, or while the batch before was running (group commit: one batch in flight, at
 * most `max` keys each, in call order), so callers that each need one row make one round trip
 * together. A call whose batch fails rejects with that batch's error; the batches after it still run.
 * @param run answers the keys it is given, one result per key, in order.
 */
export function batchedCalls<K, V>(run: (keys: K[]) => Promise<V[]>, max: number): (key: K) => Promise<V> {
  const waiting: { key: K; resolve: (value: V) => void; reject: (error: unknown) => void }[] = [];
  let running = false;

  function startNext() {
    if (running || waiting.length === 0) return;
    running = true;
    // After the calls made in this turn have joined the batch.
    setImmediate(() => void runBatch());
  }

  async function runBatch() {
    const batch = waiting.splice(0, max);
    try {
      const values = await run(batch.map((call) => call.key));
      if (values.length !== batch.length) throw new Error(`A batch of ${batch.length} calls got ${values.length} answers.`);
      batch.forEach((call, i) => call.resolve(values[i] as V));
    } catch (error) {
      for (const call of batch) call.reject(error);
    } finally {
      running = false;
      startNext();
    }
  }

  return (key) =>
    new Promise<V>((resolve, reject) => {
      waiting.push({ key, resolve, reject });
      startNext();
    });
}
