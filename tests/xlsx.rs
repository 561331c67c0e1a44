//! Excel workbooks in and out (feature `xlsx`), and checked by real
//! spreadsheet software: the LibreOffice tests at the end recalculate the
//! workbooks the crate writes and read a workbook LibreOffice wrote. They
//! run when `soffice` is on the PATH (`.ci/run` installs
//! `libreoffice-calc-nogui`); without it each says so and passes. To run
//! them locally: `apt-get install libreoffice-calc-nogui`, then `cargo test
//! --test xlsx`.
#![cfg(feature = "xlsx")]

use std::path::{Path, PathBuf};
use std::process::Command;

use bcf_model::data::leicestershire;
use bcf_model::io::published::read_expenditure_plan;
use bcf_model::io::tidy::{read_plan_tidy, write_plan_tidy};
use bcf_model::io::xlsx::{read_expenditure_plan_workbook, read_plan_workbook, PlanWorkbook};
use bcf_model::io::{load_plan, LoadErrorKind};
use bcf_model::money::Money;
use bcf_model::plan::Plan;
use bcf_model::published::{check_footings, expenditure_plan_footings, BoundRule};
use bcf_model::reconcile::{reconcile, Agreement};
use bcf_model::strategies::{balanced_plan, PlanShape};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use rust_decimal::Decimal;
use rust_xlsxwriter::{Formula, Workbook};

/// A fresh directory for one test's files.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("bcf-xlsx-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A workbook of one sheet holding `csv`'s cells: a cell that is a plain
/// decimal becomes a number cell (as a spreadsheet would keep it), any other
/// a text cell.
fn workbook_of_csv(sheet: &str, csv: &str) -> Vec<u8> {
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name(sheet).unwrap();
    let mut reader = csv::ReaderBuilder::new().has_headers(false).from_reader(csv.as_bytes());
    for (row, record) in (0u32..).zip(reader.records()) {
        for (col, field) in (0u16..).zip(record.unwrap().iter()) {
            let number = field
                .parse::<Decimal>()
                .ok()
                .filter(|_| row > 0 && !field.contains('/'))
                .and_then(|d| d.to_string().parse::<f64>().ok());
            match number {
                Some(v) => ws.write_number(row, col, v).unwrap(),
                None if field.is_empty() => ws,
                None => ws.write_string(row, col, field).unwrap(),
            };
        }
    }
    book.save_to_buffer().unwrap()
}

#[test]
fn the_leicestershire_plan_round_trips_through_a_workbook() {
    let plan = leicestershire::expenditure_plan().unwrap().plan;
    let bytes = PlanWorkbook::new(&plan).to_bytes().unwrap();
    let back = read_plan_workbook("plan.xlsx", &bytes, "Plan").unwrap();
    assert_eq!(back.plan, plan);
    assert!(back.notices.is_empty());
    // load_plan picks the reader by extension.
    let dir = scratch("roundtrip");
    let path = dir.join("plan.xlsx");
    std::fs::write(&path, &bytes).unwrap();
    assert_eq!(load_plan(&path).unwrap(), plan);
}

/// The published Leicestershire table read from a workbook reconciles as
/// from CSV: the same plan, and the footing check's 27 rounding differences
/// and no errors. Its figures are number cells, so `454.0` is the number
/// 454: the layout's one decimal says what it was printed to.
#[test]
fn the_published_table_from_a_workbook_checks_as_from_csv() {
    let csv = include_str!("../data/expenditure_plan_gbp_thousands.csv");
    let layout = leicestershire::expenditure_plan_layout();
    let from_csv = read_expenditure_plan("plan.xlsx", csv, &layout).unwrap();
    let bytes = workbook_of_csv("Annex 6", csv);
    let from_book = read_expenditure_plan_workbook("plan.xlsx", &bytes, "Annex 6", &layout).unwrap();
    assert_eq!(from_book.plan, from_csv.plan);
    let check = check_footings(
        &from_book.table,
        &expenditure_plan_footings(&from_book.table),
        BoundRule::WorstCase,
    )
    .unwrap();
    assert_eq!(check.rounding_differences().count(), 27);
    assert_eq!(
        check
            .results
            .iter()
            .filter(|r| r.comparison.agreement == Agreement::Error)
            .count(),
        0
    );
    assert!(check.problems.is_empty());
}

