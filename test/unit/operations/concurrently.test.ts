import { describe, expect, it } from 'vitest';
import { mapConcurrently } from '../../../src/operations/concurrently.js';

const tick = () => new Promise((r) => setImmediate(r));

describe('mapConcurrently', () => {
  it('keeps the order of the items and never exceeds the limit', async () => {
    let inFlight = 0;
    let most = 0;
    const out = await mapConcurrently([5, 1, 4, 2, 3, 0], 3, async (n) => {
      most = Math.max(most, ++inFlight);
      for (let i = 0; i < n; i++) await tick();
      inFlight--;
      return n * 10;
    });
    expect(out).toEqual([50, 10, 40, 20, 30, 0]);
    expect(most).toBe(3);
  });

  it('starts nothing new after a failure, and throws only when the calls in flight have ended', async () => {
    const started: number[] = [];
    let ended = 0;
    const run = mapConcurrently([0, 1, 2, 3, 4, 5], 2, async (n) => {
      started.push(n);
      if (n === 1) throw new Error('upload 1 failed');
      for (let i = 0; i < 5; i++) await tick();
      ended++;
      return n;
    });
    await expect(run).rejects.toThrow('upload 1 failed');
    expect(started).toEqual([0, 1]);
    expect(ended).toBe(1);
  });
});
