//! Delayed transfers of care (DTOC): delayed days by attribution, the BCF
//! rate per 100,000 adults (18+) per month and its per-day form, % of
//! occupied bed days, monthly trajectories (from a profile or a straight
//! line), quarterly averages, variance to target in days and in rate, and a
//! chart for a board paper.
//!
//! The BCF measure is `delayed days in month / population 18+ × 100,000`: a
//! monthly total, so short months look better (Feb-18 target 215.31 is below
//! Mar-18 223.03). The per-day form divides by the days in the month. A
//! quarter is the average of its three monthly rates.
//!
//! ```
//! use bcf_model::dtoc::{per_day, DtocMonth};
//! use bcf_model::metrics::Population;
//! use bcf_model::money::Rounding;
//!
//! let june = DtocMonth::new("2017-06".parse()?, 1_739);
//! let adults = Population::new(546_185)?;
//! let rate = june.rate(adults)?;
//! assert_eq!(rate.format(2, Rounding::HalfAwayFromZero), "318.39");
//! assert_eq!(per_day(rate, june.month())?.format(2, Rounding::HalfAwayFromZero), "10.61");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt::Write as _;

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::calendar::{Month, Quarter};
use crate::metrics::{add, div, mul, mul_exact, round_decimal, sub};
use crate::metrics::{MetricError, Percent, Period, Population, PrintedValue, Rate};
use crate::money::{allocate, Money, Precision, Rounding};

/// Who a delayed day is attributed to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Attribution {
    /// The NHS.
    Nhs,
    /// Social care.
    SocialCare,
    /// Both (jointly attributable).
    Both,
}

impl Attribution {
    /// NHS, social care, both.
    pub const ALL: [Attribution; 3] = [Attribution::Nhs, Attribution::SocialCare, Attribution::Both];
}

fn days_overflow(what: &str) -> MetricError {
    MetricError::Overflow {
        op: "days",
        left: what.to_string(),
        right: String::new(),
    }
}

/// Whole delayed days split by attribution. The total is always the exact
/// sum of the parts.
///
/// ```
/// use bcf_model::dtoc::DelayedDays;
/// use rust_decimal::Decimal;
///
/// // 1,739 days split 60:30:10 to the day
/// let d = DelayedDays::split(1_739, [Decimal::from(60), Decimal::from(30), Decimal::from(10)])?;
/// assert_eq!((d.nhs, d.social_care, d.both), (1_043, 522, 174));
/// assert_eq!(d.total()?, 1_739);
/// // an improvement to 1,539 shared equally: 100 days each off NHS and social care
/// let better = d.share_improvement(1_539)?;
/// assert_eq!((better.nhs, better.social_care, better.both), (943, 422, 174));
/// # Ok::<(), bcf_model::metrics::MetricError>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DelayedDays {
    /// Days attributed to the NHS.
    pub nhs: u64,
    /// Days attributed to social care.
    pub social_care: u64,
    /// Days attributed to both.
    pub both: u64,
}

impl DelayedDays {
    /// Days by attribution.
    #[must_use]
    pub const fn new(nhs: u64, social_care: u64, both: u64) -> DelayedDays {
        DelayedDays { nhs, social_care, both }
    }

    /// The days attributed to `a`.
    #[must_use]
    pub const fn get(&self, a: Attribution) -> u64 {
        match a {
            Attribution::Nhs => self.nhs,
            Attribution::SocialCare => self.social_care,
            Attribution::Both => self.both,
        }
    }

    /// The total, exactly (an error only if it exceeds `u64`).
    ///
    /// # Errors
    ///
    /// [`MetricError::Overflow`] if the sum exceeds `u64::MAX`.
    pub fn total(&self) -> Result<u64, MetricError> {
        self.nhs
            .checked_add(self.social_care)
            .and_then(|s| s.checked_add(self.both))
            .ok_or_else(|| days_overflow("total delayed days"))
    }

