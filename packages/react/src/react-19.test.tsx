// The hook tests on React 19 (the `react` and `react-dom` devDependencies).
import { describeAllCases } from './testing/all-cases.js';

describeAllCases(19);
