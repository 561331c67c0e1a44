//! Plans survive being written and read back, as JSON and as tidy CSV:
//! equal plans, and identical bytes when a loaded plan is saved again.

use bcf_model::data::leicestershire;
use bcf_model::io::json::{read_plan_json, write_plan_json};
use bcf_model::io::tidy::{read_plan_tidy, read_plan_tidy_reference, write_plan_tidy};
use bcf_model::money::{Money, Precision, Unit};
use bcf_model::plan::{
    Commissioner, ContingencyKind, FundingSourceKind, LineAttributes, LineFlag, NewOrExisting, Plan,
};
use bcf_model::strategies::{balanced_plan, printed_plan, PlanShape};
use proptest::prelude::*;
use rust_decimal::Decimal;
use serde_json::Value;
use std::collections::HashMap;

fn json_round_trip(plan: &Plan) -> Result<(), TestCaseError> {
    let text = write_plan_json(plan).map_err(|e| TestCaseError::fail(e.to_string()))?;
    let again = read_plan_json("p.json", &text).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
    prop_assert_eq!(&again, plan);
    let second = write_plan_json(&again).map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert_eq!(second, text);
    Ok(())
}

fn tidy_round_trip(plan: &Plan) -> Result<(), TestCaseError> {
    let text = write_plan_tidy(plan);
    let again = read_plan_tidy("p.csv", &text).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
    prop_assert_eq!(&again, plan);
    // The fast path (taken by most of these files) equals the reference reader.
    let reference = read_plan_tidy_reference("p.csv", &text).map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert_eq!(&reference, &again);
    prop_assert_eq!(write_plan_tidy(&again), text.clone());
    // The same file with a byte-order mark and CRLF line ends reads the same.
    let crlf = format!("\u{feff}{}", text.replace('\n', "\r\n"));
    // (Names holding line ends would change; the generated ones here have none.)
    if !plan_has_line_ends(plan) {
        let again = read_plan_tidy("p.csv", &crlf).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(&again, plan);
    }
    Ok(())
}

fn plan_has_line_ends(plan: &Plan) -> bool {
    write_plan_json(plan)
        .map(|t| t.contains("\\n") || t.contains("\\r"))
        .unwrap_or(true)
}

/// Text as officers type it, and worse: separators, quotes, pound signs,
/// line ends, spaces at the ends, other scripts.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[A-Za-z0-9 ,\"'£()&;:/-]{0,16}",
        "[ \t]?[a-z]{1,6}[ \t]?",
        "[a-z]{0,4}(\r\n|\n|\r)[a-z]{0,4}",
        "\\PC{0,10}",
    ]
}

fn attributes() -> impl Strategy<Value = LineAttributes> {
    (
        proptest::option::of(text()),
        proptest::option::of(text()),
        proptest::option::of(prop_oneof![
            Just(Commissioner::Nhs),
            Just(Commissioner::LocalAuthority),
            (0i64..=1000).prop_map(|n| Commissioner::Joint {
                nhs_percent: Decimal::new(n, 1),
                la_percent: Decimal::ONE_HUNDRED - Decimal::new(n, 1),
            }),
        ]),
        proptest::option::of(text()),
        proptest::option::of(prop_oneof![Just(NewOrExisting::New), Just(NewOrExisting::Existing)]),
        proptest::option::of(text()),
        proptest::option::of(text()),
        proptest::collection::btree_set(
            prop_oneof![
                Just(LineFlag::NhsProtected),
                Just(LineFlag::MaintainsSocialCare),
                Just(LineFlag::NhsCommissionedOutOfHospital),
                Just(LineFlag::NonRecurrent),
                text().prop_map(LineFlag::Other),
            ],
            0..3,
        ),
    )
        .prop_map(
            |(scheme_type, area_of_spend, commissioner, provider, new_or_existing, ibcf_code, subgroup, flags)| {
                LineAttributes {
                    scheme_type,
                    area_of_spend,
                    commissioner,
                    provider,
                    new_or_existing,
                    ibcf_code,
                    subgroup,
                    flags,
                }
            },
        )
}

