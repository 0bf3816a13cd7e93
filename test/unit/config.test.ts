// Configuration contract: defaults, env vars, and flags taking precedence over env.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';

describe('loadConfig', () => {
  it('defaults to 127.0.0.1:5000 with data in ./projects', () => {
    const config = loadConfig({}, {});
    expect(config).toMatchObject({
      host: '127.0.0.1',
      port: 5000,
      dataDir: path.resolve('projects'),
    });
  });

  it('reads TRACKD_HOST, TRACKD_PORT and TRACKD_DATA_DIR', () => {
    const config = loadConfig(
      {},
      { TRACKD_HOST: '0.0.0.0', TRACKD_PORT: '6000', TRACKD_DATA_DIR: '/srv/t' },
    );
    expect(config).toMatchObject({ host: '0.0.0.0', port: 6000, dataDir: '/srv/t' });
  });

  it('lets flags override the environment', () => {
    const config = loadConfig(
      { host: '127.0.0.2', port: '7000', dataDir: '/data' },
      { TRACKD_HOST: '0.0.0.0', TRACKD_PORT: '6000', TRACKD_DATA_DIR: '/srv/t' },
    );
    expect(config).toMatchObject({ host: '127.0.0.2', port: 7000, dataDir: '/data' });
  });

  it('rejects a port that is not a number', () => {
    expect(() => loadConfig({ port: 'http' }, {})).toThrow(/port/);
  });

  it('reads the reliability and security settings from flags, then env, MLflow names included', () => {
    const config = loadConfig(
      { allowedHosts: 'trackd.example.com, *.corp', shutdownGrace: '5', bodyTimeout: '2' },
      {
        MLFLOW_SERVER_CORS_ALLOWED_ORIGINS: 'https://ui.example',
        TRACKD_PUBLIC_URL: 'https://trackd.example.com/',
        TRACKD_MAX_JSON_IN_FLIGHT: '32',
        TRACKD_LOG_LEVEL: 'warn',
        TRACKD_KEEP_ALIVE_TIMEOUT: '90',
      },
    );
    expect(config).toMatchObject({
      allowedHosts: ['trackd.example.com', '*.corp'],
      corsAllowedOrigins: ['https://ui.example'],
      publicUrl: 'https://trackd.example.com',
      shutdownGraceSeconds: 5,
      keepAliveSeconds: 90,
      bodyTimeoutSeconds: 2,
      maxJsonInFlightMiB: 32,
      logLevel: 'warn',
    });
  });

  it('refuses a public URL that is not http(s) and an unknown log level', () => {
    expect(() => loadConfig({ publicUrl: 'ftp://x' }, {})).toThrow(/publicUrl/);
    expect(() => loadConfig({ logLevel: 'loud' }, {})).toThrow(/logLevel/);
  });
});
