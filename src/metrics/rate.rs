//! Rates per 100,000, percentages and printed values.

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::{add, div, mul, round_decimal, sub, MetricError, Population};
use crate::money::{parse_decimal, Format, ParseMoneyErrorKind, Render, Rounding};

/// 100,000: the base of every rate in this crate.
pub const PER_100K: Decimal = Decimal::from_parts(100_000, 0, 0, false, 0);

/// A rate per 100,000 of a population (for example delayed days per 100,000
/// adults 18+ in a month). Exact; not money.
///
/// ```
/// use bcf_model::metrics::{Population, Rate};
/// use bcf_model::money::{Precision, Render};
/// use rust_decimal::Decimal;
///
/// let adults = Population::new(546_185)?;
/// let june = Rate::from_count(Decimal::from(1_739), adults)?;
/// assert_eq!(june.render(Precision::PENCE), "318.39");
/// assert_eq!(june.count(adults)?, Decimal::from(1_739));
/// # Ok::<(), bcf_model::metrics::MetricError>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Rate(#[serde(with = "rust_decimal::serde::str")] Decimal);

impl Rate {
    /// Zero per 100,000.
    pub const ZERO: Rate = Rate(Decimal::ZERO);

    /// A rate of `per_100k` per 100,000.
    #[must_use]
    pub const fn new(per_100k: Decimal) -> Rate {
        Rate(per_100k)
    }

    /// The rate per 100,000, exact.
    #[must_use]
    pub const fn per_100k(self) -> Decimal {
        self.0
    }

    /// `count / population × 100,000`.
    ///
    /// # Errors
    ///
    /// [`MetricError::Overflow`] if `count × 100,000`, or the quotient, is beyond
    /// the decimal range.
    pub fn from_count(count: Decimal, population: Population) -> Result<Rate, MetricError> {
        div(mul(count, PER_100K)?, population.people(), "population").map(Rate)
    }

    /// The count this rate means in `population`: `rate × population / 100,000`
    /// (not rounded: 630.6 per 100,000 of 139,391 is 878.99...).
    ///
    /// # Errors
    ///
    /// [`MetricError::Overflow`] if `rate × population`, or the quotient, is beyond
    /// the decimal range.
    pub fn count(self, population: Population) -> Result<Decimal, MetricError> {
        div(mul(self.0, population.people())?, PER_100K, "100,000")
    }

    /// `self + other`, checked.
    ///
    /// # Errors
    ///
    /// [`MetricError::Overflow`] if the sum is beyond the decimal range.
    pub fn checked_add(self, other: Rate) -> Result<Rate, MetricError> {
        add(self.0, other.0).map(Rate)
    }

    /// `self - other`, checked.
    ///
    /// # Errors
    ///
    /// [`MetricError::Overflow`] if the difference is beyond the decimal range.
    pub fn checked_sub(self, other: Rate) -> Result<Rate, MetricError> {
        sub(self.0, other.0).map(Rate)
    }

    /// `self × factor`, checked.
    ///
    /// # Errors
    ///
    /// [`MetricError::Overflow`] if the product is beyond the decimal range.
    pub fn checked_mul(self, factor: Decimal) -> Result<Rate, MetricError> {
        mul(self.0, factor).map(Rate)
    }

    /// `self ÷ divisor`, checked: exact when the quotient fits in the
    /// decimal, else rounded half to even in its 28th decimal place.
    ///
    /// # Errors
    ///
    /// [`MetricError::DivisionByZero`] if `divisor` is zero, and
    /// [`MetricError::Overflow`] if the quotient is beyond the decimal range.
    pub fn checked_div(self, divisor: Decimal) -> Result<Rate, MetricError> {
        div(self.0, divisor, "rate divisor").map(Rate)
    }

    /// The mean of `rates` (for example a quarter as the average of its three
    /// monthly rates). Fails on an empty slice.
    ///
    /// # Errors
    ///
    /// [`MetricError::DivisionByZero`] if `rates` is empty, and
    /// [`MetricError::Overflow`] if their sum is beyond the decimal range.
    pub fn mean(rates: &[Rate]) -> Result<Rate, MetricError> {
        let sum = rates.iter().try_fold(Decimal::ZERO, |acc, r| add(acc, r.0))?;
        let n = Decimal::from(rates.len());
        div(sum, n, "number of rates (none given)").map(Rate)
    }

    /// The rate rounded to `decimals` places with `rounding` (presentation only).
    #[must_use]
    pub fn round(self, decimals: u32, rounding: Rounding) -> Rate {
        Rate(round_decimal(self.0, decimals, rounding))
    }
}

