//! Published metric tables: targets, outturns and printed ratings, and
//! metric trajectories. Every bad row is reported (its first bad cell)
//! with its file, line, column and value.

use crate::calendar::FinancialYear;
use crate::metrics::{PublishedMetric, PublishedTrajectory, TrajectoryYear};

use super::table::{self, Row};
use super::{LoadError, LoadErrors};

/// One row of a published metric table.
fn published_metric(row: &Row<'_>, target: &str, actual: &str) -> Result<PublishedMetric, LoadError> {
    Ok(PublishedMetric {
        line: row.line(),
        metric: row.parse("metric")?,
        unit: row.parse("unit")?,
        polarity: row.parse("polarity")?,
        target: row.parse(target)?,
        actual: row.parse(actual)?,
        printed_rag: row.parse("rag")?,
        detail: row.text("detail")?.to_string(),
    })
}

/// Reads a published metric table with the columns
/// `metric,unit,polarity,<target_column>,<actual_column>,rag,detail`.
///
/// # Errors
///
/// As a [`LoadErrors`](crate::io::LoadErrors): a header that cannot be read or a
/// malformed row, such as one of the wrong width
/// ([`LoadErrorKind::Syntax`](crate::io::LoadErrorKind::Syntax)), or a header
/// other than the columns above
/// ([`LoadErrorKind::Layout`](crate::io::LoadErrorKind::Layout)), as the one
/// error; otherwise the first bad cell of every bad row, a cell that cannot
/// be read: an empty `metric` or `unit`, a polarity other than
/// `lower is better` or `higher is better`, a `rag` other than R, A or G, or a
/// target or actual that is empty or not a plain decimal number
/// ([`LoadErrorKind::Value`](crate::io::LoadErrorKind::Value)).
pub fn read_published_metrics(
    file: &str,
    text: &str,
    target_column: &str,
    actual_column: &str,
) -> Result<Vec<PublishedMetric>, LoadErrors> {
    let headers = [
        "metric",
        "unit",
        "polarity",
        target_column,
        actual_column,
        "rag",
        "detail",
    ];
    let rows = table::read(file, text, &headers)?;
    table::every_row(
        rows.iter()
            .map(|row| published_metric(row, target_column, actual_column)),
    )
}

/// Reads a trajectory table with the columns
/// `metric,target_2017_18,target_2018_19,count_equivalent_2017_18,count_equivalent_2018_19`.
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
/// ([`LoadErrorKind::Value`](crate::io::LoadErrorKind::Value)): an empty
/// `metric`, a target that is empty or not a plain decimal number, or a count
/// equivalent that is not a plain decimal number.
pub fn read_published_trajectories(file: &str, text: &str) -> Result<Vec<PublishedTrajectory>, LoadErrors> {
    let headers = [
        "metric",
        "target_2017_18",
        "target_2018_19",
        "count_equivalent_2017_18",
        "count_equivalent_2018_19",
    ];
    let years = [("2017_18", 2017), ("2018_19", 2018)];
    let rows = table::read(file, text, &headers)?;
    table::every_row(rows.iter().map(|row| {
        let mut out = Vec::with_capacity(years.len());
        for (suffix, start) in years {
            let year = FinancialYear::starting(start).map_err(|e| row.error("", "", e))?;
            out.push(TrajectoryYear {
                year,
                target: row.parse(&format!("target_{suffix}"))?,
                count_equivalent: row.optional_decimal(&format!("count_equivalent_{suffix}"))?,
            });
        }
        Ok(PublishedTrajectory {
            metric: row.parse("metric")?,
            years: out,
        })
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_cells_are_located() {
        let text = "metric,unit,polarity,t,a,rag,detail\nm,u,lower is better,1.0,x,R,\n";
        let e = read_published_metrics("f.csv", text, "t", "a").unwrap_err();
        assert_eq!(
            (e[0].line, e[0].column.as_deref(), e[0].value.as_deref()),
            (Some(2), Some("a"), Some("x"))
        );
        let text = "metric,unit,polarity,t,a,rag,detail\nm,u,lower is better,1.0,2,P,\n";
        let e = read_published_metrics("f.csv", text, "t", "a").unwrap_err();
        assert_eq!(e[0].column.as_deref(), Some("rag"));
    }
}
