import { runService } from '@archaics/common';
import { startDashboard } from './start.ts';

await runService(() => startDashboard('dashboard'));
