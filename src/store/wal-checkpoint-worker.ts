// The worker thread of wal-checkpoints.ts: keeps the watched project databases checkpointed.
import { parentPort } from 'node:worker_threads';
import {
  CHECKPOINT_INTERVAL_MS,
  CheckpointLoop,
  type CheckpointMessage,
} from './wal-checkpoints.js';

const loop = new CheckpointLoop();
parentPort!.on('message', (message: CheckpointMessage) => {
  if ('watch' in message) loop.watch(message.watch);
  else loop.unwatch(message.unwatch);
});
setInterval(() => loop.tick(), CHECKPOINT_INTERVAL_MS);
