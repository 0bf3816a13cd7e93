// The tabs of an experiment's pages, as MLflow's UI has them: its runs, its logged models, its
// traces. Each link ends in `?` so the page it leaves behind takes its view state (a runs filter
// is no trace filter) with it.
import { Link } from 'wouter-preact';

const TABS = [
  { id: 'runs', label: 'Runs', path: '' },
  { id: 'models', label: 'Logged models', path: '/models' },
  { id: 'traces', label: 'Traces', path: '/traces' },
] as const;

export function ExperimentTabs(props: {
  experimentId: string;
  current: (typeof TABS)[number]['id'];
}) {
  return (
    <nav class="tabs" aria-label="Experiment">
      {TABS.map((tab) => (
        <Link
          key={tab.id}
          href={`/experiments/${props.experimentId}${tab.path}?`}
          class={`tab tab-${tab.id}`}
          aria-current={tab.id === props.current ? 'page' : undefined}
        >
          {tab.label}
        </Link>
      ))}
    </nav>
  );
}
