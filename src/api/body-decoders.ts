// Every endpoint body decoder by name: the decoding worker resolves the name a job carries here.
import type { BodyDecoder } from '../http/body-decoder.js';
import { logBatchDecoder } from './tracking/log-batch-request.js';

export const BODY_DECODERS: ReadonlyMap<string, BodyDecoder> = new Map(
  [logBatchDecoder as BodyDecoder].map((d) => [d.name, d]),
);
