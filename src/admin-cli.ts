// The admin commands of the `trackd` binary: users, tokens and roles, written straight into the
// server store of a data root (a running server sees the changes on its next request).
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { Accounts } from './auth/accounts.js';
import { parseToken, TOKEN_SCOPES, type TokenScope } from './auth/tokens.js';
import { loadConfig } from './config.js';
import { validateProjectName } from './http/project-scope.js';
import { ServerStore } from './store/server/server-store.js';

/** Where the server store is: the data root's server.db, or a PostgreSQL backend store. */
interface StoreFlags {
  dataDir?: string;
  backendStoreUri?: string;
}

async function withAccounts<T>(flags: StoreFlags, use: (a: Accounts) => Promise<T>): Promise<T> {
  const { dataDir, backendStoreUri } = flags;
  const store = await ServerStore.open(loadConfig({ dataDir, backendStoreUri }));
  try {
    return await use(new Accounts(store));
  } finally {
    await store.close();
  }
}

/** A password from standard input: typed at a prompt (not echoed), or the first line piped in. */
async function readPassword(prompt: string): Promise<string> {
  const input = process.stdin;
  if (!input.isTTY) {
    const chunks: Buffer[] = [];
    for await (const chunk of input) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0];
  }
  const rl = createInterface({ input, output: process.stderr, terminal: true });
  process.stderr.write(prompt);
  // Typed characters are not echoed back.
  (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = () => undefined;
  const answer = await new Promise<string>((resolve) => rl.question('', resolve));
  rl.close();
  process.stderr.write('\n');
  return answer;
}

function date(ms: number | null): string {
  return ms === null ? '-' : new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
}

export function addAdminCommands(program: Command): void {
  const dataDir = ['--data-dir <dir>', 'data root (env TRACKD_DATA_DIR)'] as const;
  const backendStore = [
    '--backend-store-uri <uri>',
    'postgresql://… when the server runs on PostgreSQL (env TRACKD_BACKEND_STORE_URI)',
  ] as const;

  const users = program.command('users').description('manage users');
  users
    .command('add <username>')
    .description('add a user; the password is read from standard input (prompted on a terminal)')
    .option('--admin', 'make the user a server admin')
    .option('--no-password', 'a user who signs in with tokens or through the identity proxy only')
    .option(...dataDir)
    .option(...backendStore)
    .action(
      async (username: string, flags: StoreFlags & { admin?: boolean; password: boolean }) => {
        const password = flags.password ? await readPassword('Password: ') : null;
        await withAccounts(flags, (a) => a.addUser(username, password, flags.admin ?? false));
        console.log(`added ${flags.admin ? 'admin ' : ''}user ${username}`);
      },
    );
  users
    .command('list')
    .description('list users and their roles')
    .option(...dataDir)
    .option(...backendStore)
    .action(async (flags: StoreFlags) => {
      await withAccounts(flags, async (a) => {
        for (const user of await a.store.listUsers()) {
          const roles = (await a.store.rolesOf(user.id)).map((r) => `${r.project}:${r.role}`);
          console.log(
            [user.username, user.is_admin ? 'admin' : '-', roles.join(',') || '-'].join('\t'),
          );
        }
      });
    });
  users
    .command('passwd <username>')
    .description("set a user's password (read from standard input)")
    .option(...dataDir)
    .option(...backendStore)
    .action(async (username: string, flags: StoreFlags) => {
      const password = await readPassword('New password: ');
      await withAccounts(flags, (a) => a.setPassword(username, password));
      console.log(`password of ${username} changed`);
    });
  users
    .command('remove <username>')
    .description('remove a user with its tokens and roles')
    .option(...dataDir)
    .option(...backendStore)
    .action(async (username: string, flags: StoreFlags) => {
      await withAccounts(flags, (a) => a.removeUser(username));
      console.log(`removed user ${username}`);
    });

  const tokens = program.command('tokens').description('manage personal access tokens');
  tokens
    .command('create <username>')
    .description('create a token for a user and print it (shown this once)')
    .requiredOption('--name <name>', 'what the token is for')
    .option('--scope <scope>', `${TOKEN_SCOPES.join('|')}`, 'write')
    .option('--project <project>', 'limit the token to one project')
    .option('--expires-days <days>', 'days until it expires (default: never)')
    .option(...dataDir)
    .option(...backendStore)
    .action(
      async (
        username: string,
        flags: StoreFlags & {
          name: string;
          scope: string;
          project?: string;
          expiresDays?: string;
        },
      ) => {
        if (flags.project !== undefined) validateProjectName(flags.project);
        const made = await withAccounts(flags, (a) =>
          a.createToken({
            username,
            name: flags.name,
            scope: flags.scope as TokenScope,
            project: flags.project,
            expiresInDays: flags.expiresDays === undefined ? undefined : Number(flags.expiresDays),
          }),
        );
        console.log(made.token);
      },
    );
  tokens
    .command('list')
    .description('list tokens (never their secrets)')
    .option('--user <username>', "only this user's tokens")
    .option(...dataDir)
    .option(...backendStore)
    .action(async (flags: StoreFlags & { user?: string }) => {
      await withAccounts(flags, async (a) => {
        const user = flags.user === undefined ? undefined : await a.store.getUser(flags.user);
        for (const t of await a.store.listTokens(user?.id)) {
          const state = t.revoked_ms !== null ? 'revoked' : `expires ${date(t.expires_ms)}`;
          console.log(
            [
              t.public_id,
              t.username,
              t.name,
              t.scope,
              t.project ?? '*',
              date(t.created_ms),
              state,
            ].join('\t'),
          );
        }
      });
    });
  tokens
    .command('revoke <token-id>')
    .description('revoke a token by its id (the part after trkd_) or its whole text')
    .option(...dataDir)
    .option(...backendStore)
    .action(async (tokenId: string, flags: StoreFlags) => {
      const id = parseToken(tokenId)?.publicId ?? tokenId;
      const revoked = await withAccounts(flags, (a) => a.store.revokeToken(id));
      if (!revoked) throw new Error(`no active token ${id}`);
      console.log(`revoked ${id}`);
    });

  program
    .command('grant <username> <project> <role>')
    .description("set a user's role in a project: read, edit, manage, or none to remove it")
    .option(...dataDir)
    .option(...backendStore)
    .action(async (username: string, project: string, role: string, flags: StoreFlags) => {
      validateProjectName(project);
      await withAccounts(flags, (a) => a.grant(username, project, role));
      console.log(`${username}: ${role} in ${project}`);
    });
}
