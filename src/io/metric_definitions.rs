//! The metric definitions file: how each metric of the policy calendar was
//! defined (formula, polarity, population base, period), each row with its
//! source and which fields it confirms.

use crate::calendar::FinancialYear;
use crate::metrics::{AgeBand, FormulaKind, MetricField, MetricSpec, PeriodBasis, Polarity};
use crate::policy::PolicySource;

use super::{LoadError, LoadErrors};

/// The columns of a metric definitions file, in order.
const COLUMNS: [&str; 14] = [
    "key",
    "from",
    "to",
    "id",
    "name",
    "formula",
    "polarity",
    "base",
    "period",
    "confirmed",
    "unconfirmed",
    "source_title",
    "source_url",
    "note",
];

/// Reads metric definitions from CSV text with the header
/// `key,from,to,id,name,formula,polarity,base,period,confirmed,unconfirmed,source_title,source_url,note`.
///
/// `key`, `from` and `to` name the policy calendar's `metric` row the
/// definition belongs to; `id` is the metric id
/// ([`crate::metrics::ids`]). `formula` is a [`FormulaKind`] key
/// (`rate_per_100k`, `monthly_rate_per_100k_of_annual_count`, `percentage`,
/// `directly_standardised_rate_per_100k`), `polarity` `lower is better` or
/// `higher is better`, `base` `all ages`, `18+` or `65+`, `period` a
/// [`PeriodBasis`] key (`year`, `month`, `quarter`, `three_month_cohort`);
/// any of the four may be blank when no source gave even a lead.
/// `confirmed` is `true` or `false`, `unconfirmed` lists the fields not
/// confirmed from the source, separated by `;` (`formula;base`).
/// Whether those agree with each other and with the calendar is checked
/// when they are joined ([`crate::metrics::MetricCalendar::new`]).
///
/// # Errors
///
/// Every problem found, as [`LoadErrors`]: a header that cannot be read or
/// a malformed row ([`super::LoadErrorKind::Syntax`]), a missing column
/// ([`super::LoadErrorKind::Layout`]), and a cell that cannot be read (a
/// year that is not a financial year, an unknown formula, polarity, base,
/// period or field, a blank key, id, name or source title, a `confirmed`
/// other than `true` or `false`: [`super::LoadErrorKind::Value`]), each
/// naming the file, line, column and value.
pub fn read_metric_definitions(source: &str, text: &str) -> Result<Vec<MetricSpec>, LoadErrors> {
    let (mut reader, headers) = super::csv_with_header(source, text)?;
    let pos = super::column_positions(source, &headers, COLUMNS)?;
    let [p_key, p_from, p_to, p_id, p_name, p_formula, p_polarity, p_base, p_period, p_confirmed, p_unconfirmed, p_title, p_url, p_note] =
        pos;
    let mut errors = Vec::new();
    let mut specs = Vec::new();
    for item in super::numbered_records(source, text, &mut reader) {
        let Some((line, record)) = super::kept(item, &mut errors) else {
            continue;
        };
        let cell = |i: usize| super::field(&record, i).trim();
        let mut bad = |column: &str, value: &str, problem: String| {
            errors.push(LoadError::cell(source, line, column, value, problem));
        };
        let required = |i: usize, column: &str, bad: &mut dyn FnMut(&str, &str, String)| {
            let text = cell(i);
            if text.is_empty() {
                bad(column, text, format!("a metric definition needs a {column}"));
                None
            } else {
                Some(text.to_string())
            }
        };
        let key = required(p_key, "key", &mut bad);
        let id = required(p_id, "id", &mut bad);
        let name = required(p_name, "name", &mut bad);
        let title = required(p_title, "source_title", &mut bad);
        let mut year = |i: usize, column: &str| {
            cell(i)
                .parse::<FinancialYear>()
                .map_err(|e| bad(column, cell(i), e.to_string()))
                .ok()
        };
        let from = year(p_from, "from");
        let to = year(p_to, "to");
        // A blank field is `Some(None)`; an unreadable one is `None`.
        fn optional<T>(
            text: &str,
            column: &str,
            bad: &mut dyn FnMut(&str, &str, String),
            parse: impl Fn(&str) -> Result<T, String>,
        ) -> Option<Option<T>> {
            if text.is_empty() {
                return Some(None);
            }
            parse(text).map(Some).map_err(|e| bad(column, text, e)).ok()
        }
        let formula = optional(cell(p_formula), "formula", &mut bad, |s| s.parse::<FormulaKind>());
        let polarity = optional(cell(p_polarity), "polarity", &mut bad, |s| s.parse::<Polarity>());
        let base = optional(cell(p_base), "base", &mut bad, |s| s.parse::<AgeBand>());
        let period = optional(cell(p_period), "period", &mut bad, |s| s.parse::<PeriodBasis>());
        let confirmed = match cell(p_confirmed) {
            "true" => Some(true),
            "false" => Some(false),
            other => {
                bad("confirmed", other, "must be true or false".to_string());
                None
            }
        };
        let unconfirmed_text = cell(p_unconfirmed);
        let unconfirmed: Option<Vec<MetricField>> = unconfirmed_text
            .split(';')
            .map(str::trim)
            .filter(|f| !f.is_empty())
            .map(|f| f.parse::<MetricField>())
            .collect::<Result<_, _>>()
            .map_err(|e| bad("unconfirmed", unconfirmed_text, e))
            .ok();
        if let (
            Some(key),
            Some(id),
            Some(name),
            Some(title),
            Some(from),
            Some(to),
            Some(formula),
            Some(polarity),
            Some(base),
            Some(period),
            Some(confirmed),
            Some(unconfirmed),
        ) = (
            key,
            id,
            name,
            title,
            from,
            to,
            formula,
            polarity,
            base,
            period,
            confirmed,
            unconfirmed,
        ) {
            let url = cell(p_url);
            specs.push(MetricSpec {
                key,
                from,
                to,
                id,
                name,
                formula,
                polarity,
                base,
                period,
                confirmed,
                unconfirmed,
                source: PolicySource {
                    title,
                    address: (!url.is_empty()).then(|| url.to_string()),
                },
                note: cell(p_note).to_string(),
                line,
            });
        }
    }
    if errors.is_empty() {
        Ok(specs)
    } else {
        Err(LoadErrors::new(errors))
    }
}
