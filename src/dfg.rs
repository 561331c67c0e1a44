//! Disabled Facilities Grant (DFG) passporting and monitoring (docs/domain.md
//! section 4).
//!
//! In a two-tier area the county receives the DFG inside the BCF and must pass
//! it **in full** to the district councils, unless a recorded local agreement
//! ([`RetentionAgreement`]) keeps part back for other strategic housing
//! priorities; a retained part may be released in a later year. This module
//! holds each district's allocation ([`DfgAllocations`], exact pounds), works
//! out what each district receives ([`passport`]), splits a county total pro
//! rata when only the total is known ([`pro_rata`]), compares years
//! ([`DfgAllocations::growth`]), monitors a quarter ([`monitor`]) and checks
//! that a plan passports what it should ([`check_plan_passport`]).
//!
//! ```
//! use bcf_model::dfg::{passport, DfgAllocations};
//!
//! let dfg = bcf_model::data::leicestershire::dfg_allocations()?;
//! let p = passport(&dfg, "2017/18".parse()?, &[])?;
//! assert_eq!(p.passed.to_string(), "£3,349,869.00"); // passed in full
//! let g = dfg.growth("2017/18".parse()?, "2018/19".parse()?)?;
//! assert_eq!(g.total.to_amount.to_string(), "£3,632,291.00");
//! assert_eq!(g.total.percent.map(|p| p.round_dp(2).to_string()), Some("8.43".to_string()));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::BTreeSet;
use std::fmt;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::calendar::{FinancialYear, Quarter};
use crate::money::{allocate, AllocationError, Money, MoneyError, Precision, Rounding, RoundingBound};
use crate::plan::{Funding, FundingSourceKind, Plan, SchemeLine};
use crate::reconcile::{classify, Agreement};
use crate::text::escape;

/// Why a DFG calculation could not be made.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DfgError {
    /// No allocations for a year.
    #[error("no DFG allocations for {0}")]
    NoYear(FinancialYear),
    /// A district not in the allocations.
    #[error("district {0:?} has no DFG allocation")]
    UnknownDistrict(String),
    /// A district whose allocations do not cover every year of the table.
    #[error("district {district:?} has no DFG allocation for {year}, a year of the allocations")]
    MissingAmount {
        /// The district.
        district: String,
        /// The year it has no amount for.
        year: FinancialYear,
    },
    /// A year given twice in an allocation table.
    #[error("DFG allocations give {0} twice")]
    DuplicateYear(FinancialYear),
    /// A district given twice in an allocation table.
    #[error("DFG allocations give district {0:?} twice")]
    DuplicateDistrict(String),
    /// A district with a blank name.
    #[error("DFG allocations have a district with no name")]
    BlankDistrict,
    /// A district with more amounts than the table has years.
    #[error("district {district:?} has more DFG allocations than the table has years")]
    ExtraAmount {
        /// The district.
        district: String,
    },
    /// A negative allocation.
    #[error("district {district:?} has a negative DFG allocation for {year}")]
    NegativeAllocation {
        /// The district.
        district: String,
        /// The year.
        year: FinancialYear,
    },
    /// A retention agreement that cannot stand.
    #[error("DFG retention agreement for {year} ({}): {}", crate::text::shown(.purpose), crate::text::shown(.problem))]
    BadAgreement {
        /// The year the money is retained.
        year: FinancialYear,
        /// Its purpose.
        purpose: String,
        /// What is wrong.
        problem: String,
    },
    /// Monitoring returns for a quarter of another year.
    #[error("monitoring quarter {} is not in the passport year {year}", crate::text::shown(.quarter))]
    WrongYear {
        /// The quarter given.
        quarter: String,
        /// The passport's year.
        year: FinancialYear,
    },
    /// A split that could not be made.
    #[error("cannot split the DFG: {0}")]
    Allocation(#[from] AllocationError),
    /// Arithmetic beyond the decimal range.
    #[error(transparent)]
    Money(#[from] MoneyError),
}

/// One district's DFG allocations, by year.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DistrictAllocation {
    district: String,
    amounts: Vec<Money>,
}

