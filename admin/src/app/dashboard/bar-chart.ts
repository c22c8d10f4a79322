// A bar chart drawn with Chart.js, its figures also in a visually hidden table: the text alternative of the canvas.
import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  ElementRef,
  InjectionToken,
  afterRenderEffect,
  computed,
  inject,
  input,
  viewChild,
} from '@angular/core';
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip } from 'chart.js';

export interface ChartSeries {
  label: string;
  /** A colour with at least 3:1 contrast against white. */
  color: string;
  values: number[];
}

export interface ChartData {
  labels: string[];
  series: ChartSeries[];
}

export interface DrawnChart {
  update(data: ChartData): void;
  destroy(): void;
}

export type ChartDrawer = (canvas: HTMLCanvasElement, data: ChartData) => DrawnChart;

/** How charts are drawn: Chart.js in the browser; unit tests, whose DOM has no canvas, record the data instead. */
export const CHART_DRAWER = new InjectionToken<ChartDrawer>('CHART_DRAWER', {
  providedIn: 'root',
  factory: () => drawWithChartJs,
});

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip);

const AXIS_COLOR = '#52606d';

function drawWithChartJs(canvas: HTMLCanvasElement, data: ChartData): DrawnChart {
  const chart = new Chart(canvas, {
    type: 'bar',
    data: toChartJs(data),
    options: {
      responsive: true,
      maintainAspectRatio: false,
      // Live updates redraw at once: an animation per refresh would keep the chart moving.
      animation: false,
      scales: {
        x: { stacked: true, ticks: { color: AXIS_COLOR, maxTicksLimit: 12, maxRotation: 0 } },
        y: { stacked: true, beginAtZero: true, ticks: { color: AXIS_COLOR, precision: 0 } },
      },
      plugins: { legend: { position: 'bottom', labels: { color: AXIS_COLOR } } },
    },
  });
  return {
    update: (next) => {
      chart.data = toChartJs(next);
      chart.update();
    },
    destroy: () => chart.destroy(),
  };
}

function toChartJs(data: ChartData) {
  return {
    labels: data.labels,
    datasets: data.series.map((series) => ({
      label: series.label,
      data: series.values,
      backgroundColor: series.color,
    })),
  };
}

let nextId = 0;

@Component({
  selector: 'wago-bar-chart',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <figure class="chart">
      <figcaption class="chart__title" [id]="titleId">{{ title() }}</figcaption>
      <div class="chart__canvas">
        <canvas #canvas role="img" [attr.aria-label]="summary()"></canvas>
      </div>
      <table class="visually-hidden" [attr.aria-labelledby]="titleId">
        <thead>
          <tr>
            <th scope="col">{{ labelHeading() }}</th>
            @for (series of data().series; track series.label) {
              <th scope="col">{{ series.label }}</th>
            }
          </tr>
        </thead>
        <tbody>
          @for (label of data().labels; track $index; let row = $index) {
            <tr>
              <th scope="row">{{ label }}</th>
              @for (series of data().series; track series.label) {
                <td>{{ series.values[row] }}</td>
              }
            </tr>
          }
        </tbody>
      </table>
    </figure>
  `,
})
export class BarChart {
  private readonly draw = inject(CHART_DRAWER);

  readonly title = input.required<string>();
  /** What the labels are (the first column of the text alternative): `Minute`, `Hour`. */
  readonly labelHeading = input.required<string>();
  readonly data = input.required<ChartData>();

  protected readonly titleId = `chart-title-${nextId++}`;
  private readonly canvas = viewChild.required<ElementRef<HTMLCanvasElement>>('canvas');
  private chart: DrawnChart | null = null;

  /** The canvas's accessible name: the totals of each series over the chart. */
  protected readonly summary = computed(() => {
    const totals = this.data().series.map((series) => {
      const total = series.values.reduce((sum, value) => sum + value, 0);
      return $localize`:a series' total in a chart's description, e.g. 12 delivered:${total}:total: ${series.label.toLowerCase()}:series:`;
    });
    return $localize`:a chart's text alternative:${this.title()}:title:: ${totals.join(', ')}:totals: in total. The table that follows lists every value.`;
  });

  constructor() {
    afterRenderEffect(() => {
      const data = this.data();
      if (this.chart) this.chart.update(data);
      else this.chart = this.draw(this.canvas().nativeElement, data);
    });
    inject(DestroyRef).onDestroy(() => this.chart?.destroy());
  }
}
