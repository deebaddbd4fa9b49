// The one module that talks to Tauri. Every other module imports `backend`
// from here (and tests replace it), so the IPC surface is visible in one place.
// Commands go through the typed functions generated from their Rust
// declaration (src-tauri/src/ipc.in -> ./bindings/commands.ts): a command
// whose name, arguments or result change in Rust no longer type-checks here.
import { invoke } from "@tauri-apps/api/core";
import { listen } from "@tauri-apps/api/event";
import { getCurrentWebview } from "@tauri-apps/api/webview";

import { commands } from "./bindings/commands";

import type { DatabaseLock } from "./bindings/DatabaseLock";
import type { Encryption } from "./bindings/Encryption";
import type { CalibrationView } from "./bindings/CalibrationView";
import type { CandidateComparison } from "./bindings/CandidateComparison";
import type { Comparison } from "./bindings/Comparison";
import type { ReportFormat } from "./bindings/ReportFormat";
import type { ReportPreview } from "./bindings/ReportPreview";
import type { CandidateClash } from "./bindings/CandidateClash";
import type { Erasure } from "./bindings/Erasure";

import type { BankImportReport } from "./bindings/BankImportReport";
import type { BankProgress } from "./bindings/BankProgress";
import type { BankQuestion } from "./bindings/BankQuestion";
import type { Competency } from "./bindings/Competency";
import type { Kit } from "./bindings/Kit";
import type { QuestionDoc } from "./bindings/QuestionDoc";
import type { NewSession } from "./bindings/NewSession";
import type { Recommendation } from "./bindings/Recommendation";
import type { SessionDetails } from "./bindings/SessionDetails";
import type { SessionCursor } from "./bindings/SessionCursor";
import type { SessionFilter } from "./bindings/SessionFilter";
import type { SessionPage } from "./bindings/SessionPage";
import type { WrapUp } from "./bindings/WrapUp";
import type { ErrorCode } from "./bindings/ErrorCode";
import type {
  AppInfo,
  BankCatalog,
  BankView,
  EntryRevision,
  ExportFormat,
  ImportedFile,
  IpcError,
  QuestionHistory,
  SessionView,
} from "./types";
import type { SyncStatus } from "./bindings/SyncStatus";
import type { TeamSettings } from "./bindings/TeamSettings";
import type { TeamProblems } from "./bindings/TeamProblems";
import type { Resolved } from "./bindings/Resolved";
import type { ConnectionTest } from "./bindings/ConnectionTest";
import type { Member } from "./bindings/Member";
import type { MyInterviews } from "./bindings/MyInterviews";
import type { NewPlan } from "./bindings/NewPlan";
import type { Plan } from "./bindings/Plan";
import type { PlanSummary } from "./bindings/PlanSummary";
import type { PlanView } from "./bindings/PlanView";
import type { Preferences } from "./bindings/Preferences";
import type { QuestionDraft } from "./bindings/QuestionDraft";
import type { Retention } from "./bindings/Retention";

/** What a drag over the window is doing. */
export type DropEvent = { type: "over" } | { type: "leave" } | { type: "drop"; paths: string[] };

/** A failed command: `code` is the shell's error code (generated from Rust). */
export class BackendError extends Error implements IpcError {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = "BackendError";
    this.code = code;
  }
}

/**
 * Which error codes are worth retrying: the database or the disk said no, or
 * IPC failed. A `Record` over the generated `ErrorCode`, so a code added in
 * Rust does not type-check here until it is sorted into one side.
 */
const TRANSIENT: Record<ErrorCode, boolean> = {
  not_found: false,
  invalid: false,
  locked: false,
  sealed: false,
  conflict: false,
  schema_too_new: false,
  io: true,
  database: true,
  internal: true,
  ipc: true,
  // The team server's codes (the sync reports them as messages today).
  unauthorized: false,
  forged_author: false,
  forbidden: false,
  method_not_allowed: false,
  too_large: false,
  unavailable: true,
};

/** Every error code the shell can send (and `ipc`, set here). */
export const ERROR_CODES = Object.keys(TRANSIENT) as ErrorCode[];

function isErrorCode(x: unknown): x is ErrorCode {
  return typeof x === "string" && Object.prototype.hasOwnProperty.call(TRANSIENT, x);
}

