import { afterEach, describe, expect, it } from "vitest";
import { applyTheme, setThemePref, themeControl, themePref } from "../src/theme";

afterEach(() => {
  localStorage.clear();
  delete document.documentElement.dataset.theme;
  document.body.replaceChildren();
});

describe("theme", () => {
  it("follows the system until a choice is made, then applies and remembers it", () => {
    expect(themePref()).toBe("system");
    applyTheme();
    // The system's preference, resolved (jsdom has no dark preference).
    expect(document.documentElement.dataset.theme).toBe("light");
    setThemePref("dark");
    expect(document.documentElement.dataset.theme).toBe("dark");
    expect(themePref()).toBe("dark");
    delete document.documentElement.dataset.theme;
    applyTheme(); // as on the next start
    expect(document.documentElement.dataset.theme).toBe("dark");
    setThemePref("system");
    expect(document.documentElement.dataset.theme).toBe("light");
  });

  it("offers System, Light and Dark in a labelled select", () => {
    localStorage.setItem("panelist.theme", "light");
    const el = themeControl();
    document.body.appendChild(el);
    const select = el.querySelector("select") as HTMLSelectElement;
    expect(el.querySelector("label")?.getAttribute("for")).toBe(select.id);
    expect([...select.options].map((o) => o.textContent)).toEqual(["System", "Light", "Dark"]);
    expect(select.value).toBe("light");
    select.value = "dark";
    select.dispatchEvent(new Event("change"));
    expect(document.documentElement.dataset.theme).toBe("dark");
    expect(localStorage.getItem("panelist.theme")).toBe("dark");
  });
});