/// A generated balanced plan dressed with awkward names, attributes, custom
/// source kinds, a funding group, an `Other` contingency kind and an input
/// precision.
fn dressed_plan() -> impl Strategy<Value = Plan> {
    (
        balanced_plan(PlanShape {
            max_contributors: 3,
            max_years: 2,
            max_programmes: 3,
            max_lines: 6,
            full_range: true,
            funding_groups: false,
        }),
        proptest::collection::vec(text(), 16),
        proptest::collection::vec(attributes(), 6),
        proptest::option::of((
            prop_oneof![Just(Unit::Pounds), Just(Unit::Thousands), Just(Unit::Millions)],
            0u8..4,
        )),
        any::<bool>(),
    )
        .prop_filter_map("a valid dressed plan", |(plan, names, attrs, precision, group)| {
            // Dressed through the JSON document, the plan's written form.
            let mut doc: Value = serde_json::from_str(&write_plan_json(&plan).ok()?).ok()?;
            let mut name = names.iter().cycle();
            let mut next = || Value::String(name.next().cloned().unwrap_or_default());
            doc["name"] = next();
            for c in items(&mut doc, "contributors") {
                c["name"] = next();
            }
            for s in items(&mut doc, "sources") {
                s["name"] = next();
                s["kind"] = serde_json::to_value(FundingSourceKind::Custom(text_of(&next()))).ok()?;
            }
            for p in items(&mut doc, "programmes") {
                p["name"] = next();
            }
            for (l, a) in items(&mut doc, "lines").into_iter().zip(attrs) {
                l["name"] = next();
                if a != LineAttributes::default() {
                    l["attributes"] = serde_json::to_value(a).ok()?;
                }
            }
            for l in items(&mut doc, "contingency") {
                l["name"] = next();
                l["kind"] = serde_json::to_value(ContingencyKind::Other(text_of(&next()))).ok()?;
            }
            // Awkward ids too (never blank: each ends in its position), so
            // the writers must quote, guard and keep them exactly.
            let mut rename = |item: &mut Value, i: usize, renamed: &mut HashMap<String, String>| {
                let new = format!("{}#{i}", text_of(&next()));
                renamed.insert(text_of(&item["id"]), new.clone());
                item["id"] = Value::String(new);
            };
            let (mut contributors, mut sources, mut programmes, mut lines) =
                (HashMap::new(), HashMap::new(), HashMap::new(), HashMap::new());
            for (i, c) in items(&mut doc, "contributors").into_iter().enumerate() {
                rename(c, i, &mut contributors);
            }
            for (i, s) in items(&mut doc, "sources").into_iter().enumerate() {
                rename(s, i, &mut sources);
            }
            for (i, p) in items(&mut doc, "programmes").into_iter().enumerate() {
                rename(p, i, &mut programmes);
            }
            for (i, l) in items(&mut doc, "lines").into_iter().enumerate() {
                rename(l, i, &mut lines);
                l["programme"] = Value::String(programmes.get(&text_of(&l["programme"])).cloned()?);
            }
            for (i, l) in items(&mut doc, "contingency").into_iter().enumerate() {
                rename(l, i + 1000, &mut lines);
            }
            let renamed = |map: &HashMap<String, String>, v: &Value| map.get(&text_of(v)).cloned().map(Value::String);
            for a in items(&mut doc, "allocations") {
                a["source"] = renamed(&sources, &a["source"])?;
                a["contributor"] = renamed(&contributors, &a["contributor"])?;
            }
            for key in ["lines", "contingency"] {
                for l in items(&mut doc, key) {
                    for a in items(l, "amounts") {
                        a["funding"] = renamed(&sources, &a["funding"])?;
                        a["contributor"] = renamed(&contributors, &a["contributor"])?;
                    }
                }
            }
            if group {
                if let Some(first) = items(&mut doc, "sources").first() {
                    let member = first["id"].clone();
                    doc["groups"] = serde_json::json!([{"id": "group", "name": next(), "members": [member]}]);
                }
            }
            // A precision for the plan, and one amount of its own, where the
            // amounts are whole numbers of their steps.
            let precision = precision.and_then(|(unit, decimals)| Precision::new(unit, decimals % 4).ok());
            let amount = |a: &Value| serde_json::from_value::<Money>(a["amount"].clone()).ok();
            let on_step = |a: &Value| amount(a).is_some_and(|m| precision.map_or(true, |p| m.is_multiple_of(p)));
            let mut all_amounts: Vec<Value> = items(&mut doc, "allocations").into_iter().map(|a| a.clone()).collect();
            for key in ["lines", "contingency"] {
                for l in items(&mut doc, key) {
                    all_amounts.extend(items(l, "amounts").into_iter().map(|a| a.clone()));
                }
            }
            match precision {
                Some(p) if all_amounts.iter().all(on_step) => doc["input_precision"] = serde_json::to_value(p).ok()?,
                _ => {
                    if let Some(o) = doc.as_object_mut() {
                        o.remove("input_precision");
                    }
                }
            }
            let own = |a: &Value| -> Option<Value> {
                let pence = amount(a)?.is_multiple_of(Precision::PENCE);
                serde_json::to_value(pence.then_some(Precision::PENCE)).ok()
            };
            if let Some(l) = items(&mut doc, "lines").into_iter().next() {
                if let Some(a) = items(l, "amounts").into_iter().next() {
                    a["precision"] = own(a)?;
                }
            }
            read_plan_json("dressed.json", &serde_json::to_string(&doc).ok()?).ok()
        })
}

