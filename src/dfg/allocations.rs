//! Each district's DFG allocations by year ([`DfgAllocations`]), their
//! growth between years, and the pro-rata split of a county total.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::calendar::FinancialYear;
#[cfg(doc)]
use crate::money::AllocationError;
use crate::money::{allocate, Money, MoneyError, Precision};

use super::DfgError;

/// One district's DFG allocations, by year.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DistrictAllocation {
    pub(super) district: String,
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
    pub(super) years: Vec<FinancialYear>,
    pub(super) districts: Vec<DistrictAllocation>,
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
