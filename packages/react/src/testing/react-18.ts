// Runs this page's React code on React 18 (the devDependencies `react-18` / `react-dom-18`)
// with the sources, tests and @testing-library/react unchanged: an import map sends every
// request for React 19's files to React 18's. It must be installed before anything imports
// React, so the test file that calls it imports everything else dynamically afterwards.
//
// Two kinds of request reach React:
// - ES modules (our sources, testing-library's ESM build) import the packages' own files, e.g.
//   /node_modules/.pnpm/react@19.3.1/node_modules/react/index.js: a prefix rule per package;
// - CommonJS converted by the dev server (react-dom-18's `require('react')`: pnpm links
//   react-dom-18 to the workspace's React 19, since an aliased React cannot satisfy its peer)
//   import a generated proxy, /__web-dev-server__/rollup/index.js?…%00<file>%3Fcommonjs-proxy:
//   one exact rule from React 19's proxy to React 18's.

const ROLLUP_PROXY = '/__web-dev-server__/rollup/index.js?web-dev-server-rollup-null-byte=';

async function text(url: URL): Promise<string> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url.href}: ${response.status}`);
  return response.text();
}

/** Where the dev server resolves react, react-dom, react-18 and react-dom-18 (their index.js). */
async function resolvedEntries(): Promise<URL[]> {
  const probe = new URL('./react-specifiers.ts', import.meta.url);
  const entries = [...(await text(probe)).matchAll(/import\s*"([^"]+)"/g)].map((m) => new URL(m[1]!, probe));
  if (entries.length !== 4) throw new Error(`expected 4 resolved imports in react-specifiers.ts, got ${entries.length}`);
  return entries;
}

/** The file-system path the dev server serves `url` from (it names files so in its proxies). */
async function fileOf(url: URL): Promise<string> {
  const source = await text(url);
  for (const match of source.matchAll(/web-dev-server-rollup-null-byte=([^"&]+)/g)) {
    const id = decodeURIComponent(match[1]!); // "\0/abs/…/react/index.js?commonjs-module"
    const at = id.indexOf(url.pathname);
    if (at > 0) return id.slice(1, at) + url.pathname;
  }
  throw new Error(`${url.href} was not converted from CommonJS as expected`);
}

const proxyOf = (file: string) => new URL(ROLLUP_PROXY + encodeURIComponent(`\0${file}?commonjs-proxy`), location.origin).href;
const folder = (entry: URL) => new URL('./', entry).href;

export async function bindReact18(): Promise<void> {
  const [react19, reactDom19, react18, reactDom18] = (await resolvedEntries()) as [URL, URL, URL, URL];
  const root = (await fileOf(react19)).slice(0, -react19.pathname.length);
  const map = document.createElement('script');
  map.type = 'importmap';
  map.textContent = JSON.stringify({
    imports: {
      [folder(react19)]: folder(react18),
      [folder(reactDom19)]: folder(reactDom18),
      [proxyOf(root + react19.pathname)]: proxyOf(root + react18.pathname),
    },
  });
  document.head.append(map);
}
