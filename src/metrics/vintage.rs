//! Figures that change after they are first printed: a target revised in
//! year, an actual restated in a later report, a target "set at actual" for
//! the early months. Each version keeps when and why it changed; a question
//! asked "as of" a date gets the version in force then, and says which.
//!
//! ```
//! use bcf_model::metrics::vintage::Vintages;
//! use chrono::NaiveDate;
//!
//! let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).ok_or("bad date");
//! // Non-elective admissions: the annual target as first agreed, then revised.
//! let mut target = Vintages::new("67879".parse()?, day(2017, 4, 1)?, "plan as submitted");
//! target.revise("70569".parse()?, day(2017, 9, 1)?, "aligned with the CCG operating plans")?;
//! assert_eq!(target.current().value, "70569".parse()?);
//! assert_eq!(target.as_of(day(2017, 6, 30)?).ok_or("none yet")?.value, "67879".parse()?);
//! assert_eq!(target.history().len(), 2);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::{target_plus_variance, MetricError};

/// One version of a figure: its value, from when it stood, and why it
/// changed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Version {
    /// The value.
    pub value: Decimal,
    /// The date it was printed or agreed from.
    pub as_of: NaiveDate,
    /// Why (the first version: where it came from; later ones: why it
    /// changed, such as "set at actual" or "restated after data cleansing").
    pub why: String,
}

/// A figure and every version of it, oldest first. Built from its first
/// version; a revision must be dated after the last one, so the history is
/// in order by construction.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Vintages {
    first: Version,
    later: Vec<Version>,
}

impl Vintages {
    /// A figure first printed (or agreed) as `value` on `as_of`.
    #[must_use]
    pub fn new(value: Decimal, as_of: NaiveDate, why: &str) -> Vintages {
        Vintages {
            first: Version {
                value,
                as_of,
                why: why.to_string(),
            },
            later: Vec::new(),
        }
    }

    /// Records a revision to `value` on `as_of`, with why.
    ///
    /// # Errors
    ///
    /// [`MetricError::Revision`] if `as_of` is not after the latest
    /// version's date (a revision restates the figure; it cannot come
    /// before or with the version it revises).
    pub fn revise(&mut self, value: Decimal, as_of: NaiveDate, why: &str) -> Result<(), MetricError> {
        let latest = self.current().as_of;
        if as_of <= latest {
            return Err(MetricError::Revision {
                latest,
                revision: as_of,
            });
        }
        self.later.push(Version {
            value,
            as_of,
            why: why.to_string(),
        });
        Ok(())
    }

    /// The version in force now: the latest.
    #[must_use]
    pub fn current(&self) -> &Version {
        self.later.last().unwrap_or(&self.first)
    }

    /// The version in force on `date`: the latest dated on or before it, or
    /// `None` before the figure was first printed.
    #[must_use]
    pub fn as_of(&self, date: NaiveDate) -> Option<&Version> {
        self.history().into_iter().rev().find(|v| v.as_of <= date)
    }

    /// Every version, oldest first.
    #[must_use]
    pub fn history(&self) -> Vec<&Version> {
        std::iter::once(&self.first).chain(self.later.iter()).collect()
    }

    /// Whether the figure was ever revised.
    #[must_use]
    pub fn is_revised(&self) -> bool {
        !self.later.is_empty()
    }
}

/// A forecast and the version of the target it was made from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Forecast<'v> {
    /// The forecast.
    pub value: Decimal,
    /// The target version it used.
    pub target: &'v Version,
}

/// `annual target + year-to-date variance` (see [`target_plus_variance`])
/// with the target in force on `as_of`, saying which version it used.
///
/// # Errors
///
/// [`MetricError::MissingVersion`] if no version of the target was printed
/// by `as_of`, and [`MetricError::Overflow`] if the sum is beyond the
/// decimal range.
///
/// ```
/// use bcf_model::metrics::vintage::{forecast_target_plus_variance, Vintages};
/// use chrono::NaiveDate;
///
/// let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).ok_or("bad date");
/// let mut target = Vintages::new("67879".parse()?, day(2017, 4, 1)?, "plan as submitted");
/// target.revise("70569".parse()?, day(2017, 9, 1)?, "revised in year")?;
/// let f = forecast_target_plus_variance(&target, "-601".parse()?, day(2017, 11, 30)?)?;
/// assert_eq!(f.value, "69968".parse()?); // 70,569 - 601
/// assert_eq!(f.target.why, "revised in year");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn forecast_target_plus_variance(
    target: &Vintages,
    ytd_variance: Decimal,
    as_of: NaiveDate,
) -> Result<Forecast<'_>, MetricError> {
    let version = target.as_of(as_of).ok_or(MetricError::MissingVersion { as_of })?;
    Ok(Forecast {
        value: target_plus_variance(version.value, ytd_variance)?,
        target: version,
    })
}
