//! tauri.conf.json lives at the repository root; both this build script and
//! `generate_context!` point at it. Every IPC command is declared here so the
//! capability files must allow each one by name (nothing is allowed implicitly).

use std::path::Path;

fn main() {
    ensure_ui_dist();
    let commands: &[&str] = &include!("src/command_names.in");
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .config_path("../tauri.conf.json")
            .app_manifest(tauri_build::AppManifest::new().commands(commands)),
    )
    .expect("failed to run tauri-build");
}

/// The app embeds ui/dist at compile time. In a fresh clone (or a CI job that
/// only runs Rust tests) the UI has not been built: put a page there that says
/// so, instead of failing the whole workspace build. `npm run build` in ui/
/// (or scripts/run-app.sh) replaces it with the real UI.
fn ensure_ui_dist() {
    let dist = Path::new("../ui/dist");
    let index = dist.join("index.html");
    println!("cargo:rerun-if-changed=../ui/dist/index.html");
    if index.exists() {
        return;
    }
    println!("cargo:warning=ui/dist is missing: building with a placeholder page; run `npm run build` in ui/ (or scripts/run-app.sh) for the real UI");
    let page = "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Panelist</title></head>\n<body><h1>Panelist</h1><p>This build has no user interface: run <code>npm run build</code> in <code>ui/</code>, then build the app again (scripts/run-app.sh does both).</p></body></html>\n";
    if let Err(e) = std::fs::create_dir_all(dist).and_then(|_| std::fs::write(&index, page)) {
        println!(
            "cargo:warning=cannot write the placeholder {}: {e}",
            index.display()
        );
    }
}
