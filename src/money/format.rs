//! Rounding money to a precision ([`Rounding`], [`Money::round`]) and
//! formatting it for presentation ([`Format`], [`NegativeStyle`], [`Render`]).

use std::cmp::Ordering;

use serde::{Deserialize, Serialize};

use super::{overflow, pow10, steps_to_money, Money, MoneyError, Precision};

/// A named rounding rule, applied only when presenting.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum Rounding {
    /// Round half away from zero (0.05 -> 0.1, -0.05 -> -0.1): what
    /// spreadsheets do, and the default.
    #[default]
    HalfAwayFromZero,
    /// Round half to even, "banker's rounding" (0.05 -> 0.0, 0.15 -> 0.2).
    HalfEven,
    /// Truncate toward zero.
    TowardZero,
    /// Round any remainder away from zero.
    AwayFromZero,
}

/// How negative amounts are shown.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum NegativeStyle {
    /// `-840.6`
    #[default]
    Minus,
    /// `(840.6)`, the accountants' convention.
    Brackets,
}

/// A complete presentation rule for [`Render`]: unit, decimals, rounding, negatives, symbol and grouping.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Format {
    /// Unit and decimals.
    pub precision: Precision,
    /// Rounding applied to reach that precision.
    pub rounding: Rounding,
    /// How negatives are shown.
    pub negative: NegativeStyle,
    /// Whether to print the `£` sign (and, for thousands or millions, the
    /// unit after the figure: `£1,367.3k`, `£3.4m`).
    pub symbol: bool,
    /// Whether to group thousands with commas.
    pub grouping: bool,
}

impl Format {
    /// The same format with a `£` sign.
    #[must_use]
    pub const fn with_symbol(mut self) -> Format {
        self.symbol = true;
        self
    }

    /// The same format with bracketed negatives.
    #[must_use]
    pub const fn with_brackets(mut self) -> Format {
        self.negative = NegativeStyle::Brackets;
        self
    }

    /// The same format with another rounding rule.
    #[must_use]
    pub const fn with_rounding(mut self, rounding: Rounding) -> Format {
        self.rounding = rounding;
        self
    }
}

impl Format {
    /// The default format (see [`Precision::format`]) for a plain figure
    /// written to `decimals` places: a rate, a count, a percentage.
    ///
    /// # Errors
    ///
    /// [`PrecisionError`](super::PrecisionError) for more than 28 places.
    ///
    /// ```
    /// use bcf_model::money::{Format, Render};
    /// use rust_decimal::Decimal;
    /// assert_eq!(Decimal::new(1_583_4747, 4).render(Format::places(1)?), "1,583.5");
    /// # Ok::<(), bcf_model::money::PrecisionError>(())
    /// ```
    pub fn places(decimals: u8) -> Result<Format, super::PrecisionError> {
        Precision::new(super::Unit::Pounds, decimals).map(Precision::format)
    }
}

impl From<Precision> for Format {
    /// [`Precision::format`]: no symbol, grouped, minus signs, half away
    /// from zero.
    fn from(precision: Precision) -> Format {
        precision.format()
    }
}

impl From<&Format> for Format {
    fn from(format: &Format) -> Format {
        *format
    }
}

