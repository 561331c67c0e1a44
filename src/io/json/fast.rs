//! The JSON reader's fast path, for plan documents that need no error
//! report. As for tidy CSV (see `io::tidy`), a large plan document is
//! almost all scheme lines: here they are deserialized with their strings
//! borrowed from the text (no string per amount) and put straight into the
//! plan's line table, ids resolved against what the document declares.
//! Everything else goes through the plan document and the builder as in
//! the careful reader, so those rules are written once.
//!
//! The fast path gives up (`None`) at the first thing it does not expect:
//! a document serde or the format refuses, an unknown id, a negative or
//! unreadable amount, a joint commissioner whose shares do not add to 100,
//! or a plan the builder refuses. The careful reader then reads the text
//! again and reports every error where it is.

use std::borrow::Cow;

use serde::Deserialize;

use super::document::{own_precision, year_text, AllocationDocument, ContingencyDocument, PlanDocument};
use super::FORMAT;
use crate::calendar::FinancialYear;
use crate::io::resolve::{plain_amount, Head};
use crate::money::{Money, Precision, Unit};
use crate::plan::{
    Commissioner, Contributor, FundingGroup, FundingSource, LineAttributes, LineTableBuilder, Plan, Programme,
};

/// A plan document whose lines borrow their strings from the text.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Document<'a> {
    #[serde(borrow)]
    format: Cow<'a, str>,
    name: String,
    #[serde(default)]
    input_precision: Option<Precision>,
    #[serde(deserialize_with = "year_text::deserialize_vec")]
    years: Vec<FinancialYear>,
    contributors: Vec<Contributor>,
    sources: Vec<FundingSource>,
    #[serde(default)]
    groups: Vec<FundingGroup>,
    allocations: Vec<AllocationDocument>,
    programmes: Vec<Programme>,
    #[serde(borrow)]
    lines: Vec<Line<'a>>,
    #[serde(default)]
    contingency: Vec<ContingencyDocument>,
}

/// A scheme line, as the careful reader's `LineDocument`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Line<'a> {
    #[serde(borrow)]
    id: Cow<'a, str>,
    #[serde(borrow)]
    programme: Cow<'a, str>,
    #[serde(borrow)]
    name: Cow<'a, str>,
    #[serde(default)]
    attributes: LineAttributes,
    #[serde(borrow)]
    amounts: Vec<Amount<'a>>,
}

/// An amount, as the careful reader's `AmountDocument`, its figure unread.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Amount<'a> {
    #[serde(borrow)]
    contributor: Cow<'a, str>,
    #[serde(deserialize_with = "year_text::deserialize")]
    year: FinancialYear,
    #[serde(borrow)]
    funding: Cow<'a, str>,
    #[serde(borrow)]
    amount: Cow<'a, str>,
    #[serde(default, deserialize_with = "own_precision::deserialize")]
    precision: Option<Option<Precision>>,
}

/// Reads `text` if it is a valid plan document; `None` sends it to the
/// careful reader.
pub(super) fn read(text: &str) -> Option<Plan> {
    let doc: Document<'_> = serde_json::from_str(text).ok()?;
    if doc.format != FORMAT {
        return None;
    }
    // The lines stay borrowed here; the rest is the careful reader's document.
    let lines = doc.lines;
    let rest = PlanDocument {
        format: doc.format.into_owned(),
        name: doc.name,
        input_precision: doc.input_precision,
        years: doc.years,
        contributors: doc.contributors,
        sources: doc.sources,
        groups: doc.groups,
        allocations: doc.allocations,
        programmes: doc.programmes,
        lines: Vec::new(),
        contingency: doc.contingency,
    };
    let head = Head::of(rest.declared())?;
    let amounts = lines.iter().map(|l| l.amounts.len()).sum();
    let text_len = lines.iter().map(|l| l.id.len().saturating_add(l.name.len())).sum();
    let mut table = LineTableBuilder::with_capacity(lines.len(), amounts, text_len);
    for line in lines {
        // The careful reader's builder refuses a joint split not adding to 100.
        if let Some(Commissioner::Joint {
            nhs_percent,
            la_percent,
        }) = line.attributes.commissioner
        {
            let sum = nhs_percent.checked_add(la_percent);
            if nhs_percent.is_sign_negative()
                || la_percent.is_sign_negative()
                || sum != Some(rust_decimal::Decimal::ONE_HUNDRED)
            {
                return None;
            }
        }
        let p = head.programme(&line.programme)?;
        table.push_line(&line.id, &line.name, p, line.attributes).ok()?;
        for a in line.amounts {
            let cell = crate::plan::Cell {
                programme: p,
                contributor: head.contributor(&a.contributor)?,
                year: head.year_of_plan(a.year)?,
                funding: head.funding(&a.funding)?,
                precision: a.precision.unwrap_or(rest.input_precision),
            };
            let c = table.intern(cell).ok()?;
            match plain_amount(&a.amount) {
                Some((units, scale)) => table.push_units(c, units, scale).ok()?,
                None => {
                    let m = Money::parse(&a.amount, Unit::Pounds).ok()?;
                    if m.is_negative() {
                        return None;
                    }
                    table.push_interned(c, m).ok()?;
                }
            }
        }
    }
    rest.into_builder().resolved_lines(table).build().ok()
}

#[cfg(test)]
mod tests {
    use super::super::{write_plan_json, PlanDocument};
    use super::read;
    use crate::plan::Plan;

    /// What the careful reader builds from `text`, if anything.
    fn careful(text: &str) -> Option<Plan> {
        serde_json::from_str::<PlanDocument>(text)
            .ok()
            .filter(|d| d.format == super::FORMAT)?
            .into_plan()
            .ok()
    }

    #[test]
    fn the_fast_path_reads_what_the_careful_reader_reads() {
        let plan = crate::data::leicestershire::expenditure_plan().unwrap().plan;
        let text = write_plan_json(&plan).unwrap();
        assert_eq!(read(&text), Some(plan.clone()));
        assert_eq!(read(&text), careful(&text));
        // Every bad-input document: declined, or read as the careful reader reads it.
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bad_input");
        let mut seen = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().and_then(|e| e.to_str()) != Some("json") {
                continue;
            }
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            if let Some(fast) = read(&text) {
                assert_eq!(Some(fast), careful(&text), "{}", path.display());
            }
            seen += 1;
        }
        assert!(seen >= 8, "{seen} documents");
        // A joint split not adding to 100, a negative amount, an unknown
        // contributor, an amount as a JSON number: declined.
        for (from, to) in [
            ("\"amount\": \"1", "\"amount\": \"-1"),
            ("\"contributor\": \"wl_ccg\"", "\"contributor\": \"nobody\""),
            ("\"amount\": \"", "\"amount\": 1, \"x\": \""),
        ] {
            let bad = text.replacen(from, to, 1);
            assert_ne!(bad, text, "{from}");
            assert!(read(&bad).is_none(), "{to}");
        }
    }

    #[cfg(feature = "proptest")]
    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(128))]

        #[test]
        fn generated_plans_read_fast_as_the_careful_reader_reads_them(
            plan in crate::strategies::balanced_plan(crate::strategies::PlanShape::default()),
        ) {
            let text = write_plan_json(&plan).unwrap();
            let fast = read(&text);
            proptest::prop_assert_eq!(fast.as_ref(), Some(&plan));
            proptest::prop_assert_eq!(fast, careful(&text));
        }
    }
}
