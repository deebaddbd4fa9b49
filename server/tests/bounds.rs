//! The team server's push goes through the core's one validation path: a
//! session file with a rubric level outside the documented range (once a
//! panic in the handler: "attempt to negate with overflow") is answered 400
//! with the field path, and the database is unchanged.

mod common;
use common::*;

use panelist_core::session_file::SessionFile;

#[test]
fn a_level_out_of_range_is_a_400_with_the_field_path() {
    let pg = PgCluster::start();
    let (owner, web) = pg.provision();
    let token = add_user(&owner, "Ann Archer", "interviewer");
    let base = start_server(&web);
    let before = pg.dump();
    for value in [i64::MIN, -1_000_000, 11, i64::MAX] {
        let mut s = session_file("Ann Archer", "Ada Lovelace", "notes", true).session;
        s.entries[1].question.rubric.levels[0].value = value;
        let r = post(
            &base,
            "/v1/sessions",
            Some(&token),
            &bytes(&SessionFile::new(s)),
        );
        assert_eq!(r.status, 400, "{value}: {}", r.body);
        assert_eq!(r.body["code"], "invalid", "{}", r.body);
        let msg = r.body["message"].as_str().unwrap();
        assert!(
            msg.contains("entries[1].question.rubric.levels[0].value"),
            "{msg}"
        );
        assert_eq!(pg.dump(), before, "a refused push changed the database");
    }
}
