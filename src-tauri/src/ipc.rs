//! The IPC, declared once: `ipc.in` lists every command the page may call,
//! with its kind, the app state it takes, the arguments the page sends and
//! what it returns. The `ipc!` macro below turns that list into
//!
//! - one handler per command (in [`handlers`]), which passes its parameters
//!   on to the plain function `module::name` — so the function's signature
//!   is checked by the compiler against the declaration, and the names the
//!   page sends are the declared ones. A command that takes
//!   `store: &mut Store` runs on the database thread and answers from there
//!   ([`command!`]); the others are `#[tauri::command]`s;
//! - the handler Tauri registers ([`handler`]);
//! - [`COMMANDS`], the names and kinds (the seal test takes its read commands
//!   from it);
//! - in tests, the typed TypeScript functions the page calls
//!   (`ui/src/bindings/commands.ts`, see [`typescript`]).
//!
//! `build.rs` includes the same file with a macro of its own that keeps only
//! the names, and writes each command's permission and the window's
//! capability from them. A command cannot be in one of these places and not
//! the others.

/// What a command does with data, as far as sealing goes (`seal_tests.rs`).
#[allow(dead_code)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Returns (or writes to a file) data that may hold a colleague's work:
    /// the seal test must exercise it.
    Read,
    /// Changes data; returns nothing a colleague wrote (or only the caller's
    /// own session, through the sealed loader).
    Write,
    /// Returns no session data at all (settings, status, counts).
    Status,
}

/// One declared command.
#[allow(dead_code)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Command {
    /// The name the page invokes (snake_case, as in `ipc.in`).
    pub name: &'static str,
    pub kind: Kind,
}

macro_rules! kind {
    (read) => {
        Kind::Read
    };
    (write) => {
        Kind::Write
    };
    (status) => {
        Kind::Status
    };
}

/// One command of `ipc.in`: its handler item, and how a call reaches it.
///
/// - A command whose only state is `store: &mut Store` runs on the database
///   thread: the page's arguments are read on the UI thread (one struct,
///   camelCase names, as Tauri reads them), the function runs with the
///   store, and its answer goes back to the page from the database thread
///   ([`direct`], [`Db::call`](crate::state::Db::call)). The function is a
///   plain `pub fn`. These are the live interview's saves: two hops through
///   the async runtime fewer than the other commands (docs/BENCHMARKS.md).
/// - Every other command is a `#[tauri::command]` that awaits the plain
///   `pub async fn` of the same name; Tauri runs it on its async runtime.
macro_rules! command {
    (item [store : $st:ty] $module:ident $name:ident [$($arg:ident : $arg_ty:ty),*] $out:ty) => {};
    (item [$($state:ident : $state_ty:ty),*] $module:ident $name:ident [$($arg:ident : $arg_ty:ty),*] $out:ty) => {
        #[tauri::command]
        async fn $name($($state: $state_ty,)* $($arg: $arg_ty),*) -> IpcResult<$out> {
            crate::$module::$name($($state,)* $($arg),*).await
        }
    };
    (dispatch $invoke:ident [store : $st:ty] $module:ident $name:ident [$($arg:ident : $arg_ty:ty),*]) => {{
        #[derive(serde::Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Args {
            $($arg: $arg_ty),*
        }
        super::direct($invoke, stringify!($name), |store: $st, Args { $($arg),* }| {
            crate::$module::$name(store, $($arg),*)
        })
    }};
    (dispatch $invoke:ident [$($state:ident : $state_ty:ty),*] $module:ident $name:ident [$($arg:ident : $arg_ty:ty),*]) => {
        super::run(tauri::generate_handler![$name], $invoke)
    };
}

/// A `#[tauri::command]`'s call: Tauri's own handler for it.
fn run(handler: impl Fn(tauri::ipc::Invoke) -> bool, invoke: tauri::ipc::Invoke) -> bool {
    handler(invoke)
}

