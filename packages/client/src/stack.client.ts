import type { BusinessService } from '@archaics/contracts';
import { archaicsHome } from '@archaics/runtime';
import type { ChaosCredential } from './chaos-credential.ts';
import { ControlCaller, type CallerOptions } from './control-caller.ts';
import { DetectorClient } from './detector.client.ts';
import { OperatorClient } from './operator.client.ts';
import { ServicesClient } from './services.client.ts';
import { SupervisorClient } from './supervisor.client.ts';

/** Where the parts of the stack are; a part without a URL throws when it is called. */
export interface StackTargets {
  /** Base URL of each business service the caller talks to. */
  readonly services?: Readonly<Partial<Record<BusinessService, string>>>;
  readonly detector?: string;
  readonly operator?: string;
  /** The supervisor's control interface; default: `control_url` of `<home>/supervisor.json`, read at each call. */
  readonly supervisor?: string;
}

export interface StackClientOptions extends CallerOptions {
  readonly targets?: StackTargets;
}

/**
 * The one client of the stack's control plane: the business services' /health,
 * /inject-failure and /reset, the anomaly detector, the ai-operator and the local
 * supervisor. It sends the chaos token (read once, when first needed) and the reason
 * header, gives every call a deadline, and throws typed errors: `StackUnreachableError`
 * (no answer) and `StackRefusedError` (an error status, with the `{error, detail}` body).
 */
export class StackClient {
  readonly services: ServicesClient;
  readonly detector: DetectorClient;
  readonly operator: OperatorClient;
  readonly supervisor: SupervisorClient;
  private readonly caller: ControlCaller;

  constructor(options: StackClientOptions = {}) {
    const home = options.home ?? archaicsHome(options.env ?? process.env);
    this.caller = new ControlCaller({ ...options, home });
    const targets = options.targets ?? {};
    this.services = new ServicesClient(targets.services ?? {}, this.caller);
    this.detector = new DetectorClient(targets.detector, this.caller);
    this.operator = new OperatorClient(targets.operator, this.caller);
    this.supervisor = new SupervisorClient(targets.supervisor, home, this.caller);
  }

  /** The chaos token the client sends and where it came from; throws `MissingChaosTokenError` when there is none. */
  credential(): ChaosCredential {
    return this.caller.credential();
  }
}
