// The Bank: every question in full (prompt, rubric, look-fors, follow-ups,
// competency, seniority, kind, time, sources, kits), searched across every
// field with the reason a row matched, filtered; entry points to the
// question editor, its history, competencies and kits; bank files in and out.
import "../styles/bank.css";
import type { Ctx, Screen } from "../app";
import type { BankQuestion } from "../bindings/BankQuestion";
import { clear, field, h, toast } from "../dom";
import type { BankCatalog } from "../types";
import { topBar } from "../widgets";
import { type BankFilter, EMPTY_BANK_FILTER, progressText, searchBank } from "./bankModel";

export function backButton(ctx: Ctx, label: string, route: Parameters<Ctx["go"]>[0]): HTMLButtonElement {
  const back = h("button", { class: "btn btn-ghost", attrs: { type: "button", "aria-label": label } }, "‹");
  back.addEventListener("click", () => void ctx.go(route));
  return back;
}

function option(value: string, label: string): HTMLOptionElement {
  return h("option", { attrs: { value } }, label);
}

/** One question in full. */
export function questionCard(
  ctx: Ctx,
  bq: BankQuestion,
  compName: (id: string) => string,
  reasons: string[],
  reload: () => Promise<void>,
): HTMLElement {
  const q = bq.question;
  const titleId = `bq-${q.id}`;
  const edit = h("button", { class: "btn btn-small", attrs: { type: "button", "aria-label": `Edit ${q.id}` } }, "Edit");
  edit.addEventListener("click", () => void ctx.go({ name: "bank-question", id: q.id }));
  const dup = h(
    "button",
    { class: "btn btn-small", attrs: { type: "button", "aria-label": `Duplicate ${q.id}` } },
    "Duplicate",
  );
  dup.addEventListener("click", () => void ctx.go({ name: "bank-question", duplicate: q.id }));
  const hist = h(
    "button",
    { class: "btn btn-small", attrs: { type: "button", "aria-label": `History of ${q.id}` } },
    "History",
  );
  hist.addEventListener("click", () => void ctx.go({ name: "bank-history", id: q.id }));
  const retire = h(
    "button",
    { class: "btn btn-small", attrs: { type: "button", "aria-label": `${bq.retired ? "Restore" : "Retire"} ${q.id}` } },
    bq.retired ? "Restore" : "Retire",
  );
  retire.addEventListener("click", async () => {
    retire.disabled = true;
    try {
      await ctx.backend.setQuestionRetired(q.id, !bq.retired);
      toast(bq.retired ? `Restored ${q.id}.` : `Retired ${q.id}: hidden from pickers, kept for past sessions.`);
      await reload();
    } catch (err) {
      toast(`Cannot change ${q.id}: ${(err as Error).message}`, "error");
      retire.disabled = false;
    }
  });
  return h(
    "article",
    {
      class: `bank-q${bq.retired ? " bank-q-retired" : ""}`,
      attrs: { "aria-labelledby": titleId },
      dataset: { id: q.id },
    },
    h("h2", { class: "bank-q-prompt", id: titleId }, q.prompt),
    h(
      "p",
      { class: "bank-q-meta" },
      `${q.id} · ${compName(q.competency)} · ${q.seniority} · ${q.kind} · ${q.minutes} min · revision ${bq.revision}`,
      bq.retired ? h("span", { class: "badge bank-retired" }, "Retired") : null,
    ),
    reasons.length ? h("ul", { class: "bank-why" }, ...reasons.map((r) => h("li", {}, r))) : null,
    h(
      "details",
      { class: "bank-q-more" },
      h("summary", {}, "Rubric, look-fors, follow-ups"),
      h("h3", {}, "Rubric"),
      h(
        "dl",
        { class: "bank-rubric" },
        ...q.rubric.levels.flatMap((l) => [h("dt", {}, `${l.value} · ${l.label}`), h("dd", {}, l.anchor)]),
      ),
      h("h3", {}, "Look-fors"),
      list(q.look_fors),
      h("h3", {}, "Follow-ups"),
      list(q.follow_ups),
      h("h3", {}, "Sources"),
      list(q.sources),
      h("h3", {}, "Kits"),
      list(bq.kits),
    ),
    h("div", { class: "bank-q-actions" }, edit, dup, hist, retire),
  );
}