    /// `total` split by `weights` (NHS, social care, both) to whole days by
    /// the largest-remainder method ([`crate::money::allocate`]): the parts
    /// always add back to `total`, each within a day of its exact share.
    ///
    /// # Errors
    ///
    /// [`MetricError::Allocation`] if `weights` cannot share anything: a negative
    /// weight, all three zero, or weights too large or too precise to add up
    /// exactly (see [`allocate`]).
    pub fn split(total: u64, weights: [Decimal; 3]) -> Result<DelayedDays, MetricError> {
        let [nhs, social_care, both] = split_whole(total, &weights)?;
        Ok(DelayedDays { nhs, social_care, both })
    }

    /// The days after an improvement to `target_total`, shared equally
    /// between NHS and social-care delays (an odd day goes to the NHS);
    /// jointly attributed days are unchanged. Fails if the target is above
    /// the current total or a share is larger than the days it comes off.
    ///
    /// # Errors
    ///
    /// [`MetricError::Overflow`] if the current total exceeds `u64::MAX`,
    /// [`MetricError::Negative`] if `target_total` is above the current total, and
    /// [`MetricError::ImprovementTooLarge`] if the NHS or social-care half is more
    /// than the days it comes off.
    pub fn share_improvement(&self, target_total: u64) -> Result<DelayedDays, MetricError> {
        let total = self.total()?;
        let improvement = total.checked_sub(target_total).ok_or_else(|| MetricError::Negative {
            what: "improvement (current total minus target)".to_string(),
            value: Decimal::from(total) - Decimal::from(target_total),
        })?;
        let [off_nhs, off_social_care] = split_whole(improvement, &[Decimal::ONE, Decimal::ONE])?;
        let too_large = |part| MetricError::ImprovementTooLarge {
            improvement: format!("{improvement} days"),
            part,
        };
        Ok(DelayedDays {
            nhs: self.nhs.checked_sub(off_nhs).ok_or_else(|| too_large("NHS"))?,
            social_care: self
                .social_care
                .checked_sub(off_social_care)
                .ok_or_else(|| too_large("social care"))?,
            both: self.both,
        })
    }
}

/// Splits whole `total` by `weights` with the crate's exact largest-remainder allocation.
fn split_whole<const N: usize>(total: u64, weights: &[Decimal; N]) -> Result<[u64; N], MetricError> {
    let shares = allocate(Money::from_pounds(Decimal::from(total)), weights, Precision::POUNDS)?;
    let mut out = [0u64; N];
    for (slot, share) in out.iter_mut().zip(shares) {
        *slot = share
            .pounds()
            .to_u64()
            .ok_or_else(|| days_overflow("share of delayed days"))?;
    }
    Ok(out)
}

/// Monthly rates by attribution (per 100,000 adults), for trajectories set
/// per attribution. The total is the exact sum of the parts.
///
/// ```
/// use bcf_model::dtoc::AttributedRate;
/// use bcf_model::metrics::Rate;
/// use rust_decimal::Decimal;
///
/// let r = |hundredths| Rate::new(Decimal::new(hundredths, 2));
/// let now = AttributedRate { nhs: r(15_000), social_care: r(11_000), both: r(2_991) };
/// // 289.91 -> 223.03: 66.88 off, 33.44 from each of NHS and social care
/// let target = now.share_improvement(r(22_303))?;
/// assert_eq!((target.nhs, target.social_care, target.both), (r(11_656), r(7_656), r(2_991)));
/// assert_eq!(target.total()?, r(22_303));
/// # Ok::<(), bcf_model::metrics::MetricError>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct AttributedRate {
    /// NHS-attributed rate.
    pub nhs: Rate,
    /// Social-care-attributed rate.
    pub social_care: Rate,
    /// Jointly attributed rate.
    pub both: Rate,
}

impl AttributedRate {
    /// The total rate, exactly.
    ///
    /// # Errors
    ///
    /// [`MetricError::Overflow`] if the sum is beyond the decimal range.
    pub fn total(&self) -> Result<Rate, MetricError> {
        self.nhs.checked_add(self.social_care)?.checked_add(self.both)
    }

