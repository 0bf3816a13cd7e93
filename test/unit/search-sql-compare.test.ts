// Building blocks of the search grammar: LIKE → GLOB for case-sensitive matching on SQLite, a
// number compared with a text value as SQLite compares them (on any database), the shell-style
// word splitting order_by uses, and the Python reprs MLflow's messages contain.
import SQLite from 'better-sqlite3';
import { Kysely, sql, SqliteDialect } from 'kysely';
import { describe, expect, it } from 'vitest';
import { shellSplit } from '../../src/search/order-by.js';
import { pyBytes, pyFloat, pyRepr, pyStr, pyTuple } from '../../src/search/python-repr.js';
import { compareNumber, likeToGlob } from '../../src/search/sql-compare.js';

describe('likeToGlob', () => {
  it('maps LIKE wildcards and escapes GLOB’s own', () => {
    expect(likeToGlob('a%b_c')).toBe('a*b?c');
    expect(likeToGlob('x*y?[z]')).toBe('x[*]y[?][[]z]');
    expect(likeToGlob('100\\%')).toBe('100\\*');
  });
});

describe('compareNumber with a text value', () => {
  it('answers elsewhere as SQLite answers itself, for columns and computed values', async () => {
    const db = new Kysely<{ t: { id: number; v: number | null } }>({
      dialect: new SqliteDialect({ database: new SQLite(':memory:') }),
    });
    await sql`create table t (id integer primary key, v integer)`.execute(db);
    await sql`insert into t (id, v) values (1, -3), (2, 5), (3, 10), (4, null)`.execute(db);
    const matching = async (
      flavour: 'sqlite' | 'other',
      op: string,
      text: string,
      computed: boolean,
    ) => {
      // A computed value (here v + 0) has no affinity: SQLite then compares number with text.
      const column = computed ? sql`(v + 0)` : sql.ref('v');
      const rows = await db
        .selectFrom('t')
        .select('id')
        .where(compareNumber(flavour, column, op, text, computed))
        .orderBy('id')
        .execute();
      return rows.map((r) => r.id);
    };
    let compared = 0;
    for (const op of ['=', '!=', '>', '>=', '<', '<=']) {
      for (const text of ['5', ' 5 ', '1e1', '-3.0', 'abc', '', '5x']) {
        for (const computed of [false, true]) {
          const native = await matching('sqlite', op, text, computed);
          const spelled = await matching('other', op, text, computed);
          expect(spelled, `${computed ? 'computed' : 'column'} ${op} '${text}'`).toEqual(native);
          compared++;
        }
      }
    }
    expect(compared).toBe(84);
    expect(await matching('other', '>', '5', false)).toEqual([3]);
    expect(await matching('other', '<', 'abc', false)).toEqual([1, 2, 3]);
    await db.destroy();
  });
});

describe('shellSplit', () => {
  it('splits like Python’s shlex.split', () => {
    expect(shellSplit('metrics."my metric" DESC')).toEqual(['metrics.my metric', 'DESC']);
    expect(shellSplit("params.'a b'")).toEqual(['params.a b']);
    expect(shellSplit('a\\ b  c')).toEqual(['a b', 'c']);
    expect(shellSplit('x "unterminated')).toBeUndefined();
  });
});

describe('python reprs', () => {
  it('render like Python', () => {
    expect(pyStr("it's")).toBe('"it\'s"');
    expect(pyStr('a\nb')).toBe("'a\\nb'");
    expect(pyTuple(['a'])).toBe("('a',)");
    expect(pyTuple(['a', 1])).toBe("('a', 1)");
    expect(pyRepr({ offset: null, x: [true] })).toBe("{'offset': None, 'x': [True]}");
    expect(pyFloat(1000)).toBe('1000.0');
    expect(pyFloat(1e16)).toBe('1e+16');
    expect(pyFloat(0.00001)).toBe('1e-05');
    expect(pyBytes(Buffer.from([0x69, 0xb7, 0x27]))).toBe('b"i\\xb7\'"');
  });
});
