// Report: the hiring-committee packet for one candidate. Choose a format and
// whether to redact names, preview it in the chosen format (HTML in a
// sandboxed frame — no scripts, no same-origin — whose document is the
// core's HTML with its own no-script CSP; Markdown, CSV and JSON as text),
// and export through the save dialog; "Export PDF…" writes the same report as
// a PDF (made by the core, same sealing and redaction). Before a redacted
// export the screen lists every name it replaces and warns that free text can
// still identify.
import type { Ctx, Screen } from "../app";
import type { ReportFormat } from "../bindings/ReportFormat";
import type { ReportPreview } from "../bindings/ReportPreview";
import type { Replacement } from "../bindings/Replacement";
import { clear, field, h, toast } from "../dom";
import { REPORT_FORMATS } from "../panel";
import { candidateHeader } from "./candidate";
import { confirmDialog } from "../widgets";
import "../styles/panels.css";

/** The preview frame: `sandbox` with no tokens allows no script at all. */
export function previewFrame(): HTMLIFrameElement {
  const frame = h("iframe", {
    class: "report-preview",
    attrs: { sandbox: "", title: "Report preview", referrerpolicy: "no-referrer" },
  });
  return frame;
}

/** The warning shown with every redacted report. */
export const REDACTION_WARNING =
  "Redaction errs toward over-redacting: an everyday word that is also the name of someone in the report (“will”, “hope”) is replaced too. Free text can still identify people: a job, a place, a project or a quote in the notes is not replaced. Read the report before you send it.";

/** "Lin Wei → Candidate 3F2A (also 12× in the text)". */
export function replacementText(r: Replacement): string {
  return `${r.name} → ${r.pseudonym}${r.count ? ` (also ${r.count}× in the text)` : ""}`;
}

/** The list of what redaction replaces, with the warning. */
export function redactionSummary(replaced: Replacement[]): HTMLElement {
  return h(
    "div",
    { class: "redaction-summary" },
    h(
      "p",
      {},
      replaced.length
        ? `Redaction replaces ${replaced.length} name${replaced.length === 1 ? "" : "s"}:`
        : "Redaction found no names to replace.",
    ),
    replaced.length
      ? h("ul", { class: "replaced-list" }, ...replaced.map((r) => h("li", {}, replacementText(r))))
      : null,
    h("p", { class: "warn-text" }, REDACTION_WARNING),
  );
}

/** Asks before a redacted export, showing what goes out replaced. */
export function confirmRedactedExport(replaced: Replacement[]): Promise<boolean> {
  return confirmDialog("Export a redacted report?", redactionSummary(replaced), "Export redacted", "redact-dialog");
}

export function reportScreen(ctx: Ctx, candidate: string): Screen {
  const format = h(
    "select",
    { class: "report-format" },
    ...REPORT_FORMATS.map((f) => h("option", { attrs: { value: f.value } }, f.label)),
  );
  const redact = h("input", { attrs: { type: "checkbox", "aria-describedby": "redact-hint" } });
  const exportBtn = h("button", { class: "btn btn-primary", attrs: { type: "button" } }, "Export…");
  const pdfBtn = h("button", { class: "btn", attrs: { type: "button" } }, "Export PDF…");
  const status = h("p", { class: "hint", attrs: { role: "status", "aria-live": "polite" } });
  const previewNote = h("p", { class: "hint" });
  const redaction = h("div", { class: "redaction", attrs: { "aria-live": "polite" } });
  const previewBox = h("div", { class: "preview-box" });

  const chosen = (): ReportFormat => format.value as ReportFormat;
  let last: ReportPreview | null = null;

  let seq = 0;
  const loadPreview = async () => {
    const mine = ++seq;
    previewNote.textContent = "Loading the preview…";
    try {
      const p = await ctx.backend.reportPreview(candidate, chosen(), redact.checked);
      if (mine !== seq) return;
      last = p;
      clear(previewBox);
      if (p.format === "html") {
        const frame = previewFrame();
        frame.srcdoc = p.text;
        frame.classList.add("report-preview-ready");
        previewBox.appendChild(frame);
      } else {
        previewBox.appendChild(
          h(
            "pre",
            {
              class: "report-preview report-preview-ready report-text",
              attrs: { tabindex: 0, role: "region", "aria-label": "Report preview" },
              dataset: { format: p.format },
            },
            p.text,
          ),
        );
      }
      const label = REPORT_FORMATS.find((f) => f.value === p.format)?.label ?? p.format;
      previewNote.textContent = `As exported in ${label}${p.redacted ? ", redacted: names are replaced by pseudonyms" : ""}.`;
      clear(redaction);
      if (p.redacted) redaction.appendChild(redactionSummary(p.replaced));
    } catch (err) {
      if (mine === seq) previewNote.textContent = `Cannot build the report: ${(err as Error).message}`;
    }
  };
  redact.addEventListener("change", () => void loadPreview());
  format.addEventListener("change", () => void loadPreview());

  /** Exports with `write` after the redaction check, from `btn`. */
  const exportWith = async (btn: HTMLButtonElement, write: () => Promise<string | null>) => {
    btn.disabled = true;
    status.textContent = "";
    try {
      if (redact.checked) {
        const p =
          last && last.redacted && last.format === chosen()
            ? last
            : await ctx.backend.reportPreview(candidate, chosen(), true);
        if (!(await confirmRedactedExport(p.replaced))) {
          btn.focus();
          return;
        }
      }
      const path = await write();
      if (path) {
        status.textContent = `Exported to ${path}`;
        toast(`Exported to ${path}`);
      }
    } catch (err) {
      toast(`Export failed: ${(err as Error).message}`, "error", 8000);
    } finally {
      btn.disabled = false;
      btn.focus();
    }
  };
  exportBtn.addEventListener("click", () =>
    exportWith(exportBtn, () => ctx.backend.exportReport(candidate, chosen(), redact.checked)),
  );
  pdfBtn.addEventListener("click", () =>
    exportWith(pdfBtn, () => ctx.backend.exportReportPdf(candidate, redact.checked)),
  );

  const form = h(
    "section",
    { class: "card report-form", attrs: { "aria-label": "Export" } },
    h("div", { class: "row" }, field("Format", format), exportBtn, pdfBtn),
    h("label", { class: "radio-row" }, redact, "Redact names"),
    h(
      "p",
      { class: "hint", id: "redact-hint" },
      "The candidate becomes a pseudonym and interviewers become Interviewer A, B, C…, also inside notes.",
    ),
    redaction,
    status,
  );
  const preview = h(
    "section",
    { class: "preview", attrs: { "aria-labelledby": "preview-title" } },
    h("h2", { id: "preview-title" }, "Preview"),
    previewNote,
    previewBox,
  );
  const body = h("main", { class: "content report panels-wide" }, form, preview);
  const el = h("div", { class: "screen screen-report" }, ...candidateHeader(ctx, candidate, "report"), body);
  void loadPreview();
  return {
    el,
    title: `${candidate} – report – Panelist`,
    shown: () => (el.querySelector(".topbar-title") as HTMLElement | null)?.focus(),
  };
}