    /// The rates after an improvement to `target_total`, half off NHS and
    /// half off social care, exactly (halving adds one decimal place); joint
    /// delays unchanged. Only when the half does not fit in the decimal (an
    /// odd last digit in the 28th decimal place, or 29 significant digits)
    /// is it rounded: then, as with whole delayed days, the odd last unit
    /// goes to the NHS. The
    /// two parts always add back to the improvement. A part that would go
    /// below zero is reported as an error.
    ///
    /// # Errors
    ///
    /// [`MetricError::Overflow`] if the total, the improvement or a part is beyond
    /// the decimal range, and [`MetricError::ImprovementTooLarge`] if the NHS or
    /// social-care part would fall below zero.
    pub fn share_improvement(&self, target_total: Rate) -> Result<AttributedRate, MetricError> {
        let improvement = self.total()?.checked_sub(target_total)?;
        let half = Rate::new(half_toward_zero(improvement.per_100k()));
        // The NHS takes the improvement minus the social-care half: the
        // larger half when the improvement cannot be halved exactly.
        let nhs_share = improvement.checked_sub(half)?;
        let out = AttributedRate {
            nhs: self.nhs.checked_sub(nhs_share)?,
            social_care: self.social_care.checked_sub(half)?,
            both: self.both,
        };
        for (part, value) in [("NHS", out.nhs), ("social care", out.social_care)] {
            if value < Rate::ZERO {
                return Err(MetricError::ImprovementTooLarge {
                    improvement: format!("{improvement} per 100,000"),
                    part,
                });
            }
        }
        Ok(out)
    }
}

/// Half of `value`, exactly when the decimal can hold it (one more decimal
/// place), else (28 decimals, odd last digit) rounded toward zero.
fn half_toward_zero(value: Decimal) -> Decimal {
    let (mantissa, scale) = (value.mantissa(), value.scale());
    let exact = if mantissa % 2 == 0 {
        Decimal::try_from_i128_with_scale(mantissa / 2, scale).ok()
    } else {
        // × 5 / 10: |mantissa| < 2^96, so × 5 fits an i128.
        Decimal::try_from_i128_with_scale(mantissa * 5, scale + 1).ok()
    };
    exact.unwrap_or_else(|| {
        Decimal::try_from_i128_with_scale(mantissa / 2, scale)
            .expect("half a decimal's mantissa, at its own scale, is a decimal")
    })
}

/// The per-day form of a monthly rate: `rate / days in month`.
///
/// # Errors
///
/// [`MetricError::Overflow`] from [`Rate::checked_div`] if the quotient is
/// beyond the decimal range (a month's 28 to 31 days cannot cause it in
/// practice).
pub fn per_day(monthly: Rate, month: Month) -> Result<Rate, MetricError> {
    monthly.checked_div(Decimal::from(month.days()))
}

/// The monthly rate from a per-day rate: `daily × days in month` (exact;
/// 7.88 a day is 244.28 in a 31-day month).
///
/// # Errors
///
/// [`MetricError::Overflow`] if the product is beyond the decimal range.
///
/// ```
/// use bcf_model::dtoc::monthly_from_per_day;
/// use bcf_model::metrics::Rate;
/// use rust_decimal::Decimal;
/// let m = monthly_from_per_day(Rate::new(Decimal::new(788, 2)), "2018-05".parse()?)?;
/// assert_eq!(m, Rate::new(Decimal::new(24_428, 2)));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn monthly_from_per_day(daily: Rate, month: Month) -> Result<Rate, MetricError> {
    daily.checked_mul(Decimal::from(month.days()))
}

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
    pub fn per_day_rate(&self, adults: Population) -> Result<Rate, MetricError> {
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

/// How a profile (e.g. % of occupied bed days delayed) maps to monthly rates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum ProfileScaling {
    /// The monthly rate is proportional to the profile value.
    PerMonth,
    /// The per-day rate is proportional to the profile value (a bed-day
    /// percentage is a daily measure), so the monthly rate also scales with
    /// the days in the month.
    PerDay,
}

/// Monthly DTOC targets (rates per 100,000 adults per month) for
/// consecutive months.
///
/// ```
/// use bcf_model::dtoc::Trajectory;
/// use bcf_model::metrics::Rate;
/// use rust_decimal::Decimal;
///
/// // from 289.91 in April to 223.03 in March, equal monthly steps
/// let t = Trajectory::linear("2017-04".parse()?, Rate::new(Decimal::new(28_991, 2)),
///                            "2018-03".parse()?, Rate::new(Decimal::new(22_303, 2)))?;
/// assert_eq!(t.len(), 12);
/// assert_eq!(t.target("2018-03".parse()?), Some(Rate::new(Decimal::new(22_303, 2))));
/// let may = t.target("2017-05".parse()?).map(|r| r.format(2, Default::default()));
/// assert_eq!(may.as_deref(), Some("283.83"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "Vec<(Month, Rate)>", into = "Vec<(Month, Rate)>")]
pub struct Trajectory {
    points: Vec<(Month, Rate)>,
}

