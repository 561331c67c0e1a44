//! The published metric tables (Leicestershire, September 2017 HWB paper),
//! embedded, and how a policy's ratings compare with the printed ones.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::table::{self, Row};
use super::{DataError, MetricError, Polarity, PrintedValue, Rag, RagOverride, RagPolicy, RagReport, RagRow};
use crate::calendar::FinancialYear;

/// One row of a published metric table, as printed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublishedMetric {
    /// The line in the source file.
    pub line: u64,
    /// The metric as named in the table (also its key in a [`RagPolicy`]).
    pub metric: String,
    /// The unit as written.
    pub unit: String,
    /// Which way is better.
    pub polarity: Polarity,
    /// The target as printed.
    pub target: PrintedValue,
    /// The outturn, latest position or forecast as printed.
    pub actual: PrintedValue,
    /// The RAG rating as printed.
    pub printed_rag: Rag,
    /// The commentary.
    pub detail: String,
}

impl PublishedMetric {
    fn from_row(row: &Row<'_>, target: &str, actual: &str) -> Result<PublishedMetric, DataError> {
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
}

/// Reads a published metric table with the columns
/// `metric,unit,polarity,<target_column>,<actual_column>,rag,detail`.
pub fn parse_published_metrics(
    file: &str,
    text: &str,
    target_column: &str,
    actual_column: &str,
) -> Result<Vec<PublishedMetric>, DataError> {
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
        .map(|row| PublishedMetric::from_row(row, target_column, actual_column))
        .collect()
}

impl RagReport {
    /// Rates every published row with `policy` (keyed by the row's metric
    /// name), applies any `overrides` (by metric name) and keeps the printed
    /// rating beside both.
    ///
    /// ```
    /// use std::collections::BTreeMap;
    /// use bcf_model::metrics::{RagPolicy, RagReport};
    ///
    /// let rows = bcf_model::data::leicestershire::metrics_outturn_2016_17()?;
    /// let report = RagReport::from_published(&rows, &RagPolicy::default(), &BTreeMap::new())?;
    /// assert_eq!(report.rows.len(), 6);
    /// // the default 5% policy rates permanent admissions (+4.5%) Amber; the paper printed Red
    /// assert_eq!(report.disagreements().count(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_published(
        rows: &[PublishedMetric],
        policy: &RagPolicy,
        overrides: &BTreeMap<String, RagOverride>,
    ) -> Result<RagReport, MetricError> {
        let rows = rows
            .iter()
            .map(|r| {
                let mut assessment = policy.assess(&r.metric, r.polarity, r.actual.value, r.target.value)?;
                assessment.manual = overrides.get(&r.metric).cloned();
                Ok(RagRow {
                    assessment,
                    printed: Some(r.printed_rag),
                })
            })
            .collect::<Result<Vec<_>, MetricError>>()?;
        Ok(RagReport { rows })
    }
}

/// One year of a published metric trajectory.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrajectoryYear {
    /// The year.
    pub year: FinancialYear,
    /// The target as printed, in the metric's unit.
    pub target: PrintedValue,
    /// The same target as a count, where the paper gives one.
    pub count_equivalent: Option<Decimal>,
}

/// A metric's published targets for 2017/18 and 2018/19.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublishedTrajectory {
    /// The metric as named.
    pub metric: String,
    /// The targets, 2017/18 first.
    pub years: Vec<TrajectoryYear>,
}

/// Reads a trajectory table with the columns
/// `metric,target_2017_18,target_2018_19,count_equivalent_2017_18,count_equivalent_2018_19`.
pub fn parse_published_trajectories(file: &str, text: &str) -> Result<Vec<PublishedTrajectory>, DataError> {
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
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_cells_are_located() {
        let text = "metric,unit,polarity,t,a,rag,detail\nm,u,lower is better,1.0,x,R,\n";
        let e = parse_published_metrics("f.csv", text, "t", "a").unwrap_err();
        assert_eq!((e.line, e.column.as_str(), e.value.as_str()), (2, "a", "x"));
        let text = "metric,unit,polarity,t,a,rag,detail\nm,u,lower is better,1.0,2,P,\n";
        let e = parse_published_metrics("f.csv", text, "t", "a").unwrap_err();
        assert_eq!(e.column, "rag");
    }
}
