// First start, Settings (your name, retention), destructive actions in a
// menu, the question editor's every-error-at-once and id from the prompt,
// and the kit editor's searchable question picker.
import { afterEach, describe, expect, it, vi } from "vitest";
import { BackendError } from "../src/backend";
import { moreMenu } from "../src/menu";
import { homeScreen } from "../src/screens/home";
import { questionEditorScreen } from "../src/screens/bankEditor";
import { QuestionPicker, SHOWN, matches } from "../src/screens/questionPicker";
import { retentionText, settingsScreen } from "../src/screens/settings";
import { fakeBackend, fakeCtx, page, session } from "./fixtures";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));
vi.mock("@tauri-apps/api/event", () => ({ listen: vi.fn() }));
vi.mock("@tauri-apps/api/webview", () => ({ getCurrentWebview: vi.fn() }));

afterEach(() => document.body.replaceChildren());

const flush = () => new Promise((r) => setTimeout(r, 0));
const button = (text: string, root: ParentNode = document) =>
  [...root.querySelectorAll("button")].find((b) => b.textContent === text)!;
const key = (el: Element, k: string) => el.dispatchEvent(new KeyboardEvent("keydown", { key: k, bubbles: true }));

describe("the first start", () => {
  it("explains kits, drafts and panels, with a way to each first step", async () => {
    const backend = fakeBackend(session());
    backend.listSessions.mockResolvedValue(page([]));
    const ctx = fakeCtx(backend);
    document.body.append(homeScreen(ctx).el);
    await vi.waitFor(() => expect(document.querySelector(".welcome")).not.toBeNull());
    const heads = [...document.querySelectorAll(".welcome h3")].map((x) => x.textContent);
    expect(heads).toEqual(["Kits", "Drafts", "Panels"]);
    expect(document.querySelector(".welcome")!.textContent).toContain("sealed until you submit yours");
    button("New interview", document.querySelector(".welcome")!).click();
    expect(ctx.go).toHaveBeenCalledWith({ name: "new" });
    button("Your name and settings").click();
    expect(ctx.go).toHaveBeenCalledWith({ name: "settings" });
  });

  it("is not shown once there is an interview, nor for a search that finds nothing", async () => {
    const backend = fakeBackend(session());
    backend.listSessions.mockResolvedValue(page([]));
    const screen = homeScreen(fakeCtx(backend));
    document.body.append(screen.el);
    await vi.waitFor(() => expect(document.querySelector(".welcome")).not.toBeNull());
    const search = document.querySelector<HTMLInputElement>("input[type=search]")!;
    search.value = "nobody";
    search.dispatchEvent(new Event("input"));
    await vi.waitFor(() => expect(document.querySelector(".welcome")).toBeNull(), { timeout: 2000 });
    expect(document.querySelector(".empty")!.textContent).toBe("Nothing matches.");
  });
});

describe("the More menu", () => {
  function make() {
    const a = document.createElement("button");
    a.textContent = "Erase";
    const onA = vi.fn();
    a.addEventListener("click", onA);
    const b = document.createElement("button");
    b.textContent = "Delete";
    const menu = moreMenu("More actions for Lin Wei", [a, b]);
    document.body.append(menu);
    const trigger = menu.querySelector<HTMLButtonElement>(".more-btn")!;
    const list = menu.querySelector<HTMLElement>("[role=menu]")!;
    return { a, b, onA, trigger, list };
  }

  it("keeps destructive actions closed away until opened, then moves by arrows and closes on Escape", () => {
    const { a, b, trigger, list } = make();
    expect(list.hidden).toBe(true);
    expect(trigger.getAttribute("aria-expanded")).toBe("false");
    expect(trigger.getAttribute("aria-label")!.startsWith(trigger.textContent!)).toBe(true);
    expect(a.getAttribute("role")).toBe("menuitem");
    trigger.click();
    expect(list.hidden).toBe(false);
    expect(trigger.getAttribute("aria-expanded")).toBe("true");
    expect(document.activeElement).toBe(a);
    key(a, "ArrowDown");
    expect(document.activeElement).toBe(b);
    key(b, "ArrowDown");
    expect(document.activeElement).toBe(a);
    key(a, "End");
    expect(document.activeElement).toBe(b);
    key(b, "Escape");
    expect(list.hidden).toBe(true);
    expect(document.activeElement).toBe(trigger);
    key(trigger, "ArrowUp");
    expect(document.activeElement).toBe(b);
  });

  it("closes before the chosen action runs", () => {
    const { a, onA, trigger, list } = make();
    trigger.click();
    a.click();
    expect(onA).toHaveBeenCalledTimes(1);
    expect(list.hidden).toBe(true);
  });
});

