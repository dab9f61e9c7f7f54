export { V2ProgressBar } from './progress-bar/progress-bar.js';
