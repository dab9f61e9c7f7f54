// @ts-check
// The postgres_changes feed: row changes arrive as NOTIFY messages from the triggers that
// stack/realtime.sql installs on the tables of publication `supabase_realtime`; for each change
// and each subscribed binding whose schema/table/event and filter match, the subscriber's right
// to see the row is checked under the subscriber's own claims (role + request.jwt.claims, as
// Realtime and PostgREST do), and only subscribers that can see the row get it.
import postgres from 'postgres';
import { conditionsSql, quoteIdent } from './filters.mjs';

export const NOTIFY_CHANNEL = 'realtime_local_changes';

/**
 * @typedef {object} Binding  one entry of a channel's config.postgres_changes
 * @property {number} id
 * @property {Record<string, unknown>} params      as the client sent it (echoed in the join reply)
 * @property {'*' | 'INSERT' | 'UPDATE' | 'DELETE'} event
 * @property {string} schema                        '*' = any schema
 * @property {string | null} table                  null = any table
 * @property {import('./filters.mjs').Condition[]} conditions
 * @property {string[] | null} select               only these columns, when given
 *
 * @typedef {object} Subscriber  a joined channel
 * @property {boolean} closed
 * @property {Record<string, any>} claims
 * @property {Binding[]} bindings
 * @property {(payload: { ids: number[], data: Record<string, unknown> }) => void} pushChange
 *
 * @typedef {object} Change  a NOTIFY payload (see stack/realtime.sql)
 * @property {number} seq
 * @property {string} schema
 * @property {string} table
 * @property {'INSERT' | 'UPDATE' | 'DELETE'} type
 * @property {string} commit_timestamp
 * @property {string[]} pk
 * @property {Record<string, unknown>} key
 * @property {Record<string, unknown> | null} record
 * @property {Record<string, unknown> | null} old_record
 * @property {boolean} [truncated]
 *
 * @typedef {{ visible: boolean, columns: Set<string> }} Visibility
 */

const NOT_VISIBLE = /** @type {Visibility} */ ({ visible: false, columns: new Set() });

/**
 * LISTEN on one dedicated connection and deliver every change, in commit order.
 * @param {import('../stack.mjs').StackContext} ctx
 * @param {() => Iterable<Subscriber>} subscribers
 */
export async function startChangeFeed(ctx, subscribers) {
  const listener = postgres(ctx.dbUrl, { max: 1, onnotice: () => {}, connection: { application_name: 'v2-stack realtime listener' } });
  /** @type {Promise<void>} */
  let queue = Promise.resolve();
  let closing = false;
  const { unlisten } = await listener.listen(NOTIFY_CHANNEL, (text) => {
    if (closing) return;
    queue = queue
      .then(() => deliver(ctx, subscribers(), text))
      .catch((error) => ctx.log('realtime: a change could not be delivered', { error: String(error?.stack ?? error) }));
  });
  return {
    /** Resolves once every change notified so far has been handled. */
    idle: () => queue,
    async close() {
      closing = true;
      await unlisten().catch(() => {});
      await listener.end({ timeout: 1 }).catch(() => {});
      let timer;
      await Promise.race([queue, new Promise((resolve) => (timer = setTimeout(resolve, 2000)))]);
      clearTimeout(timer);
    },
  };
}

/** @param {Binding} b @param {Change} change */
function bindingMatches(b, change) {
  return (
    (b.schema === '*' || b.schema === change.schema) &&
    (b.table === null || b.table === change.table) &&
    (b.event === '*' || b.event === change.type)
  );
}

/** @param {string[]} pk */
function keyMatchSql(pk) {
  return pk.map((c) => `t.${quoteIdent(c)} = k.${quoteIdent(c)}`).join(' and ');
}

/**
 * @param {import('../stack.mjs').StackContext} ctx
 * @param {Iterable<Subscriber>} subs
 * @param {string} text
 */
