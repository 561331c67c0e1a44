//! Budget [`Profile`]s: how a line's budget for the year is spread over its
//! twelve months, for the budget to date and for [`Forecast::Profiled`].
//!
//! [`Forecast::Profiled`]: super::Forecast::Profiled

use rust_decimal::Decimal;

use crate::money::{allocate, steps_to_money, AllocationError, Money, MoneyError, Precision, Rounding};

/// The months of a financial year in order, for messages.
const MONTH_NAMES: [&str; 12] = [
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
    "January",
    "February",
    "March",
];

/// Why a [`Profile`] could not be made.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ProfileError {
    /// Month shares that do not add up to exactly the whole year (1).
    #[error("the month shares of the {label} profile add up to {total}, not to the whole year (1)")]
    NotWhole {
        /// The profile's name.
        label: String,
        /// What they add up to.
        total: Decimal,
    },
    /// A month weight or amount below zero.
    #[error("the {label} profile has a negative weight for {month} ({weight})")]
    Negative {
        /// The profile's name.
        label: String,
        /// The month (`April` ... `March`).
        month: &'static str,
        /// The weight.
        weight: Decimal,
    },
    /// Every month weight is zero: the budget cannot be spread.
    #[error("every month of the {label} profile is zero")]
    AllZero {
        /// The profile's name.
        label: String,
    },
    /// The weights cannot be added up exactly: too large or too precise.
    #[error("the month weights of the {label} profile are too large or too precise to add up exactly")]
    OutOfRange {
        /// The profile's name.
        label: String,
    },
}

/// How a budget is spread over the twelve months of its financial year
/// (April first): straight line, a given share for each month, or in
/// proportion to twelve amounts. It gives the budget profiled to date (an
/// exact split to the penny by [`allocate`]) and the share of the year a
/// month's spend to date stands for.
///
/// Month weights are held as exact integers at one scale, so every ratio is
/// exact: a profile never rounds a weight.
///
/// ```
/// use bcf_model::money::Money;
/// use bcf_model::monitor::Profile;
///
/// // Winter pressure: 10% in each of December to March, 7.5% in the other eight months.
/// let (w, s) = ("0.10".parse()?, "0.075".parse()?);
/// let winter = Profile::winter([s, s, s, s, s, s, s, s, w, w, w, w])?;
/// // £12,000 profiled to the end of December: 8 × 7.5% + 10% = 70%.
/// assert_eq!(winter.budget_to_date(Money::from_pence(1_200_000), 9)?, Money::from_pence(840_000));
/// assert_eq!(Profile::straight_line().budget_to_date(Money::from_pence(1_200_000), 9)?, Money::from_pence(900_000));
///
/// // Shares that do not add up to the whole year are refused.
/// assert!(Profile::by_month([s; 12]).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Profile {
    label: String,
    /// Relative month weights as integers at one common scale, April first;
    /// their total fits a `Decimal` mantissa and is above zero.
    weights: [u128; 12],
}

impl Default for Profile {
    /// [`Profile::straight_line`].
    fn default() -> Profile {
        Profile::straight_line()
    }
}

impl Profile {
    /// Straight line: one twelfth of the year each month (the default, as
    /// monitoring has always profiled).
    #[must_use]
    pub fn straight_line() -> Profile {
        Profile {
            label: "straight line".to_string(),
            weights: [1; 12],
        }
    }

    /// Each month's share of the year, April first: shares that add up to
    /// exactly 1 (`0.075`, `0.1`, ...), none negative.
    ///
    /// # Errors
    ///
    /// [`ProfileError::Negative`] for a share below zero,
    /// [`ProfileError::NotWhole`] if they do not add up to exactly 1, and
    /// [`ProfileError::OutOfRange`] if they cannot be added up exactly.
    pub fn by_month(shares: [Decimal; 12]) -> Result<Profile, ProfileError> {
        Profile::named("by month", shares)
    }

    /// A winter profile: more of the year's budget spent from December to
    /// March. `shares` are each month's share of the year, April first, and
    /// must add up to exactly 1, as for [`Profile::by_month`].
    ///
    /// # Errors
    ///
    /// Those of [`Profile::by_month`].
    pub fn winter(shares: [Decimal; 12]) -> Result<Profile, ProfileError> {
        Profile::named("winter", shares)
    }