/// A direct command's call (see [`command!`]): its arguments read from the
/// page's JSON, then `f` on the database thread, whose answer resolves the
/// page's promise from there. Arguments that do not read are refused before
/// anything runs, with the command's name.
fn direct<A, T, F>(invoke: tauri::ipc::Invoke, command: &'static str, f: F) -> bool
where
    A: serde::de::DeserializeOwned + Send + 'static,
    T: serde::Serialize + Send + 'static,
    F: FnOnce(&mut panelist_core::Store, A) -> crate::error::IpcResult<T> + Send + 'static,
{
    use tauri::Manager;
    let tauri::ipc::Invoke {
        message, resolver, ..
    } = invoke;
    let args = match message.payload() {
        tauri::ipc::InvokeBody::Json(v) => A::deserialize(v).map_err(|e| e.to_string()),
        tauri::ipc::InvokeBody::Raw(_) => Err("expected JSON".to_string()),
    };
    let args = match args {
        Ok(a) => a,
        Err(e) => {
            resolver.reject(format!("invalid args for command `{command}`: {e}"));
            return true;
        }
    };
    let webview = message.webview();
    let Some(db) = webview.try_state::<crate::state::Db>() else {
        resolver.reject(crate::error::IpcError::internal(
            "the database is not open yet",
        ));
        return true;
    };
    db.call(
        command,
        move |store| f(store, args),
        move |answer| match answer {
            Ok(v) => resolver.resolve(v),
            Err(e) => resolver.reject(e),
        },
    );
    true
}

macro_rules! ipc {
    (
        use { $($imports:tt)* }
        $(
            $kind:ident $module:ident :: $name:ident (
                $($state:ident : $state_ty:ty),* ;
                $($arg:ident : $arg_ty:ty),*
            ) -> $out:ty;
        )*
    ) => {
        #[allow(unused_imports)]
        use { $($imports)* };

        /// Every IPC command, in the order of `ipc.in` (read by the tests).
        #[allow(dead_code)]
        pub const COMMANDS: &[Command] = &[
            $(Command { name: stringify!($name), kind: kind!($kind) }),*
        ];

        /// The handlers: each passes its parameters on to the function of
        /// the same name in its module (see [`command!`]).
        pub mod handlers {
            use super::*;
            use crate::error::IpcResult;

            $(
                command!(item [$($state : $state_ty),*] $module $name [$($arg : $arg_ty),*] $out);
            )*

            /// What `tauri::Builder::invoke_handler` takes: every command.
            pub fn handler() -> impl Fn(tauri::ipc::Invoke) -> bool + Send + Sync + 'static {
                |invoke: tauri::ipc::Invoke| {
                    let name = invoke.message.command().to_owned();
                    match name.as_str() {
                        $(
                            stringify!($name) => command!(
                                dispatch invoke [$($state : $state_ty),*] $module $name [$($arg : $arg_ty),*]
                            ),
                        )*
                        _ => false,
                    }
                }
            }
        }

        /// Each command's TypeScript signature, from the declared types.
        #[cfg(test)]
        pub(crate) fn signatures(cfg: &ts_rs::Config) -> Vec<ts::Signature> {
            vec![$(
                ts::Signature {
                    name: stringify!($name),
                    kind: kind!($kind),
                    args: vec![$((stringify!($arg), ts::Type::of::<$arg_ty>(cfg))),*],
                    result: ts::Type::of::<$out>(cfg),
                }
            ),*]
        }
    };
}

include!("ipc.in");

pub use handlers::handler;

/// The TypeScript side: `ui/src/bindings/commands.ts`.
#[cfg(test)]
pub(crate) mod ts {
    use std::any::TypeId;
    use std::collections::BTreeMap;
    use std::fmt::Write;

    use ts_rs::{Config, Dependency, TypeVisitor, TS};

    use super::Kind;

    /// A TypeScript type and the bindings it needs imported.
    pub struct Type {
        pub ts: String,
        /// Name -> path of the binding (relative to the bindings folder).
        pub imports: BTreeMap<String, String>,
    }

