//! The team server's outbox in the local database: what waits to be pushed,
//! recorded pushes and conflicts, amendments, imported sessions, erasure.

mod common;

use common::*;
use panelist_core::session::Recommendation;
use panelist_core::session_file::SessionFile;
use panelist_core::sync;
use panelist_core::{SessionId, Store};

fn ids(store: &Store) -> Vec<SessionId> {
    store.outbox().unwrap().into_iter().map(|o| o.id).collect()
}

/// Rows of the `sync_push` table, from the store's full dump.
fn push_rows(store: &Store) -> usize {
    let dump = store.dump().unwrap();
    let section = dump
        .split("== sync_push\n")
        .nth(1)
        .expect("a sync_push table");
    section
        .lines()
        .take_while(|l| !l.starts_with("== "))
        .count()
}

#[test]
fn submitted_own_sessions_wait_until_pushed_and_again_after_an_amendment() {
    let (mut store, sid) = store_with_session();
    // In progress: not pushed (the server takes submitted sessions only).
    assert!(ids(&store).is_empty());
    store
        .submit(sid, Recommendation::Yes, None, id(10), at(100))
        .unwrap();
    let items = store.outbox().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(
        (
            items[0].id,
            items[0].candidate.as_str(),
            items[0].conflict.as_ref()
        ),
        (sid, "Ada Lovelace", None)
    );
    let rev = items[0].revision;
    assert_eq!(sync::waiting(&store).unwrap(), (1, 0));

    store
        .record_push(sid, rev, "sha256:x", at(110), None)
        .unwrap();
    assert!(ids(&store).is_empty());
    assert_eq!(push_rows(&store), 1);

    // An amendment raises the revision: it waits again.
    store
        .amend_score(sid, QS[0], 2, "debrief", id(11), at(120))
        .unwrap();
    assert_eq!(ids(&store), [sid]);
    assert!(store.outbox().unwrap()[0].revision > rev);

    // A conflict at the current revision is listed with the server's word,
    // counted apart, and clears when the session changes again.
    let rev2 = store.outbox().unwrap()[0].revision;
    store
        .record_push(sid, rev2, "sha256:y", at(130), Some("copies diverged"))
        .unwrap();
    let items = store.outbox().unwrap();
    assert_eq!(items[0].conflict.as_deref(), Some("copies diverged"));
    assert_eq!(sync::waiting(&store).unwrap(), (0, 1));
    store
        .amend_score(sid, QS[0], 3, "again", id(12), at(140))
        .unwrap();
    assert_eq!(store.outbox().unwrap()[0].conflict, None);
    assert_eq!(sync::waiting(&store).unwrap(), (1, 0));
}

#[test]
fn imported_sessions_never_wait_and_erasure_takes_the_outbox_row_with_it() {
    let (mut colleague, cid) = store_with_session();
    colleague
        .submit(cid, Recommendation::No, None, id(10), at(100))
        .unwrap();
    let file = SessionFile::new(colleague.session(cid).unwrap());

    let mut store = Store::open_in_memory().unwrap();
    store.import_sessions(&[file]).unwrap();
    assert!(ids(&store).is_empty());
    assert!(!store.is_own_session(cid).unwrap());

    let own = id(50);
    store
        .create_session(
            &new_session("Bo Berg", "Ann Archer", &QS),
            own,
            id(51),
            at(0),
        )
        .unwrap();
    store
        .submit(own, Recommendation::Yes, None, id(52), at(10))
        .unwrap();
    assert!(store.is_own_session(own).unwrap());
    let rev = store.outbox().unwrap()[0].revision;
    store
        .record_push(own, rev, "sha256:z", at(20), None)
        .unwrap();
    store
        .erase_candidate("Bo Berg", uuid::Uuid::from_u128(9), at(30))
        .unwrap();
    assert_eq!(push_rows(&store), 0, "the outbox row outlived the erasure");
}

#[test]
fn the_server_url_is_checked_and_a_new_server_starts_its_feed_afresh() {
    let mut store = Store::open_in_memory().unwrap();
    for bad in ["", "ftp://x.example", "panelist.example"] {
        let e = sync::set_server(&mut store, bad).unwrap_err().to_string();
        assert!(e.starts_with("url: "), "{e}");
    }
    assert_eq!(store.setting(sync::URL_KEY).unwrap(), None);
    let url = sync::set_server(&mut store, " https://a.example/ ").unwrap();
    assert_eq!(url, "https://a.example");
    store.set_setting(sync::CURSOR_KEY, "v1.9.x").unwrap();
    sync::set_server(&mut store, "https://a.example").unwrap();
    assert_eq!(
        store.setting(sync::CURSOR_KEY).unwrap().as_deref(),
        Some("v1.9.x")
    );
    sync::set_server(&mut store, "https://b.example").unwrap();
    assert_eq!(
        store.setting(sync::CURSOR_KEY).unwrap().as_deref(),
        Some("")
    );
}
