// The runs a search matches, loaded a page at a time as the table scrolls (runs/search with MLflow's
// page tokens; the server sorts and pages). Pages already loaded can be fetched again (live
// updates of the rows on screen) without reloading the rest.
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { post, type ApiError, type Run } from '../../api.js';

export const PAGE_SIZE = 100;

/** MLflow's ViewType for runs/search. */
export type RunViewType = 'ACTIVE_ONLY' | 'DELETED_ONLY' | 'ALL';

export interface RunQuery {
  experimentId: string;
  filter: string;
  order: string;
  viewType: RunViewType;
}

interface Page {
  /** The token that fetched this page (none for the first). */
  token?: string;
  runs: Run[];
  next?: string;
}

interface SearchAnswer {
  runs?: Run[];
  next_page_token?: string;
}

export interface RunPages {
  rows: Run[];
  /** Pages in the order loaded; each PAGE_SIZE rows but the last. */
  pageCount: number;
  /** True once the last page is in. */
  complete: boolean;
  loading: boolean;
  error?: string;
  /** Fetches the next page, unless one is under way or there is none. */
  loadMore(): void;
  /** Fetches pages `from`..`to` again (the ones on screen) and puts their rows in place. */
  refresh(from: number, to: number): void;
  /** Starts over from the first page (after runs were deleted, restored or renamed). */
  reload(): void;
}

export function useRunPages(query: RunQuery, onPage: (runs: Run[]) => void): RunPages {
  const [pages, setPages] = useState<Page[]>([]);
  const [error, setError] = useState<string>();
  const [loading, setLoading] = useState(false);
  // Answers to an older query (or one from before a reload) are dropped, not mixed in.
  const generation = useRef(0);
  const busy = useRef(false);
  const pagesRef = useRef(pages);
  pagesRef.current = pages;
  const onPageRef = useRef(onPage);
  onPageRef.current = onPage;
  const { experimentId, filter, order, viewType } = query;

  const fetchPage = useCallback(
    (token: string | undefined) =>
      post<SearchAnswer>('runs/search', {
        experiment_ids: [experimentId],
        filter,
        order_by: [order],
        run_view_type: viewType,
        max_results: PAGE_SIZE,
        ...(token ? { page_token: token } : {}),
      }),
    [experimentId, filter, order, viewType],
  );

  const load = useCallback(
    (token: string | undefined, fresh: boolean) => {
      const mine = fresh ? ++generation.current : generation.current;
      busy.current = true;
      setLoading(true);
      if (fresh) setError(undefined);
      fetchPage(token).then(
        (res) => {
          if (mine !== generation.current) return;
          busy.current = false;
          setLoading(false);
          const page = { token, runs: res.runs ?? [], next: res.next_page_token };
          onPageRef.current(page.runs);
          setPages((old) => (fresh ? [page] : [...old, page]));
        },
        (err: ApiError) => {
          if (mine !== generation.current) return;
          busy.current = false;
          setLoading(false);
          setError(err.message);
        },
      );
    },
    [fetchPage],
  );

  const reload = useCallback(() => load(undefined, true), [load]);
  useEffect(() => {
    setPages([]);
    reload();
  }, [reload]);

  const loadMore = useCallback(() => {
    const last = pagesRef.current[pagesRef.current.length - 1];
    if (busy.current || !last?.next) return;
    load(last.next, false);
  }, [load]);

  const refresh = useCallback(
    (from: number, to: number) => {
      const mine = generation.current;
      for (let i = from; i <= to && i < pagesRef.current.length; i++) {
        const token = pagesRef.current[i].token;
        fetchPage(token).then(
          (res) => {
            if (mine !== generation.current) return;
            onPageRef.current(res.runs ?? []);
            setPages((old) =>
              old.map((p, j) =>
                j === i ? { token, runs: res.runs ?? [], next: res.next_page_token } : p,
              ),
            );
          },
          () => undefined, // a missed refresh is retried on the next tick
        );
      }
    },
    [fetchPage],
  );

  const rows = useMemo(() => pages.flatMap((p) => p.runs), [pages]);

  return {
    rows,
    pageCount: pages.length,
    complete: pages.length > 0 && !pages[pages.length - 1].next,
    loading,
    error,
    loadMore,
    refresh,
    reload,
  };
}
