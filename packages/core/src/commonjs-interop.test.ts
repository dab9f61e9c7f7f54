import { expect } from '@open-wc/testing';
// spark-md5 ships CommonJS/UMD only. This import works in the browser only
// because the test runner converts CommonJS to ESM (@rollup/plugin-commonjs).
import SparkMD5 from 'spark-md5';

describe('CommonJS dependencies in the browser', () => {
  it('loads spark-md5 and hashes with it', () => {
    expect(SparkMD5.hash('hello')).to.equal('5d41402abc4b2a76b9719d911017c592');
  });

  it('hashes incrementally, as chunked file hashing will', () => {
    const spark = new SparkMD5.ArrayBuffer();
    const bytes = new TextEncoder().encode('hello');
    spark.append(bytes.slice(0, 2).buffer);
    spark.append(bytes.slice(2).buffer);
    expect(spark.end()).to.equal('5d41402abc4b2a76b9719d911017c592');
  });
});