impl Render for Rate {
    /// The rate as a plain figure: `318.39` to two places.
    fn render(&self, format: impl Into<Format>) -> String {
        self.0.render(format)
    }
}

/// A rate per 100,000 **per day**: a month's [`Rate`] divided by its days
/// (the 2018/19 papers quote DTOC so, 7.88 a day). A different unit from
/// [`Rate`], so a per-day rate cannot be passed where a monthly one is
/// meant; convert with [`crate::dtoc::per_day`] and
/// [`crate::dtoc::monthly_from_per_day`], exactly.
///
/// ```
/// use bcf_model::dtoc::{monthly_from_per_day, per_day};
/// use bcf_model::metrics::{DailyRate, Rate};
///
/// let may = "2018-05".parse()?;
/// let daily = DailyRate::new("7.8832".parse()?);
/// let monthly: Rate = monthly_from_per_day(daily, may)?; // 7.8832 x 31
/// assert_eq!(monthly, Rate::new("244.3792".parse()?));
/// assert_eq!(per_day(monthly, may)?, daily);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct DailyRate(#[serde(with = "rust_decimal::serde::str")] Decimal);

impl DailyRate {
    /// A rate of `per_100k` per 100,000 a day.
    #[must_use]
    pub const fn new(per_100k: Decimal) -> DailyRate {
        DailyRate(per_100k)
    }

    /// The rate per 100,000 a day, exact.
    #[must_use]
    pub const fn per_100k(self) -> Decimal {
        self.0
    }
}

impl Render for DailyRate {
    /// The rate a day as a plain figure: `7.88` to two places.
    fn render(&self, format: impl Into<Format>) -> String {
        self.0.render(format)
    }
}

impl fmt::Display for DailyRate {
    /// The exact rate, unrounded, with its unit: `7.88 a day`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} a day", self.0.normalize())
    }
}

impl fmt::Display for Rate {
    /// The exact rate, unrounded, with no unit: `318.39`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&self.0.normalize().to_string())
    }
}

/// A percentage, held in percentage points (`Percent::new(5.06)` is 5.06%).
/// Exact; not money and not a [`Rate`].
///
/// ```
/// use bcf_model::metrics::Percent;
/// use bcf_model::money::{Format, Render};
/// use rust_decimal::Decimal;
///
/// // 844 of 1,000 people still at home after 91 days
/// let p = Percent::of(Decimal::from(844), Decimal::from(1_000))?;
/// assert_eq!(p.render(Format::places(1)?), "84.4%");
/// assert_eq!(p.part_of(Decimal::from(1_000))?, Decimal::from(844));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Percent(#[serde(with = "rust_decimal::serde::str")] Decimal);

impl Percent {
    /// `points` percent.
    #[must_use]
    pub const fn new(points: Decimal) -> Percent {
        Percent(points)
    }

    /// The percentage points, exact.
    #[must_use]
    pub const fn points(self) -> Decimal {
        self.0
    }

    /// `part / whole × 100`.
    ///
    /// # Errors
    ///
    /// [`MetricError::DivisionByZero`] if `whole` is zero, and
    /// [`MetricError::Overflow`] if `part × 100`, or the quotient, is beyond the
    /// decimal range.
    pub fn of(part: Decimal, whole: Decimal) -> Result<Percent, MetricError> {
        div(mul(part, Decimal::ONE_HUNDRED)?, whole, "the whole (denominator)").map(Percent)
    }

    /// The part of `whole` this percentage is: `points × whole / 100`.
    ///
    /// # Errors
    ///
    /// [`MetricError::Overflow`] if `points × whole` is beyond the decimal range.
    pub fn part_of(self, whole: Decimal) -> Result<Decimal, MetricError> {
        div(mul(self.0, whole)?, Decimal::ONE_HUNDRED, "100")
    }

    /// `self - other` in percentage points, checked.
    ///
    /// # Errors
    ///
    /// [`MetricError::Overflow`] if the difference is beyond the decimal range.
    pub fn checked_sub(self, other: Percent) -> Result<Percent, MetricError> {
        sub(self.0, other.0).map(Percent)
    }

    /// The percentage rounded to `decimals` places (presentation only).
    #[must_use]
    pub fn round(self, decimals: u32, rounding: Rounding) -> Percent {
        Percent(round_decimal(self.0, decimals, rounding))
    }
}

impl Render for Percent {
    /// The percentage with a `%` sign: `5.06%` to two places.
    fn render(&self, format: impl Into<Format>) -> String {
        format!("{}%", self.0.render(format))
    }
}

