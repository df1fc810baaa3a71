import { runService } from '@archaics/server';
import { startDashboard } from './start.ts';

// scripts/serve-control.sh: the same server on 0.0.0.0:8080, every page and API behind a pairing token.
await runService(() => startDashboard('control'));
