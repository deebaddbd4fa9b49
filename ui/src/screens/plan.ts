// A plan's screen: its candidate, role and coordinator; the interviewers
// with each one's kit, focus, times, state (not started, in progress,
// submitted, overdue) and time to submit; "Add interviewer"; attaching an
// interview started without the plan; and the coverage view (competency ×
// interviewer, focus marked, gaps and overlaps), all as tables.
import type { Ctx, Screen } from "../app";
import type { Coverage } from "../bindings/Coverage";
import type { MemberView } from "../bindings/MemberView";
import type { PlanView } from "../bindings/PlanView";
import { clear, field, h, nextId } from "../dom";
import { shortDate } from "../format";
import type { BankView } from "../types";
import { formDialog, topBar } from "../widgets";
import { localToIso, stateLabel, tookText } from "./planModel";
import "../styles/plans.css";

function addMemberDialog(ctx: Ctx, planId: string, bank: BankView): Promise<unknown> {
  const interviewer = h("input", { attrs: { type: "text", autocomplete: "off" } });
  const kit = h(
    "select",
    {},
    ...bank.kits.map((k) => h("option", { attrs: { value: k.id } }, `${k.name} (${k.questions.length} questions)`)),
  );
  const round = h("input", { attrs: { type: "number", min: 1, max: 20, value: 1 } });
  const at = h("input", { attrs: { type: "datetime-local" } });
  const due = h("input", { attrs: { type: "datetime-local" } });
  const focusBoxes = bank.competencies.map((c) => {
    const box = h("input", { attrs: { type: "checkbox", value: c.id } });
    box.id = nextId("focus");
    return { box, el: h("div", { class: "check" }, box, h("label", { attrs: { for: box.id } }, c.name)) };
  });
  const focus = h(
    "fieldset",
    { class: "focus-list" },
    h("legend", {}, "Focus competencies"),
    ...focusBoxes.map((f) => f.el),
  );
  return formDialog({
    title: "Add interviewer",
    ok: "Add",
    fields: [
      field("Interviewer", interviewer),
      field("Kit", kit),
      focus,
      field("Round", round),
      field("Interview at", at, "Local time."),
      field("Feedback due", due, "Local time; overdue after this until submitted."),
    ],
    focus: interviewer,
    check: () => {
      if (!interviewer.value.trim()) return { message: "Who interviews?", focus: interviewer };
      if (localToIso(at.value) === undefined)
        return { message: "The interview time is not a date and time.", focus: at };
      if (localToIso(due.value) === undefined) return { message: "The due time is not a date and time.", focus: due };
      return null;
    },
    submit: () =>
      ctx.backend.addPlanMember(planId, {
        interviewer: interviewer.value.trim(),
        round: Number(round.value) || 1,
        kit: kit.value || null,
        questions: [],
        focus: focusBoxes.filter((f) => f.box.checked).map((f) => f.box.value),
        at: localToIso(at.value) ?? null,
        due: localToIso(due.value) ?? null,
      }),
  });
}

/** Attaches one of the candidate's sessions by this interviewer, started without the plan. */
async function attachDialog(ctx: Ctx, v: PlanView, m: MemberView): Promise<unknown> {
  const page = await ctx.backend.listSessions({ text: null, candidate: v.plan.candidate.name }, null, 100);
  const mine = page.rows.filter((r) => r.interviewer === m.member.interviewer);
  const pick = h(
    "select",
    {},
    ...mine.map((r) => h("option", { attrs: { value: r.id } }, `${shortDate(r.created_at)} · ${r.kit ?? r.role}`)),
  );
  return formDialog({
    title: `Attach an interview by ${m.member.interviewer}`,
    ok: "Attach",
    fields: [
      mine.length
        ? field("Interview", pick, "An interview of this candidate started without the plan.")
        : h("p", { class: "hint" }, "No interview of this candidate by this interviewer here."),
    ],
    focus: pick,
    check: () => (pick.value ? null : { message: "Pick an interview.", focus: pick }),
    // Resolves true once attached (the dialog's result; null when cancelled).
    submit: async () => {
      await ctx.backend.attachSession(v.plan.id, pick.value);
      return true;
    },
  });
}

