//! Hostile plan files (issue 11): each one hid a real error behind an
//! inflated rounding bound, or was misread, and reconciled as "balanced".
//! Each must now be refused when read (the `reconcile` example exits 2) or
//! reconcile with an error (exit 1), never pass (exit 0).
//!
//! These tests use only the loading and reconciling API that existed before
//! the fix, so they were run against the old code too: every one of them
//! failed there (see the commit message).

use bcf_model::data::leicestershire;
use bcf_model::io::{plan_from_bytes_with, LoadOptions};
use bcf_model::reconcile::reconcile;

/// What a reader and reconciliation make of a file: refused when read
/// (`Err` with the first problem), or reconciled (`Ok(balanced)`).
fn verdict(name: &str, text: &str) -> Result<bool, String> {
    // A published-layout table is read in the layout of the plan it comes
    // from, as the `reconcile` example does.
    let options = LoadOptions {
        layout: Some(leicestershire::expenditure_plan_layout()),
        ..LoadOptions::default()
    };
    match plan_from_bytes_with(name, text.as_bytes(), &options) {
        Err(e) => Err(e.to_string()),
        Ok(plan) => match reconcile(&plan) {
            Ok(rec) => Ok(rec.is_balanced()),
            Err(e) => Err(e.to_string()),
        },
    }
}

/// Never "balanced": refused, or reconciled with an error.
fn assert_not_passed(name: &str, text: &str) {
    let v = verdict(name, text);
    assert_ne!(v, Ok(true), "{name} passed as balanced:\n{text}");
}

const HEADER: &str = "record,id,name,kind,programme,contributor,year,funding,amount\n";

/// A tidy plan: one contributor, one year, one source, with the given plan
/// row precision, allocation rows and line rows (`id,amount`).
fn tidy(precision: &str, allocations: &[&str], lines: &[(&str, &str)]) -> String {
    let mut t = String::from(HEADER);
    t.push_str(&format!("plan,,Hostile,{precision},,,,,\n"));
    t.push_str("year,,,,,,2017/18,,\n");
    t.push_str("contributor,ccg,Example CCG,Ccg,,,,,\n");
    t.push_str("source,min,NHS minimum,NhsMinimum,,,,,\n");
    for a in allocations {
        t.push_str(&format!("allocation,,,,,ccg,2017/18,min,\"{a}\"\n"));
    }
    t.push_str("programme,P,Programme,,,,,,\n");
    for (id, amount) in lines {
        if amount.is_empty() {
            t.push_str(&format!("line,{id},Line {id},,P,ccg,2017/18,min,\n"));
        } else {
            t.push_str(&format!("line,{id},Line {id},,P,ccg,2017/18,min,\"{amount}\"\n"));
        }
    }
    t
}

/// A JSON plan with the same shape, an input precision and allocations.
fn json(precision: Option<(&str, u32)>, allocations: &[&str], line: &str) -> String {
    let precision = precision
        .map(|(u, d)| format!("\"input_precision\": {{ \"unit\": \"{u}\", \"decimals\": {d} }},\n"))
        .unwrap_or_default();
    let allocations: Vec<String> = allocations
        .iter()
        .map(|a| {
            format!("{{ \"source\": \"min\", \"contributor\": \"ccg\", \"year\": \"2017/18\", \"amount\": \"{a}\" }}")
        })
        .collect();
    format!(
        "{{\n\"format\": \"bcf-model/plan@1\",\n\"name\": \"Hostile\",\n{precision}\
         \"years\": [\"2017/18\"],\n\
         \"contributors\": [{{ \"id\": \"ccg\", \"name\": \"CCG\", \"kind\": \"Ccg\" }}],\n\
         \"sources\": [{{ \"id\": \"min\", \"name\": \"Min\", \"kind\": \"NhsMinimum\" }}],\n\
         \"allocations\": [{}],\n\
         \"programmes\": [{{ \"id\": \"P\", \"name\": \"P\" }}],\n\
         \"lines\": [{{ \"id\": \"a\", \"programme\": \"P\", \"name\": \"A\", \"amounts\": \
         [{{ \"contributor\": \"ccg\", \"year\": \"2017/18\", \"funding\": \"min\", \"amount\": \"{line}\" }}] }}]\n}}\n",
        allocations.join(", ")
    )
}