/// The crate's one way to write a figure for people, beside `Display`.
///
/// `Display` writes a value as it is, exactly (`£3,349,869.00`, `318.3947`).
/// `render` writes it by a presentation rule: a [`Format`], or a
/// [`Precision`] with the default rule (half away from zero, grouped,
/// minus signs). The figure is scaled to the format's unit, rounded to its
/// decimals by its rounding rule, grouped and signed as it says. Money shows
/// `£` when the format asks for it; other figures (rates, percentages,
/// populations, plain decimals) never do. Figures that hold money among
/// other things (a condition check, a figure of one) render the money in
/// them so. Rendering is presentation only: nothing rendered is read back
/// into arithmetic.
///
/// Tables whose rounded figures must add up are not rendered one figure at
/// a time: they are *presented* (`present`, `present_table`,
/// `present_quarterly` in [`crate::present`]), which can fail.
///
/// ```
/// use bcf_model::money::{Format, Money, NegativeStyle, Precision, Render, Rounding, Unit};
/// use rust_decimal::Decimal;
///
/// let m = Money::parse("-840,600", Unit::Pounds)?;
/// assert_eq!(m.render(Precision::THOUSANDS_1DP), "-840.6");
/// let brackets = Format { negative: NegativeStyle::Brackets, ..Precision::THOUSANDS_1DP.format() };
/// assert_eq!(m.render(brackets), "(840.6)");
/// assert_eq!(m.render(Precision::POUNDS.format().with_symbol()), "-£840,600");
/// assert_eq!(m.render(Precision::THOUSANDS_1DP.format().with_symbol()), "-£840.6k");
/// // A plain figure by the same rule: 2,444.5 to whole units, banker's way.
/// let v = Decimal::new(24_445, 1);
/// assert_eq!(v.render(Precision::POUNDS.format().with_rounding(Rounding::HalfEven)), "2,444");
/// assert_eq!(v.render(Precision::POUNDS), "2,445");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub trait Render {
    /// The figure as text by `format` (see the [trait documentation](Render)).
    fn render(&self, format: impl Into<Format>) -> String;
}

impl Render for Money {
    fn render(&self, format: impl Into<Format>) -> String {
        self.format(&format.into())
    }
}

impl Render for rust_decimal::Decimal {
    /// The number as a plain figure: never a `£` sign.
    fn render(&self, format: impl Into<Format>) -> String {
        let format = Format {
            symbol: false,
            ..format.into()
        };
        Money::from_pounds(*self).format(&format)
    }
}

impl Default for Format {
    fn default() -> Self {
        Precision::PENCE.format()
    }
}

impl Money {
    /// The amount rounded to `precision` with `rounding`, exactly.
    ///
    /// # Errors
    ///
    /// [`MoneyError::Overflow`] if the number of steps does not fit an `i128` (see
    /// [`Money::steps`]) or the rounded amount is beyond the decimal range.
    ///
    /// ```
    /// # use bcf_model::money::{Money, Precision, Rounding};
    /// # use rust_decimal::Decimal;
    /// let m = Money::from_pounds(Decimal::from(1_367_350));
    /// assert_eq!(m.round(Precision::THOUSANDS_1DP, Rounding::HalfAwayFromZero)?,
    ///            Money::from_pounds(Decimal::from(1_367_400)));
    /// assert_eq!(m.round(Precision::THOUSANDS_1DP, Rounding::HalfEven)?,
    ///            Money::from_pounds(Decimal::from(1_367_400)));
    /// # Ok::<(), bcf_model::money::MoneyError>(())
    /// ```
    pub fn round(self, precision: Precision, rounding: Rounding) -> Result<Money, MoneyError> {
        let steps = self.steps(precision, rounding)?;
        steps_to_money(steps, precision.exponent()).ok_or_else(|| overflow("round", self, precision))
    }

    /// The number of whole `precision` steps this amount rounds to (e.g. the
    /// amount in £100s for £'000 to one decimal).
    ///
    /// Fails only when the count does not fit an `i128`, which takes a
    /// precision far finer than the amount (£10^20 in steps of 10^-28).
    ///
    /// # Errors
    ///
    /// [`MoneyError::Overflow`] if the number of steps does not fit an `i128`.
    pub fn steps(self, precision: Precision, rounding: Rounding) -> Result<i128, MoneyError> {
        let (steps, zeros) = round_mantissa(
            self.0.mantissa(),
            self.0.scale() as i32 + precision.exponent(),
            rounding,
        );
        pow10(zeros)
            .and_then(|p| steps.checked_mul(p))
            .ok_or_else(|| overflow("round", self, precision))
    }

    /// Whether the amount is a whole number of `precision` steps.
    #[must_use]
    pub fn is_multiple_of(self, precision: Precision) -> bool {
        units_on_step(self.0.mantissa(), self.0.scale(), precision)
    }

    /// Formats the amount with `format` (unit, decimals, symbol, negatives,
    /// rounding): what [`Render`] does for money. Never fails and never
    /// loses a digit before the rounding position.
    #[must_use]
    pub(crate) fn format(self, format: &Format) -> String {
        let (steps, zeros) = round_mantissa(
            self.0.mantissa(),
            self.0.scale() as i32 + format.precision.exponent(),
            format.rounding,
        );
        format_digits(steps, zeros, format)
    }
}

