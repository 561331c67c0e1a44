//! The bad-input corpus: every file in `tests/bad_input/` is either loaded
//! (the two `valid*` files) or rejected with the expected error, at the
//! expected line and column, and never with a panic. A few inputs too large
//! or too odd to commit are generated here.

use bcf_model::data::leicestershire;
use std::path::{Path, PathBuf};

use bcf_model::io::json::read_plan_json;
use bcf_model::io::published::read_expenditure_plan;
use bcf_model::io::tidy::read_plan_tidy;
use bcf_model::io::{load_plan_with, plan_from_bytes, plan_from_bytes_with, LoadError, LoadErrors, LoadOptions};
use bcf_model::reconcile::reconcile;

/// File, expected line, expected column, text the problem must contain.
const CASES: &[(&str, Option<u64>, Option<&str>, &str)] = &[
    // Tidy CSV: the file and its header.
    ("empty.csv", None, None, "the file is empty"),
    ("header_only.csv", None, None, "no rows after the header"),
    (
        "wrong_header.csv",
        Some(1),
        Some("column 4"),
        "expected the column \"kind\"",
    ),
    (
        "missing_column.csv",
        Some(1),
        Some("amount"),
        "the column \"amount\" is missing",
    ),
    (
        "extra_column.csv",
        Some(1),
        Some("column 10"),
        "unexpected column: 10 columns where 9",
    ),
    ("missing_plan_row.csv", None, None, "no plan row"),
    // Tidy CSV: cells.
    (
        "non_numeric_amount.csv",
        Some(11),
        Some("amount"),
        "unexpected character 'n' at position 0",
    ),
    (
        "exponent_1e30.csv",
        Some(11),
        Some("amount"),
        "unexpected character 'e' at position 1",
    ),
    (
        "bad_grouping.csv",
        Some(11),
        Some("amount"),
        "thousands separators are misplaced",
    ),
    (
        "beyond_decimal_range.csv",
        Some(11),
        Some("amount"),
        "beyond the decimal range",
    ),
    (
        "mixed_units.csv",
        Some(11),
        Some("amount"),
        "unexpected character 'm' at position 4",
    ),
    (
        "bad_year_text.csv",
        Some(11),
        Some("year"),
        "expected a financial year such as 2017/18",
    ),
    (
        "blank_contributor.csv",
        Some(11),
        Some("contributor"),
        "expected a contributor id, not a blank cell",
    ),
    (
        "cell_in_unused_column.csv",
        Some(3),
        Some("name"),
        "expected a blank cell: a year row",
    ),
    (
        "bad_contributor_kind.csv",
        Some(4),
        Some("kind"),
        "expected a contributor kind",
    ),
    (
        "bad_precision.csv",
        Some(2),
        Some("kind"),
        "expected an input precision",
    ),
    ("unknown_record.csv", Some(15), Some("record"), "expected a record type"),
    // Tidy CSV: rows cut short or too long.
    ("truncated_mid_row.csv", Some(14), Some("(row)"), "expected 9 fields"),
    ("unterminated_quote.csv", Some(11), Some("(row)"), "expected 9 fields"),
    ("row_too_long.csv", Some(12), Some("(row)"), "expected 9 fields"),
    // Tidy CSV: structure, located on the row and column read.
    (
        "negative_scheme_line.csv",
        Some(11),
        Some("amount"),
        "not allowed on a scheme line",
    ),
    (
        "positive_cost_improvement.csv",
        Some(14),
        Some("amount"),
        "not allowed on a cost improvement target",
    ),
    (
        "negative_allocation.csv",
        Some(8),
        Some("amount"),
        "an allocation must not be negative",
    ),
    (
        "duplicate_line.csv",
        Some(12),
        Some("(row)"),
        "already has an amount for this contributor, year and funding",
    ),
    (
        "line_renamed.csv",
        Some(12),
        Some("name"),
        "line \"reab\" is named \"Reablement\" at line 11",
    ),
    (
        "duplicate_contributor.csv",
        Some(5),
        Some("id"),
        "this contributor id is used twice",
    ),
    (
        "unknown_contributor.csv",
        Some(11),
        Some("contributor"),
        "unknown contributor",
    ),
    ("unknown_funding.csv", Some(11), Some("funding"), "unknown funding"),
    (
        "unknown_programme.csv",
        Some(11),
        Some("programme"),
        "unknown programme",
    ),
    (
        "year_outside_plan.csv",
        Some(11),
        Some("year"),
        "the year is outside the plan (2017/18)",
    ),
    // Not text.
    ("binary_garbage.csv", Some(1), Some("byte 1"), "not UTF-8 text"),
    ("invalid_utf8.csv", Some(9), Some("byte 32"), "not UTF-8 text"),
    // JSON.
    ("empty.json", None, None, "the file is empty"),
    (
        "json_not_an_object.json",
        Some(1),
        Some("1"),
        "a plan file is one JSON object",
    ),
    ("json_unknown_field.json", Some(3), Some("8"), "unknown field `nmae`"),
    ("json_missing_field.json", Some(62), Some("1"), "missing field `years`"),
    (
        "json_money_float.json",
        Some(45),
        Some("28"),
        "money must be a JSON string",
    ),
    (
        "json_money_exponent.json",
        Some(45),
        Some("25"),
        "unexpected character 'e' at position 1",
    ),
    (
        "json_money_out_of_range.json",
        Some(26),
        Some("48"),
        "beyond the decimal range",
    ),
    (
        "json_bad_year.json",
        Some(5),
        Some("13"),
        "\"2017/19\" is not a financial year",
    ),
    ("json_trailing_garbage.json", Some(66), Some("1"), "trailing characters"),
    ("json_truncated.json", Some(35), Some("12"), "the file ends too early"),
    ("json_deeply_nested.json", Some(1), Some("54"), "invalid type: sequence"),
    (
        "json_wrong_format.json",
        Some(2),
        Some("13 (format)"),
        "expected the format \"bcf-model/plan@1\"",
    ),
    (
        "json_duplicate_line.json",
        Some(50),
        Some("13 (lines[1].id)"),
        "this line id is used twice",
    ),
    (
        "json_negative_line.json",
        Some(45),
        Some("21 (lines[0].amounts[0].amount)"),
        "not allowed on a scheme line",
    ),
    (
        "json_duplicate_amount.json",
        Some(47),
        Some("9 (lines[0].amounts[1])"),
        "already has an amount for this contributor, year and funding",
    ),
    (
        "json_year_outside_plan.json",
        Some(43),
        Some("19 (lines[0].amounts[0].year)"),
        "outside the plan",
    ),
    (
        "json_unknown_contributor.json",
        Some(42),
        Some("26 (lines[0].amounts[0].contributor)"),
        "unknown contributor",
    ),
    // Hostile files of issue 11: a precision finer than money, amounts off
    // their declared step, duplicate allocations (the reconcile example
    // exits 2 on each; it exited 0 before).
    (
        "hostile_precision29.csv",
        Some(2),
        Some("kind"),
        "29 decimals is finer than money holds",
    ),
    (
        "hostile_precision255.csv",
        Some(2),
        Some("kind"),
        "255 decimals is finer than money holds",
    ),
    (
        "hostile_precision29.json",
        Some(1),
        Some("103"),
        "29 decimals is finer than money holds",
    ),
    (
        "hostile_offstep.csv",
        Some(6),
        Some("amount"),
        "not a whole number of £100.00 steps",
    ),
    (
        "hostile_pence.csv",
        Some(6),
        Some("amount"),
        "not a whole number of £1.00 steps",
    ),
    (
        "hostile_duplicate_allocation.csv",
        Some(7),
        Some("(row)"),
        "already has an allocation (allocation 1)",
    ),
    (
        "hostile_duplicate_allocation.json",
        Some(4),
        Some("98 (allocations[1])"),
        "already has an allocation (allocation 1)",
    ),
    // The published wide layout.
    (
        "published_wrong_header.csv",
        Some(1),
        Some("kind"),
        "expected the column \"kind\"",
    ),
    (
        "published_bad_cell.csv",
        Some(2),
        Some("elr_ccg_2017_18"),
        "unexpected character '.' at position 4",
    ),
    ("published_short_row.csv", Some(2), Some("(row)"), "expected 13 fields"),
    (
        "published_negative_line.csv",
        Some(2),
        Some("wl_ccg_2017_18"),
        "not allowed on a scheme line",
    ),
];

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests").join("bad_input")
}

