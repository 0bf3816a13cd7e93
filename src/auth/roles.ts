// Who may do what: a user's role in a project (read < edit < manage) or the server-wide admin,
// compared with the access class each endpoint declares in its table. The one place that decides.

/** An endpoint's access class, declared in its table: what a caller needs to call it. */
export const ACCESS_CLASSES = ['read', 'edit', 'manage', 'admin'] as const;
export type Access = (typeof ACCESS_CLASSES)[number];

export const PROJECT_ROLES = ['read', 'edit', 'manage'] as const;
export type ProjectRole = (typeof PROJECT_ROLES)[number];
/** What a caller holds in one project; `admin` is the server admin, `none` nothing at all. */
export type Standing = ProjectRole | 'admin' | 'none';

const RANK: Record<Standing, number> = { none: 0, read: 1, edit: 2, manage: 3, admin: 4 };

export function atLeast(have: Standing, need: Standing): boolean {
  return RANK[have] >= RANK[need];
}

export function lower(a: Standing, b: Standing): Standing {
  return RANK[a] <= RANK[b] ? a : b;
}

export function isProjectRole(value: string): value is ProjectRole {
  return (PROJECT_ROLES as readonly string[]).includes(value);
}
