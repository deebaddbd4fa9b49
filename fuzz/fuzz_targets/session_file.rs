//! Any bytes as a session file: parsing, verifying and the import checks
//! must return Ok or a clear error, never panic; whatever they accept must
//! survive rendering and storage.
#![no_main]

use libfuzzer_sys::fuzz_target;
use panelist_core::session_file::SessionFile;

fuzz_target!(|data: &[u8]| {
    let Ok(file) = SessionFile::parse(data) else {
        return;
    };
    if panelist_core::import::check_importable(&file.session).is_err() {
        return;
    }
    let _ = panelist_core::report::session_markdown(&file.session);
    let _ = file.session.budget_minutes();
    let _ = file.session.competency_averages();
    let mut store = panelist_core::Store::open_in_memory().expect("in-memory store");
    if store.import_sessions(std::slice::from_ref(&file)).is_ok() {
        // What was imported can be read back on every path.
        store.session(file.session.id).expect("imported session reads back");
        store.all_sessions().expect("list");
        store.ratings().expect("ratings");
    }
});
