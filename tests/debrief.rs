//! The debrief by plan through the real `panelist` binary (issue 19, What 6):
//! a coordinator plans three interviewers; one interviews on their own
//! machine and sends the session back; `panelist report --candidate NAME
//! --format md|html|csv|json --output FILE` then names, in each file, who
//! has not submitted yet (with round, state and due time), and with
//! `--redact` names none of the plan's people.

mod common;

use std::path::Path;

use common::{machine, ok_on as ok, Machine};

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// The coordinator's machine after Alan Turing's session came back: Barbara
/// Liskov (round 2, overdue) and Edsger Dijkstra (round 2, due in 2199)
/// have not submitted.
fn coordinator_with_one_back(dir: &Path) -> Machine {
    let c = machine(dir, "coordinator");
    let pid = ok(
        &c,
        &[
            "plan",
            "create",
            "--candidate",
            "Ada Lovelace",
            "--role",
            "Backend engineer",
            "--coordinator",
            "Carol Coordinator",
        ],
    )
    .trim()
    .to_string();
    for args in [
        &[
            "--interviewer",
            "Alan Turing",
            "--questions",
            "rest-api-design,sql-vs-nosql",
            "--focus",
            "apis-web",
            "--due",
            "2026-03-02T17:00",
        ][..],
        &[
            "--interviewer",
            "Barbara Liskov",
            "--round",
            "2",
            "--questions",
            "team-collaboration",
            "--focus",
            "collaboration",
            "--due",
            "2026-03-03T10:00:00Z",
        ],
        &[
            "--interviewer",
            "Edsger Dijkstra",
            "--round",
            "2",
            "--questions",
            "sql-vs-nosql",
            "--due",
            "2199-01-02T09:00",
        ],
    ] {
        let mut all = vec!["plan", "add", &pid];
        all.extend_from_slice(args);
        ok(&c, &all);
    }
    let plan_file = dir.join("ada.plan.json");
    ok(&c, &["plan", "export", &pid, "--output", path(&plan_file)]);

    let a = machine(dir, "alan");
    ok(&a, &["import", path(&plan_file)]);
    let sid = ok(
        &a,
        &[
            "session",
            "start",
            "--plan",
            &pid,
            "--interviewer",
            "Alan Turing",
        ],
    )
    .trim()
    .to_string();
    ok(&a, &["session", "score", &sid, "rest-api-design", "3"]);
    ok(&a, &["session", "score", &sid, "sql-vs-nosql", "2"]);
    ok(&a, &["session", "finish", &sid, "--recommendation", "yes"]);
    let out = dir.join("alan.session.json");
    ok(
        &a,
        &["export", &sid, "--format", "json", "--output", path(&out)],
    );
    ok(&c, &["import", path(&out)]);
    c
}

fn report(c: &Machine, dir: &Path, format: &str, redact: bool) -> String {
    let file = dir.join(format!("report-{redact}.{format}"));
    let mut args = vec![
        "report",
        "--candidate",
        "Ada Lovelace",
        "--format",
        format,
        "--output",
        path(&file),
    ];
    if redact {
        args.push("--redact");
    }
    ok(c, &args);
    std::fs::read_to_string(&file).unwrap()
}

#[test]
fn the_report_names_who_has_not_submitted_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let c = coordinator_with_one_back(dir.path());
    let waiting = "Waiting for: Barbara Liskov (round 2, overdue, due 3 Mar 2026 10:00 UTC), \
                   Edsger Dijkstra (round 2, not started, due 2 Jan 2199 09:00 UTC).";
    let md = report(&c, dir.path(), "md", false);
    assert!(md.contains(waiting), "{md}");
    assert!(
        md.contains("Role: Backend engineer · coordinated by Carol Coordinator · 2 rounds · 1 of 3 interviewers submitted."),
        "{md}"
    );
    assert!(md.contains("| 1 | Alan Turing |"), "{md}");
    assert!(md.contains("| **Overall** | **2.50** |"), "{md}");
    let html = report(&c, dir.path(), "html", false);
    assert!(html.contains(waiting), "{html}");
    assert!(html.contains("<h3>Coverage</h3>"), "{html}");
    let csv = report(&c, dir.path(), "csv", false);
    assert!(
        csv.contains("Ada Lovelace,Barbara Liskov,,,,,\"Waiting for feedback: round 2, overdue, due 3 Mar 2026 10:00 UTC\",,,overdue\r\n"),
        "{csv}"
    );
    assert!(csv.contains("Ada Lovelace,Edsger Dijkstra,"), "{csv}");
    let json: serde_json::Value =
        serde_json::from_str(&report(&c, dir.path(), "json", false)).unwrap();
    let members = json["comparison"]["plan"]["members"].as_array().unwrap();
    let states: Vec<(&str, &str)> = members
        .iter()
        .map(|m| {
            (
                m["interviewer"].as_str().unwrap(),
                m["state"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        states,
        [
            ("Alan Turing", "submitted"),
            ("Barbara Liskov", "overdue"),
            ("Edsger Dijkstra", "not_started")
        ]
    );

    // Anonymised: nobody of the plan is named, in any format.
    for format in ["md", "html", "csv", "json"] {
        let text = report(&c, dir.path(), format, true);
        for name in [
            "Ada", "Lovelace", "Alan", "Turing", "Barbara", "Liskov", "Edsger", "Dijkstra", "Carol",
        ] {
            assert!(
                !text.contains(name),
                "{name} in the redacted {format}:\n{text}"
            );
        }
        assert!(text.contains("Interviewer C"), "{format}:\n{text}");
    }
}