    impl Type {
        pub fn of<T: TS + 'static>(cfg: &Config) -> Type {
            let mut imports = BTreeMap::new();
            Imports(cfg, &mut imports).visit::<T>();
            // A command that returns `()` answers `null`; the page awaits nothing.
            let ts = if TypeId::of::<T>() == TypeId::of::<()>() {
                "void".to_string()
            } else {
                T::name(cfg)
            };
            Type { ts, imports }
        }
    }

    /// Collects the exported types a type is made of: the type itself if it
    /// has a binding, else (`Vec<T>`, `Option<T>`) those of its parameters.
    struct Imports<'a>(&'a Config, &'a mut BTreeMap<String, String>);

    impl TypeVisitor for Imports<'_> {
        fn visit<T: TS + 'static + ?Sized>(&mut self) {
            match Dependency::from_ty::<T>(self.0) {
                Some(d) => {
                    let path = d.output_path.to_string_lossy().replace('\\', "/");
                    let path = path.strip_suffix(".ts").unwrap_or(&path).to_string();
                    self.1.insert(d.ts_name, path);
                }
                None => T::visit_generics(self),
            }
        }
    }

    pub struct Signature {
        pub name: &'static str,
        pub kind: Kind,
        pub args: Vec<(&'static str, Type)>,
        pub result: Type,
    }

    /// ECMAScript's reserved words (ECMA-262, "Keywords and Reserved Words",
    /// strict mode included): a Rust argument may be called `new`, a
    /// TypeScript parameter may not.
    const RESERVED: &[&str] = &[
        "await",
        "break",
        "case",
        "catch",
        "class",
        "const",
        "continue",
        "debugger",
        "default",
        "delete",
        "do",
        "else",
        "enum",
        "export",
        "extends",
        "false",
        "finally",
        "for",
        "function",
        "if",
        "implements",
        "import",
        "in",
        "instanceof",
        "interface",
        "let",
        "new",
        "null",
        "package",
        "private",
        "protected",
        "public",
        "return",
        "static",
        "super",
        "switch",
        "this",
        "throw",
        "true",
        "try",
        "typeof",
        "var",
        "void",
        "while",
        "with",
        "yield",
    ];

    /// The TypeScript parameter for an argument key (`new` -> `new_`).
    pub fn param(key: &str) -> String {
        if RESERVED.contains(&key) {
            format!("{key}_")
        } else {
            key.to_string()
        }
    }

    /// `question_ids` -> `questionIds` (Tauri's default for argument keys).
    pub fn camel(snake: &str) -> String {
        let mut out = String::new();
        let mut upper = false;
        for c in snake.chars() {
            if c == '_' {
                upper = true;
            } else if upper {
                out.extend(c.to_uppercase());
                upper = false;
            } else {
                out.push(c);
            }
        }
        out
    }

    /// The module: one typed function per command, over the `invoke` the
    /// page passes in (backend.ts passes its own, which turns failures into
    /// `BackendError`).
    pub fn module(signatures: &[Signature]) -> String {
        let mut imports = BTreeMap::new();
        for s in signatures {
            for (_, t) in &s.args {
                imports.extend(t.imports.clone());
            }
            imports.extend(s.result.imports.clone());
        }
        let mut out = String::from(
            "// Generated from src-tauri/src/ipc.in by `cargo test -p panelist-app export_bindings`. Do not edit this file manually.\n",
        );
        for (name, path) in &imports {
            let _ = writeln!(out, "import type {{ {name} }} from \"./{path}\";");
        }
        out.push_str(
            "\n/** Sends one command and resolves to its answer (`invoke` from @tauri-apps/api, wrapped). */\n\
             export type Invoke = <T>(command: string, args: Record<string, unknown>) => Promise<T>;\n\
             \n\
             /** Every IPC command of the desktop shell, typed as declared in Rust. */\n\
             export function commands(invoke: Invoke) {\n  return {\n",
        );
        for s in signatures {
            let kind = match s.kind {
                Kind::Read => "read",
                Kind::Write => "write",
                Kind::Status => "status",
            };
            let params: Vec<String> = s
                .args
                .iter()
                .map(|(n, t)| format!("{}: {}", param(&camel(n)), t.ts))
                .collect();
            let keys: Vec<String> = s
                .args
                .iter()
                .map(|(n, _)| {
                    let (key, param) = (camel(n), param(&camel(n)));
                    if key == param {
                        key
                    } else {
                        format!("{key}: {param}")
                    }
                })
                .collect();
            let args = if keys.is_empty() {
                "{}".to_string()
            } else {
                format!("{{ {} }}", keys.join(", "))
            };
            let _ = writeln!(
                out,
                "    /** `{}` ({kind}) */\n    {}: ({}): Promise<{}> =>\n      invoke<{}>(\"{}\", {args}),",
                s.name,
                camel(s.name),
                params.join(", "),
                s.result.ts,
                s.result.ts,
                s.name,
            );
        }
        out.push_str("  };\n}\n\n/** The typed commands, as `commands` makes them. */\nexport type Commands = ReturnType<typeof commands>;\n");
        out
    }
}

