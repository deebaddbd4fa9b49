//! The committee report as PDF through the real `panelist` binary, read
//! back with poppler's tools (poppler-utils, installed by
//! scripts/setup-debian.sh): its text holds the candidate, every
//! interviewer, every score and recommendation; its fonts are embedded; its
//! sections start on new pages; the anonymised one names nobody; the file is
//! written like every other export (0600, never through a link).

mod common;

use std::path::Path;
use std::process::Command;

use common::Cli;
use serde_json::Value;

const CANDIDATE: &str = "Zoë Ångström";
/// Names in three scripts DejaVu Sans covers: Latin, Cyrillic, Greek.
const PANEL: [(&str, &str, [i64; 3]); 3] = [
    ("Alice Moreau", "strong-yes", [4, 3, 4]),
    ("Богдан Петров", "no", [1, 2, 2]),
    ("Ελένη Παππά", "none", [3, 1, 3]),
];
const QS: [&str; 3] = ["rest-api-design", "sql-vs-nosql", "caching-fundamentals"];

/// A poppler tool's output; a missing tool fails with what to install.
fn poppler(tool: &str, args: &[&str]) -> String {
    let out = Command::new(tool).args(args).output().unwrap_or_else(|e| {
        panic!("{tool} is needed (apt-get install poppler-utils; scripts/setup-debian.sh): {e}")
    });
    assert!(
        out.status.success(),
        "{tool} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("poppler writes UTF-8")
}

/// The PDF's text with every run of whitespace made one space.
fn text_of(pdf: &Path) -> String {
    let raw = poppler("pdftotext", &["-enc", "UTF-8", pdf.to_str().unwrap(), "-"]);
    raw.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn pages_of(pdf: &Path) -> usize {
    let info = poppler("pdfinfo", &[pdf.to_str().unwrap()]);
    info.lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("no page count in {info}"))
}

/// A database with the three interviewers' submitted sessions of the
/// candidate (all on one machine, so nothing is sealed).
fn panel_db(dir: &Path) -> std::path::PathBuf {
    let db = dir.join("panelist.db");
    for (who, rec, scores) in PANEL {
        let id = Cli::db(&db)
            .args(&[
                "session",
                "start",
                "--candidate",
                CANDIDATE,
                "--interviewer",
                who,
                "--role",
                "Backend",
                "--questions",
                &QS.join(","),
            ])
            .ok();
        let id = id.trim();
        for (q, level) in QS.iter().zip(scores) {
            Cli::db(&db)
                .args(&["session", "score", id, q, &level.to_string()])
                .ok();
            Cli::db(&db)
                .args(&["session", "note", id, q, &format!("{who} heard {q}")])
                .ok();
        }
        Cli::db(&db)
            .args(&["session", "finish", id, "--recommendation", rec])
            .ok();
    }
    db
}

fn report(db: &Path, out: &Path, extra: &[&str]) {
    let mut args = vec![
        "report",
        "--candidate",
        CANDIDATE,
        "--format",
        "pdf",
        "--output",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    Cli::db(db).args(&args).ok();
}

#[test]
fn the_pdf_holds_every_name_score_and_recommendation_with_embedded_fonts() {
    let dir = tempfile::tempdir().unwrap();
    let db = panel_db(dir.path());
    let pdf = dir.path().join("committee.pdf");
    report(&db, &pdf, &[]);

    let text = text_of(&pdf);
    assert!(text.contains("Hiring committee report"), "{text}");
    assert!(text.contains(CANDIDATE), "{text}");
    // Every cell of the question matrix as the other formats show it
    // ("3 Good"), from the JSON report of the same data.
    let json: Value = serde_json::from_str(
        &Cli::db(&db)
            .args(&["report", "--candidate", CANDIDATE, "--format", "json"])
            .ok(),
    )
    .unwrap();
    let mut cells = 0;
    for q in json["comparison"]["questions"].as_array().unwrap() {
        for cell in q["cells"].as_array().unwrap() {
            let shown = format!("{} {}", cell["level"], cell["label"].as_str().unwrap());
            assert!(text.contains(&shown), "{shown:?} missing from {text}");
            cells += 1;
        }
    }
    assert_eq!(cells, 9);
    for (who, rec, _) in PANEL {
        assert!(text.contains(who), "{who} missing from {text}");
        let label = match rec {
            "strong-yes" => "Strong yes",
            "no" => "No",
            _ => "No decision",
        };
        // Each scorecard opens with its interviewer and recommendation.
        assert!(
            text.contains(&format!("{who} Recommendation: {label}")),
            "{who}'s recommendation {label} missing from {text}"
        );
    }

    // Fonts: every one embedded.
    let fonts = poppler("pdffonts", &[pdf.to_str().unwrap()]);
    let rows: Vec<&str> = fonts.lines().skip(2).collect();
    assert!(!rows.is_empty(), "{fonts}");
    for row in rows {
        let f: Vec<&str> = row.split_whitespace().collect();
        assert_eq!(f[f.len() - 5], "yes", "not embedded: {row}\n{fonts}");
    }

    // A page break before the question matrix and before the scorecards.
    assert!(pages_of(&pdf) >= 3, "{} pages", pages_of(&pdf));

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&pdf).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{mode:o}");
    }
}

#[test]
fn the_anonymised_pdf_names_nobody() {
    let dir = tempfile::tempdir().unwrap();
    let db = panel_db(dir.path());
    let pdf = dir.path().join("anonymised.pdf");
    report(&db, &pdf, &["--redact"]);
    let text = text_of(&pdf);
    let names = std::iter::once(CANDIDATE).chain(PANEL.iter().map(|p| p.0));
    for name in names {
        for part in name.split(' ') {
            assert!(
                !text.contains(part),
                "{part:?} is in the anonymised PDF: {text}"
            );
        }
    }
    assert!(
        text.contains("Interviewer A") && text.contains("Interviewer C"),
        "{text}"
    );
    assert!(text.contains("Candidate "), "{text}");
}

#[test]
fn a_pdf_needs_an_output_file_and_is_never_written_through_a_link() {
    let dir = tempfile::tempdir().unwrap();
    let db = panel_db(dir.path());
    let o = Cli::db(&db)
        .args(&["report", "--candidate", CANDIDATE, "--format", "pdf"])
        .fails();
    assert!(o.stderr.contains("--output"), "{}", o.stderr);
    assert!(o.stdout.is_empty());

    #[cfg(unix)]
    {
        let target = dir.path().join("elsewhere.txt");
        std::fs::write(&target, "keep").unwrap();
        let link = dir.path().join("link.pdf");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        let o = Cli::db(&db)
            .args(&[
                "report",
                "--candidate",
                CANDIDATE,
                "--format",
                "pdf",
                "--output",
                link.to_str().unwrap(),
            ])
            .fails();
        assert!(o.stderr.contains("symbolic link"), "{}", o.stderr);
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "keep");
    }
}