    /// A profile called `label` (`seasonal`, `winter`...) from each month's
    /// share of the year, April first, adding up to exactly 1.
    ///
    /// # Errors
    ///
    /// Those of [`Profile::by_month`].
    pub fn named(label: &str, shares: [Decimal; 12]) -> Result<Profile, ProfileError> {
        let (weights, scale) = integers(label, &shares)?;
        let total = total(label, &weights)?;
        let whole = 10u128.checked_pow(scale);
        if whole != Some(total) {
            let total =
                Decimal::try_from_i128_with_scale(i128::try_from(total).map_err(|_| out_of_range(label))?, scale)
                    .map_err(|_| out_of_range(label))?;
            return Err(ProfileError::NotWhole {
                label: label.to_string(),
                total,
            });
        }
        Ok(Profile {
            label: label.to_string(),
            weights,
        })
    }

    /// The year in proportion to twelve amounts, April first (a line's own
    /// monthly budget, or last year's spend by month): none negative, not
    /// all zero. A budget equal to their total is profiled to date as
    /// exactly the amounts of the months elapsed.
    ///
    /// # Errors
    ///
    /// [`ProfileError::Negative`] for an amount below zero,
    /// [`ProfileError::AllZero`] if every amount is zero, and
    /// [`ProfileError::OutOfRange`] if they cannot be added up exactly.
    pub fn amounts(amounts: [Money; 12]) -> Result<Profile, ProfileError> {
        let label = "by month (amounts)";
        let (weights, _) = integers(label, &amounts.map(Money::pounds))?;
        total(label, &weights)?;
        Ok(Profile {
            label: label.to_string(),
            weights,
        })
    }

    /// The profile's name (`straight line`, `winter`, ...).
    #[must_use]
    pub fn label(&self) -> &str {
        &self.label
    }

    /// The relative weights of the months up to `months` elapsed (months
    /// above 12 count as 12) and of the months after, as exact integers
    /// (their ratio is the profile's).
    fn split(&self, months: u32) -> (u128, u128) {
        let (mut done, mut rest) = (0u128, 0u128);
        for (month, weight) in (1u32..).zip(self.weights) {
            let part = if month <= months { &mut done } else { &mut rest };
            *part = part.checked_add(weight).expect(
                "the weights' total fits a Decimal mantissa (checked when the profile was made), so no part overflows",
            );
        }
        (done, rest)
    }

    /// `budget` profiled to the end of month `months` of the year (1 for
    /// April ... 12 for March; 0 is nothing to date, above 12 the whole
    /// year): the budget split exactly to the penny by
    /// [`allocate`] in the ratio of the months elapsed to the months to go,
    /// and the first part taken.
    ///
    /// # Errors
    ///
    /// [`AllocationError::NotWholeUnits`] if `budget` is not whole pence, and
    /// [`AllocationError::Money`] if it is beyond the range pence can count.
    pub fn budget_to_date(&self, budget: Money, months: u32) -> Result<Money, AllocationError> {
        let (done, rest) = self.split(months);
        let weight = |w: u128| {
            i128::try_from(w)
                .ok()
                .and_then(|w| Decimal::try_from_i128_with_scale(w, 0).ok())
                .ok_or(AllocationError::WeightsOutOfRange)
        };
        let parts = allocate(budget, &[weight(done)?, weight(rest)?], Precision::PENCE)?;
        Ok(parts
            .first()
            .copied()
            .expect("allocate returns one share per weight, and there are two weights"))
    }

    /// A year's forecast from the spend to date in the profile's shape:
    /// `actual × (whole year ÷ share to date)`, rounded once to the penny,
    /// half to even, from the exact value. `None` if nothing of the year is
    /// profiled to date (no forecast can be scaled from it).
    ///
    /// # Errors
    ///
    /// [`MoneyError::Overflow`] if the forecast is beyond the decimal range,
    /// or `actual` is not whole pence.
    pub fn scale_to_year(&self, actual: Money, months: u32) -> Result<Option<Money>, MoneyError> {
        let (done, rest) = self.split(months);
        let overflow = || MoneyError::Overflow {
            op: "× year ÷ to date",
            left: actual.to_string(),
            right: self.label.clone(),
        };
        if done == 0 {
            return Ok(None);
        }
        let whole = done.checked_add(rest).ok_or_else(overflow)?;
        scale_half_even(actual, whole, done).ok_or_else(overflow).map(Some)
    }
}

