// Trace answers written by SQLite. Migration 0013 kept each trace's tags and metadata as JSON text
// beside it (trace_info_texts) by triggers; migration 0017 replaced that with each trace's whole
// TraceInfoV3 answer (trace_info_json), blanked by triggers and written again by every trace writer.
// Whatever path writes a trace (spans arriving, StartTraceV3, the V2 calls, tag edits, deletion),
// its stored answer must be the one GetTrace writes afresh.
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { traceInfoText } from '../../src/api/traces/trace-json.js';
import { memoryDatabase } from '../support/memory-database.js';
import { ProjectRegistry } from '../../src/store/projects.js';
import {
  loadTraceInfoPage,
  loadTraceInfoTexts,
  REFRESH_ALL_SQL,
} from '../../src/store/trace-info-text.js';
import { loadTraceInfos } from '../../src/store/traces.js';
import { otlpProtobuf } from '../support/otlp.js';
import { post, startTestApp, type TestApp } from '../support/test-app.js';

/** Every trace's stored texts next to its rows aggregated afresh; they must be equal. */
function textsAndRows(sqlite: SQLite.Database) {
  return sqlite
    .prepare(
      `select t.request_id,
         j.tags_json, (select json_group_object(k.key, coalesce(k.value, '')) from trace_tags k
           where k.request_id = t.request_id) as tags_rows,
         j.metadata_json, (select json_group_object(k.key, coalesce(k.value, ''))
           from trace_request_metadata k where k.request_id = t.request_id) as metadata_rows
       from trace_info t left join trace_info_texts j on j.request_id = t.request_id
       order by t.request_id`,
    )
    .all() as {
    request_id: string;
    tags_json: string | null;
    tags_rows: string;
    metadata_json: string | null;
    metadata_rows: string;
  }[];
}

function expectTextsMatchRows(sqlite: SQLite.Database) {
  for (const r of textsAndRows(sqlite)) {
    expect(r.tags_json ?? '{}', r.request_id).toBe(r.tags_rows);
    expect(r.metadata_json ?? '{}', r.request_id).toBe(r.metadata_rows);
  }
}

describe('migration 0013 on a database with traces', () => {
  it('fills the texts from the rows, keeps them with the rows, and goes down cleanly', async () => {
    const { sqlite, db, migrator } = memoryDatabase();
    expect((await migrator.migrateTo('0009_evaluation_datasets')).error).toBeUndefined();
    const info = sqlite.prepare(
      `insert into trace_info (request_id, experiment_id, timestamp_ms, status)
       values (?, 0, 1, 'OK')`,
    );
    const tag = sqlite.prepare('insert into trace_tags values (?, ?, ?)');
    const meta = sqlite.prepare('insert into trace_request_metadata values (?, ?, ?)');
    info.run('tr-a');
    info.run('tr-b');
    tag.run('tr-a', 'z', 'last');
    tag.run('tr-a', 'quote"s', 'v\n"\\ é 😀');
    tag.run('tr-a', 'nothing', null);
    meta.run('tr-a', 'mlflow.user', 'ann');
    meta.run('tr-b', '__proto__', '{"json": [1, 2]}');

    expect((await migrator.migrateTo('0013_trace_search_layout')).error).toBeUndefined();
    const texts = () =>
      sqlite.prepare('select * from trace_info_texts order by request_id').all() as Record<
        string,
        string
      >[];
    expect(texts()).toEqual([
      {
        request_id: 'tr-a',
        tags_json: JSON.stringify({ nothing: '', 'quote"s': 'v\n"\\ é 😀', z: 'last' }),
        metadata_json: '{"mlflow.user":"ann"}',
      },
      {
        request_id: 'tr-b',
        tags_json: '{}',
        metadata_json: '{"__proto__":"{\\"json\\": [1, 2]}"}',
      },
    ]);
    const tableSql = (name: string) =>
      (sqlite.prepare('select sql from sqlite_master where name = ?').get(name) as { sql: string })
        .sql;
    expect(tableSql('trace_tags')).toMatch(/without rowid/i);
    expect(tableSql('trace_request_metadata')).toMatch(/without rowid/i);

    // Written afterwards by plain SQL (as any writer would): the triggers keep up.
    sqlite
      .prepare("update trace_tags set value = 'first' where request_id = 'tr-a' and key = 'z'")
      .run();
    sqlite.prepare("delete from trace_tags where request_id = 'tr-a' and key = 'nothing'").run();
    tag.run('tr-b', 'new', 'tag');
    info.run('tr-c');
    expectTextsMatchRows(sqlite);
    expect(texts().map((t) => t.request_id)).toEqual(['tr-a', 'tr-b']);
    sqlite.prepare("delete from trace_info where request_id = 'tr-a'").run();
    expect(texts().map((t) => t.request_id)).toEqual(['tr-b']);
    expect(
      sqlite.prepare("select count(*) n from trace_tags where request_id = 'tr-a'").get(),
    ).toEqual({
      n: 0,
    });

    expect((await migrator.migrateTo('0009_evaluation_datasets')).error).toBeUndefined();
    expect(
      sqlite.prepare("select name from sqlite_master where name like 'trace_info_texts%'").all(),
    ).toEqual([]);
    expect(tableSql('trace_tags')).not.toMatch(/without rowid/i);
    expect(sqlite.prepare('select * from trace_tags order by key').all()).toEqual([
      { request_id: 'tr-b', key: 'new', value: 'tag' },
    ]);
    await db.destroy();
  });
});

