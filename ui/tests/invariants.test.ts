// @vitest-environment node
// Static checks of the UI's hard rules, over the source files.
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const UI = fileURLToPath(new URL("..", import.meta.url));
const SRC = join(UI, "src");

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name: string): string[] => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return name === "bindings" ? [] : files(p);
    return p.endsWith(".ts") ? [p] : [];
  });
}

const sources = files(SRC).map((p) => ({ path: relative(SRC, p), text: readFileSync(p, "utf8") }));

describe("UI invariants", () => {
  it("only backend.ts imports @tauri-apps", () => {
    const importers = sources.filter((f) => /from\s+["']@tauri-apps\//.test(f.text)).map((f) => f.path);
    expect(importers).toEqual(["backend.ts"]);
  });

  it("never parses HTML: no innerHTML, outerHTML, insertAdjacentHTML, document.write", () => {
    for (const f of sources) {
      expect(f.text, f.path).not.toMatch(
        /\.(innerHTML|outerHTML)\s*=|insertAdjacentHTML|document\.write|DOMParser|createContextualFragment/,
      );
    }
  });

  it("uses no eval and no inline style attributes (the CSP forbids them)", () => {
    for (const f of sources) {
      expect(f.text, f.path).not.toMatch(/\beval\(|new Function\(|setAttribute\(\s*["']style["']/);
    }
  });

  it("draws charts only through chart.ts", () => {
    const drawers = sources.filter((f) => /svg\(\s*["']svg["']/.test(f.text)).map((f) => f.path);
    expect(drawers).toEqual(["chart.ts"]);
  });

  it("leaves domain arithmetic to the core: no minute sums, averages or sorting of domain data", () => {
    for (const f of sources) {
      expect(f.text, f.path).not.toMatch(/\.minutes\s*[+*]|[+]\s*[\w.?]*\.minutes\b|\.average\s*=|\.sort\(|reduce\(/);
    }
  });

  it("tauri.conf.json keeps a strict CSP and no global Tauri object", () => {
    const conf = JSON.parse(readFileSync(join(UI, "..", "tauri.conf.json"), "utf8"));
    expect(conf.app.withGlobalTauri).toBe(false);
    const csp = conf.app.security.csp as Record<string, string>;
    expect(csp["script-src"]).toBe("'self'");
    // 'self' plus the committee report's style hash (the preview frame inherits
    // this CSP; src-tauri's test checks the hash against the core).
    expect(csp["style-src"]).toMatch(/^'self'( 'sha256-[A-Za-z0-9+\/]+=*')?$/);
    expect(JSON.stringify(csp)).not.toMatch(/unsafe-inline|unsafe-eval|data:|blob:/);
    expect(conf.build.frontendDist).toBe("ui/dist");
    expect(conf.identifier).toBe("dev.panelist.app");
  });
});
