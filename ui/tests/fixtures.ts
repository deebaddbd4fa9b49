// Test data and a fake backend for screen tests.
import type { MyGroupView } from "../src/bindings/MyGroupView";
import type { PlanSummary } from "../src/bindings/PlanSummary";
import { vi } from "vitest";
import type { Ctx } from "../src/app";
import type { Backend } from "../src/backend";
import type { Encryption } from "../src/bindings/Encryption";
import type { CalibrationView } from "../src/bindings/CalibrationView";
import type { SyncStatus } from "../src/bindings/SyncStatus";
import type { BankProgress } from "../src/bindings/BankProgress";
import type { TeamSettings } from "../src/bindings/TeamSettings";
import type { TeamProblems } from "../src/bindings/TeamProblems";
import type { ConnectionTest } from "../src/bindings/ConnectionTest";
import type { CandidateComparison } from "../src/bindings/CandidateComparison";
import type { Comparison } from "../src/bindings/Comparison";
import type { ReportFormat } from "../src/bindings/ReportFormat";
import type { ReportPreview } from "../src/bindings/ReportPreview";
import type { CandidateClash } from "../src/bindings/CandidateClash";
import type { Erasure } from "../src/bindings/Erasure";
import type { ImportedFile, SessionView } from "../src/types";
import type { Entry } from "../src/bindings/Entry";
import type { Question } from "../src/bindings/Question";
import type { SessionCursor } from "../src/bindings/SessionCursor";
import type { SessionPage } from "../src/bindings/SessionPage";
import type { SessionFilter } from "../src/bindings/SessionFilter";
import type { SessionSummary } from "../src/bindings/SessionSummary";
import type { Preferences } from "../src/bindings/Preferences";
import type { QuestionDoc } from "../src/bindings/QuestionDoc";
import type { QuestionDraft } from "../src/bindings/QuestionDraft";
import type { Retention } from "../src/bindings/Retention";
import { isTransient } from "../src/backend";
import { SaveQueue } from "../src/saver";

// jsdom has no modal dialogs: open/close with the `close` event is enough here.
if (typeof HTMLDialogElement !== "undefined") {
  const proto = HTMLDialogElement.prototype as HTMLDialogElement & Record<string, unknown>;
  if (typeof proto.showModal !== "function" || !("polyfilled" in proto)) {
    proto.showModal = function (this: HTMLDialogElement) {
      this.setAttribute("open", "");
    };
    proto.close = function (this: HTMLDialogElement) {
      if (!this.hasAttribute("open")) return;
      this.removeAttribute("open");
      this.dispatchEvent(new Event("close"));
    };
    proto.polyfilled = true;
  }
}

export function question(id: string, competency: string, extra: Partial<Question> = {}): Question {
  return {
    id,
    prompt: `Prompt ${id}`,
    competency,
    seniority: "mid",
    kind: "concept",
    minutes: 5,
    look_fors: ["first look-for", "second look-for"],
    follow_ups: ["a follow-up"],
    rubric: {
      levels: [
        { value: 1, label: "Poor", anchor: "poor anchor" },
        { value: 2, label: "Mixed", anchor: "mixed anchor" },
        { value: 3, label: "Good", anchor: "good anchor" },
        { value: 4, label: "Excellent", anchor: "excellent anchor" },
      ],
    },
    sources: [],
    ...extra,
  };
}

export function entry(q: Question, name: string, extra: Partial<Entry> = {}): Entry {
  return {
    question: q,
    competency_name: name,
    score: null,
    skipped: false,
    look_fors_hit: [],
    follow_ups_asked: [],
    notes: "",
    seconds_spent: 0,
    ...extra,
  };
}

/** A page of the session list holding exactly `rows`, with `next` where the following page starts. */
export function page(rows: SessionSummary[], total = rows.length, next: SessionCursor | null = null): SessionPage {
  return { rows, total, limit: 50, next };
}

/**
 * A session as the shell sends it. The computed fields are the core's values
 * for the default entries (nothing scored, 3 × 5 minutes, levels 1–4).
 */
export function session(extra: Partial<SessionView> = {}): SessionView {
  const now = new Date(Date.now()).toISOString();
  return {
    id: "0190-session",
    candidate: { id: "c1", name: "Ada <b>Lovelace</b>" },
    interviewer: "Grace",
    role: "Backend",
    kit: null,
    status: "in_progress",
    created_at: now,
    started_at: now,
    finished_at: null,
    updated_at: now,
    revision: 1,
    entries: [
      entry(question("q1", "data", { prompt: "<img src=x onerror=alert(1)> joins?" }), "Data"),
      entry(question("q2", "data"), "Data"),
      entry(question("q3", "apis"), "APIs & web"),
    ],
    summary: "",
    red_flags: [],
    recommendation: null,
    audit: [],
    competency_averages: [
      { competency: "data", name: "Data", questions: 2, scored: 0, average: null },
      { competency: "apis", name: "APIs & web", questions: 1, scored: 0, average: null },
    ],
    overall: null,
    budget_minutes: 15,
    scale: { min: 1, max: 4 },
    interview_seconds: 0,
    kit_modified: false,
    ...extra,
  };
}

export const OFF: SyncStatus = { state: "off", waiting: 0, conflicts: 0, message: null, last_sync: null };

