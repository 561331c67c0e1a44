//! Published metric tables: targets, outturns and printed ratings, and
//! metric trajectories. Every bad cell is reported with its file, line,
//! column and value.

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
    table::read(file, text, &headers)?
        .iter()
        .map(|row| published_metric(row, target_column, actual_column))
        .collect::<Result<_, LoadError>>()
        .map_err(LoadErrors::one)
}

/// Reads a trajectory table with the columns
/// `metric,target_2017_18,target_2018_19,count_equivalent_2017_18,count_equivalent_2018_19`.
pub fn read_published_trajectories(file: &str, text: &str) -> Result<Vec<PublishedTrajectory>, LoadErrors> {
    let headers = [
        "metric",
        "target_2017_18",
        "target_2018_19",
        "count_equivalent_2017_18",
        "count_equivalent_2018_19",
    ];
    let years = [("2017_18", 2017), ("2018_19", 2018)];
    table::read(file, text, &headers)?
        .iter()
        .map(|row| {
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
        })
        .collect::<Result<_, LoadError>>()
        .map_err(LoadErrors::one)
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
