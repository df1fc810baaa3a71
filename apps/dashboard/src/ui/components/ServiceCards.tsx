import type { ReactNode } from 'react';
import type { ServiceView } from '../../shared/api-types.ts';
import { shortName, useCountdown } from '../api.ts';

function FaultBadge({ service, readAt }: { service: ServiceView; readAt: number }) {
  const left = useCountdown(service.failure?.remaining_s, readAt);
  if (!service.failure) return <span className="muted">no fault</span>;
  return (
    <span className="fault" data-testid={`fault-${service.name}`}>
      {service.failure.type} ×{service.failure.intensity} p={service.failure.probability}
      {left !== null && (
        <>
          {' '}
          · <span data-testid={`countdown-${service.name}`}>{left}</span> s left
        </>
      )}
    </span>
  );
}

/** One card per business service: status, why, active fault with its countdown; `actions` adds buttons. */
export function ServiceCards({
  services,
  readAt,
  actions,
}: {
  services: readonly ServiceView[];
  readAt: number;
  actions?: (s: ServiceView) => ReactNode;
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
          <FaultBadge service={s} readAt={readAt} />
          {s.reasons.length > 0 && (
            <ul className="reasons">
              {s.reasons.map((r) => (
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