describe("Settings: your name and retention", () => {
  it("shows and saves your name; a refused name is one line", async () => {
    const backend = fakeBackend(session());
    backend.setYourName
      .mockRejectedValueOnce(new BackendError("invalid", "your name: must contain a letter\nmore"))
      .mockImplementationOnce(async (n: string) => n.trim());
    const ctx = fakeCtx(backend);
    document.body.append(settingsScreen(ctx).el);
    await flush();
    const input = document.querySelector<HTMLInputElement>("input[name=your-name]")!;
    expect(input.value).toBe("Grace");
    const form = input.closest("form")!;
    input.value = "123";
    form.dispatchEvent(new Event("submit", { cancelable: true }));
    await flush();
    expect(form.querySelector("[role=alert]")!.textContent).toBe("your name: must contain a letter");
    input.value = "  Ada Lovelace ";
    form.dispatchEvent(new Event("submit", { cancelable: true }));
    await flush();
    expect(backend.setYourName).toHaveBeenLastCalledWith("  Ada Lovelace ");
    expect(input.value).toBe("Ada Lovelace");
    expect(ctx.info.interviewer).toBe("Ada Lovelace");
  });

  it("sets a retention period only after a confirmation, and says what it erased", async () => {
    const backend = fakeBackend(session());
    backend.setRetention.mockResolvedValueOnce({ days: 30, erased: { candidates: 2, sessions: 5 } });
    document.body.append(settingsScreen(fakeCtx(backend)).el);
    await flush();
    const form = document.querySelector<HTMLFormElement>(".settings-retention")!;
    expect(form.textContent).toContain(retentionText(null));
    form.querySelector<HTMLInputElement>("#retention-days")!.checked = true;
    const days = form.querySelector<HTMLInputElement>("input[name=retention-days]")!;
    days.value = "0";
    form.dispatchEvent(new Event("submit", { cancelable: true }));
    await flush();
    expect(form.querySelector("[role=alert]")!.textContent).toBe("Days: a whole number from 1 to 36,500.");
    expect(backend.setRetention).not.toHaveBeenCalled();
    days.value = "30";
    form.dispatchEvent(new Event("submit", { cancelable: true }));
    await flush();
    const dlg = document.querySelector("dialog[open]")!;
    expect(dlg.textContent).toContain("30 days after their last interview");
    button("Cancel", dlg).click();
    await flush();
    expect(backend.setRetention).not.toHaveBeenCalled();
    form.dispatchEvent(new Event("submit", { cancelable: true }));
    await flush();
    button("Save and erase", document.querySelector("dialog[open]")!).click();
    await flush();
    expect(backend.setRetention).toHaveBeenCalledWith(30);
    expect(form.textContent).toContain("Erased 2 candidates.");
    expect(form.querySelector(".settings-retention-now")!.textContent).toBe(retentionText(30));
  });
});

describe("the question editor", () => {
  async function editor(problems: { path: string; message: string }[]) {
    const backend = fakeBackend(session());
    const catalog = {
      competencies: [{ competency: { id: "data", name: "Data", description: "" }, retired: false }],
      questions: [],
      kits: [],
    };
    Object.assign(backend, { bankCatalog: vi.fn(async () => catalog) });
    backend.questionDraft.mockImplementation(async (_q, create) => ({
      problems,
      suggested_id: create ? "how-do-you-shard-a-table" : null,
    }));
    const saveQuestion = vi.fn(async () => ({ question: { id: "x" }, revision: 1 }));
    Object.assign(backend, { saveQuestion });
    const ctx = fakeCtx(backend);
    const screen = questionEditorScreen(ctx);
    document.body.appendChild(screen.el);
    await vi.waitFor(() => expect(screen.el.querySelectorAll(".bank-level")).toHaveLength(4));
    return { screen, saveQuestion, backend };
  }

  it("shows every problem at its field at once and saves nothing", async () => {
    const { screen, saveQuestion } = await editor([
      { path: "prompt", message: "must not be empty" },
      { path: "look_fors[1]", message: "must not be empty" },
      { path: "levels[2].anchor", message: "must not be empty" },
    ]);
    screen.el.querySelector("form")!.dispatchEvent(new Event("submit", { cancelable: true }));
    await vi.waitFor(() => expect(screen.el.querySelectorAll("[aria-invalid=true]")).toHaveLength(3));
    expect(saveQuestion).not.toHaveBeenCalled();
    expect(screen.el.querySelector(".bank-summary")!.textContent).toBe(
      "Not saved: 3 problems, at Prompt, Look-fors, Level 3 anchor.",
    );
    expect(document.activeElement?.closest(".field")?.querySelector("label")?.textContent).toBe("Prompt");
  });

  it("makes the id from the prompt until the author types one", async () => {
    const { screen, saveQuestion, backend } = await editor([]);
    const [id, prompt] = [...screen.el.querySelectorAll<HTMLInputElement | HTMLTextAreaElement>("input, textarea")];
    prompt!.value = "How do you shard a table?";
    prompt!.dispatchEvent(new Event("input"));
    await vi.waitFor(() => expect(id!.value).toBe("how-do-you-shard-a-table"));
    id!.value = "my-own-id";
    id!.dispatchEvent(new Event("input"));
    prompt!.value = "Something else";
    prompt!.dispatchEvent(new Event("input"));
    await flush();
    expect(id!.value).toBe("my-own-id");
    // An emptied id is filled from the prompt at save.
    id!.value = "";
    id!.dispatchEvent(new Event("input"));
    screen.el.querySelector("form")!.dispatchEvent(new Event("submit", { cancelable: true }));
    await vi.waitFor(() => expect(saveQuestion).toHaveBeenCalledTimes(1));
    expect(id!.value).toBe("how-do-you-shard-a-table");
    expect(backend.questionDraft).toHaveBeenCalled();
  });
});

