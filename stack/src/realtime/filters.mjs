// @ts-check
// postgres_changes filters, as realtime-js writes them (RealtimePostgresFilterBuilder) and the
// Realtime server reads them: `col=op.value`, conditions joined by commas (AND), any operator
// negated with `not.`, values with reserved characters in PostgREST-style double quotes,
// `in.(a,b,"c,d")`. Operators: eq neq lt lte gt gte in like ilike match imatch is isdistinct.
//
// Conditions are evaluated by Postgres itself against the changed row (rebuilt from its JSON
// with jsonb_populate_record), with the filter value cast to the column's type — so numbers
// compare numerically, timestamps as instants, enums/uuids/text by their own operators —
// which is what Realtime does (realtime.check_equality_op casts both sides to the column type).

export const FILTER_OPS = ['eq', 'neq', 'lt', 'lte', 'gt', 'gte', 'in', 'like', 'ilike', 'match', 'imatch', 'is', 'isdistinct'];
const IS_VALUES = { null: 'null', true: 'true', false: 'false', unknown: 'unknown' };

/**
 * @typedef {object} Condition
 * @property {string} column
 * @property {string} op
 * @property {boolean} negate
 * @property {string} [value]      scalar operators
 * @property {string[]} [values]   `in`
 * @property {string} [type]       the column's SQL type (format_type), filled in once the table is known
 */

export class FilterError extends Error {}

/**
 * Split on `sep` outside double quotes (with backslash escapes) and parentheses.
 * @param {string} s @param {string} sep
 */
function splitTopLevel(s, sep) {
  /** @type {string[]} */
  const out = [];
  let cur = '';
  let quoted = false;
  let depth = 0;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (quoted) {
      cur += ch;
      if (ch === '\\' && i + 1 < s.length) cur += s[++i];
      else if (ch === '"') quoted = false;
      continue;
    }
    if (ch === '"') quoted = true;
    else if (ch === '(') depth++;
    else if (ch === ')') depth = Math.max(0, depth - 1);
    else if (ch === sep && depth === 0) {
      out.push(cur);
      cur = '';
      continue;
    }
    cur += ch;
  }
  if (quoted) throw new FilterError('unterminated quote');
  out.push(cur);
  return out;
}

/** @param {string} v */
function unquote(v) {
  if (v.length >= 2 && v.startsWith('"') && v.endsWith('"')) {
    return v.slice(1, -1).replace(/\\(.)/g, '$1');
  }
  return v;
}

/**
 * Parse a filter string into conditions (types not yet known). Throws FilterError.
 * @param {string} filter
 * @returns {Condition[]}
 */
export function parseFilter(filter) {
  if (typeof filter !== 'string') throw new FilterError('filter must be a string');
  if (filter.trim() === '') return [];
  return splitTopLevel(filter, ',').map((part) => {
    const eq = part.indexOf('=');
    if (eq <= 0) throw new FilterError(`\`${part}\` is not column=operator.value`);
    const column = part.slice(0, eq).trim();
    let rest = part.slice(eq + 1);
    let negate = false;
    if (rest.startsWith('not.')) {
      negate = true;
      rest = rest.slice(4);
    }
    const dot = rest.indexOf('.');
    if (dot <= 0) throw new FilterError(`\`${part}\` is not column=operator.value`);
    const op = rest.slice(0, dot).toLowerCase();
    const raw = rest.slice(dot + 1);
    if (!FILTER_OPS.includes(op)) throw new FilterError(`unknown operator \`${op}\` in \`${part}\``);
    if (op === 'in') {
      const m = /^\((.*)\)$/s.exec(raw.trim());
      if (!m) throw new FilterError(`\`in\` needs a list in parentheses: \`${part}\``);
      const values = m[1].trim() === '' ? [] : splitTopLevel(m[1], ',').map((v) => unquote(v.trim()));
      if (values.length === 0) throw new FilterError(`\`in\` needs at least one value: \`${part}\``);
      return { column, op, negate, values };
    }
    if (op === 'is') {
      const value = raw.trim().toLowerCase();
      if (!(value in IS_VALUES)) throw new FilterError(`\`is\` takes null, true, false or unknown: \`${part}\``);
      return { column, op, negate, value };
    }
    return { column, op, negate, value: unquote(raw) };
  });
}

/** @param {string} name */
export function quoteIdent(name) {
  return `"${String(name).replace(/"/g, '""')}"`;
}

const COMPARISON = { eq: '=', neq: '<>', lt: '<', lte: '<=', gt: '>', gte: '>=' };
const PATTERN = { like: 'like', ilike: 'ilike', match: '~', imatch: '~*' };

/**
 * SQL for one condition over row alias `r`; pushes its parameters onto `params`.
 * @param {Condition} c @param {unknown[]} params
 */
function conditionSql(c, params) {
  const col = `r.${quoteIdent(c.column)}`;
  const type = c.type ?? 'text';
  /** @param {unknown} v */
  const p = (v) => {
    params.push(v);
    return `$${params.length}`;
  };
  /** @type {string} */
  let expr;
  if (c.op in COMPARISON) {
    expr = `${col} ${COMPARISON[/** @type {keyof COMPARISON} */ (c.op)]} cast(${p(c.value)}::text as ${type})`;
  } else if (c.op in PATTERN) {
    expr = `cast(${col} as text) ${PATTERN[/** @type {keyof PATTERN} */ (c.op)]} ${p(c.value)}::text`;
  } else if (c.op === 'in') {
    expr = `${col} = any(array(select cast(x as ${type}) from jsonb_array_elements_text(${p(JSON.stringify(c.values))}::text::jsonb) as x))`;
  } else if (c.op === 'is') {
    expr = `${col} is ${IS_VALUES[/** @type {keyof IS_VALUES} */ (c.value)]}`;
  } else {
    expr = `${col} is distinct from cast(${p(c.value)}::text as ${type})`;
  }
  return c.negate ? `coalesce(not (${expr}), false)` : `coalesce((${expr}), false)`;
}

/**
 * One boolean SQL expression (over row alias `r`) for all of a binding's conditions.
 * @param {Condition[]} conditions @param {unknown[]} params
 */
export function conditionsSql(conditions, params) {
  if (conditions.length === 0) return 'true';
  return `(${conditions.map((c) => conditionSql(c, params)).join(' and ')})`;
}
