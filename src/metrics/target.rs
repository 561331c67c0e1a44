//! Targets per period, profiled year-to-date targets and forecasts.

use std::collections::BTreeMap;
use std::fmt;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::{add, div, mul, mul_exact, sub, MetricError};
use crate::calendar::{FinancialYear, Month, Quarter};

/// The period a target or value applies to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Period {
    /// A financial year.
    Year(FinancialYear),
    /// A quarter.
    Quarter(Quarter),
    /// A month.
    Month(Month),
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Period::Year(y) => write!(f, "{y}"),
            Period::Quarter(q) => write!(f, "{q}"),
            Period::Month(m) => write!(f, "{}", m.label()),
        }
    }
}

/// A metric's targets, one per period, in the metric's unit.
///
/// ```
/// use bcf_model::metrics::{ids, Period, TargetSchedule};
/// use rust_decimal::Decimal;
///
/// let mut t = TargetSchedule::new(ids::NON_ELECTIVE_ADMISSIONS);
/// t.set(Period::Year("2017/18".parse()?), Decimal::new(73_792, 2));
/// t.set(Period::Year("2018/19".parse()?), Decimal::new(73_771, 2));
/// assert_eq!(t.get(Period::Year("2018/19".parse()?)), Some(Decimal::new(73_771, 2)));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TargetSchedule {
    /// The metric id.
    pub metric: String,
    targets: BTreeMap<Period, Decimal>,
}

impl TargetSchedule {
    /// An empty schedule for `metric`.
    #[must_use]
    pub fn new(metric: &str) -> TargetSchedule {
        TargetSchedule {
            metric: metric.to_string(),
            targets: BTreeMap::new(),
        }
    }

    /// Sets (or replaces) the target for `period`; returns the old one.
    pub fn set(&mut self, period: Period, target: Decimal) -> Option<Decimal> {
        self.targets.insert(period, target)
    }

    /// The target for `period`, if set.
    #[must_use]
    pub fn get(&self, period: Period) -> Option<Decimal> {
        self.targets.get(&period).copied()
    }

    /// All targets in period order (years, then quarters, then months).
    pub fn iter(&self) -> impl Iterator<Item = (Period, Decimal)> + '_ {
        self.targets.iter().map(|(p, t)| (*p, *t))
    }
}

/// An annual target (a count) spread over the months of a year by a profile
/// of weights, so that year-to-date targets are profiled, not pro rata
/// (April-July 2017 non-elective admissions: 20,157 of 60,582, where pro rata
/// would be 20,194).
///
/// ```
/// use bcf_model::metrics::ProfiledTarget;
/// use rust_decimal::Decimal;
///
/// let year = "2017/18".parse()?;
/// let flat = ProfiledTarget::flat(year, Decimal::from(60_582));
/// assert_eq!(flat.year_to_date("2017-07".parse()?)?, Decimal::from(20_194));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfiledTarget {
    year: FinancialYear,
    annual: Decimal,
    weights: [Decimal; 12],
}

impl ProfiledTarget {
    /// `annual` spread by `weights` (April first). Weights must not be
    /// negative and must not all be zero; they need not add to 1.
    ///
    /// # Errors
    ///
    /// [`MetricError::Negative`] for a negative weight,
    /// [`MetricError::DivisionByZero`] if the weights are all zero, and
    /// [`MetricError::Overflow`] if their sum is beyond the decimal range.
    pub fn new(year: FinancialYear, annual: Decimal, weights: [Decimal; 12]) -> Result<ProfiledTarget, MetricError> {
        if let Some(w) = weights.iter().find(|w| w.is_sign_negative() && !w.is_zero()) {
            return Err(MetricError::Negative {
                what: "profile weight".to_string(),
                value: *w,
            });
        }
        let total = weights.iter().try_fold(Decimal::ZERO, |acc, w| add(acc, *w))?;
        if total.is_zero() {
            return Err(MetricError::DivisionByZero {
                what: "profile weights (all zero)".to_string(),
            });
        }
        Ok(ProfiledTarget { year, annual, weights })
    }

    /// Equal twelfths.
    #[must_use]
    pub fn flat(year: FinancialYear, annual: Decimal) -> ProfiledTarget {
        ProfiledTarget {
            year,
            annual,
            weights: [Decimal::ONE; 12],
        }
    }

    /// Weighted by the days in each month.
    #[must_use]
    pub fn by_days(year: FinancialYear, annual: Decimal) -> ProfiledTarget {
        ProfiledTarget {
            year,
            annual,
            weights: year.months().map(|m| Decimal::from(m.days())),
        }
    }

    /// The year.
    #[must_use]
    pub const fn year(&self) -> FinancialYear {
        self.year
    }

    /// The annual target.
    #[must_use]
    pub const fn annual(&self) -> Decimal {
        self.annual
    }

    /// `annual × part / total`: multiplied exactly first and divided once,
    /// so a share is exact whenever it fits in the decimal (the full year
    /// always is).
    fn share_of(&self, part: Decimal) -> Result<Decimal, MetricError> {
        let total = self.weights.iter().try_fold(Decimal::ZERO, |acc, w| add(acc, *w))?;
        div(mul_exact(self.annual, part)?, total, "profile weights")
    }

    /// The share of the first `months` months.
    fn share(&self, months: usize) -> Result<Decimal, MetricError> {
        let part = self
            .weights
            .iter()
            .take(months)
            .try_fold(Decimal::ZERO, |acc, w| add(acc, *w))?;
        self.share_of(part)
    }

    fn position(&self, month: Month) -> Result<usize, MetricError> {
        if month.financial_year() != self.year {
            return Err(MetricError::MonthOutsideYear { month, year: self.year });
        }
        Ok(month.month_of_year() as usize)
    }

