//! The import planner on two arbitrary revisions of a session (as JSON):
//! deciding what an import does never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;
use panelist_core::import;
use panelist_core::session::{PanelSession, Session};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut parts = text.splitn(2, '\u{1e}');
    let (Some(a), Some(b)) = (parts.next(), parts.next()) else {
        return;
    };
    let (Ok(old), Ok(new)) = (
        serde_json::from_str::<Session>(a),
        serde_json::from_str::<Session>(b),
    ) else {
        return;
    };
    let stored = PanelSession {
        session: old.clone(),
        imported: true,
        sealed: false,
    };
    let _ = import::plan(Some(&stored), &new);
    let _ = import::owner_could_not(&old, &new);
    let _ = import::describe_changes(&old, &new);
    let _ = import::check_importable(&new);
});