impl DistrictAllocation {
    /// The district council, e.g. "Blaby".
    #[must_use]
    pub fn district(&self) -> &str {
        &self.district
    }

    /// Its allocation in each of [`DfgAllocations::years`], in that order
    /// (one for every year, by construction).
    #[must_use]
    pub fn amounts(&self) -> &[Money] {
        &self.amounts
    }
}

/// DFG allocations per district and year: every district has exactly one
/// allocation, never negative, for every year of the table (checked by
/// [`DfgAllocations::new`], also when read from a file or deserialized).
///
/// ```
/// use bcf_model::dfg::{DfgAllocations, DfgError};
/// use bcf_model::money::Money;
///
/// let (y1, y2) = ("2017/18".parse()?, "2018/19".parse()?);
/// let d = DfgAllocations::new(
///     vec![y1, y2],
///     vec![("Blaby".to_string(), vec![Money::from_pence(100), Money::from_pence(200)])],
/// )?;
/// assert_eq!(d.allocation("Blaby", y2), Some(Money::from_pence(200)));
/// // A district without an amount for every year is refused, not read as zero.
/// let short = DfgAllocations::new(vec![y1, y2], vec![("Melton".to_string(), vec![Money::from_pence(300)])]);
/// assert!(matches!(short, Err(DfgError::MissingAmount { .. })));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "DfgAllocationsData", into = "DfgAllocationsData")]
pub struct DfgAllocations {
    years: Vec<FinancialYear>,
    districts: Vec<DistrictAllocation>,
}

/// The serialized form of [`DfgAllocations`], checked by
/// [`DfgAllocations::new`] when read.
#[derive(Clone, Serialize, Deserialize)]
struct DfgAllocationsData {
    years: Vec<FinancialYear>,
    districts: Vec<DistrictAllocation>,
}

impl TryFrom<DfgAllocationsData> for DfgAllocations {
    type Error = DfgError;

    fn try_from(d: DfgAllocationsData) -> Result<DfgAllocations, DfgError> {
        DfgAllocations::new(
            d.years,
            d.districts.into_iter().map(|d| (d.district, d.amounts)).collect(),
        )
    }
}

impl From<DfgAllocations> for DfgAllocationsData {
    fn from(d: DfgAllocations) -> DfgAllocationsData {
        DfgAllocationsData {
            years: d.years,
            districts: d.districts,
        }
    }
}

/// A change between two years.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    /// The district, or "total".
    pub district: String,
    /// The earlier amount.
    pub from_amount: Money,
    /// The later amount.
    pub to_amount: Money,
    /// `to - from`.
    pub change: Money,
    /// `to / from - 1` in percent (28 significant digits); `None` when `from` is zero.
    pub percent: Option<Decimal>,
}

impl Change {
    fn new(district: &str, from_amount: Money, to_amount: Money) -> Result<Change, MoneyError> {
        let change = to_amount.checked_sub(from_amount)?;
        let percent = if from_amount.is_zero() {
            None
        } else {
            // Multiply first, divide once: exact whenever the answer is.
            change
                .pounds()
                .checked_mul(Decimal::ONE_HUNDRED)
                .and_then(|c| c.checked_div(from_amount.pounds()))
                .map(|r| r.normalize())
        };
        Ok(Change {
            district: district.to_string(),
            from_amount,
            to_amount,
            change,
            percent,
        })
    }
}

/// Year-on-year growth per district and overall.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Growth {
    /// The earlier year.
    pub from: FinancialYear,
    /// The later year.
    pub to: FinancialYear,
    /// Each district.
    pub districts: Vec<Change>,
    /// All districts together.
    pub total: Change,
}