async function deliver(ctx, subs, text) {
  /** @type {Change} */
  const change = JSON.parse(text);
  if (!['INSERT', 'UPDATE', 'DELETE'].includes(change.type)) return;

  /** @type {{ sub: Subscriber, b: Binding }[]} */
  const candidates = [];
  for (const sub of subs) {
    if (sub.closed) continue;
    for (const b of sub.bindings) if (bindingMatches(b, change)) candidates.push({ sub, b });
  }
  if (candidates.length === 0) return;

  const table = `${quoteIdent(change.schema)}.${quoteIdent(change.table)}`;
  let record = change.record ?? null;
  const oldRecord = change.old_record ?? null;
  if (change.truncated && change.type !== 'DELETE') {
    // Too large for NOTIFY: read the row (as it is now) by its key.
    if (change.pk.length === 0) return;
    const [row] = await ctx.sql.unsafe(
      `select to_jsonb(t) as record from ${table} as t, jsonb_populate_record(null::${table}, $1::text::jsonb) as k
        where ${keyMatchSql(change.pk)}`,
      [JSON.stringify(change.key)],
    );
    if (!row) return; // gone since: nobody can see it
    record = row.record;
  }
  const subject = change.type === 'DELETE' ? oldRecord : record;

  const filtered = candidates.filter((c) => c.b.conditions.length > 0);
  const { columns, results } = await evaluate(ctx, table, subject ?? {}, filtered.map((c) => c.b));
  /** @type {Map<Subscriber, Binding[]>} */
  const bySub = new Map();
  for (const c of candidates) {
    if (c.b.conditions.length > 0 && !results.get(c.b)) continue;
    const list = bySub.get(c.sub) ?? [];
    list.push(c.b);
    bySub.set(c.sub, list);
  }
  if (bySub.size === 0) return;

  /** @type {Map<string, Promise<Visibility>>} */
  const byClaims = new Map();
  const entries = [...bySub];
  const visibilities = await Promise.all(
    entries.map(([sub]) => {
      const key = JSON.stringify(sub.claims);
      let p = byClaims.get(key);
      if (!p) {
        p = visibility(ctx, sub.claims, change, table, subject);
        byClaims.set(key, p);
      }
      return p;
    }),
  );

  entries.forEach(([sub, bindings], i) => {
    const vis = visibilities[i];
    if (!vis.visible || sub.closed) return;
    // One message per distinct column selection (almost always exactly one).
    /** @type {Map<string, Binding[]>} */
    const groups = new Map();
    for (const b of bindings) {
      const k = b.select ? JSON.stringify(b.select) : '';
      groups.set(k, [...(groups.get(k) ?? []), b]);
    }
    for (const group of groups.values()) {
      const select = group[0].select;
      const cols = columns.filter((c) => vis.columns.has(c.name) && (!select || select.includes(c.name)));
      /** @param {Record<string, unknown> | null} rec */
      const pick = (rec) => {
        /** @type {Record<string, unknown>} */
        const out = {};
        if (rec) for (const c of cols) if (c.name in rec) out[c.name] = rec[c.name];
        return out;
      };
      /** @type {Record<string, unknown>} */
      const data = {
        schema: change.schema,
        table: change.table,
        commit_timestamp: change.commit_timestamp,
        type: change.type,
        columns: cols,
      };
      if (change.type !== 'DELETE') data.record = pick(record);
      if (change.type !== 'INSERT') data.old_record = pick(oldRecord);
      data.errors = null;
      sub.pushChange({ ids: group.map((b) => b.id), data });
    }
  });
}

/**
 * The table's columns ({name, type: pg_type.typname}, as Realtime sends them) and, for each
 * binding with conditions, whether the row satisfies them — all in Postgres, with its types.
 * @param {import('../stack.mjs').StackContext} ctx
 * @param {string} table @param {Record<string, unknown>} row @param {Binding[]} bindings
 * @returns {Promise<{ columns: { name: string, type: string }[], results: Map<Binding, boolean> }>}
 */
