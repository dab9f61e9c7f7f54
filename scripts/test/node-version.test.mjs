// Run beside other files by a suite that sets V2_EXPECT_NODE_MAJOR (the node24 suite): proves the
// files really ran on that Node, not on whatever `node` the PATH found first.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';

test('runs on the Node the suite asked for, and so does a child `node`', () => {
  const want = process.env.V2_EXPECT_NODE_MAJOR;
  assert.ok(want, 'set V2_EXPECT_NODE_MAJOR (run it as `node scripts/test-all.mjs node24`)');
  assert.equal(process.versions.node.split('.')[0], want);
  assert.equal(execFileSync('node', ['-p', 'process.versions.node'], { encoding: 'utf8' }).split('.')[0], want);
});
