import { expect } from 'vitest';
import { HdfsError } from '../../../src/hdfs/errors.js';

/** The HdfsError `p` rejects with; fails the test when it resolves or rejects with anything else. */
export async function hdfsError(p: Promise<unknown>): Promise<HdfsError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(HdfsError);
    return e as HdfsError;
  }
  throw new Error('expected an HdfsError');
}
