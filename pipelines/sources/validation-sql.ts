import { ANY_TYPE, INSTANT_PATTERN, INSTANT_YEARS, INSTANT_YEARS_MESSAGE, type Column, type StreamContract } from '../contracts/index.ts';

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
// The contract's own pattern (fields.ts), so file and HTTP ingest accept the same timestamps.
const INSTANT_SQL_PATTERN = INSTANT_PATTERN.source;

// What JavaScript's String.prototype.trim (and so zod's .trim()) strips; DuckDB's trim() strips only spaces.
const JS_WHITESPACE = sqlString('\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff');
/**
 * trim() with JS_WHITESPACE, for a cell. DuckDB's trim with a character list is slow enough to halve the ingest
 * speed, so a cell that starts and ends with a printable ASCII character (nearly every cell: ids, types,
 * timestamps) is taken as it is, and only the others are trimmed.
 */
const jsTrim = (cell: string) => {
  // As text: a JSON cell's last character alone is not JSON.
  const text = `CAST(${cell} AS VARCHAR)`;
  // Printable ASCII (33–126) as |2·code − 159| ≤ 93, so that each end is computed once (DuckDB evaluates a BETWEEN's
  // operand twice), and the last character by substr (right() is twice as slow): together half the cost per cell.
  const printable = (character: string) => `abs(2 * ord(${character}) - 159) <= 93`;
  return `CASE WHEN ${printable(text)} AND ${printable(`substr(${text}, -1)`)} THEN ${text} ELSE trim(${text}, ${JS_WHITESPACE}) END`;
};

