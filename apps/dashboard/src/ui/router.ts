import { useEffect, useState } from 'react';

/** A tiny history router: the views are plain paths the server answers with index.html. */
export function useLocation(): URL {
  const [url, setUrl] = useState(() => new URL(window.location.href));
  useEffect(() => {
    const update = (): void => setUrl(new URL(window.location.href));
    window.addEventListener('popstate', update);
    window.addEventListener('archaics:navigate', update);
    return () => {
      window.removeEventListener('popstate', update);
      window.removeEventListener('archaics:navigate', update);
    };
  }, []);
  return url;
}

export function navigate(to: string): void {
  window.history.pushState(null, '', to);
  window.dispatchEvent(new Event('archaics:navigate'));
}