/// Writes `commands.ts` beside ts-rs's bindings. Its name starts with
/// `export_bindings` so that the bindings step of scripts/test.sh (which
/// diffs a fresh export against the committed folder) covers it.
#[cfg(test)]
#[test]
fn export_bindings_commands() {
    let cfg = ts_rs::Config::from_env().with_large_int("number");
    let text = ts::module(&signatures(&cfg));
    let dir = cfg.out_dir();
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join("commands.ts"), text).unwrap();
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::path::Path;

    use super::*;

    /// `set_look_for` -> `allow-set-look-for`, the permission `tauri-build`
    /// generates for a command.
    fn permission(command: &str) -> String {
        format!("allow-{}", command.replace('_', "-"))
    }

    #[test]
    fn each_command_is_declared_once() {
        let names: BTreeSet<&str> = COMMANDS.iter().map(|c| c.name).collect();
        assert_eq!(
            names.len(),
            COMMANDS.len(),
            "ipc.in declares a command twice"
        );
    }

    /// build.rs writes these from the same list; they are committed, so a
    /// stale copy (a build that did not run) shows here.
    #[test]
    fn permissions_and_capability_allow_exactly_the_declared_commands() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let files: BTreeSet<String> = std::fs::read_dir(root.join("permissions/autogenerated"))
            .unwrap()
            .map(|f| f.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "toml"))
            .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
            .collect();
        let names: BTreeSet<String> = COMMANDS.iter().map(|c| c.name.to_string()).collect();
        assert_eq!(files, names, "permissions/autogenerated");

        let cap: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(root.join("capabilities/main.json")).unwrap(),
        )
        .unwrap();
        let allowed: Vec<&str> = cap["permissions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p.as_str().unwrap())
            .collect();
        let mut expected = vec!["core:event:allow-listen", "core:event:allow-unlisten"];
        let perms: Vec<String> = COMMANDS.iter().map(|c| permission(c.name)).collect();
        expected.extend(perms.iter().map(String::as_str));
        assert_eq!(allowed, expected, "capabilities/main.json");
    }

    #[test]
    fn typescript_names_and_types_follow_the_declaration() {
        let cfg = ts_rs::Config::new().with_large_int("number");
        let text = ts::module(&signatures(&cfg));
        for c in COMMANDS {
            assert!(
                text.contains(&format!("(\"{}\", ", c.name)),
                "{} is not in commands.ts",
                c.name
            );
        }
        // Argument keys are camelCase (as Tauri reads them), u64 is a number,
        // Option is `| null`, `()` is void, and the bindings are imported.
        assert!(text.contains(
            "    listSessions: (filter: SessionFilter, after: SessionCursor | null, limit: number): Promise<SessionPage> =>\n      invoke<SessionPage>(\"list_sessions\", { filter, after, limit }),"
        ), "{text}");
        assert!(text.contains("budgetMinutes: (questionIds: Array<string>): Promise<number>"));
        assert!(text.contains("setScore: (sessionId: SessionId, questionId: string, level: number | null): Promise<void>"));
        assert!(text.contains("importSessionFiles: (paths: Array<string> | null, clash: CandidateClash | null): Promise<Array<ImportedFile> | null>"));
        assert!(text.contains(
            "appInfo: (): Promise<AppInfo> =>\n      invoke<AppInfo>(\"app_info\", {}),"
        ));
        assert!(text.contains("import type { ImportedFile } from \"./ImportedFile\";"));
        assert!(text.contains("import type { SessionId } from \"./SessionId\";"));
        assert!(!text.contains("bigint"));
        // `new` is a fine Rust name and a reserved word in TypeScript.
        assert!(text.contains("createSession: (new_: NewSession, draft: boolean | null): Promise<SessionView> =>\n      invoke<SessionView>(\"create_session\", { new: new_, draft }),"), "{text}");
        assert_eq!(ts::camel("edit_session_details"), "editSessionDetails");
    }
}
