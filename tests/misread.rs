//! Inputs that were misread or reported misleadingly (issue 11, findings 8,
//! 9, 12 to 15). Like `hostile.rs`, these use only API that existed before
//! the fix and were run against the old code, where each one failed.

use bcf_model::data::leicestershire;
use bcf_model::io::json::read_plan_json;
use bcf_model::io::plan_from_bytes;
use bcf_model::io::published::read_expenditure_plan;
use bcf_model::io::tidy::{read_plan_tidy, write_plan_tidy};
use bcf_model::money::{Money, Unit};
use bcf_model::reconcile::reconcile;
use rust_decimal::Decimal;

const VALID_JSON: &str = include_str!("bad_input/valid.json");
const PUBLISHED: &str = include_str!("../data/expenditure_plan_gbp_thousands.csv");

/// Finding 8: an empty or whitespace-only id was accepted by the JSON
/// reader (and the tidy writer then wrote a file its reader refused).
#[test]
fn blank_ids_are_refused_by_every_reader() {
    for blank in ["", "  ", "\t"] {
        let text = VALID_JSON.replace(
            "\"id\": \"ccg\"",
            &format!("\"id\": \"{}\"", blank.replace('\t', "\\t")),
        );
        let err = read_plan_json("p.json", &text).expect_err("a blank contributor id is refused");
        let e = &err[0];
        assert!(e.problem.contains("must not be blank"), "{err}");
        assert!(e.line.is_some(), "{err}");
    }
    let tidy = "record,id,name,kind,programme,contributor,year,funding,amount\n\
                plan,,p,,,,,,\nyear,,,,,,2017/18,,\ncontributor,\" \",C,Ccg,,,,,\n";
    let err = read_plan_tidy("p.csv", tidy).expect_err("refused");
    assert!(err.to_string().contains("blank"), "{err}");
}

/// Finding 9: `in_units` rounded £10^-28 in £m to zero although it is
/// documented to fail rather than round.
#[test]
fn in_units_never_rounds() {
    let tiny = Money::from_pounds(Decimal::new(1, 28));
    assert!(tiny.in_units(Unit::Millions).is_err());
    assert!(tiny.in_units(Unit::Pounds).is_ok());
    let m = Money::from_pounds(Decimal::new(1_250, 2)); // £12.50
    assert_eq!(m.in_units(Unit::Thousands).ok(), Some(Decimal::new(125, 4)));
}

/// Finding 12: text from a file was put into messages unescaped, so a
/// contributor id holding a line end forged a second line of output.
#[test]
fn messages_are_one_line_whatever_the_file_holds() {
    let evil = "ccg\\nerrors: 0";
    let text = VALID_JSON
        .replace("\"id\": \"ccg\"", &format!("\"id\": \"{evil}\""))
        .replace("\"contributor\": \"ccg\"", &format!("\"contributor\": \"{evil}\""))
        .replace("\"amount\": \"900000\"", "\"amount\": \"800000\"");
    let plan = read_plan_json("p.json", &text).expect("reads");
    let rec = reconcile(&plan).expect("reconciles");
    assert!(!rec.findings.is_empty());
    for f in &rec.findings {
        let line = f.to_string();
        assert!(!line.contains('\n'), "{line}");
        assert!(line.contains("ccg\\nerrors: 0"), "{line}");
    }
}

/// Finding 13: files with CR-only line ends were read, but every error was
/// reported at line 1.
#[test]
fn cr_only_files_report_the_right_line() {
    let lf = "record,id,name,kind,programme,contributor,year,funding,amount\n\
              plan,,p,,,,,,\n\
              year,,,,,,2017/18,,\n\
              contributor,c,C,Ccg,,,,,\n\
              source,s,S,NhsMinimum,,,,,\n\
              allocation,,,,,c,2017/18,s,1e30\n";
    let err = read_plan_tidy("p.csv", lf).expect_err("bad amount");
    assert_eq!(err[0].line, Some(6));
    let cr = lf.replace('\n', "\r");
    let err = read_plan_tidy("p.csv", &cr).expect_err("bad amount");
    assert_eq!(err[0].line, Some(6), "{err}");
    let published = PUBLISHED
        .replacen("93.6,71.2", "93.6x,71.2", 1)
        .replace("\r\n", "\n")
        .replace('\n', "\r");
    let err =
        read_expenditure_plan("p.csv", &published, &leicestershire::expenditure_plan_layout()).expect_err("bad cell");
    assert_eq!(err[0].line, Some(2), "{err}");
}

