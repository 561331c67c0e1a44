//! Every published dataset the crate embeds, in one place.
//!
//! The operations never reach for data themselves: they take values. This
//! module reads the embedded files (copies of public figures, in `data/` at
//! the root of the repository, described in `docs/domain.md` section 9) with
//! the crate's own readers and hands the values out.
//!
//! - [`policy_parameters`]: the dated national policy rules (uplifts,
//!   shares), each with its source;
//! - [`leicestershire`]: the Leicestershire 2017-19 plan and the figures
//!   published beside it, which the tests reproduce.
//!
//! ```
//! use bcf_model::data;
//!
//! let params = data::policy_parameters()?;
//! let plan = data::leicestershire::expenditure_plan()?.plan;
//! assert_eq!(plan.contributors().len(), 3);
//! assert!(!params.rules.is_empty());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod leicestershire;

use crate::conditions::PolicyParameters;
use crate::io::LoadErrors;
use crate::io::{read_metric_definitions, read_policy_calendar, read_policy_parameters};
use crate::io::{LoadError, LoadErrorKind};
use crate::metrics::{MetricCalendar, MetricCalendarError};
use crate::policy::PolicyCalendar;

/// The dated national policy parameters as shipped
/// (`data/policy_parameters.csv`): one rule a row, each with the years it
/// covers, its value, whether it is confirmed and its source.
pub const POLICY_PARAMETERS_CSV: &str = include_str!("../../data/policy_parameters.csv");

/// The shipped national policy parameters ([`POLICY_PARAMETERS_CSV`]).
///
/// # Errors
///
/// Only if the embedded table is not valid, which the crate's tests rule
/// out; the error names the line and cell.
pub fn policy_parameters() -> Result<PolicyParameters, LoadErrors> {
    read_policy_parameters("policy_parameters.csv", POLICY_PARAMETERS_CSV)
}

/// The policy calendar as shipped (`data/policy_calendar.csv`): every year
/// of the fund from 2017/18 to 2025/26, one dated rule a row (uplifts,
/// conditions, streams, planning mode, metrics), each with its source,
/// whether it is confirmed, and an end year.
const POLICY_CALENDAR_CSV: &str = include_str!("../../data/policy_calendar.csv");

/// The shipped policy calendar (`data/policy_calendar.csv`).
///
/// # Errors
///
/// Only if the embedded table is not valid, which the crate's tests rule
/// out; the error names the line and cell.
///
/// ```
/// use bcf_model::policy::Topic;
///
/// let calendar = bcf_model::data::policy_calendar()?;
/// // Every row has a source and an end year.
/// assert!(calendar.rows().iter().all(|r| !r.source.title.is_empty() && r.from <= r.to));
/// let y = "2021/22".parse()?;
/// let conditions: Vec<&str> = calendar.in_force(Topic::Condition, y).map(|r| r.key.as_str()).collect();
/// assert!(conditions.contains(&"discharge_plan"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn policy_calendar() -> Result<PolicyCalendar, LoadErrors> {
    read_policy_calendar("policy_calendar.csv", POLICY_CALENDAR_CSV)
}

/// How each metric of the policy calendar was defined, as shipped
/// (`data/metric_definitions.csv`): one row per calendar `metric` row, with
/// the formula, polarity, population base and period, its own source, and
/// which fields were confirmed from it (`docs/policy-calendar.md`).
const METRIC_DEFINITIONS_CSV: &str = include_str!("../../data/metric_definitions.csv");

/// The shipped policy calendar's metric sets, year by year: its `metric`
/// rows joined with `data/metric_definitions.csv`.
///
/// # Errors
///
/// Only if an embedded table is not valid, or the two do not match one to
/// one, which the crate's tests rule out; each error names the file, line
/// and column ([`LoadErrorKind::Dataset`] for a mismatch).
///
/// ```
/// use bcf_model::metrics::{ids, FormulaKind, MetricField};
///
/// let metrics = bcf_model::data::metric_calendar()?;
/// let set = metrics.metric_set("2023/24".parse()?)?;
/// let falls = set.get(ids::FALLS_ADMISSIONS_65).ok_or("falls 65+ is a 2023/24 metric")?;
/// assert_eq!(falls.spec.formula, Some(FormulaKind::DirectlyStandardisedRatePer100k));
/// assert!(falls.spec.is_confirmed(MetricField::Formula));
/// assert!(!falls.spec.is_confirmed(MetricField::Polarity));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn metric_calendar() -> Result<MetricCalendar, LoadErrors> {
    const FILE: &str = "metric_definitions.csv";
    let calendar = policy_calendar()?;
    let specs = read_metric_definitions(FILE, METRIC_DEFINITIONS_CSV)?;
    MetricCalendar::new(calendar, specs).map_err(|found| {
        LoadErrors::new(
            found
                .into_iter()
                .map(|e| {
                    let (file, line, column) = match &e {
                        MetricCalendarError::Undefined { line, .. } => ("policy_calendar.csv", *line, "key"),
                        MetricCalendarError::Unmatched { line, .. } | MetricCalendarError::Duplicate { line, .. } => {
                            (FILE, *line, "key")
                        }
                        MetricCalendarError::Confirmation { line, .. } => (FILE, *line, "unconfirmed"),
                    };
                    LoadError::cell(file, line, column, "", e.to_string()).with_kind(LoadErrorKind::Dataset)
                })
                .collect(),
        )
    })
}
