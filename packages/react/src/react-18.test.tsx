// The same hook tests on React 18: an import map binds every React import of this page (our
// sources, @testing-library/react, react-dom/server) to the `react-18` / `react-dom-18`
// devDependencies. It must be in place before anything imports React, hence the dynamic import.
import { bindReact18 } from './testing/react-18.js';

await bindReact18();
const { describeAllCases } = await import('./testing/all-cases.js');
describeAllCases(18);
