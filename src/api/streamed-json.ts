// A JSON answer written piece by piece: a handler of a JSON endpoint returns `streamedJson(pieces)`
// when the body is too large to build as one string (a metric history of a million points is some
// 80 MB of JSON), and http/routes.ts writes the pieces as the client takes them.
const streamedJsonMark = Symbol('streamedJson');

export interface StreamedJson {
  [streamedJsonMark]: true;
  /** Consecutive pieces of the JSON text (UTF-8); together one JSON document. */
  pieces: Pieces;
}

type Pieces = Iterable<string | Buffer> | AsyncIterable<string | Buffer>;

export function streamedJson(pieces: Pieces): StreamedJson {
  return { [streamedJsonMark]: true, pieces };
}

export function isStreamedJson(value: unknown): value is StreamedJson {
  return typeof value === 'object' && value !== null && streamedJsonMark in value;
}