/// Finding 1: a precision finer than 28 decimals made every difference
/// "within the rounding bound £79,228,…": £1,000,000 against £100,100.
#[test]
fn a_precision_beyond_28_decimals_is_refused() {
    for p in ["Pounds:29", "Thousands:255", "Millions:29"] {
        assert_not_passed("p.csv", &tidy(p, &["1000000"], &[("a", "100100")]));
        assert!(
            verdict("p.csv", &tidy(p, &["1000000"], &[("a", "100100")])).is_err(),
            "{p}"
        );
    }
    for d in [29, 255] {
        let text = json(Some(("Pounds", d)), &["1000000"], "100100");
        assert_not_passed("p.json", &text);
        assert!(verdict("p.json", &text).is_err(), "{d} decimals");
    }
}

/// The published Leicestershire plan, with `edit` applied to its text.
fn published(edit: impl Fn(&str) -> String) -> String {
    edit(include_str!("../data/expenditure_plan_gbp_thousands.csv"))
}

/// Finding 2: one unrelated cell written `0` instead of `0.0` made the
/// whole plan's bound ten times wider and hid a £19,900 error.
#[test]
fn one_integer_cell_does_not_widen_every_bound() {
    let error = |t: &str| {
        t.replacen(
            "First Contact Plus,,93.6,71.2,0.0,164.8,94.6,71.9,0.0,166.5",
            "First Contact Plus,,113.5,71.2,0.0,164.8,94.6,71.9,0.0,166.5",
            1,
        )
    };
    // Caught when every cell has its one decimal...
    let caught = published(error);
    assert_eq!(verdict("plan.csv", &caught), Ok(false));
    // ...and still caught when one unrelated cell is written as a whole number.
    let with_integer = published(|t| {
        error(t).replacen(
            "Care Act Support Pathway,,257.9,196.1,0.0,454.0,257.9,196.1,0.0,454.0",
            "Care Act Support Pathway,,257.9,196.1,0.0,454.0,257.9,196.1,0,454.0",
            1,
        )
    });
    assert_ne!(with_integer, caught, "the edit applies");
    assert_not_passed("plan.csv", &with_integer);
    // The unedited plan still reconciles (its one 0.1 difference is rounding).
    assert_eq!(verdict("plan.csv", &published(str::to_string)), Ok(true));
}

/// Finding 3: the declared precision was never checked against the
/// amounts: at `Thousands:1` an amount of 899,901 was accepted and a £99 gap
/// called rounding; at `Pounds:0` pence were accepted.
#[test]
fn amounts_off_their_declared_step_are_refused() {
    let off = tidy("Thousands:1", &["899901"], &[("a", "900000")]);
    assert_not_passed("p.csv", &off);
    assert!(verdict("p.csv", &off).is_err());
    let pence = tidy("Pounds:0", &["1000.50"], &[("a", "1000")]);
    assert_not_passed("p.csv", &pence);
    assert!(verdict("p.csv", &pence).is_err());
    let json_off = json(Some(("Thousands", 1)), &["899901"], "900000");
    assert_not_passed("p.json", &json_off);
    // On their steps, the same figures read.
    assert_eq!(
        verdict("p.csv", &tidy("Thousands:1", &["900000"], &[("a", "900000")])),
        Ok(true)
    );
}

/// Finding 4: 200 rows with blank amounts counted as printed figures and
/// widened the bound enough to hide a £10,000 error.
#[test]
fn blank_amounts_add_nothing_to_the_bound() {
    let mut lines = vec![("a", "990000")];
    let ids: Vec<String> = (0..200).map(|i| format!("b{i}")).collect();
    for id in &ids {
        lines.push((id.as_str(), ""));
    }
    let padded = tidy("Thousands:1", &["1000000"], &lines);
    assert_eq!(verdict("p.csv", &padded), Ok(false), "the £10,000 error is found");
}

/// Finding 5: two allocation rows for one source, contributor and year were
/// summed silently (a repeated line amount was refused).
#[test]
fn a_duplicate_allocation_is_refused() {
    let text = tidy("", &["500000", "500000"], &[("a", "1000000")]);
    assert_not_passed("p.csv", &text);
    assert!(verdict("p.csv", &text).is_err());
    let text = json(None, &["500000", "500000"], "1000000");
    assert_not_passed("p.json", &text);
    assert!(verdict("p.json", &text).is_err());
}