function membersTable(ctx: Ctx, v: PlanView, reload: () => void): HTMLElement {
  if (!v.members.length) return h("p", { class: "hint" }, "No interviewers yet.");
  const head = ["Interviewer", "Round", "Kit", "Focus", "Interview at", "Feedback due", "State", "Time to submit", ""];
  const name = (id: string) => v.coverage.rows.find((r) => r.competency === id)?.name ?? id;
  return h(
    "div",
    { class: "table-wrap", attrs: { role: "region", "aria-labelledby": "members-title", tabindex: 0 } },
    h(
      "table",
      { class: "plan-table members-table" },
      h("caption", { id: "members-title" }, "Interviewers and their state"),
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          ...head.map((t) => h("th", { attrs: { scope: "col" } }, t || h("span", { class: "sr-only" }, "Actions"))),
        ),
      ),
      h(
        "tbody",
        {},
        ...v.members.map((m) => {
          const mm = m.member;
          let action: HTMLElement | null = null;
          if (!m.session && !v.imported) {
            action = h("button", { class: "btn btn-small", attrs: { type: "button" } }, "Attach interview…");
            action.setAttribute("aria-label", `Attach interview… for ${mm.interviewer}`);
            action.addEventListener("click", async () => {
              if (await attachDialog(ctx, v, m)) reload();
            });
          }
          return h(
            "tr",
            { class: m.state === "overdue" ? "is-overdue" : "", dataset: { state: m.state } },
            h("th", { attrs: { scope: "row" } }, mm.interviewer),
            h("td", {}, String(mm.round)),
            h("td", {}, mm.kit ?? `${mm.questions.length} questions`),
            h("td", {}, mm.focus.length ? mm.focus.map(name).join(", ") : "—"),
            h("td", {}, mm.at ? shortDate(mm.at) : "—"),
            h("td", {}, mm.due ? shortDate(mm.due) : "—"),
            h("td", {}, h("span", { class: `badge state-${m.state}` }, stateLabel(m.state))),
            h("td", {}, tookText(m.seconds_to_submit)),
            h("td", {}, action),
          );
        }),
      ),
    ),
  );
}

export function coverageTable(c: Coverage): HTMLElement {
  if (!c.rows.length) return h("p", { class: "hint" }, "Coverage shows once interviewers are added.");
  const note = (r: Coverage["rows"][number]) =>
    [
      r.gap === "unfocused" ? "Gap: nobody's focus" : null,
      r.gap === "unasked" ? "Gap: no questions ask it" : null,
      r.overlap ? "Overlap: several focus on it" : null,
    ]
      .filter(Boolean)
      .join("; ") || "—";
  return h(
    "div",
    { class: "table-wrap", attrs: { role: "region", "aria-labelledby": "coverage-title", tabindex: 0 } },
    h(
      "table",
      { class: "plan-table coverage-table" },
      h("caption", { id: "coverage-title" }, "Coverage: questions per competency and interviewer (★ focus)"),
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          h("th", { attrs: { scope: "col" } }, "Competency"),
          ...c.interviewers.map((who) => h("th", { attrs: { scope: "col" } }, who)),
          h("th", { attrs: { scope: "col" } }, "Gaps and overlaps"),
        ),
      ),
      h(
        "tbody",
        {},
        ...c.rows.map((r) =>
          h(
            "tr",
            {
              class: [r.gap ? "is-gap" : "", r.overlap ? "is-overlap" : ""].join(" ").trim(),
              dataset: { competency: r.competency },
            },
            h("th", { attrs: { scope: "row" } }, r.name),
            ...r.cells.map((cell) =>
              h(
                "td",
                { class: cell.focus ? "is-focus" : "" },
                `${cell.questions}`,
                cell.focus ? h("span", { class: "focus-mark" }, " ★ focus") : null,
              ),
            ),
            h("td", { class: "coverage-note" }, note(r)),
          ),
        ),
      ),
    ),
  );
}

export function planScreen(ctx: Ctx, id: string): Screen {
  const back = h("button", { class: "btn btn-ghost", attrs: { type: "button", "aria-label": "Back to plans" } }, "‹");
  back.addEventListener("click", () => void ctx.go({ name: "plans" }));
  const add = h("button", { class: "btn btn-primary", attrs: { type: "button" } }, "Add interviewer");
  const body = h("main", { class: "content plan-body" }, h("p", { class: "hint" }, "Loading…"));
  const el = h("div", { class: "screen screen-plan" }, topBar("Plan", back, [add]), body);
  const title = el.querySelector<HTMLElement>(".topbar-title")!;

  const load = async () => {
    let v: PlanView;
    try {
      v = await ctx.backend.planView(id);
    } catch (err) {
      clear(body);
      body.appendChild(h("p", { class: "error", attrs: { role: "alert" } }, (err as Error).message));
      return;
    }
    const p = v.plan;
    title.textContent = `Plan: ${p.candidate.name}`;
    add.disabled = v.imported;
    clear(body);
    body.append(
      h(
        "section",
        { class: "card plan-facts", attrs: { "aria-label": "Plan" } },
        h(
          "dl",
          {},
          h("dt", {}, "Candidate"),
          h("dd", {}, p.candidate.name),
          h("dt", {}, "Role"),
          h("dd", {}, p.role || "—"),
          h("dt", {}, "Coordinator"),
          h("dd", {}, p.coordinator ?? "—"),
          h("dt", {}, "Rounds"),
          h("dd", {}, String(v.rounds)),
        ),
        v.imported
          ? h("p", { class: "hint" }, "Imported from the coordinator's plan file: only they change it.")
          : null,
      ),
      h(
        "section",
        { class: "card" },
        membersTable(ctx, v, () => void load()),
      ),
      h("section", { class: "card" }, coverageTable(v.coverage)),
    );
  };
  add.addEventListener("click", async () => {
    const bank = await ctx.bank();
    if (await addMemberDialog(ctx, id, bank)) await load();
    add.focus();
  });
  void load();
  return { el, title: "Plan — Panelist", shown: () => title.focus() };
}
