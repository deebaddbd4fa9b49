// Summary: scores with labels, a per-competency chart (inline SVG built with
// DOM calls), notes, amendments, and export to Markdown or JSON.
import type { Ctx, Screen } from "../app";
import type { Entry } from "../bindings/Entry";
import { barChart, fitChart } from "../chart";
import { clear, h, toast } from "../dom";
import { clock, durationText, recommendationLabel, secondsSince, shortDate, statusLabel } from "../format";
import type { ExportFormat, SessionView } from "../types";
import { topBar } from "../widgets";
import "../styles/panels.css";
import { amendDialog } from "./amend";
import { scoreText } from "./wrapup";

/** The competency chart: the core's averages on the session's rubric scale,
 * then the interviewer's overall score (the core's, `SessionView.overall`). */
export function competencyChart(s: SessionView, width?: number): SVGSVGElement {
  return barChart({
    title: "Average score per competency, and overall",
    scale: s.scale,
    series: [""],
    groups: [
      ...s.competency_averages.map((a) => ({
        label: a.name,
        bars: [{ value: a.average, note: a.scored < a.questions ? `(${a.scored}/${a.questions})` : "" }],
      })),
      { label: "Overall", bars: [{ value: s.overall }] },
    ],
    empty: "no score yet",
    digits: 1,
    width,
  });
}

/** Adds "bank revision N" to each question's line: the revision it was asked in. */
function showRevisions(ctx: Ctx, sessionId: string, list: HTMLElement): void {
  ctx.backend
    .entryRevisions?.(sessionId)
    ?.then((revs) => {
      for (const r of revs ?? []) {
        if (r.revision === null) continue;
        const meta = list.querySelector<HTMLElement>(`.q-meta[data-question="${CSS.escape(r.question_id)}"]`);
        meta?.append(` · bank revision ${r.revision}`);
      }
    })
    .catch(() => undefined);
}

/** Role, interviewer, kit, date, duration, status and recommendation. */
function metaList(s: SessionView): HTMLElement {
  const end = s.finished_at ? Date.parse(s.finished_at) : Date.parse(s.updated_at);
  const meta = h(
    "dl",
    { class: "meta" },
    ...(
      [
        ["Role", s.role || "—"],
        ["Interviewer", s.interviewer],
        ["Kit", s.kit ? (s.kit_modified ? `${s.kit} (questions changed from the kit)` : s.kit) : "—"],
        ["Date", shortDate(s.started_at ?? s.created_at)],
        [
          "Duration",
          `${s.started_at ? durationText(secondsSince(s.started_at, end)) : "not started"} (budget ${s.budget_minutes} min)`,
        ],
        ["Status", statusLabel(s.status)],
        ["Recommendation", recommendationLabel(s.recommendation)],
      ] as const
    ).flatMap(([k, v]) => [h("dt", {}, k), h("dd", {}, v)]),
  );
  return meta;
}

/** The wrap-up: summary and red flags. */
function wrapUpCard(s: SessionView): HTMLElement {
  const wrapCard = h(
    "section",
    { class: "card", attrs: { "aria-labelledby": "wrap-title" } },
    h("h2", { id: "wrap-title" }, "Summary"),
  );
  wrapCard.appendChild(
    s.summary.trim() ? h("p", { class: "prewrap" }, s.summary) : h("p", { class: "hint" }, "No summary written."),
  );
  wrapCard.appendChild(h("h3", {}, "Red flags"));
  wrapCard.appendChild(
    s.red_flags.length
      ? h("ul", { class: "flags" }, ...s.red_flags.map((f) => h("li", {}, f)))
      : h("p", { class: "hint" }, "None noted."),
  );
  return wrapCard;
}

/** One question: score with its anchor, look-fors, follow-ups asked, notes. */
function questionItem(e: Entry): HTMLElement {
  const q = e.question;
  const level = e.score !== null ? q.rubric.levels.find((l) => l.value === e.score) : undefined;
  const li = h(
    "li",
    { class: "card" },
    h("h3", {}, q.prompt),
    h(
      "p",
      { class: "q-meta", dataset: { question: q.id } },
      `${e.competency_name} · ${q.minutes} min budget · spent ${clock(e.seconds_spent)}`,
    ),
    h(
      "p",
      { class: "score-line" },
      h("span", { class: `score-pill${e.score === null ? " none" : ""}` }, scoreText(e)),
      level ? ` ${level.anchor}` : "",
    ),
  );
  if (q.look_fors.length) {
    li.appendChild(h("p", { class: "hint" }, `Look-fors covered: ${e.look_fors_hit.length} of ${q.look_fors.length}`));
    const hit = e.look_fors_hit.map((i) => q.look_fors[i]).filter((x): x is string => !!x);
    if (hit.length) li.appendChild(h("ul", { class: "hits" }, ...hit.map((t) => h("li", {}, t))));
  }
  const asked = e.follow_ups_asked.map((i) => q.follow_ups[i]).filter((x): x is string => !!x);
  if (asked.length) {
    li.appendChild(h("p", { class: "hint" }, "Follow-ups asked:"));
    li.appendChild(h("ul", { class: "hits" }, ...asked.map((t) => h("li", {}, t))));
  }
  li.appendChild(
    e.notes.trim() ? h("p", { class: "prewrap notes-view" }, e.notes) : h("p", { class: "hint" }, "No notes."),
  );
  return li;
}

