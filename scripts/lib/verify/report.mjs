// @ts-check
// The verify command's results: one named line per check, pass / fail / skip, and on a failure
// the fix in one sentence. A skip is a check the given credentials could not run (said so on its
// line), or one whose prerequisite failed; it is never counted as a pass.

/**
 * @typedef {'pass' | 'fail' | 'skip'} Status
 * @typedef {object} CheckResult
 * @property {string} id       stable identifier (JSON consumers and tests match on it)
 * @property {string} name     what was checked, in words
 * @property {Status} status
 * @property {string} [detail] what was seen
 * @property {string} [fix]    on a failure: what to do, one sentence
 * @property {number} ms
 */

export class Report {
  /** @param {{ onResult?: (r: CheckResult) => void }} [options] */
  constructor(options = {}) {
    /** @type {CheckResult[]} */
    this.results = [];
    this.onResult = options.onResult;
  }

  /** @param {Omit<CheckResult, 'ms'> & { ms?: number }} result */
  add(result) {
    const r = { ms: 0, ...result };
    this.results.push(r);
    this.onResult?.(r);
    return r;
  }

  /** @param {string} id */
  get(id) {
    return this.results.find((r) => r.id === id);
  }

  /** @param {string} id */
  passed(id) {
    return this.get(id)?.status === 'pass';
  }

  counts() {
    const n = (/** @type {Status} */ s) => this.results.filter((r) => r.status === s).length;
    return { passed: n('pass'), failed: n('fail'), skipped: n('skip') };
  }
}

/** One check's line for a terminal. @param {CheckResult} r */
export function formatLine(r) {
  const mark = { pass: 'PASS', fail: 'FAIL', skip: 'SKIP' }[r.status];
  let line = `${mark}  ${r.name}`;
  if (r.detail) line += ` — ${r.detail}`;
  if (r.status === 'fail' && r.fix) line += `\n      fix: ${r.fix}`;
  return line;
}

/** @param {Report} report */
export function formatSummary(report) {
  const c = report.counts();
  return `verify: ${c.passed} passed, ${c.failed} failed, ${c.skipped} not checked`;
}
