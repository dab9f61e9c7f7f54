// @ts-check
// A join's config.postgres_changes, checked and resolved against the catalog before the join is
// answered: each entry becomes a Binding (with Realtime's integer id) that the change feed
// (changes.mjs) matches rows against, or the join fails with Realtime's
// RealtimeDisabledForConfiguration reason.
import { conditionsSql, FilterError, parseFilter, quoteIdent } from './filters.mjs';
import { isObject } from './common.mjs';

/** @typedef {import('./changes.mjs').Binding} Binding */

/** A join refused with this message as its reason (`<Code>: <message>`). */
export class JoinError extends Error {}

/** Sorted-key JSON, so equal params hash equally. @param {unknown} v @returns {string} */
function stableJson(v) {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (isObject(v)) return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${stableJson(v[k])}`).join(',')}}`;
  return JSON.stringify(v) ?? 'null';
}

/** A 27-bit integer id for a binding (Realtime uses :erlang.phash2(params), same range). @param {unknown} params */
function bindingHash(params) {
  let h = 0x811c9dc5;
  const s = stableJson(params);
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h & 0x7ffffff;
}

/** @param {Record<string, any>} p @param {string} why */
function disabled(p, why) {
  const desc = `[event: ${p.event}, schema: ${p.schema}, table: ${p.table ?? '*'}, filters: [${p.filter ?? ''}]]`;
  return new JoinError(
    `RealtimeDisabledForConfiguration: Unable to subscribe to changes with given parameters. ${why} ${desc}`,
  );
}

/**
 * Validate config.postgres_changes and resolve it against the catalog.
 * @param {import('../stack.mjs').StackContext} ctx @param {unknown} list @returns {Promise<Binding[]>}
 */
export async function prepareBindings(ctx, list) {
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) throw new JoinError('InvalidJoinPayload: config.postgres_changes must be a list');
  /** @type {Binding[]} */
  const out = [];
  const used = new Set();
  for (const params of list) {
    if (params === null || params === undefined) continue;
    if (!isObject(params)) throw new JoinError('InvalidJoinPayload: each postgres_changes entry must be an object');
    const event = String(params.event ?? '*').toUpperCase();
    if (!['*', 'INSERT', 'UPDATE', 'DELETE'].includes(event)) {
      throw disabled(params, `Unknown event \`${params.event}\` (use INSERT, UPDATE, DELETE or *).`);
    }
    if (typeof params.schema !== 'string' || params.schema === '') throw disabled(params, 'A schema is required.');
    const schema = params.schema;
    const table = params.table === undefined || params.table === null || params.table === '*' ? null : String(params.table);
    const filter = params.filter === undefined || params.filter === null ? '' : params.filter;
    /** @type {import('./filters.mjs').Condition[]} */
    let conditions;
    try {
      conditions = parseFilter(/** @type {string} */ (filter));
    } catch (error) {
      if (error instanceof FilterError) throw disabled(params, `Error parsing \`filter\` params: ${error.message}.`);
      throw error;
    }
    /** @type {string[] | null} */
    let select = null;
    if (params.select !== undefined && params.select !== null) {
      if (!Array.isArray(params.select) || !params.select.every((c) => typeof c === 'string')) {
        throw disabled(params, '`select` must be a list of column names.');
      }
      select = params.select;
    }
    if (table === null || schema === '*') {
      if (conditions.length || select) throw disabled(params, 'Filters and `select` need one table.');
      const [{ n }] = await ctx.sql`
        select count(*)::int as n from pg_publication_tables
         where pubname = 'supabase_realtime' and (${schema} = '*' or schemaname = ${schema})`;
      if (n === 0) throw disabled(params, 'No table of publication supabase_realtime matches.');
    } else {
      const [info] = await ctx.sql`
        select exists(select 1 from pg_publication_tables pt
                       where pt.pubname = 'supabase_realtime' and pt.schemaname = n.nspname and pt.tablename = c.relname) as published,
               coalesce((select json_agg(json_build_object('name', a.attname, 'type', format_type(a.atttypid, null)) order by a.attnum)
                           from pg_attribute a
                          where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped), '[]'::json) as columns
          from pg_class c join pg_namespace n on n.oid = c.relnamespace
         where n.nspname = ${schema} and c.relname = ${table} and c.relkind in ('r', 'p')`;
      if (!info) throw disabled(params, `Table ${schema}.${table} does not exist.`);
      if (!info.published) {
        throw disabled(params, `Table ${schema}.${table} is not in publication supabase_realtime (alter publication supabase_realtime add table …).`);
      }
      /** @type {Map<string, string>} */
      const types = new Map(info.columns.map((/** @type {{name: string, type: string}} */ c) => [c.name, c.type]));
      for (const c of conditions) {
        const type = types.get(c.column);
        if (!type) throw disabled(params, `invalid column for filter ${c.column}.`);
        c.type = type;
      }
      for (const name of select ?? []) if (!types.has(name)) throw disabled(params, `invalid column for select ${name}.`);
      await validateConditions(ctx, params, `${quoteIdent(schema)}.${quoteIdent(table)}`, conditions);
    }
    let id = bindingHash(params);
    while (used.has(id)) id = (id + 1) & 0x7ffffff;
    used.add(id);
    out.push({ id, params, event: /** @type {Binding['event']} */ (event), schema, table, conditions, select });
  }
  return out;
}

/**
 * Every value must cast to its column's type, patterns must compile, and the whole condition
 * must type-check — checked now so the join fails instead of the subscription going silent.
 * @param {import('../stack.mjs').StackContext} ctx
 * @param {Record<string, any>} params @param {string} table
 * @param {import('./filters.mjs').Condition[]} conditions
 */
async function validateConditions(ctx, params, table, conditions) {
  if (conditions.length === 0) return;
  try {
    for (const c of conditions) {
      for (const v of c.values ?? (c.op === 'is' ? [] : [c.value])) {
        if (['like', 'ilike'].includes(c.op)) continue;
        if (['match', 'imatch'].includes(c.op)) await ctx.sql`select '' ~ ${String(v)}::text`;
        else await ctx.sql.unsafe(`select cast($1::text as ${c.type})`, [v]);
      }
    }
    /** @type {unknown[]} */
    const values = [];
    const expr = conditionsSql(conditions, values);
    await ctx.sql.unsafe(`select ${expr} as ok from jsonb_populate_record(null::${table}, '{}'::jsonb) as r`, values);
  } catch (error) {
    throw disabled(params, `Invalid filter \`${params.filter}\`: ${/** @type {any} */ (error)?.message ?? error}.`);
  }
}
