import { runService } from '@archaics/server';
import { startDashboard } from './start.ts';

await runService(() => startDashboard('dashboard'));
