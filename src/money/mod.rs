//! Exact money: the [`Money`] type, named [`Rounding`] strategies, printed
//! [`Precision`], parsing and formatting of the figures finance officers write
//! (`£3,349,869`, `3,349.9` in £'000, `(840.6)`), and exact [`allocate`]ion of
//! an amount across weights to the penny.
//!
//! Every amount is held in **pounds** as a [`rust_decimal::Decimal`]; nothing
//! is ever rounded until you ask for a presentation. Arithmetic is checked:
//! an overflow is a [`MoneyError`], never a wrapped or saturated value.
//!
//! ```
//! use bcf_model::money::{Money, Precision, Render, Rounding, Unit};
//!
//! let dfg = Money::parse("£3,349,869", Unit::Pounds)?;
//! assert_eq!(dfg.to_string(), "£3,349,869.00");
//! // the same figure as printed in a £'000 table, to one decimal place
//! assert_eq!(dfg.render(Precision::THOUSANDS_1DP), "3,349.9");
//!
//! let cit = Money::parse("(840.6)", Unit::Thousands)?;
//! assert_eq!(cit, Money::from_pounds(rust_decimal::Decimal::from(-840_600)));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

mod allocation;
mod format;
mod parse;
mod precision;

pub use allocation::{allocate, AllocationError};
pub(crate) use format::units_on_step;
pub use format::{Format, NegativeStyle, Render, Rounding};
pub(crate) use parse::plain_units;
pub use parse::{parse_decimal, ParseMoneyError, ParseMoneyErrorKind};
pub use precision::{Precision, PrecisionError, PrintedFigure, RoundingBound, Unit};

/// An exact amount of money in pounds sterling.
///
/// `Money` wraps a [`Decimal`] holding pounds, so £1,367,300 and £1,367.3k are
/// the same value whatever the unit they were written in. It has no implicit
/// rounding: sums are exact, and rounding happens only in [`Money::round`] and
/// [`Render::render`].
///
/// Arithmetic is checked: [`Money::checked_add`] and friends return
/// [`MoneyError::Overflow`] instead of panicking. The `+`/`-` operators are
/// deliberately not implemented.
///
/// ```
/// use bcf_model::money::Money;
/// use rust_decimal::Decimal;
///
/// let a = Money::from_pence(136_730_000); // £1,367,300.00
/// let b = Money::from_pounds(Decimal::new(11_955, 1)); // £1,195.5
/// let total = a.checked_add(b)?;
/// assert_eq!(total.to_string(), "£1,368,495.50");
/// # Ok::<(), bcf_model::money::MoneyError>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Money(#[serde(with = "rust_decimal::serde::str")] Decimal);

/// An arithmetic failure on [`Money`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MoneyError {
    /// The exact result does not fit in the decimal range (about ±7.9 × 10^28).
    #[error("overflow: {left} {op} {right} does not fit in the decimal range")]
    Overflow {
        /// The operation attempted (`+`, `-`, `×`, `÷`, `round`).
        op: &'static str,
        /// The left operand, as written.
        left: String,
        /// The right operand, as written.
        right: String,
    },
    /// Division by zero.
    #[error("division by zero: {0} ÷ 0")]
    DivisionByZero(String),
}

fn overflow(op: &'static str, left: impl fmt::Display, right: impl fmt::Display) -> MoneyError {
    MoneyError::Overflow {
        op,
        left: left.to_string(),
        right: right.to_string(),
    }
}

impl Money {
    /// Zero pounds.
    pub const ZERO: Money = Money(Decimal::ZERO);

    /// The largest amount representable.
    pub const MAX: Money = Money(Decimal::MAX);

    /// The smallest (most negative) amount representable.
    pub const MIN: Money = Money(Decimal::MIN);

    /// An amount of pounds, exactly as given (any number of decimal places).
    #[must_use]
    pub const fn from_pounds(pounds: Decimal) -> Money {
        Money(pounds)
    }

    /// An amount of whole pence.
    ///
    /// ```
    /// # use bcf_model::money::Money;
    /// assert_eq!(Money::from_pence(-84_060_000).to_string(), "-£840,600.00");
    /// ```
    #[must_use]
    pub fn from_pence(pence: i64) -> Money {
        Money(Decimal::new(pence, 2))
    }

    /// An amount given in `unit` (for example £'000), converted exactly to pounds.
    ///
    /// # Errors
    ///
    /// [`MoneyError::Overflow`] if `value` times the unit's factor is beyond the
    /// decimal range.
    ///
    /// ```
    /// # use bcf_model::money::{Money, Unit};
    /// # use rust_decimal::Decimal;
    /// let m = Money::from_units(Decimal::new(8406, 1), Unit::Thousands)?;
    /// assert_eq!(m, Money::from_pounds(Decimal::from(840_600)));
    /// # Ok::<(), bcf_model::money::MoneyError>(())
    /// ```
    pub fn from_units(value: Decimal, unit: Unit) -> Result<Money, MoneyError> {
        value
            .checked_mul(unit.factor())
            .map(|d| Money(d.normalize()))
            .ok_or_else(|| overflow("×", value, unit.factor()))
    }

