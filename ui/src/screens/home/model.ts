// Home's pure logic: the list's filter and page label, grouping by
// candidate, and the words of the delete and erase confirmations.
import type { SessionFilter } from "../../bindings/SessionFilter";
import type { SessionPage } from "../../bindings/SessionPage";
import type { SessionSummary } from "../../bindings/SessionSummary";
import type { Status } from "../../bindings/Status";
import { statusLabel } from "../../format";

export type DateRange = "" | "today" | "7d" | "30d";

/** Rows per page of the session list. */
export const PAGE_SIZE = 50;

/** The core's filter for the search box, status and date range. */
export function sessionFilter(text: string, status: Status | "", range: DateRange, nowMs: number): SessionFilter {
  const filter: SessionFilter = { text: text.trim() || null, candidate: null };
  if (status) filter.status = status;
  if (range) {
    const startOfToday = new Date(nowMs);
    startOfToday.setHours(0, 0, 0, 0);
    const since = range === "today" ? startOfToday.getTime() : nowMs - (range === "7d" ? 7 : 30) * 86400_000;
    filter.from = new Date(since).toISOString();
  }
  return filter;
}

/** "Sessions 51–100 of 120" for a page after `offset` rows; empty when nothing matches. */
export function pageLabel(p: SessionPage, offset: number): string {
  if (p.total === 0 || p.rows.length === 0) return "";
  return `Sessions ${offset + 1}–${offset + p.rows.length} of ${p.total}`;
}

/** Rows grouped by candidate, in the order each candidate first appears. */
export function groupByCandidate(rows: SessionSummary[]): [string, SessionSummary[]][] {
  const groups = new Map<string, SessionSummary[]>();
  for (const r of rows) {
    const g = groups.get(r.candidate);
    if (g) g.push(r);
    else groups.set(r.candidate, [r]);
  }
  return [...groups];
}

/** Own drafts and interviews in progress, and imported sessions, can be deleted. */
export function deletable(r: SessionSummary): boolean {
  return r.imported || r.status !== "submitted";
}

/** "Grace Hopper's interview of Lin Wei" / "the session Ravi Kumar sent for Lin Wei". */
export function deleteWhat(r: SessionSummary): string {
  return r.imported
    ? `${r.interviewer}’s imported session for ${r.candidate}`
    : `${r.interviewer}’s interview of ${r.candidate}`;
}

/** What a deletion removes, for its confirmation. */
export function deleteMessage(r: SessionSummary): string {
  const state = r.imported || r.status === null ? "imported" : statusLabel(r.status).toLowerCase();
  const counts = r.scored === null ? "" : ` (${r.scored} of ${r.questions} questions scored)`;
  return `This deletes the ${state} session${counts} with its scores, notes, summary and audit entries, for good. ${r.candidate} stays unless this is their last session.`;
}

/** What erasing a candidate removes, for its confirmation. */
/** The question asked when a team server is set: erase there too, or only here. */
export function eraseWhereMessage(candidate: string): string {
  return `A team server is set. Only here: ${candidate} goes from this machine, and this machine never takes their older sessions from the server again; colleagues keep theirs. Here and on the team server (admins only): their sessions on the server go too, and every colleague's Panelist erases them at its next sync.`;
}

export function eraseMessage(candidate: string, sessions: SessionSummary[]): string {
  const n = sessions.length;
  const own = sessions.filter((s) => !s.imported).length;
  const others = [...new Set(sessions.filter((s) => s.imported).map((s) => s.interviewer))];
  const parts = [`${own} of yours`];
  if (others.length) parts.push(`${n - own} from ${others.join(", ")}`);
  return `This erases ${candidate} and all ${n} of their session${n === 1 ? "" : "s"} (${parts.join("; ")}): every score, note, summary, recommendation and audit entry, down to the bytes in the database file. The audit keeps only a record that an erasure happened, without the name. This cannot be undone.`;
}
