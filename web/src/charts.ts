// Charts with Apache ECharts, importing only the parts in use (line chart, grid, tooltip,
// mark lines, SVG renderer) so the bundle stays small.

import { LineChart } from 'echarts/charts';
import { GridComponent, MarkLineComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import type { Band } from './evaluation';
import { onLeave } from './kit';

echarts.use([LineChart, GridComponent, TooltipComponent, MarkLineComponent, SVGRenderer]);

export interface TrendChartData {
  periods: string[];
  totals: (number | null)[];
  bands: Band[];
  seriesName: string;
}

/** A line chart of totals per period, with the band minimums as dashed lines. Disposed on leave. */
export function trendChart(el: HTMLElement, data: TrendChartData): void {
  const chart = echarts.init(el, undefined, { renderer: 'svg' });
  chart.setOption({
    animation: false,
    grid: { left: 40, right: 80, top: 20, bottom: 30, containLabel: false },
    tooltip: { trigger: 'axis', valueFormatter: (v: unknown) => (typeof v === 'number' ? v.toFixed(1) : String(v ?? '—')) },
    xAxis: { type: 'category', data: data.periods, boundaryGap: false },
    yAxis: { type: 'value', min: 0, max: 100, splitNumber: 5 },
    series: [{
      name: data.seriesName,
      type: 'line',
      data: data.totals.map((v) => (v === null ? null : Number(v.toFixed(2)))),
      connectNulls: false,
      symbolSize: 8,
      lineStyle: { width: 3, color: '#127c91' },
      itemStyle: { color: '#127c91' },
      markLine: {
        silent: true,
        symbol: 'none',
        lineStyle: { type: 'dashed', color: '#9aa6b2' },
        label: { position: 'end', formatter: '{b}', color: '#5d6b7a' },
        data: data.bands.filter((b) => b.min_score > 0).map((b) => ({ name: b.name, yAxis: b.min_score })),
      },
    }],
  });
  const resize = () => chart.resize();
  const observer = typeof ResizeObserver === 'function' ? new ResizeObserver(resize) : null;
  observer?.observe(el);
  onLeave(() => {
    observer?.disconnect();
    chart.dispose();
  });
}