/// Loads a corpus file as the `reconcile` example does: a published-layout
/// CSV in the layout of the Leicestershire plan.
fn load_plan(path: &std::path::Path) -> Result<bcf_model::plan::Plan, LoadErrors> {
    load_plan_with(path, &with_layout())
}

fn with_layout() -> LoadOptions {
    LoadOptions {
        layout: Some(leicestershire::expenditure_plan_layout()),
        ..LoadOptions::default()
    }
}

fn first(errors: &LoadErrors) -> &LoadError {
    errors.first().expect("at least one error")
}

#[test]
fn every_bad_file_gives_its_error_and_location() {
    assert!(CASES.len() >= 30);
    let mut failures = Vec::new();
    for (name, line, column, problem) in CASES {
        let path = dir().join(name);
        assert!(path.exists(), "{name} is missing from the corpus");
        match load_plan(&path) {
            Ok(_) => failures.push(format!("{name}: loaded, but should have been rejected")),
            Err(errors) => {
                let e = first(&errors);
                let ok = e.line == *line && e.column.as_deref() == *column && e.problem.contains(problem);
                // Every error names the file.
                let named = errors.iter().all(|e| e.file == path.display().to_string());
                if !ok || !named {
                    failures.push(format!(
                        "{name}: expected line {line:?} column {column:?} problem containing {problem:?}, got {e:?}"
                    ));
                }
                // The one-line message the reconcile example prints names file, line and column.
                let text = e.to_string();
                assert!(!text.contains('\n'), "{name}: {text}");
                if let Some(l) = line {
                    assert!(text.contains(&format!("line {l}")), "{name}: {text}");
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_file_in_the_corpus_is_in_the_table() {
    let mut names: Vec<String> = std::fs::read_dir(dir())
        .expect("the corpus directory")
        .map(|e| e.expect("a directory entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    for name in &names {
        let listed = CASES.iter().any(|(n, ..)| n == name) || name.starts_with("valid");
        assert!(listed, "{name} is in tests/bad_input but not in the table");
    }
    let malformed = names.iter().filter(|n| !n.starts_with("valid")).count();
    assert!(malformed >= 30, "only {malformed} malformed files");
}

#[test]
fn the_valid_files_load_and_reconcile() {
    for name in ["valid_bom_crlf.csv", "valid.json"] {
        let plan = load_plan(&dir().join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        let rec = reconcile(&plan).expect("reconciles");
        assert!(rec.findings.is_empty(), "{name}: {:?}", rec.findings);
    }
    // The BOM + CRLF file is the LF file of the other cases, line for line.
    let crlf = std::fs::read_to_string(dir().join("valid_bom_crlf.csv")).expect("readable");
    assert!(crlf.starts_with('\u{feff}') && crlf.contains("\r\n"));
}

#[test]
fn a_row_of_100_000_columns_is_rejected_on_its_line() {
    let valid = std::fs::read_to_string(dir().join("valid_bom_crlf.csv")).expect("readable");
    let mut text = valid.replace("\r\n", "\n");
    text.push_str(&"x,".repeat(99_999));
    text.push_str("x\n");
    let err = read_plan_tidy("wide.csv", &text).unwrap_err();
    let e = first(&err);
    assert_eq!((e.line, e.column.as_deref()), (Some(15), Some("(row)")));
    assert_eq!(e.value.as_deref(), Some("100000 fields"));

    // As a header, in both CSV layouts.
    let header = format!("record,{}\n", "x,".repeat(99_998) + "x");
    let err = read_plan_tidy("wide.csv", &header).unwrap_err();
    assert_eq!(first(&err).line, Some(1));
    let err = plan_from_bytes_with(
        "wide.csv",
        format!("section,{}", "x,".repeat(99_999)).as_bytes(),
        &with_layout(),
    )
    .unwrap_err();
    assert_eq!(first(&err).line, Some(1));
    assert!(err.len() <= 100_000);
}

#[test]
fn deeply_nested_json_is_an_error_not_a_stack_overflow() {
    let deep = "[".repeat(1_000_000);
    for text in [
        format!("{{\"format\": {deep}"),
        format!("{{\"format\": \"bcf-model/plan@1\", \"name\": \"x\", \"years\": {deep}"),
        format!("{{\"lines\": [{{\"amounts\": [{{\"amount\": {deep}"),
        format!("{{\"unknown\": {deep}"),
        deep.clone(),
    ] {
        let err = read_plan_json("deep.json", &text).unwrap_err();
        assert_eq!(first(&err).line, Some(1), "{err}");
    }
    // serde_json's own recursion limit (128) answers with an error too.
    let nested = format!("{}{}", "[".repeat(200), "]".repeat(200));
    let err = serde_json::from_str::<serde_json::Value>(&nested).unwrap_err();
    assert!(err.to_string().contains("recursion limit exceeded"), "{err}");
}

#[test]
fn random_bytes_never_panic_any_reader() {
    // A fixed linear congruential sequence: reproducible garbage.
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) as u8
    };
    let layout = leicestershire::expenditure_plan_layout();
    for round in 0..300 {
        let len = round * 7 % 600;
        let mut bytes: Vec<u8> = (0..len).map(|_| next()).collect();
        if round % 2 == 0 {
            // Mostly printable, so the text readers get past the UTF-8 check.
            for b in &mut bytes {
                *b = b"record,id\"\n\r 0123456789.,()\xc2\xa3-{}[]:e"[(*b as usize) % 32];
            }
        }
        for name in ["x.csv", "x.json", "x.txt"] {
            let _ = plan_from_bytes(name, &bytes);
            let _ = plan_from_bytes_with(name, &bytes, &with_layout());
        }
        if let Ok(text) = std::str::from_utf8(&bytes) {
            let _ = read_plan_tidy("x.csv", text);
            let _ = read_plan_json("x.json", text);
            let _ = read_expenditure_plan("x.csv", text, &layout);
        }
    }
}

#[test]
fn the_file_kind_comes_from_the_extension() {
    let valid = std::fs::read(dir().join("valid_bom_crlf.csv")).expect("readable");
    let err = plan_from_bytes("plan.txt", &valid).unwrap_err();
    assert_eq!(first(&err).line, None);
    assert!(
        first(&err).problem.contains("expected a .json, .csv or .xlsx file"),
        "{err}"
    );
    // A CSV named as a workbook is read as a workbook, and is not one.
    let err = plan_from_bytes("plan.xlsx", &valid).unwrap_err();
    assert_eq!(first(&err).kind, bcf_model::io::LoadErrorKind::Unreadable);
    assert!(first(&err).problem.contains("not a workbook"), "{err}");
    // A wide (published-layout) CSV is read only in a layout the caller
    // gives: none can be guessed.
    let wide = leicestershire::EXPENDITURE_PLAN_CSV.as_bytes();
    let err = plan_from_bytes("published.csv", wide).unwrap_err();
    assert!(first(&err).problem.contains("LoadOptions::layout"), "{err}");
    assert!(plan_from_bytes_with("published.csv", wide, &with_layout()).is_ok());
    // Upper-case extensions are fine; CSV read as JSON is refused at its first character.
    assert!(plan_from_bytes("PLAN.CSV", &valid).is_ok());
    let err = plan_from_bytes("plan.json", &valid).unwrap_err();
    assert_eq!((first(&err).line, first(&err).column.as_deref()), (Some(1), Some("1")));
    // The BOM + CRLF file is the same plan as its LF form without a BOM.
    let text = String::from_utf8(valid).expect("UTF-8");
    let lf = text.trim_start_matches('\u{feff}').replace("\r\n", "\n");
    assert_eq!(
        read_plan_tidy("a.csv", &text).expect("reads"),
        read_plan_tidy("a.csv", &lf).expect("reads")
    );
}

#[test]
fn a_file_over_the_size_limit_is_refused_before_it_is_read() {
    let path = dir().join("valid.json");
    let size = std::fs::metadata(&path).expect("exists").len();
    let small = LoadOptions {
        max_bytes: size - 1,
        ..LoadOptions::default()
    };
    let err = load_plan_with(&path, &small).unwrap_err();
    assert!(first(&err).problem.contains("over the limit"), "{err}");
    assert!(load_plan_with(
        &path,
        &LoadOptions {
            max_bytes: size,
            ..LoadOptions::default()
        }
    )
    .is_ok());
}

/// The same mistake made in a JSON plan, a tidy CSV and a published CSV is
/// reported as the same kind of error (the plan builder checks the rule for
/// all three), each at its own place in its own file.
#[test]
fn the_same_mistake_is_the_same_kind_in_every_format() {
    use bcf_model::io::LoadErrorKind::{Layout, Plan, Syntax, Value};
    use bcf_model::plan::PlanProblem;
    let sign = PlanProblem::SignNotAllowed {
        kind: "scheme line".to_string(),
    };
    let groups: Vec<(bcf_model::io::LoadErrorKind, Vec<&str>)> = vec![
        (
            Plan(sign),
            vec![
                "negative_scheme_line.csv",
                "json_negative_line.json",
                "published_negative_line.csv",
            ],
        ),
        (
            Plan(PlanProblem::DuplicateAmount),
            vec!["duplicate_line.csv", "json_duplicate_amount.json"],
        ),
        (
            Plan(PlanProblem::Unknown { what: "contributor" }),
            vec!["unknown_contributor.csv", "json_unknown_contributor.json"],
        ),
        (
            Plan(PlanProblem::YearOutsidePlan {
                plan_years: "2017/18".to_string(),
            }),
            vec!["year_outside_plan.csv", "json_year_outside_plan.json"],
        ),
        (
            Plan(PlanProblem::DuplicateAllocation { first: 0 }),
            vec!["hostile_duplicate_allocation.csv", "hostile_duplicate_allocation.json"],
        ),
        (Layout, vec!["empty.csv", "empty.json"]),
        (
            Layout,
            vec![
                "wrong_header.csv",
                "json_unknown_field.json",
                "published_wrong_header.csv",
            ],
        ),
        (
            Syntax,
            vec![
                "unterminated_quote.csv",
                "json_truncated.json",
                "published_short_row.csv",
            ],
        ),
        (
            Value,
            vec!["non_numeric_amount.csv", "json_bad_year.json", "published_bad_cell.csv"],
        ),
    ];
    let mut failures = Vec::new();
    for (kind, files) in &groups {
        let mut places = Vec::new();
        for name in files {
            match load_plan(&dir().join(name)) {
                Ok(_) => failures.push(format!("{name}: loaded")),
                Err(errors) => {
                    let e = first(&errors);
                    if e.kind != *kind {
                        failures.push(format!("{name}: {:?}, expected {kind:?} ({e})", e.kind));
                    }
                    assert_eq!(e.file, dir().join(name).display().to_string());
                    places.push((e.line, e.column.clone()));
                }
            }
        }
        // Each is found where it is in its own file (a header error is on
        // line 1 in both CSV layouts, so only whole places are compared
        // across JSON and CSV).
        assert!(
            places
                .iter()
                .all(|p| p.0.is_some() || files.iter().any(|f| f.starts_with("empty"))),
            "{files:?}: {places:?}"
        );
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// One bad amount on a line is one error: the line's attribute rows are not
/// also reported as naming an unknown scheme line (issue 15, item 10).
#[test]
fn a_bad_amount_is_not_also_an_unknown_line() {
    let text = "record,id,name,kind,programme,contributor,year,funding,amount\n\
                plan,,P,,,,,,\n\
                year,,,,,,2017/18,,\n\
                contributor,ccg,CCG,Ccg,,,,,\n\
                source,min,NHS minimum,NhsMinimum,,,,,\n\
                allocation,,,,,ccg,2017/18,min,100\n\
                programme,P,P,,,,,,\n\
                line,a,Falls,,P,ccg,2017/18,min,6O.0\n\
                attribute,a,NhsProtected,flag,,,,,\n";
    let errors = read_plan_tidy("p.csv", text).unwrap_err();
    assert_eq!(errors.len(), 1, "{errors}");
    assert_eq!((errors[0].line, errors[0].column.as_deref()), (Some(8), Some("amount")));
}