/** Errors worth retrying: the database or the disk said no, or IPC failed. */
export function isTransient(err: unknown): boolean {
  return TRANSIENT[err instanceof BackendError ? err.code : "ipc"];
}

export function toBackendError(err: unknown): BackendError {
  if (err instanceof BackendError) return err;
  if (err && typeof err === "object" && "code" in err && "message" in err) {
    const e = err as { code: unknown; message: unknown };
    // A code this build does not know is a failed call, not a guess.
    return isErrorCode(e.code)
      ? new BackendError(e.code, String(e.message))
      : new BackendError("ipc", `${String(e.code)}: ${String(e.message)}`);
  }
  return new BackendError("ipc", err instanceof Error ? err.message : String(err));
}

/** `invoke`, with every failure turned into a `BackendError`. */
async function call<T>(cmd: string, args: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(cmd, args);
  } catch (err) {
    throw toBackendError(err);
  }
}

/** Every IPC command, typed as declared in Rust, sent through `call`. */
const ipc = commands(call);

export interface Backend {
  appInfo(): Promise<AppInfo>;
  /**
   * One page of the sessions matching `filter`, newest first, and how many
   * match: the `limit` after the cursor `after` (the previous page's `next`;
   * `null` for the first page).
   */
  listSessions(filter: SessionFilter, after: SessionCursor | null, limit: number): Promise<SessionPage>;
  /** The time budget of these questions in minutes (the core's sum). */
  budgetMinutes(questionIds: string[]): Promise<number>;
  getBank(): Promise<BankView>;
  /**
   * Saves the picked questions as a kit named `name`. An own kit of that name
   * is replaced only with `replace` (else a `conflict` error asks); a
   * built-in kit's name is refused (`locked`).
   */
  saveKit(name: string, description: string, questions: string[], replace: boolean): Promise<Kit>;
  /** The whole bank for the Bank screen: retired questions, revisions, built-in kits. */
  bankCatalog(): Promise<BankCatalog>;
  /** Creates a question or saves a new revision; `invalid` messages start with the field path. */
  saveQuestion(question: QuestionDoc, create: boolean): Promise<BankQuestion>;
  setQuestionRetired(id: string, retired: boolean): Promise<void>;
  questionHistory(id: string): Promise<QuestionHistory>;
  saveCompetency(competency: Competency, create: boolean): Promise<void>;
  setCompetencyRetired(id: string, retired: boolean): Promise<void>;
  renameKit(id: string, name: string): Promise<void>;
  setKitQuestions(id: string, questions: string[]): Promise<void>;
  deleteKit(id: string): Promise<void>;
  duplicateKit(id: string, name: string): Promise<Kit>;
  /** Imports a bank file chosen in a dialog, all or nothing; null when cancelled. */
  importBankFile(): Promise<BankImportReport | null>;
  /** Exports the bank; the written path, or null when cancelled. */
  exportBankFile(): Promise<string | null>;
  /** The bank revision each question of a session was asked in. */
  entryRevisions(sessionId: string): Promise<EntryRevision[]>;
  /** Creates a session; started at once unless `draft` (prepared, started later). */
  createSession(input: NewSession, draft?: boolean): Promise<SessionView>;
  /** Starts a draft; an already started session is unchanged. */
  startSession(sessionId: string): Promise<SessionView>;
  /** Changes candidate, interviewer and role; refused after submission. */
  editSessionDetails(sessionId: string, details: SessionDetails): Promise<SessionView>;
  getSession(sessionId: string): Promise<SessionView>;
  setScore(sessionId: string, questionId: string, level: number | null): Promise<void>;
  setSkipped(sessionId: string, questionId: string, skipped: boolean): Promise<void>;
  setNotes(sessionId: string, questionId: string, notes: string): Promise<void>;
  setLookFor(sessionId: string, questionId: string, index: number, on: boolean): Promise<void>;
  setFollowUp(sessionId: string, questionId: string, index: number, on: boolean): Promise<void>;
  addTime(sessionId: string, questionId: string, seconds: number): Promise<void>;
  setWrapUp(sessionId: string, wrap: WrapUp): Promise<void>;
  submit(sessionId: string, recommendation: Recommendation, summary: string | null): Promise<SessionView>;
  amendScore(sessionId: string, questionId: string, level: number, reason: string): Promise<SessionView>;
  /** Resolves to the written path, or null when the save dialog was cancelled. */
  exportSession(sessionId: string, format: ExportFormat): Promise<string | null>;
  /**
   * Imports other interviewers' session files and interview plan files, each
   * on its own: one result per file (imported, or refused in a plain
   * sentence). Without `paths` the shell asks with an open dialog; `paths`
   * must be files just dropped on the window. Resolves to null when the
   * dialog was cancelled.
   */
  importSessionFiles(paths?: string[]): Promise<ImportedFile[] | null>;
  /**
   * Re-runs the files the last import refused for a candidate clash (same
   * id, different name) with the person's decision: the shell kept them.
   */
  importWithClash(clash: CandidateClash): Promise<ImportedFile[] | null>;
  /**
   * Imports the file at `path`, refused by the last import for a changed
   * key, accepting the new key whose `fingerprint` the person confirmed.
   */
  acceptNewKey(path: string, fingerprint: string): Promise<ImportedFile>;
  /** Deletes one interview (own, not submitted) or imported session for good. */
  deleteSession(sessionId: string): Promise<Erasure>;
  /** Erases a candidate with all their sessions for good. */
  eraseCandidate(name: string): Promise<Erasure>;
  /**
   * Erases a candidate on the team server (admins): their sessions there go,
   * and every colleague's Panelist erases them at its next sync. Resolves to
   * the sessions the server deleted.
   */
  eraseOnServer(name: string): Promise<number>;
  /** A candidate's panel; sealed while your own session is not submitted. */
  compareCandidate(candidate: string): Promise<Comparison>;
  /** Candidates who sat `kit`; `sort` is "overall", "name" or a competency id. */
  compareCandidates(kit: string, sort: string): Promise<CandidateComparison>;
  calibration(kit: string | null): Promise<CalibrationView>;
  /** Resolves to the written path, or null when the save dialog was cancelled. */
  exportReport(candidate: string, format: ReportFormat, redact: boolean): Promise<string | null>;
  /** The committee report as a PDF through the save dialog; the written path, or null when cancelled. */
  exportReportPdf(candidate: string, redact: boolean): Promise<string | null>;
  /** The committee report in `format`, for the preview, with what redaction replaced. */
  reportPreview(candidate: string, format: ReportFormat, redact: boolean): Promise<ReportPreview>;
  /** The team server's settings: URL, signed-in user, where the token is kept, sync status. */
  teamSettings(): Promise<TeamSettings>;
  /** Saves the server URL and token (keyring, else a 0600 file) and syncs in the background. */
  setTeamServer(url: string, token: string): Promise<TeamSettings>;
  /** Pushes what waits, pulls what is new; resolves to the new status. */
  syncNow(): Promise<SyncStatus>;
  syncStatus(): Promise<SyncStatus>;
  /**
   * Tests the team server at `url` with `token` as typed in the form (each
   * empty one falls back to the saved one; nothing is saved); says the reason
   * in one sentence when it fails.
   */
  testConnection(url: string | null, token: string | null): Promise<ConnectionTest>;
  /** Own sessions in conflict with the server's copy, and colleagues' sessions set aside with the reason. */
  teamProblems(): Promise<TeamProblems>;
  /** Takes the team server's copy of an own session in conflict: this computer's copy is erased. */
  takeServerCopy(sessionId: string): Promise<Resolved>;
  /** How the local database is protected at rest: keyring, passphrase or plain. */
  encryptionStatus(): Promise<Encryption>;
  /**
   * Home's "My interviews" for `name` (null: the interviewer name last used);
   * the shell raises a notification for each one whose feedback is overdue.
   */
  myInterviews(name: string | null): Promise<MyInterviews>;
  listPlans(): Promise<PlanSummary[]>;
  /** A plan with each member's state and time to submit, and its coverage. */
  planView(planId: string): Promise<PlanView>;
  createPlan(plan: NewPlan): Promise<Plan>;
  /** Adds an interviewer; `member.kit` is a kit id or name. */
  addPlanMember(planId: string, member: Member): Promise<Plan>;
  /** Starts `interviewer`'s session from the plan (its candidate, role and kit). */
  startFromPlan(planId: string, interviewer: string): Promise<SessionView>;
  /** Puts an interview started without the plan into it. */
  attachSession(planId: string, sessionId: string): Promise<void>;
  /** Whether the database waits for its passphrase (the start dialog), and which file it is. */
  databaseLock(): Promise<DatabaseLock>;
  /** Opens the locked database; a wrong passphrase is refused (`invalid`, one line) and it stays locked. */
  unlockDatabase(passphrase: string): Promise<Encryption>;
  /**
   * Sets the database's passphrase: a plain or keyring database is encrypted
   * with it, a passphrase one changes to it; the app asks for it at start.
   */
  setPassphrase(passphrase: string): Promise<Encryption>;
  /** Writes an encrypted backup to a file picked in a dialog; the path, or null when cancelled. */
  backupDatabase(): Promise<string | null>;
  /**
   * Replaces the database with a backup picked in a dialog and reopens it;
   * null when cancelled. Refused, changing nothing, when no key opens it.
   */
  restoreDatabase(): Promise<Encryption | null>;
  /** Every broken rule of a question being written, and an id made from its prompt (new questions). */
  questionDraft(question: QuestionDoc, create: boolean): Promise<QuestionDraft>;
  /** Settings: the name this computer's interviewer goes by, and the retention period. */
  preferences(): Promise<Preferences>;
  /** Sets the name (checked as every person's name is); resolves to it as stored. */
  setYourName(name: string): Promise<string>;
  /** Sets (days) or turns off (null) the retention period and applies it at once. */
  setRetention(days: number | null): Promise<Retention>;
  /** Each change of the sync status (the background sync's event). */
  onSyncStatus(handler: (status: SyncStatus) => void): Promise<() => void>;
  /** How far a bank file import has got (reading, checking, saving). */
  onBankImportProgress(handler: (progress: BankProgress) => void): Promise<() => void>;
  /** Files dragged over and dropped on the window (Tauri's drag-drop event). */
  onFileDrop(handler: (event: DropEvent) => void): Promise<() => void>;
  /** Runs `flush` whenever the shell is about to exit, then acknowledges. */
  onFlushRequest(flush: () => Promise<void>): Promise<() => void>;
}

