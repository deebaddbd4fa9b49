//! Hostile text in notes, names and question text: the HTML committee report
//! opened in headless Chromium runs no script, loads nothing, and shows the
//! text as text; every CSV cell is neutralised.
//!
//! Needs Debian's `chromium` (scripts/setup-debian.sh installs it).

mod common;

use std::io::Read;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use common::{Cli, Out};

fn corpus(port: u16) -> Vec<String> {
    let hit = |tag: &str| format!("http://127.0.0.1:{port}/{tag}");
    vec![
        format!(
            "<script>document.title='PWNED';fetch('{}')</script>",
            hit("script")
        ),
        format!(
            "<img src=x onerror=\"document.title='PWNED';fetch('{}')\">",
            hit("onerror")
        ),
        format!("<svg onload=\"fetch('{}')\"></svg>", hit("svg")),
        format!(
            "<a href=\"javascript:fetch('{}')\">click me</a>",
            hit("js-url")
        ),
        "javascript:alert(document.domain)".to_string(),
        format!("\"><iframe src=\"{}\"></iframe>", hit("iframe")),
        format!(
            "</td></tr></table></style></title><script>fetch('{}')</script>",
            hit("breakout")
        ),
        format!(
            "<meta http-equiv=\"refresh\" content=\"0;url={}\">",
            hit("refresh")
        ),
        format!("<link rel=stylesheet href=\"{}\">", hit("css")),
        "<style>body{display:none}</style>".to_string(),
        "=HYPERLINK(\"http://example.invalid\",\"open\")".to_string(),
        "+cmd|' /C calc'!A0".to_string(),
        "-2+3".to_string(),
        "@SUM(1,2)".to_string(),
        "\tleading tab".to_string(),
        "\rleading carriage return".to_string(),
        "invoice\u{202E}fdp.exe and \u{2067}isolate\u{2069}".to_string(),
        "A".repeat(100_000),
        "comma, \"quote\" and\nnew line".to_string(),
    ]
}

fn panelist(db: &Path, home: &Path, args: &[&str]) -> Out {
    let o = panelist_any(db, home, args);
    let short: Vec<String> = args.iter().map(|a| a.chars().take(60).collect()).collect();
    assert!(o.status.success(), "{short:?}: {}", o.stderr);
    o
}

fn chromium() -> PathBuf {
    for p in ["/usr/bin/chromium", "/usr/bin/chromium-browser"] {
        if Path::new(p).exists() {
            return PathBuf::from(p);
        }
    }
    panic!("headless Chromium is needed for this test: run scripts/setup-debian.sh (Debian package `chromium`)");
}

/// A tiny RFC 4180 reader, enough to check every cell.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = vec![];
    let mut row = vec![];
    let mut cell = String::new();
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                cell.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => cell.push(c),
            (false, '"') if cell.is_empty() => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut cell)),
            (false, '\r') if chars.peek() == Some(&'\n') => {
                chars.next();
                row.push(std::mem::take(&mut cell));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => cell.push(c),
        }
    }
    assert!(
        !quoted && cell.is_empty() && row.is_empty(),
        "CSV ends mid-row"
    );
    rows
}