impl fmt::Display for Percent {
    /// The exact percentage, unrounded: `5.06%`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&format!("{}%", self.0.normalize()))
    }
}

/// A figure as printed in a paper: its value and how many decimals it was
/// printed to, which bounds the true value to within half a last digit.
///
/// ```
/// use bcf_model::metrics::PrintedValue;
/// use rust_decimal::Decimal;
///
/// let p: PrintedValue = "318.39".parse()?;
/// assert_eq!(p.decimals, 2);
/// assert_eq!(p.bounds()?, (Decimal::new(318_385, 3), Decimal::new(318_395, 3)));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PrintedValue {
    /// The value as printed.
    pub value: Decimal,
    /// Digits printed after the decimal point.
    pub decimals: u32,
}

impl PrintedValue {
    /// A value printed to `decimals` places.
    #[must_use]
    pub const fn new(value: Decimal, decimals: u32) -> PrintedValue {
        PrintedValue { value, decimals }
    }

    /// Half a unit in the last printed place (`0.005` for two decimals):
    /// `5 × 10^-(decimals + 1)`. A figure printed to more than 27 decimals
    /// has no half step in the decimal range: an error, never a wider one.
    ///
    /// # Errors
    ///
    /// [`MetricError::PrecisionOutOfRange`] if `decimals` is more than 27.
    pub fn half_step(self) -> Result<Decimal, MetricError> {
        match self.decimals.checked_add(1) {
            Some(scale) if scale <= 28 => Ok(Decimal::new(5, scale)),
            _ => Err(MetricError::PrecisionOutOfRange {
                decimals: self.decimals,
            }),
        }
    }

    /// The interval `[value - half_step, value + half_step)` the true value
    /// lies in if the figure was rounded half away from zero.
    ///
    /// # Errors
    ///
    /// [`MetricError::PrecisionOutOfRange`] if `decimals` is more than 27 (see
    /// [`PrintedValue::half_step`]), and [`MetricError::Overflow`] if a bound is
    /// beyond the decimal range.
    pub fn bounds(self) -> Result<(Decimal, Decimal), MetricError> {
        let h = self.half_step()?;
        Ok((sub(self.value, h)?, add(self.value, h)?))
    }
}

impl FromStr for PrintedValue {
    type Err = String;

    /// Reads `318.39`, `1,739`, `-601` with [`parse_decimal`]: thousands
    /// separators only between groups of three digits before the point, as
    /// [`Money::parse`](crate::money::Money::parse) reads them, so a decimal
    /// comma (`318,39`) or a misplaced one (`2,87.04`) is an error, never a
    /// different number. The number of decimals is taken from the text, so
    /// `87.0` has one.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let value = parse_decimal(s).map_err(|e| describe_bad_number(s, &e.kind))?;
        Ok(PrintedValue {
            value,
            decimals: value.scale(),
        })
    }
}

/// Why `text` is not a plain decimal number, for a reader's error message
/// (the text is quoted with its control characters escaped).
pub(crate) fn describe_bad_number(text: &str, kind: &ParseMoneyErrorKind) -> String {
    let hint = match kind {
        ParseMoneyErrorKind::BadGrouping => " (a comma separates thousands only; a decimal comma is not read)",
        _ => "",
    };
    format!("{text:?} is not a plain decimal number: {kind}{hint}")
}

impl fmt::Display for PrintedValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&self.value.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rate_conversions() {
        let pop = Population::new(100_000).unwrap();
        let r = Rate::from_count(Decimal::from(5), pop).unwrap();
        assert_eq!(r.per_100k(), Decimal::from(5));
        assert_eq!(r.count(pop).unwrap(), Decimal::from(5));
        assert!(Rate::mean(&[]).is_err());
        assert_eq!(
            Rate::mean(&[Rate::new(Decimal::ONE), Rate::new(Decimal::TWO)]).unwrap(),
            Rate::new(Decimal::new(15, 1))
        );
        assert!(Rate::new(Decimal::MAX).checked_mul(Decimal::TEN).is_err());
    }

    #[test]
    fn printed_values() {
        let p: PrintedValue = "87.0".parse().unwrap();
        assert_eq!(p.decimals, 1);
        let p: PrintedValue = "1,739".parse().unwrap();
        assert_eq!((p.value, p.decimals), (Decimal::from(1_739), 0));
        for bad in ["", "1e3", "abc", "1.2.3", "--1"] {
            assert!(bad.parse::<PrintedValue>().is_err(), "{bad}");
        }
        assert_eq!(Percent::new(Decimal::new(506, 2)).to_string(), "5.06%");
    }
}