describe("the searchable question picker", () => {
  const qs = Array.from({ length: 59 }, (_, i) => ({
    id: `q-${i}`,
    prompt:
      i === 7
        ? "Explain idempotency in a payment API, with a very long prompt that a select would cut off"
        : `Question number ${i}`,
    competency: i % 2 ? "data" : "apis-web",
    minutes: 10,
  }));
  const names = (id: string) => (id === "data" ? "Data and storage" : "APIs and the web");

  it("finds by words of the prompt, the id or the competency, accents aside", () => {
    expect(matches(qs[7]!, "IDEMPOTENCY payment", names)).toBe(true);
    expect(matches(qs[7]!, "idempotency refund", names)).toBe(false);
    expect(matches(qs[3]!, "storage q-3", names)).toBe(true);
    expect(matches({ ...qs[0]!, prompt: "Déjà vu" }, "deja", names)).toBe(true);
  });

  it("lists whole prompts, at most SHOWN, keeps the pick while searching, and labels every radio", () => {
    const p = new QuestionPicker("Question to add", qs, names);
    document.body.append(p.el);
    expect(p.el.querySelectorAll("input[type=radio]")).toHaveLength(SHOWN);
    expect(p.el.querySelector(".picker-count")!.textContent).toContain("59 questions match");
    p.search.value = "idempotency";
    p.search.dispatchEvent(new Event("input"));
    const radios = [...p.el.querySelectorAll<HTMLInputElement>("input[type=radio]")];
    expect(radios).toHaveLength(1);
    expect(p.el.querySelector(".picker-prompt")!.textContent).toBe(qs[7]!.prompt);
    radios[0]!.checked = true;
    radios[0]!.dispatchEvent(new Event("change"));
    expect(p.value).toBe("q-7");
    p.search.value = "number 12";
    p.search.dispatchEvent(new Event("input"));
    expect([...p.el.querySelectorAll<HTMLInputElement>("input[type=radio]")].map((r) => r.value)).toEqual([
      "q-7",
      "q-12",
    ]);
    for (const r of p.el.querySelectorAll<HTMLInputElement>("input[type=radio]"))
      expect(p.el.querySelector(`label[for="${r.id}"]`)).not.toBeNull();
    expect(p.el.querySelector(`label[for="${p.search.id}"]`)).not.toBeNull();
  });
});

describe("a chart of many competencies and interviewers", () => {
  it("is drawn denser rather than taller than half the window", async () => {
    const { barChart, MAX_CHART_HEIGHT } = await import("../src/chart");
    const groups = ["A", "B", "C", "D", "E"].map((label) => ({
      label,
      bars: [{ value: 1 }, { value: 2.5 }, { value: 4 }],
    }));
    const spec = {
      title: "t",
      scale: { min: 1, max: 4, labels: [] },
      series: ["Ann", "Bo", "Cy"],
      groups: [
        ...groups,
        { label: "Overall", bars: [{ value: 2 }, { value: 3 }, { value: 3 }], total: { label: "Panel", value: 2.7 } },
      ],
      empty: "no score",
    } as unknown as Parameters<typeof barChart>[0];
    const tall = barChart(spec);
    const height = Number(tall.getAttribute("viewBox")!.split(" ")[3]);
    expect(height).toBeLessThanOrEqual(MAX_CHART_HEIGHT);
    // Every bar is still there, each with its value written after it.
    expect(tall.querySelectorAll("rect.bar")).toHaveLength(19);
    expect(tall.querySelectorAll("text.value")).toHaveLength(19);
    const small = barChart({ ...spec, groups: spec.groups.slice(0, 2) });
    expect(Number(small.querySelector("rect.bar")!.getAttribute("height"))).toBeGreaterThan(
      Number(tall.querySelector("rect.bar")!.getAttribute("height")),
    );
  });
});
