// Interview plans' words and fields: the titles of "My interviews"' groups
// (grouped and ordered by the core), member states in words, the time to
// submit, and the datetime-local fields' values as instants.
import type { MemberState } from "../bindings/MemberState";
import type { MyGroup } from "../bindings/MyGroup";
import { durationText } from "../format";

export const GROUP_TITLES: Record<MyGroup, string> = {
  today: "Today",
  upcoming: "Upcoming",
  overdue: "Feedback overdue",
};

export function stateLabel(s: MemberState): string {
  switch (s) {
    case "not_started":
      return "Not started";
    case "in_progress":
      return "In progress";
    case "submitted":
      return "Submitted";
    case "overdue":
      return "Overdue";
  }
}

/** "Submitted in 1 h 05 min"-style text; "—" when unknown. */
export function tookText(seconds: number | null): string {
  return seconds === null ? "—" : durationText(seconds);
}

/**
 * A `<input type="datetime-local">` value ("2027-03-10T09:30", local time)
 * as an RFC 3339 instant; null when empty; undefined when not a time.
 */
export function localToIso(value: string): string | null | undefined {
  const v = value.trim();
  if (!v) return null;
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(v)) return undefined;
  const t = new Date(v);
  return Number.isNaN(t.getTime()) ? undefined : t.toISOString();
}