describe('migration 0017 on a database with traces', () => {
  it('stores every trace its answer, blanks it on change, and goes down cleanly', async () => {
    const { sqlite, db, migrator } = memoryDatabase();
    expect((await migrator.migrateTo('0016_trace_duration_index')).error).toBeUndefined();
    const info = sqlite.prepare(
      `insert into trace_info (request_id, experiment_id, timestamp_ms, execution_time_ms, status,
         trace_name) values (?, 0, 1700000000123, ?, 'OK', ?)`,
    );
    info.run('tr-a', 1500, 'named');
    info.run('tr-b', 2000, null); // no tags, no metadata
    sqlite.prepare("insert into trace_tags values ('tr-a', 'team', 'x')").run();
    expect((await migrator.migrateTo('0017_trace_info_json')).error).toBeUndefined();
    const stored = () =>
      Object.fromEntries(
        (
          sqlite
            .prepare('select request_id, info_json from trace_info_json order by request_id')
            .all() as { request_id: string; info_json: string | null }[]
        ).map((r) => [r.request_id, r.info_json && (JSON.parse(r.info_json) as unknown)]),
      );
    const answer = (id: string, extra: Record<string, unknown>) => ({
      trace_id: id,
      trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: '0' } },
      request_time: '2023-11-14T22:13:20.123Z',
      state: 'OK',
      ...extra,
    });
    expect(stored()).toEqual({
      'tr-a': answer('tr-a', {
        execution_duration: '1.500s',
        tags: { 'mlflow.traceName': 'named', team: 'x' },
      }),
      'tr-b': answer('tr-b', { execution_duration: '2s' }),
    });
    expect(
      sqlite.prepare("select name from sqlite_master where name like 'trace_info_texts%'").all(),
    ).toEqual([]);

    // Later writes by plain SQL blank what they touch; a refresh writes it again.
    info.run('tr-c', 3, null);
    sqlite.prepare("update trace_info set status = 'ERROR' where request_id = 'tr-b'").run();
    sqlite.prepare("insert into trace_request_metadata values ('tr-b', 'k', 'v')").run();
    expect(stored()).toMatchObject({ 'tr-a': { trace_id: 'tr-a' }, 'tr-b': null, 'tr-c': null });
    sqlite.exec(REFRESH_ALL_SQL);
    expect(stored()).toMatchObject({
      'tr-b': { state: 'ERROR', trace_metadata: { k: 'v' } },
      'tr-c': answer('tr-c', { execution_duration: '0.003s' }),
    });
    sqlite.prepare("delete from trace_tags where request_id = 'tr-a'").run();
    expect(stored()['tr-a']).toBeNull();
    sqlite.prepare("delete from trace_info where request_id = 'tr-a'").run();
    expect(Object.keys(stored())).toEqual(['tr-b', 'tr-c']);

    // Down: 0013's texts again, made from the rows.
    expect((await migrator.migrateTo('0016_trace_duration_index')).error).toBeUndefined();
    expect(sqlite.prepare('select * from trace_info_texts order by request_id').all()).toEqual([
      { request_id: 'tr-b', tags_json: '{}', metadata_json: '{"k":"v"}' },
      { request_id: 'tr-c', tags_json: '{}', metadata_json: '{}' },
    ]);
    sqlite.prepare("insert into trace_tags values ('tr-c', 'new', 'tag')").run();
    expectTextsMatchRows(sqlite);
    expect(
      sqlite.prepare("select name from sqlite_master where name like 'trace_info_json%'").all(),
    ).toEqual([]);
    await db.destroy();
  });
});

