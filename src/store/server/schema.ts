// The server store's tables (migrations/server/): what lives beside the projects, not in them.
import type { Generated } from 'kysely';

export interface UsersTable {
  id: Generated<number>;
  username: string;
  password_hash: string | null;
  is_admin: number;
  created_ms: number;
}

export interface TokensTable {
  id: Generated<number>;
  /** The part of the token text that names it (not secret); the rest is only stored hashed. */
  public_id: string;
  user_id: number;
  name: string;
  secret_hash: string;
  scope: string;
  project: string | null;
  created_ms: number;
  expires_ms: number | null;
  revoked_ms: number | null;
}

export interface GrantsTable {
  user_id: number;
  project: string;
  role: string;
}

export interface ServerDatabase {
  users: UsersTable;
  tokens: TokensTable;
  grants: GrantsTable;
}