impl TryFrom<Vec<(Month, Rate)>> for Trajectory {
    type Error = MetricError;
    fn try_from(points: Vec<(Month, Rate)>) -> Result<Self, Self::Error> {
        Trajectory::new(points)
    }
}

impl From<Trajectory> for Vec<(Month, Rate)> {
    fn from(t: Trajectory) -> Self {
        t.points
    }
}

fn check_consecutive<T>(what: &str, points: &[(Month, T)]) -> Result<(), MetricError> {
    if points.is_empty() {
        return Err(MetricError::Empty { what: what.to_string() });
    }
    for pair in points.windows(2) {
        if let [(previous, _), (month, _)] = pair {
            if previous.next()? != *month {
                return Err(MetricError::NotConsecutive {
                    what: what.to_string(),
                    previous: *previous,
                    month: *month,
                });
            }
        }
    }
    Ok(())
}

impl Trajectory {
    /// A trajectory from targets for consecutive months (no gaps, no repeats).
    ///
    /// # Errors
    ///
    /// [`MetricError::Empty`] if `points` is empty, [`MetricError::NotConsecutive`]
    /// if a month does not follow the one before it (a gap, a repeat or out of
    /// order), and [`MetricError::Calendar`] if a month before the last is March
    /// 9999, which has no month after it.
    pub fn new(points: Vec<(Month, Rate)>) -> Result<Trajectory, MetricError> {
        check_consecutive("trajectory", &points)?;
        Ok(Trajectory { points })
    }

    /// From `from` in `start` to `to` in `end` in equal monthly steps. Both
    /// ends are exact; `end` must not be before `start` (a single month takes `to`).
    ///
    /// # Errors
    ///
    /// [`MetricError::NotConsecutive`] if `end` is before `start`, and
    /// [`MetricError::Overflow`] if a target is beyond the decimal range.
    pub fn linear(start: Month, from: Rate, end: Month, to: Rate) -> Result<Trajectory, MetricError> {
        let mut months = vec![start];
        let mut m = start;
        while m < end {
            m = m.next()?;
            months.push(m);
        }
        if m != end {
            return Err(MetricError::NotConsecutive {
                what: "linear trajectory (end before start)".to_string(),
                previous: start,
                month: end,
            });
        }
        let last = months.len().saturating_sub(1);
        let steps = Decimal::from(last);
        let span = to.checked_sub(from)?.per_100k();
        let points = months
            .into_iter()
            .enumerate()
            .map(|(i, month)| {
                // to - span × steps left / steps: multiplied exactly first and
                // divided once, so exactly `to` at the end and `from` at the
                // start, and every target exact when it fits in the decimal.
                let left = Decimal::from(last - i);
                let back = if left.is_zero() {
                    Decimal::ZERO
                } else {
                    div(mul_exact(span, left)?, steps, "months")?
                };
                Ok((month, to.checked_sub(Rate::new(back))?))
            })
            .collect::<Result<Vec<_>, MetricError>>()?;
        Ok(Trajectory { points })
    }

