// The worker thread of wal-checkpoints.ts: keeps the watched project databases checkpointed.
import { parentPort } from 'node:worker_threads';
import {
  CHECKPOINT_INTERVAL_MS,
  CheckpointLoop,
  type CheckpointMessage,
  type UnwatchedMessage,
} from '../store/wal-checkpoints.js';

const loop = new CheckpointLoop();
parentPort!.on('message', (message: CheckpointMessage) => {
  if (!('watch' in message)) {
    loop.unwatch(message.unwatch);
    parentPort!.postMessage({ unwatched: message.id } satisfies UnwatchedMessage);
    return;
  }
  try {
    loop.watch(message.watch);
  } catch {
    // Gone again before the message arrived (a project deleted at once): nothing to checkpoint.
  }
});
setInterval(() => loop.tick(), CHECKPOINT_INTERVAL_MS);