/** Every amendment with its reason, or null when there are none. */
function amendmentsCard(s: SessionView): HTMLElement | null {
  const amendments = s.audit.filter((a) => a.action !== "submit");
  if (!amendments.length) return null;
  const list = h(
    "ul",
    { class: "audit" },
    ...amendments.map((a) => {
      const q = s.entries.find((e) => e.question.id === a.question_id);
      return h(
        "li",
        {},
        h("strong", {}, `${a.old_value ?? "unscored"} → ${a.new_value ?? ""}`),
        ` · ${shortDate(a.at)} · ${a.actor}`,
        h("br"),
        q ? q.question.prompt : (a.question_id ?? ""),
        h("br"),
        h("em", {}, `Reason: ${a.reason ?? ""}`),
      );
    }),
  );
  return h("section", { class: "card" }, h("h2", {}, "Amendments"), list);
}

export function summaryScreen(ctx: Ctx, sessionId: string): Screen {
  const back = h(
    "button",
    { class: "btn btn-ghost", attrs: { type: "button", "aria-label": "Back to interviews" } },
    "‹",
  );
  back.addEventListener("click", () => void ctx.go({ name: "home" }));
  const panel = h("button", { class: "btn btn-small", attrs: { type: "button" } }, "Panel");
  panel.addEventListener("click", () => {
    if (session) void ctx.go({ name: "compare", candidate: session.candidate.name });
  });
  const bar = topBar("Summary", back, [panel]);
  const body = h("main", { class: "content summary panels-wide" });
  const mdBtn = h("button", { class: "btn", attrs: { type: "button" } }, "Export Markdown…");
  const jsonBtn = h("button", { class: "btn", attrs: { type: "button" } }, "Export JSON…");
  const footer = h("footer", { class: "navbar" }, mdBtn, jsonBtn);
  const el = h("div", { class: "screen screen-summary" }, bar, body, footer);
  let session: SessionView | null = null;

  const doExport = async (fmt: ExportFormat, btn: HTMLButtonElement) => {
    btn.disabled = true;
    try {
      const path = await ctx.backend.exportSession(sessionId, fmt);
      if (path) toast(`Exported to ${path}`);
    } catch (err) {
      toast(`Export failed: ${(err as Error).message}`, "error", 8000);
    } finally {
      btn.disabled = false;
    }
  };
  mdBtn.addEventListener("click", () => void doExport("markdown", mdBtn));
  jsonBtn.addEventListener("click", () => void doExport("json", jsonBtn));

  function render() {
    const s = session;
    if (!s) return;
    clear(body);
    (bar.querySelector("h1") as HTMLElement).textContent = s.candidate.name;
    panel.setAttribute("aria-label", `Panel for ${s.candidate.name}`);
    document.title = `${s.candidate.name} – summary – Panelist`;
    const submitted = s.status === "submitted";
    const meta = metaList(s);
    body.appendChild(h("section", { class: "card" }, meta));
    if (!submitted) {
      const cont = h("button", { class: "btn btn-primary", attrs: { type: "button" } }, "Continue interview");
      cont.addEventListener("click", () => void ctx.go({ name: "live", id: s.id }));
      const wrap = h("button", { class: "btn", attrs: { type: "button" } }, "Wrap-up");
      wrap.addEventListener("click", () => void ctx.go({ name: "wrap", id: s.id }));
      body.appendChild(h("p", { class: "banner" }, "Not submitted yet. ", cont, " ", wrap));
    }

    body.appendChild(
      h(
        "section",
        { class: "card", attrs: { "aria-labelledby": "chart-title" } },
        h("h2", { id: "chart-title" }, "Competencies"),
        fitChart((w) => competencyChart(s, w)),
        h(
          "p",
          { class: "hint" },
          "Overall: the mean of the levels given, every scored question counting once (skipped and unscored left out).",
        ),
      ),
    );

    const wrapCard = wrapUpCard(s);
    body.appendChild(wrapCard);

    const qs = h("ol", { class: "q-summary" });
    for (const e of s.entries) {
      const li = questionItem(e);
      if (submitted) li.appendChild(amendButton(e));
      qs.appendChild(li);
    }
    body.appendChild(
      h("section", { attrs: { "aria-labelledby": "qs-title" } }, h("h2", { id: "qs-title" }, "Questions"), qs),
    );
    showRevisions(ctx, sessionId, qs);

    const amendments = amendmentsCard(s);
    if (amendments) body.appendChild(amendments);
  }

  function amendButton(e: Entry): HTMLElement {
    const s = session as SessionView;
    const amend = h(
      "button",
      { class: "btn btn-small", attrs: { type: "button", "aria-label": `Amend score: ${e.question.prompt}` } },
      "Amend score…",
    );
    amend.addEventListener("click", async () => {
      const updated = await amendDialog(ctx, s, e);
      if (updated) {
        session = updated;
        render();
        toast("Score amended.");
        focusHeading();
      }
    });
    return amend;
  }

  /** After submit and amend, focus goes to the screen's heading, not the page body. */
  function focusHeading() {
    el.querySelector<HTMLElement>("h1")?.focus({ preventScroll: true });
  }

  void (async () => {
    try {
      session = await ctx.backend.getSession(sessionId);
      render();
      focusHeading();
    } catch (err) {
      body.appendChild(
        h("p", { class: "error", attrs: { role: "alert" } }, `Cannot open this interview: ${(err as Error).message}`),
      );
    }
  })();

  return { el, title: "Summary – Panelist" };
}
