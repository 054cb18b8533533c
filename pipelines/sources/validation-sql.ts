import { ANY_TYPE, INSTANT_PATTERN, type Column, type StreamContract } from '../contracts/index.ts';

/**
 * Set-based validation of a staged file, generated from the zod contract: for every row, each contract column
 * becomes a typed value `v_<name>` and an error `e_<name>` (NULL when fine). The first error in column order
 * names the row's field and reason. Nothing here loops over rows in JavaScript.
 *
 * The SQL binds `$tz` (the zone for timestamps without offset); column names and messages come from the
 * contract, never from the file, and are quoted.
 */

export const sqlString = (value: string) => `'${value.replaceAll("'", "''")}'`;
export const sqlIdent = (name: string) => `"${name.replaceAll('"', '""')}"`;

const SHOWN_VALUE = (s: string) => `left(${s}, 80)`;
const INT_PATTERN = '^\\s*[+-]?\\d+\\s*$';
const DATE_PATTERN = '^\\d{4}-\\d{2}-\\d{2}$';
const OFFSET_PATTERN = '(Z|z|[+-]\\d{2}(:?\\d{2})?)$';
// The contract's own pattern (fields.ts), so file and HTTP ingest accept the same timestamps.
const INSTANT_SQL_PATTERN = INSTANT_PATTERN.source;

