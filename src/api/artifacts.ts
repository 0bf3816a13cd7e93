// The artifact API families in one list for the endpoint table: MLflow's artifact proxy and its
// multipart uploads, run-relative listing and downloads, and our HTML-form upload.
import type { AnyEndpoint } from './endpoint.js';
import { artifactFormEndpoints } from './artifact-forms.js';
import { artifactMultipartEndpoints } from './artifact-multipart.js';
import { artifactProxyEndpoints } from './artifact-proxy.js';
import { runArtifactEndpoints } from './run-artifacts.js';

export const artifactEndpoints: AnyEndpoint[] = [
  ...artifactProxyEndpoints,
  ...artifactMultipartEndpoints,
  ...runArtifactEndpoints,
  ...artifactFormEndpoints,
];
