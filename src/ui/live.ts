// Pages of active runs follow them: while `active`, a counter ticks every few seconds, and the
// page refetches what depends on it. Polling the public API keeps the server free of push state.
import { useEffect, useState } from 'preact/hooks';

export const LIVE_INTERVAL_MS = 3000;

export function useLiveTick(active: boolean): number {
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (!active) return;
    const timer = setTimeout(() => {
      // Not while the tab is hidden: it catches up when shown again.
      if (document.visibilityState === 'visible') setTick((n) => n + 1);
      else
        document.addEventListener('visibilitychange', () => setTick((n) => n + 1), { once: true });
    }, LIVE_INTERVAL_MS);
    return () => clearTimeout(timer);
  }, [active, tick]);
  return tick;
}
