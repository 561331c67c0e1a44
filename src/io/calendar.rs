//! The policy calendar file: one dated rule per row, each with its source.

use rust_decimal::Decimal;

use crate::calendar::FinancialYear;
use crate::money::{Money, Unit};
use crate::policy::{PolicyCalendar, PolicyCalendarError, PolicyRow, PolicySource, PolicyValue, Topic};

use super::{LoadError, LoadErrorKind, LoadErrors};

/// The columns of a policy calendar, in order.
const COLUMNS: [&str; 10] = [
    "topic",
    "key",
    "from",
    "to",
    "value",
    "unit",
    "confirmed",
    "source_title",
    "source_url",
    "note",
];

/// Reads a policy calendar from CSV text with the header
/// `topic,key,from,to,value,unit,confirmed,source_title,source_url,note`.
///
/// `topic` is one of the [`Topic`] keys (`nhs_minimum_uplift`,
/// `social_care_maintenance`, `out_of_hospital`, `condition`, `stream`,
/// `planning_mode`, `metric`); `from` and `to` are financial years (`to` is
/// required: no rule is open-ended); `unit` says how to read `value`:
/// `percent` (a decimal percentage), `gbp_million` (a national amount in
/// £m, read exactly) or `text` (wording); a blank `value` is a rule without
/// a figure. `confirmed` is `true` or `false`; `source_title` is required,
/// `source_url` may be blank only when the copy read recorded no address.
///
/// # Errors
///
/// Every problem found, as [`LoadErrors`]: a header that cannot be read or a
/// malformed row ([`LoadErrorKind::Syntax`]); a missing column
/// ([`LoadErrorKind::Layout`]); a cell that cannot be read, such as an unknown
/// topic or unit, a year that is not a financial year, a blank `to`, a value
/// that is not a number for its unit, or a `confirmed` other than `true` or
/// `false` ([`LoadErrorKind::Value`]); and the calendar's own rules (a rule
/// ending before it starts, without a key or source title, or overlapping an
/// earlier rule of the same topic and key: [`LoadErrorKind::Dataset`], on
/// the row's line).
pub fn read_policy_calendar(source: &str, text: &str) -> Result<PolicyCalendar, LoadErrors> {
    let (mut reader, headers) = super::csv_with_header(source, text)?;
    let pos = super::column_positions(source, &headers, COLUMNS)?;
    let mut errors = Vec::new();
    let [p_topic, p_key, p_from, p_to, p_value, p_unit, p_confirmed, p_title, p_url, p_note] = pos;
    let mut rows = Vec::new();
    for item in super::numbered_records(source, text, &mut reader) {
        let Some((line, record)) = super::kept(item, &mut errors) else {
            continue;
        };
        let cell = |i: usize| super::field(&record, i).trim();
        let mut bad = |column: &str, value: &str, problem: String| {
            errors.push(LoadError::cell(source, line, column, value, problem));
        };
        let topic = cell(p_topic)
            .parse::<Topic>()
            .map_err(|e| bad("topic", cell(p_topic), e));
        let year = |i: usize, column: &str, bad: &mut dyn FnMut(&str, &str, String)| {
            let text = cell(i);
            if text.is_empty() {
                bad(
                    column,
                    text,
                    "a rule needs a first and a last year (none is open-ended)".to_string(),
                );
                return None;
            }
            text.parse::<FinancialYear>()
                .map_err(|e| bad(column, text, e.to_string()))
                .ok()
        };
        let from = year(p_from, "from", &mut bad);
        let to = year(p_to, "to", &mut bad);
        let raw = cell(p_value);
        let value = match (cell(p_unit), raw.is_empty()) {
            ("percent" | "gbp_million" | "text", true) => Some(PolicyValue::None),
            ("percent", false) => Decimal::from_str_exact(raw)
                .map(PolicyValue::Percent)
                .map_err(|_| bad("value", raw, "not a decimal percentage".to_string()))
                .ok(),
            ("gbp_million", false) => Money::parse(raw, Unit::Millions)
                .map(PolicyValue::Amount)
                .map_err(|e| bad("value", raw, format!("not an amount in £m: {}", e.kind)))
                .ok(),
            ("text", false) => Some(PolicyValue::Text(raw.to_string())),
            (other, _) => {
                bad(
                    "unit",
                    other,
                    "unknown unit: expected percent, gbp_million or text".to_string(),
                );
                None
            }
        };
        let confirmed = match cell(p_confirmed) {
            "true" => Some(true),
            "false" => Some(false),
            other => {
                bad("confirmed", other, "must be true or false".to_string());
                None
            }
        };
        if let (Ok(topic), Some(from), Some(to), Some(value), Some(confirmed)) = (topic, from, to, value, confirmed) {
            let url = cell(p_url);
            rows.push(PolicyRow {
                topic,
                key: cell(p_key).to_string(),
                from,
                to,
                value,
                confirmed,
                source: PolicySource {
                    title: cell(p_title).to_string(),
                    address: (!url.is_empty()).then(|| url.to_string()),
                },
                note: cell(p_note).to_string(),
                line,
            });
        }
    }
    if !errors.is_empty() {
        return Err(LoadErrors::new(errors));
    }
    PolicyCalendar::new(rows).map_err(|found| {
        LoadErrors::new(
            found
                .into_iter()
                .map(|e| {
                    let (line, column) = match &e {
                        PolicyCalendarError::EndsBeforeStart { line, .. } => (*line, "to"),
                        PolicyCalendarError::NoSource { line } => (*line, "source_title"),
                        PolicyCalendarError::NoKey { line } => (*line, "key"),
                        PolicyCalendarError::Overlap { line, .. } => (*line, "from"),
                    };
                    LoadError::cell(source, line, column, "", e.to_string()).with_kind(LoadErrorKind::Dataset)
                })
                .collect(),
        )
    })
}
