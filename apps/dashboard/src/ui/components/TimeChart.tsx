import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

const PALETTE = ['#2563eb', '#16a34a', '#d97706', '#9333ea', '#dc2626', '#0891b2'];

export interface Series {
  readonly label: string;
  readonly values: ReadonlyArray<number | null>;
  /** A fixed colour (default: the palette's next one). */
  readonly color?: string;
  /** Dashed (a threshold, a reference line). */
  readonly dashed?: boolean;
}

/** A live time-series chart (uPlot): `times` in ms since the epoch, one line per series. */
export function TimeChart({
  title,
  times,
  series,
  format,
}: {
  title: string;
  times: readonly number[];
  series: readonly Series[];
  format?: (v: number) => string;
}) {
  const container = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const labels = series.map((s) => s.label).join('|');

  useEffect(() => {
    if (!container.current) return undefined;
    const width = Math.max(260, container.current.clientWidth);
    const fmt = format ?? ((v: number) => String(v));
    const instance = new uPlot(
      {
        width,
        height: 170,
        legend: { show: true },
        cursor: { drag: { x: false, y: false } },
        scales: { x: { time: true }, y: { range: (_u, min, max) => [Math.min(0, min), max > 0 ? max * 1.1 : 1] } },
        axes: [{}, { values: (_u, ticks) => ticks.map((t) => fmt(t)), size: 60 }],
        series: [
          {},
          ...series.map((s, i) => ({
            label: s.label,
            stroke: s.color ?? PALETTE[i % PALETTE.length],
            width: s.dashed ? 1.5 : 2,
            ...(s.dashed ? { dash: [6, 4] } : {}),
            spanGaps: true,
            value: (_u: uPlot, v: number | null) => (v === null ? '–' : fmt(v)),
          })),
        ],
      },
      [[], ...series.map(() => [])],
      container.current,
    );
    plot.current = instance;
    const resize = (): void => {
      if (container.current) instance.setSize({ width: Math.max(260, container.current.clientWidth), height: 170 });
    };
    window.addEventListener('resize', resize);
    return () => {
      window.removeEventListener('resize', resize);
      instance.destroy();
      plot.current = null;
    };
    // Rebuilt only when the set of series changes; data updates below.
    // The dependency list is deliberate (fewer entries than the values the effect reads).
  }, [labels]);

  useEffect(() => {
    plot.current?.setData([times.map((t) => t / 1000), ...series.map((s) => [...s.values])] as uPlot.AlignedData);
  }, [times, series]);

  return (
    <figure className="chart">
      <figcaption>{title}</figcaption>
      <div ref={container} />
    </figure>
  );
}
