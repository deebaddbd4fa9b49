// Calibration: how much the interviewers agree, over every submitted session
// (or one kit's): Krippendorff's alpha (interval and ordinal), the
// Shrout–Fleiss ICCs over the units every interviewer rated, and each
// interviewer's leniency with its z score.
import type { Ctx, Screen } from "../app";
import type { CalibrationView } from "../bindings/CalibrationView";
import { clear, field, h } from "../dom";
import { num, signed } from "../panel";
import { topBar } from "../widgets";
import "../styles/panels.css";
import { backButton } from "./bank";

/** Fewer complete units than this and the figures come with a warning. */
export const MIN_UNITS = 10;

/** Koo & Li (2016) for the ICC: poor < 0.5 ≤ moderate < 0.75 ≤ good < 0.9 ≤ excellent. */
export function iccBand(x: number | null): string {
  if (x === null || Number.isNaN(x)) return "—";
  if (x < 0.5) return "poor";
  if (x < 0.75) return "moderate";
  if (x < 0.9) return "good";
  return "excellent";
}

/** Krippendorff (2004): α ≥ 0.8 reliable, 0.667 ≤ α < 0.8 tentative, below unreliable. */
export function alphaBand(x: number | null): string {
  if (x === null || Number.isNaN(x)) return "—";
  if (x >= 0.8) return "reliable";
  if (x >= 0.667) return "tentative conclusions only";
  return "unreliable";
}

function table(caption: string, head: string[], rows: (string | HTMLElement)[][], cls = ""): HTMLElement {
  return h(
    "div",
    { class: "table-scroll", attrs: { tabindex: 0, role: "region", "aria-label": caption } },
    h(
      "table",
      { class: `matrix ${cls}`.trim() },
      h("caption", { class: "sr-only" }, caption),
      h(
        "thead",
        {},
        h("tr", {}, ...head.map((x, i) => h("th", { class: i ? "num" : "", attrs: { scope: "col" } }, x))),
      ),
      h(
        "tbody",
        {},
        ...rows.map((r) =>
          h(
            "tr",
            {},
            ...r.map((v, i) => (i === 0 ? h("th", { attrs: { scope: "row" } }, v) : h("td", { class: "num" }, v))),
          ),
        ),
      ),
    ),
  );
}

