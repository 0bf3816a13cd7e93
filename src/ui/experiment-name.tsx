// An experiment named as people know it (crumbs link to it on every page below it): its id until
// the name has come, the id alone if the experiment cannot be read.
import { useEffect, useState } from 'preact/hooks';
import { get, type Experiment } from './api.js';

const names = new Map<string, string>();

export function ExperimentName({ id }: { id: string }) {
  const [name, setName] = useState(names.get(id));
  useEffect(() => {
    if (names.has(id)) return setName(names.get(id));
    get<{ experiment: Experiment }>('experiments/get', { experiment_id: id }).then(
      (res) => {
        names.set(id, res.experiment.name);
        setName(res.experiment.name);
      },
      () => setName(undefined),
    );
  }, [id]);
  return <span title={`experiment ${id}`}>{name ?? `Experiment ${id}`}</span>;
}
