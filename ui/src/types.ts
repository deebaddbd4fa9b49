// Types of the desktop shell's own IPC payloads, generated from the Rust
// types in src-tauri/src by ts-rs (like the core types in ./bindings).
export type { AppInfo } from "./bindings/AppInfo";
export type { BankView } from "./bindings/BankView";
export type { BankCatalog } from "./bindings/BankCatalog";
export type { QuestionHistory } from "./bindings/QuestionHistory";
export type { EntryRevision } from "./bindings/EntryRevision";
export type { ExportFormat } from "./bindings/ExportFormat";
export type { IpcError } from "./bindings/IpcError";
export type { ImportedFile } from "./bindings/ImportedFile";
export type { SessionView } from "./bindings/SessionView";
