//! Any bytes as a bank file: parse and validate never panic, and a bank that
//! validates imports into a fresh database and exports again.
#![no_main]

use libfuzzer_sys::fuzz_target;
use panelist_core::bank;

fuzz_target!(|data: &[u8]| {
    let Ok(file) = bank::parse_bank(data) else {
        return;
    };
    if file.validate(&bank::KnownIds::default()).is_err() {
        return;
    }
    let mut store = panelist_core::Store::open_in_memory().expect("in-memory store");
    if store.import_bank(&file).is_ok() {
        store.export_bank().expect("an imported bank exports");
    }
});