    /// The target for April up to and including `through` (exact; the whole
    /// year gives exactly the annual target).
    ///
    /// # Errors
    ///
    /// [`MetricError::MonthOutsideYear`] if `through` is not in the target's year,
    /// and [`MetricError::Overflow`] if a sum of weights or the exact share is
    /// beyond the decimal range.
    pub fn year_to_date(&self, through: Month) -> Result<Decimal, MetricError> {
        self.share(self.position(through)?)
    }

    /// The target for the single month `month`: `annual × w(month) / Σ w`,
    /// its own share (not the difference of two year-to-date shares, each
    /// of which may have been rounded).
    ///
    /// # Errors
    ///
    /// [`MetricError::MonthOutsideYear`] if `month` is not in the target's year,
    /// and [`MetricError::Overflow`] if the sum of weights or the exact share is
    /// beyond the decimal range.
    pub fn month(&self, month: Month) -> Result<Decimal, MetricError> {
        let n = self.position(month)?;
        let weight = self
            .weights
            .get(n - 1)
            .copied()
            .expect("month_of_year is 1 to 12 and there are twelve weights");
        self.share_of(weight)
    }
}

/// `annual target + year-to-date variance`: the forecast officers quote
/// (70,569 - 601 = 69,968).
///
/// # Errors
///
/// [`MetricError::Overflow`] if the sum is beyond the decimal range.
///
/// ```
/// use bcf_model::metrics::target_plus_variance;
/// use rust_decimal::Decimal;
/// let f = target_plus_variance(Decimal::from(70_569), Decimal::from(-601))?;
/// assert_eq!(f, Decimal::from(69_968));
/// # Ok::<(), bcf_model::metrics::MetricError>(())
/// ```
pub fn target_plus_variance(annual_target: Decimal, ytd_variance: Decimal) -> Result<Decimal, MetricError> {
    add(annual_target, ytd_variance)
}

/// A year-to-date position (counts) and the forecasts made from it.
///
/// ```
/// use bcf_model::metrics::YearToDate;
/// use rust_decimal::Decimal;
///
/// // Non-elective admissions, April-July 2017
/// let ytd = YearToDate {
///     annual_target: Decimal::from(60_582),
///     target: Decimal::from(20_157),
///     actual: Decimal::from(21_104),
///     months_elapsed: 4,
/// };
/// assert_eq!(ytd.variance()?, Decimal::from(947));
/// assert_eq!(ytd.straight_line()?, Decimal::from(63_312));
/// assert_eq!(ytd.target_plus_variance()?, Decimal::from(61_529));
/// assert_eq!(ytd.ratio_to_profile()?.round(), Decimal::from(63_428));
/// # Ok::<(), bcf_model::metrics::MetricError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct YearToDate {
    /// The annual target (count).
    pub annual_target: Decimal,
    /// The profiled target to date.
    pub target: Decimal,
    /// The actual to date.
    pub actual: Decimal,
    /// Months elapsed (1 to 12).
    pub months_elapsed: u32,
}

impl YearToDate {
    /// `actual - target` to date (positive is above target).
    ///
    /// # Errors
    ///
    /// [`MetricError::Overflow`] if the difference is beyond the decimal range.
    pub fn variance(&self) -> Result<Decimal, MetricError> {
        sub(self.actual, self.target)
    }

    /// Straight line: `actual / months elapsed × 12`.
    ///
    /// # Errors
    ///
    /// [`MetricError::DivisionByZero`] if `months_elapsed` is zero, and
    /// [`MetricError::Overflow`] if the product is beyond the decimal range.
    pub fn straight_line(&self) -> Result<Decimal, MetricError> {
        div(
            mul(self.actual, Decimal::from(12))?,
            Decimal::from(self.months_elapsed),
            "months elapsed",
        )
    }

    /// Annual target plus the variance to date (see [`target_plus_variance`]).
    ///
    /// # Errors
    ///
    /// [`MetricError::Overflow`] if the variance or the sum is beyond the decimal
    /// range.
    pub fn target_plus_variance(&self) -> Result<Decimal, MetricError> {
        target_plus_variance(self.annual_target, self.variance()?)
    }

    /// Annual target scaled by the ratio of actual to profiled target to date:
    /// `annual × actual / target`.
    ///
    /// # Errors
    ///
    /// [`MetricError::DivisionByZero`] if the target to date is zero, and
    /// [`MetricError::Overflow`] if the product or the quotient is beyond the
    /// decimal range.
    pub fn ratio_to_profile(&self) -> Result<Decimal, MetricError> {
        div(
            mul(self.annual_target, self.actual)?,
            self.target,
            "year-to-date target",
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profiles() {
        let y: FinancialYear = "2017/18".parse().unwrap();
        let p = ProfiledTarget::by_days(y, Decimal::from(365));
        assert_eq!(p.month("2018-02".parse().unwrap()).unwrap(), Decimal::from(28));
        assert_eq!(p.year_to_date("2018-03".parse().unwrap()).unwrap(), Decimal::from(365));
        assert!(p.month("2018-04".parse().unwrap()).is_err());
        let mut w = [Decimal::ZERO; 12];
        assert!(ProfiledTarget::new(y, Decimal::ONE, w).is_err());
        w[0] = Decimal::NEGATIVE_ONE;
        assert!(ProfiledTarget::new(y, Decimal::ONE, w).is_err());
        let zero = YearToDate {
            annual_target: Decimal::ONE,
            target: Decimal::ZERO,
            actual: Decimal::ONE,
            months_elapsed: 0,
        };
        assert!(zero.straight_line().is_err());
        assert!(zero.ratio_to_profile().is_err());
    }
}
