import type { FailureState } from '../../shared/api-types.ts';
import { useCountdown } from '../api.ts';
import { faultDetails, scopeText } from '../faults.ts';

function FaultItem({
  service,
  failure,
  readAt,
  onClear,
  busy,
}: {
  service: string;
  failure: FailureState;
  readAt: number;
  onClear: ((scope: string) => void) | undefined;
  busy: boolean;
}) {
  const left = useCountdown(failure.remaining_s, readAt);
  // The service-wide fault keeps the seed's test id for its countdown.
  const countdownId = failure.scope === 'service' ? `countdown-${service}` : `countdown-${service}-${failure.scope}`;
  return (
    <li data-testid={`fault-${service}-${failure.scope}`} data-scope={failure.scope} data-type={failure.type}>
      <span className="fault-what">
        <strong className="fault">{failure.type}</strong> <span className="fault-scope">{scopeText(failure)}</span>
      </span>
      <span className="fault-details">
        {faultDetails(failure).join(' · ')} ·{' '}
        {left === null ? (
          'until reset'
        ) : (
          <>
            <span data-testid={countdownId}>{left}</span> s left
          </>
        )}
      </span>
      {onClear && (
        <button
          type="button"
          className="clear"
          disabled={busy}
          data-testid={`clear-${service}-${failure.scope}`}
          onClick={() => onClear(failure.scope)}
        >
          Clear
        </button>
      )}
    </li>
  );
}

/** A service's active faults, one line per scope, each with its own Clear button when `onClear` is given. */
export function FaultList({
  service,
  failures,
  readAt,
  onClear,
  busy = false,
}: {
  service: string;
  failures: readonly FailureState[];
  readAt: number;
  onClear?: (scope: string) => void;
  busy?: boolean;
}) {
  if (failures.length === 0) return <div className="muted">no fault</div>;
  return (
    <ul className="fault-list" data-testid={`fault-${service}`}>
      {failures.map((f) => (
        <FaultItem key={f.scope} service={service} failure={f} readAt={readAt} onClear={onClear} busy={busy} />
      ))}
    </ul>
  );
}
