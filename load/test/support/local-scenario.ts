import type { LoadProfile, ScenarioDefinition, Thresholds } from '../../src/index.ts';

/** A scenario of one GET / per iteration on the target `local` (a test server), no session, no think time. */
export function localScenario(load: LoadProfile, thresholds: Thresholds = {}): ScenarioDefinition {
  return {
    name: 'local',
    description: 'one request per iteration against a test server',
    journey: {
      name: 'one-request',
      description: '',
      session: 'none',
      steps: [{ target: 'local', method: 'GET', path: '/', expect: 200 }],
      thinkTime: { min: 0, max: 0 },
    },
    load,
    thresholds,
  };
}
