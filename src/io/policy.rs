//! Policy data files: the dated policy parameters table, and a published
//! out-of-hospital ring-fence table.

use rust_decimal::Decimal;

use crate::calendar::FinancialYear;
use crate::conditions::{Parameter, PolicyParameters, PolicyRule, PublishedOutOfHospital};
use crate::money::{Money, Unit};

use super::{LoadError, LoadErrorKind, LoadErrors};

/// The columns of a policy parameters table, in order.
const PARAMETER_COLUMNS: [&str; 6] = ["parameter", "from", "to", "value_percent", "confirmed", "source"];

/// Reads a table from CSV text with the header
/// `parameter,from,to,value_percent,confirmed,source` (`to` may be empty
/// for "onward"; `confirmed` is `true` or `false`). Every bad cell is
/// reported with its line, column and value; two rules of one file that
/// cover the same parameter and year are an error.
///
/// # Errors
///
/// Every problem found, as [`LoadErrors`]. A header that cannot be read is one
/// [`LoadErrorKind::Syntax`] error, and a header missing any of the six columns
/// is one [`LoadErrorKind::Layout`] error per missing column, before any row is
/// read. Otherwise: a malformed row, such as one of the wrong width
/// ([`LoadErrorKind::Syntax`]); a cell that cannot be read
/// ([`LoadErrorKind::Value`]): an unknown parameter, a `from` or `to` that is
/// not a financial year, a `value_percent` that is not a decimal, a `confirmed`
/// other than `true` or `false`, or an empty `source`; and a rule that ends
/// before it starts, or covers a parameter and year an earlier rule covers
/// ([`LoadErrorKind::Dataset`]).
pub fn read_policy_parameters(source: &str, text: &str) -> Result<PolicyParameters, LoadErrors> {
    let (mut reader, headers) = super::csv_with_header(source, text)?;
    let pos = super::column_positions(source, &headers, PARAMETER_COLUMNS)?;
    let mut errors = Vec::new();
    let [p_param, p_from, p_to, p_value, p_confirmed, p_source] = pos;
    let mut rules: Vec<(u64, PolicyRule)> = Vec::new();
    for item in super::numbered_records(source, text, &mut reader) {
        let Some((line, record)) = super::kept(item, &mut errors) else {
            continue;
        };
        let cell = |i: usize| record.get(i).unwrap_or("").trim();
        let mut bad = |col: &str, value: &str, problem: String| {
            errors.push(LoadError::cell(source, line, col, value, problem));
        };
        let parameter = cell(p_param)
            .parse::<Parameter>()
            .map_err(|e| bad("parameter", cell(p_param), e));
        let from = cell(p_from)
            .parse::<FinancialYear>()
            .map_err(|e| bad("from", cell(p_from), e.to_string()));
        let to = if cell(p_to).is_empty() {
            Ok(None)
        } else {
            cell(p_to)
                .parse::<FinancialYear>()
                .map(Some)
                .map_err(|e| bad("to", cell(p_to), e.to_string()))
        };
        let value = Decimal::from_str_exact(cell(p_value))
            .map_err(|_| bad("value_percent", cell(p_value), "not a decimal percentage".to_string()));
        let confirmed = match cell(p_confirmed) {
            "true" => Ok(true),
            "false" => Ok(false),
            other => {
                bad("confirmed", other, "must be true or false".to_string());
                Err(())
            }
        };
        let src = cell(p_source).to_string();
        if src.is_empty() {
            bad(
                "source",
                "",
                "every rule must say where its value comes from".to_string(),
            );
        }
        if let (Ok(parameter), Ok(from), Ok(to), Ok(value_percent), Ok(confirmed)) =
            (parameter, from, to, value, confirmed)
        {
            if let Some(t) = to {
                if t < from {
                    errors.push(
                        LoadError::cell(
                            source,
                            line,
                            "to",
                            &t.to_string(),
                            format!("ends before it starts ({from})"),
                        )
                        .with_kind(LoadErrorKind::Dataset),
                    );
                    continue;
                }
            }
            let rule = PolicyRule {
                parameter,
                from,
                to,
                value_percent,
                confirmed,
                source: src,
            };
            if let Some((first, _)) = rules.iter().find(|(_, r)| r.overlaps(&rule)) {
                errors.push(
                    LoadError::cell(
                        source,
                        line,
                        "from",
                        &from.to_string(),
                        format!("{} already has a rule for these years (line {first})", rule.parameter),
                    )
                    .with_kind(LoadErrorKind::Dataset),
                );
                continue;
            }
            rules.push((line, rule));
        }
    }
    if errors.is_empty() {
        Ok(PolicyParameters {
            rules: rules.into_iter().map(|(_, r)| r).collect(),
        })
    } else {
        Err(LoadErrors::new(errors))
    }
}

