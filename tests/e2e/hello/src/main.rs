//! The smallest Tauri app: one window showing a static page.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    tauri::Builder::default()
        .run(tauri::generate_context!())
        .expect("the hello-world app failed to start");
}