    /// The amount in pounds.
    #[must_use]
    pub const fn pounds(self) -> Decimal {
        self.0
    }

    /// The exact amount expressed in `unit` (e.g. £'000), unrounded.
    ///
    /// Fails when the exact result needs more than 28 decimal places (for
    /// example £0.000…1 with 28 decimals, in £m): it is never rounded.
    ///
    /// # Errors
    ///
    /// [`MoneyError::Overflow`] if the exact amount in `unit` needs more than 28
    /// decimal places.
    ///
    /// ```
    /// # use bcf_model::money::{Money, Unit};
    /// # use rust_decimal::Decimal;
    /// let m = Money::from_pounds(Decimal::from(840_600));
    /// assert_eq!(m.in_units(Unit::Thousands)?, Decimal::new(8406, 1));
    /// assert!(Money::from_pounds(Decimal::new(1, 28)).in_units(Unit::Millions).is_err());
    /// # Ok::<(), bcf_model::money::MoneyError>(())
    /// ```
    pub fn in_units(self, unit: Unit) -> Result<Decimal, MoneyError> {
        shift_down(self.0, unit.exponent()).ok_or_else(|| overflow("÷", self.0, unit.factor()))
    }

    /// Whether the amount is zero.
    #[must_use]
    pub fn is_zero(self) -> bool {
        self.0.is_zero()
    }

    /// Whether the amount is below zero.
    #[must_use]
    pub fn is_negative(self) -> bool {
        self.0.is_sign_negative() && !self.0.is_zero()
    }

    /// Whether the amount is above zero.
    #[must_use]
    pub fn is_positive(self) -> bool {
        self.0.is_sign_positive() && !self.0.is_zero()
    }

    /// The absolute value. Always representable.
    #[must_use]
    pub fn abs(self) -> Money {
        Money(self.0.abs())
    }

    /// The negated amount. Always representable.
    #[must_use]
    pub fn negate(self) -> Money {
        Money(-self.0)
    }

    /// `self + other`, or an overflow error.
    ///
    /// # Errors
    ///
    /// [`MoneyError::Overflow`] if the sum is beyond the decimal range.
    pub fn checked_add(self, other: Money) -> Result<Money, MoneyError> {
        self.0
            .checked_add(other.0)
            .map(Money)
            .ok_or_else(|| overflow("+", self, other))
    }

    /// `self - other`, or an overflow error.
    ///
    /// # Errors
    ///
    /// [`MoneyError::Overflow`] if the difference is beyond the decimal range.
    pub fn checked_sub(self, other: Money) -> Result<Money, MoneyError> {
        self.0
            .checked_sub(other.0)
            .map(Money)
            .ok_or_else(|| overflow("-", self, other))
    }

    /// `self × factor` (e.g. an uplift `1.019`), exactly, or an overflow
    /// error when the exact product does not fit a decimal (beyond the range,
    /// or more than 28 decimals): it is never rounded.
    ///
    /// # Errors
    ///
    /// [`MoneyError::Overflow`] if the exact product is beyond the decimal range or
    /// needs more than 28 decimal places.
    ///
    /// ```
    /// # use bcf_model::money::Money;
    /// # use rust_decimal::Decimal;
    /// let m = Money::from_pounds(Decimal::from(20_843_500));
    /// assert_eq!(m.checked_mul(Decimal::new(1019, 3))?.to_string(), "£21,239,526.50");
    /// let tiny = Money::from_pounds(Decimal::new(1, 28));
    /// assert!(tiny.checked_mul(Decimal::new(5, 1)).is_err()); // 5 × 10^-29 would be rounded
    /// # Ok::<(), bcf_model::money::MoneyError>(())
    /// ```
    pub fn checked_mul(self, factor: Decimal) -> Result<Money, MoneyError> {
        exact_product(self.0, factor)
            .map(Money)
            .ok_or_else(|| overflow("×", self, factor))
    }

    /// `self ÷ divisor`. Decimal division can round in the 28th significant
    /// digit; use [`allocate`] to split money exactly.
    ///
    /// # Errors
    ///
    /// [`MoneyError::DivisionByZero`] if `divisor` is zero, and
    /// [`MoneyError::Overflow`] if the quotient is beyond the decimal range.
    pub fn checked_div(self, divisor: Decimal) -> Result<Money, MoneyError> {
        if divisor.is_zero() {
            return Err(MoneyError::DivisionByZero(self.to_string()));
        }
        self.0
            .checked_div(divisor)
            .map(Money)
            .ok_or_else(|| overflow("÷", self, divisor))
    }

