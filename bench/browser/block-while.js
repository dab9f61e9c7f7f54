// The benches' one main-thread sampler (hash-page.js, inspect-page.js), bundled into each page.

/**
 * Longest main-thread block while `work` runs: the longest 'longtask' entry (≥ 50 ms by
 * definition, so it only proves a block above 50 ms) and the longest gap between 0-delay
 * MessageChannel pings (an event-loop sampler that sees any block, minus ~0.1 ms of overhead).
 */
export async function blockWhile(work) {
  const longTasks = [];
  const obs = new PerformanceObserver((list) => longTasks.push(...list.getEntries().map((e) => e.duration)));
  obs.observe({ type: 'longtask' });
  let maxGap = 0;
  let running = true;
  const ch = new MessageChannel();
  let last = performance.now();
  ch.port1.onmessage = () => {
    const now = performance.now();
    maxGap = Math.max(maxGap, now - last);
    last = now;
    if (running) setTimeout(() => ch.port2.postMessage(0), 0);
  };
  ch.port2.postMessage(0);
  const t0 = performance.now();
  const result = await work();
  const ms = performance.now() - t0;
  running = false;
  await new Promise((r) => setTimeout(r, 100));
  obs.disconnect();
  return { ms, result, maxGapMs: maxGap, longestLongTaskMs: longTasks.length ? Math.max(...longTasks) : 0, longTasks: longTasks.length };
}