    /// Monthly targets that follow `profile` (consecutive months, e.g. the
    /// LLR % of occupied bed days delayed, 5.06% in May-17 to 3.50% in
    /// Mar-18) and end exactly at `end_target` in the profile's last month:
    /// `target(m) = end_target × w(m) / w(last)` with `w` the profile value
    /// (times the days in the month for [`ProfileScaling::PerDay`]). The
    /// product is exact and divided once, last, so a target is exact
    /// whenever it fits in the decimal (7.8832 a day is 244.3792 in a 31-day
    /// month); a product too long for the decimal is an overflow error.
    ///
    /// # Errors
    ///
    /// [`MetricError::Empty`] if `profile` is empty,
    /// [`MetricError::NotConsecutive`] or [`MetricError::Calendar`] if its months
    /// are not consecutive (as for [`Trajectory::new`]),
    /// [`MetricError::DivisionByZero`] if the weight of the last month is zero,
    /// and [`MetricError::Overflow`] if a weight or a target is beyond the decimal
    /// range.
    pub fn from_profile(
        profile: &[(Month, Percent)],
        end_target: Rate,
        scaling: ProfileScaling,
    ) -> Result<Trajectory, MetricError> {
        check_consecutive("profile", profile)?;
        let weight = |(m, p): &(Month, Percent)| match scaling {
            ProfileScaling::PerMonth => Ok(p.points()),
            ProfileScaling::PerDay => p
                .points()
                .checked_mul(Decimal::from(m.days()))
                .ok_or_else(|| days_overflow("profile weight")),
        };
        let last = profile.last().ok_or_else(|| MetricError::Empty {
            what: "profile".to_string(),
        })?;
        let w_last = weight(last)?;
        if w_last.is_zero() {
            return Err(MetricError::DivisionByZero {
                what: "profile value in the last month".to_string(),
            });
        }
        let points = profile
            .iter()
            .map(|point| {
                let w = weight(point)?;
                // A month weighted as the last takes the end target itself.
                let target = if w == w_last {
                    end_target.per_100k()
                } else {
                    div(
                        mul_exact(end_target.per_100k(), w)?,
                        w_last,
                        "profile value in the last month",
                    )?
                };
                Ok((point.0, Rate::new(target)))
            })
            .collect::<Result<Vec<_>, MetricError>>()?;
        Ok(Trajectory { points })
    }

    /// The target for `month`, if the trajectory covers it.
    #[must_use]
    pub fn target(&self, month: Month) -> Option<Rate> {
        self.points.iter().find(|(m, _)| *m == month).map(|(_, r)| *r)
    }

    /// The months and targets in order.
    pub fn iter(&self) -> impl Iterator<Item = (Month, Rate)> + '_ {
        self.points.iter().copied()
    }

    /// The number of months.
    #[must_use]
    pub fn len(&self) -> usize {
        self.points.len()
    }

    /// Always false: a trajectory has at least one month.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.points.is_empty()
    }

    /// The quarter's target: the average of its three monthly targets.
    ///
    /// # Errors
    ///
    /// [`MetricError::MissingMonth`] if the trajectory does not cover a month of
    /// `quarter`, and [`MetricError::Overflow`] if the sum of the targets is beyond
    /// the decimal range.
    pub fn quarter_average(&self, quarter: Quarter) -> Result<Rate, MetricError> {
        let rates = quarter
            .months()
            .iter()
            .map(|m| {
                self.target(*m).ok_or(MetricError::MissingMonth {
                    what: "trajectory".to_string(),
                    month: *m,
                })
            })
            .collect::<Result<Vec<_>, MetricError>>()?;
        Rate::mean(&rates)
    }

    /// The averages of every quarter the trajectory covers in full, in
    /// order; an average that overflows is an error (never a quarter left out).
    ///
    /// # Errors
    ///
    /// [`MetricError::Overflow`] if a quarter's sum of targets is beyond the
    /// decimal range.
    ///
    /// ```
    /// let quarters = bcf_model::data::leicestershire::dtoc_trajectory_2017_18()?.quarter_averages()?;
    /// assert_eq!(quarters.len(), 4);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn quarter_averages(&self) -> Result<Vec<(Quarter, Rate)>, MetricError> {
        let mut quarters: Vec<Quarter> = self.points.iter().map(|(m, _)| m.quarter()).collect();
        quarters.dedup();
        quarters
            .into_iter()
            .filter(|q| q.months().iter().all(|m| self.target(*m).is_some()))
            .map(|q| Ok((q, self.quarter_average(q)?)))
            .collect()
    }

    /// `actual` against this trajectory's target for its month.
    ///
    /// # Errors
    ///
    /// [`MetricError::MissingMonth`] if the trajectory does not cover the month of
    /// `actual`, and [`MetricError::Overflow`] as for [`DtocMonth::variance`].
    pub fn variance(&self, actual: &DtocMonth, adults: Population) -> Result<DtocVariance, MetricError> {
        let target = self.target(actual.month()).ok_or(MetricError::MissingMonth {
            what: "trajectory".to_string(),
            month: actual.month(),
        })?;
        actual.variance(target, adults)
    }
}