/// Finding 14: errors the plan builder found in a published file had no
/// line or column, and an overflow named "funding spend total #0".
#[test]
fn builder_errors_in_a_published_file_are_located() {
    // Without iBCF funding rows, the council's line cells name a funding
    // group that does not exist: each is reported at its own cell.
    let no_ibcf: String = PUBLISHED
        .lines()
        .filter(|l| !(l.starts_with("FUNDING") && l.to_ascii_lowercase().contains("ibcf")))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_ne!(no_ibcf, PUBLISHED);
    let err = read_expenditure_plan("p.csv", &no_ibcf, &leicestershire::expenditure_plan_layout())
        .expect_err("unknown funding");
    for e in &err {
        assert!(e.line.is_some_and(|l| l > 1), "{e}");
        assert!(e.column.as_deref().is_some_and(|c| c.starts_with("lcc_")), "{e}");
    }
    // A money column given twice is a header error, not duplicate lines.
    let doubled: String = PUBLISHED
        .lines()
        .map(|l| {
            let cells: Vec<&str> = l.split(',').collect();
            format!("{},{}\n", l, cells.get(5).copied().unwrap_or(""))
        })
        .collect();
    let err = read_expenditure_plan("p.csv", &doubled, &leicestershire::expenditure_plan_layout())
        .expect_err("repeated column");
    assert_eq!(err[0].line, Some(1), "{err}");
    assert!(err[0].problem.contains("given twice"), "{err}");
}

#[test]
fn an_overflow_names_what_overflowed() {
    let max = "79228162514264337593543950335";
    let text = VALID_JSON
        .replace("\"amount\": \"1000000\"", &format!("\"amount\": \"{max}\""))
        .replace("\"amount\": \"900000\"", &format!("\"amount\": \"{max}\""))
        .replace("\"amount\": \"100000\"", &format!("\"amount\": \"{max}\""));
    let plan = plan_from_bytes("p.json", text.as_bytes()).expect("reads");
    let err = reconcile(&plan).expect_err("the spend overflows");
    let text = err.to_string();
    assert!(text.contains("ccg 2017/18"), "{text}");
    assert!(!text.contains('#'), "{text}");
}

/// Finding 15: the tidy writer wrote names beginning `=`, `+`, `-` or `@`
/// verbatim, and a spreadsheet opening the file ran them as formulas.
#[test]
fn formula_like_text_is_guarded_and_reads_back_exactly() {
    for name in [
        "=HYPERLINK(\"http://x\",\"y\")",
        "+1",
        "-2",
        "@SUM(A1)",
        "'quoted",
        "\tTab",
    ] {
        let text = VALID_JSON.replace("\"name\": \"Reablement\"", &format!("\"name\": {name:?}"));
        let plan = read_plan_json("p.json", &text).expect("reads");
        let csv = write_plan_tidy(&plan);
        let fields: Vec<String> = csv::ReaderBuilder::new()
            .flexible(true)
            .from_reader(csv.as_bytes())
            .records()
            .flat_map(|r| r.expect("valid CSV").iter().map(str::to_string).collect::<Vec<_>>())
            .collect();
        assert!(!fields.iter().any(|f| f == name), "{name:?} written as is:\n{csv}");
        assert!(
            fields.iter().any(|f| *f == format!("'{name}")),
            "{name:?} not guarded:\n{csv}"
        );
        assert_eq!(read_plan_tidy("p.csv", &csv).expect("reads back"), plan);
    }
}

/// Finding 11: `load_plan` read the whole file before checking its kind,
/// with no limit: `/dev/zero` allocated until memory ran out (the example
/// built from the old code, under a 2 GB limit: "cannot read: out of
/// memory"). Now only a regular file is read.
#[cfg(unix)]
#[test]
fn only_regular_files_are_read() {
    let err = bcf_model::io::load_plan(std::path::Path::new("/dev/zero")).expect_err("a device is refused");
    assert!(err.to_string().contains("not a regular file"), "{err}");
    let dir = std::env::temp_dir();
    let err = bcf_model::io::load_plan(&dir).expect_err("a directory is refused");
    assert!(err.to_string().contains("a directory"), "{err}");
}

/// Finding 16: a DFG allocation table whose district had no amount for one
/// of its years gave that district a zero allocation.
#[test]
fn a_missing_dfg_allocation_is_an_error_not_zero() {
    use bcf_model::dfg::{DfgAllocations, DfgError};
    let y = |s: &str| s.parse().expect("a year");
    // Issue 12 made the table's invariant hold by construction: a district
    // without an amount for every year cannot be built at all.
    let short = DfgAllocations::new(
        vec![y("2017/18"), y("2018/19")],
        vec![
            (
                "Blaby".to_string(),
                vec![Money::from_pence(100), Money::from_pence(200)],
            ),
            ("Melton".to_string(), vec![Money::from_pence(300)]),
        ],
    );
    assert_eq!(
        short,
        Err(DfgError::MissingAmount {
            district: "Melton".to_string(),
            year: y("2018/19")
        })
    );
    // Nor read from JSON with a short row.
    let json = r#"{"years":["2017/18","2018/19"],"districts":[{"district":"Melton","amounts":["3.00"]}]}"#;
    let err = serde_json::from_str::<DfgAllocations>(json).unwrap_err().to_string();
    assert!(err.contains("Melton") && err.contains("2018/19"), "{err}");
}
