// Home's session list: search and filters, the pager, the rows grouped by
// candidate with each candidate's Panel and Erase, and each row's Delete
// (Erase and Delete in a "More" menu, each behind its confirmation).
import type { Ctx } from "../../app";
import type { SessionCursor } from "../../bindings/SessionCursor";
import type { SessionPage } from "../../bindings/SessionPage";
import type { SessionSummary } from "../../bindings/SessionSummary";
import type { Status } from "../../bindings/Status";
import { clear, field, h, nextId, toast } from "../../dom";
import { recommendationLabel, shortDate, statusLabel } from "../../format";
import { confirmDialog, openModal } from "../../widgets";
import { menuButtonOf, moreMenu } from "../../menu";
import { welcomeCard } from "./welcome";
import {
  PAGE_SIZE,
  deletable,
  deleteMessage,
  deleteWhat,
  eraseMessage,
  eraseWhereMessage,
  groupByCandidate,
  pageLabel,
  sessionFilter,
  type DateRange,
} from "./model";

function select(options: [string, string][]): HTMLSelectElement {
  return h("select", {}, ...options.map(([value, label]) => h("option", { attrs: { value } }, label)));
}

function pageButton(label: string, cls: string, aria: string): HTMLButtonElement {
  return h("button", { class: `btn btn-small ${cls}`, attrs: { type: "button", "aria-label": aria } }, label);
}

function badgeText(r: SessionSummary): string {
  if (r.imported) return "Imported";
  if (r.status === null) return "Sealed";
  return r.status === "submitted" ? `Submitted · ${recommendationLabel(r.recommendation)}` : statusLabel(r.status);
}

