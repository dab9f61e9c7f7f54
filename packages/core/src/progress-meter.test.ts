import { expect } from '@open-wc/testing';
import { ProgressMeter, SPEED_HALF_LIFE_MS } from './progress-meter.js';

describe('ProgressMeter', () => {
  it('measures a steady rate and the time left', () => {
    let t = 0;
    const meter = new ProgressMeter(10_000_000, () => t);
    meter.sample(0);
    for (let i = 1; i <= 10; i++) {
      t += 1000;
      meter.sample(i * 500_000);
    }
    const { speed, etaSeconds } = meter.sample(5_000_000);
    expect(Math.round(speed)).to.equal(500_000);
    expect(etaSeconds).to.equal(10);
  });

  it('smooths a burst: one big chunk does not multiply the estimate', () => {
    let t = 0;
    const meter = new ProgressMeter(100_000_000, () => t);
    meter.sample(0);
    for (let i = 1; i <= 6; i++) {
      t += 1000;
      meter.sample(i * 1_000_000);
    }
    t += 100; // a 6 MB chunk confirmed 100 ms later: a 60 MB/s instant rate
    const { speed } = meter.sample(12_000_000);
    expect(speed).to.be.below(40_000_000);
    expect(speed).to.be.above(1_000_000);
  });

  it('follows a real change of speed within a few half-lives', () => {
    let t = 0;
    const meter = new ProgressMeter(1e12, () => t);
    let bytes = 0;
    meter.sample(bytes);
    for (let i = 0; i < 10; i++) {
      t += 500;
      bytes += 500_000; // 1 MB/s
      meter.sample(bytes);
    }
    for (let i = 0; i < (4 * SPEED_HALF_LIFE_MS) / 500; i++) {
      t += 500;
      bytes += 50_000; // 100 kB/s
      meter.sample(bytes);
    }
    expect(meter.sample(bytes).speed).to.be.below(200_000);
  });

  it('knows nothing before two samples, and restarts after a lower offset', () => {
    let t = 0;
    const meter = new ProgressMeter(1000, () => t);
    expect(meter.sample(100)).to.deep.equal({ speed: 0, etaSeconds: undefined });
    t += 1000;
    expect(meter.sample(200).speed).to.equal(100);
    t += 1000;
    expect(meter.sample(50)).to.deep.equal({ speed: 100, etaSeconds: 10 });
    expect(meter.sample(1000).etaSeconds).to.equal(0);
  });
});