/// Writes the table as CSV in the layout [`read_policy_parameters`] reads.
///
/// # Errors
///
/// One [`LoadErrorKind::Write`] error if the CSV writer fails or its output is
/// not UTF-8. Neither happens in practice (the CSV is written to memory, every
/// row has the six columns and every field is text); the error is passed on
/// rather than hidden.
pub fn write_policy_parameters(params: &PolicyParameters) -> Result<String, LoadErrors> {
    let fail = |e: csv::Error| {
        LoadErrors::one(LoadError::file(
            "policy parameters",
            LoadErrorKind::Write,
            format!("cannot write: {e}"),
        ))
    };
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(PARAMETER_COLUMNS).map_err(fail)?;
    for r in &params.rules {
        let to = r.to.map(|t| t.to_string()).unwrap_or_default();
        let confirmed = if r.confirmed { "true" } else { "false" };
        w.write_record([
            r.parameter.key(),
            &r.from.to_string(),
            &to,
            &r.value_percent.to_string(),
            confirmed,
            &r.source,
        ])
        .map_err(fail)?;
    }
    let bytes = w.into_inner().map_err(|e| {
        LoadErrors::one(LoadError::file(
            "policy parameters",
            LoadErrorKind::Write,
            format!("cannot write: {e}"),
        ))
    })?;
    String::from_utf8(bytes).map_err(|e| {
        LoadErrors::one(LoadError::file(
            "policy parameters",
            LoadErrorKind::Write,
            e.to_string(),
        ))
    })
}

/// Reads an out-of-hospital table in £'000: header `item,amount_2017_18,...`;
/// rows whose item mentions "ring-fence", "spend" and "variance".
///
/// # Errors
///
/// Every problem found, as [`LoadErrors`]: a header that cannot be read is one
/// [`LoadErrorKind::Syntax`] error; otherwise a column after the first not
/// named `amount_YYYY_YY` ([`LoadErrorKind::Layout`]), a malformed row, such as
/// one of the wrong width ([`LoadErrorKind::Syntax`]), a row whose item is not
/// a ring-fence, spend or variance row, or an amount that is not a sum in £'000
/// ([`LoadErrorKind::Value`]), and a year lacking any of the three rows
/// ([`LoadErrorKind::Dataset`]).
pub fn read_out_of_hospital(source: &str, text: &str) -> Result<Vec<PublishedOutOfHospital>, LoadErrors> {
    let (mut reader, headers) = super::csv_with_header(source, text)?;
    let mut errors = Vec::new();
    let mut years: Vec<(usize, FinancialYear)> = Vec::new();
    for (i, h) in headers.iter().enumerate().skip(1) {
        match h.trim().strip_prefix("amount_").map(|y| y.parse::<FinancialYear>()) {
            Some(Ok(y)) => years.push((i, y)),
            _ => errors.push(LoadError::header(source, h, "expected a column amount_YYYY_YY")),
        }
    }
    // [year] -> (ring-fence, spend, variance)
    let mut found: Vec<[Option<Money>; 3]> = vec![[None; 3]; years.len()];
    for item in super::numbered_records(source, text, &mut reader) {
        let Some((line, record)) = super::kept(item, &mut errors) else {
            continue;
        };
        let item = record.get(0).unwrap_or("").to_ascii_lowercase();
        let slot = if item.contains("ring-fence") {
            0
        } else if item.contains("variance") {
            2
        } else if item.contains("spend") {
            1
        } else {
            errors.push(LoadError::cell(
                source,
                line,
                "item",
                &item,
                "expected a ring-fence, spend or variance row".to_string(),
            ));
            continue;
        };
        for ((i, _), f) in years.iter().zip(found.iter_mut()) {
            let raw = record.get(*i).unwrap_or("");
            match Money::parse(raw, Unit::Thousands) {
                Ok(m) => {
                    if let Some(s) = f.get_mut(slot) {
                        *s = Some(m);
                    }
                }
                Err(e) => errors.push(LoadError::cell(
                    source,
                    line,
                    headers.get(*i).unwrap_or(""),
                    raw,
                    e.to_string(),
                )),
            }
        }
    }
    let mut out = Vec::new();
    for ((_, year), f) in years.iter().zip(found) {
        match f {
            [Some(ring_fence), Some(planned_spend), Some(variance)] => out.push(PublishedOutOfHospital {
                year: *year,
                ring_fence,
                planned_spend,
                variance,
            }),
            _ => errors.push(LoadError::file(
                source,
                LoadErrorKind::Dataset,
                format!("{year}: needs a ring-fence, a spend and a variance row"),
            )),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(LoadErrors::new(errors))
    }
}
