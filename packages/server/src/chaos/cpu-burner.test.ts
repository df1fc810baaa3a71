import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { CpuBurner } from './cpu-burner.ts';

async function cpuSecondsDuring(ms: number): Promise<number> {
  const before = process.cpuUsage();
  await sleep(ms);
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1e6;
}

describe(CpuBurner.name, () => {
  it('burns more CPU at a higher intensity and nothing after stop', async () => {
    const burner = new CpuBurner(1);
    try {
      burner.start(1);
      await sleep(200);
      const low = await cpuSecondsDuring(1000);
      burner.start(9);
      await sleep(200);
      const high = await cpuSecondsDuring(1000);
      burner.stop();
      await sleep(200);
      const idle = await cpuSecondsDuring(500);
      expect(burner.running).toBe(false);
      // intensity 1 ≈ 0.1 core, 9 ≈ 0.9 core: a ratio, so a busy machine shifts both alike.
      expect(high).toBeGreaterThan(low * 2);
      expect(idle).toBeLessThan(high / 4);
    } finally {
      burner.stop();
    }
  });
});