export function calibrationView(c: CalibrationView): HTMLElement {
  const out = h("div", { class: "calibration-view" });
  const meta = h(
    "dl",
    { class: "meta" },
    ...(
      [
        ["Sessions", String(c.sessions)],
        ["Interviewers", String(c.raters.length)],
        ["Units", `${c.units} (candidate × question)`],
        ["Ratings", String(c.ratings)],
      ] as const
    ).flatMap(([k, v]) => [h("dt", {}, k), h("dd", {}, v)]),
  );
  out.appendChild(h("section", { class: "card", attrs: { "aria-label": "What was counted" } }, meta));
  const n = c.sealed_sessions;
  out.appendChild(
    h(
      "p",
      { class: "hint sealed-left-out" },
      n === 0
        ? "No sealed sessions: every colleague’s session you have is counted."
        : `${n} sealed session${n === 1 ? " was" : "s were"} left out: colleagues’ sessions stay sealed until you submit your own interview of that candidate.`,
    ),
  );
  if (c.ratings > 0 && c.complete_units < MIN_UNITS) {
    out.appendChild(
      h(
        "p",
        { class: "banner small-sample", attrs: { role: "note" } },
        `Only ${c.complete_units} complete unit${c.complete_units === 1 ? "" : "s"} (answers scored by every interviewer); with fewer than ${MIN_UNITS} these figures move a lot with each new score. Read them as a first hint, not a verdict.`,
      ),
    );
  }
  if (c.ratings === 0) {
    out.appendChild(h("p", { class: "empty" }, "No submitted scores yet."));
    return out;
  }
  out.appendChild(
    h(
      "section",
      { attrs: { "aria-labelledby": "alpha-title" } },
      h("h2", { id: "alpha-title" }, "Krippendorff’s alpha"),
      table(
        "Krippendorff’s alpha by metric",
        ["Metric", "α", "Reading"],
        [
          ["Interval", num(c.alpha_interval, 3), alphaBand(c.alpha_interval)],
          ["Ordinal", num(c.alpha_ordinal, 3), alphaBand(c.alpha_ordinal)],
        ],
        "alpha-table",
      ),
      h(
        "p",
        { class: "hint" },
        "1 is perfect agreement, 0 is what chance alone gives. Uses every rating. Reading (Krippendorff): 0.8 or more reliable; 0.667 to 0.8 tentative conclusions only; below 0.667 unreliable.",
      ),
    ),
  );
  const icc = h(
    "section",
    { attrs: { "aria-labelledby": "icc-title" } },
    h("h2", { id: "icc-title" }, "Intraclass correlation"),
  );
  if (c.icc) {
    icc.appendChild(
      table(
        "Intraclass correlations",
        ["Model", "ICC", "Reading"],
        [
          ["ICC(1,1) one-way random", num(c.icc.icc1_1, 3), iccBand(c.icc.icc1_1)],
          ["ICC(2,1) two-way random, agreement", num(c.icc.icc2_1, 3), iccBand(c.icc.icc2_1)],
          ["ICC(3,1) two-way mixed, consistency", num(c.icc.icc3_1, 3), iccBand(c.icc.icc3_1)],
        ],
        "icc-table",
      ),
    );
    icc.appendChild(
      h(
        "p",
        { class: "hint icc-units" },
        `Over ${c.icc.units} unit${c.icc.units === 1 ? "" : "s"} rated by all ${c.icc.raters} interviewers (${c.complete_units} of ${c.units} units are complete). Reading (Koo & Li, 2016): below 0.5 poor, 0.5 to 0.75 moderate, 0.75 to 0.9 good, above 0.9 excellent.`,
      ),
    );
  } else {
    icc.appendChild(
      h(
        "p",
        { class: "hint icc-units" },
        `Not enough units rated by every interviewer (${c.complete_units} of ${c.units} complete).`,
      ),
    );
  }
  out.appendChild(icc);
  out.appendChild(
    h(
      "section",
      { attrs: { "aria-labelledby": "len-title" } },
      h("h2", { id: "len-title" }, "Leniency"),
      table(
        "Leniency per interviewer",
        ["Interviewer", "Mean deviation", "Units", "z"],
        c.leniency.map((l) => [l.rater, signed(l.mean_deviation), String(l.units), signed(l.z)]),
        "leniency-table",
      ),
      h(
        "p",
        { class: "hint" },
        "Mean deviation: how far above (+) or below (−) the other scores of the same answers this interviewer scores; z compares it with the other interviewers.",
      ),
    ),
  );
  return out;
}

export function calibrationScreen(ctx: Ctx, kit?: string): Screen {
  const back = backButton(ctx, "Back to interviews", { name: "home" });
  const kitSelect = h("select", {}, h("option", { attrs: { value: "" } }, "All kits"));
  const result = h("div", { class: "cal-result", attrs: { "aria-live": "polite" } });
  const body = h("main", { class: "content calibration panels-wide" }, field("Kit", kitSelect), result);
  const el = h("div", { class: "screen screen-calibration" }, topBar("Calibration", back, []), body);

  let seq = 0;
  const load = async () => {
    const mine = ++seq;
    try {
      const c = await ctx.backend.calibration(kitSelect.value || null);
      if (mine !== seq) return;
      clear(result);
      result.appendChild(calibrationView(c));
    } catch (err) {
      if (mine !== seq) return;
      clear(result);
      result.appendChild(
        h("p", { class: "error", attrs: { role: "alert" } }, `Cannot compute calibration: ${(err as Error).message}`),
      );
    }
  };
  kitSelect.addEventListener("change", () => void load());

  void (async () => {
    try {
      const bank = await ctx.bank();
      for (const k of bank.kits) kitSelect.appendChild(h("option", { attrs: { value: k.id } }, k.name));
      if (kit && bank.kits.some((k) => k.id === kit)) kitSelect.value = kit;
    } catch {
      // The kit filter is optional: calibrate over everything.
    }
    await load();
  })();

  return { el, title: "Calibration – Panelist", shown: () => kitSelect.focus() };
}
