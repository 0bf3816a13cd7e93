// A fresh experiment and run to write to, and the URL paths of its artifacts.
import { call } from './server-process.js';

export interface TrackingRun {
  experimentId: string;
  runId: string;
  /** `/api/2.0/mlflow-artifacts/artifacts/<experiment>/<run>/artifacts/<file>` */
  artifactUrl(file: string): string;
  /** The artifact folder as the multipart endpoints name it: `<experiment>/<run>/artifacts`. */
  artifactFolder: string;
}

export async function createRun(port: number, experimentName: string): Promise<TrackingRun> {
  const experiment = await call(port, 'POST', '/api/2.0/mlflow/experiments/create', {
    name: experimentName,
  });
  if (experiment.status !== 200) {
    throw new Error(`experiments/create: ${experiment.status} ${experiment.text}`);
  }
  const experimentId = String(experiment.json?.experiment_id);
  const run = await call(port, 'POST', '/api/2.0/mlflow/runs/create', {
    experiment_id: experimentId,
  });
  if (run.status !== 200) throw new Error(`runs/create: ${run.status} ${run.text}`);
  const runId = (run.json?.run as { info: { run_id: string } }).info.run_id;
  const artifactFolder = `${experimentId}/${runId}/artifacts`;
  return {
    experimentId,
    runId,
    artifactFolder,
    artifactUrl: (file) => `/api/2.0/mlflow-artifacts/artifacts/${artifactFolder}/${file}`,
  };
}