/// `actual × numerator ÷ denominator` in whole pence, half to even, rounded
/// once from the exact value, as integers; `None` on overflow, a zero
/// denominator or an `actual` not in whole pence.
pub(super) fn scale_half_even(actual: Money, numerator: u128, denominator: u128) -> Option<Money> {
    if !actual.is_multiple_of(Precision::PENCE) {
        return None;
    }
    let pence = actual.steps(Precision::PENCE, Rounding::HalfEven).ok()?;
    let numerator = i128::try_from(numerator).ok()?;
    let divisor = i128::try_from(denominator).ok().filter(|d| *d > 0)?;
    let scaled = pence.checked_mul(numerator)?;
    let quotient = scaled.checked_div(divisor)?;
    let remainder = scaled.checked_rem(divisor)?;
    // Half to even: away from zero past half, or at half when the quotient is odd.
    let twice = remainder.unsigned_abs().checked_mul(2)?;
    let away = match twice.cmp(&divisor.unsigned_abs()) {
        std::cmp::Ordering::Greater => true,
        std::cmp::Ordering::Equal => quotient % 2 != 0,
        std::cmp::Ordering::Less => false,
    };
    let rounded = if away {
        quotient.checked_add(scaled.signum())?
    } else {
        quotient
    };
    steps_to_money(rounded, Precision::PENCE.exponent())
}

fn out_of_range(label: &str) -> ProfileError {
    ProfileError::OutOfRange {
        label: label.to_string(),
    }
}

/// The weights as integers at their largest scale, and that scale; a
/// negative weight is an error.
fn integers(label: &str, weights: &[Decimal; 12]) -> Result<([u128; 12], u32), ProfileError> {
    if let Some((month, weight)) = MONTH_NAMES
        .iter()
        .zip(weights)
        .find(|(_, w)| w.is_sign_negative() && !w.is_zero())
    {
        return Err(ProfileError::Negative {
            label: label.to_string(),
            month,
            weight: *weight,
        });
    }
    let scale = weights.iter().map(Decimal::scale).fold(0, u32::max);
    let mut ints = [0u128; 12];
    for (slot, w) in ints.iter_mut().zip(weights) {
        let factor = scale
            .checked_sub(w.scale())
            .and_then(|d| 10u128.checked_pow(d))
            .ok_or_else(|| out_of_range(label))?;
        *slot = w
            .mantissa()
            .unsigned_abs()
            .checked_mul(factor)
            .ok_or_else(|| out_of_range(label))?;
    }
    Ok((ints, scale))
}

/// The total of the weights: above zero, and small enough for a `Decimal`
/// mantissa (so every partial sum converts exactly).
fn total(label: &str, weights: &[u128; 12]) -> Result<u128, ProfileError> {
    let total = weights
        .iter()
        .try_fold(0u128, |acc, w| acc.checked_add(*w))
        .ok_or_else(|| out_of_range(label))?;
    if total == 0 {
        return Err(ProfileError::AllZero {
            label: label.to_string(),
        });
    }
    let fits = i128::try_from(total)
        .ok()
        .and_then(|t| Decimal::try_from_i128_with_scale(t, 0).ok())
        .is_some();
    if fits {
        Ok(total)
    } else {
        Err(out_of_range(label))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().expect("a test literal")
    }

    #[test]
    fn straight_line_matches_twelfths() {
        let p = Profile::straight_line();
        assert_eq!(
            p.budget_to_date(Money::from_pence(20_001), 9),
            Ok(Money::from_pence(15_001))
        );
        assert_eq!(
            p.scale_to_year(Money::from_pence(80_000), 9),
            Ok(Some(Money::from_pence(106_667)))
        );
    }

    #[test]
    fn shares_must_be_whole_non_negative_and_not_zero() {
        let twelfth = [d("0.08"); 12];
        assert!(matches!(
            Profile::by_month(twelfth),
            Err(ProfileError::NotWhole { total, .. }) if total == d("0.96")
        ));
        let mut neg = [d("0.1"); 12];
        neg[0] = d("-0.1");
        neg[1] = d("0.3");
        assert!(matches!(
            Profile::by_month(neg),
            Err(ProfileError::Negative { month: "April", .. })
        ));
        assert!(matches!(
            Profile::amounts([Money::ZERO; 12]),
            Err(ProfileError::AllZero { .. })
        ));
        assert!(matches!(
            Profile::by_month([Decimal::MAX; 12]),
            Err(ProfileError::OutOfRange { .. })
        ));
    }

    #[test]
    fn nothing_profiled_to_date_gives_no_forecast() {
        let mut amounts = [Money::from_pence(100); 12];
        amounts[0] = Money::ZERO;
        let p = Profile::amounts(amounts).expect("positive amounts");
        assert_eq!(p.scale_to_year(Money::from_pence(5), 1), Ok(None));
        assert_eq!(
            p.budget_to_date(Money::from_pence(1_100), 2),
            Ok(Money::from_pence(100))
        );
    }
}