const TEXT_TYPES = new Set(['VARCHAR', 'JSON']);
const INTEGER_TYPES = new Set(['TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'UTINYINT', 'USMALLINT', 'UINTEGER', 'UBIGINT', 'HUGEINT']);
const NUMERIC_TYPES = new Set(['FLOAT', 'DOUBLE']);

/** Source columns as DuckDB typed them (DESCRIBE of the stage), by name. */
export type SourceTypes = Map<string, string>;

interface ColumnSql {
  /** The cleaned source cell (`s_<name>`), read from the stage. */
  source: string;
  /** The typed value (`v_<name>`), computed from `s_<name>` only. */
  value: string;
  /** WHEN … THEN 'field<US>reason' branches for rows of one event type (null: brands), over `s_` and `v_`. */
  checksFor(type: string | null): string[];
}

/**
 * DuckDB casts '10:00+09:00' to NULL but '10:00:00+09:00' fine; the contract allows both, so seconds are added.
 * For a cell that matched INSTANT_PATTERN with an offset: the 17th character is ':' exactly when seconds are there.
 */
const withSeconds = (s: string) => `CASE WHEN substr(${s}, 17, 1) = ':' THEN ${s} ELSE substr(${s}, 1, 16) || ':00' || substr(${s}, 17) END`;

/** Whether instant `t` (TIMESTAMPTZ) is in the contract's years, in UTC: checkedSelect and fastSelect test it alike. */
const inInstantYears = (t: string) =>
  `${t} >= TIMESTAMPTZ '${INSTANT_YEARS.min}-01-01 00:00:00+00' AND ${t} < TIMESTAMPTZ '${INSTANT_YEARS.max + 1}-01-01 00:00:00+00'`;

function typedValue(column: Column, s: string, sourceType: string): string {
  const isText = TEXT_TYPES.has(sourceType);
  switch (column.kind) {
    case 'id':
    case 'text':
    case 'enum':
      return s;
    case 'int':
      if (INTEGER_TYPES.has(sourceType)) return `TRY_CAST(${s} AS BIGINT)`;
      if (NUMERIC_TYPES.has(sourceType) || sourceType.startsWith('DECIMAL'))
        return `CASE WHEN ${s} = trunc(${s}) THEN TRY_CAST(${s} AS BIGINT) END`;
      return `CASE WHEN regexp_matches(${s}, ${sqlString(INT_PATTERN)}) THEN TRY_CAST(${s} AS BIGINT) END`;
    case 'instant':
      if (sourceType === 'TIMESTAMP WITH TIME ZONE') return s;
      if (sourceType.startsWith('TIMESTAMP')) return `timezone($tz, CAST(${s} AS TIMESTAMP))`;
      // Once the pattern matched, the first 16 characters are the date and HH:MM, and what follows holds Z, + or -
      // only as the offset: plain string tests, where regular expressions cost a third of the CSV typing time.
      return `CASE WHEN NOT regexp_matches(${s}, ${sqlString(INSTANT_SQL_PATTERN)}) THEN NULL
        WHEN ends_with(${s}, 'Z') OR contains(substr(${s}, 17), '+') OR contains(substr(${s}, 17), '-') THEN TRY_CAST(${withSeconds(s)} AS TIMESTAMPTZ)
        ELSE timezone($tz, TRY_CAST(${s} AS TIMESTAMP)) END`;
    case 'date':
      if (sourceType === 'DATE') return s;
      if (!isText) return `TRY_CAST(${s} AS DATE)`;
      return `CASE WHEN regexp_matches(${s}, ${sqlString(DATE_PATTERN)}) THEN TRY_CAST(${s} AS DATE) END`;
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

function columnSql(column: Column, sourceTypes: SourceTypes, types: string[]): ColumnSql {
  const sourceType = sourceTypes.get(column.name);
  const present = sourceType !== undefined;
  const isText = present && TEXT_TYPES.has(sourceType);
  const s = sqlIdent(`s_${column.name}`);
  const v = sqlIdent(`v_${column.name}`);
  // Text cells: trim, and treat an empty cell as absent (CSV has no other way to say "no value").
  const source = !present ? 'NULL' : isText ? `NULLIF(${jsTrim(sqlIdent(column.name))}, '')` : sqlIdent(column.name);
  const shown = isText ? SHOWN_VALUE(s) : SHOWN_VALUE(`CAST(${s} AS VARCHAR)`);
  const typed = present ? typedValue(column, s, sourceType) : 'NULL';
  const field = sqlString(column.name);
  const when = (condition: string, reason: string) => `WHEN ${condition} THEN ${field} || chr(31) || ${reason}`;

  const valueChecks: string[] = [when(`${s} IS NOT NULL AND ${v} IS NULL`, `'${INVALID_MESSAGE[column.kind]}: ''' || ${shown} || ''''`)];
  if (column.values) {
    const list = column.values.map(sqlString).join(', ');
    valueChecks.push(when(`${v} NOT IN (${list})`, `'unknown value ''' || ${shown} || ''' (expected one of ${column.values.join(', ')})'`));
  }
  if (column.min !== undefined && column.min > Number.MIN_SAFE_INTEGER)
    valueChecks.push(when(`${v} < ${column.min}`, `'must be at least ${column.min}, got ' || ${v}`));
  if (column.max !== undefined && column.max < Number.MAX_SAFE_INTEGER)
    valueChecks.push(when(`${v} > ${column.max}`, `'must be at most ${column.max}, got ' || ${v}`));
  if (column.kind === 'instant' && present) {
    // The year as written (as the zod contract reads it); a typed source has no text, so its UTC year. Both as plain
    // comparisons: the checks run only once `v` is set, so a text cell matched INSTANT_PATTERN and starts with four
    // digits (compared as text), and a UTC year range is a range of instants (year(timezone(…)) cost a third of
    // the Parquet checks).
    const outside = isText
      ? `left(${s}, 4) NOT BETWEEN '${INSTANT_YEARS.min}' AND '${INSTANT_YEARS.max}'`
      : `NOT (${inInstantYears(`CAST(${v} AS TIMESTAMPTZ)`)})`;
    valueChecks.push(when(outside, `'${INSTANT_YEARS_MESSAGE}: ''' || ${shown} || ''''`));
  }
  if (column.maxLength !== undefined) valueChecks.push(when(`length(${s}) > ${column.maxLength}`, `'longer than ${column.maxLength} characters'`));

  const everyType = column.presentIn.includes(ANY_TYPE) || types.every((type) => column.presentIn.includes(type));
  return {
    source,
    // A field that does not belong to the row's type is dropped, not checked.
    value: everyType ? typed : `CASE WHEN _type IN (${column.presentIn.map(sqlString).join(', ')}) THEN ${typed} END`,
    checksFor(type) {
      if (type !== null && !column.presentIn.includes(type) && !column.presentIn.includes(ANY_TYPE)) return [];
      const required = type === null ? column.requiredIn.length > 0 : column.requiredIn.includes(type) || column.requiredIn.includes(ANY_TYPE);
      const missing = type === null || column.requiredIn.includes(ANY_TYPE) ? `'missing'` : `'missing (required for ${type})'`;
      return [...(required ? [when(`${s} IS NULL`, missing)] : []), ...valueChecks];
    },
  };
}

/**
 * SELECT over `stage` (columns as they came from the file, plus `_line`) giving one row per staged row:
 * `_line`, the contract columns typed, and `_field` and `_reason` of the first problem (NULL when valid).
 * Layered so that each cell is cleaned once and typed once. The checks are one CASE that stops at the first
 * failure and carries "field<US>reason", branching on the event type first so that a row runs only the checks
 * of its own type.
 */
export function checkedSelect(contract: StreamContract, sourceTypes: SourceTypes, stage: string): string {
  const hasType = contract.types.length > 0;
  const typeSource = sourceTypes.has('type') ? `NULLIF(${jsTrim('"type"')}, '')` : 'NULL';
  const columns = contract.columns.map((column) => ({ column, sql: columnSql(column, sourceTypes, contract.types) }));

  let problem: string;
  if (!hasType) {
    problem = `CASE ${columns.flatMap(({ sql }) => sql.checksFor(null)).join('\n    ')} END`;
  } else {
    // The event id first, so that a row with no event_id says so first; then the type; then the type's fields.
    const [idColumn, ...rest] = columns;
    const perType = contract.types.map(
      (type) => `WHEN ${sqlString(type)} THEN CASE ${rest.flatMap(({ sql }) => sql.checksFor(type)).join('\n      ')} END`,
    );
    problem = `CASE ${idColumn!.sql.checksFor(contract.types[0]!).join(' ')}
    WHEN _type IS NULL THEN 'type' || chr(31) || 'missing'
    WHEN _type NOT IN (${contract.types.map(sqlString).join(', ')}) THEN 'type' || chr(31) || 'unknown event type ''' || left(_type, 80) || ''' (expected one of ${contract.types.join(', ')})'
    ELSE CASE _type ${perType.join('\n    ')} END END`;
  }

  const cleaned = [
    '_line',
    ...(hasType ? [`${typeSource} AS _type`] : []),
    ...columns.map(({ column, sql }) => `${sql.source} AS ${sqlIdent(`s_${column.name}`)}`),
  ];
  const typed = ['*', ...columns.map(({ column, sql }) => `${sql.value} AS ${sqlIdent(`v_${column.name}`)}`)];
  const checked = [
    '_line',
    ...(hasType ? ['_type AS "type"'] : []),
    ...columns.map(({ column }) => `${sqlIdent(`v_${column.name}`)} AS ${sqlIdent(column.name)}`),
    `${problem} AS _problem`,
  ];
  return `SELECT * EXCLUDE (_problem), split_part(_problem, chr(31), 1) AS _field, nullif(split_part(_problem, chr(31), 2), '') AS _reason
FROM (SELECT ${checked.join(',\n  ')}
  FROM (SELECT ${typed.join(', ')}
    FROM (SELECT ${cleaned.join(', ')} FROM ${stage}) AS cleaned) AS typed) AS checked`;
}

/**
 * The message of the error the fast path raises for a row it cannot vouch for; the careful path then does the
 * file again (checkedSelect, with quarantine).
 */
const FAST_PATH_DECLINED = 'brandscore: a row needs the careful path';

const DIGIT = '[0-9]';
const digits = (n: number) => DIGIT.repeat(n);
const DATE_GLOB = `${digits(4)}-${digits(2)}-${digits(2)}`;
// The contract's most common timestamp forms, with seconds: exactly these characters (GLOB, unlike DuckDB's
// cast, accepts no space, sign or fraction in a digit's place), by length: offset, Z, no offset.
const INSTANT_GLOB = `${DATE_GLOB}[T ]${digits(2)}:${digits(2)}:${digits(2)}`;
const INSTANT_GLOBS = { offset: `${INSTANT_GLOB}[-+]${digits(2)}:${digits(2)}`, utc: `${INSTANT_GLOB}Z`, local: INSTANT_GLOB };
const PRINTABLE_ENDS = /^[!-~](.*[!-~])?$/s;

/**
 * Printable ASCII at both ends, as plain string comparisons, which measured cheaper than ord() here: a cell whose
 * first byte is 0x21–0x7E, and whose last character is one of '!'…'~' (a longer character compares above '~').
 */
const printableEnds = (x: string) => `${x} >= '!' AND ${x} < chr(127) AND substr(${x}, -1) BETWEEN '!' AND '~'`;

/** The text columns whose cells fastSelect takes as they are (those without a list of values). */
const takesTextAsItIs = (column: Column, sourceType: string | undefined) =>
  sourceType === 'VARCHAR' && (column.kind === 'id' || column.kind === 'text' || column.kind === 'enum') && !column.values;

/**
 * After fastSelect with `bareCells` on a file that turned out not to be bare past its head: SQL true for a stored
 * row whose text cells all have printable ASCII ends, the test fastSelect left out (null when it left out none).
 */
export function cellEndsTest(contract: StreamContract, sourceTypes: SourceTypes): string | null {
  const tests = contract.columns
    .filter((column) => takesTextAsItIs(column, sourceTypes.get(column.name)))
    .map((column) => `(${sqlIdent(column.name)} IS NULL OR (${printableEnds(sqlIdent(column.name))}))`);
  return tests.length > 0 ? tests.join(' AND ') : null;
}

/**
 * Typed value and "the careful path would take this cell as it is" test of one present, non-NULL cell `x`; the
 * test reads the typed value as `v` (computed once, in the layer below).
 */
function fastCell(column: Column, x: string, v: string, sourceType: string, bareCells: boolean): { value: string; clean: string } | null {
  const bounds = (v: string) => [
    ...(column.min !== undefined && column.min > Number.MIN_SAFE_INTEGER ? [`${v} >= ${column.min}`] : []),
    ...(column.max !== undefined && column.max < Number.MAX_SAFE_INTEGER ? [`${v} <= ${column.max}`] : []),
  ];
  const all = (conditions: string[]) => (conditions.length > 0 ? conditions.join(' AND ') : 'true');
  if (takesTextAsItIs(column, sourceType)) {
    // Printable ASCII at both ends: jsTrim leaves the cell as it is and it is not empty; a byte length within the
    // limit is a character length within it. Bare cells (FileDigest.bareCells) hold no whitespace at all: jsTrim
    // leaves them as they are, and only emptiness is left to test.
    const checks = [bareCells ? `strlen(${x}) > 0` : printableEnds(x)];
    if (column.maxLength !== undefined) checks.push(`strlen(${x}) <= ${column.maxLength}`);
    return { value: x, clean: all(checks) };
  }
  if (sourceType === 'VARCHAR') {
    switch (column.kind) {
      case 'id':
      case 'text':
      case 'enum':
        // With a list of values (the others were taken above). Values with whitespace at an end would need
        // jsTrim: none has, but the fast path must not assume it.
        if (!column.values?.every((value) => PRINTABLE_ENDS.test(value))) return null;
        return { value: x, clean: `${x} IN (${column.values.map(sqlString).join(', ')})` };
      case 'int':
        // A cell that reads back as its own canonical text has no spaces, sign or leading zeros to argue about.
        return { value: `TRY_CAST(${x} AS BIGINT)`, clean: all([`CAST(${v} AS VARCHAR) = ${x}`, ...bounds(v)]) };
      case 'instant': {
        const value = `CASE WHEN strlen(${x}) = 19 THEN timezone($tz, TRY_CAST(${x} AS TIMESTAMP)) ELSE TRY_CAST(${x} AS TIMESTAMPTZ) END`;
        const shape = `CASE strlen(${x}) WHEN 25 THEN ${x} GLOB '${INSTANT_GLOBS.offset}' WHEN 20 THEN ${x} GLOB '${INSTANT_GLOBS.utc}' WHEN 19 THEN ${x} GLOB '${INSTANT_GLOBS.local}' ELSE false END`;
        // The year as written, as checkedSelect reads it: once the shape matched, the cell starts with four digits,
        // so comparing the whole cell with the bounding years is comparing its year (four times cheaper than left()).
        return { value, clean: `${shape} AND ${x} >= '${INSTANT_YEARS.min}' AND ${x} < '${INSTANT_YEARS.max + 1}'` };
      }
      case 'date':
        return { value: `TRY_CAST(${x} AS DATE)`, clean: `${x} GLOB '${DATE_GLOB}'` };
    }
  }
  if (column.kind === 'int' && INTEGER_TYPES.has(sourceType)) return { value: `TRY_CAST(${x} AS BIGINT)`, clean: all(bounds(v)) };
  if (column.kind === 'instant' && sourceType === 'TIMESTAMP WITH TIME ZONE') return { value: x, clean: inInstantYears(v) };
  if (column.kind === 'instant' && sourceType.startsWith('TIMESTAMP')) return { value: `timezone($tz, CAST(${x} AS TIMESTAMP))`, clean: inInstantYears(v) };
  if (column.kind === 'date' && sourceType === 'DATE') return { value: x, clean: 'true' };
  return null;
}

/**
 * The fast path for a file whose every row is valid, which is what nearly every delivery is: a SELECT over
 * `source` of the typed contract columns and `ingest_batch` ($batch), computed with cheaper tests than
 * checkedSelect's, which vouch only for cells that checkedSelect would take as they are, with the same value.
 * A row they cannot vouch for raises FAST_PATH_DECLINED (the caller then does the file the careful way), so the
 * statement either inserts exactly what checkedSelect would accept, or nothing. Null when the stream or a
 * source column's type is not one the fast path knows. `bareCells`: no text cell of the source holds whitespace
 * or quoting (FileDigest.bareCells), so jsTrim would leave every one as it is.
 */
export function fastSelect(
  contract: StreamContract,
  sourceTypes: SourceTypes,
  source: string,
  { bareCells = false }: { bareCells?: boolean } = {},
): string | null {
  if (contract.types.length === 0 || sourceTypes.get('type') !== 'VARCHAR') return null;
  const typeList = (types: string[]) => types.map(sqlString).join(', ');
  const inner: string[] = ['"type"'];
  // "Is the row of one of these types", computed once per row for each set of types that columns belong to.
  const typeFlags = new Map<string, string>();
  const ofTypes = (types: string[]) => {
    const key = typeList(types);
    if (!typeFlags.has(key)) {
      typeFlags.set(key, sqlIdent(`_of_${typeFlags.size}`));
      inner.push(`"type" IN (${key}) AS ${typeFlags.get(key)}`);
    }
    return typeFlags.get(key)!;
  };
  const values: string[] = [];
  const oks: string[] = [`"type" IN (${typeList(contract.types)})`];
  for (const column of contract.columns) {
    const name = sqlIdent(column.name);
    const v = sqlIdent(`v_${column.name}`);
    const sourceType = sourceTypes.get(column.name);
    if (column.presentIn.includes(ANY_TYPE) || column.requiredIn.includes(ANY_TYPE)) return null;
    const present = contract.types.filter((type) => column.presentIn.includes(type));
    const required = contract.types.filter((type) => column.requiredIn.includes(type));
    const everyType = present.length === contract.types.length;
    let cell: string;
    let clean: string;
    if (sourceType === undefined) {
      // Absent from the file: NULL in every row, valid where the row's type does not require it.
      inner.push(`NULL AS ${v}`);
      cell = 'NULL';
      clean = 'false';
    } else {
      const fast = fastCell(column, name, v, sourceType, bareCells);
      if (!fast) return null;
      inner.push(name, `${fast.value} AS ${v}`);
      cell = name;
      // The typed value must exist too (TRY_CAST of a date that does not exist, such as February 30).
      clean = `(${fast.clean}) AND ${v} IS NOT NULL`;
    }
    // As checkedSelect: a missing field is fine where the row's type does not require it. A field of another event
    // type, which checkedSelect drops, must be empty here, so that the value needs no CASE of its own (a file that
    // fills it goes the careful way). NULL is tested first: most optional cells are empty, and then that is all.
    const whenNull = required.length === 0 ? 'true' : required.length === contract.types.length ? 'false' : `NOT ${ofTypes(required)}`;
    const whenSet = everyType ? `(${clean})` : `${ofTypes(present)} AND (${clean})`;
    oks.push(
      whenNull === 'false' ? whenSet : whenNull === 'true' ? `(${cell} IS NULL OR ${whenSet})` : `CASE WHEN ${cell} IS NULL THEN ${whenNull} ELSE ${whenSet} END`,
    );
    values.push(`${v} AS ${name}`);
  }
  return `SELECT "type", ${values.join(', ')},
  CASE WHEN ${oks.join('\n    AND ')} THEN $batch ELSE error(${sqlString(FAST_PATH_DECLINED)}) END AS ingest_batch
FROM (SELECT ${inner.join(', ')} FROM ${source}) AS cells`;
}
