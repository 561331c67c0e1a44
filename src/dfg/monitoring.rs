//! Quarterly DFG monitoring: the districts' returns against what each was
//! passed, as a [`PassportReport`] with its findings.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::calendar::Quarter;
use crate::money::Money;
use crate::text::escape;

use super::{DfgError, Passport};

/// A district's quarterly DFG return: figures to date, and the forecast of
/// what will be approved or committed by the year end.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuarterReturn {
    /// The district.
    pub district: String,
    /// Grants approved or committed to date.
    pub approved_committed: Money,
    /// Spent to date.
    pub spent: Money,
    /// Forecast approved or committed by the year end (the year's demand).
    pub forecast_committed_year_end: Money,
}

/// One row of a monitoring table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PassportRow {
    /// The district, or "Total".
    pub district: String,
    /// The DFG passed to it this year.
    pub allocation: Money,
    /// Approved or committed to date.
    pub approved_committed: Money,
    /// Spent to date.
    pub spent: Money,
    /// Forecast demand (committed by the year end).
    pub forecast_committed: Money,
    /// `allocation - forecast_committed`: negative when demand exceeds the allocation.
    pub forecast_uncommitted: Money,
}

/// Something a quarter's monitoring found.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum PassportFinding {
    /// Forecast demand exceeds the allocation.
    DemandExceedsAllocation {
        /// The district.
        district: String,
        /// By how much.
        excess: Money,
    },
    /// Forecast demand falls short of the allocation: money forecast uncommitted.
    DemandBelowAllocation {
        /// The district.
        district: String,
        /// Forecast uncommitted at the year end.
        uncommitted: Money,
    },
    /// Spend to date exceeds what is approved or committed.
    SpentExceedsCommitted {
        /// The district.
        district: String,
        /// Spent.
        spent: Money,
        /// Approved or committed.
        committed: Money,
    },
    /// A district with an allocation sent no return.
    MissingReturn {
        /// The district.
        district: String,
    },
}

impl fmt::Display for PassportFinding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PassportFinding::DemandExceedsAllocation { district, excess } => {
                write!(
                    f,
                    "{}: forecast demand exceeds the allocation by {excess}",
                    escape(district)
                )
            }
            PassportFinding::DemandBelowAllocation { district, uncommitted } => {
                write!(
                    f,
                    "{}: {uncommitted} forecast uncommitted at the year end",
                    escape(district)
                )
            }
            PassportFinding::SpentExceedsCommitted {
                district,
                spent,
                committed,
            } => write!(
                f,
                "{}: spent {spent} is more than approved/committed {committed}",
                escape(district)
            ),
            PassportFinding::MissingReturn { district } => write!(f, "{}: no return this quarter", escape(district)),
        }
    }
}

/// A quarter's DFG monitoring table with its findings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PassportReport {
    /// The quarter, e.g. `2017/18 Q2`.
    pub quarter: String,
    /// One row per district.
    pub rows: Vec<PassportRow>,
    /// The totals.
    pub total: PassportRow,
    /// What was found, district by district.
    pub findings: Vec<PassportFinding>,
}

/// Builds a quarter's monitoring table from the districts' returns against
/// what each was passed this year. A return from a district not in the
/// passport is an error; a district with no return is a finding.
///
/// # Errors
///
/// [`DfgError::WrongYear`] if `quarter` is not in the passport's year,
/// [`DfgError::UnknownDistrict`] for a return from a district not in the
/// passport, and [`DfgError::Money`] if a sum is beyond the decimal range.
///
/// ```
/// use bcf_model::dfg::{monitor_passport, passport, DfgAllocations, PassportFinding, QuarterReturn};
/// use bcf_model::money::{Money, Unit};
///
/// let dfg = bcf_model::data::leicestershire::dfg_allocations()?;
/// let p = passport(&dfg, "2017/18".parse()?, &[])?;
/// let gbp = |s: &str| Money::parse(s, Unit::Pounds);
/// let melton = QuarterReturn {
///     district: "Melton".into(),
///     approved_committed: gbp("200,000")?,
///     spent: gbp("150,000")?,
///     forecast_committed_year_end: gbp("280,000")?, // allocation £259,427
/// };
/// let report = monitor_passport(&p, "2017/18 Q3".parse()?, &[melton])?;
/// assert!(report.findings.contains(&PassportFinding::DemandExceedsAllocation {
///     district: "Melton".into(),
///     excess: gbp("20,573")?,
/// }));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn monitor_passport(
    passport: &Passport,
    quarter: Quarter,
    returns: &[QuarterReturn],
) -> Result<PassportReport, DfgError> {
    if quarter.year != passport.year {
        return Err(DfgError::WrongYear {
            quarter: quarter.to_string(),
            year: passport.year,
        });
    }
    if let Some(r) = returns
        .iter()
        .find(|r| !passport.districts.iter().any(|d| d.district == r.district))
    {
        return Err(DfgError::UnknownDistrict(r.district.clone()));
    }
    let mut rows = Vec::new();
    let mut findings = Vec::new();
    let mut total = PassportRow {
        district: "Total".to_string(),
        allocation: Money::ZERO,
        approved_committed: Money::ZERO,
        spent: Money::ZERO,
        forecast_committed: Money::ZERO,
        forecast_uncommitted: Money::ZERO,
    };
    for d in &passport.districts {
        let mine: Vec<&QuarterReturn> = returns.iter().filter(|r| r.district == d.district).collect();
        if mine.is_empty() {
            findings.push(PassportFinding::MissingReturn {
                district: d.district.clone(),
            });
        }
        let approved_committed = Money::checked_sum(mine.iter().map(|r| r.approved_committed))?;
        let spent = Money::checked_sum(mine.iter().map(|r| r.spent))?;
        let forecast_committed = Money::checked_sum(mine.iter().map(|r| r.forecast_committed_year_end))?;
        let forecast_uncommitted = d.passed.checked_sub(forecast_committed)?;
        if !mine.is_empty() {
            if forecast_uncommitted.is_negative() {
                findings.push(PassportFinding::DemandExceedsAllocation {
                    district: d.district.clone(),
                    excess: forecast_uncommitted.negate(),
                });
            } else if forecast_uncommitted.is_positive() {
                findings.push(PassportFinding::DemandBelowAllocation {
                    district: d.district.clone(),
                    uncommitted: forecast_uncommitted,
                });
            }
            if spent > approved_committed {
                findings.push(PassportFinding::SpentExceedsCommitted {
                    district: d.district.clone(),
                    spent,
                    committed: approved_committed,
                });
            }
        }
        total.allocation = total.allocation.checked_add(d.passed)?;
        total.approved_committed = total.approved_committed.checked_add(approved_committed)?;
        total.spent = total.spent.checked_add(spent)?;
        total.forecast_committed = total.forecast_committed.checked_add(forecast_committed)?;
        total.forecast_uncommitted = total.forecast_uncommitted.checked_add(forecast_uncommitted)?;
        rows.push(PassportRow {
            district: d.district.clone(),
            allocation: d.passed,
            approved_committed,
            spent,
            forecast_committed,
            forecast_uncommitted,
        });
    }
    Ok(PassportReport {
        quarter: quarter.to_string(),
        rows,
        total,
        findings,
    })
}
