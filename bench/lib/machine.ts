import { machineInfo } from '@archaics/experiments';

/** What a bench result was measured on (as the experiments' scorecard says it), and when. */
export function machine(): Record<string, string | number> {
  return { ...machineInfo(), date: new Date().toISOString() };
}
