/** The wire shapes of the supervisor's control interface (GET /services, POST /services/{name}/restart), typed once in @archaics/client. */
export type { ExitInfo, RestartAccepted, ServiceState, ServiceStatus } from '@archaics/client';