impl DfgAllocations {
    /// Allocations for `years` (in column order) per district: each
    /// district's amounts are its allocation in each year, in that order.
    ///
    /// # Errors
    ///
    /// [`DfgError::DuplicateYear`], [`DfgError::DuplicateDistrict`],
    /// [`DfgError::BlankDistrict`], [`DfgError::MissingAmount`] for a district with fewer
    /// amounts than years, [`DfgError::ExtraAmount`] for one with more, and
    /// [`DfgError::NegativeAllocation`].
    pub fn new(years: Vec<FinancialYear>, districts: Vec<(String, Vec<Money>)>) -> Result<DfgAllocations, DfgError> {
        for (i, y) in years.iter().enumerate() {
            if years.get(..i).is_some_and(|before| before.contains(y)) {
                return Err(DfgError::DuplicateYear(*y));
            }
        }
        let mut checked: Vec<DistrictAllocation> = Vec::with_capacity(districts.len());
        for (district, amounts) in districts {
            if district.trim().is_empty() {
                return Err(DfgError::BlankDistrict);
            }
            if checked.iter().any(|d| d.district == district) {
                return Err(DfgError::DuplicateDistrict(district));
            }
            if let Some(year) = years.get(amounts.len()) {
                return Err(DfgError::MissingAmount { district, year: *year });
            }
            if amounts.len() > years.len() {
                return Err(DfgError::ExtraAmount { district });
            }
            if let Some((year, _)) = years.iter().zip(&amounts).find(|(_, m)| m.is_negative()) {
                return Err(DfgError::NegativeAllocation { district, year: *year });
            }
            checked.push(DistrictAllocation { district, amounts });
        }
        Ok(DfgAllocations {
            years,
            districts: checked,
        })
    }

    /// The years, in column order.
    #[must_use]
    pub fn years(&self) -> &[FinancialYear] {
        &self.years
    }

    /// The districts, in the order given.
    #[must_use]
    pub fn districts(&self) -> &[DistrictAllocation] {
        &self.districts
    }

    /// Allocations for one year made by splitting a county `total` pro rata
    /// over district `shares` (e.g. last year's allocations), to the pound;
    /// see [`pro_rata`].
    ///
    /// # Errors
    ///
    /// [`DfgError::Allocation`] if [`pro_rata`] cannot split `total` over the
    /// shares (no shares, a negative or all-zero weight, a total that is not whole
    /// pounds), and the errors of [`DfgAllocations::new`] for the districts given
    /// (a blank or repeated name, or a negative share of a negative total).
    ///
    /// ```
    /// use bcf_model::dfg::DfgAllocations;
    /// use bcf_model::money::Money;
    /// use rust_decimal::Decimal;
    ///
    /// let shares = [("A".to_string(), Decimal::ONE), ("B".to_string(), Decimal::TWO)];
    /// let d = DfgAllocations::from_total(Money::from_pence(100_000), "2019/20".parse()?, &shares)?;
    /// assert_eq!(d.allocation("A", "2019/20".parse()?), Some(Money::from_pence(33_300)));
    /// assert_eq!(d.allocation("B", "2019/20".parse()?), Some(Money::from_pence(66_700)));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_total(
        total: Money,
        year: FinancialYear,
        shares: &[(String, Decimal)],
    ) -> Result<DfgAllocations, DfgError> {
        let weights: Vec<Decimal> = shares.iter().map(|(_, w)| *w).collect();
        let split = pro_rata(total, &weights)?;
        DfgAllocations::new(
            vec![year],
            shares
                .iter()
                .zip(split)
                .map(|((d, _), m)| (d.clone(), vec![m]))
                .collect(),
        )
    }

    fn year_ix(&self, year: FinancialYear) -> Result<usize, DfgError> {
        self.years.iter().position(|y| *y == year).ok_or(DfgError::NoYear(year))
    }

    /// A district's allocation in `year`.
    #[must_use]
    pub fn allocation(&self, district: &str, year: FinancialYear) -> Option<Money> {
        let y = self.year_ix(year).ok()?;
        self.districts
            .iter()
            .find(|d| d.district == district)
            .and_then(|d| d.amounts.get(y))
            .copied()
    }

    /// Every district's allocation in `year`, in order.
    ///
    /// # Errors
    ///
    /// [`DfgError::NoYear`] if the table has no allocations for `year`.
    pub fn year(&self, year: FinancialYear) -> Result<Vec<(String, Money)>, DfgError> {
        let y = self.year_ix(year)?;
        self.districts
            .iter()
            .map(|d| match d.amounts.get(y) {
                Some(m) => Ok((d.district.clone(), *m)),
                None => Err(DfgError::MissingAmount {
                    district: d.district.clone(),
                    year,
                }),
            })
            .collect()
    }

    /// The county total in `year`.
    ///
    /// # Errors
    ///
    /// [`DfgError::NoYear`] if the table has no allocations for `year`, and
    /// [`DfgError::Money`] if the sum is beyond the decimal range.
    pub fn total(&self, year: FinancialYear) -> Result<Money, DfgError> {
        Ok(Money::checked_sum(self.year(year)?.into_iter().map(|(_, m)| m))?)
    }

    /// Growth from `from` to `to`, per district and overall.
    ///
    /// # Errors
    ///
    /// [`DfgError::NoYear`] if the table has no allocations for `from` or `to`, and
    /// [`DfgError::Money`] if a total or a change is beyond the decimal range.
    pub fn growth(&self, from: FinancialYear, to: FinancialYear) -> Result<Growth, DfgError> {
        let a = self.year(from)?;
        let b = self.year(to)?;
        let mut districts = Vec::with_capacity(a.len());
        for ((d, x), (_, y)) in a.iter().zip(b.iter()) {
            districts.push(Change::new(d, *x, *y)?);
        }
        let total = Change::new("total", self.total(from)?, self.total(to)?)?;
        Ok(Growth {
            from,
            to,
            districts,
            total,
        })
    }
}

