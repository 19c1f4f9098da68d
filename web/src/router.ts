// Hash routing: #/skus, #/skus/12, #/skus/new, #/skus?q=milk&offset=50 ...
// The server only ever serves index.html.

export interface Route {
  /** Path segments, e.g. ['skus', '12']. */
  parts: string[];
  query: URLSearchParams;
}

export function currentRoute(): Route {
  const raw = location.hash.replace(/^#\/?/, '');
  const [path = '', search = ''] = raw.split('?', 2);
  const parts = path.split('/').filter(Boolean).map((p) => decodeURIComponent(p));
  return { parts, query: new URLSearchParams(search) };
}

export function href(parts: (string | number)[], query?: Record<string, string | number | undefined | null>): string {
  const path = parts.map((p) => encodeURIComponent(String(p))).join('/');
  const q = new URLSearchParams();
  if (query) {
    for (const [k, v] of Object.entries(query)) {
      if (v === undefined || v === null || v === '') continue;
      q.set(k, String(v));
    }
  }
  const qs = q.toString();
  return `#/${path}${qs ? `?${qs}` : ''}`;
}

export function navigate(target: string, replace = false): void {
  if (location.hash === target) {
    // Same hash: no hashchange event fires, so re-render explicitly.
    window.dispatchEvent(new HashChangeEvent('hashchange'));
    return;
  }
  if (replace) {
    history.replaceState(null, '', target);
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  } else {
    location.hash = target;
  }
}
