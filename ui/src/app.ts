// What every screen gets: the backend, the one save queue, app info, the
// (cached) bank, and navigation.
import type { Backend } from "./backend";
import type { SaveQueue } from "./saver";
import type { AppInfo, BankView } from "./types";

export type Route =
  | { name: "home"; drop?: string[] }
  | { name: "new" }
  | { name: "live"; id: string; index?: number }
  | { name: "wrap"; id: string }
  | { name: "summary"; id: string }
  | { name: "compare"; candidate: string }
  | { name: "report"; candidate: string }
  | { name: "candidates"; kit?: string }
  | { name: "calibration"; kit?: string }
  | { name: "bank" }
  | { name: "bank-question"; id?: string; duplicate?: string }
  | { name: "bank-history"; id: string }
  | { name: "bank-kits" }
  | { name: "bank-competencies" }
  | { name: "team" }
  | { name: "plans" }
  | { name: "plan"; id: string }
  | { name: "settings" };

export interface Ctx {
  backend: Backend;
  queue: SaveQueue;
  info: AppInfo;
  bank(reload?: boolean): Promise<BankView>;
  go(route: Route): Promise<void>;
}

export interface Screen {
  el: HTMLElement;
  /** Document title for this screen. */
  title: string;
  /** Called before the screen is replaced: flush and stop timers here. */
  leave?(): Promise<void>;
  /** Called after the screen is in the document. */
  shown?(): void;
}