/// Splits a county `total` over district `weights` pro rata, to the pound,
/// by the largest-remainder method: the parts always add back to `total`
/// exactly, and each is within £1 of its exact share. `total` must be whole
/// pounds.
///
/// # Errors
///
/// [`DfgError::Allocation`] with the [`AllocationError`] of
/// [`allocate`]: no weights, a negative weight, weights
/// that add up to zero or are out of range, or a `total` that is not a whole
/// number of pounds.
///
/// ```
/// use bcf_model::dfg::pro_rata;
/// use bcf_model::money::Money;
/// use rust_decimal::Decimal;
///
/// let parts = pro_rata(Money::from_pence(1_000_00), &[Decimal::ONE; 3])?;
/// assert_eq!(Money::checked_sum(parts.iter().copied())?, Money::from_pence(1_000_00));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn pro_rata(total: Money, weights: &[Decimal]) -> Result<Vec<Money>, DfgError> {
    Ok(allocate(total, weights, Precision::POUNDS)?)
}

/// A later-year release of money retained under a [`RetentionAgreement`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Release {
    /// The year the money is passed on to the districts.
    pub year: FinancialYear,
    /// How much.
    pub amount: Money,
}

/// A recorded local agreement to retain part of a year's DFG for other
/// strategic housing priorities instead of passporting it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetentionAgreement {
    /// The year the money is retained from.
    pub year: FinancialYear,
    /// How much is retained (taken pro rata from every district's allocation).
    pub amount: Money,
    /// What it is retained for.
    pub purpose: String,
    /// The parties that agreed (the county and the districts).
    pub parties: Vec<String>,
    /// When it was agreed, if known.
    pub agreed_on: Option<NaiveDate>,
    /// If agreed, the later release of some or all of it to the districts.
    pub release: Option<Release>,
}