function list(items: string[]): HTMLElement {
  if (items.length === 0) return h("p", { class: "hint" }, "None");
  return h("ol", {}, ...items.map((s) => h("li", {}, s)));
}

/** The bank's search box and filters. */
function bankFilters() {
  const search = h("input", {
    attrs: { type: "search", placeholder: "Prompt, anchor, look-for, follow-up, source, kit…", autocomplete: "off" },
  });
  const comp = h("select", {}, option("", "Any competency"));
  const sen = h(
    "select",
    {},
    option("", "Any seniority"),
    option("junior", "Junior"),
    option("mid", "Mid"),
    option("senior", "Senior"),
  );
  const kind = h(
    "select",
    {},
    option("", "Any kind"),
    option("concept", "Concept"),
    option("scenario", "Scenario"),
    option("experience", "Experience"),
    option("behavioural", "Behavioural"),
  );
  const kit = h("select", {}, option("", "Any kit"));
  const retired = h(
    "select",
    {},
    option("active", "In use"),
    option("all", "In use and retired"),
    option("retired", "Retired only"),
  );
  return { search, comp, sen, kind, kit, retired };
}

/** The bank file buttons' elements: disabled while a file is read or written. */
interface BankIoParts {
  importBtn: HTMLButtonElement;
  exportBtn: HTMLButtonElement;
  busy: HTMLElement;
  bar: HTMLProgressElement;
  results: HTMLElement;
}

/**
 * Importing or exporting a bank file, with the import's progress: the bar
 * moves with each report; the status line (read out) changes only with the
 * phase, so a screen reader is not flooded.
 */
function bankFileFlow(ctx: Ctx, parts: BankIoParts, reload: () => Promise<void>) {
  const { importBtn, exportBtn, busy, bar, results } = parts;
  return async (what: "import" | "export") => {
    importBtn.disabled = exportBtn.disabled = true;
    busy.textContent = what === "import" ? "Importing the bank file…" : "Exporting the bank…";
    results.setAttribute("aria-busy", "true");
    let stop: (() => void) | undefined;
    try {
      if (what === "import") {
        let phase = "";
        stop = await ctx.backend
          .onBankImportProgress((p) => {
            bar.hidden = false;
            bar.max = Math.max(1, p.total);
            bar.value = Math.min(p.done, bar.max);
            bar.setAttribute("aria-valuetext", progressText(p));
            if (p.phase !== phase) {
              phase = p.phase;
              busy.textContent = progressText(p);
            }
          })
          .catch(() => undefined);
        const r = await ctx.backend.importBankFile();
        if (r) {
          busy.textContent = `Imported: ${r.questions_added} questions added, ${r.questions_updated} changed (new revisions), ${r.questions_unchanged} unchanged, ${r.competencies} competencies, ${r.kits} kits.`;
          ctx.bank(true).catch(() => undefined);
          await reload();
        } else busy.textContent = "";
      } else {
        const path = await ctx.backend.exportBankFile();
        busy.textContent = path ? `Exported the bank to ${path}.` : "";
      }
    } catch (err) {
      busy.textContent = "";
      toast(`Nothing was ${what === "import" ? "imported" : "exported"}: ${(err as Error).message}`, "error", 12000);
    } finally {
      stop?.();
      bar.hidden = true;
      importBtn.disabled = exportBtn.disabled = false;
      results.removeAttribute("aria-busy");
    }
  };
}

