// The start dialog of a passphrase database: the only thing on the page
// until the passphrase opens the database. A labelled password field, Enter
// (the form's submit) unlocks, a wrong passphrase is said in one line and the
// field is ready for another try.
import type { Backend } from "../backend";
import { clear, field, h } from "../dom";
import "../styles/settings.css";

/** What the dialog says when the shell refuses a passphrase. */
export function unlockErrorText(err: unknown): string {
  const message = String((err as { message?: string })?.message ?? err);
  return message.split("\n")[0]!.trim() || "The passphrase did not open the database. Try again.";
}

/** Shows the start dialog in `root`; resolves once the database is open. */
export function unlockScreen(
  root: HTMLElement,
  backend: Pick<Backend, "unlockDatabase">,
  dbPath: string,
): Promise<void> {
  const input = h("input", {
    attrs: {
      type: "password",
      name: "passphrase",
      autocomplete: "current-password",
      spellcheck: "false",
      required: true,
    },
  });
  const error = h("p", { class: "error unlock-error", id: "unlock-error", attrs: { role: "alert" } });
  const ok = h("button", { class: "btn btn-primary", attrs: { type: "submit" } }, "Unlock");
  const form = h(
    "form",
    { class: "card unlock-form", attrs: { "aria-labelledby": "unlock-title", novalidate: true } },
    h("h1", { id: "unlock-title" }, "Unlock Panelist"),
    h("p", {}, "The interviews on this computer are encrypted with a passphrase. Enter it to open them."),
    field("Passphrase", input, `Database: ${dbPath}`),
    error,
    h("div", { class: "dialog-actions" }, ok),
  );
  input.setAttribute("aria-describedby", `${input.getAttribute("aria-describedby") ?? ""} unlock-error`.trim());
  clear(root);
  root.appendChild(h("main", { class: "content unlock-screen" }, form));
  root.dataset.screen = "unlock";
  document.title = "Unlock – Panelist";
  input.focus();
  return new Promise((resolve) => {
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      if (ok.disabled) return;
      const passphrase = input.value;
      if (!passphrase) {
        error.textContent = "Enter the passphrase.";
        input.focus();
        return;
      }
      error.textContent = "";
      ok.disabled = true;
      input.setAttribute("aria-busy", "true");
      backend
        .unlockDatabase(passphrase)
        .then(() => {
          clear(root);
          resolve();
        })
        .catch((err: unknown) => {
          error.textContent = unlockErrorText(err);
          input.value = "";
          input.setAttribute("aria-invalid", "true");
          input.focus();
        })
        .finally(() => {
          ok.disabled = false;
          input.removeAttribute("aria-busy");
        });
    });
  });
}