/// A bad cell is reported at its sheet and cell, with its value; every bad
/// cell, not the first.
#[test]
fn a_bad_cell_is_located_as_sheet_and_cell() {
    let csv = "record,id,name,kind,programme,contributor,year,funding,amount
plan,,My BCF,Pounds:2,,,,,
year,,,,,,2017/18,,
contributor,ccg,Example CCG,Ccg,,,,,
source,min,NHS minimum,NhsMinimum,,,,,
allocation,,,,,ccg,2017/18,min,1e30
programme,BCF2,Home First,,,,,,
line,reablement,Reablement,,BCF2,ccg,2017/18,min,\"12,34\"
";
    let bytes = workbook_of_csv("Plan", csv);
    let errors = read_plan_workbook("plan.xlsx", &bytes, "Plan").unwrap_err();
    let text: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert!(
        text.iter()
            .any(|e| e.starts_with("plan.xlsx:Plan!I6, value \"1e30\": ")),
        "{text:?}"
    );
    assert!(
        text.iter()
            .any(|e| e.starts_with("plan.xlsx:Plan!I8, value \"12,34\": ")),
        "{text:?}"
    );
    // A sheet that is not there, and one that is not a plan.
    let e = read_plan_workbook("plan.xlsx", &bytes, "Plans").unwrap_err();
    assert_eq!(e[0].kind, LoadErrorKind::Layout);
    assert!(e[0].to_string().contains("its sheets: \"Plan\""), "{e}");
}

/// A number cell holding the result of arithmetic, not a decimal as typed,
/// is read as the sheet shows it and reported, never carried as a 17-digit
/// tail.
#[test]
fn a_binary_fraction_is_read_as_shown_and_reported() {
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name("Plan").unwrap();
    let rows: [&[&str]; 8] = [
        &[
            "record",
            "id",
            "name",
            "kind",
            "programme",
            "contributor",
            "year",
            "funding",
            "amount",
        ],
        &["plan", "", "My BCF", "", "", "", "", "", ""],
        &["year", "", "", "", "", "", "2017/18", "", ""],
        &["contributor", "ccg", "CCG", "Ccg", "", "", "", "", ""],
        &["source", "min", "Minimum", "NhsMinimum", "", "", "", "", ""],
        &["allocation", "", "", "", "", "ccg", "2017/18", "min", ""],
        &["programme", "P", "P", "", "", "", "", "", ""],
        &["line", "l", "L", "", "P", "ccg", "2017/18", "min", ""],
    ];
    for (r, row) in (0u32..).zip(rows) {
        for (c, v) in (0u16..).zip(row.iter()) {
            if !v.is_empty() {
                ws.write_string(r, c, *v).unwrap();
            }
        }
    }
    ws.write_number(5, 8, 0.1 + 0.2).unwrap();
    ws.write_number(7, 8, 0.3).unwrap();
    let bytes = book.save_to_buffer().unwrap();
    let read = read_plan_workbook("plan.xlsx", &bytes, "Plan").unwrap();
    assert_eq!(
        read.plan.allocations()[0].amount,
        Money::from_pounds(Decimal::new(3, 1))
    );
    assert_eq!(read.notices.len(), 1);
    let notice = read.notices[0].to_string();
    assert!(
        notice.starts_with("plan.xlsx:Plan!I6, value \"0.30000000000000004\": "),
        "{notice}"
    );
    assert!(reconcile(&read.plan).unwrap().is_balanced());
    // load_plan does not take a figure that is not as typed.
    let dir = scratch("binary");
    let path = dir.join("plan.xlsx");
    std::fs::write(&path, &bytes).unwrap();
    assert!(load_plan(&path).is_err());
}

