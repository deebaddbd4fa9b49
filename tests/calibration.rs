//! Calibration and candidate comparison through the `panelist` binary, on
//! real sessions that reproduce a published data set.

mod common;

use common::ok;
use serde_json::Value;

fn close(v: &Value, want: f64) {
    let got = v.as_f64().unwrap_or_else(|| panic!("{v} is not a number"));
    assert!((got - want).abs() < 5e-4, "{got} != {want} (to 3 decimals)");
}

/// Shrout, P. E. & Fleiss, J. L. (1979). Intraclass correlations: uses in
/// assessing rater reliability. Psychological Bulletin 86(2), 420-428,
/// Table 2: six targets rated by four judges on a 1-10 scale. Here each
/// target is a candidate answering one question, each judge an interviewer.
/// The paper reports ICC(1,1) = .17, ICC(2,1) = .29, ICC(3,1) = .71; the
/// three-decimal values from the same data are 0.166, 0.290, 0.715.
const TABLE_2: [[i64; 4]; 6] = [
    [9, 2, 5, 8],
    [6, 1, 3, 2],
    [8, 4, 6, 8],
    [7, 1, 2, 6],
    [10, 5, 6, 9],
    [6, 2, 4, 7],
];

#[test]
fn calibration_reproduces_shrout_and_fleiss_table_2_from_real_sessions() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("p.db");
    let scale: Vec<Value> = (1..=10)
        .map(|v| serde_json::json!({"value": v, "label": format!("Level {v}")}))
        .collect();
    let levels: Vec<Value> = (1..=10)
        .map(|v| serde_json::json!({"value": v, "anchor": format!("Answer at level {v}")}))
        .collect();
    let bank = serde_json::json!({
        "format": "panelist-bank", "version": 1, "scale": scale,
        "questions": [{"id": "ten-point", "prompt": "Rate the answer.", "competency": "data", "seniority": "mid",
            "kind": "concept", "minutes": 5, "look_fors": ["a", "b"], "follow_ups": ["c"], "levels": levels}],
        "kits": [{"id": "calib", "name": "Calibration kit", "questions": ["ten-point"]}],
    });
    let bank_path = dir.path().join("bank.json");
    std::fs::write(&bank_path, bank.to_string()).unwrap();
    ok(&db, &["bank", "import", bank_path.to_str().unwrap()]);

    let judges = ["Judge 1", "Judge 2", "Judge 3", "Judge 4"];
    for (t, row) in TABLE_2.iter().enumerate() {
        for (j, score) in row.iter().enumerate() {
            let candidate = format!("Target {}", t + 1);
            let id = ok(
                &db,
                &[
                    "session",
                    "start",
                    "--candidate",
                    &candidate,
                    "--interviewer",
                    judges[j],
                    "--kit",
                    "calib",
                ],
            );
            ok(
                &db,
                &[
                    "session",
                    "score",
                    id.trim(),
                    "ten-point",
                    &score.to_string(),
                ],
            );
            ok(
                &db,
                &["session", "finish", id.trim(), "--recommendation", "none"],
            );
        }
    }
    // An unsubmitted session does not count.
    let open = ok(
        &db,
        &[
            "session",
            "start",
            "--candidate",
            "Target 1",
            "--interviewer",
            "Judge 5",
            "--kit",
            "calib",
        ],
    );
    ok(&db, &["session", "score", open.trim(), "ten-point", "1"]);

    let cal: Value = serde_json::from_str(&ok(
        &db,
        &["calibration", "--kit", "calib", "--format", "json"],
    ))
    .unwrap();
    assert_eq!(cal["sessions"], 24);
    assert_eq!(cal["units"], 6);
    assert_eq!(cal["ratings"], 24);
    assert_eq!(cal["complete_units"], 6);
    close(&cal["icc"]["icc1_1"], 0.166);
    close(&cal["icc"]["icc2_1"], 0.290);
    close(&cal["icc"]["icc3_1"], 0.715);
    // Leniency by hand: unit means 6, 3, 6.5, 4, 7.5, 4.75; Judge 1's
    // deviations 3, 3, 1.5, 3, 2.5, 1.25 average 2.375; Judge 2 -2.792,
    // Judge 3 -0.958, Judge 4 1.375. Their sample SD is 2.3269, so
    // z = 1.021, -1.200, -0.412, 0.591.
    let len = cal["leniency"].as_array().unwrap();
    let want = [
        (2.375, 1.021),
        (-2.791667, -1.200),
        (-0.958333, -0.412),
        (1.375, 0.591),
    ];
    for (l, (dev, z)) in len.iter().zip(want) {
        close(&l["mean_deviation"], dev);
        close(&l["z"], z);
        assert_eq!(l["units"], 6);
    }
    let md = ok(&db, &["calibration", "--kit", "Calibration kit"]);
    assert!(md.contains("| ICC(3,1) | 0.715 |"), "{md}");
    assert!(
        md.contains("The ICCs use the 6 unit(s) rated by every one of the 4 interviewer(s)."),
        "{md}"
    );

    // Candidates who sat the kit, best overall first: 7.5, 6.5, 6, 4.75, 4, 3.
    let cmp: Value = serde_json::from_str(&ok(
        &db,
        &["candidates", "--kit", "calib", "--format", "json"],
    ))
    .unwrap();
    let order: Vec<&str> = cmp["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["candidate"].as_str().unwrap())
        .collect();
    assert_eq!(
        order,
        ["Target 5", "Target 3", "Target 1", "Target 6", "Target 4", "Target 2"]
    );
    close(&cmp["rows"][0]["overall"], 7.5);
    close(&cmp["rows"][0]["competencies"]["data"], 7.5);
    assert_eq!(
        cmp["rows"][2]["sessions"], 4,
        "the open session of Target 1 is left out"
    );
    let by_name: Value = serde_json::from_str(&ok(
        &db,
        &[
            "candidates",
            "--kit",
            "calib",
            "--format",
            "json",
            "--sort",
            "name",
        ],
    ))
    .unwrap();
    assert_eq!(by_name["rows"][0]["candidate"], "Target 1");
    let md = ok(&db, &["candidates", "--kit", "calib"]);
    assert!(md.contains("| Target 5 | 4 | 7.50 | 7.50 |"), "{md}");
}
