// Where the server keeps artifacts, chosen once from the configuration: each project's own
// `artifacts/` folder (the default), or one S3 bucket prefix holding a folder per project. The one
// place a backend is chosen; everything else sees a project's ArtifactStore.
import path from 'node:path';
import type { ArtifactStore } from './artifact-store.js';
import { STAGING_FOLDER, type SweepOptions, type SweepResult } from './leftovers.js';
import { LocalArtifactStore } from './local-store.js';
import { createS3Client, S3Bucket, type CopyLimits, type S3Settings } from './s3-bucket.js';
import { describeLocation, parseS3Uri } from './s3-keys.js';
import { removeS3Project, sweepS3Leftovers } from './s3-leftovers.js';
import { S3ArtifactStore } from './s3-store.js';

export interface ArtifactOptions {
  /** `s3://bucket/prefix`; unset: each project's `artifacts/` folder in the data dir. */
  artifactsDestination?: string;
  s3EndpointUrl?: string;
  s3ForcePathStyle?: boolean;
  s3Region?: string;
}

export interface ArtifactBackend {
  /** For logs: where artifacts go. */
  readonly description: string;
  /** The store of one project, whose folder in the data dir is `projectDir`. */
  storeFor(project: string, projectDir: string): ArtifactStore;
  /**
   * Removes the project's artifacts kept outside its folder (the caller removes the folder);
   * answers whether there were any.
   */
  removeProject(project: string): Promise<boolean>;
  /** Removes what interrupted uploads left outside the project folders (those: sweepLeftovers). */
  sweep(options: SweepOptions): Promise<SweepResult>;
}

class LocalArtifacts implements ArtifactBackend {
  readonly description = "each project's artifacts/ folder";

  storeFor(_project: string, projectDir: string): ArtifactStore {
    // Staged through a sibling `uploads/` folder: same filesystem, never listed.
    return new LocalArtifactStore(
      path.join(projectDir, 'artifacts'),
      path.join(projectDir, STAGING_FOLDER),
    );
  }

  async removeProject(): Promise<boolean> {
    return false;
  }

  async sweep(): Promise<SweepResult> {
    return { files: 0, bytes: 0 };
  }
}

export class S3Artifacts implements ArtifactBackend {
  readonly description: string;
  readonly bucket: S3Bucket;

  constructor(destination: string, settings: S3Settings, copyLimits?: CopyLimits) {
    const location = parseS3Uri(destination);
    this.bucket = new S3Bucket(createS3Client(settings), location, copyLimits);
    this.description = describeLocation(location);
  }

  storeFor(project: string): ArtifactStore {
    return new S3ArtifactStore(this.bucket, project);
  }

  removeProject(project: string): Promise<boolean> {
    return removeS3Project(this.bucket, project);
  }

  async sweep(options: SweepOptions): Promise<SweepResult> {
    try {
      return await sweepS3Leftovers(this.bucket, options);
    } catch (err) {
      const reason = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      throw new Error(`artifact destination ${this.description} is not usable: ${reason}`, {
        cause: err,
      });
    }
  }
}

export function artifactBackendOf(options: ArtifactOptions = {}): ArtifactBackend {
  if (!options.artifactsDestination) return new LocalArtifacts();
  return new S3Artifacts(options.artifactsDestination, {
    endpointUrl: options.s3EndpointUrl,
    forcePathStyle: options.s3ForcePathStyle ?? options.s3EndpointUrl !== undefined,
    region: options.s3Region,
  });
}