/// The items of the list `key` of a JSON object (none if it has none).
fn items<'v>(value: &'v mut Value, key: &str) -> Vec<&'v mut Value> {
    value
        .get_mut(key)
        .and_then(Value::as_array_mut)
        .map(|list| list.iter_mut().collect())
        .unwrap_or_default()
}

/// The text of a JSON string (empty for any other value).
fn text_of(value: &Value) -> String {
    value.as_str().unwrap_or_default().to_string()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn any_generated_plan_survives_json(plan in balanced_plan(PlanShape::default())) {
        json_round_trip(&plan)?;
    }

    #[test]
    fn any_generated_plan_survives_tidy_csv(plan in balanced_plan(PlanShape::default())) {
        tidy_round_trip(&plan)?;
    }

    /// Figures printed each to its own precision (and groups) survive both:
    /// the precisions are part of the plan.
    #[test]
    fn printed_plans_survive_both((_, printed) in printed_plan(PlanShape::default())) {
        json_round_trip(&printed)?;
        tidy_round_trip(&printed)?;
    }

    #[test]
    fn awkward_names_and_attributes_survive_both(plan in dressed_plan()) {
        json_round_trip(&plan)?;
        tidy_round_trip(&plan)?;
    }
}

#[test]
fn the_published_plan_survives_both_and_json_bytes_are_stable() {
    let plan = leicestershire::expenditure_plan().expect("embedded plan").plan;
    let json = write_plan_json(&plan).expect("writes");
    assert!(json.ends_with("}\n"));
    assert!(
        json.contains("\"amount\": \"20843500\""),
        "money is a JSON string of pounds"
    );
    let from_json = read_plan_json("l.json", &json).expect("reads");
    assert_eq!(from_json, plan);
    assert_eq!(write_plan_json(&from_json).expect("writes"), json);

    let csv = write_plan_tidy(&plan);
    let from_csv = read_plan_tidy("l.csv", &csv).expect("reads");
    assert_eq!(from_csv, plan);
    assert!(from_csv
        .lines()
        .iter()
        .flat_map(|l| l.amounts())
        .all(|a| a.precision == Some(Precision::THOUSANDS_1DP)));
    // Tidy and JSON describe the same plan.
    assert_eq!(from_csv, from_json);
}

#[test]
fn amounts_are_exact_whatever_their_scale() {
    let csv = "record,id,name,kind,programme,contributor,year,funding,amount\n\
plan,,p,,,,,,\n\
year,,,,,,2017/18,,\n\
contributor,c,C,Ccg,,,,,\n\
source,s,S,Dfg,,,,,\n\
allocation,,,,,c,2017/18,s,\"79,228,162,514,264,337,593,543,950,335\"\n\
programme,P,P,,,,,,\n\
line,l,L,,P,c,2017/18,s,0.0000000000000000000000000001\n";
    let plan = read_plan_tidy("x.csv", csv).expect("reads");
    let json = write_plan_json(&plan).expect("writes");
    assert!(json.contains("\"79228162514264337593543950335\""), "{json}");
    assert!(json.contains("\"0.0000000000000000000000000001\""), "{json}");
    assert_eq!(read_plan_json("x.json", &json).expect("reads"), plan);
}

/// A written plan leaves out what a line does not have: no `null`
/// attributes, no empty flag lists (issue 15, item 10).
#[test]
fn json_omits_empty_attributes() {
    let plan = leicestershire::expenditure_plan().unwrap().plan;
    let text = write_plan_json(&plan).unwrap();
    assert!(!text.contains("null"), "a null was written");
    assert!(!text.contains("\"flags\": []"), "an empty flag list was written");
    assert_eq!(read_plan_json("p.json", &text).unwrap(), plan);
}
