//! Prints the policy calendar year by year, 2017/18 to 2025/26: how areas
//! planned, the NHS minimum uplift, the social care and out-of-hospital
//! rules, the national conditions, the funding streams and the metrics in
//! force, each with its source. A figure the calendar could not confirm
//! from a public source is marked `(not confirmed)`; the checks answer
//! CANNOT TELL on it rather than assume it.
//!
//! Run with `cargo run --example policy_calendar`.

use bcf_model::calendar::FinancialYear;
use bcf_model::money::Render;
use bcf_model::money::{Precision, Unit};
use bcf_model::policy::{PolicyRow, PolicyValue, Topic};
use bcf_model::text::escape;

fn value(row: &PolicyRow) -> Result<String, Box<dyn std::error::Error>> {
    Ok(match &row.value {
        PolicyValue::Percent(p) => format!("{p}%"),
        PolicyValue::Amount(m) => format!("{}m", m.render(Precision::new(Unit::Millions, 0)?.format())),
        PolicyValue::Text(t) => escape(t).into_owned(),
        _ => "(no figure)".to_string(),
    })
}

fn source(row: &PolicyRow) -> String {
    let address = row.source.address.as_deref().unwrap_or("no address recorded");
    format!("{} <{}>", escape(&row.source.title), escape(address))
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let calendar = bcf_model::data::policy_calendar()?;
    let (first, last) = calendar.span().ok_or("the calendar is empty")?;
    let mut year: FinancialYear = first;
    loop {
        println!("=== {year} ===");
        for topic in Topic::ALL {
            let rows: Vec<&PolicyRow> = calendar.in_force(topic, year).collect();
            if rows.is_empty() {
                println!("  {topic}: no rule (a check on it CANNOT TELL)");
                continue;
            }
            for row in rows {
                let mark = if row.confirmed { "" } else { " (not confirmed)" };
                println!("  {topic} {}: {}{mark}", escape(&row.key), value(row)?);
                println!("      source: {}", source(row));
            }
        }
        if year >= last {
            break;
        }
        year = year.next()?;
    }
    Ok(())
}
