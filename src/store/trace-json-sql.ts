// SQL that reads the analytics values MLflow's store denormalizes into columns when a trace or
// span is written: token counts and costs out of JSON text (trace metadata, span attributes), a
// span's model name, an assessment's numeric value. Each expression follows the Python converter
// MLflow applies on write, so aggregates match its columns. SQLite's JSON functions here;
// PostgreSQL's jsonb (through `trackd_try_jsonb`, migration 0020) in `postgresJsonSql` below.
import { sql, type RawBuilder } from 'kysely';
import type { SqlFlavour } from '../search/sql-compare.js';

export type Sql = RawBuilder<unknown>;

const jsonPath = (key: string) => `$."${key}"`;
const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;

/** A real that holds a whole number (int64-sized) as that integer; NULL otherwise. */
function integralReal(value: Sql): Sql {
  return sql`(case when ${value} = cast(${value} as integer) then cast(${value} as integer) end)`;
}

/** JSON text holding a number, by its JSON type: `integer`, `real`, or NULL if no number. */
function numberInText(text: Sql, wanted: (value: Sql, type: Sql) => Sql): Sql {
  const trimmed = sql`trim(${text})`;
  return sql`(case when json_valid(${trimmed}) then ${wanted(
    sql`json_extract(${trimmed}, '$')`,
    sql`json_type(${trimmed})`,
  )} end)`;
}

/**
 * `token_count_or_none(obj[key])` of JSON text `json`: an integer, a whole real, or a string of
 * one, within int64; booleans, fractions and anything else give NULL.
 */
function jsonTokenCount(json: Sql, key: string): Sql {
  const path = jsonPath(key);
  const value = sql`json_extract(${json}, ${path})`;
  const fromNumber = (v: Sql, type: Sql) =>
    sql`(case ${type} when 'integer' then ${v} when 'real' then ${integralReal(v)} end)`;
  return sql`(case when json_valid(${json}) then case json_type(${json}, ${path})
      when 'integer' then ${value}
      when 'real' then ${integralReal(value)}
      when 'text' then ${numberInText(value, fromNumber)}
    end end)`;
}

/** `finite_float_or_none(obj[key])` of JSON text `json`: a finite number (or numeric string). */
function jsonFiniteFloat(json: Sql, key: string): Sql {
  const path = jsonPath(key);
  const value = sql`json_extract(${json}, ${path})`;
  const finite = (v: Sql) =>
    sql`(case when ${v} between -1.7976931348623157e308 and 1.7976931348623157e308 then cast(${v} as real) end)`;
  const fromNumber = (v: Sql, type: Sql) =>
    sql`(case when ${type} in ('integer', 'real') then ${finite(v)} end)`;
  return sql`(case when json_valid(${json}) then case json_type(${json}, ${path})
      when 'integer' then ${finite(value)}
      when 'real' then ${finite(value)}
      when 'text' then ${numberInText(value, fromNumber)}
    end end)`;
}

/** A span attribute's stored text (attributes hold JSON-encoded values), NULL unless a string. */
function spanAttributeText(content: Sql, key: string): Sql {
  const path = `$.attributes.${jsonPath(key).slice(2)}`;
  return sql`(case when json_type(${content}, ${path}) = 'text' then json_extract(${content}, ${path}) end)`;
}

/**
 * A span's model name or provider as MLflow's `bounded_model_dimension(_try_parse_json_string(v))`:
 * the decoded string if the attribute holds a JSON string, else the attribute text itself; at
 * most 500 characters.
 */
function spanModelDimension(content: Sql, key: string): Sql {
  const text = spanAttributeText(content, key);
  // Nested CASEs: SQLite may evaluate both sides of an AND, and json_type fails on bad JSON.
  return sql`substr(case when json_valid(${text}) then case when json_type(${text}) = 'text'
      then json_extract(${text}, '$') else ${text} end else ${text} end, 1, 500)`;
}

/**
 * An assessment's numeric value (MLflow's `assessment_aggregate`): the stored aggregate (numbers,
 * booleans as 1/0), or 1/0 for the strings "yes"/"no" in any case and spacing.
 */
function assessmentAggregate(alias: string): Sql {
  const value = sql.ref(`${alias}.value`);
  const word = sql`lower(trim(json_extract(${value}, '$'), char(32, 9, 10, 11, 12, 13)))`;
  return sql`coalesce(${sql.ref(`${alias}.aggregate_value`)}, case when json_valid(${value}) then
      case when json_type(${value}) = 'text' then
        case ${word} when 'yes' then 1.0 when 'no' then 0.0 end end end)`;
}

