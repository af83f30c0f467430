import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export type ChartOptions = Omit<uPlot.Options, 'width' | 'height'>;

/**
 * A uPlot chart. Pass memoised `options` (a new object rebuilds the chart) and a `data` array that is new only when
 * the data changed (it is given to setData). x values are seconds (uPlot's time scale). The width follows the
 * container.
 */
export function UPlotChart({ options, data, height = 260, label }: { options: ChartOptions; data: uPlot.AlignedData; height?: number; label: string }) {
  const container = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | null>(null);
  const latestData = useRef(data);
  latestData.current = data;

  useEffect(() => {
    const el = container.current;
    if (!el) return;
    const width = Math.max(280, el.clientWidth);
    const plot = new uPlot({ ...options, width, height }, latestData.current, el);
    chart.current = plot;
    const observer = new ResizeObserver(() => {
      const w = Math.max(280, el.clientWidth);
      if (Math.abs(w - plot.width) > 1) plot.setSize({ width: w, height });
    });
    observer.observe(el);
    return () => {
      observer.disconnect();
      plot.destroy();
      chart.current = null;
    };
  }, [options, height]);

  useEffect(() => {
    if (chart.current && chart.current.data !== data) chart.current.setData(data);
  }, [data]);

  return <div className="chart" ref={container} role="img" aria-label={label} />;
}

/** Okabe–Ito: a palette that stays apart for the common colour-vision deficiencies. */
export const OKABE_ITO = {
  black: '#000000',
  orange: '#E69F00',
  skyBlue: '#56B4E9',
  bluishGreen: '#009E73',
  yellow: '#F0E442',
  blue: '#0072B2',
  vermillion: '#D55E00',
  reddishPurple: '#CC79A7',
  grey: '#6B6B6B',
} as const;

/** Bars of a series through uPlot's bar path builder. */
export function barPaths(size = 0.6, align: -1 | 0 | 1 = 0): uPlot.Series.PathBuilder {
  return uPlot.paths.bars!({ size: [size, 60], align });
}

export function steppedPaths(): uPlot.Series.PathBuilder {
  return uPlot.paths.stepped!({ align: 1 });
}

export const tzDate = (timeZone: string) => (ts: number) => uPlot.tzDate(new Date(ts * 1000), timeZone);
