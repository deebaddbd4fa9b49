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

/// The server's own settings are bounded at the door too: zero (a pool,
/// a concurrency limit or a timeout of nothing, which would serve no one)
/// or an absurd value is refused in one line naming the option, before any
/// database is reached.
#[test]
fn settings_out_of_range_are_refused_naming_the_option() {
    for (flag, bad) in [
        ("--max-connections", "0"),
        ("--quota-mib", "0"),
        ("--rate-per-minute", "0"),
        ("--max-in-flight", "0"),
        ("--header-timeout", "0"),
        ("--request-timeout", "18446744073709551615"),
        ("--statement-timeout-ms", "0"),
        ("--lock-timeout-ms", "99999999999"),
    ] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_panelist-server"))
            .args([
                "--database-url",
                "host=/nonexistent dbname=x",
                "serve",
                flag,
                bad,
            ])
            .output()
            .unwrap();
        assert!(!out.status.success(), "{flag} {bad} was taken");
        let err = String::from_utf8_lossy(&out.stderr);
        let first = err.lines().next().unwrap_or("");
        assert!(
            first.contains(flag) && first.contains("not in"),
            "{flag}: {err}"
        );
    }
}
