//! The tidy writer: a plan as tidy CSV rows, in a fixed order.

use super::keywords::{commissioner_text, contingency_kind_text, contributor_kind_text, flag_text, source_kind_text};
use super::{guard, HEADER, TEXT_COLUMNS};
use crate::io::json::{money_text, PlanDocument};
use crate::money::Precision;
use crate::plan::{NewOrExisting, Plan};

/// Writes `plan` as a tidy CSV plan file (LF line ends, fields quoted only
/// where needed), in a fixed order: plan, years, contributors, sources,
/// groups and members, allocations, programmes, lines, attributes,
/// contingency. Reading it back gives an equal plan.
///
/// The plan row gives the precision most amounts were printed to; an amount
/// of another precision says so in its `precision` cell (`exact` for an
/// exact amount under a printed plan). Ids and names that a spreadsheet
/// would run as a formula (beginning `=`, `+`, `-`, `@`, a tab or a carriage
/// return), or that begin with `'`, are written with a leading `'`, which
/// the reader removes, so the file opens safely and reads back exactly.
///
/// ```
/// use bcf_model::io::tidy::{read_plan_tidy, write_plan_tidy};
///
/// let plan = bcf_model::data::leicestershire::expenditure_plan()?.plan;
/// let text = write_plan_tidy(&plan);
/// assert!(text.starts_with("record,id,name,kind,programme,contributor,year,funding,amount,precision\n"));
/// assert!(text.contains("\nplan,,expenditure_plan_gbp_thousands.csv,Thousands:1,"));
/// assert_eq!(read_plan_tidy("plan.csv", &text)?, plan);
/// # Ok::<(), bcf_model::io::LoadErrors>(())
/// ```
pub fn write_plan_tidy(plan: &Plan) -> String {
    let doc = PlanDocument::from_plan(plan);
    let mut out = String::new();
    let mut row = |cells: [&str; 10]| {
        for (i, c) in cells.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            if TEXT_COLUMNS.contains(&i) {
                push_field(&mut out, &guard(c));
            } else {
                push_field(&mut out, c);
            }
        }
        out.push('\n');
    };
    row(HEADER);
    let default = doc.input_precision.map(Precision::code).unwrap_or_default();
    let own = |p: Option<Option<Precision>>| match p {
        None => String::new(),
        Some(None) => "exact".to_string(),
        Some(Some(p)) => p.code(),
    };
    row(["plan", "", &doc.name, &default, "", "", "", "", "", ""]);
    for y in &doc.years {
        row(["year", "", "", "", "", "", &y.to_string(), "", "", ""]);
    }
    for c in &doc.contributors {
        row([
            "contributor",
            &c.id,
            &c.name,
            contributor_kind_text(c.kind),
            "",
            "",
            "",
            "",
            "",
            "",
        ]);
    }
    for s in &doc.sources {
        row([
            "source",
            &s.id,
            &s.name,
            &source_kind_text(&s.kind),
            "",
            "",
            "",
            "",
            "",
            "",
        ]);
    }
    for g in &doc.groups {
        row(["group", &g.id, &g.name, "", "", "", "", "", "", ""]);
        for m in &g.members {
            row(["member", &g.id, "", "", "", "", "", m, "", ""]);
        }
    }
    for a in &doc.allocations {
        row([
            "allocation",
            "",
            "",
            "",
            "",
            &a.contributor,
            &a.year.to_string(),
            &a.source,
            &money_text(a.amount),
            &own(a.precision),
        ]);
    }
    for p in &doc.programmes {
        row(["programme", &p.id, &p.name, "", "", "", "", "", "", ""]);
    }
    for l in &doc.lines {
        if l.amounts.is_empty() {
            row(["line", &l.id, &l.name, "", &l.programme, "", "", "", "", ""]);
        }
        for a in &l.amounts {
            row([
                "line",
                &l.id,
                &l.name,
                "",
                &l.programme,
                &a.contributor,
                &a.year.to_string(),
                &a.funding,
                &money_text(a.amount),
                &own(a.precision),
            ]);
        }
    }
    for l in &doc.lines {
        let a = &l.attributes;
        let mut attr = |kind: &str, value: &str| row(["attribute", &l.id, value, kind, "", "", "", "", "", ""]);
        let texts = [
            ("scheme_type", &a.scheme_type),
            ("area_of_spend", &a.area_of_spend),
            ("provider", &a.provider),
            ("ibcf_code", &a.ibcf_code),
            ("subgroup", &a.subgroup),
        ];
        for (kind, value) in texts {
            if let Some(v) = value {
                attr(kind, v);
            }
        }
        if let Some(c) = a.commissioner {
            attr("commissioner", &commissioner_text(c));
        }
        if let Some(n) = a.new_or_existing {
            attr(
                "new_or_existing",
                match n {
                    NewOrExisting::New => "New",
                    NewOrExisting::Existing => "Existing",
                },
            );
        }
        for f in &a.flags {
            attr("flag", &flag_text(f));
        }
    }
    for l in &doc.contingency {
        let kind = contingency_kind_text(&l.kind);
        if l.amounts.is_empty() {
            row(["contingency", &l.id, &l.name, &kind, "", "", "", "", "", ""]);
        }
        for a in &l.amounts {
            row([
                "contingency",
                &l.id,
                &l.name,
                &kind,
                "",
                &a.contributor,
                &a.year.to_string(),
                &a.funding,
                &money_text(a.amount),
                &own(a.precision),
            ]);
        }
    }
    out
}

/// A CSV field, quoted if it holds a comma, quote, line end or edge space.
fn push_field(out: &mut String, field: &str) {
    let needs_quotes = field.contains([',', '"', '\r', '\n'])
        || field.starts_with(char::is_whitespace)
        || field.ends_with(char::is_whitespace);
    if needs_quotes {
        out.push('"');
        out.push_str(&field.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(field);
    }
}
