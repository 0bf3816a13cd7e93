// How trace values read: short durations (µs to minutes), JSON values as indented text (never as
// markup), span ids in hex as OpenTelemetry tools print them.

export function elapsed(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '';
  if (ms < 1) return `${Math.round(ms * 1000)} µs`;
  if (ms < 10) return `${ms.toFixed(2)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(2)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${Math.round((ms - minutes * 60_000) / 1000)} s`;
}

/** A value for a <pre>: strings as they are, anything else as indented JSON. */
export function jsonText(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value;
  return JSON.stringify(value, null, 2) ?? String(value);
}

/** A value on one line, cut at `max` characters (assessment chips, tag cells). */
export function shortText(value: unknown, max = 60): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** `kYHG1+WuEc0=` → `9181c6d7e5ae11cd`; text that is not base64 is returned as it is. */
export function hexId(base64: string | null | undefined): string {
  if (!base64) return '';
  try {
    return [...atob(base64)].map((c) => c.charCodeAt(0).toString(16).padStart(2, '0')).join('');
  } catch {
    return base64;
  }
}
