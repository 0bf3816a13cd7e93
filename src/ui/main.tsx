// The web UI: hash routes as MLflow's UI has them (the official client prints
// `…/#/experiments/<id>/runs/<run_id>` after every run), view state in the query string, so every
// view is a link. Talks to the server only through its public REST API (api.ts).
import { render } from 'preact';
import { Link, Route, Router, Switch } from 'wouter-preact';
import { projectName } from './api.js';
import { lazy } from './lazy.js';
import { useRoute, useViewSearch } from './location.js';
import { ComparePage } from './pages/compare.js';
import { ExperimentsPage } from './pages/experiments.js';
import { GroupsPage } from './pages/groups.js';
import { LoggedModelPage, LoggedModelsPage } from './pages/logged-models.js';
import { ModelPage, ModelsPage } from './pages/models.js';
import { RunPage } from './pages/run.js';
import { RunsPage } from './pages/runs.js';
import { applyStoredTheme, ThemeToggle } from './theme.js';
import './styles.css';

applyStoredTheme();

// The trace pages are their own chunk, fetched when one is first opened.
const tracePages = () => import('./pages/traces/traces-page.js');
const TracesPage = lazy(() => tracePages().then((m) => m.TracesPage));
const TracePage = lazy(() => tracePages().then((m) => m.TracePage));

function App() {
  return (
    <Router hook={useRoute} searchHook={useViewSearch}>
      <header class="top">
        <Link href="/" class="brand">
          trackd
        </Link>
        <span class="project" title="project">
          {projectName}
        </span>
        <Link href="/">Experiments</Link>
        <Link href="/models">Models</Link>
        <ThemeToggle />
      </header>
      <main>
        <Switch>
          <Route path="/">
            <ExperimentsPage />
          </Route>
          <Route path="/models">
            <ModelsPage />
          </Route>
          <Route path="/models/:name">
            {(params) => <ModelPage name={decodeURIComponent(params.name)} />}
          </Route>
          <Route path="/compare-runs">
            <ComparePage />
          </Route>
          <Route path="/experiments/:experimentId/groups">
            {(params) => <GroupsPage experimentId={params.experimentId} />}
          </Route>
          <Route path="/experiments/:experimentId/models">
            {(params) => <LoggedModelsPage experimentId={params.experimentId} />}
          </Route>
          <Route path="/experiments/:experimentId/models/:modelId">
            {(params) => (
              <LoggedModelPage experimentId={params.experimentId} modelId={params.modelId} />
            )}
          </Route>
          <Route path="/experiments/:experimentId/traces">
            {(params) => <TracesPage experimentId={params.experimentId} />}
          </Route>
          <Route path="/experiments/:experimentId/traces/:traceId">
            {(params) => (
              <TracePage
                experimentId={params.experimentId}
                traceId={decodeURIComponent(params.traceId)}
              />
            )}
          </Route>
          <Route path="/experiments/:experimentId/runs/:runId">
            {(params) => <RunPage experimentId={params.experimentId} runId={params.runId} />}
          </Route>
          <Route path="/experiments/:experimentId">
            {(params) => <RunsPage experimentId={params.experimentId} />}
          </Route>
          {/* MLflow's name for the same tab. */}
          <Route path="/experiments/:experimentId/runs">
            {(params) => <RunsPage experimentId={params.experimentId} />}
          </Route>
          <Route>
            <p class="notice">
              No such page. <Link href="/">All experiments</Link>
            </p>
          </Route>
        </Switch>
      </main>
    </Router>
  );
}

render(<App />, document.getElementById('app')!);
