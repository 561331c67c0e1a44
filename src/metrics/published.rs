//! Published metric tables as printed (targets, outturns, ratings and
//! trajectories), and how a policy's ratings compare with the printed ones.
//! They are read by [`crate::io::read_published_metrics`] and
//! [`crate::io::read_published_trajectories`].

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::{MetricError, Polarity, PrintedValue, Rag, RagOverride, RagPolicy, RagReport, RagRow};
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

impl RagReport {
    /// Rates every published row with `policy` (keyed by the row's metric
    /// name), applies any `overrides` (by metric name) and keeps the printed
    /// rating beside both.
    ///
    /// # Errors
    ///
    /// [`MetricError::Overflow`] if rating a row overflows (see
    /// [`RagPolicy::assess`]).
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
