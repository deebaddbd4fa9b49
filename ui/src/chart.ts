// The one bar chart: horizontal bars in groups (one group per competency),
// one bar per series (one series per interviewer, or a single unnamed one),
// on the rubric's scale as the core reports it. Built with DOM calls
// (createElementNS): user text is only ever text nodes. Colours come from CSS.
import type { Scale } from "./bindings/Scale";
import { svg } from "./dom";
import { num } from "./panel";

/** How many series colours styles.css defines (`.series-0` … `.series-7`). */
const SERIES_COLOURS = 8;

/** The drawing's width in CSS pixels before its card is laid out (and in tests). */
export const CHART_WIDTH = 560;

/**
 * The tallest a chart is drawn in its usual layout (CSS pixels): under half
 * the shortest supported window (860 px). Taller ones (many competencies and
 * interviewers) are drawn with thinner bars.
 */
export const MAX_CHART_HEIGHT = 420;

/** The narrowest drawing; a narrower card shrinks it (CSS max-width). */
export const MIN_CHART_WIDTH = 280;

export interface Bar {
  value: number | null;
  /** Shown after the value, e.g. "(1/2)" for a partly scored competency. */
  note?: string;
}

export interface BarChartSpec {
  /** The chart's title (also its accessible name). */
  title: string;
  /** The rubric scale from the core; `null` when there is none to show. */
  scale: Scale | null;
  /** Series names, for the legend and descriptions; one unnamed series is `[""]`. */
  series: string[];
  /** One group per row label, with one bar per series (same order), and
   * optionally a last bar for them all (e.g. the panel's overall score). */
  groups: { label: string; bars: Bar[]; total?: { label: string; value: number | null } }[];
  /** Shown in place of a bar without a value. */
  empty: string;
  /** Extra CSS class. */
  className?: string;
  /** Decimals for values that are not whole (default 2). */
  digits?: number;
  /** The drawing's width in CSS pixels (default CHART_WIDTH); `fitChart` passes its card's. */
  width?: number;
}

/**
 * A chart that uses its card's full width: drawn at the width of the block it
 * sits in, and drawn again whenever that width changes (a ResizeObserver), so
 * its text stays at its CSS size instead of being stretched. Until the block
 * is laid out it is drawn at CHART_WIDTH.
 */
export function fitChart(draw: (width: number) => SVGSVGElement): HTMLElement {
  const host = document.createElement("div");
  host.className = "chart-fit";
  let drawn = 0;
  const render = () => {
    const w = Math.floor(host.clientWidth);
    const width = w > 0 ? Math.max(MIN_CHART_WIDTH, w) : CHART_WIDTH;
    if (width === drawn) return;
    drawn = width;
    host.replaceChildren(draw(width));
  };
  render();
  if (typeof ResizeObserver !== "undefined") new ResizeObserver(render).observe(host);
  return host;
}