export class SessionList {
  readonly search = h("input", {
    attrs: { type: "search", placeholder: "Candidate, interviewer or role", autocomplete: "off" },
  });
  readonly status = select([
    ["", "Any status"],
    ["in_progress", "In progress"],
    ["submitted", "Submitted"],
    ["draft", "Draft"],
  ]);
  readonly range = select([
    ["", "Any date"],
    ["today", "Today"],
    ["7d", "Last 7 days"],
    ["30d", "Last 30 days"],
  ]);
  readonly list = h("ul", { class: "session-list", attrs: { "aria-label": "Interviews" } });
  readonly count = h("p", { class: "hint page-label", attrs: { "aria-live": "polite" } });
  readonly prevBtn = pageButton("‹ Previous", "page-prev", "Previous page of sessions");
  readonly nextBtn = pageButton("Next ›", "page-next", "Next page of sessions");
  readonly pager = h(
    "nav",
    { class: "pager", attrs: { "aria-label": "Session pages" } },
    this.prevBtn,
    this.count,
    this.nextBtn,
  );
  readonly filters = h(
    "div",
    { class: "filters" },
    field("Search", this.search),
    h("div", { class: "row" }, field("Status", this.status), field("Date", this.range)),
  );
  private page: SessionPage = { rows: [], total: 0, limit: PAGE_SIZE, next: null };
  /** Where each page up to the shown one starts (keyset paging: the cursor
   * the core gave as the previous page's `next`; `null` for the first). */
  private starts: (SessionCursor | null)[] = [null];
  private seq = 0;
  private groupSeq = 0;
  private debounce: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly ctx: Ctx) {
    this.search.addEventListener("input", () => {
      clearTimeout(this.debounce);
      this.debounce = setTimeout(() => this.refilter(), 150);
    });
    this.status.addEventListener("change", () => this.refilter());
    this.range.addEventListener("change", () => this.refilter());
    // At the first or last page the pressed button is disabled: keep the
    // keyboard focus in the pager by moving it to the other one.
    this.prevBtn.addEventListener("click", async () => {
      if (this.starts.length > 1) this.starts.pop();
      await this.load();
      if (this.prevBtn.disabled && !this.nextBtn.disabled) this.nextBtn.focus();
    });
    this.nextBtn.addEventListener("click", async () => {
      if (this.page.next) this.starts.push(this.page.next);
      await this.load();
      if (this.nextBtn.disabled && !this.prevBtn.disabled) this.prevBtn.focus();
    });
  }

  dispose() {
    clearTimeout(this.debounce);
  }

  /** Rows before the shown page. */
  private get offset(): number {
    return (this.starts.length - 1) * PAGE_SIZE;
  }

  private refilter() {
    this.starts = [null];
    void this.load();
  }

  private filtered(): boolean {
    return this.search.value.trim() !== "" || this.status.value !== "" || this.range.value !== "";
  }

  private render() {
    const { list, page } = this;
    clear(list);
    this.count.textContent = pageLabel(page, this.offset);
    this.prevBtn.disabled = this.starts.length === 1;
    this.nextBtn.disabled = page.next === null;
    // Previous and Next only when there is more than one page.
    const onePage = this.prevBtn.disabled && this.nextBtn.disabled;
    this.prevBtn.hidden = onePage;
    this.nextBtn.hidden = onePage;
    if (page.rows.length === 0) {
      // The first start: what kits, drafts and panels are, and where to begin.
      const first = page.total === 0 && !this.filtered();
      list.appendChild(h("li", { class: "empty" }, first ? welcomeCard(this.ctx) : "Nothing matches."));
      return;
    }
    for (const [candidate, rows] of groupByCandidate(page.rows)) list.appendChild(this.group(candidate, rows));
  }

  private group(candidate: string, rows: SessionSummary[]): HTMLElement {
    const headingId = `cand-${++this.groupSeq}`;
    const panel = h(
      "button",
      { class: "btn btn-small panel-btn", attrs: { type: "button", "aria-label": `Panel for ${candidate}` } },
      "Panel",
    );
    panel.addEventListener("click", () => void this.ctx.go({ name: "compare", candidate }));
    const erase = h(
      "button",
      {
        class: "btn btn-small btn-danger-quiet erase-btn",
        attrs: { type: "button", "aria-label": `Erase ${candidate}` },
      },
      "Erase",
    );
    erase.addEventListener("click", () => void this.eraseCandidate(candidate, menuButtonOf(erase)));
    return h(
      "li",
      { class: "candidate-group", dataset: { candidate } },
      h(
        "div",
        { class: "group-head" },
        h("h2", { id: headingId }, candidate),
        panel,
        moreMenu(`More actions for ${candidate}`, [erase]),
      ),
      h("ul", { class: "group-rows", attrs: { "aria-labelledby": headingId } }, ...rows.map((r) => this.item(r))),
    );
  }

  private item(r: SessionSummary): HTMLElement {
    const target = r.status === "submitted" ? "summary" : "live";
    const open = h(
      "button",
      { class: "session-row", attrs: { type: "button" }, dataset: { session: r.id } },
      h("span", { class: "row-main" }, h("strong", {}, r.candidate), r.role ? ` · ${r.role}` : ""),
      h(
        "span",
        { class: "row-meta" },
        `${shortDate(r.started_at ?? r.created_at)} · ${r.interviewer} · ${r.scored === null ? "sealed" : `${r.scored}/${r.questions} scored`}`,
      ),
      h("span", { class: `badge badge-${r.status ?? "sealed"}${r.imported ? " badge-imported" : ""}` }, badgeText(r)),
    );
    // Others' sessions are read-only here: they open in the candidate's panel.
    open.addEventListener(
      "click",
      () => void this.ctx.go(r.imported ? { name: "compare", candidate: r.candidate } : { name: target, id: r.id }),
    );
    const item = h("li", { class: "session-item" }, open);
    if (deletable(r)) {
      const del = h(
        "button",
        {
          class: "btn btn-small btn-danger-quiet delete-btn",
          attrs: { type: "button", "aria-label": `Delete ${deleteWhat(r)}` },
          dataset: { session: r.id },
        },
        "Delete",
      );
      del.addEventListener("click", () => void this.deleteSession(r));
      item.appendChild(moreMenu(`More actions for ${deleteWhat(r)}`, [del]));
    }
    return item;
  }

  private rowButtons(): HTMLElement[] {
    return [...this.list.querySelectorAll<HTMLElement>("button.session-row")];
  }

  /** After a removal, focus the next row (or the one before, or the search box). */
  private focusAfterRemoval(index: number) {
    const rows = this.rowButtons();
    (rows[Math.min(index, rows.length - 1)] ?? this.search).focus();
  }

  private async deleteSession(r: SessionSummary) {
    const index = this.rowButtons().findIndex((b) => b.dataset.session === r.id);
    const ok = await confirmDialog(`Delete ${deleteWhat(r)}?`, deleteMessage(r), "Delete for good");
    if (!ok) {
      const del = this.list.querySelector<HTMLElement>(`button.delete-btn[data-session="${r.id}"]`);
      if (del) menuButtonOf(del).focus();
      return;
    }
    try {
      await this.ctx.backend.deleteSession(r.id);
      toast(`Deleted ${deleteWhat(r)}.`);
    } catch (err) {
      toast(`Not deleted: ${(err as Error).message}`, "error", 8000);
    }
    await this.load();
    this.focusAfterRemoval(Math.max(0, index));
  }

  private async eraseCandidate(candidate: string, button: HTMLElement) {
    let sessions: SessionSummary[] = [];
    try {
      sessions = (await this.ctx.backend.listSessions({ text: null, candidate }, null, 500)).rows;
    } catch {
      // The confirmation still names the candidate.
    }
    const ok = await confirmDialog(`Erase ${candidate}?`, eraseMessage(candidate, sessions), "Erase for good");
    const where = ok ? await this.eraseWhere(candidate) : null;
    if (!where) {
      button.focus();
      return;
    }
    if (where === "server") {
      try {
        const n = await this.ctx.backend.eraseOnServer(candidate);
        toast(`Erased ${candidate} on the team server: ${n} session${n === 1 ? "" : "s"} there.`);
      } catch (err) {
        // Nothing erased here either: the person chose both.
        toast(`Not erased: ${(err as Error).message}`, "error", 8000);
        button.focus();
        return;
      }
    }
    try {
      const e = await this.ctx.backend.eraseCandidate(candidate);
      toast(`Erased ${candidate}: ${e.sessions} session${e.sessions === 1 ? "" : "s"}.`);
    } catch (err) {
      toast(`Not erased: ${(err as Error).message}`, "error", 8000);
    }
    await this.load();
    this.focusAfterRemoval(0);
  }

  /**
   * Where to erase: only here, or on the team server too (asked only when a
   * team server and token are set); null when cancelled.
   */
  private async eraseWhere(candidate: string): Promise<"here" | "server" | null> {
    try {
      const t = await this.ctx.backend.teamSettings();
      if (!t.url || !t.has_token) return "here";
    } catch {
      return "here";
    }
    let result: "here" | "server" | null = null;
    const choice = (label: string, value: "here" | "server", cls = "btn") => {
      const b = h("button", { class: cls, attrs: { type: "button" } }, label);
      b.addEventListener("click", () => {
        result = value;
        dlg.close();
      });
      return b;
    };
    const cancel = h("button", { class: "btn", attrs: { type: "button" } }, "Cancel");
    const here = choice("Only here", "here");
    const titleId = nextId("erase-where");
    const dlg = h(
      "dialog",
      { class: "dialog", attrs: { "aria-labelledby": titleId } },
      h("h2", { id: titleId }, `Erase ${candidate} on the team server too?`),
      h("p", {}, eraseWhereMessage(candidate)),
      h(
        "div",
        { class: "dialog-actions" },
        cancel,
        here,
        choice("Here and on the team server", "server", "btn btn-primary"),
      ),
    );
    cancel.addEventListener("click", () => dlg.close());
    return openModal(dlg, here, () => result);
  }

  async load() {
    const mine = ++this.seq;
    try {
      const filter = sessionFilter(
        this.search.value,
        this.status.value as Status | "",
        this.range.value as DateRange,
        Date.now(),
      );
      const at = () => this.starts[this.starts.length - 1];
      let got = await this.ctx.backend.listSessions(filter, at(), PAGE_SIZE);
      // The last page emptied (sessions went away): go back to the nearest
      // page that has rows.
      while (got.rows.length === 0 && got.total > 0 && this.starts.length > 1 && mine === this.seq) {
        this.starts.pop();
        got = await this.ctx.backend.listSessions(filter, at(), PAGE_SIZE);
      }
      if (mine === this.seq) {
        this.page = got;
        this.render();
      }
    } catch (err) {
      clear(this.list);
      const message = `Cannot load interviews: ${String((err as Error).message ?? err)}`;
      this.list.appendChild(h("li", { class: "error", attrs: { role: "alert" } }, message));
    }
  }
}