describe('trace texts through the API', () => {
  let t: TestApp;
  let sqlite: SQLite.Database;
  let experimentId: string;
  const traceId = (n: number) => `tr-${n.toString(16).padStart(32, '0')}`;

  async function sendSpans(n: number) {
    const start = BigInt(1_700_000_000_000 + n * 1000) * 1_000_000n;
    const res = await t.api
      .post('/v1/traces')
      .set('Content-Type', 'application/x-protobuf')
      .set('x-mlflow-experiment-id', experimentId)
      .send(
        otlpProtobuf([
          {
            traceId: n.toString(16).padStart(32, '0'),
            spanId: `${'a'.repeat(15)}${n}`,
            name: `root-${n}`,
            start: String(start),
            end: String(start + 5_000_000n),
            attributes: { 'mlflow.spanType': '"CHAIN"' },
          },
        ]),
      );
    expect(res.status).toBe(200);
  }

  async function startTrace(n: number, tags: Record<string, string>) {
    const res = await post(t, '/api/3.0/mlflow/traces', {
      trace: {
        trace_info: {
          trace_id: traceId(n),
          trace_location: {
            type: 'MLFLOW_EXPERIMENT',
            mlflow_experiment: { experiment_id: experimentId },
          },
          request_time: new Date(1_700_000_000_000 + n * 1000).toISOString(),
          execution_duration: '0.005s',
          state: 'OK',
          tags,
          trace_metadata: { 'mlflow.user': `user-${n}` },
        },
      },
    });
    expect(res.status).toBe(200);
  }

  async function info(n: number) {
    const res = await t.api.get(`/api/3.0/mlflow/traces/${traceId(n)}`);
    expect(res.status).toBe(200);
    return res.body.trace.trace_info as {
      tags: Record<string, string>;
      trace_metadata: Record<string, string>;
    };
  }

  /** Every trace's stored answer is written (no writer left it blank) and is GetTrace's. */
  async function expectStoredInfosCurrent() {
    const stored = sqlite
      .prepare('select request_id, info_json from trace_info_json order by request_id')
      .all() as { request_id: string; info_json: string | null }[];
    const traces = sqlite.prepare('select request_id from trace_info').all();
    expect(stored.length).toBe(traces.length);
    for (const row of stored) {
      expect(row.info_json, row.request_id).not.toBeNull();
      const res = await t.api.get(`/api/3.0/mlflow/traces/${row.request_id}`);
      expect(JSON.parse(row.info_json!), row.request_id).toEqual(res.body.trace.trace_info);
    }
  }

  beforeAll(async () => {
    t = await startTestApp();
    experimentId = (await post(t, '/api/2.0/mlflow/experiments/create', { name: 'texts' })).body
      .experiment_id;
    sqlite = new SQLite(path.join(t.dataDir, 'default', 'mlflow.db'), { readonly: true });
  });
  afterAll(async () => {
    sqlite.close();
    await t.close();
  });

  it('follows spans, StartTraceV3, tag edits and deletion', async () => {
    await sendSpans(1); // spans first, info second
    await startTrace(1, { 'mlflow.traceName': 'first', team: 'a' });
    await startTrace(2, { team: 'b' }); // info first, spans second
    await expectStoredInfosCurrent();
    await sendSpans(2);
    await expectStoredInfosCurrent();
    expect((await info(1)).tags).toMatchObject({ 'mlflow.traceName': 'first', team: 'a' });
    expect((await info(1)).trace_metadata['mlflow.user']).toBe('user-1');

    expect(
      (
        await t.api
          .patch(`/api/3.0/mlflow/traces/${traceId(1)}/tags`)
          .send({ key: 'team', value: 'c' })
      ).status,
    ).toBe(200);
    expect(
      (await t.api.delete(`/api/3.0/mlflow/traces/${traceId(2)}/tags`).send({ key: 'team' }))
        .status,
    ).toBe(200);
    await expectStoredInfosCurrent();
    expect((await info(1)).tags.team).toBe('c');
    expect((await info(2)).tags).not.toHaveProperty('team');

    const page = await post(t, '/api/3.0/mlflow/traces/search', {
      locations: [
        { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: experimentId } },
      ],
      filter: "tags.team = 'c'",
    });
    expect(page.body.traces.map((x: { trace_id: string }) => x.trace_id)).toEqual([traceId(1)]);
    expect(page.body.traces[0].tags.team).toBe('c');

    const deleted = await post(t, '/api/3.0/mlflow/traces/delete-traces', {
      experiment_id: experimentId,
      request_ids: [traceId(1)],
    });
    expect(deleted.body).toEqual({ traces_deleted: 1 });
    expect(
      sqlite.prepare('select request_id from trace_info_json order by request_id').all(),
    ).toEqual([{ request_id: traceId(2) }]);
    await expectStoredInfosCurrent();
  });

  it('follows the V2 calls: start, end with tags and metadata, the trace name', async () => {
    const started = await post(t, '/api/2.0/mlflow/traces', {
      experiment_id: experimentId,
      timestamp_ms: 1_700_000_100_000,
      request_metadata: [{ key: 'mlflow.user', value: 'v2' }],
      tags: [{ key: 'mlflow.traceName', value: 'v2 trace' }],
    });
    expect(started.status).toBe(200);
    const requestId = started.body.trace_info.request_id as string;
    await expectStoredInfosCurrent();
    const ended = await t.api.patch(`/api/2.0/mlflow/traces/${requestId}`).send({
      timestamp_ms: 1_700_000_100_250,
      status: 'OK',
      request_metadata: [{ key: 'done', value: 'yes' }],
      tags: [{ key: 'phase', value: 'ended' }],
    });
    expect(ended.status).toBe(200);
    await expectStoredInfosCurrent();
    const renamed = await t.api
      .delete(`/api/2.0/mlflow/traces/${requestId}/tags`)
      .send({ key: 'mlflow.traceName' });
    expect(renamed.status).toBe(200);
    await expectStoredInfosCurrent();
    const stored = sqlite
      .prepare('select info_json from trace_info_json where request_id = ?')
      .get(requestId) as { info_json: string };
    expect(JSON.parse(stored.info_json)).toMatchObject({
      execution_duration: '0.250s',
      trace_metadata: { done: 'yes', 'mlflow.user': 'v2' },
      tags: { phase: 'ended' },
    });
    expect(JSON.parse(stored.info_json).tags).not.toHaveProperty('mlflow.traceName');
  });
});