/// Whether `units × 10^-scale` pounds is a whole number of `precision`
/// steps: whether the units are a multiple of `10^(scale + exponent)`. The
/// one rule for an amount held as a decimal ([`Money::is_multiple_of`]) or
/// as units in a plan's line table.
pub(crate) fn units_on_step(units: i128, scale: u32, precision: Precision) -> bool {
    let shift = i64::from(scale).saturating_add(i64::from(precision.exponent()));
    let Ok(shift @ 1..) = u32::try_from(shift) else {
        return true;
    };
    match (i64::try_from(units), 10i64.checked_pow(shift)) {
        // The usual amount, in a machine word.
        (Ok(units), Some(step)) => units % step == 0,
        _ => match pow10(shift) {
            Some(step) => units % step == 0,
            // |units| < 2^127 < 10^39: a larger power divides only nought.
            None => units == 0,
        },
    }
}

/// Rounds `mantissa × 10^-shift` to an integer with `rounding`, exactly,
/// as `(q, z)` meaning `q × 10^z` (so a count too large for an `i128` is
/// still exact: its digits are `q` and `z` zeros).
fn round_mantissa(mantissa: i128, shift: i32, rounding: Rounding) -> (i128, u32) {
    if shift <= 0 {
        // Already a whole number of steps.
        return (mantissa, shift.unsigned_abs());
    }
    // shift = a decimal's scale (at most 28) + a valid precision's exponent
    // (at most 6), so the divisor is at most 10^34 < 10^38.
    let divisor = pow10(shift.unsigned_abs()).expect("a shift of at most 34 is a power of ten in an i128");
    let quotient = mantissa / divisor;
    let remainder = mantissa % divisor;
    if remainder == 0 {
        return (quotient, 0);
    }
    let sign = mantissa.signum();
    let twice = remainder.unsigned_abs() * 2;
    let half_cmp = twice.cmp(&divisor.unsigned_abs());
    let away = match rounding {
        Rounding::TowardZero => false,
        Rounding::AwayFromZero => true,
        Rounding::HalfAwayFromZero => half_cmp != Ordering::Less,
        Rounding::HalfEven => match half_cmp {
            Ordering::Greater => true,
            Ordering::Less => false,
            Ordering::Equal => quotient % 2 != 0,
        },
    };
    // |quotient| < 2^96 / 10: one more step cannot overflow.
    (if away { quotient + sign } else { quotient }, 0)
}

/// Formats `steps × 10^zeros` steps of `format.precision` as text.
fn format_digits(steps: i128, zeros: u32, format: &Format) -> String {
    let negative = steps < 0;
    let mut digits = steps.unsigned_abs().to_string();
    if steps != 0 {
        digits.extend(std::iter::repeat('0').take(zeros as usize));
    }
    // steps × 10^exponent pounds = steps × 10^-decimals units.
    let decimals = format.precision.decimals() as usize;
    let (int_part, frac_part) = if decimals == 0 {
        (digits, String::new())
    } else if digits.len() > decimals {
        let (i, f) = digits.split_at(digits.len() - decimals);
        (i.to_string(), f.to_string())
    } else {
        ("0".to_string(), format!("{digits:0>decimals$}"))
    };
    let int_part = if format.grouping {
        group_thousands(&int_part)
    } else {
        int_part
    };
    let mut body = String::with_capacity(int_part.len() + frac_part.len() + 4);
    if format.symbol {
        body.push('£');
    }
    body.push_str(&int_part);
    if !frac_part.is_empty() {
        body.push('.');
        body.push_str(&frac_part);
    }
    if format.symbol {
        // With the sign, the unit too: £1,367.3k, £3.4m.
        match format.precision.unit() {
            super::Unit::Pounds => {}
            super::Unit::Thousands => body.push('k'),
            super::Unit::Millions => body.push('m'),
        }
    }
    if !negative {
        return body;
    }
    match format.negative {
        NegativeStyle::Minus => format!("-{body}"),
        NegativeStyle::Brackets => format!("({body})"),
    }
}