export function bankScreen(ctx: Ctx): Screen {
  const { search, comp, sen, kind, kit, retired } = bankFilters();
  const count = h("p", { class: "hint bank-count", attrs: { role: "status", "aria-live": "polite" } });
  const results = h("div", { class: "bank-list" });
  const busy = h("p", { class: "bank-busy hint", attrs: { role: "status", "aria-live": "polite" } });
  // The import's progress: the bar moves with each report; the status line
  // (read out) changes only with the phase, so a screen reader is not flooded.
  const bar = h("progress", {
    class: "bank-progress",
    attrs: { max: "1", value: "0", "aria-label": "Bank file import progress", hidden: "" },
  }) as HTMLProgressElement;

  const newBtn = h("button", { class: "btn btn-primary", attrs: { type: "button" } }, "New question");
  newBtn.addEventListener("click", () => void ctx.go({ name: "bank-question" }));
  const kitsBtn = h("button", { class: "btn btn-small", attrs: { type: "button" } }, "Kits");
  kitsBtn.addEventListener("click", () => void ctx.go({ name: "bank-kits" }));
  const compBtn = h("button", { class: "btn btn-small", attrs: { type: "button" } }, "Competencies");
  compBtn.addEventListener("click", () => void ctx.go({ name: "bank-competencies" }));
  const importBtn = h("button", { class: "btn btn-small", attrs: { type: "button" } }, "Import bank file…");
  const exportBtn = h("button", { class: "btn btn-small", attrs: { type: "button" } }, "Export bank file…");

  let catalog: BankCatalog = { competencies: [], questions: [], kits: [] };
  const compName = (id: string) => catalog.competencies.find((c) => c.competency.id === id)?.competency.name ?? id;
  const filter = (): BankFilter => ({
    ...EMPTY_BANK_FILTER,
    text: search.value,
    competency: comp.value,
    seniority: sen.value as BankFilter["seniority"],
    kind: kind.value as BankFilter["kind"],
    kit: kit.value,
    retired: retired.value as BankFilter["retired"],
  });

  const render = () => {
    const hits = searchBank(catalog.questions, filter(), compName);
    clear(results);
    count.textContent = `${hits.length} of ${catalog.questions.length} questions`;
    if (hits.length === 0) results.appendChild(h("p", { class: "empty" }, "Nothing matches."));
    for (const hit of hits) results.appendChild(questionCard(ctx, hit.q, compName, hit.reasons, load));
  };

  const load = async () => {
    try {
      catalog = await ctx.backend.bankCatalog();
    } catch (err) {
      clear(results);
      results.appendChild(
        h("p", { class: "error", attrs: { role: "alert" } }, `Cannot load the bank: ${(err as Error).message}`),
      );
      return;
    }
    const keep = [comp.value, kit.value];
    while (comp.options.length > 1) comp.remove(1);
    for (const c of catalog.competencies) comp.appendChild(option(c.competency.id, c.competency.name));
    while (kit.options.length > 1) kit.remove(1);
    for (const k of catalog.kits) kit.appendChild(option(k.kit.name, k.kit.name));
    comp.value = keep[0] ?? "";
    kit.value = keep[1] ?? "";
    render();
  };

  const bankIo = bankFileFlow(ctx, { importBtn, exportBtn, busy, bar, results }, load);
  importBtn.addEventListener("click", () => void bankIo("import"));
  exportBtn.addEventListener("click", () => void bankIo("export"));

  let debounce: ReturnType<typeof setTimeout> | undefined;
  search.addEventListener("input", () => {
    clearTimeout(debounce);
    debounce = setTimeout(render, 120);
  });
  for (const s of [comp, sen, kind, kit, retired]) s.addEventListener("change", render);

  const el = h(
    "div",
    { class: "screen screen-bank" },
    topBar("Question bank", backButton(ctx, "Back to interviews", { name: "home" }), [newBtn]),
    h("nav", { class: "subnav", attrs: { "aria-label": "Bank" } }, kitsBtn, compBtn, importBtn, exportBtn),
    h(
      "main",
      { class: "content bank" },
      h(
        "div",
        { class: "filters bank-filters", attrs: { role: "search", "aria-label": "Search the bank" } },
        field("Search the bank", search),
        h(
          "div",
          { class: "row bank-filter-row" },
          field("Competency", comp),
          field("Seniority", sen),
          field("Kind", kind),
          field("Kit", kit),
          field("Show", retired),
        ),
      ),
      busy,
      bar,
      count,
      results,
    ),
  );
  void load();
  return {
    el,
    title: "Question bank · Panelist",
    shown: () => search.focus(),
    leave: async () => clearTimeout(debounce),
  };
}