describe('TraceInfoV3 text written by SQLite', () => {
  it('is the text traceInfoText writes, character for character', async () => {
    const t = await startTestApp();
    try {
      const experimentId = (await post(t, '/api/2.0/mlflow/experiments/create', { name: 'x' })).body
        .experiment_id;
      const odd = 'quote " backslash \\ newline \n tab \t nul-ish \u0001 é 😀 \u2028 </script>';
      const traces = [
        { ms: 1_700_000_000_000, duration: '0s', name: odd, preview: odd, tags: { a: odd } },
        {
          ms: 1_700_000_000_007,
          duration: '12.345s',
          name: undefined,
          preview: undefined,
          tags: {},
        },
        { ms: -86_400_123, duration: '1s', name: 'before 1970', preview: '', tags: { z: '' } },
        { ms: 253_402_300_799_999, duration: '0.001s', name: 'last ms of 9999', tags: {} },
        { ms: 1_000, duration: '-1.5s', name: 'negative duration', tags: {} },
      ];
      const ids: string[] = [];
      for (const [n, x] of traces.entries()) {
        const traceId = `tr-${String(n).padStart(32, '0')}`;
        ids.push(traceId);
        const res = await post(t, '/api/3.0/mlflow/traces', {
          trace: {
            trace_info: {
              trace_id: traceId,
              client_request_id: n === 0 ? odd : undefined,
              trace_location: {
                type: 'MLFLOW_EXPERIMENT',
                mlflow_experiment: { experiment_id: experimentId },
              },
              request_time: new Date(x.ms).toISOString(),
              execution_duration: x.duration,
              request_preview: x.preview,
              response_preview: x.preview,
              state: n % 2 ? 'ERROR' : 'OK',
              tags: x.name === undefined ? x.tags : { 'mlflow.traceName': x.name, ...x.tags },
              trace_metadata: n === 1 ? {} : { [odd]: odd, 'mlflow.user': 'u' },
            },
          },
        });
        expect(res.status, JSON.stringify(res.body)).toBe(200);
      }
      const registry = new ProjectRegistry(t.dataDir);
      const { context, release } = await registry.acquire('default', false);
      try {
        const { texts, others } = await loadTraceInfoTexts(context.db, [...ids, 'tr-unknown']);
        // Only the negative duration is left to JS; nothing unknown is reported.
        expect(others).toEqual([ids[4]]);
        const infos = await loadTraceInfos(context.db, ids);
        for (const id of ids.slice(0, 4)) {
          expect(texts.get(id), id).toBe(traceInfoText(infos.get(id)!));
          expect(() => JSON.parse(texts.get(id)!) as unknown).not.toThrow();
        }
        // A page is the stored texts joined in the order asked, unknown ids left out; a page
        // holding a trace left to JS is not answered from storage.
        const order = [ids[3], 'tr-unknown', ids[0], ids[2], ids[1]];
        const page = await loadTraceInfoPage(context.db, order, '[', ']');
        expect(page?.toString('utf8')).toBe(
          `[${[ids[3], ids[0], ids[2], ids[1]].map((id) => traceInfoText(infos.get(id)!)).join(',')}]`,
        );
        expect(await loadTraceInfoPage(context.db, ['tr-unknown'], '[', ']')).toBeNull();
        expect(await loadTraceInfoPage(context.db, [ids[0], ids[4]], '[', ']')).toBeUndefined();
      } finally {
        release();
        await registry.closeAll();
      }
    } finally {
      await t.close();
    }
  });
});