export function fakeBackend(s: SessionView) {
  const ok = () => vi.fn(async () => undefined);
  const b = {
    appInfo: vi.fn(async () => ({ version: "0", db_path: "/tmp/x.db", db_error: null, interviewer: "Grace" })),
    listSessions: vi.fn(async (_f: SessionFilter, _a: SessionCursor | null, _l: number): Promise<SessionPage> =>
      page([]),
    ),
    budgetMinutes: vi.fn(async (_ids: string[]): Promise<number> => 0),
    getBank: vi.fn(async () => ({ competencies: [], questions: [], kits: [] })),
    saveKit: vi.fn(),
    createSession: vi.fn(),
    startSession: vi.fn(async () => structuredClone({ ...s, status: "in_progress" as const })),
    editSessionDetails: vi.fn(),
    getSession: vi.fn(async () => structuredClone(s)),
    setScore: ok(),
    setSkipped: ok(),
    setNotes: ok(),
    setLookFor: ok(),
    setFollowUp: ok(),
    addTime: ok(),
    setWrapUp: ok(),
    submit: vi.fn(),
    amendScore: vi.fn(),
    exportSession: vi.fn(async () => null),
    importSessionFiles: vi.fn(async (_paths?: string[]): Promise<ImportedFile[] | null> => null),
    compareCandidate: vi.fn(async (_c: string): Promise<Comparison> => {
      throw new Error("no comparison in this test");
    }),
    compareCandidates: vi.fn(async (_k: string, _s: string): Promise<CandidateComparison> => {
      throw new Error("no candidates in this test");
    }),
    calibration: vi.fn(async (_k: string | null): Promise<CalibrationView> => {
      throw new Error("no calibration in this test");
    }),
    exportReport: vi.fn(async (_c: string, _f: ReportFormat, _r: boolean): Promise<string | null> => null),
    exportReportPdf: vi.fn(async (_c: string, _r: boolean): Promise<string | null> => null),
    reportPreview: vi.fn(async (_c: string, f: ReportFormat, r: boolean): Promise<ReportPreview> => ({
      format: f,
      text:
        f === "html"
          ? "<!DOCTYPE html><title>r</title><h1>Hiring committee report</h1>"
          : `# Hiring committee report (${f})`,
      redacted: r,
      replaced: r ? [{ name: "Ada", pseudonym: "Candidate 3F2A", count: 4 }] : [],
    })),
    importWithClash: vi.fn(async (_c: CandidateClash): Promise<ImportedFile[] | null> => null),
    acceptNewKey: vi.fn(async (_p: string, _f: string): Promise<ImportedFile> => {
      throw new Error("no key change in this test");
    }),
    deleteSession: vi.fn(async (_id: string): Promise<Erasure> => ({ candidates: 0, sessions: 1 })),
    eraseCandidate: vi.fn(async (_n: string): Promise<Erasure> => ({ candidates: 1, sessions: 1 })),
    eraseOnServer: vi.fn(async (_n: string): Promise<number> => 3),
    teamSettings: vi.fn(async (): Promise<TeamSettings> => ({
      url: null,
      user: null,
      has_token: false,
      token_store: "file",
      token_path: "/tmp/cfg/team-token",
      status: { ...OFF },
    })),
    setTeamServer: vi.fn(),
    syncNow: vi.fn(async (): Promise<SyncStatus> => ({ ...OFF })),
    syncStatus: vi.fn(async (): Promise<SyncStatus> => ({ ...OFF })),
    testConnection: vi.fn(async (): Promise<ConnectionTest> => ({ reach: "ok", sentence: "connected", user: "Grace" })),
    teamProblems: vi.fn(async () => ({ conflicts: [], set_aside: [] }) as TeamProblems),
    takeServerCopy: vi.fn(),
    encryptionStatus: vi.fn(async (): Promise<Encryption> => "keyring"),
    myInterviews: vi.fn(async (name: string | null) => ({
      name: name ?? "Grace",
      now: "2026-11-22T10:00:00Z",
      groups: [] as MyGroupView[],
    })),
    listPlans: vi.fn(async (): Promise<PlanSummary[]> => []),
    planView: vi.fn(),
    createPlan: vi.fn(),
    addPlanMember: vi.fn(),
    startFromPlan: vi.fn(async () => structuredClone({ ...s, status: "in_progress" as const })),
    attachSession: ok(),
    databaseLock: vi.fn(async () => ({ locked: false, db_path: "/tmp/x.db" })),
    unlockDatabase: vi.fn(async (_p: string): Promise<Encryption> => "passphrase"),
    setPassphrase: vi.fn(async (_p: string): Promise<Encryption> => "passphrase"),
    backupDatabase: vi.fn(async (): Promise<string | null> => "/tmp/backup.db"),
    restoreDatabase: vi.fn(async (): Promise<Encryption | null> => "keyring"),
    questionDraft: vi.fn(async (_q: QuestionDoc, create: boolean): Promise<QuestionDraft> => ({
      problems: [],
      suggested_id: create ? "made-from-the-prompt" : null,
    })),
    preferences: vi.fn(async (): Promise<Preferences> => ({ your_name: "Grace", retention_days: null })),
    setYourName: vi.fn(async (name: string) => name.trim()),
    setRetention: vi.fn(async (days: number | null): Promise<Retention> => ({
      days,
      erased: { candidates: 0, sessions: 0 },
    })),
    onSyncStatus: vi.fn(async (_h: (s: SyncStatus) => void) => () => undefined),
    onBankImportProgress: vi.fn(async (_h: (p: BankProgress) => void) => () => undefined),
    onFileDrop: vi.fn(async () => () => undefined),
    onFlushRequest: vi.fn(async () => () => undefined),
  };
  return b as typeof b & Backend;
}

export function fakeCtx(backend: Backend): Ctx & { go: ReturnType<typeof vi.fn> } {
  return {
    backend,
    queue: new SaveQueue({ isTransient, backoff: () => 200 }),
    info: { version: "0", db_path: "/tmp/x.db", db_error: null, interviewer: "Grace" },
    bank: vi.fn(),
    go: vi.fn(async () => undefined),
  };
}
