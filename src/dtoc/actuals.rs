//! A month's delayed days ([`DtocMonth`]), its rates and its variance to
//! target, and the published DTOC actuals.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::calendar::Month;
use crate::metrics::{DailyRate, MetricError, Percent, Period, Population, PrintedValue, Rate};

use super::{days_overflow, per_day, Attribution, DelayedDays};

/// One month of delayed days: a total, and its split by attribution when
/// known (then the total is always the sum of the parts).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "RawDtocMonth")]
pub struct DtocMonth {
    month: Month,
    total: u64,
    attribution: Option<DelayedDays>,
}

/// The unchecked form of a [`DtocMonth`], for deserialising.
#[derive(Deserialize)]
struct RawDtocMonth {
    month: Month,
    total: u64,
    attribution: Option<DelayedDays>,
}

impl TryFrom<RawDtocMonth> for DtocMonth {
    type Error = MetricError;
    fn try_from(raw: RawDtocMonth) -> Result<Self, Self::Error> {
        match raw.attribution {
            Some(days) if days.total()? != raw.total => Err(MetricError::AttributionMismatch {
                month: raw.month,
                total: raw.total,
                parts: days.total()?,
            }),
            Some(days) => DtocMonth::attributed(raw.month, days),
            None => Ok(DtocMonth::new(raw.month, raw.total)),
        }
    }
}

impl DtocMonth {
    /// `total_days` delayed in `month`, attribution not known.
    #[must_use]
    pub const fn new(month: Month, total_days: u64) -> DtocMonth {
        DtocMonth {
            month,
            total: total_days,
            attribution: None,
        }
    }

    /// Delayed days in `month` by attribution; the total is their sum.
    ///
    /// # Errors
    ///
    /// [`MetricError::Overflow`] if the days add up to more than `u64::MAX`.
    pub fn attributed(month: Month, days: DelayedDays) -> Result<DtocMonth, MetricError> {
        Ok(DtocMonth {
            month,
            total: days.total()?,
            attribution: Some(days),
        })
    }

    /// The month.
    #[must_use]
    pub const fn month(&self) -> Month {
        self.month
    }

    /// All delayed days in the month.
    #[must_use]
    pub const fn total_days(&self) -> u64 {
        self.total
    }

    /// The split by attribution, if known.
    #[must_use]
    pub const fn attribution(&self) -> Option<DelayedDays> {
        self.attribution
    }

    /// Delayed days per 100,000 `adults` (18+) in the month.
    ///
    /// # Errors
    ///
    /// [`MetricError::Overflow`] if the rate is beyond the decimal range (see
    /// [`Rate::from_count`]).
    pub fn rate(&self, adults: Population) -> Result<Rate, MetricError> {
        Rate::from_count(Decimal::from(self.total), adults)
    }

    /// The rate of one attribution, per 100,000 `adults`; `None` if the split is not known.
    ///
    /// # Errors
    ///
    /// [`MetricError::Overflow`] if the rate is beyond the decimal range (see
    /// [`Rate::from_count`]).
    pub fn attributed_rate(&self, a: Attribution, adults: Population) -> Result<Option<Rate>, MetricError> {
        self.attribution
            .map(|d| Rate::from_count(Decimal::from(d.get(a)), adults))
            .transpose()
    }

    /// Delayed days per 100,000 adults per day of the month.
    ///
    /// # Errors
    ///
    /// [`MetricError::Overflow`] if the monthly or daily rate is beyond the decimal
    /// range.
    pub fn per_day_rate(&self, adults: Population) -> Result<DailyRate, MetricError> {
        per_day(self.rate(adults)?, self.month)
    }

    /// Delayed days as a % of `occupied_bed_days` (the hospital measure).
    ///
    /// # Errors
    ///
    /// [`MetricError::DivisionByZero`] if `occupied_bed_days` is zero, and
    /// [`MetricError::Overflow`] if the percentage is beyond the decimal range.
    pub fn percent_of_occupied_bed_days(&self, occupied_bed_days: u64) -> Result<Percent, MetricError> {
        Percent::of(Decimal::from(self.total), Decimal::from(occupied_bed_days))
    }

    /// The variance of this month against `target` for `adults`.
    ///
    /// # Errors
    ///
    /// [`MetricError::Overflow`] if the rate, the target in days or a gap is beyond
    /// the decimal range.
    pub fn variance(&self, target: Rate, adults: Population) -> Result<DtocVariance, MetricError> {
        let actual = self.rate(adults)?;
        let target_days = target.count(adults)?;
        Ok(DtocVariance {
            month: self.month,
            actual,
            target,
            rate_gap: actual.checked_sub(target)?,
            target_days,
            days_gap: Decimal::from(self.total)
                .checked_sub(target_days)
                .ok_or_else(|| days_overflow("days gap"))?,
        })
    }
}

/// A month against its target, in rate and in days (positive gaps are above
/// target, which is worse).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DtocVariance {
    /// The month.
    pub month: Month,
    /// The actual rate.
    pub actual: Rate,
    /// The target rate.
    pub target: Rate,
    /// `actual - target` per 100,000.
    pub rate_gap: Rate,
    /// The target in delayed days for the population (not rounded).
    pub target_days: Decimal,
    /// Actual days minus target days: the days to remove to meet the target.
    pub days_gap: Decimal,
}

/// A published DTOC actual: a month, or a quarter as the average of its monthly rates.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublishedDtocActual {
    /// The line in the source file.
    pub line: u64,
    /// The month or quarter.
    pub period: Period,
    /// Delayed days, where printed.
    pub delayed_days: Option<u64>,
    /// Delayed days per 100,000 adults 18+ (for a quarter, the average of the monthly rates), as printed.
    pub rate: PrintedValue,
    /// The note printed beside it.
    pub note: String,
}
