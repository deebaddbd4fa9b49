// The one bar chart: horizontal bars in groups (one group per competency),
// one bar per series (one series per interviewer, or a single unnamed one),
// on the rubric's scale as the core reports it. Built with DOM calls
// (createElementNS): user text is only ever text nodes. Colours come from CSS.
import type { Scale } from "./bindings/Scale";
import { svg } from "./dom";
import { num } from "./panel";

/** How many series colours styles.css defines (`.series-0` … `.series-7`). */
const SERIES_COLOURS = 8;

/** The drawing's width in CSS pixels; it shrinks with the window, never grows. */
export const CHART_WIDTH = 560;

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
  /** One group per row label, with one bar per series (same order). */
  groups: { label: string; bars: Bar[] }[];
  /** Shown in place of a bar without a value. */
  empty: string;
  /** Extra CSS class. */
  className?: string;
  /** Decimals for values that are not whole (default 2). */
  digits?: number;
}

export function barChart(spec: BarChartSpec): SVGSVGElement {
  const valueText = (v: number) => num(v, spec.digits ?? 2);
  const scale = spec.scale ?? { min: 0, max: 1 };
  const span = Math.max(1, scale.max - scale.min);
  const named = spec.series.length > 1 || (spec.series[0] ?? "") !== "";
  const width = CHART_WIDTH;
  const left = 4;
  const plotW = width - left - 64;
  const bar = named ? 12 : 16;
  const legendPerRow = 3;
  const legendH = named ? Math.ceil(spec.series.length / legendPerRow) * 18 + 6 : 0;
  const groupH = 20 + spec.series.length * (bar + 3) + 8;
  const plotTop = legendH;
  const plotBottom = plotTop + spec.groups.length * groupH;
  const height = plotBottom + 22;
  const x = (v: number) => left + (plotW * (Math.min(Math.max(v, scale.min), scale.max) - scale.min)) / span;

  const described = spec.groups
    .map(
      (g) =>
        `${g.label}: ${g.bars
          .map((b, k) => {
            if (named) return `${spec.series[k] ?? ""} ${b.value === null ? "no score" : valueText(b.value)}`;
            return b.value === null ? "no score" : `${valueText(b.value)} of ${scale.max}`;
          })
          .join(", ")}`,
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

  spec.groups.forEach((g, i) => {
    const y0 = plotTop + i * groupH;
    root.appendChild(svg("text", { class: "label", x: left, y: y0 + 13 }, g.label));
    g.bars.forEach((b, k) => {
      const y = y0 + 20 + k * (bar + 3);
      const who = named ? `${spec.series[k] ?? ""}: ` : "";
      if (b.value === null) {
        root.appendChild(svg("text", { class: "none", x: left + 2, y: y + bar - 2 }, `${who}${spec.empty}`));
        return;
      }
      const w = Math.max(2, x(b.value) - left);
      const r = svg("rect", {
        class: named ? `bar series series-${k % SERIES_COLOURS}` : "bar",
        x: left,
        y,
        width: w.toFixed(1),
        height: bar,
        rx: 2,
      });
      r.appendChild(svg("title", {}, `${who}${valueText(b.value)}`));
      root.appendChild(r);
      root.appendChild(
        svg(
          "text",
          { class: "value", x: left + w + 6, y: y + bar - 2 },
          `${valueText(b.value)}${b.note ? ` ${b.note}` : ""}`,
        ),
      );
    });
  });
  return root;
}
