// Server configuration: the one place environment variables are read. Flags override env.
import path from 'node:path';
import { z } from 'zod';

export const configSchema = z.object({
  host: z.string().min(1).default('127.0.0.1'),
  port: z.coerce.number().int().min(0).max(65535).default(5000),
  dataDir: z.string().min(1).default('./projects'),
  /** How many project databases stay open at once; older ones are closed (LRU). */
  maxOpenProjects: z.coerce.number().int().min(1).default(64),
});

export type Config = z.infer<typeof configSchema>;

export interface ConfigFlags {
  host?: string;
  port?: string | number;
  dataDir?: string;
}

export function loadConfig(flags: ConfigFlags = {}, env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = configSchema.safeParse({
    host: flags.host ?? env.TRACKD_HOST,
    port: flags.port ?? env.TRACKD_PORT,
    dataDir: flags.dataDir ?? env.TRACKD_DATA_DIR,
    maxOpenProjects: env.TRACKD_MAX_OPEN_PROJECTS,
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`Invalid configuration for '${issue.path.join('.')}': ${issue.message}`);
  }
  return { ...parsed.data, dataDir: path.resolve(parsed.data.dataDir) };
}
