// A "More" menu: destructive or rare actions (Erase, Delete) sit behind one
// button instead of beside every row, each still behind its own
// confirmation. WAI-ARIA menu button pattern: Enter, Space or ArrowDown opens
// it on the first item, ArrowUp on the last; arrows move, Home/End jump,
// Escape closes it back on the button, Tab or a click outside closes it.
import { h, nextId } from "./dom";

/**
 * A menu button labelled `More` (its accessible name `label`, which starts
 * with the visible word), holding `items`: buttons made by the caller, so
 * each keeps its own class, name and handler. Choosing one closes the menu
 * first; the handler's dialog then returns focus to the menu button.
 */
export function moreMenu(label: string, items: HTMLButtonElement[]): HTMLElement {
  const id = nextId("menu");
  const button = h(
    "button",
    {
      class: "btn btn-small more-btn",
      attrs: {
        type: "button",
        "aria-label": label,
        "aria-haspopup": "menu",
        "aria-expanded": "false",
        "aria-controls": id,
      },
    },
    "More",
  );
  const list = h("ul", { class: "more-menu", id, attrs: { role: "menu", "aria-label": label, hidden: true } });
  for (const item of items) {
    item.setAttribute("role", "menuitem");
    item.tabIndex = -1;
    item.classList.add("more-item");
    list.appendChild(h("li", { attrs: { role: "none" } }, item));
    // The item's own handler runs after the menu has closed.
    item.addEventListener("click", () => close(false), { capture: true });
  }
  const wrap = h("div", { class: "more" }, button, list);

  const isOpen = () => !list.hidden;
  const onOutside = (ev: Event) => {
    if (!wrap.contains(ev.target as Node)) close(false);
  };
  function open(at: "first" | "last") {
    list.hidden = false;
    button.setAttribute("aria-expanded", "true");
    (at === "first" ? items[0] : items[items.length - 1])?.focus();
    document.addEventListener("pointerdown", onOutside, true);
  }
  function close(focusButton: boolean) {
    if (!isOpen()) return;
    list.hidden = true;
    button.setAttribute("aria-expanded", "false");
    document.removeEventListener("pointerdown", onOutside, true);
    if (focusButton) button.focus();
  }
  button.addEventListener("click", () => (isOpen() ? close(true) : open("first")));
  button.addEventListener("keydown", (ev) => {
    if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
      ev.preventDefault();
      open(ev.key === "ArrowDown" ? "first" : "last");
    }
  });
  list.addEventListener("keydown", (ev) => {
    const at = items.indexOf(document.activeElement as HTMLButtonElement);
    const move = (i: number) => items[(i + items.length) % items.length]?.focus();
    if (ev.key === "ArrowDown") move(at + 1);
    else if (ev.key === "ArrowUp") move(at - 1);
    else if (ev.key === "Home") move(0);
    else if (ev.key === "End") move(items.length - 1);
    else if (ev.key === "Escape") close(true);
    else if (ev.key === "Tab") return close(false);
    else return;
    ev.preventDefault();
    ev.stopPropagation();
  });
  return wrap;
}

/** The menu button of the menu holding `item` (where focus goes back after its dialog). */
export function menuButtonOf(item: HTMLElement): HTMLElement {
  return item.closest(".more")?.querySelector<HTMLElement>(".more-btn") ?? item;
}
