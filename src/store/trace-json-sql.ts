// SQL (SQLite JSON functions) that reads the analytics values MLflow's store denormalizes into
// columns when a trace or span is written: token counts and costs out of JSON text (trace
// metadata, span attributes), a span's model name, an assessment's numeric value. Each expression
// follows the Python converter MLflow applies on write, so aggregates match its columns.
import { sql, type RawBuilder } from 'kysely';

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
export function jsonTokenCount(json: Sql, key: string): Sql {
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
export function jsonFiniteFloat(json: Sql, key: string): Sql {
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
export function spanAttributeText(content: Sql, key: string): Sql {
  const path = `$.attributes.${jsonPath(key).slice(2)}`;
  return sql`(case when json_type(${content}, ${path}) = 'text' then json_extract(${content}, ${path}) end)`;
}

/**
 * A span's model name or provider as MLflow's `bounded_model_dimension(_try_parse_json_string(v))`:
 * the decoded string if the attribute holds a JSON string, else the attribute text itself; at
 * most 500 characters.
 */
export function spanModelDimension(content: Sql, key: string): Sql {
  const text = spanAttributeText(content, key);
  // Nested CASEs: SQLite may evaluate both sides of an AND, and json_type fails on bad JSON.
  return sql`substr(case when json_valid(${text}) then case when json_type(${text}) = 'text'
      then json_extract(${text}, '$') else ${text} end else ${text} end, 1, 500)`;
}

/**
 * An assessment's numeric value (MLflow's `assessment_aggregate`): the stored aggregate (numbers,
 * booleans as 1/0), or 1/0 for the strings "yes"/"no" in any case and spacing.
 */
export function assessmentAggregate(alias: string): Sql {
  const value = sql.ref(`${alias}.value`);
  const word = sql`lower(trim(json_extract(${value}, '$'), char(32, 9, 10, 11, 12, 13)))`;
  return sql`coalesce(${sql.ref(`${alias}.aggregate_value`)}, case when json_valid(${value}) then
      case when json_type(${value}) = 'text' then
        case ${word} when 'yes' then 1.0 when 'no' then 0.0 end end end)`;
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
