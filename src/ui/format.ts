// How values read in tables: dates as local ISO-like text, durations short, numbers to 4 digits.

export function dateTime(ms: number | undefined): string {
  if (!ms) return '';
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

export function duration(start?: number, end?: number): string {
  if (!start || !end) return '';
  const s = Math.round((end - start) / 1000);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

export function number(value: number | undefined): string {
  if (value === undefined) return '';
  if (Number.isInteger(value)) return String(value);
  return Number(value.toPrecision(4)).toString();
}

/** A logged model's status as MLflow's UI words it: `LOGGED_MODEL_READY` → `Ready`. */
export function modelStatus(status: string | undefined): string {
  if (!status) return '';
  const words = status
    .replace(/^LOGGED_MODEL_/, '')
    .toLowerCase()
    .replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}
