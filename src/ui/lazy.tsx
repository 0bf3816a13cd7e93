// A component whose code is a separate chunk, fetched the first time it is shown (the trace pages:
// most visits never open one, so the first load does not carry them). Until then, `fallback`.
import type { ComponentChildren, ComponentType, FunctionComponent } from 'preact';
import { useEffect, useState } from 'preact/hooks';

export function lazy<P extends object>(
  load: () => Promise<ComponentType<P>>,
  fallback: ComponentChildren = <p class="notice">Loading…</p>,
): FunctionComponent<P> {
  let loaded: ComponentType<P> | undefined;
  let pending: Promise<ComponentType<P>> | undefined;
  return function Lazy(props: P) {
    const [Component, setComponent] = useState(() => loaded);
    const [error, setError] = useState<string>();
    useEffect(() => {
      if (Component) return;
      let live = true;
      pending ??= load().then((c) => (loaded = c));
      pending.then(
        (c) => live && setComponent(() => c),
        (err: unknown) => {
          // A failed fetch (server restarted with new chunk names, network) is tried again next time.
          pending = undefined;
          if (live) setError(`Could not load this page: ${String(err)}`);
        },
      );
      return () => {
        live = false;
      };
    }, []);
    if (error) return <p class="error">{error}</p>;
    return Component ? <Component {...props} /> : fallback;
  };
}
