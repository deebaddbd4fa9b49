// Report: the hiring-committee packet for one candidate. Choose a format and
// whether to redact names, export through the save dialog, and preview the
// HTML report in the window: a sandboxed frame (no scripts, no same-origin)
// whose document is the core's HTML with its own no-script CSP.
import type { Ctx, Screen } from "../app";
import type { ReportFormat } from "../bindings/ReportFormat";
import { field, h, toast } from "../dom";
import { REPORT_FORMATS } from "../panel";
import { candidateHeader } from "./candidate";

/** The preview frame: `sandbox` with no tokens allows no script at all. */
export function previewFrame(): HTMLIFrameElement {
  const frame = h("iframe", {
    class: "report-preview",
    attrs: { sandbox: "", title: "Report preview", referrerpolicy: "no-referrer" },
  });
  return frame;
}

export function reportScreen(ctx: Ctx, candidate: string): Screen {
  const format = h(
    "select",
    { class: "report-format" },
    ...REPORT_FORMATS.map((f) => h("option", { attrs: { value: f.value } }, f.label)),
  );
  const redact = h("input", { attrs: { type: "checkbox", "aria-describedby": "redact-hint" } });
  const exportBtn = h("button", { class: "btn btn-primary", attrs: { type: "button" } }, "Export…");
  const status = h("p", { class: "hint", attrs: { role: "status", "aria-live": "polite" } });
  const frame = previewFrame();
  const previewNote = h("p", { class: "hint" });

  const chosen = (): ReportFormat => format.value as ReportFormat;

  let seq = 0;
  const loadPreview = async () => {
    const mine = ++seq;
    previewNote.textContent = "Loading the preview…";
    try {
      const html = await ctx.backend.reportHtml(candidate, redact.checked);
      if (mine !== seq) return;
      frame.srcdoc = html;
      previewNote.textContent = redact.checked ? "Redacted: names are replaced by pseudonyms." : "As exported in HTML.";
    } catch (err) {
      if (mine === seq) previewNote.textContent = `Cannot build the report: ${(err as Error).message}`;
    }
  };
  redact.addEventListener("change", () => void loadPreview());

  exportBtn.addEventListener("click", async () => {
    exportBtn.disabled = true;
    status.textContent = "";
    try {
      const path = await ctx.backend.exportReport(candidate, chosen(), redact.checked);
      if (path) {
        status.textContent = `Exported to ${path}`;
        toast(`Exported to ${path}`);
      }
    } catch (err) {
      toast(`Export failed: ${(err as Error).message}`, "error", 8000);
    } finally {
      exportBtn.disabled = false;
    }
  });

  const form = h(
    "section",
    { class: "card report-form" },
    h("div", { class: "row" }, field("Format", format), exportBtn),
    h("label", { class: "radio-row" }, redact, "Redact names"),
    h(
      "p",
      { class: "hint", id: "redact-hint" },
      "The candidate becomes a pseudonym and interviewers become Interviewer A, B, C…, also inside notes.",
    ),
    status,
  );
  const preview = h(
    "section",
    { class: "preview", attrs: { "aria-labelledby": "preview-title" } },
    h("h2", { id: "preview-title" }, "Preview"),
    previewNote,
    frame,
  );
  const body = h("main", { class: "content report" }, form, preview);
  const el = h("div", { class: "screen screen-report" }, ...candidateHeader(ctx, candidate, "report"), body);
  void loadPreview();
  return {
    el,
    title: `${candidate} – report – Panelist`,
    shown: () => (el.querySelector(".topbar-title") as HTMLElement | null)?.focus(),
  };
}
