// The artifact API families in one list for the endpoint table: MLflow's artifact proxy and its
// multipart uploads, run-relative listing and downloads, our HTML-form upload and the web UI's one.
import type { AnyEndpoint } from '../../http/endpoint.js';
import { artifactFormEndpoints } from './form-upload.js';
import { artifactMultipartEndpoints } from './multipart.js';
import { artifactProxyEndpoints } from './proxy.js';
import { runArtifactEndpoints } from './run-artifacts.js';
import { presignedUrlEndpoints } from './presigned.js';
import { uiUploadEndpoints } from './ui-upload.js';

export const artifactEndpoints: AnyEndpoint[] = [
  ...artifactProxyEndpoints,
  ...artifactMultipartEndpoints,
  ...runArtifactEndpoints,
  ...presignedUrlEndpoints,
  ...artifactFormEndpoints,
  ...uiUploadEndpoints,
];
