// Never run: react-18.ts fetches this file as text to read where the dev server resolves each
// of these packages (the server rewrites bare imports to paths).
import 'react';
import 'react-dom';
import 'react-18';
import 'react-dom-18';
