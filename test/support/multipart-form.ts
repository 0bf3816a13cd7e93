// Builds multipart/form-data bodies by hand (as curl, a browser or .NET's MultipartFormDataContent
// send them), so tests control every byte, including hostile file names.
export interface FormPart {
  field: string;
  /** A file part when set; a plain text field otherwise. */
  filename?: string;
  content: string | Buffer;
  type?: string;
}

export interface Form {
  body: Buffer;
  contentType: string;
}

export function multipartForm(parts: FormPart[], boundary = 'trackd-test-boundary-7f3a'): Form {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const disposition =
      part.filename === undefined
        ? `form-data; name="${part.field}"`
        : `form-data; name="${part.field}"; filename="${part.filename}"`;
    const headers = [`Content-Disposition: ${disposition}`];
    if (part.filename !== undefined) {
      headers.push(`Content-Type: ${part.type ?? 'application/octet-stream'}`);
    }
    chunks.push(Buffer.from(`--${boundary}\r\n${headers.join('\r\n')}\r\n\r\n`));
    chunks.push(Buffer.isBuffer(part.content) ? part.content : Buffer.from(part.content));
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return {
    body: Buffer.concat(chunks),
    contentType: `multipart/form-data; boundary=${boundary}`,
  };
}
