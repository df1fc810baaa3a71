export {
  startSupervisor,
  PortInUseError,
  AlreadyRunningError,
  StartupError,
  MissingEntryError,
} from './supervisor/supervisor.ts';
export type { Supervisor, SupervisorOptions, UnhealthyService } from './supervisor/supervisor.ts';
export { DEFAULT_STACK, DEFAULT_CONTROL_PORT, loadStackFile } from './supervisor/stack.ts';
export type { ProcessSpec } from './supervisor/stack.ts';
export { createControlClient, ControlRequestError, SupervisorNotRunningError } from './supervisor/control.client.ts';
export type { ControlClient, ControlClientOptions } from './supervisor/control.client.ts';
export type { ServiceStatus, ServiceState, ExitInfo, RestartAccepted } from './supervisor/control.types.ts';
export { readSupervisorFile, supervisorFilePath } from './supervisor/supervisor-file.ts';
export type { SupervisorFile } from './supervisor/supervisor-file.ts';
export { main } from './main.ts';
