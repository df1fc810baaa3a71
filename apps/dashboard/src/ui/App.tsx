import type { OverviewResponse } from '../shared/api-types.ts';
import { api, usePoll } from './api.ts';
import { navigate, useLocation } from './router.ts';
import { AiopsView } from './views/Aiops.tsx';
import { ChaosView } from './views/Chaos.tsx';
import { ExperimentsView } from './views/Experiments.tsx';
import { LoadView } from './views/Load.tsx';
import { LogsView } from './views/Logs.tsx';
import { OverviewView } from './views/Overview.tsx';
import { TracesView } from './views/Traces.tsx';

const VIEWS = [
  ['/', 'Overview'],
  ['/chaos', 'Chaos'],
  ['/load', 'Load'],
  ['/aiops', 'AI-Ops'],
  ['/traces', 'Traces'],
  ['/logs', 'Logs'],
  ['/experiments', 'Experiments'],
] as const;

export function App() {
  const url = useLocation();
  const path = url.pathname;
  const overview = usePoll(() => api<OverviewResponse>('/api/overview'), 2000);

  let view;
  switch (path) {
    case '/chaos':
      view = <ChaosView overview={overview.data} readAt={overview.at} refresh={overview.refresh} />;
      break;
    case '/load':
      view = <LoadView />;
      break;
    case '/aiops':
      view = <AiopsView />;
      break;
    case '/traces':
      view = <TracesView url={url} />;
      break;
    case '/logs':
      view = <LogsView />;
      break;
    case '/experiments':
      view = <ExperimentsView />;
      break;
    default:
      view = <OverviewView overview={overview.data} readAt={overview.at} />;
  }

  return (
    <>
      <header>
        <h1>archaics</h1>
        <nav>
          {VIEWS.map(([to, label]) => (
            <a
              key={to}
              href={to}
              className={path === to ? 'active' : ''}
              onClick={(e) => {
                e.preventDefault();
                navigate(to);
              }}
            >
              {label}
            </a>
          ))}
          <a href="/control">Phone page</a>
        </nav>
        {overview.error && <span className="warn">dashboard server: {overview.error}</span>}
      </header>
      <main>{view}</main>
    </>
  );
}
