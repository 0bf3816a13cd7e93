// Rank marks: what lets get-history-bulk-interval sample a long history without reading it.
// MLflow samples a history by row rank (NTILE over the points in step order, first point of each
// bucket), so a sample of a 1M-point history needed all 1M points sorted — seconds a run, over a
// minute for a chart of 20 runs. A history whose points came in order (each after the previous one
// by step and by time, as training loops log them) has the same order by step as by the table's
// key (timestamp first), so the point of rank k is found by seeking the table's key from a mark
// (the point of rank ⌊k/32⌋·32, kept in `metric_rank_marks`) and stepping at most 31 rows. A
// mark keeps how many points before it share its timestamp (`time_offset`): a seek by timestamp
// lands on the first of them, so that many more rows are stepped over (usually none).
// `metric_series` keeps, per run and key, the count of points, whether they are still in order
// and the last point (to tell whether the next one appends); a history that loses its order keeps
// no marks and is sampled the old way. This migration computes both for the stored histories.
import { sql, type Kysely } from 'kysely';
import { inTransaction } from './dialect.js';

/** Every this many points (by rank) one mark; the SQL below and store/metric-ranks.ts agree. */
export const RANK_MARK_EVERY = 32;

export async function up(db: Kysely<unknown>): Promise<void> {
  await inTransaction(db, async (trx) => {
    await trx.schema
      .createTable('metric_series')
      .addColumn('run_key', 'bigint', (c) =>
        c.notNull().references('runs.run_key').onDelete('cascade'),
      )
      .addColumn('key', 'varchar(250)', (c) => c.notNull())
      .addColumn('points', 'bigint', (c) => c.notNull())
      // 1 while every point was logged after the previous one both by step and by time.
      .addColumn('in_order', 'integer', (c) => c.notNull())
      .addColumn('last_timestamp', 'bigint', (c) => c.notNull())
      .addColumn('last_step', 'bigint', (c) => c.notNull())
      .addColumn('last_value', 'double precision', (c) => c.notNull())
      .addColumn('last_is_nan', 'integer', (c) => c.notNull())
      // How many points before the last one share its timestamp (the next one may, too).
      .addColumn('last_time_offset', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('metric_series_pk', ['run_key', 'key'])
      .execute();
    await trx.schema
      .createTable('metric_rank_marks')
      .addColumn('run_key', 'bigint', (c) =>
        c.notNull().references('runs.run_key').onDelete('cascade'),
      )
      .addColumn('key', 'varchar(250)', (c) => c.notNull())
      .addColumn('rank', 'bigint', (c) => c.notNull())
      .addColumn('timestamp', 'bigint', (c) => c.notNull())
      .addColumn('step', 'bigint', (c) => c.notNull())
      .addColumn('value', 'double precision', (c) => c.notNull())
      .addColumn('is_nan', 'integer', (c) => c.notNull())
      .addColumn('time_offset', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('metric_rank_marks_pk', ['run_key', 'key', 'rank'])
      .execute();

    // Each stored point's rank in the table's key order and the step of the point before it: the
    // window follows the key, so SQLite numbers the rows as it reads them, without a sort.
    await sql`create temporary table ranked_points as
      select run_key, key, timestamp, step, value, is_nan,
             row_number() over history - 1 as rank,
             lag(step) over history as previous_step,
             row_number() over same_time - 1 as time_offset
      from metrics
      window history as (partition by run_key, key order by timestamp, step, value, is_nan),
             same_time as (partition by run_key, key, timestamp order by step, value, is_nan)`.execute(
      trx,
    );
    // In order when no point has a smaller step than the one before it in time.
    await sql`insert into metric_series
        (run_key, key, points, in_order, last_timestamp, last_step, last_value, last_is_nan,
         last_time_offset)
      select p.run_key, p.key, s.points, s.in_order, p.timestamp, p.step, p.value, p.is_nan,
             p.time_offset
      from ranked_points p
      join (select run_key, key, count(*) as points,
                   case when sum(case when step < previous_step then 1 else 0 end) = 0
                        then 1 else 0 end as in_order
            from ranked_points group by run_key, key) s
        on s.run_key = p.run_key and s.key = p.key and p.rank = s.points - 1`.execute(trx);
    await sql`insert into metric_rank_marks
        (run_key, key, rank, timestamp, step, value, is_nan, time_offset)
      select p.run_key, p.key, p.rank, p.timestamp, p.step, p.value, p.is_nan, p.time_offset
      from ranked_points p
      join metric_series s on s.run_key = p.run_key and s.key = p.key and s.in_order = 1
      where p.rank % ${sql.lit(RANK_MARK_EVERY)} = 0`.execute(trx);
    await sql`drop table ranked_points`.execute(trx);
  });
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('metric_rank_marks').execute();
  await db.schema.dropTable('metric_series').execute();
}
