// Every hook test, run once per React major by react-19.test.tsx and react-18.test.tsx.
import { expect } from '@open-wc/testing';
import { version } from 'react';
import { version as domVersion } from 'react-dom';
import { describeServerRendering } from '../ssr.cases.js';
import { describeOnTheStack } from '../stack.cases.js';
import { describeUseDocumentInfo } from '../use-document-info.cases.js';
import { describeUseDropzone } from '../use-dropzone.cases.js';
import { describeUseUploadProgress } from '../use-upload-progress.cases.js';
import { describeUseUpload } from '../use-upload.cases.js';
import { describeUseUploaderState } from '../use-uploader-state.cases.js';
import { describeUseUploader } from '../use-uploader.cases.js';
import { describeV2Uploader } from '../v2-uploader.cases.js';

declare global {
  // eslint-disable-next-line no-var
  var IS_REACT_ACT_ENVIRONMENT: boolean | undefined;
}

export function describeAllCases(major: 18 | 19): void {
  describe(`@v2-uploader/react on React ${major}`, () => {
    // The stores change state from timers, workers and network answers, outside act(); these
    // tests wait for what a person would see (waitFor) instead. React's "not wrapped in act"
    // warnings for those updates are turned off here; act() still turns them on for itself.
    let previous: boolean | undefined;
    before(() => {
      previous = globalThis.IS_REACT_ACT_ENVIRONMENT;
      globalThis.IS_REACT_ACT_ENVIRONMENT = false;
    });
    after(() => {
      globalThis.IS_REACT_ACT_ENVIRONMENT = previous;
    });

    it(`runs on React ${major} (react and react-dom)`, () => {
      expect([version.split('.')[0], domVersion.split('.')[0]]).to.deep.equal([String(major), String(major)]);
    });

    describeUseUploader();
    describeUseUploaderState();
    describeUseUpload();
    describeUseUploadProgress();
    describeUseDocumentInfo();
    describeUseDropzone();
    describeV2Uploader();
    describeServerRendering();
    describeOnTheStack();
  });
}
