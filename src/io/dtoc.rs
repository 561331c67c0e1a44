//! Published DTOC tables: the monthly trajectory and the actuals. Every bad
//! row is reported (its first bad cell) with its file, line, column and
//! value.

use crate::dtoc::{PublishedDtocActual, PublishedDtocTarget};
use crate::metrics::{Percent, Period, PrintedValue};

use super::table;
use super::LoadErrors;

/// Reads a DTOC trajectory table with the columns `month,
/// llr_pct_occupied_bed_days_delayed_target,
/// leicestershire_target_delayed_days_per_100k_18plus`.
///
/// # Errors
///
/// As a [`LoadErrors`](crate::io::LoadErrors): a header that cannot be read or a
/// malformed row, such as one of the wrong width
/// ([`LoadErrorKind::Syntax`](crate::io::LoadErrorKind::Syntax)), or a header
/// other than the columns above
/// ([`LoadErrorKind::Layout`](crate::io::LoadErrorKind::Layout)), as the one
/// error; otherwise the first bad cell of every bad row, a cell that cannot
/// be read
/// ([`LoadErrorKind::Value`](crate::io::LoadErrorKind::Value)): a `month` or
/// target that is empty or not a month or number, or a percentage target that
/// is not a number.
pub fn read_published_trajectory(file: &str, text: &str) -> Result<Vec<PublishedDtocTarget>, LoadErrors> {
    let headers = [
        "month",
        "llr_pct_occupied_bed_days_delayed_target",
        "leicestershire_target_delayed_days_per_100k_18plus",
    ];
    let rows = table::read(file, text, &headers)?;
    table::every_row(rows.iter().map(|row| {
        Ok(PublishedDtocTarget {
            month: row.parse("month")?,
            llr_percent_target: row
                .optional::<PrintedValue>("llr_pct_occupied_bed_days_delayed_target")?
                .map(|p| Percent::new(p.value)),
            target: row.parse("leicestershire_target_delayed_days_per_100k_18plus")?,
        })
    }))
}

/// Reads a DTOC actuals table with the columns
/// `period,kind,delayed_days,rate_per_100k_18plus,note`, where `kind` is
/// `month` or `quarter average of monthly rates`.
///
/// # Errors
///
/// As a [`LoadErrors`](crate::io::LoadErrors): a header that cannot be read or a
/// malformed row, such as one of the wrong width
/// ([`LoadErrorKind::Syntax`](crate::io::LoadErrorKind::Syntax)), or a header
/// other than the columns above
/// ([`LoadErrorKind::Layout`](crate::io::LoadErrorKind::Layout)), as the one
/// error; otherwise the first bad cell of every bad row, a cell that cannot
/// be read
/// ([`LoadErrorKind::Value`](crate::io::LoadErrorKind::Value)): any other
/// `kind`, a `period` that is not a month or quarter of that kind, a
/// `delayed_days` that is not a whole number, or a missing or non-numeric rate.
pub fn read_published_actuals(file: &str, text: &str) -> Result<Vec<PublishedDtocActual>, LoadErrors> {
    let headers = ["period", "kind", "delayed_days", "rate_per_100k_18plus", "note"];
    let rows = table::read(file, text, &headers)?;
    table::every_row(rows.iter().map(|row| {
        let kind = row.text("kind")?;
        let period = match kind {
            "month" => Period::Month(row.parse("period")?),
            "quarter average of monthly rates" => Period::Quarter(row.parse("period")?),
            other => {
                return Err(row.error(
                    "kind",
                    other,
                    "expected \"month\" or \"quarter average of monthly rates\"",
                ))
            }
        };
        Ok(PublishedDtocActual {
            line: row.line(),
            period,
            delayed_days: row.optional_whole("delayed_days")?,
            rate: row.parse("rate_per_100k_18plus")?,
            note: row.text("note")?.to_string(),
        })
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_actual_kind_is_located() {
        let text = "period,kind,delayed_days,rate_per_100k_18plus,note\n2017-06,week,1,2,\n";
        let e = read_published_actuals("a.csv", text).unwrap_err();
        assert_eq!(
            (e[0].line, e[0].column.as_deref(), e[0].value.as_deref()),
            (Some(2), Some("kind"), Some("week"))
        );
    }
}
