// The body-decoding worker: parses a request's JSON and checks it with its endpoint's decoder,
// answering the packed result (its buffers transferred, not copied) or the error to report.
import { parentPort } from 'node:worker_threads';
import { parseJsonBody } from '../http/json-body.js';
import { decodeWith, toFailure } from '../http/body-decoder.js';
import { BODY_DECODERS } from '../api/body-decoders.js';
import type { DecodeJob, DecodeResult } from '../http/body-decoding.js';

parentPort?.on('message', ({ id, decoder: name, text, pathParams }: DecodeJob) => {
  let result: DecodeResult;
  let transfer: ArrayBuffer[] = [];
  try {
    const decoder = BODY_DECODERS.get(name);
    if (!decoder) throw new Error(`no body decoder named ${name}`);
    const json = { ...(parseJsonBody(text) as Record<string, unknown>), ...pathParams };
    const packed = decoder.pack(decodeWith(decoder, json));
    result = { id, data: packed.data };
    transfer = packed.transfer;
  } catch (err) {
    result = { id, failure: toFailure(err) };
  }
  parentPort?.postMessage(result, transfer);
});
