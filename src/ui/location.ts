// Where the UI is: the route is the hash (`#/experiments/1/runs/<id>`, as MLflow's UI and the
// links its client prints have it), and the view state is a query string, which may sit in the
// page's own URL (`?filter=…#/experiments/1`, where navigation puts it) or inside the hash, as
// MLflow's links write it (`#/compare-runs?runs=[…]&experiments=[…]`). Both are read as one.
import { useHashLocation } from 'wouter-preact/use-hash-location';
import { useSearch as usePageSearch } from 'wouter-preact/use-browser-location';

type Navigate = ReturnType<typeof useHashLocation>[1];

export function useRoute(): [string, Navigate] {
  const [location, navigate] = useHashLocation();
  const query = location.indexOf('?');
  return [query < 0 ? location : location.slice(0, query), navigate];
}

// Links render as `#/…`, so they open in a new tab too.
useRoute.hrefs = (href: string) => `#${href}`;

export function useViewSearch(): string {
  const [location] = useHashLocation();
  const page = usePageSearch();
  const query = location.indexOf('?');
  const inHash = query < 0 ? '' : location.slice(query + 1);
  return [page.replace(/^\?/, ''), inHash].filter(Boolean).join('&');
}
