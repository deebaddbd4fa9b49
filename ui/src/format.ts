// Formatting helpers shared by the screens (pure; unit-tested).
import type { Recommendation } from "./bindings/Recommendation";
import type { Status } from "./bindings/Status";

/** 75 -> "1:15", 3725 -> "1:02:05". Negative input counts as 0. */
export function clock(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const ss = String(sec).padStart(2, "0");
  if (h > 0) return `${h}:${String(m).padStart(2, "0")}:${ss}`;
  return `${m}:${ss}`;
}

/** A length for people: "under a minute", "12 min", "1 h 05 min". */
export function durationText(totalSeconds: number): string {
  const m = Math.round(Math.max(0, totalSeconds) / 60);
  if (totalSeconds < 30) return "under a minute";
  if (m < 60) return `${m} min`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, "0")} min`;
}

/** Seconds between an ISO timestamp and `nowMs` (0 if unknown or in the future). */
export function secondsSince(iso: string | null, nowMs: number): number {
  if (!iso) return 0;
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return 0;
  return Math.max(0, Math.floor((nowMs - t) / 1000));
}

/** "12:40 / 45:00" style progress against a budget in minutes. */
export function againstBudget(seconds: number, budgetMinutes: number): { text: string; over: boolean } {
  return {
    text: `${clock(seconds)} / ${clock(budgetMinutes * 60)}`,
    over: seconds > budgetMinutes * 60,
  };
}

export const RECOMMENDATIONS: { value: Recommendation; label: string }[] = [
  { value: "strong-no", label: "Strong no" },
  { value: "no", label: "No" },
  { value: "none", label: "No decision" },
  { value: "yes", label: "Yes" },
  { value: "strong-yes", label: "Strong yes" },
];

export function recommendationLabel(r: Recommendation | null): string {
  return RECOMMENDATIONS.find((x) => x.value === r)?.label ?? "Not given";
}

export function statusLabel(s: Status): string {
  switch (s) {
    case "draft":
      return "Draft";
    case "in_progress":
      return "In progress";
    case "submitted":
      return "Submitted";
  }
}

/** A short local date and time, e.g. "22 Nov 2026, 09:05". */
export function shortDate(iso: string | null): string {
  if (!iso) return "";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "";
  return d.toLocaleString(undefined, {
    day: "numeric",
    month: "short",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
  });
}

/** Splits the red-flags box into one flag per non-empty line. */
export function parseRedFlags(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
}