#[test]
fn hostile_text_is_inert_in_html_and_neutralised_in_csv() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    listener.set_nonblocking(true).unwrap();
    let hits = Arc::new(AtomicUsize::new(0));
    let requests = Arc::new(std::sync::Mutex::new(String::new()));
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let (h, r, stop_w) = (hits.clone(), requests.clone(), stop.clone());
    let watcher = std::thread::spawn(move || {
        let deadline = std::time::Instant::now() + Duration::from_secs(60);
        while std::time::Instant::now() < deadline {
            match listener.accept() {
                Ok((mut s, _)) => {
                    h.fetch_add(1, Ordering::SeqCst);
                    let mut buf = [0u8; 512];
                    let _ = s.set_read_timeout(Some(Duration::from_millis(200)));
                    let n = s.read(&mut buf).unwrap_or(0);
                    r.lock()
                        .unwrap()
                        .push_str(&String::from_utf8_lossy(&buf[..n]));
                }
                Err(_) => std::thread::sleep(Duration::from_millis(20)),
            }
            if stop_w.load(Ordering::SeqCst) {
                break;
            }
        }
    });
    let bad = corpus(port);

    // A bank whose question text is hostile.
    let q = |id: &str, prompt: &str| {
        serde_json::json!({
            "id": id, "prompt": prompt, "competency": "security", "seniority": "mid", "kind": "concept",
            "minutes": 5, "look_fors": [bad[1].clone(), bad[3].clone()], "follow_ups": [bad[6].clone()],
            "levels": [{"value": 1, "anchor": bad[0].clone()}, {"value": 2, "anchor": bad[2].clone()},
                       {"value": 3, "anchor": bad[7].clone()}, {"value": 4, "anchor": bad[16].clone()}],
        })
    };
    let bank = serde_json::json!({
        "format": "panelist-bank", "version": 1,
        "questions": [q("hostile-one", &bad[0]), q("hostile-two", &bad[5])],
    });
    let bank_path = home.join("bank.json");
    std::fs::write(&bank_path, bank.to_string()).unwrap();

    let candidate = format!("Eve {}", bad[1]);
    let dbs: Vec<PathBuf> = (0..2).map(|i| home.join(format!("m{i}.db"))).collect();
    let mut files = vec![];
    for (i, db) in dbs.iter().enumerate() {
        panelist(db, home, &["bank", "import", bank_path.to_str().unwrap()]);
        let interviewer = format!("Mallory{i} {}", bad[6]);
        let out = panelist(
            db,
            home,
            &[
                "session",
                "start",
                "--candidate",
                &candidate,
                "--interviewer",
                &interviewer,
                "--role",
                &bad[3],
                "--questions",
                "hostile-one,hostile-two,rest-api-design",
            ],
        );
        let id = out.stdout.trim().to_string();
        for (j, qid) in ["hostile-one", "hostile-two", "rest-api-design"]
            .iter()
            .enumerate()
        {
            panelist(
                db,
                home,
                &[
                    "session",
                    "score",
                    &id,
                    qid,
                    &(1 + (i * 3 + j) % 4).to_string(),
                ],
            );
            let note: String = bad
                .iter()
                .skip(j * 6)
                .take(7)
                .cloned()
                .collect::<Vec<_>>()
                .join("\n");
            panelist(db, home, &["session", "note", &id, qid, &note]);
        }
        panelist(
            db,
            home,
            &[
                "session",
                "finish",
                &id,
                "--recommendation",
                "no",
                "--summary",
                &bad[4],
            ],
        );
        if i == 1 {
            panelist(
                db,
                home,
                &[
                    "session",
                    "amend",
                    &id,
                    "hostile-one",
                    "1",
                    "--reason",
                    &bad[8],
                ],
            );
        }
        let f = home.join(format!("s{i}.json"));
        panelist(
            db,
            home,
            &[
                "export",
                &id,
                "--format",
                "json",
                "--output",
                f.to_str().unwrap(),
            ],
        );
        files.push(f);
    }
    // Bring both sessions together on a third machine.
    let db = home.join("committee.db");
    panelist(
        &db,
        home,
        &[
            "import",
            files[0].to_str().unwrap(),
            files[1].to_str().unwrap(),
        ],
    );
    let html_path = home.join("report.html");
    panelist(
        &db,
        home,
        &[
            "report",
            "--candidate",
            &candidate,
            "--format",
            "html",
            "--output",
            html_path.to_str().unwrap(),
        ],
    );
    let html = std::fs::read_to_string(&html_path).unwrap();

    // Statically: no markup from user text survives.
    assert_eq!(html.matches("<script").count(), 0);
    assert!(!html.contains("<img") && !html.contains("<iframe") && !html.contains("<svg onload"));
    assert!(!html.contains("<meta http-equiv=\"refresh\""));
    assert!(html.contains("&lt;script&gt;document.title=&#39;PWNED&#39;"));
    assert!(html.contains("[U+202E]") && !html.contains('\u{202E}'));
    assert_eq!(html.matches("<svg").count(), 1, "only the chart");

    // Dynamically: Chromium renders it; nothing runs, nothing is fetched.
    let profile = tempfile::tempdir().unwrap();
    let out = Command::new(chromium())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--virtual-time-budget=3000",
            "--dump-dom",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("file://{}", html_path.display()))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let dom = String::from_utf8_lossy(&out.stdout);
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(
        hits.load(Ordering::SeqCst),
        0,
        "the page made requests: {}",
        requests.lock().unwrap()
    );
    assert!(
        dom.contains("<title>Hiring committee report: Eve &lt;img src=x onerror="),
        "{}",
        dom.chars().take(600).collect::<String>()
    );
    assert!(!dom.contains("PWNED</title>"));
    assert_eq!(
        dom.matches("<script").count(),
        0,
        "no script element in the rendered DOM"
    );
    assert_eq!(dom.matches("<iframe").count(), 0);
    let tags_with_handlers = dom
        .split('<')
        .skip(1)
        .filter_map(|t| t.split('>').next())
        .filter(|tag| {
            tag.split_whitespace()
                .skip(1)
                .any(|attr| attr.to_ascii_lowercase().starts_with("on"))
        })
        .count();
    assert_eq!(
        tags_with_handlers, 0,
        "no element carries an event-handler attribute"
    );
    // Text nodes escape `<`, so splitting on it yields real tags only.
    let js_urls = dom
        .split('<')
        .skip(1)
        .filter_map(|t| t.split('>').next())
        .filter(|tag| tag.contains("javascript:"))
        .count();
    assert_eq!(js_urls, 0, "no element carries a javascript: URL");
    assert!(
        dom.contains("&lt;a href=\"javascript:fetch("),
        "the javascript: link is shown as text"
    );
    assert!(
        dom.contains(&"A".repeat(100_000)),
        "the very long line is kept as text"
    );
    stop.store(true, Ordering::SeqCst);
    watcher.join().unwrap();

    // CSV: every cell neutralised, RFC 4180 round trip intact.
    let csv_path = home.join("report.csv");
    panelist(
        &db,
        home,
        &[
            "report",
            "--candidate",
            &candidate,
            "--format",
            "csv",
            "--output",
            csv_path.to_str().unwrap(),
        ],
    );
    let rows = parse_csv(&std::fs::read_to_string(&csv_path).unwrap());
    // Issue 21: after the scores, the overall scores (2 interviewers and the
    // panel).
    assert_eq!(
        rows.len(),
        1 + 6 + 3,
        "header + 2 interviewers x 3 scores + the overall scores"
    );
    for row in &rows {
        assert_eq!(row.len(), 10);
        for cell in row {
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "cell not neutralised: {cell:?}"
            );
        }
    }
    assert!(
        rows[1][0].starts_with("Eve <img"),
        "text kept as text: {:?}",
        rows[1][0]
    );
    assert!(rows
        .iter()
        .any(|r| r[6].contains("'=HYPERLINK") || r[6].contains("=HYPERLINK")));
    // Notes are multi-line: each note cell holds its lines intact.
    assert!(rows
        .iter()
        .any(|r| r[6].contains("comma, \"quote\" and\nnew line")));
}