/** The same readings, and the few arithmetic spellings that differ, in one engine's SQL. */
export interface JsonSql {
  tokenCount(json: Sql, key: string): Sql;
  finiteFloat(json: Sql, key: string): Sql;
  spanAttributeText(content: Sql, key: string): Sql;
  spanModelDimension(content: Sql, key: string): Sql;
  assessmentAggregate(alias: string): Sql;
  /** A non-negative number cut to its whole part, as an integer. */
  truncate(value: Sql): Sql;
  /** The smaller of two values. */
  least(a: Sql, b: Sql): Sql;
  /** A number as a double. */
  double(value: Sql): Sql;
}

const sqliteJsonSql: JsonSql = {
  tokenCount: jsonTokenCount,
  finiteFloat: jsonFiniteFloat,
  spanAttributeText,
  spanModelDimension,
  assessmentAggregate,
  truncate: (v) => sql`cast(${v} as integer)`,
  least: (a, b) => sql`min(${a}, ${b})`,
  double: (v) => sql`cast(${v} as real)`,
};

/** A JSON number (jsonb) as a whole int64, else NULL. */
const pgInt64 = (n: Sql) =>
  sql`(case when ${n} = trunc(${n}) and ${n} between ${sql.lit(INT64_MIN.toString())}::numeric and ${sql.lit(INT64_MAX.toString())}::numeric then ${n}::bigint end)`;
/** A JSON number (jsonb) as a finite double, else NULL. */
const pgFinite = (n: Sql) =>
  sql`(case when abs(${n}) <= 1.7976931348623157e308 then ${n}::double precision end)`;

/** `wanted` of a jsonb number held directly, or as a string holding JSON number text. */
function pgNumber(value: Sql, wanted: (n: Sql) => Sql): Sql {
  const number = (v: Sql) => sql`(${v} #>> '{}')::numeric`;
  return sql`(select case jsonb_typeof(v.j)
      when 'number' then ${wanted(number(sql`v.j`))}
      when 'string' then (select case when jsonb_typeof(w.j) = 'number' then ${wanted(number(sql`w.j`))} end
        from (select trackd_try_jsonb(btrim(v.j #>> '{}')) as j) w)
    end from (select ${value} as j) v)`;
}

const pgAttribute = (content: Sql, key: string) =>
  sql`(trackd_try_jsonb(${content}) -> 'attributes' -> ${key})`;

const postgresJsonSql: JsonSql = {
  tokenCount: (json, key) => pgNumber(sql`(trackd_try_jsonb(${json}) -> ${key})`, pgInt64),
  finiteFloat: (json, key) => pgNumber(sql`(trackd_try_jsonb(${json}) -> ${key})`, pgFinite),
  spanAttributeText: (content, key) =>
    sql`(select case when jsonb_typeof(a.j) = 'string' then a.j #>> '{}' end
      from (select ${pgAttribute(content, key)} as j) a)`,
  spanModelDimension(content, key) {
    const text = this.spanAttributeText(content, key);
    return sql`(select substr(case when jsonb_typeof(trackd_try_jsonb(d.t)) = 'string'
        then trackd_try_jsonb(d.t) #>> '{}' else d.t end, 1, 500) from (select ${text} as t) d)`;
  },
  assessmentAggregate(alias) {
    const value = sql.ref(`${alias}.value`);
    return sql`coalesce(${sql.ref(`${alias}.aggregate_value`)}, (select case
        when jsonb_typeof(x.j) = 'string' then case lower(btrim(x.j #>> '{}', E' \t\n\x0b\f\r'))
          when 'yes' then 1.0 when 'no' then 0.0 end end
      from (select trackd_try_jsonb(${value}) as j) x))`;
  },
  truncate: (v) => sql`trunc(${v})::bigint`,
  least: (a, b) => sql`least(${a}, ${b})`,
  double: (v) => sql`cast(${v} as double precision)`,
};

export function jsonSqlFor(flavour: SqlFlavour): JsonSql {
  return flavour === 'sqlite' ? sqliteJsonSql : postgresJsonSql;
}

/** Python's `token_count_or_none` on a parsed JSON value (for canonical filter values). */
export function tokenCountOf(value: unknown): number | undefined {
  if (typeof value === 'number') {
    return Number.isInteger(value) && BigInt(value) <= INT64_MAX && BigInt(value) >= INT64_MIN
      ? value
      : undefined;
  }
  if (typeof value === 'string' && /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/.test(value)) {
    return tokenCountOf(Number(value));
  }
  return undefined;
}

/** Python's `finite_float_or_none` on a parsed JSON value. */
export function finiteFloatOf(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/.test(value)) {
    return finiteFloatOf(Number(value));
  }
  return undefined;
}
