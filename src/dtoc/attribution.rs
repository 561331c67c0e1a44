//! Who delays are attributed to: whole [`DelayedDays`] and monthly
//! [`AttributedRate`]s by [`Attribution`], split and improved exactly.

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::calendar::Month;
use crate::metrics::{add, sub, DailyRate, MetricError, PrintedValue, Rate};
use crate::money::{allocate, Money, Precision};

use super::days_overflow;

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

/// Attributed DTOC rates per 100,000 **a day**: the NHS, social care and
/// joint parts ("both", the papers' "joint") of an [`AttributedRate`] over
/// a month's days.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttributedDailyRate {
    /// NHS-attributed, a day.
    pub nhs: DailyRate,
    /// Social-care-attributed, a day.
    pub social_care: DailyRate,
    /// Jointly attributed, a day.
    pub both: DailyRate,
}

impl AttributedDailyRate {
    /// The total a day: the sum of the parts, so the parts always add to it.
    ///
    /// # Errors
    ///
    /// [`MetricError::Overflow`] if the sum is beyond the decimal range.
    pub fn total(&self) -> Result<DailyRate, MetricError> {
        add(
            add(self.nhs.per_100k(), self.social_care.per_100k())?,
            self.both.per_100k(),
        )
        .map(DailyRate::new)
    }
}

impl AttributedRate {
    /// Each part per day of `month` (see [`super::per_day`]).
    ///
    /// # Errors
    ///
    /// [`MetricError::Overflow`] if a part's quotient is beyond the decimal
    /// range.
    pub fn per_day(&self, month: Month) -> Result<AttributedDailyRate, MetricError> {
        Ok(AttributedDailyRate {
            nhs: super::per_day(self.nhs, month)?,
            social_care: super::per_day(self.social_care, month)?,
            both: super::per_day(self.both, month)?,
        })
    }

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

/// What one attributed part of a total can be: at least `least`, at most
/// `most`, in the total's unit (delayed days, a rate, or % of occupied bed
/// days). Both ends are included.
///
/// ```
/// use bcf_model::dtoc::PartBounds;
///
/// // "social care attributed delays ... ranging between 0.2% and 0.7%"
/// let social_care = PartBounds::printed_range("0.2".parse()?, "0.7".parse()?)?;
/// assert_eq!((social_care.least.to_string(), social_care.most.to_string()), ("0.15".into(), "0.75".into()));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PartBounds {
    /// The least the part can be.
    pub least: Decimal,
    /// The most the part can be.
    pub most: Decimal,
}

impl PartBounds {
    /// A part between `least` and `most`.
    ///
    /// # Errors
    ///
    /// [`MetricError::Negative`] if `least` is below zero (no part of a
    /// delay count is negative) or `most` is below `least`.
    pub fn new(least: Decimal, most: Decimal) -> Result<PartBounds, MetricError> {
        if least < Decimal::ZERO {
            return Err(MetricError::Negative {
                what: "the least an attributed part can be".to_string(),
                value: least,
            });
        }
        if most < least {
            return Err(MetricError::Negative {
                what: format!("the most an attributed part can be ({most}) minus the least ({least})"),
                value: most - least,
            });
        }
        Ok(PartBounds { least, most })
    }

    /// What one printed figure allows: within half a unit of its last
    /// printed place either side (`4.12` is 4.115 to 4.125), never below
    /// zero. A printed figure bounds the true one each at its own precision
    /// ([`PrintedValue::bounds`]).
    ///
    /// # Errors
    ///
    /// As [`PrintedValue::bounds`], and [`MetricError::Negative`] if the
    /// figure is below zero.
    pub fn printed(value: PrintedValue) -> Result<PartBounds, MetricError> {
        PartBounds::printed_range(value, value)
    }

    /// What a printed range allows ("ranging between 0.2% and 0.7%" across
    /// sites): from the low figure's least to the high figure's most, each at
    /// its own precision. A whole's part, as the sum of the sites' delays
    /// over the sum of their bed days, is a weighted mean of the sites'
    /// parts, so it lies within their range.
    ///
    /// # Errors
    ///
    /// As [`PrintedValue::bounds`], and [`MetricError::Negative`] if `low`
    /// is below zero or above `high`.
    pub fn printed_range(low: PrintedValue, high: PrintedValue) -> Result<PartBounds, MetricError> {
        if low.value < Decimal::ZERO || high.value < low.value {
            return Err(MetricError::Negative {
                what: format!("a printed range from {low} to {high}"),
                value: sub(high.value, low.value)?.min(low.value),
            });
        }
        let (least, _) = low.bounds()?;
        let (_, most) = high.bounds()?;
        PartBounds::new(least.max(Decimal::ZERO), most)
    }