impl RetentionAgreement {
    fn validate(&self) -> Result<(), DfgError> {
        let bad = |problem: &str| DfgError::BadAgreement {
            year: self.year,
            purpose: self.purpose.clone(),
            problem: problem.to_string(),
        };
        if self.amount.is_negative() {
            return Err(bad("the amount retained is negative"));
        }
        if self.purpose.trim().is_empty() {
            return Err(bad("no purpose recorded"));
        }
        if self.parties.is_empty() {
            return Err(bad("no parties recorded"));
        }
        if let Some(r) = self.release {
            if r.year <= self.year {
                return Err(bad("a release must be in a later year"));
            }
            if r.amount.is_negative() || r.amount > self.amount {
                return Err(bad("the release must be between zero and the amount retained"));
            }
        }
        Ok(())
    }
}

/// What one district receives in a year.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DistrictPassport {
    /// The district.
    pub district: String,
    /// Its allocation.
    pub allocation: Money,
    /// Its share of the amount retained by agreement.
    pub retained: Money,
    /// Its share of earlier retentions released this year.
    pub released: Money,
    /// `allocation - retained + released`.
    pub passed: Money,
}

/// A year's DFG passport to the districts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Passport {
    /// The year.
    pub year: FinancialYear,
    /// The county's allocation (all districts).
    pub allocation: Money,
    /// Retained by agreement.
    pub retained: Money,
    /// Released from earlier retentions.
    pub released: Money,
    /// Passed to the districts.
    pub passed: Money,
    /// Each district.
    pub districts: Vec<DistrictPassport>,
}

/// Works out the DFG each district receives in `year`: its allocation in full,
/// less its pro-rata share (to the penny) of any amount retained that year
/// under a recorded agreement, plus its share (pro rata to that year's
/// allocations) of earlier retentions released that year. The parts always
/// add up exactly.
///
/// # Errors
///
/// [`DfgError::NoYear`] if `allocations` has no allocations for `year`;
/// [`DfgError::BadAgreement`] if an agreement is invalid (a negative amount, no
/// purpose or parties, or a release not in a later year or not between zero and
/// the amount retained), if more is retained than the county's allocation, or if
/// an amount retained or released cannot be shared because no district has an
/// allocation in `year`; [`DfgError::Allocation`] or [`DfgError::Money`] if a
/// split or a sum is beyond the decimal range.
///
/// ```
/// use bcf_model::dfg::{passport, DfgAllocations, Release, RetentionAgreement};
/// use bcf_model::money::Money;
///
/// let dfg = bcf_model::data::leicestershire::dfg_allocations()?;
/// let keep = RetentionAgreement {
///     year: "2017/18".parse()?,
///     amount: Money::from_pence(10_000_000), // £100,000
///     purpose: "county-wide home adaptations service".into(),
///     parties: vec!["lcc".into(), "all seven districts".into()],
///     agreed_on: None,
///     release: Some(Release { year: "2018/19".parse()?, amount: Money::from_pence(10_000_000) }),
/// };
/// let p = passport(&dfg, "2017/18".parse()?, std::slice::from_ref(&keep))?;
/// assert_eq!(p.passed.to_string(), "£3,249,869.00");
/// let later = passport(&dfg, "2018/19".parse()?, &[keep])?;
/// assert_eq!(later.passed.to_string(), "£3,732,291.00");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn passport(
    allocations: &DfgAllocations,
    year: FinancialYear,
    agreements: &[RetentionAgreement],
) -> Result<Passport, DfgError> {
    let rows = allocations.year(year)?;
    let allocation = Money::checked_sum(rows.iter().map(|(_, m)| *m))?;
    let (retained, released) = retained_and_released(agreements, year)?;
    if retained > allocation {
        return Err(DfgError::BadAgreement {
            year,
            purpose: "all agreements".to_string(),
            problem: format!("{retained} retained is more than the allocation {allocation}"),
        });
    }
    let weights: Vec<Decimal> = rows.iter().map(|(_, m)| m.pounds()).collect();
    let split = |amount: Money| -> Result<Vec<Money>, DfgError> {
        if amount.is_zero() {
            Ok(vec![Money::ZERO; weights.len()])
        } else if weights.iter().all(|w| w.is_zero()) {
            // Nothing to share it by: an error, never money lost.
            Err(DfgError::BadAgreement {
                year,
                purpose: "all agreements".to_string(),
                problem: format!("{amount} cannot be shared: no district has an allocation in {year}"),
            })
        } else {
            let exact = amount.round(Precision::PENCE, Rounding::HalfAwayFromZero)?;
            Ok(allocate(exact, &weights, Precision::PENCE)?)
        }
    };
    let retained_parts = split(retained)?;
    let released_parts = split(released)?;
    let mut districts = Vec::with_capacity(rows.len());
    for (((district, alloc), keep), back) in rows.into_iter().zip(retained_parts).zip(released_parts) {
        districts.push(DistrictPassport {
            passed: alloc.checked_sub(keep)?.checked_add(back)?,
            district,
            allocation: alloc,
            retained: keep,
            released: back,
        });
    }
    let passed = Money::checked_sum(districts.iter().map(|d| d.passed))?;
    Ok(Passport {
        year,
        allocation,
        retained: Money::checked_sum(districts.iter().map(|d| d.retained))?,
        released: Money::checked_sum(districts.iter().map(|d| d.released))?,
        passed,
        districts,
    })
}

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
pub struct MonitoringRow {
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
pub enum MonitoringFinding {
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

impl fmt::Display for MonitoringFinding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MonitoringFinding::DemandExceedsAllocation { district, excess } => {
                write!(
                    f,
                    "{}: forecast demand exceeds the allocation by {excess}",
                    escape(district)
                )
            }
            MonitoringFinding::DemandBelowAllocation { district, uncommitted } => {
                write!(
                    f,
                    "{}: {uncommitted} forecast uncommitted at the year end",
                    escape(district)
                )
            }
            MonitoringFinding::SpentExceedsCommitted {
                district,
                spent,
                committed,
            } => write!(
                f,
                "{}: spent {spent} is more than approved/committed {committed}",
                escape(district)
            ),
            MonitoringFinding::MissingReturn { district } => write!(f, "{}: no return this quarter", escape(district)),
        }
    }
}

