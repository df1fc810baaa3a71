import type { BusinessService } from '@archaics/contracts';

export interface EpisodeOptions {
  /** Intervals in a row over the threshold before a service is anomalous (`CONSECUTIVE`). */
  readonly consecutive: number;
  /** Intervals in a row with every service normal before an open episode closes (`CLEAR_INTERVALS`). */
  readonly clearIntervals: number;
  /** Makes episode ids; default a counter with the opening time. */
  readonly newId?: (openedAt: Date) => string;
}

/** One incident as the detector sees it: from the first anomalous service until all are normal again. */
export interface Episode {
  readonly id: string;
  readonly openedAt: Date;
  /** When the first interval of the streak that opened it was taken. */
  readonly firstAnomalousAt: Date;
  closedAt: Date | null;
  /** Services over the threshold during the episode: those at its opening (highest score first), then those that joined. */
  readonly services: BusinessService[];
  /** The highest score each service reached during the episode. */
  readonly peakScores: Partial<Record<BusinessService, number>>;
}

/**
 * An interval's verdict for one service: over the threshold, under it, or not measurable
 * (no window). `critical` is over the threshold for a reason that needs no second interval
 * to be believed — the process restarted (crashed) — and counts as CONSECUTIVE at once.
 */
export type Verdict = 'anomalous' | 'critical' | 'normal' | 'unknown';

export interface Transition {
  readonly opened?: Episode;
  readonly closed?: Episode;
  /** Services that joined the already open episode in this interval. */
  readonly joined?: BusinessService[];
}

/**
 * Groups anomalous intervals into episodes (SPEC §4: one webhook per incident, not per
 * sample). A service is anomalous after `consecutive` intervals over the threshold in a
 * row; the first such service opens an episode, others join it while it is open, and it
 * closes after `clearIntervals` intervals in which no service was over the threshold. An
 * `unknown` interval (a service's first sample after a restart) neither extends nor breaks
 * a streak.
 */
export class EpisodeTracker {
  private readonly streaks = new Map<BusinessService, { count: number; since: Date }>();
  private open: Episode | null = null;
  private quietIntervals = 0;
  private sequence = 0;

  constructor(private readonly options: EpisodeOptions) {
    if (!Number.isSafeInteger(options.consecutive) || options.consecutive < 1)
      throw new RangeError('consecutive must be a positive integer');
    if (!Number.isSafeInteger(options.clearIntervals) || options.clearIntervals < 1)
      throw new RangeError('clearIntervals must be a positive integer');
  }

  get current(): Episode | null {
    return this.open;
  }

  observe(at: Date, verdicts: ReadonlyMap<BusinessService, { verdict: Verdict; score: number | null }>): Transition {
    const anomalous: BusinessService[] = [];
    let anyOver = false;
    for (const [service, { verdict, score }] of verdicts) {
      if (verdict === 'unknown') continue;
      if (verdict === 'normal') {
        this.streaks.delete(service);
        continue;
      }
      anyOver = true;
      const streak = this.streaks.get(service) ?? { count: 0, since: at };
      streak.count = verdict === 'critical' ? Math.max(streak.count + 1, this.options.consecutive) : streak.count + 1;
      this.streaks.set(service, streak);
      if (this.open && score !== null) this.open.peakScores[service] = Math.max(this.open.peakScores[service] ?? 0, score);
      if (streak.count >= this.options.consecutive) anomalous.push(service);
    }

    if (this.open) {
      const episode = this.open;
      const joined = anomalous.filter((service) => !episode.services.includes(service));
      episode.services.push(...joined);
      this.quietIntervals = anyOver ? 0 : this.quietIntervals + 1;
      if (this.quietIntervals >= this.options.clearIntervals) {
        episode.closedAt = at;
        this.open = null;
        this.quietIntervals = 0;
        return { closed: episode };
      }
      return joined.length > 0 ? { joined } : {};
    }

    if (anomalous.length === 0) return {};
    // The episode names every service over the threshold now, also those whose streak is
    // younger than CONSECUTIVE: in a cascade they turn anomalous in the same interval or so.
    const over = [...verdicts].filter(([, v]) => v.verdict === 'anomalous' || v.verdict === 'critical').map(([service]) => service);
    const firstAnomalousAt = new Date(Math.min(...anomalous.map((service) => this.streaks.get(service)!.since.getTime())));
    const peakScores: Partial<Record<BusinessService, number>> = {};
    for (const service of over) peakScores[service] = verdicts.get(service)?.score ?? 0;
    this.sequence++;
    const episode: Episode = {
      id: this.options.newId?.(at) ?? `anomaly-${at.getTime().toString(36)}-${this.sequence}`,
      openedAt: at,
      firstAnomalousAt,
      closedAt: null,
      services: [...over].sort((a, b) => (peakScores[b] ?? 0) - (peakScores[a] ?? 0)),
      peakScores,
    };
    this.open = episode;
    this.quietIntervals = 0;
    return { opened: episode };
  }

  /** Forgets streaks and any open episode (a new baseline is being learnt). */
  reset(): Episode | null {
    const open = this.open;
    this.streaks.clear();
    this.open = null;
    this.quietIntervals = 0;
    return open;
  }
}