const TEXT_TYPES = new Set(['VARCHAR', 'JSON']);
const INTEGER_TYPES = new Set(['TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'UTINYINT', 'USMALLINT', 'UINTEGER', 'UBIGINT', 'HUGEINT']);
const NUMERIC_TYPES = new Set(['FLOAT', 'DOUBLE']);

/** Source columns as DuckDB typed them (DESCRIBE of the stage), by name. */
export type SourceTypes = Map<string, string>;

interface ColumnSql {
  value: string;
  error: string;
}

function typedValue(column: Column, source: string, sourceType: string): string {
  const isText = TEXT_TYPES.has(sourceType);
  switch (column.kind) {
    case 'id':
    case 'text':
    case 'enum':
      return source;
    case 'int':
      if (INTEGER_TYPES.has(sourceType)) return `TRY_CAST(${source} AS BIGINT)`;
      if (NUMERIC_TYPES.has(sourceType) || sourceType.startsWith('DECIMAL'))
        return `CASE WHEN ${source} = trunc(${source}) THEN TRY_CAST(${source} AS BIGINT) END`;
      return `CASE WHEN regexp_matches(${source}, ${sqlString(INT_PATTERN)}) THEN TRY_CAST(trim(${source}) AS BIGINT) END`;
    case 'instant':
      if (sourceType === 'TIMESTAMP WITH TIME ZONE') return source;
      if (sourceType.startsWith('TIMESTAMP')) return `timezone($tz, CAST(${source} AS TIMESTAMP))`;
      return `CASE WHEN NOT regexp_matches(${source}, ${sqlString(INSTANT_SQL_PATTERN)}) THEN NULL
        WHEN regexp_matches(${source}, ${sqlString(OFFSET_PATTERN)}) THEN TRY_CAST(${source} AS TIMESTAMPTZ)
        ELSE timezone($tz, TRY_CAST(${source} AS TIMESTAMP)) END`;
    case 'date':
      if (sourceType === 'DATE') return source;
      if (!isText) return `TRY_CAST(${source} AS DATE)`;
      return `CASE WHEN regexp_matches(${source}, ${sqlString(DATE_PATTERN)}) THEN TRY_CAST(${source} AS DATE) END`;
  }
}

const INVALID_MESSAGE: Record<Column['kind'], string> = {
  id: 'not a valid identifier',
  text: 'not valid text',
  enum: 'not a valid value',
  int: 'not a whole number',
  instant: 'not an ISO 8601 timestamp',
  date: 'not a YYYY-MM-DD date',
};

function columnSql(column: Column, sourceTypes: SourceTypes, typeValue: string | null): ColumnSql {
  const sourceType = sourceTypes.get(column.name);
  const present = sourceType !== undefined;
  const isText = present && TEXT_TYPES.has(sourceType);
  // Text cells: trim, and treat an empty cell as absent (CSV has no other way to say "no value").
  const source = !present ? 'NULL' : isText ? `NULLIF(trim(${sqlIdent(column.name)}), '')` : sqlIdent(column.name);
  const shown = isText ? SHOWN_VALUE(source) : SHOWN_VALUE(`CAST(${source} AS VARCHAR)`);
  const value = present ? typedValue(column, source, sourceType) : 'NULL';

  const applies =
    typeValue === null || column.presentIn.includes(ANY_TYPE)
      ? 'TRUE'
      : `${typeValue} IN (${column.presentIn.map(sqlString).join(', ')})`;
  const required =
    typeValue === null || column.requiredIn.includes(ANY_TYPE)
      ? column.requiredIn.length > 0
        ? 'TRUE'
        : 'FALSE'
      : column.requiredIn.length > 0
        ? `${typeValue} IN (${column.requiredIn.map(sqlString).join(', ')})`
        : 'FALSE';
  const missingReason =
    typeValue === null || column.requiredIn.includes(ANY_TYPE)
      ? sqlString('missing')
      : `'missing (required for ' || ${typeValue} || ')'`;

  const checks: string[] = [`WHEN ${required} AND ${source} IS NULL THEN ${missingReason}`];
  checks.push(`WHEN ${source} IS NOT NULL AND ${value} IS NULL THEN '${INVALID_MESSAGE[column.kind]}: ''' || ${shown} || ''''`);
  if (column.values) {
    const list = column.values.map(sqlString).join(', ');
    checks.push(
      `WHEN ${value} NOT IN (${list}) THEN 'unknown value ''' || ${shown} || ''' (expected one of ${column.values.join(', ')})'`,
    );
  }
  if (column.min !== undefined && column.min > Number.MIN_SAFE_INTEGER)
    checks.push(`WHEN ${value} < ${column.min} THEN 'must be at least ${column.min}, got ' || ${value}`);
  if (column.max !== undefined && column.max < Number.MAX_SAFE_INTEGER)
    checks.push(`WHEN ${value} > ${column.max} THEN 'must be at most ${column.max}, got ' || ${value}`);
  if (column.maxLength !== undefined)
    checks.push(`WHEN length(${source}) > ${column.maxLength} THEN 'longer than ${column.maxLength} characters'`);

  return {
    value: applies === 'TRUE' ? value : `CASE WHEN ${applies} THEN ${value} END`,
    error: `CASE WHEN NOT (${applies}) THEN NULL ${checks.join(' ')} END`,
  };
}

/**
 * SELECT over `stage` (columns as they came from the file, plus `_line`) giving one row per staged row:
 * `_line`, the contract columns typed, and `_field` and `_reason` of the first problem (NULL when valid).
 */
export function checkedSelect(contract: StreamContract, sourceTypes: SourceTypes, stage: string): string {
  const hasType = contract.types.length > 0;
  const typeSource = sourceTypes.has('type') ? `NULLIF(trim(CAST("type" AS VARCHAR)), '')` : 'NULL';
  const typeValue = hasType ? `_type` : null;
  const columns = contract.columns.map((column) => ({ column, sql: columnSql(column, sourceTypes, typeValue) }));

  const errors: { field: string; error: string }[] = columns.map(({ column, sql }) => ({ field: column.name, error: sql.error }));
  if (hasType) {
    // After the event id, so that a row with no event_id says so first.
    errors.splice(1, 0, {
      field: 'type',
      error: `CASE WHEN _type IS NULL THEN 'missing' WHEN _type NOT IN (${contract.types.map(sqlString).join(', ')})
        THEN 'unknown event type ''' || left(_type, 80) || ''' (expected one of ${contract.types.join(', ')})' END`,
    });
  }

  const typed = [
    '_line',
    ...(hasType ? ['_type'] : []),
    ...columns.map(({ column, sql }) => `${sql.value} AS ${sqlIdent(`v_${column.name}`)}`),
    ...errors.map(({ field, error }) => `${error} AS ${sqlIdent(`e_${field}`)}`),
  ];
  const checked = [
    '_line',
    ...(hasType ? ['_type AS "type"'] : []),
    ...columns.map(({ column }) => `${sqlIdent(`v_${column.name}`)} AS ${sqlIdent(column.name)}`),
    `CASE ${errors.map(({ field }) => `WHEN ${sqlIdent(`e_${field}`)} IS NOT NULL THEN ${sqlString(field)}`).join(' ')} END AS _field`,
    `coalesce(${errors.map(({ field }) => sqlIdent(`e_${field}`)).join(', ')}) AS _reason`,
  ];
  return `SELECT ${checked.join(',\n  ')}
FROM (SELECT ${typed.join(',\n    ')}
  FROM (SELECT *${hasType ? `, ${typeSource} AS _type` : ''} FROM ${stage}) AS staged) AS typed`;
}