/// An area's inputs read from a sheet are those read from its CSV, and a
/// bad cell is located at the sheet's cell.
#[test]
fn area_inputs_from_a_sheet() {
    use bcf_model::io::read_area_inputs;
    use bcf_model::io::xlsx::read_area_inputs_workbook;
    let csv = include_str!("../examples/data/northshire_2021_22_inputs.csv");
    let from_csv = read_area_inputs("inputs.xlsx", csv).unwrap();
    let from_book = read_area_inputs_workbook("inputs.xlsx", &workbook_of_csv("Inputs", csv), "Inputs").unwrap();
    assert_eq!(from_book, from_csv);
    let bad = csv.replacen("2021/22", "2021/2x", 1);
    let e = read_area_inputs_workbook("inputs.xlsx", &workbook_of_csv("Inputs", &bad), "Inputs").unwrap_err();
    assert!(e[0].to_string().starts_with("inputs.xlsx:Inputs!"), "{e}");
    assert!(e[0].to_string().contains("2021/2x"), "{e}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Any plan written as a workbook reads back equal.
    #[test]
    fn generated_plans_round_trip(plan in balanced_plan(PlanShape::default())) {
        let bytes = PlanWorkbook::new(&plan).to_bytes().unwrap();
        let back = read_plan_workbook("plan.xlsx", &bytes, "Plan").unwrap();
        prop_assert_eq!(back.plan, plan);
    }
}

// ---- checked by LibreOffice -------------------------------------------------

/// LibreOffice's `soffice`, with a profile that recalculates every formula
/// when a file is loaded; `None` (after saying how to run these tests) if it
/// is not installed.
fn libreoffice(test: &str) -> Option<(PathBuf, PathBuf)> {
    let found = Command::new("soffice")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        eprintln!(
            "{test}: skipped, LibreOffice is not installed (apt-get install libreoffice-calc-nogui; .ci/run does)"
        );
        return None;
    }
    let dir = scratch(test);
    let user = dir.join("profile/user");
    std::fs::create_dir_all(&user).unwrap();
    std::fs::write(
        user.join("registrymodifications.xcu"),
        r#"<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"#,
    )
    .unwrap();
    Some((dir.join("profile"), dir))
}