export function barChart(spec: BarChartSpec): SVGSVGElement {
  const valueText = (v: number) => num(v, spec.digits ?? 2);
  const scale = spec.scale ?? { min: 0, max: 1 };
  const span = Math.max(1, scale.max - scale.min);
  const named = spec.series.length > 1 || (spec.series[0] ?? "") !== "";
  const width = Math.max(MIN_CHART_WIDTH, Math.floor(spec.width ?? CHART_WIDTH));
  const left = 4;
  const plotW = width - left - 64;
  const legendPerRow = 3;
  const legendH = named ? Math.ceil(spec.series.length / legendPerRow) * 18 + 6 : 0;
  // Each group: its label (head), its bars (bar + gap each), a bottom pad.
  // A chart that would be taller than MAX_CHART_HEIGHT is drawn dense.
  const layout = (dense: boolean) => ({
    bar: dense ? (named ? 9 : 12) : named ? 12 : 16,
    gap: dense ? 2 : 3,
    head: dense ? 16 : 20,
    pad: dense ? 4 : 8,
  });
  const bars = (g: BarChartSpec["groups"][number]) => g.bars.length + (g.total ? 1 : 0);
  const heightOf = (l: ReturnType<typeof layout>) => {
    let h = legendH + 22;
    for (const g of spec.groups) h += l.head + bars(g) * (l.bar + l.gap) + l.pad;
    return h;
  };
  const { bar, gap, head, pad } = heightOf(layout(false)) > MAX_CHART_HEIGHT ? layout(true) : layout(false);
  const plotTop = legendH;
  const tops: number[] = [];
  let plotBottom = plotTop;
  for (const g of spec.groups) {
    tops.push(plotBottom);
    plotBottom += head + bars(g) * (bar + gap) + pad;
  }
  const height = plotBottom + 22;
  const x = (v: number) => left + (plotW * (Math.min(Math.max(v, scale.min), scale.max) - scale.min)) / span;

  const described = spec.groups
    .map(
      (g) =>
        `${g.label}: ${[
          ...g.bars.map((b, k) => {
            if (named) return `${spec.series[k] ?? ""} ${b.value === null ? "no score" : valueText(b.value)}`;
            return b.value === null ? "no score" : `${valueText(b.value)} of ${scale.max}`;
          }),
          ...(g.total ? [`${g.total.label} ${g.total.value === null ? "no score" : valueText(g.total.value)}`] : []),
        ].join(", ")}`,
    )
    .join("; ");
  const root = svg("svg", {
    class: `chart${spec.className ? ` ${spec.className}` : ""}`,
    viewBox: `0 0 ${width} ${height}`,
    width,
    role: "img",
    "aria-label": `${spec.title}, ${scale.min} to ${scale.max}. ${described}`,
  });
  root.appendChild(svg("title", {}, spec.title));

  if (named) {
    spec.series.forEach((name, k) => {
      const lx = left + (k % legendPerRow) * Math.floor(width / legendPerRow);
      const ly = 4 + Math.floor(k / legendPerRow) * 18;
      root.appendChild(
        svg("rect", { class: `series series-${k % SERIES_COLOURS}`, x: lx, y: ly, width: 12, height: 12, rx: 2 }),
      );
      root.appendChild(svg("text", { class: "legend", x: lx + 17, y: ly + 11 }, name));
    });
  }

  if (spec.scale) {
    for (let v = scale.min; v <= scale.max; v++) {
      root.appendChild(svg("line", { class: "grid", x1: x(v), x2: x(v), y1: plotTop + 16, y2: plotBottom }));
      root.appendChild(svg("text", { class: "axis", x: x(v), y: plotBottom + 16, "text-anchor": "middle" }, String(v)));
    }
  }

  const drawBar = (y: number, who: string, value: number | null, cls: string, note?: string) => {
    if (value === null) {
      root.appendChild(svg("text", { class: "none", x: left + 2, y: y + bar - 2 }, `${who}${spec.empty}`));
      return;
    }
    const w = Math.max(2, x(value) - left);
    const r = svg("rect", { class: cls, x: left, y, width: w.toFixed(1), height: bar, rx: 2 });
    r.appendChild(svg("title", {}, `${who}${valueText(value)}`));
    root.appendChild(r);
    root.appendChild(
      svg("text", { class: "value", x: left + w + 6, y: y + bar - 2 }, `${valueText(value)}${note ? ` ${note}` : ""}`),
    );
  };
  spec.groups.forEach((g, i) => {
    const y0 = tops[i]!;
    root.appendChild(svg("text", { class: "label", x: left, y: y0 + head - 7 }, g.label));
    g.bars.forEach((b, k) => {
      const who = named ? `${spec.series[k] ?? ""}: ` : "";
      drawBar(
        y0 + head + k * (bar + gap),
        who,
        b.value,
        named ? `bar series series-${k % SERIES_COLOURS}` : "bar",
        b.note,
      );
    });
    if (g.total) drawBar(y0 + head + g.bars.length * (bar + gap), `${g.total.label}: `, g.total.value, "bar total");
  });
  return root;
}