export const backend: Backend = {
  appInfo: () => ipc.appInfo(),
  listSessions: (filter, after, limit) => ipc.listSessions(filter, after, limit),
  budgetMinutes: (questionIds) => ipc.budgetMinutes(questionIds),
  getBank: () => ipc.getBank(),
  saveKit: (name, description, questions, replace) => ipc.saveKit(name, description, questions, replace),
  bankCatalog: () => ipc.bankCatalog(),
  saveQuestion: (question, create) => ipc.saveQuestion(question, create),
  setQuestionRetired: (id, retired) => ipc.setQuestionRetired(id, retired),
  questionHistory: (id) => ipc.questionHistory(id),
  saveCompetency: (competency, create) => ipc.saveCompetency(competency, create),
  setCompetencyRetired: (id, retired) => ipc.setCompetencyRetired(id, retired),
  renameKit: (id, name) => ipc.renameKit(id, name),
  setKitQuestions: (id, questions) => ipc.setKitQuestions(id, questions),
  deleteKit: (id) => ipc.deleteKit(id),
  duplicateKit: (id, name) => ipc.duplicateKit(id, name),
  importBankFile: () => ipc.importBankFile(),
  exportBankFile: () => ipc.exportBankFile(),
  entryRevisions: (sessionId) => ipc.entryRevisions(sessionId),
  createSession: (input, draft) => ipc.createSession(input, draft ?? false),
  startSession: (sessionId) => ipc.startSession(sessionId),
  editSessionDetails: (sessionId, details) => ipc.editSessionDetails(sessionId, details),
  getSession: (sessionId) => ipc.getSession(sessionId),
  setScore: (sessionId, questionId, level) => ipc.setScore(sessionId, questionId, level),
  setSkipped: (sessionId, questionId, skipped) => ipc.setSkipped(sessionId, questionId, skipped),
  setNotes: (sessionId, questionId, notes) => ipc.setNotes(sessionId, questionId, notes),
  setLookFor: (sessionId, questionId, index, on) => ipc.setLookFor(sessionId, questionId, index, on),
  setFollowUp: (sessionId, questionId, index, on) => ipc.setFollowUp(sessionId, questionId, index, on),
  addTime: (sessionId, questionId, seconds) => ipc.addTime(sessionId, questionId, seconds),
  setWrapUp: (sessionId, wrap) => ipc.setWrapUp(sessionId, wrap),
  submit: (sessionId, recommendation, summary) => ipc.submitSession(sessionId, recommendation, summary),
  amendScore: (sessionId, questionId, level, reason) => ipc.amendScore(sessionId, questionId, level, reason),
  exportSession: (sessionId, format) => ipc.exportSession(sessionId, format),
  importSessionFiles: (paths) => ipc.importSessionFiles(paths ?? null, null),
  importWithClash: (clash) => ipc.importSessionFiles(null, clash),
  acceptNewKey: (path, fingerprint) => ipc.acceptNewKey(path, fingerprint),
  deleteSession: (sessionId) => ipc.deleteSession(sessionId),
  eraseCandidate: (name) => ipc.eraseCandidate(name),
  eraseOnServer: (name) => ipc.eraseOnServer(name),
  compareCandidate: (candidate) => ipc.compareCandidate(candidate),
  compareCandidates: (kit, sort) => ipc.compareCandidates(kit, sort),
  calibration: (kit) => ipc.calibration(kit),
  exportReport: (candidate, format, redact) => ipc.exportReport(candidate, format, redact),
  exportReportPdf: (candidate, redact) => ipc.exportReportPdf(candidate, redact),
  reportPreview: (candidate, format, redact) => ipc.reportPreview(candidate, format, redact),
  teamSettings: () => ipc.teamSettings(),
  setTeamServer: (url, token) => ipc.setTeamServer(url, token),
  syncNow: () => ipc.syncNow(),
  syncStatus: () => ipc.syncStatus(),
  testConnection: (url, token) => ipc.testConnection(url, token),
  teamProblems: () => ipc.teamProblems(),
  takeServerCopy: (sessionId) => ipc.takeServerCopy(sessionId),
  encryptionStatus: () => ipc.encryptionStatus(),
  myInterviews: (name) => ipc.myInterviews(name),
  listPlans: () => ipc.listPlans(),
  planView: (planId) => ipc.planView(planId),
  createPlan: (plan) => ipc.createPlan(plan),
  addPlanMember: (planId, member) => ipc.addPlanMember(planId, member),
  startFromPlan: (planId, interviewer) => ipc.startFromPlan(planId, interviewer),
  attachSession: (planId, sessionId) => ipc.attachSession(planId, sessionId),
  databaseLock: () => ipc.databaseLock(),
  unlockDatabase: (passphrase) => ipc.unlockDatabase(passphrase),
  setPassphrase: (passphrase) => ipc.setPassphrase(passphrase),
  backupDatabase: () => ipc.backupDatabase(),
  restoreDatabase: () => ipc.restoreDatabase(),
  questionDraft: (question, create) => ipc.questionDraft(question, create),
  preferences: () => ipc.preferences(),
  setYourName: (name) => ipc.setYourName(name),
  setRetention: (days) => ipc.setRetention(days),
  async onSyncStatus(handler) {
    return listen<SyncStatus>("panelist://sync", (event) => handler(event.payload));
  },
  async onBankImportProgress(handler) {
    return listen<BankProgress>("panelist://bank-import", (event) => handler(event.payload));
  },
  async onFileDrop(handler) {
    return getCurrentWebview().onDragDropEvent((event) => {
      const p = event.payload;
      if (p.type === "drop") handler({ type: "drop", paths: p.paths });
      else if (p.type === "leave") handler({ type: "leave" });
      else handler({ type: "over" });
    });
  },
  async onFlushRequest(flush) {
    return listen<number>("panelist://flush", async (event) => {
      try {
        await flush();
      } finally {
        await ipc.flushDone(event.payload).catch(() => undefined);
      }
    });
  },
};