    /// What a part of `total` that is not published can be: anything from
    /// zero to the most the total can be.
    #[must_use]
    pub const fn unpublished_part_of(total: PartBounds) -> PartBounds {
        PartBounds {
            least: Decimal::ZERO,
            most: total.most,
        }
    }

    /// Whether `value` is within the bounds.
    #[must_use]
    pub fn contains(&self, value: Decimal) -> bool {
        self.least <= value && value <= self.most
    }
}

/// What a total and what is published of its NHS, social care and joint
/// parts allow each part to be: each part narrowed by the others, since the
/// three add to the total. A part that is not published is anything from
/// zero to the total ([`PartBounds::unpublished_part_of`]).
///
/// Papers often print a total and only some of its parts, or ranges of them
/// across hospital sites; this says what the unpublished part can be and
/// whether the published figures can add up at all.
///
/// ```
/// use bcf_model::dtoc::{AttributedBounds, PartBounds};
/// use rust_decimal::Decimal;
///
/// let exactly = |n: i64| PartBounds::new(Decimal::from(n), Decimal::from(n));
/// // 1,739 days, 900 of them NHS and 700 social care: 139 joint
/// let total = exactly(1_739)?;
/// let joint = PartBounds::unpublished_part_of(total);
/// let b = AttributedBounds::narrow(total, exactly(900)?, exactly(700)?, joint)?;
/// assert_eq!(b.both, exactly(139)?);
/// // 900 + 900 cannot be parts of 1,739
/// assert!(AttributedBounds::narrow(total, exactly(900)?, exactly(900)?, joint).is_err());
/// # Ok::<(), bcf_model::metrics::MetricError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct AttributedBounds {
    /// The NHS-attributed part.
    pub nhs: PartBounds,
    /// The social-care-attributed part.
    pub social_care: PartBounds,
    /// The jointly attributed part (the papers' "joint").
    pub both: PartBounds,
}

impl AttributedBounds {
    /// Each part of `total` narrowed to what the other parts allow: at
    /// least the total's least minus the others' most, at most the total's
    /// most minus the others' least. Exact.
    ///
    /// # Errors
    ///
    /// [`MetricError::Negative`] if any bounds have a least below zero or
    /// above their most (the fields are public; [`PartBounds::new`] refuses
    /// such), [`MetricError::PartsCannotAddUp`] if no parts within the bounds add
    /// to a total within `total` (the parts' least adds to more than the
    /// total's most, or their most to less than its least), and
    /// [`MetricError::Overflow`] if a sum is beyond the decimal range.
    pub fn narrow(
        total: PartBounds,
        nhs: PartBounds,
        social_care: PartBounds,
        both: PartBounds,
    ) -> Result<AttributedBounds, MetricError> {
        for bounds in [total, nhs, social_care, both] {
            PartBounds::new(bounds.least, bounds.most)?;
        }
        let least = add(add(nhs.least, social_care.least)?, both.least)?;
        let most = add(add(nhs.most, social_care.most)?, both.most)?;
        if least > total.most || most < total.least {
            return Err(MetricError::PartsCannotAddUp {
                least,
                most,
                total_least: total.least,
                total_most: total.most,
            });
        }
        let narrowed = |part: PartBounds| -> Result<PartBounds, MetricError> {
            // the others' least and most: the sums without this part
            let others_least = sub(least, part.least)?;
            let others_most = sub(most, part.most)?;
            Ok(PartBounds {
                least: part.least.max(sub(total.least, others_most)?),
                most: part.most.min(sub(total.most, others_least)?),
            })
        };
        Ok(AttributedBounds {
            nhs: narrowed(nhs)?,
            social_care: narrowed(social_care)?,
            both: narrowed(both)?,
        })
    }

    /// The bounds on the part attributed to `a`.
    #[must_use]
    pub const fn get(&self, a: Attribution) -> PartBounds {
        match a {
            Attribution::Nhs => self.nhs,
            Attribution::SocialCare => self.social_care,
            Attribution::Both => self.both,
        }
    }
}
