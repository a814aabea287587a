// A worker thread of the preparation pool (createPreparer): each task runs here as it would on the main thread.
import { type PrepareTask, runPrepareTask } from "./prepare-tasks.js";

export default function prepare(task: PrepareTask): Promise<unknown> {
  return runPrepareTask(task);
}
