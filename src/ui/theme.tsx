// Light or dark: the system's choice (styles.css follows prefers-color-scheme) until the person
// picks one with the header's toggle; the pick is a data-theme attribute on <html>, remembered.
import { useState } from 'preact/hooks';

type Theme = 'light' | 'dark';
const KEY = 'trackd.theme';

function stored(): Theme | undefined {
  try {
    const value = localStorage.getItem(KEY);
    return value === 'light' || value === 'dark' ? value : undefined;
  } catch {
    return undefined; // storage refused (private mode, policy): the system's choice stays
  }
}

const systemTheme = (): Theme =>
  window.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';

/** Called before the first render, so a remembered theme never flashes the other one first. */
export function applyStoredTheme(): void {
  const theme = stored();
  if (theme) document.documentElement.dataset.theme = theme;
}

export function ThemeToggle() {
  const [theme, setTheme] = useState<Theme>(() => stored() ?? systemTheme());
  const other: Theme = theme === 'dark' ? 'light' : 'dark';
  return (
    <button
      type="button"
      class="theme-toggle"
      aria-label={`Switch to the ${other} theme`}
      title={`Switch to the ${other} theme`}
      onClick={() => {
        document.documentElement.dataset.theme = other;
        try {
          localStorage.setItem(KEY, other);
        } catch {
          // Not remembered, but still applied for this page.
        }
        setTheme(other);
      }}
    >
      {theme === 'dark' ? '☀ Light' : '☾ Dark'}
    </button>
  );
}
