// Split a SQL file into statements at top-level semicolons, as the Supabase CLI does before it
// sends a migration: semicolons inside quotes ('…', "…", E'…'), dollar quotes ($$…$$,
// $tag$…$tag$) and comments (--, nested /* */) do not split. Empty statements are dropped.

/** @param {string} text @returns {string[]} */
export function splitStatements(text) {
  /** @type {string[]} */
  const out = [];
  let start = 0;
  let i = 0;
  const n = text.length;
  const push = (end) => {
    const stmt = text.slice(start, end).trim();
    if (stmt && !isOnlyComments(stmt)) out.push(stmt);
  };
  while (i < n) {
    const c = text[i];
    const next = text[i + 1];
    if (c === '-' && next === '-') {
      const eol = text.indexOf('\n', i);
      i = eol === -1 ? n : eol + 1;
    } else if (c === '/' && next === '*') {
      let depth = 1;
      i += 2;
      while (i < n && depth > 0) {
        if (text[i] === '/' && text[i + 1] === '*') { depth++; i += 2; }
        else if (text[i] === '*' && text[i + 1] === '/') { depth--; i += 2; }
        else i++;
      }
    } else if (c === "'" || c === '"') {
      // A doubled quote inside is an escaped quote; E'…' strings may also escape with \.
      const escapes = c === "'" && /[eE]/.test(text[i - 1] ?? '') && !/\w/.test(text[i - 2] ?? '');
      i++;
      while (i < n) {
        if (escapes && text[i] === '\\') { i += 2; continue; }
        if (text[i] === c) {
          if (text[i + 1] === c) { i += 2; continue; }
          break;
        }
        i++;
      }
      i++;
    } else if (c === '$') {
      const m = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(text.slice(i, i + 64));
      if (m && !/\w/.test(text[i - 1] ?? '')) {
        const close = text.indexOf(m[0], i + m[0].length);
        i = close === -1 ? n : close + m[0].length;
      } else {
        i++;
      }
    } else if (c === ';') {
      push(i);
      i++;
      start = i;
    } else {
      i++;
    }
  }
  push(n);
  return out;
}

/** @param {string} stmt */
function isOnlyComments(stmt) {
  return stmt.replace(/--[^\n]*/g, '').replace(/\/\*[\s\S]*?\*\//g, '').trim() === '';
}