/// Runs `soffice` headless with `profile` and `args`, in `dir`.
fn soffice(profile: &Path, dir: &Path, args: &[&str]) {
    let out = Command::new("soffice")
        .arg(format!("-env:UserInstallation=file://{}", profile.display()))
        .args(["--headless", "--norestore"])
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "soffice failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Every sheet of the workbook at `book`, recalculated by LibreOffice and
/// saved as CSV (raw values, not as shown): the CSV text of sheet `sheet`.
fn recalculated(profile: &Path, dir: &Path, book: &Path, sheet: &str) -> String {
    soffice(
        profile,
        dir,
        &[
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1",
            "--outdir",
            &dir.display().to_string(),
            &book.display().to_string(),
        ],
    );
    let stem = book.file_stem().unwrap().to_string_lossy();
    std::fs::read_to_string(dir.join(format!("{stem}-{sheet}.csv"))).unwrap()
}

/// The recalculated `Totals` sheet equals the crate's exact totals, row by
/// row; the number of rows compared.
fn totals_recalculate_exactly(plan: &Plan, profile: &Path, dir: &Path, name: &str) -> usize {
    let book = dir.join(format!("{name}.xlsx"));
    std::fs::write(&book, PlanWorkbook::new(plan).to_bytes().unwrap()).unwrap();
    let csv = recalculated(profile, dir, &book, "Totals");
    let totals = reconcile(plan).unwrap().totals;
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let mut compared = 0;
    for record in reader.records() {
        let record = record.unwrap();
        let (Some(year), Some(who)) = (record.get(0), record.get(1)) else {
            continue;
        };
        let Ok(year) = year.parse() else { continue };
        let figure = |i: usize| Money::from_pounds(record.get(i).unwrap().parse::<Decimal>().unwrap());
        let (allocation, spend, contingency) = if who == "all partners" {
            (
                totals.year_allocation(year).unwrap(),
                totals.year_spend(year).unwrap(),
                totals.year_contingency(year).unwrap(),
            )
        } else {
            let c = plan.contributor_ix(who).unwrap();
            (
                totals.contributor_allocation(c, year).unwrap(),
                totals.contributor_spend(c, year).unwrap(),
                totals.contributor_contingency(c, year).unwrap(),
            )
        };
        assert_eq!(figure(2), allocation, "{name} {who} {year} allocation");
        assert_eq!(figure(3), spend, "{name} {who} {year} spend");
        assert_eq!(figure(4), contingency, "{name} {who} {year} contingency");
        compared += 1;
    }
    compared
}

#[test]
fn libreoffice_recalculates_every_total_to_the_crate_s_exact_total() {
    let Some((profile, dir)) = libreoffice("recalculate") else {
        return;
    };
    // First, that LibreOffice recalculates rather than shows the cache: a
    // formula whose cached result is wrong comes back right.
    let mut book = Workbook::new();
    book.add_worksheet()
        .set_name("Sheet1")
        .unwrap()
        .write_formula(0, 0, Formula::new("=1+1").set_result("5"))
        .unwrap();
    let probe = dir.join("probe.xlsx");
    std::fs::write(&probe, book.save_to_buffer().unwrap()).unwrap();
    assert_eq!(recalculated(&profile, &dir, &probe, "Sheet1").trim(), "2");

    // The Leicestershire plan: 2017/18 spend 51,447.7 from its lines (the
    // published table prints 51,447.6).
    let plan = leicestershire::expenditure_plan().unwrap().plan;
    let rows = totals_recalculate_exactly(&plan, &profile, &dir, "leicestershire");
    assert_eq!(rows, 8); // 3 partners and all partners, 2 years
    let csv = recalculated(&profile, &dir, &dir.join("leicestershire.xlsx"), "Totals");
    assert!(
        csv.contains("2017/18,all partners,52119900,51447700,672200,52119900,0"),
        "{csv}"
    );

    // With the published table's footings, as the board pack writes it:
    // the printed TOTAL BCF SPEND (51,447.6) beside the total of its
    // printed parts, while the Totals sheet regenerates 51,447.7 from the
    // lines.
    let published = leicestershire::expenditure_plan().unwrap();
    let check = check_footings(
        &published.table,
        &expenditure_plan_footings(&published.table),
        BoundRule::WorstCase,
    )
    .unwrap();
    let pack = dir.join("pack.xlsx");
    PlanWorkbook::new(&plan)
        .footings(&check, "£'000 to one decimal")
        .save(&pack)
        .unwrap();
    let footings = recalculated(&profile, &dir, &pack, "Footings");
    assert!(
        footings
            .contains("\"\"\"TOTAL BCF SPEND\"\" (line 101), 2017/18\",51447600,51447500,-100,200,rounding difference"),
        "{footings}"
    );
    let totals = recalculated(&profile, &dir, &pack, "Totals");
    assert!(totals.contains("2017/18,all partners,52119900,51447700,"), "{totals}");

    // Generated plans.
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    for i in 0..3 {
        // Everyday amounts: a spreadsheet number holds 15 significant digits.
        let shape = PlanShape {
            full_range: false,
            ..PlanShape::default()
        };
        let plan = balanced_plan(shape).new_tree(&mut runner).unwrap().current();
        assert!(totals_recalculate_exactly(&plan, &profile, &dir, &format!("generated{i}")) > 0);
    }
}

/// A workbook LibreOffice made from a tidy CSV (a file the crate did not
/// write) reads into the same plan as the CSV.
#[test]
fn a_workbook_libreoffice_made_reads_as_its_csv() {
    let Some((profile, dir)) = libreoffice("libreoffice-made") else {
        return;
    };
    let plan = leicestershire::expenditure_plan().unwrap().plan;
    let csv = write_plan_tidy(&plan);
    let from_csv = read_plan_tidy("plan.csv", &csv).unwrap();
    let path = dir.join("plan.csv");
    std::fs::write(&path, &csv).unwrap();
    soffice(
        &profile,
        &dir,
        &[
            "--infilter=Text - txt - csv (StarCalc):44,34,76,1,,0,false,false",
            "--convert-to",
            "xlsx",
            "--outdir",
            &dir.display().to_string(),
            &path.display().to_string(),
        ],
    );
    let bytes = std::fs::read(dir.join("plan.xlsx")).unwrap();
    let read = read_plan_workbook("plan.xlsx", &bytes, "plan").unwrap();
    assert_eq!(read.plan, from_csv);
    assert!(read.notices.is_empty());
}

/// A Quarter 1 return of the Leicestershire plan (2017/18, as at June 2017)
/// with its iBCF measures: every line on budget to date except Assistive
/// Technology (150.0 spent), the County Council's lines given purposes by
/// their iBCF codes (and the two uncoded lines and Assistive Technology by
/// id), as in tests/ibcf_measures.rs.
fn leicestershire_q1_return() -> bcf_model::returns::QuarterlyReturn {
    use bcf_model::contingency::ContingencyLedger;
    use bcf_model::monitor::{monitor, MissingActuals, Monitoring, Period};
    use bcf_model::returns::{quarterly_return, IbcfPurpose, IbcfPurposes, ProviderFeeUplifts};
    let plan = leicestershire::expenditure_plan().unwrap().plan;
    let ledger = ContingencyLedger::from_plan(&plan, "2017/18".parse().unwrap()).unwrap();
    let round = Monitoring::new("2017-06".parse().unwrap())
        .missing_actuals(MissingActuals::OnBudgetToDate)
        .actual(
            "BCF3.1",
            "lcc",
            Period::Quarter("2017/18 Q1".parse().unwrap()),
            Money::from_pence(15_000_000),
        );
    let report = monitor(&plan, &ledger, &round).unwrap();
    let mut purposes = IbcfPurposes::new()
        .line("BCF2.26", IbcfPurpose::ProviderMarket)
        .line("BCF11.2", IbcfPurpose::AdultSocialCareNeeds)
        .line("BCF3.1", IbcfPurpose::ReducingNhsPressures);
    for l in plan.lines().iter() {
        if let Some(code) = &l.attributes().ibcf_code {
            let purpose = match code.chars().next() {
                Some('2' | '3') => IbcfPurpose::ReducingNhsPressures,
                Some('6') => IbcfPurpose::ProviderMarket,
                _ => IbcfPurpose::AdultSocialCareNeeds,
            };
            purposes = purposes.code(code.clone(), purpose);
        }
    }
    quarterly_return(&plan, &report, &ledger)
        .unwrap()
        .with_ibcf_measures(&plan, &report, &purposes, ProviderFeeUplifts::default())
        .unwrap()
}

/// A number cell's decimal, as the sheet shows it.
fn cell_decimal(d: &calamine::Data) -> Option<Decimal> {
    match d {
        calamine::Data::Float(v) => format!("{v}").parse().ok(),
        calamine::Data::Int(v) => Some(Decimal::from(*v)),
        _ => None,
    }
}

/// Each row of `rows` (a table sheet: a header row, then label and
/// figures with the row's total last, the last row the column totals) adds
/// up across and down as printed; the number of figures checked.
fn check_adds_up(name: &str, rows: &[Vec<Option<Decimal>>]) -> usize {
    let (totals, body) = rows.split_last().unwrap();
    let mut checked = 0;
    for (r, row) in body.iter().enumerate() {
        let (total, parts) = row.split_last().unwrap();
        let sum: Decimal = parts.iter().map(|p| p.expect(name)).sum();
        assert_eq!(Some(sum), *total, "{name}: row {r}");
        checked += parts.len();
    }
    for (c, total) in totals.iter().enumerate() {
        let sum: Decimal = body.iter().map(|row| row[c].expect(name)).sum();
        assert_eq!(Some(sum), *total, "{name}: column {c}");
    }
    checked
}

/// The figures of a table sheet read back: rows 1.. (after the header),
/// columns 1.. (after the label), down to the `Total` row.
fn table_figures(range: &calamine::Range<calamine::Data>) -> Vec<Vec<Option<Decimal>>> {
    let mut out = Vec::new();
    for row in range.rows().skip(1) {
        let label = row[0].to_string();
        if label.is_empty() {
            break;
        }
        out.push(row[1..].iter().map(cell_decimal).collect());
        if label == "Total" {
            break;
        }
    }
    out
}

#[test]
fn a_quarterly_return_workbook_adds_up_as_printed() {
    use bcf_model::io::xlsx::ReturnWorkbook;
    use bcf_model::money::{Precision, Rounding};
    use bcf_model::present::PresentationContext;
    use calamine::{open_workbook_from_rs, Reader, Xlsx};

    let ret = leicestershire_q1_return();
    let mut pack = PresentationContext::new(Precision::THOUSANDS_1DP, Rounding::HalfAwayFromZero);
    let bytes = ReturnWorkbook::quarterly(&ret, &mut pack).unwrap().to_bytes().unwrap();
    let mut book: Xlsx<_> = open_workbook_from_rs(std::io::Cursor::new(bytes.clone())).unwrap();
    let names = book.sheet_names();
    assert_eq!(
        names,
        [
            "1 Income to date (2017-18 Q1)",
            "2 Spend to date (2017-18 Q1)",
            "3 Pooled balance to date (201",
            "4 Budget (2017-18 Q1)",
            "5 Forecast outturn (2017-18 Q",
            "6 Variance (forecast less bud",
            "7 Contingency used, drawn dow",
            "8 iBCF spend to date by purpo",
            "iBCF shares",
            "Exact figures",
        ]
    );
    let mut checked = 0;
    for name in &names[..8] {
        let range = book.worksheet_range(name).unwrap();
        checked += check_adds_up(name, &table_figures(&range));
        // Totals are live SUMs of the printed figures.
        let formulas = book.worksheet_formula(name).unwrap();
        assert!(formulas.used_cells().any(|(_, _, f)| f.starts_with("SUM(")), "{name}");
    }
    assert!(checked > 40, "{checked}");
    // The iBCF table: 721.65 / 722.5 / 897.25 printed 721.7 / 722.5 / 897.3
    // (£'000), 2,341.4 in all, the County Council's iBCF spend to date.
    let ibcf = table_figures(&book.worksheet_range(&names[7]).unwrap());
    let d = |s: &str| s.parse::<Decimal>().unwrap();
    assert_eq!(ibcf.last().unwrap().last().unwrap(), &Some(d("2341400")));
    // Shares printed to one decimal add to 100: 30.8 + 30.9 + 38.3.
    let shares = book.worksheet_range("iBCF shares").unwrap();
    let printed: Vec<Decimal> = shares
        .rows()
        .skip(1)
        .take(3)
        .map(|r| cell_decimal(&r[1]).unwrap())
        .collect();
    assert_eq!(printed, [d("30.8"), d("30.9"), d("38.3")]);
    assert_eq!(cell_decimal(&shares.rows().nth(4).unwrap()[1]), Some(d("100")));
    // The exact figures: the tidy CSV, the shares as exact fractions.
    let exact = book.worksheet_range("Exact figures").unwrap();
    assert!(exact
        .rows()
        .any(|r| r[1] == "ibcf_purpose" && r[4] == "share" && r[5] == "721650.00/2341400.00"));
    assert!(exact.rows().any(|r| r[1] == "stream"
        && r[2] == "ibcf"
        && r[4] == "spend_to_date"
        && cell_decimal(&r[5]) == Some(d("2341400"))));

    // LibreOffice recalculates the SUMs to the same printed totals.
    let Some((profile, dir)) = libreoffice("return-workbook") else {
        return;
    };
    let path = dir.join("q1.xlsx");
    std::fs::write(&path, &bytes).unwrap();
    let csv = recalculated(&profile, &dir, &path, &names[7]);
    assert!(csv.contains("Total,2341400,2341400"), "{csv}");
    let csv = recalculated(&profile, &dir, &path, "iBCF shares");
    assert!(csv.contains("Total,100"), "{csv}");
}

#[test]
fn a_year_end_return_workbook_adds_up_as_printed() {
    use bcf_model::contingency::ContingencyLedger;
    use bcf_model::io::xlsx::ReturnWorkbook;
    use bcf_model::money::{Precision, Rounding};
    use bcf_model::monitor::{monitor, year_end, CarryForwardRule, Forecast, MissingActuals, Monitoring, OutturnBasis};
    use bcf_model::present::PresentationContext;
    use bcf_model::returns::year_end_return;
    use bcf_model::waterfall::{waterfall, RiskShareRule, WaterfallConfig};
    use calamine::{open_workbook_from_rs, Reader, Xlsx};

    let plan = leicestershire::expenditure_plan().unwrap().plan;
    let ledger = ContingencyLedger::from_plan(&plan, "2017/18".parse().unwrap()).unwrap();
    let march = Monitoring::new("2018-03".parse().unwrap())
        .missing_actuals(MissingActuals::OnBudgetToDate)
        .default_forecast(Forecast::BudgetPlusVariance);
    let report = monitor(&plan, &ledger, &march).unwrap();
    let close = year_end(&plan, &report, OutturnBasis::Actuals, &CarryForwardRule::Nothing).unwrap();
    let config = WaterfallConfig::section_75(
        chrono::NaiveDate::from_ymd_opt(2018, 3, 31).unwrap(),
        "IFG",
        RiskShareRule::ProRataContributions,
    );
    let ret = year_end_return(
        &plan,
        &report,
        &ledger,
        &close,
        &waterfall(&plan, &report, &ledger, &config).unwrap(),
    )
    .unwrap();
    let mut pack = PresentationContext::new(Precision::THOUSANDS_1DP, Rounding::HalfAwayFromZero);
    let bytes = ReturnWorkbook::year_end(&ret, &mut pack).unwrap().to_bytes().unwrap();
    let mut book: Xlsx<_> = open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    let names = book.sheet_names();
    assert_eq!(names.len(), 9, "{names:?}"); // 8 tables and the exact figures
    assert_eq!(names[3], "4 Outturn (2017-18)");
    assert_eq!(names[8], "Exact figures");
    for name in &names[..7] {
        check_adds_up(name, &table_figures(&book.worksheet_range(name).unwrap()));
    }
    // The allocation table's grand total: the pool's income for the year, 52,119.9.
    let allocation = table_figures(&book.worksheet_range(&names[0]).unwrap());
    assert_eq!(
        allocation.last().unwrap().last().unwrap(),
        &Some("52119900".parse::<Decimal>().unwrap())
    );
}