    /// The exact sum of an iterator of amounts, or the first overflow.
    ///
    /// # Errors
    ///
    /// [`MoneyError::Overflow`] as soon as a running total is beyond the decimal
    /// range.
    ///
    /// ```
    /// # use bcf_model::money::Money;
    /// let s = Money::checked_sum([Money::from_pence(1), Money::from_pence(2)])?;
    /// assert_eq!(s, Money::from_pence(3));
    /// assert!(Money::checked_sum([Money::MAX, Money::MAX]).is_err());
    /// # Ok::<(), bcf_model::money::MoneyError>(())
    /// ```
    pub fn checked_sum<I: IntoIterator<Item = Money>>(items: I) -> Result<Money, MoneyError> {
        items.into_iter().try_fold(Money::ZERO, |acc, m| acc.checked_add(m))
    }
}

impl fmt::Display for Money {
    /// `£1,234.50`, `-£840,600.00`: pounds, grouped, two decimals, rounded
    /// half away from zero if the amount has fractions of a penny.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.format(&Precision::PENCE.format().with_symbol()))
    }
}

/// `a × b` exactly, or `None` if the exact product does not fit in a
/// decimal (more than 28 decimal places or 96 bits of mantissa).
/// `Decimal::checked_mul` would round such a product instead.
pub(crate) fn exact_product(a: Decimal, b: Decimal) -> Option<Decimal> {
    let (a, b) = (a.normalize(), b.normalize());
    let mut mantissa = a.mantissa().checked_mul(b.mantissa())?;
    let mut scale = a.scale().checked_add(b.scale())?;
    loop {
        if scale <= 28 {
            if let Ok(product) = Decimal::try_from_i128_with_scale(mantissa, scale) {
                return Some(product);
            }
        }
        // Too many decimals or too long a mantissa: only a trailing zero
        // can go without changing the value.
        if scale == 0 || mantissa % 10 != 0 {
            return None;
        }
        mantissa /= 10;
        scale -= 1;
    }
}

/// `value ÷ 10^k` exactly (a change of scale, after dropping trailing
/// zeros), or `None` when the quotient needs more than 28 decimals.
pub(crate) fn shift_down(value: Decimal, k: u32) -> Option<Decimal> {
    let mut d = value.normalize();
    let scale = d.scale().checked_add(k)?;
    if scale > 28 {
        return None;
    }
    d.set_scale(scale).ok()?;
    Some(d)
}

/// A percentage as a fraction (1.9 as 0.019), exactly: dividing by 100 is a
/// change of scale. Fails only for a percentage of more than 26 decimals.
///
/// # Errors
///
/// [`MoneyError::Overflow`] if `percent` has more than 26 decimal places, so
/// the fraction would need more than 28.
pub(crate) fn percent_fraction(percent: Decimal) -> Result<Decimal, MoneyError> {
    shift_down(percent, 2).ok_or_else(|| overflow("÷", percent, 100))
}

/// `10^n` as an `i128`, or `None` past 10^38.
fn pow10(n: u32) -> Option<i128> {
    10i128.checked_pow(n)
}

/// `steps × 10^exponent` pounds as Money, if representable.
pub(crate) fn steps_to_money(steps: i128, exponent: i32) -> Option<Money> {
    if exponent >= 0 {
        let value = pow10(exponent as u32).and_then(|p| steps.checked_mul(p))?;
        Decimal::try_from_i128_with_scale(value, 0).ok().map(Money)
    } else {
        Decimal::try_from_i128_with_scale(steps, exponent.unsigned_abs())
            .ok()
            .map(Money)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        Decimal::from_str_exact(s).unwrap()
    }

    #[test]
    fn products_and_percentages_are_exact_or_refused() {
        let m = |s: &str| Money::from_pounds(d(s));
        assert_eq!(m("2419000").checked_mul(d("0.6")), Ok(m("1451400")));
        // 7.8832 per day × 31 days, multiplied first: exactly 244.3792.
        assert_eq!(m("7.8832").checked_mul(d("31")), Ok(m("244.3792")));
        assert!(m("0.0000000000000000000000000001").checked_mul(d("0.5")).is_err());
        assert!(Money::MAX.checked_mul(d("2")).is_err());
        assert_eq!(percent_fraction(d("1.9")), Ok(d("0.019")));
        assert_eq!(percent_fraction(d("60")), Ok(d("0.6")));
        assert!(percent_fraction(d("0.000000000000000000000000001")).is_err());
        assert_eq!(shift_down(d("1.50"), 3), Some(d("0.0015")));
    }

    #[test]
    fn division_of_money() {
        let m = |s: &str| Money::from_pounds(d(s));
        assert_eq!(m("10").checked_div(d("4")), Ok(m("2.5")));
        assert!(matches!(
            m("10").checked_div(Decimal::ZERO),
            Err(MoneyError::DivisionByZero(_))
        ));
        assert!(Money::MAX.checked_div(d("0.1")).is_err());
    }
}