/// One row of the published 2017/18 DTOC trajectory.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublishedDtocTarget {
    /// The month.
    pub month: Month,
    /// The LLR target for % of occupied bed days delayed (none for April).
    pub llr_percent_target: Option<Percent>,
    /// Leicestershire's target, delayed days per 100,000 adults 18+, as printed.
    pub target: PrintedValue,
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

/// Text for an SVG coordinate or label value, one decimal place.
fn coord(value: Decimal) -> String {
    round_decimal(value, 1, Rounding::HalfAwayFromZero)
        .normalize()
        .to_string()
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// A line chart of `targets` with `actuals` as points, by month, as a
/// standalone SVG document (written as text; no floating point). The y axis
/// runs from zero to a round number above the largest value.
///
/// # Errors
///
/// [`MetricError::Overflow`] if the y axis maximum or a coordinate is beyond
/// the decimal range (a rate near the limit of the decimal).
///
/// ```
/// use bcf_model::dtoc::{chart_svg};
/// let svg = chart_svg("DTOC 2017/18", &bcf_model::data::leicestershire::dtoc_trajectory_2017_18()?, &[])?;
/// assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn chart_svg(title: &str, targets: &Trajectory, actuals: &[(Month, Rate)]) -> Result<String, MetricError> {
    const WIDTH: i64 = 720;
    const HEIGHT: i64 = 400;
    const LEFT: i64 = 60;
    const RIGHT: i64 = 20;
    const TOP: i64 = 40;
    const BOTTOM: i64 = 50;
    let months: Vec<Month> = targets.iter().map(|(m, _)| m).collect();
    let n = Decimal::from(months.len());
    let max_value = targets
        .iter()
        .map(|(_, r)| r.per_100k())
        .chain(actuals.iter().map(|(_, r)| r.per_100k()))
        .fold(Decimal::ZERO, Decimal::max);
    // y axis top: the next multiple of 50 above the largest value (at least
    // 50), in whole numbers: floor(max / 50) = floor(floor(max) / 50) for max >= 0.
    let fifty = Decimal::from(50);
    let whole_max = max_value.floor().mantissa();
    let y_max = whole_max
        .div_euclid(50)
        .checked_add(1)
        .and_then(|n| n.checked_mul(50))
        .and_then(|top| Decimal::try_from_i128_with_scale(top, 0).ok())
        .ok_or_else(|| days_overflow("chart y axis maximum"))?;
    let plot_w = Decimal::from(WIDTH - LEFT - RIGHT);
    let plot_h = Decimal::from(HEIGHT - TOP - BOTTOM);
    // Coordinates multiply first and divide once; `coord` then rounds them
    // to one decimal place for the SVG (presentation).
    let x_of = |i: usize| -> Result<Decimal, MetricError> {
        // centre of the i-th of n slots: plot_w × (2i + 1) / 2n
        let twice_i_plus_one = add(mul(Decimal::from(i), Decimal::TWO)?, Decimal::ONE)?;
        let offset = div(
            mul(plot_w, twice_i_plus_one)?,
            mul(n, Decimal::TWO)?,
            "number of months",
        )?;
        add(Decimal::from(LEFT), offset)
    };
    let y_of = |v: Decimal| -> Result<Decimal, MetricError> {
        let height = div(mul(plot_h, v)?, y_max, "y axis maximum")?;
        sub(Decimal::from(HEIGHT - BOTTOM), height)
    };
    let mut s = String::new();
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" font-family="Arial, sans-serif" font-size="11">"#
    );
    let _ = writeln!(s, "  <title>{}</title>", escape(title));
    let _ = writeln!(s, r#"  <rect width="{WIDTH}" height="{HEIGHT}" fill="white"/>"#);
    let _ = writeln!(
        s,
        r#"  <text x="{}" y="22" font-size="14" font-weight="bold">{}</text>"#,
        LEFT,
        escape(title)
    );
    // horizontal grid lines and y labels every 50
    let mut tick = Decimal::ZERO;
    while tick <= y_max {
        let y = coord(y_of(tick)?);
        let _ = writeln!(
            s,
            r##"  <line x1="{LEFT}" y1="{y}" x2="{}" y2="{y}" stroke="#dddddd"/>"##,
            WIDTH - RIGHT
        );
        let _ = writeln!(
            s,
            r#"  <text x="{}" y="{y}" text-anchor="end" dominant-baseline="middle">{}</text>"#,
            LEFT - 6,
            tick.normalize()
        );
        match tick.checked_add(fifty) {
            Some(t) => tick = t,
            None => break,
        }
    }
    let _ = writeln!(
        s,
        r#"  <text x="14" y="{}" transform="rotate(-90 14 {})" text-anchor="middle">delayed days per 100,000 adults 18+ per month</text>"#,
        TOP + (HEIGHT - TOP - BOTTOM) / 2,
        TOP + (HEIGHT - TOP - BOTTOM) / 2
    );
    // x labels
    for (i, m) in months.iter().enumerate() {
        let _ = writeln!(
            s,
            r#"  <text x="{}" y="{}" text-anchor="middle">{}</text>"#,
            coord(x_of(i)?),
            HEIGHT - BOTTOM + 18,
            m.label()
        );
    }
    // target line
    let mut path = String::new();
    for (i, (_, r)) in targets.iter().enumerate() {
        let _ = write!(
            path,
            "{}{},{} ",
            if i == 0 { "M" } else { "L" },
            coord(x_of(i)?),
            coord(y_of(r.per_100k())?)
        );
    }
    let _ = writeln!(
        s,
        r##"  <path d="{}" fill="none" stroke="#1f5aa6" stroke-width="2"/>"##,
        path.trim_end()
    );
    // actual points (only those in the trajectory's months)
    for (m, r) in actuals {
        if let Some(i) = months.iter().position(|x| x == m) {
            let (x, y) = (coord(x_of(i)?), coord(y_of(r.per_100k())?));
            let _ = writeln!(s, r##"  <circle cx="{x}" cy="{y}" r="5" fill="#c0392b"/>"##);
            let _ = writeln!(
                s,
                r#"  <text x="{x}" y="{}" text-anchor="middle">{}</text>"#,
                coord(sub(y_of(r.per_100k())?, Decimal::from(10))?),
                r.format(2, Rounding::HalfAwayFromZero)
            );
        }
    }
    // legend
    let ly = HEIGHT - 14;
    let _ = writeln!(
        s,
        r##"  <line x1="{LEFT}" y1="{ly}" x2="{}" y2="{ly}" stroke="#1f5aa6" stroke-width="2"/>"##,
        LEFT + 24
    );
    let _ = writeln!(
        s,
        r#"  <text x="{}" y="{}" dominant-baseline="middle">target</text>"#,
        LEFT + 30,
        ly
    );
    let _ = writeln!(s, r##"  <circle cx="{}" cy="{ly}" r="5" fill="#c0392b"/>"##, LEFT + 100);
    let _ = writeln!(
        s,
        r#"  <text x="{}" y="{}" dominant-baseline="middle">actual</text>"#,
        LEFT + 110,
        ly
    );
    s.push_str("</svg>\n");
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trajectories_reject_gaps() {
        let r = Rate::new(Decimal::ONE);
        let a: Month = "2017-04".parse().unwrap();
        let c: Month = "2017-06".parse().unwrap();
        assert!(Trajectory::new(vec![(a, r), (c, r)]).is_err());
        assert!(Trajectory::new(vec![(a, r), (a, r)]).is_err());
        assert!(Trajectory::new(vec![]).is_err());
        assert!(Trajectory::linear(c, r, a, r).is_err());
        assert_eq!(
            Trajectory::linear(a, r, a, Rate::ZERO).unwrap().target(a),
            Some(Rate::ZERO)
        );
        let zero_end = [
            (a, Percent::new(Decimal::ONE)),
            (a.next().unwrap(), Percent::new(Decimal::ZERO)),
        ];
        assert!(Trajectory::from_profile(&zero_end, r, ProfileScaling::PerMonth).is_err());
    }
}
