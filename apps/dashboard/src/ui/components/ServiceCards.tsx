import type { ReactNode } from 'react';
import type { ServiceView } from '../../shared/api-types.ts';
import { shortName } from '../api.ts';
import { FaultList } from './FaultList.tsx';

/** The reasons of a status beside the faults, which the card lists on their own. */
const reasons = (s: ServiceView): string[] => s.reasons.filter((r) => !r.startsWith('fault '));

/**
 * One card per business service: status, why, every active fault with its scope and countdown;
 * `onClear` adds a Clear button to each fault, `actions` adds buttons to the card.
 */
export function ServiceCards({
  services,
  readAt,
  actions,
  onClear,
  busy,
}: {
  services: readonly ServiceView[];
  readAt: number;
  actions?: (s: ServiceView) => ReactNode;
  onClear?: (service: string, scope: string) => void;
  busy?: boolean;
}) {
  return (
    <div className="cards">
      {services.map((s) => (
        <div key={s.name} className={`card status-${s.status}`} data-testid={`service-${s.name}`} data-status={s.status}>
          <div className="card-head">
            <strong>{shortName(s.name)}</strong>
            <span className={`pill ${s.status}`} data-testid={`status-${s.name}`}>
              {s.status}
            </span>
          </div>
          <FaultList
            service={s.name}
            failures={s.failures}
            readAt={readAt}
            busy={busy ?? false}
            {...(onClear ? { onClear: (scope: string) => onClear(s.name, scope) } : {})}
          />
          {reasons(s).length > 0 && (
            <ul className="reasons">
              {reasons(s).map((r) => (
                <li key={r}>{r}</li>
              ))}
            </ul>
          )}
          {actions?.(s)}
        </div>
      ))}
    </div>
  );
}