/// Runs the real binary and returns its output, whatever the exit code.
fn panelist_any(db: &Path, home: &Path, args: &[&str]) -> Out {
    Cli::db(db).home(home).args(args).run()
}

/// Refused with exit code 1 (not 101, a panic) and one line naming `needle`.
fn refused_cleanly(o: &Out, needle: &str) {
    let err = &o.stderr;
    assert_eq!(o.status.code(), Some(1), "stderr: {err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(err.contains(needle), "{err:?} should name {needle:?}");
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err:?}");
}

#[test]
fn a_rubric_level_of_i64_min_is_refused_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("p.db");
    let fixture: serde_json::Value =
        serde_json::from_str(include_str!("../core/tests/data/v1/alan.session.json")).unwrap();
    let mut session = fixture["session"].clone();
    session["entries"][0]["question"]["rubric"]["levels"][0]["value"] = serde_json::json!(i64::MIN);
    let session: panelist_core::session::Session = serde_json::from_value(session).unwrap();
    let file = dir.path().join("alan.session.json");
    std::fs::write(
        &file,
        panelist_core::session_file::SessionFile::new(session).to_json(),
    )
    .unwrap();
    let o = panelist_any(&db, dir.path(), &["import", file.to_str().unwrap()]);
    refused_cleanly(&o, "entries[0].question.rubric.levels[0].value");
}

#[test]
fn retention_days_are_bounded_and_apply_never_panics() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("p.db");
    panelist(&db, dir.path(), &["retention", "--days", "30"]);
    let o = panelist_any(&db, dir.path(), &["retention", "--days", "100000000"]);
    refused_cleanly(&o, "36500");
    let o = panelist_any(&db, dir.path(), &["retention", "--apply"]);
    assert!(o.status.success(), "{}", o.stderr);
    // A value an older version stored: an error naming the setting.
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute(
        "UPDATE meta SET value = '100000000' WHERE key = 'setting.retention_days'",
        [],
    )
    .unwrap();
    drop(conn);
    let o = panelist_any(&db, dir.path(), &["retention", "--apply"]);
    refused_cleanly(&o, "retention_days");
}