async function evaluate(ctx, table, row, bindings) {
  const columnsSql = `coalesce((select json_agg(json_build_object('name', a.attname, 'type', ty.typname) order by a.attnum)
      from pg_attribute a join pg_type ty on ty.oid = a.atttypid
     where a.attrelid = $2::text::regclass and a.attnum > 0 and not a.attisdropped), '[]'::json)`;
  /** @param {Binding[]} list */
  const run = async (list) => {
    /** @type {unknown[]} */
    const params = [JSON.stringify(row), table];
    const exprs = list.map((b, i) => `, ${conditionsSql(b.conditions, params)} as f${i}`).join('');
    const [res] = await ctx.sql.unsafe(
      `select ${columnsSql} as columns${exprs} from jsonb_populate_record(null::${table}, $1::text::jsonb) as r`,
      params,
    );
    return res;
  };
  /** @type {Map<Binding, boolean>} */
  const results = new Map();
  try {
    const res = await run(bindings);
    bindings.forEach((b, i) => results.set(b, res[`f${i}`] === true));
    return { columns: res.columns, results };
  } catch {
    // One bad binding (e.g. the column's type changed since the join) must not hide the
    // change from the others: evaluate them one by one.
    const res = await run([]);
    for (const b of bindings) {
      try {
        results.set(b, (await run([b])).f0 === true);
      } catch {
        results.set(b, false);
      }
    }
    return { columns: res.columns, results };
  }
}

/**
 * Can a subscriber with these claims see this change? The role needs SELECT on the table.
 * When RLS does not apply (RLS off, a role that bypasses RLS, the owner) that is all. Else
 * INSERT/UPDATE: re-read the row by its primary key as the subscriber, so the policies decide —
 * Realtime's own check, with the same caveat: the row is read as it is now, so a row deleted
 * (or changed out of reach) before the change is processed is not delivered. DELETE (the row is
 * gone) and tables without a primary key: only when the row's `user_id` equals the claims' `sub`.
 * @param {import('../stack.mjs').StackContext} ctx
 * @param {Record<string, any>} claims @param {Change} change @param {string} table
 * @param {Record<string, unknown> | null} subject  the record (old record for DELETE)
 * @returns {Promise<Visibility>}
 */
async function visibility(ctx, claims, change, table, subject) {
  try {
    return await ctx.asRole(claims, async (tx) => {
      const [meta] = await tx.unsafe(
        `select has_any_column_privilege(c.oid, 'SELECT') as can_select,
                c.relrowsecurity as rls, c.relforcerowsecurity as force_rls,
                pg_has_role(c.relowner, 'USAGE') as owner,
                coalesce((select r.rolsuper or r.rolbypassrls from pg_roles r where r.rolname = current_user), false) as bypass,
                array(select a.attname::text from pg_attribute a
                       where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
                         and has_column_privilege(c.oid, a.attnum, 'SELECT')
                       order by a.attnum) as cols
           from pg_class c where c.oid = $1::text::regclass`,
        [table],
      );
      if (!meta?.can_select) return NOT_VISIBLE;
      const columns = new Set(/** @type {string[]} */ (meta.cols));
      // RLS does not apply: the grant is enough (Realtime does not re-read these either).
      if (!meta.rls || meta.bypass || (meta.owner && !meta.force_rls)) return { visible: true, columns };
      if (change.type !== 'DELETE' && change.pk.length > 0) {
        const [row] = await tx.unsafe(
          `select exists(select 1 from ${table} as t, jsonb_populate_record(null::${table}, $1::text::jsonb) as k
                          where ${keyMatchSql(change.pk)}) as visible`,
          [JSON.stringify(change.key)],
        );
        return { visible: row?.visible === true, columns };
      }
      const owner = subject?.user_id;
      const visible = owner !== undefined && owner !== null && claims.sub != null && String(owner) === String(claims.sub);
      return { visible, columns };
    });
  } catch {
    return NOT_VISIBLE; // no such role, no grant on the table or its key columns, …
  }
}
