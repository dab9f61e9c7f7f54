// Registers every v2-uploader element. Import the per-element `*/define.js`
// entries instead to register only what you use.
import './progress-bar/define.js';
import './upload-item/define.js';
import './uploader/define.js';