/// A quarter's DFG monitoring table with its findings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonitoringReport {
    /// The quarter, e.g. `2017/18 Q2`.
    pub quarter: String,
    /// One row per district.
    pub rows: Vec<MonitoringRow>,
    /// The totals.
    pub total: MonitoringRow,
    /// What was found, district by district.
    pub findings: Vec<MonitoringFinding>,
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
/// use bcf_model::dfg::{monitor, passport, DfgAllocations, MonitoringFinding, QuarterReturn};
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
/// let report = monitor(&p, "2017/18 Q3".parse()?, &[melton])?;
/// assert!(report.findings.contains(&MonitoringFinding::DemandExceedsAllocation {
///     district: "Melton".into(),
///     excess: gbp("20,573")?,
/// }));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn monitor(passport: &Passport, quarter: Quarter, returns: &[QuarterReturn]) -> Result<MonitoringReport, DfgError> {
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
    let mut total = MonitoringRow {
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
            findings.push(MonitoringFinding::MissingReturn {
                district: d.district.clone(),
            });
        }
        let approved_committed = Money::checked_sum(mine.iter().map(|r| r.approved_committed))?;
        let spent = Money::checked_sum(mine.iter().map(|r| r.spent))?;
        let forecast_committed = Money::checked_sum(mine.iter().map(|r| r.forecast_committed_year_end))?;
        let forecast_uncommitted = d.passed.checked_sub(forecast_committed)?;
        if !mine.is_empty() {
            if forecast_uncommitted.is_negative() {
                findings.push(MonitoringFinding::DemandExceedsAllocation {
                    district: d.district.clone(),
                    excess: forecast_uncommitted.negate(),
                });
            } else if forecast_uncommitted.is_positive() {
                findings.push(MonitoringFinding::DemandBelowAllocation {
                    district: d.district.clone(),
                    uncommitted: forecast_uncommitted,
                });
            }
            if spent > approved_committed {
                findings.push(MonitoringFinding::SpentExceedsCommitted {
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
        rows.push(MonitoringRow {
            district: d.district.clone(),
            allocation: d.passed,
            approved_committed,
            spent,
            forecast_committed,
            forecast_uncommitted,
        });
    }
    Ok(MonitoringReport {
        quarter: quarter.to_string(),
        rows,
        total,
        findings,
    })
}

/// How a plan passports its DFG in one year.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanPassportCheck {
    /// The year.
    pub year: FinancialYear,
    /// DFG income in the plan.
    pub income: Money,
    /// Retained under recorded agreements.
    pub retained: Money,
    /// Released from earlier retentions.
    pub released: Money,
    /// What should be passported: `income - retained + released`.
    pub expected: Money,
    /// DFG-funded spend on district lines.
    pub passported: Money,
    /// `expected - passported` (negative when more is passed on).
    pub shortfall: Money,
    /// How `passported` compares with `expected`, allowing for rounding of
    /// the plan's printed figures.
    pub agreement: Agreement,
    /// Each district line found: (district, DFG-funded amount).
    pub lines: Vec<(String, Money)>,
    /// The districts receiving less than their share (every district line
    /// when district allocations are not known).
    pub districts_short: Vec<String>,
}

fn is_dfg(plan: &Plan, funding: Funding) -> bool {
    match funding {
        Funding::Source(s) => plan.source(s).is_some_and(|s| s.kind == FundingSourceKind::Dfg),
        Funding::Group(_) => false,
    }
}

/// What `agreements` (each validated) retain in `year`, and what they
/// release into it from earlier retentions.
fn retained_and_released(agreements: &[RetentionAgreement], year: FinancialYear) -> Result<(Money, Money), DfgError> {
    let mut retained = Money::ZERO;
    let mut released = Money::ZERO;
    for a in agreements {
        a.validate()?;
        if a.year == year {
            retained = retained.checked_add(a.amount)?;
        }
        if let Some(r) = a.release.filter(|r| r.year == year) {
            released = released.checked_add(r.amount)?;
        }
    }
    Ok((retained, released))
}

/// The district a line passports DFG to: the known district whose name the
/// line's name starts with, or (under a "Disabled Facilities" sub-heading)
/// the line's own name. `None` if the line names no district.
fn district_of(line: &SchemeLine<'_>, known: &[String]) -> Option<String> {
    let name = line.name().to_ascii_lowercase();
    match known.iter().find(|d| name.starts_with(&d.to_ascii_lowercase())) {
        Some(d) => Some(d.clone()),
        None => under_dfg_heading(line).then(|| line.name().to_string()),
    }
}

fn under_dfg_heading(line: &SchemeLine<'_>) -> bool {
    line.attributes()
        .subgroup
        .as_deref()
        .is_some_and(|g| g.to_ascii_lowercase().contains("disabled facilities"))
}

/// Checks that a plan passports its DFG in `year`: the DFG-funded spend on
/// district lines (lines named after a district in `allocations`, or under a
/// "Disabled Facilities Grants" sub-heading) against the DFG income less what
/// recorded agreements retain, plus what they release. A shortfall beyond
/// rounding of the printed figures is an [`Agreement::Error`]; the districts
/// short are named (those whose lines, even at the most their printed
/// figures can stand for, fall below their passport, when `allocations`
/// are given).
///
/// # Errors
///
/// [`DfgError::BadAgreement`] if an agreement is invalid (see [`passport`]),
/// and [`DfgError::Money`] if a sum or a rounding bound is beyond the decimal
/// range. When the passport falls short beyond rounding and `allocations` cover
/// `year`, the errors of [`passport`] for naming the districts short.
///
/// ```
/// use bcf_model::dfg::{check_plan_passport, DfgAllocations};
/// use bcf_model::reconcile::Agreement;
///
/// let plan = bcf_model::data::leicestershire::expenditure_plan()?.plan;
/// let dfg = bcf_model::data::leicestershire::dfg_allocations()?;
/// let c = check_plan_passport(&plan, "2018/19".parse()?, Some(&dfg), &[])?;
/// assert_eq!(c.passported.to_string(), "£3,632,300.00"); // seven lines, £'000 to 1 dp
/// assert_eq!(c.agreement, Agreement::Exact);
/// assert!(c.districts_short.is_empty());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn check_plan_passport(
    plan: &Plan,
    year: FinancialYear,
    allocations: Option<&DfgAllocations>,
    agreements: &[RetentionAgreement],
) -> Result<PlanPassportCheck, DfgError> {
    let mut income = Money::ZERO;
    // The half steps of the printed figures taking part: the DFG income and
    // every DFG amount on a district line.
    let mut bound = RoundingBound::ZERO;
    for a in plan.allocations().iter().filter(|a| a.year == year) {
        if plan.source(a.source).is_some_and(|s| s.kind == FundingSourceKind::Dfg) {
            income = income.checked_add(a.amount)?;
            bound.add_figure(a.precision)?;
        }
    }
    let (retained, released) = retained_and_released(agreements, year)?;
    let expected = income.checked_sub(retained)?.checked_add(released)?;
    let known: Vec<String> = allocations
        .map(|a| a.districts.iter().map(|d| d.district.clone()).collect())
        .unwrap_or_default();
    let mut lines: Vec<(String, Money)> = Vec::new();
    // Each district's rounding bound, beside `lines`.
    let mut bounds: Vec<RoundingBound> = Vec::new();
    for line in plan.lines() {
        let Some(district) = district_of(&line, &known) else {
            continue;
        };
        let mut amount = Money::ZERO;
        let mut line_bound = RoundingBound::ZERO;
        let mut funded = false;
        for a in line.amounts().filter(|a| a.year == year && is_dfg(plan, a.funding)) {
            amount = amount.checked_add(a.amount)?;
            line_bound.add_figure(a.precision)?;
            funded = true;
        }
        // a line named after a district but neither DFG-funded nor under the
        // DFG heading (e.g. "Charnwood integrated care") is not a DFG line
        if !funded && !under_dfg_heading(&line) {
            continue;
        }
        bound.merge(&line_bound)?;
        match lines
            .iter_mut()
            .zip(bounds.iter_mut())
            .find(|((d, _), _)| *d == district)
        {
            Some(((_, m), b)) => {
                *m = m.checked_add(amount)?;
                b.merge(&line_bound)?;
            }
            None => {
                lines.push((district, amount));
                bounds.push(line_bound);
            }
        }
    }
    let passported = Money::checked_sum(lines.iter().map(|(_, m)| *m))?;
    let shortfall = expected.checked_sub(passported)?;
    let agreement = classify(shortfall, bound.to_money()?);
    let mut districts_short = Vec::new();
    // passing on more than expected is not a passporting failure
    if agreement == Agreement::Error && shortfall.is_positive() {
        let mut named = BTreeSet::new();
        if let Some(allocs) = allocations.filter(|a| a.years.contains(&year)) {
            let due = passport(allocs, year, agreements)?;
            for d in &due.districts {
                // A district with no line got nothing, exactly.
                let (got, slack) = match lines.iter().zip(&bounds).find(|((n, _), _)| *n == d.district) {
                    Some(((_, m), b)) => (*m, b.to_money()?),
                    None => (Money::ZERO, Money::ZERO),
                };
                // Short only if even the most the printed figures can stand
                // for is below the passport.
                if got.checked_add(slack)? < d.passed && named.insert(d.district.clone()) {
                    districts_short.push(d.district.clone());
                }
            }
        }
        if districts_short.is_empty() {
            districts_short = lines.iter().map(|(d, _)| d.clone()).collect();
        }
    }
    Ok(PlanPassportCheck {
        year,
        income,
        retained,
        released,
        expected,
        passported,
        shortfall,
        agreement,
        lines,
        districts_short,
    })
}