fn group_thousands(digits: &str) -> String {
    let len = digits.len();
    let mut out = String::with_capacity(len + len / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (len - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

#[cfg(test)]
mod tests {
    use rust_decimal::Decimal;

    use super::*;
    use crate::money::Unit;

    fn d(s: &str) -> Decimal {
        Decimal::from_str_exact(s).unwrap()
    }

    #[test]
    fn rounding_strategies() {
        let m = |s: &str| Money::from_pounds(d(s));
        let r = |x: &str, k| m(x).round(Precision::POUNDS, k).unwrap();
        assert_eq!(r("2.5", Rounding::HalfAwayFromZero), m("3"));
        assert_eq!(r("2.5", Rounding::HalfEven), m("2"));
        assert_eq!(r("3.5", Rounding::HalfEven), m("4"));
        assert_eq!(r("-2.5", Rounding::HalfAwayFromZero), m("-3"));
        assert_eq!(r("-2.5", Rounding::HalfEven), m("-2"));
        assert_eq!(r("2.9", Rounding::TowardZero), m("2"));
        assert_eq!(r("2.1", Rounding::AwayFromZero), m("3"));
        assert_eq!(r("-2.1", Rounding::AwayFromZero), m("-3"));
        assert_eq!(
            m("1367350")
                .round(Precision::THOUSANDS_1DP, Rounding::HalfEven)
                .unwrap(),
            m("1367400")
        );
        assert_eq!(
            m("1367250")
                .round(Precision::THOUSANDS_1DP, Rounding::HalfEven)
                .unwrap(),
            m("1367200")
        );
        assert!(Money::MAX.round(Precision::THOUSANDS, Rounding::AwayFromZero).is_err());
    }

    #[test]
    fn formats() {
        let m = |s: &str| Money::from_pounds(d(s));
        assert_eq!(m("3349869").to_string(), "£3,349,869.00");
        assert_eq!(m("-0.004").to_string(), "£0.00");
        assert_eq!(m("-0.005").to_string(), "-£0.01");
        assert_eq!(m("3349869").format(&Precision::THOUSANDS_1DP.format()), "3,349.9");
        assert_eq!(
            m("-840600").format(&Precision::THOUSANDS_1DP.format().with_brackets()),
            "(840.6)"
        );
        assert_eq!(m("40").format(&Precision::THOUSANDS_1DP.format()), "0.0");
        assert_eq!(m("999").format(&Precision::THOUSANDS.format()), "1");
        assert_eq!(
            Money::MAX.format(&Precision::POUNDS.format()),
            "79,228,162,514,264,337,593,543,950,335"
        );
        assert_eq!(
            Money::MIN.format(&Precision::new(Unit::Millions, 0).unwrap().format()),
            "-79,228,162,514,264,337,593,544"
        );
    }

    proptest::proptest! {
        /// A whole number of steps whether the mantissa is small or uses
        /// all 96 bits: the same answer as the exact remainder.
        #[test]
        fn is_multiple_of_is_the_exact_remainder(
            mantissa in proptest::prop_oneof![
                -1_000_000_000i128..1_000_000_000,
                -(1i128 << 96) + 1..(1i128 << 96),
            ],
            steps in -1_000_000i128..1_000_000,
            scale in 0u32..=28,
            unit in proptest::sample::select(vec![Unit::Pounds, Unit::Thousands, Unit::Millions]),
            decimals in 0u8..=12,
            on_step in proptest::bool::ANY,
        ) {
            let Some(precision) = Precision::checked(unit, decimals) else { return Ok(()) };
            let shift = i64::from(scale) + i64::from(precision.exponent());
            let step = u32::try_from(shift).ok().and_then(|s| 10i128.checked_pow(s));
            // Half the cases a whole number of steps, where one fits.
            let mantissa = match step {
                Some(p) if on_step => steps.checked_mul(p).filter(|m| m.abs() < (1i128 << 96)).unwrap_or(mantissa),
                _ => mantissa,
            };
            let amount = Money(Decimal::from_i128_with_scale(mantissa, scale));
            let expected = shift <= 0 || step.map_or(mantissa == 0, |p| mantissa % p == 0);
            proptest::prop_assert_eq!(amount.is_multiple_of(precision), expected);
        }
    }
}
