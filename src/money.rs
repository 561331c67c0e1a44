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
//! use bcf_model::money::{Money, Unit, Precision, Rounding};
//!
//! let dfg = Money::parse("£3,349,869", Unit::Pounds)?;
//! assert_eq!(dfg.to_string(), "£3,349,869.00");
//! // the same figure as printed in a £'000 table, to one decimal place
//! assert_eq!(dfg.format(&Precision::THOUSANDS_1DP.format()), "3,349.9");
//!
//! let cit = Money::parse("(840.6)", Unit::Thousands)?;
//! assert_eq!(cit, Money::from_pounds(rust_decimal::Decimal::from(-840_600)));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// An exact amount of money in pounds sterling.
///
/// `Money` wraps a [`Decimal`] holding pounds, so £1,367,300 and £1,367.3k are
/// the same value whatever the unit they were written in. It has no implicit
/// rounding: sums are exact, and rounding happens only in [`Money::round`] and
/// [`Money::format`].
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
        let shift = self.0.scale() as i32 + precision.exponent();
        if shift <= 0 {
            return true;
        }
        match pow10(shift as u32) {
            Some(p) => self.0.mantissa() % p == 0,
            // |mantissa| < 2^96 < 10^39: a larger power cannot divide a non-zero mantissa.
            None => self.0.is_zero(),
        }
    }

    /// Formats the amount with `format` (unit, decimals, symbol, negatives, rounding).
    /// Never fails and never loses a digit before the rounding position.
    ///
    /// ```
    /// # use bcf_model::money::{Money, Format, NegativeStyle, Precision, Unit};
    /// # use rust_decimal::Decimal;
    /// let m = Money::from_pounds(Decimal::from(-840_600));
    /// let f = Format { negative: NegativeStyle::Brackets, ..Precision::THOUSANDS_1DP.format() };
    /// assert_eq!(m.format(&f), "(840.6)");
    /// assert_eq!(m.format(&Precision::POUNDS.format().with_symbol()), "-£840,600");
    /// ```
    #[must_use]
    pub fn format(self, format: &Format) -> String {
        let (steps, zeros) = round_mantissa(
            self.0.mantissa(),
            self.0.scale() as i32 + format.precision.exponent(),
            format.rounding,
        );
        format_digits(steps, zeros, format)
    }

    /// Parses a figure written in `unit`: `£3,349,869`, `3,349.9`, `-840.6`,
    /// `(840.6)`, `£(1,000)`. Thousands separators must be well placed; no
    /// exponent, no stray characters. See [`ParseMoneyErrorKind`] for what is
    /// rejected.
    ///
    /// # Errors
    ///
    /// [`ParseMoneyError`], whose [`kind`](ParseMoneyError::kind) is
    /// [`Empty`](ParseMoneyErrorKind::Empty) for blank input,
    /// [`UnexpectedCharacter`](ParseMoneyErrorKind::UnexpectedCharacter) for a
    /// character with no place in a figure, [`NoDigits`](ParseMoneyErrorKind::NoDigits)
    /// when there are no digits, [`BadGrouping`](ParseMoneyErrorKind::BadGrouping)
    /// for misplaced thousands separators, [`BadSign`](ParseMoneyErrorKind::BadSign)
    /// for an unmatched bracket or a sign inside brackets, and
    /// [`OutOfRange`](ParseMoneyErrorKind::OutOfRange) for a figure with more than
    /// 28 decimals or beyond the decimal range (in pounds).
    ///
    /// ```
    /// # use bcf_model::money::{Money, Unit};
    /// assert_eq!(Money::parse("1,367.3", Unit::Thousands)?, Money::from_pence(136_730_000));
    /// assert!(Money::parse("1e30", Unit::Pounds).is_err());
    /// assert!(Money::parse("1,36.7", Unit::Pounds).is_err());
    /// # Ok::<(), bcf_model::money::ParseMoneyError>(())
    /// ```
    pub fn parse(input: &str, unit: Unit) -> Result<Money, ParseMoneyError> {
        Self::parse_printed(input, unit).map(|p| p.value)
    }

    /// Like [`Money::parse`], and also returns the precision the figure was
    /// printed to (its unit and number of decimals), which says how far the
    /// printed figure may be from the true one.
    ///
    /// # Errors
    ///
    /// The same [`ParseMoneyError`]s as [`Money::parse`].
    ///
    /// ```
    /// # use bcf_model::money::{Money, Unit, Precision};
    /// let p = Money::parse_printed("2,562.7", Unit::Thousands)?;
    /// assert_eq!(p.precision, Precision::THOUSANDS_1DP);
    /// assert_eq!(p.precision.half_step().to_string(), "£50.00");
    /// # Ok::<(), bcf_model::money::ParseMoneyError>(())
    /// ```
    pub fn parse_printed(input: &str, unit: Unit) -> Result<PrintedFigure, ParseMoneyError> {
        parse_figure(input, unit)
    }
}

impl fmt::Display for Money {
    /// `£1,234.50`, `-£840,600.00`: pounds, grouped, two decimals, rounded
    /// half away from zero if the amount has fractions of a penny.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.format(&Precision::PENCE.format().with_symbol()))
    }
}

/// The unit a figure is written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[non_exhaustive]
pub enum Unit {
    /// Pounds (£).
    Pounds,
    /// Thousands of pounds (£'000), the unit of most BCF tables.
    Thousands,
    /// Millions of pounds (£m).
    Millions,
}

impl Unit {
    /// The power of ten of one unit in pounds (0, 3, 6).
    #[must_use]
    pub const fn exponent(self) -> u32 {
        match self {
            Unit::Pounds => 0,
            Unit::Thousands => 3,
            Unit::Millions => 6,
        }
    }

    /// One unit in pounds (1, 1000, 1000000).
    #[must_use]
    pub fn factor(self) -> Decimal {
        match self {
            Unit::Pounds => Decimal::ONE,
            Unit::Thousands => Decimal::from(1_000),
            Unit::Millions => Decimal::from(1_000_000),
        }
    }

    /// How the unit is written in a table heading.
    #[must_use]
    pub const fn label(self) -> &'static str {
        match self {
            Unit::Pounds => "£",
            Unit::Thousands => "£'000",
            Unit::Millions => "£m",
        }
    }
}

impl fmt::Display for Unit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// How a figure was (or is to be) printed: a unit and a number of decimals.
///
/// `Precision::THOUSANDS_1DP` is the BCF expenditure-plan convention: £'000 to
/// one decimal place, a step of £100, so a printed figure is within £50 of the
/// true one.
///
/// A precision is valid by construction: 0 to 28 decimals in any unit, so
/// that one step (from 10^-28 to 10^6 pounds) is an exact amount.
/// [`Precision::new`] and deserialization refuse anything finer.
///
/// ```
/// use bcf_model::money::{Precision, Unit};
///
/// let p = Precision::new(Unit::Thousands, 1)?;
/// assert_eq!(p, Precision::THOUSANDS_1DP);
/// assert_eq!(p.step().to_string(), "£100.00");
/// assert_eq!("Thousands:1".parse::<Precision>()?, p);
/// assert_eq!(p.code(), "Thousands:1");
/// assert!(Precision::new(Unit::Pounds, 29).is_err());
/// # Ok::<(), bcf_model::money::PrecisionError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "PrecisionFields", into = "PrecisionFields")]
pub struct Precision {
    unit: Unit,
    decimals: u8,
}

/// The fields of a [`Precision`] as serialized: `{ "unit": "Thousands", "decimals": 1 }`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct PrecisionFields {
    unit: Unit,
    decimals: u8,
}

impl TryFrom<PrecisionFields> for Precision {
    type Error = PrecisionError;

    fn try_from(f: PrecisionFields) -> Result<Precision, PrecisionError> {
        Precision::new(f.unit, f.decimals)
    }
}

impl From<Precision> for PrecisionFields {
    fn from(p: Precision) -> PrecisionFields {
        PrecisionFields {
            unit: p.unit,
            decimals: p.decimals,
        }
    }
}

/// A precision that cannot be used.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PrecisionError {
    /// More decimals than money holds.
    #[error("{decimals} decimals is finer than money holds: expected 0 to {max}", max = Precision::MAX_DECIMALS)]
    TooFine {
        /// The decimals asked for.
        decimals: u64,
    },
    /// Text that is not a precision such as `Thousands:1`.
    #[error("{text:?} is not a precision: expected Pounds, Thousands or Millions, a colon and 0 to 28 decimals, such as Thousands:1")]
    Unreadable {
        /// The text given.
        text: String,
    },
}

impl Precision {
    /// The most decimals a precision may have, in any unit.
    pub const MAX_DECIMALS: u8 = 28;

    /// Whole pence (£ to two decimals).
    pub const PENCE: Precision = Precision {
        unit: Unit::Pounds,
        decimals: 2,
    };
    /// Whole pounds.
    pub const POUNDS: Precision = Precision {
        unit: Unit::Pounds,
        decimals: 0,
    };
    /// £'000 to one decimal place (steps of £100).
    pub const THOUSANDS_1DP: Precision = Precision {
        unit: Unit::Thousands,
        decimals: 1,
    };
    /// Whole £'000.
    pub const THOUSANDS: Precision = Precision {
        unit: Unit::Thousands,
        decimals: 0,
    };
    /// £'000 to two decimal places (steps of £10): how rounding bounds
    /// (half of £100 is 0.05) are printed.
    pub(crate) const THOUSANDS_2DP: Precision = Precision {
        unit: Unit::Thousands,
        decimals: 2,
    };
    /// £m to one decimal place (steps of £100,000).
    pub const MILLIONS_1DP: Precision = Precision {
        unit: Unit::Millions,
        decimals: 1,
    };

    /// A precision of `decimals` places in `unit`: 0 to 28 decimals.
    ///
    /// # Errors
    ///
    /// [`PrecisionError::TooFine`] if `decimals` is more than
    /// [`Precision::MAX_DECIMALS`].
    pub const fn new(unit: Unit, decimals: u8) -> Result<Precision, PrecisionError> {
        if decimals > Precision::MAX_DECIMALS {
            return Err(PrecisionError::TooFine {
                decimals: decimals as u64,
            });
        }
        Ok(Precision { unit, decimals })
    }

    /// Like [`Precision::new`], for constants: `None` beyond 28 decimals.
    #[must_use]
    pub const fn checked(unit: Unit, decimals: u8) -> Option<Precision> {
        if decimals > Precision::MAX_DECIMALS {
            None
        } else {
            Some(Precision { unit, decimals })
        }
    }

    /// The unit the figure is written in.
    #[must_use]
    pub const fn unit(self) -> Unit {
        self.unit
    }

    /// Digits after the decimal point, in that unit.
    #[must_use]
    pub const fn decimals(self) -> u8 {
        self.decimals
    }

    /// The precision as written in plan files: `Thousands:1`.
    #[must_use]
    pub fn code(self) -> String {
        format!("{:?}:{}", self.unit, self.decimals)
    }

    /// The power of ten, in pounds, of one step (2 for £100, -2 for a
    /// penny): from -28 to 6.
    #[must_use]
    pub const fn exponent(self) -> i32 {
        self.unit.exponent() as i32 - self.decimals as i32
    }

    /// One step in pounds (£100 for [`Precision::THOUSANDS_1DP`]).
    #[must_use]
    pub fn step(self) -> Money {
        steps_to_money(1, self.exponent()).expect("one step of a valid precision, 10^-28 to 10^6 pounds, is a decimal")
    }

    /// Half a step: the most a correctly rounded printed figure can be from
    /// the true value.
    ///
    /// Exact for every precision but pounds to 28 decimals, whose half step
    /// (5 × 10^-29) is finer than money holds and is given rounded down, as
    /// zero. To add half steps, use [`RoundingBound`], which is exact.
    #[must_use]
    pub fn half_step(self) -> Money {
        RoundingBound::of(self, 1)
            .to_money()
            .expect("half a step of a valid precision is at most £500,000")
    }

    /// A [`Format`] with this precision, no symbol, grouped digits, minus
    /// signs and half-away-from-zero rounding.
    #[must_use]
    pub const fn format(self) -> Format {
        Format {
            precision: self,
            rounding: Rounding::HalfAwayFromZero,
            negative: NegativeStyle::Minus,
            symbol: false,
            grouping: true,
        }
    }
}

impl FromStr for Unit {
    type Err = PrecisionError;

    /// `Pounds`, `Thousands` or `Millions`.
    fn from_str(s: &str) -> Result<Unit, PrecisionError> {
        match s.trim() {
            "Pounds" => Ok(Unit::Pounds),
            "Thousands" => Ok(Unit::Thousands),
            "Millions" => Ok(Unit::Millions),
            _ => Err(PrecisionError::Unreadable { text: s.to_string() }),
        }
    }
}

impl FromStr for Precision {
    type Err = PrecisionError;

    /// Reads a precision as written in plan files: `Thousands:1`,
    /// `Pounds:2`, `Millions:0` (spaces around the parts allowed).
    fn from_str(s: &str) -> Result<Precision, PrecisionError> {
        let unreadable = || PrecisionError::Unreadable { text: s.to_string() };
        let (unit, decimals) = s.split_once(':').ok_or_else(unreadable)?;
        let unit: Unit = unit.parse().map_err(|_| unreadable())?;
        let decimals = decimals.trim();
        if decimals.is_empty() || !decimals.bytes().all(|b| b.is_ascii_digit()) {
            return Err(unreadable());
        }
        match (decimals.parse::<u8>(), decimals.parse::<u64>()) {
            (Ok(d), _) => Precision::new(unit, d),
            (Err(_), Ok(decimals)) => Err(PrecisionError::TooFine { decimals }),
            // More digits than a u64 holds: not a number of decimals at all.
            (Err(_), Err(_)) => Err(unreadable()),
        }
    }
}

/// The largest difference that the rounding of some printed figures can
/// explain: the sum of their half steps, held exactly.
///
/// Each printed figure is within half a step of its true value; if true
/// values add up, the printed ones can miss by at most the sum of the half
/// steps of every figure taking part (parts and total). A figure known
/// exactly adds nothing. The sum is kept as a count of figures per
/// precision, so it is exact however many figures and precisions take part.
///
/// ```
/// use bcf_model::money::{Precision, RoundingBound};
///
/// // three parts and a total in £'000 to one decimal, one part in whole £'000
/// let mut bound = RoundingBound::of(Precision::THOUSANDS_1DP, 3);
/// bound.add(Precision::THOUSANDS, 1)?;
/// assert_eq!(bound.to_money()?.to_string(), "£650.00");
/// # Ok::<(), bcf_model::money::MoneyError>(())
/// ```
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct RoundingBound {
    figures: Counts,
}

/// Figures per step exponent, from 10^-28 (slot 0) to 10^6 (slot 34), held
/// small: almost every bound has figures of one precision, so it takes 16
/// bytes. Invariant: `Empty` when there are no figures, `One` when all are
/// of one precision, `Many` only for two or more (so equal bounds are equal
/// values).
#[derive(Clone, Default, PartialEq, Eq, Hash)]
enum Counts {
    #[default]
    Empty,
    One {
        slot: u8,
        figures: u64,
    },
    Many(Box<[u64; 35]>),
}

impl fmt::Debug for RoundingBound {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut list = f.debug_map();
        for (slot, n) in self.counts() {
            list.entry(&format_args!("half of 10^{}", i32::from(slot) - 28), &n);
        }
        list.finish()
    }
}

impl RoundingBound {
    /// No figure: nothing can be put down to rounding.
    pub const ZERO: RoundingBound = RoundingBound { figures: Counts::Empty };

    /// `figures` figures printed to `precision`.
    #[must_use]
    pub fn of(precision: Precision, figures: u64) -> RoundingBound {
        let mut b = RoundingBound::ZERO;
        if figures > 0 {
            b.figures = Counts::One {
                slot: Self::slot(precision),
                figures,
            };
        }
        b
    }

    /// Where a precision's count is kept: its step exponent plus 28, from
    /// 0 to 34.
    fn slot(precision: Precision) -> u8 {
        u8::try_from(precision.exponent() + 28).expect("a valid precision's exponent is from -28 to 6")
    }

    /// The non-zero counts, by slot.
    fn counts(&self) -> impl Iterator<Item = (u8, u64)> + '_ {
        let (one, many) = match &self.figures {
            Counts::Empty => (None, None),
            Counts::One { slot, figures } => (Some((*slot, *figures)), None),
            Counts::Many(all) => (None, Some(all)),
        };
        one.into_iter().chain(
            many.into_iter()
                .flat_map(|all| all.iter().enumerate())
                .filter(|(_, n)| **n > 0)
                .filter_map(|(i, n)| u8::try_from(i).ok().map(|i| (i, *n))),
        )
    }

    /// Adds `figures` figures in `slot`.
    fn add_slot(&mut self, slot: u8, figures: u64) -> Result<(), MoneyError> {
        if figures == 0 {
            return Ok(());
        }
        let too_many = || overflow("+", "the figures of a rounding bound", figures);
        match &mut self.figures {
            Counts::Empty => self.figures = Counts::One { slot, figures },
            Counts::One { slot: s, figures: n } if *s == slot => *n = n.checked_add(figures).ok_or_else(too_many)?,
            Counts::One { slot: s, figures: n } => {
                let mut all = Box::new([0u64; 35]);
                for (i, count) in [(*s, *n), (slot, figures)] {
                    if let Some(c) = all.get_mut(usize::from(i)) {
                        *c = count;
                    }
                }
                self.figures = Counts::Many(all);
            }
            Counts::Many(all) => {
                let c = all
                    .get_mut(usize::from(slot))
                    .expect("a slot is below 35 (see RoundingBound::slot)");
                *c = c.checked_add(figures).ok_or_else(too_many)?;
            }
        }
        Ok(())
    }

    /// Adds `figures` figures printed to `precision`.
    ///
    /// # Errors
    ///
    /// [`MoneyError::Overflow`] if the count of figures printed to `precision` would
    /// exceed `u64::MAX`.
    pub fn add(&mut self, precision: Precision, figures: u64) -> Result<(), MoneyError> {
        self.add_slot(Self::slot(precision), figures)
    }

    /// Adds one figure printed to `precision`, or nothing for a figure known
    /// exactly (`None`).
    ///
    /// # Errors
    ///
    /// [`MoneyError::Overflow`] if the count of figures printed to `precision` would
    /// exceed `u64::MAX`.
    pub fn add_figure(&mut self, precision: Option<Precision>) -> Result<(), MoneyError> {
        match precision {
            Some(p) => self.add(p, 1),
            None => Ok(()),
        }
    }

    /// Adds the figures of another bound.
    ///
    /// # Errors
    ///
    /// [`MoneyError::Overflow`] if the count of figures at any precision would
    /// exceed `u64::MAX`; the bound may then hold part of `other`.
    pub fn merge(&mut self, other: &RoundingBound) -> Result<(), MoneyError> {
        for (slot, n) in other.counts() {
            self.add_slot(slot, n)?;
        }
        Ok(())
    }

    /// Whether no printed figure takes part.
    #[must_use]
    pub fn is_zero(&self) -> bool {
        self.figures == Counts::Empty
    }

    /// The bound as an amount: the exact sum of the half steps.
    ///
    /// Half a step of 10^-28 pounds is finer than money holds; a sum that
    /// ends in such a half is given rounded down to 28 decimals. That
    /// changes no verdict: every amount, so every difference, is a whole
    /// number of 10^-28 pounds, and a whole number is within `b` exactly
    /// when it is within `b` rounded down to a whole number. Fails (rather
    /// than give a made-up bound) only when the sum does not fit the decimal
    /// range, which takes figures of widely different precisions in the
    /// billions.
    ///
    /// # Errors
    ///
    /// [`MoneyError::Overflow`] if the sum of the half steps is beyond the decimal
    /// range.
    pub fn to_money(&self) -> Result<Money, MoneyError> {
        let too_big = || overflow("+", "half steps", "a rounding bound");
        // In units of half the finest step taking part: 5 × 10^(e - finest).
        let Some(finest) = self.counts().map(|(slot, _)| slot).min() else {
            return Ok(Money::ZERO);
        };
        let mut units: i128 = 0;
        for (slot, n) in self.counts() {
            let term = pow10(u32::from(slot - finest))
                .and_then(|p| p.checked_mul(5))
                .and_then(|p| p.checked_mul(i128::from(n)))
                .ok_or_else(too_big)?;
            units = units.checked_add(term).ok_or_else(too_big)?;
        }
        // units × 10^(finest_exponent - 1) pounds.
        let exponent = i32::from(finest) - 28 - 1;
        let (mut units, mut scale) = if exponent >= 0 {
            let p = pow10(exponent.unsigned_abs()).ok_or_else(too_big)?;
            (units.checked_mul(p).ok_or_else(too_big)?, 0u32)
        } else if exponent < -28 {
            // Round down to 28 decimals (see above).
            (units / 10, 28)
        } else {
            (units, exponent.unsigned_abs())
        };
        loop {
            if let Ok(d) = Decimal::try_from_i128_with_scale(units, scale) {
                return Ok(Money(d.normalize()));
            }
            if scale == 0 || units % 10 != 0 {
                return Err(too_big());
            }
            units /= 10;
            scale -= 1;
        }
    }
}

impl Default for Precision {
    fn default() -> Self {
        Precision::PENCE
    }
}

impl fmt::Display for Precision {
    /// `£'000 to 1 dp`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} to {} dp", self.unit, self.decimals)
    }
}

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

/// A complete presentation rule for [`Money::format`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Format {
    /// Unit and decimals.
    pub precision: Precision,
    /// Rounding applied to reach that precision.
    pub rounding: Rounding,
    /// How negatives are shown.
    pub negative: NegativeStyle,
    /// Whether to print the `£` sign.
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

impl Default for Format {
    fn default() -> Self {
        Precision::PENCE.format()
    }
}

/// A figure as printed: its exact value and the precision it was printed to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PrintedFigure {
    /// The value the figure states, in pounds.
    pub value: Money,
    /// The precision it was printed to.
    pub precision: Precision,
}

impl PrintedFigure {
    /// A printed figure.
    #[must_use]
    pub const fn new(value: Money, precision: Precision) -> PrintedFigure {
        PrintedFigure { value, precision }
    }
}

/// Why a figure could not be read as money.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("cannot read {input:?} as money: {kind}")]
pub struct ParseMoneyError {
    /// The text that was given.
    pub input: String,
    /// What was wrong with it.
    pub kind: ParseMoneyErrorKind,
}

/// What was wrong with a money figure.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ParseMoneyErrorKind {
    /// Nothing but white space.
    #[error("it is empty")]
    Empty,
    /// A character that has no place in a money figure (letters, `e`, a second `.`).
    #[error("unexpected character {ch:?} at position {position}")]
    UnexpectedCharacter {
        /// The character.
        ch: char,
        /// Its position in characters, from 0.
        position: usize,
    },
    /// A figure with no digits.
    #[error("it has no digits")]
    NoDigits,
    /// Thousands separators not in groups of three before the decimal point.
    #[error("thousands separators are misplaced (groups of three digits expected)")]
    BadGrouping,
    /// A bracket without its partner, or a sign inside brackets.
    #[error("brackets or signs do not match (use -840.6 or (840.6))")]
    BadSign,
    /// Too many digits for the decimal range.
    #[error("it is beyond the decimal range (28 significant digits)")]
    OutOfRange,
}

fn parse_figure(input: &str, unit: Unit) -> Result<PrintedFigure, ParseMoneyError> {
    let err = |kind| ParseMoneyError {
        input: input.to_string(),
        kind,
    };
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return Err(err(ParseMoneyErrorKind::Empty));
    }
    let mut rest = trimmed;
    let mut negative = false;
    let mut bracketed = false;
    // Leading sign, then optional £, then optional bracket (or bracket then £).
    if let Some(r) = rest.strip_prefix('-').or_else(|| rest.strip_prefix('\u{2212}')) {
        negative = true;
        rest = r;
    }
    rest = rest.strip_prefix('£').unwrap_or(rest);
    if let Some(r) = rest.strip_prefix('(') {
        if negative {
            return Err(err(ParseMoneyErrorKind::BadSign));
        }
        bracketed = true;
        rest = r.strip_suffix(')').ok_or_else(|| err(ParseMoneyErrorKind::BadSign))?;
        rest = rest.strip_prefix('£').unwrap_or(rest);
        negative = true;
    } else if rest.ends_with(')') {
        return Err(err(ParseMoneyErrorKind::BadSign));
    }
    if !bracketed && !negative {
        if let Some(r) = rest.strip_prefix('-') {
            negative = true;
            rest = r;
        }
    }
    let offset = trimmed.chars().count() - rest.chars().count();
    let offset = if bracketed { offset.saturating_sub(1) } else { offset };
    let (mantissa, decimals) = parse_digits(rest, offset).map_err(err)?;
    let signed = if negative { -mantissa } else { mantissa };
    let value = Decimal::try_from_i128_with_scale(signed, u32::from(decimals))
        .map_err(|_| err(ParseMoneyErrorKind::OutOfRange))?;
    let money = Money::from_units(value, unit).map_err(|_| err(ParseMoneyErrorKind::OutOfRange))?;
    // parse_digits allows at most 28 decimals, so the precision is valid.
    let precision = Precision::new(unit, decimals).map_err(|_| err(ParseMoneyErrorKind::OutOfRange))?;
    Ok(PrintedFigure {
        value: money,
        precision,
    })
}

/// Reads the digits of a figure (after any sign, `£` and brackets): digits
/// with thousands separators in groups of three before an optional decimal
/// point. Returns the unsigned mantissa and the number of decimals;
/// `offset` is where `rest` starts in the trimmed input, for positions in
/// errors. One pass, no allocation.
fn parse_digits(rest: &str, offset: usize) -> Result<(i128, u8), ParseMoneyErrorKind> {
    let mut mantissa: i128 = 0;
    let mut int_count = 0usize;
    let mut frac_count = 0usize;
    let mut first_group: Option<usize> = None;
    let mut current_group = 0usize;
    let mut groups_ok = true;
    let mut seen_point = false;
    let mut too_long = false;
    for (i, ch) in rest.chars().enumerate() {
        match ch {
            '0'..='9' => {
                let d = i128::from(ch as u8 - b'0');
                match mantissa.checked_mul(10).and_then(|m| m.checked_add(d)) {
                    Some(m) => mantissa = m,
                    None => too_long = true,
                }
                if seen_point {
                    frac_count += 1;
                } else {
                    int_count += 1;
                    current_group += 1;
                }
            }
            ',' if !seen_point => {
                match first_group {
                    None => groups_ok &= (1..=3).contains(&current_group),
                    Some(_) => groups_ok &= current_group == 3,
                }
                first_group = Some(current_group);
                current_group = 0;
            }
            '.' if !seen_point => seen_point = true,
            _ => {
                return Err(ParseMoneyErrorKind::UnexpectedCharacter {
                    ch,
                    position: offset.saturating_add(i),
                })
            }
        }
    }
    if int_count == 0 && frac_count == 0 {
        return Err(ParseMoneyErrorKind::NoDigits);
    }
    if first_group.is_some() && (!groups_ok || current_group != 3) {
        return Err(ParseMoneyErrorKind::BadGrouping);
    }
    let decimals = u8::try_from(frac_count).map_err(|_| ParseMoneyErrorKind::OutOfRange)?;
    if too_long || frac_count > 28 {
        return Err(ParseMoneyErrorKind::OutOfRange);
    }
    Ok((mantissa, decimals))
}

/// Parses a plain decimal number as finance officers print it (`318.39`,
/// `1,739`, `-601`, `87.0`), with the same rules for thousands separators
/// as [`Money::parse`]: a comma only between groups of three digits before
/// the decimal point, so a decimal comma (`318,39`) or a misplaced one
/// (`2,87.04`) is an error, never a different number. The result keeps the
/// decimals as written (`87.0` has one). No `£`, brackets or exponent.
///
/// # Errors
///
/// [`ParseMoneyError`], whose [`kind`](ParseMoneyError::kind) is
/// [`Empty`](ParseMoneyErrorKind::Empty) for blank input,
/// [`UnexpectedCharacter`](ParseMoneyErrorKind::UnexpectedCharacter) for any
/// character other than a leading minus sign, digits, well-placed commas and one
/// decimal point (so `£`, brackets and exponents),
/// [`NoDigits`](ParseMoneyErrorKind::NoDigits) when there are no digits,
/// [`BadGrouping`](ParseMoneyErrorKind::BadGrouping) for misplaced thousands
/// separators, and [`OutOfRange`](ParseMoneyErrorKind::OutOfRange) for more than
/// 28 decimals or a number beyond the decimal range.
///
/// ```
/// use bcf_model::money::parse_decimal;
/// use rust_decimal::Decimal;
///
/// assert_eq!(parse_decimal("1,739")?, Decimal::from(1_739));
/// assert_eq!(parse_decimal("87.0")?.scale(), 1);
/// assert!(parse_decimal("318,39").is_err());
/// assert!(parse_decimal("2,87.04").is_err());
/// # Ok::<(), bcf_model::money::ParseMoneyError>(())
/// ```
pub fn parse_decimal(input: &str) -> Result<Decimal, ParseMoneyError> {
    let err = |kind| ParseMoneyError {
        input: input.to_string(),
        kind,
    };
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return Err(err(ParseMoneyErrorKind::Empty));
    }
    let (negative, rest) = match trimmed.strip_prefix('-').or_else(|| trimmed.strip_prefix('\u{2212}')) {
        Some(r) => (true, r),
        None => (false, trimmed),
    };
    let offset = trimmed.chars().count() - rest.chars().count();
    let (mantissa, decimals) = parse_digits(rest, offset).map_err(err)?;
    let signed = if negative { -mantissa } else { mantissa };
    Decimal::try_from_i128_with_scale(signed, u32::from(decimals)).map_err(|_| err(ParseMoneyErrorKind::OutOfRange))
}

impl FromStr for Money {
    type Err = ParseMoneyError;

    /// Parses a figure in pounds, as [`Money::parse`] with [`Unit::Pounds`].
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Money::parse(s, Unit::Pounds)
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

/// Formats a count of steps of `format.precision` as text.
pub(crate) fn format_steps(steps: i128, format: &Format) -> String {
    format_digits(steps, 0, format)
}

/// Formats `steps × 10^zeros` steps of `format.precision` as text.
fn format_digits(steps: i128, zeros: u32, format: &Format) -> String {
    let negative = steps < 0;
    let mut digits = steps.unsigned_abs().to_string();
    if steps != 0 {
        digits.extend(std::iter::repeat('0').take(zeros as usize));
    }
    // steps × 10^exponent pounds = steps × 10^-decimals units.
    let decimals = format.precision.decimals as usize;
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

/// Why an amount could not be allocated.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AllocationError {
    /// No weights were given.
    #[error("nothing to allocate across: no weights")]
    NoWeights,
    /// A weight below zero.
    #[error("weight {index} is negative ({weight})")]
    NegativeWeight {
        /// Position of the weight.
        index: usize,
        /// The weight.
        weight: Decimal,
    },
    /// All weights are zero, so no share is defined.
    #[error("the weights add up to zero")]
    ZeroTotalWeight,
    /// The amount is not a whole number of the allocation unit (e.g. has
    /// fractions of a penny when allocating to the penny).
    #[error("{amount} is not a whole number of {unit} steps")]
    NotWholeUnits {
        /// The amount.
        amount: Money,
        /// The allocation unit.
        unit: Precision,
    },
    /// The weights are too large or too precise to be summed exactly.
    #[error("the weights are too large or too precise to add up exactly")]
    WeightsOutOfRange,
    /// The result does not fit in the decimal range.
    #[error(transparent)]
    Money(#[from] MoneyError),
}

/// Splits `amount` across `weights` exactly, to whole steps of `unit` (e.g.
/// [`Precision::PENCE`]), by the largest-remainder method.
///
/// Each share starts at its exact pro-rata value rounded toward zero; the
/// steps left over go one each to the shares with the largest remainders,
/// ties to the earlier weight. The shares always add back to `amount`
/// exactly, each is within one step of its exact pro-rata value, and a zero
/// weight always gets zero. A negative amount is split as its absolute value
/// and negated, so `allocate(-x) == -allocate(x)`.
///
/// # Errors
///
/// [`AllocationError::NoWeights`] if `weights` is empty,
/// [`AllocationError::NegativeWeight`] for the first weight below zero,
/// [`AllocationError::NotWholeUnits`] if `amount` is not a whole number of
/// `unit` steps, [`AllocationError::ZeroTotalWeight`] if every weight is zero,
/// [`AllocationError::WeightsOutOfRange`] if the weights cannot be brought to a
/// common scale and summed in a `u128`, and [`AllocationError::Money`] (an
/// overflow) if the number of steps in `amount` does not fit an `i128` or a
/// share is beyond the decimal range.
///
/// ```
/// use bcf_model::money::{allocate, Money, Precision};
/// use rust_decimal::Decimal;
///
/// // £100 three ways, to the penny
/// let shares = allocate(Money::from_pence(10_000), &[Decimal::ONE; 3], Precision::PENCE)?;
/// assert_eq!(shares, vec![Money::from_pence(3_334), Money::from_pence(3_333), Money::from_pence(3_333)]);
/// # Ok::<(), bcf_model::money::AllocationError>(())
/// ```
pub fn allocate(amount: Money, weights: &[Decimal], unit: Precision) -> Result<Vec<Money>, AllocationError> {
    if weights.is_empty() {
        return Err(AllocationError::NoWeights);
    }
    if let Some((index, weight)) = weights
        .iter()
        .enumerate()
        .find(|(_, w)| w.is_sign_negative() && !w.is_zero())
    {
        return Err(AllocationError::NegativeWeight { index, weight: *weight });
    }
    if !amount.is_multiple_of(unit) {
        return Err(AllocationError::NotWholeUnits { amount, unit });
    }
    let total_steps = amount.steps(unit, Rounding::TowardZero)?;
    let negative = total_steps < 0;
    let total = total_steps.unsigned_abs();
    // Bring the weights to a common scale as integers.
    let max_scale = weights.iter().map(|w| w.scale()).fold(0, u32::max);
    let mut ints: Vec<u128> = Vec::with_capacity(weights.len());
    for w in weights {
        let factor = pow10(max_scale - w.scale()).ok_or(AllocationError::WeightsOutOfRange)?;
        let v = w
            .mantissa()
            .unsigned_abs()
            .checked_mul(factor.unsigned_abs())
            .ok_or(AllocationError::WeightsOutOfRange)?;
        ints.push(v);
    }
    let sum = ints
        .iter()
        .try_fold(0u128, |acc, v| acc.checked_add(*v))
        .ok_or(AllocationError::WeightsOutOfRange)?;
    if sum == 0 {
        return Err(AllocationError::ZeroTotalWeight);
    }
    let mut shares: Vec<u128> = Vec::with_capacity(ints.len());
    let mut remainders: Vec<(u128, usize)> = Vec::with_capacity(ints.len());
    let mut assigned: u128 = 0;
    for (i, w) in ints.iter().enumerate() {
        let (q, r) = mul_div_rem(total, *w, sum);
        shares.push(q);
        remainders.push((r, i));
        assigned += q; // Σ floor(total·w/sum) <= total: cannot overflow
    }
    let mut leftover = total - assigned; // < number of weights
                                         // Largest remainder first; ties to the earlier index.
    remainders.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    for (r, i) in remainders {
        if leftover == 0 {
            break;
        }
        if r == 0 {
            break;
        }
        if let Some(s) = shares.get_mut(i) {
            *s += 1;
            leftover -= 1;
        }
    }
    let exponent = unit.exponent();
    shares
        .into_iter()
        .map(|s| {
            let signed = i128::try_from(s).map_err(|_| AllocationError::WeightsOutOfRange)?;
            let signed = if negative { -signed } else { signed };
            steps_to_money(signed, exponent).ok_or(AllocationError::Money(overflow("allocate", amount, unit)))
        })
        .collect()
}

/// `(a × b) div c` and `(a × b) mod c` with a 256-bit intermediate, for
/// `a × b / c <= a` (that is, `b <= c`).
fn mul_div_rem(a: u128, b: u128, c: u128) -> (u128, u128) {
    // 256-bit product as (hi, lo).
    let (hi, lo) = mul_wide(a, b);
    if hi == 0 {
        return (lo / c, lo % c);
    }
    // Long division, one bit at a time (hi < c because the quotient fits).
    let mut rem = hi;
    let mut quo: u128 = 0;
    for i in (0..128).rev() {
        let carry = rem >> 127;
        rem = (rem << 1) | ((lo >> i) & 1);
        quo <<= 1;
        if carry == 1 || rem >= c {
            rem = rem.wrapping_sub(c);
            quo |= 1;
        }
    }
    (quo, rem)
}

fn mul_wide(a: u128, b: u128) -> (u128, u128) {
    const MASK: u128 = u64::MAX as u128;
    let (a_hi, a_lo) = (a >> 64, a & MASK);
    let (b_hi, b_lo) = (b >> 64, b & MASK);
    let ll = a_lo * b_lo;
    let lh = a_lo * b_hi;
    let hl = a_hi * b_lo;
    let hh = a_hi * b_hi;
    let mid = (ll >> 64) + (lh & MASK) + (hl & MASK);
    let lo = (ll & MASK) | (mid << 64);
    let hi = hh + (lh >> 64) + (hl >> 64) + (mid >> 64);
    (hi, lo)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        Decimal::from_str_exact(s).unwrap()
    }

    #[test]
    fn parses_published_forms() {
        assert_eq!(
            Money::parse("£3,349,869", Unit::Pounds).unwrap(),
            Money::from_pounds(d("3349869"))
        );
        assert_eq!(
            Money::parse("3,349.9", Unit::Thousands).unwrap(),
            Money::from_pounds(d("3349900"))
        );
        assert_eq!(
            Money::parse("-840.6", Unit::Thousands).unwrap(),
            Money::from_pounds(d("-840600"))
        );
        assert_eq!(
            Money::parse("(840.6)", Unit::Thousands).unwrap(),
            Money::from_pounds(d("-840600"))
        );
        assert_eq!(
            Money::parse("£(1,000)", Unit::Pounds).unwrap(),
            Money::from_pounds(d("-1000"))
        );
        assert_eq!(
            Money::parse("(£1,000)", Unit::Pounds).unwrap(),
            Money::from_pounds(d("-1000"))
        );
        assert_eq!(
            Money::parse("-£1,000", Unit::Pounds).unwrap(),
            Money::from_pounds(d("-1000"))
        );
        assert_eq!(
            Money::parse(" .5 ", Unit::Pounds).unwrap(),
            Money::from_pounds(d("0.5"))
        );
        assert_eq!(Money::parse("0.0", Unit::Thousands).unwrap(), Money::ZERO);
    }

    #[test]
    fn rejects_malformed() {
        let kind = |s: &str| Money::parse(s, Unit::Pounds).unwrap_err().kind;
        assert_eq!(kind(""), ParseMoneyErrorKind::Empty);
        assert_eq!(kind("   "), ParseMoneyErrorKind::Empty);
        assert!(matches!(
            kind("1e30"),
            ParseMoneyErrorKind::UnexpectedCharacter { ch: 'e', position: 1 }
        ));
        assert!(matches!(
            kind("1.2.3"),
            ParseMoneyErrorKind::UnexpectedCharacter { ch: '.', .. }
        ));
        assert_eq!(kind("1,36.7"), ParseMoneyErrorKind::BadGrouping);
        assert_eq!(kind(",100"), ParseMoneyErrorKind::BadGrouping);
        assert_eq!(kind("1234,567"), ParseMoneyErrorKind::BadGrouping);
        assert_eq!(kind("(840.6"), ParseMoneyErrorKind::BadSign);
        assert_eq!(kind("840.6)"), ParseMoneyErrorKind::BadSign);
        assert_eq!(kind("-(840.6)"), ParseMoneyErrorKind::BadSign);
        assert_eq!(kind("£"), ParseMoneyErrorKind::NoDigits);
        assert_eq!(kind("."), ParseMoneyErrorKind::NoDigits);
        assert_eq!(
            kind("99999999999999999999999999999999"),
            ParseMoneyErrorKind::OutOfRange
        );
        assert!(Money::parse("79228162514264337593544", Unit::Millions).is_err());
    }

    #[test]
    fn printed_precision() {
        let p = Money::parse_printed("2,562.7", Unit::Thousands).unwrap();
        assert_eq!(p.precision, Precision::THOUSANDS_1DP);
        assert_eq!(p.precision.step(), Money::from_pounds(d("100")));
        assert_eq!(p.precision.half_step(), Money::from_pounds(d("50")));
        assert_eq!(Precision::PENCE.half_step(), Money::from_pounds(d("0.005")));
    }

    #[test]
    fn precisions_are_valid_by_construction() {
        assert!(Precision::new(Unit::Pounds, 28).is_ok());
        assert!(Precision::new(Unit::Millions, 28).is_ok());
        assert_eq!(
            Precision::new(Unit::Pounds, 29),
            Err(PrecisionError::TooFine { decimals: 29 })
        );
        assert!(Precision::new(Unit::Thousands, 255).is_err());
        assert_eq!("Thousands:1".parse::<Precision>(), Ok(Precision::THOUSANDS_1DP));
        assert_eq!(" Pounds : 2 ".parse::<Precision>(), Ok(Precision::PENCE));
        for bad in [
            "Pounds:29",
            "Thousands:255",
            "Thousands:99999999999999999999",
            "Pence:2",
            "Pounds",
            "Pounds:-1",
            "Pounds:+1",
            "Pounds:",
        ] {
            assert!(bad.parse::<Precision>().is_err(), "{bad}");
        }
        let json = |d: u32| format!("{{\"unit\": \"Pounds\", \"decimals\": {d}}}");
        assert!(serde_json::from_str::<Precision>(&json(28)).is_ok());
        assert!(serde_json::from_str::<Precision>(&json(29)).is_err());
        assert_eq!(
            Precision::new(Unit::Pounds, 28).map(|p| p.step()),
            Ok(Money(Decimal::new(1, 28)))
        );
        assert_eq!(
            Precision::new(Unit::Millions, 0).map(|p| p.step()),
            Ok(Money(Decimal::from(1_000_000)))
        );
    }

    #[test]
    fn rounding_bounds_add_half_steps_exactly() {
        let m = |s: &str| Money::from_pounds(d(s));
        assert_eq!(RoundingBound::ZERO.to_money(), Ok(Money::ZERO));
        assert!(RoundingBound::of(Precision::PENCE, 0).is_zero());
        let mut b = RoundingBound::of(Precision::THOUSANDS_1DP, 3);
        assert_eq!(b.to_money(), Ok(m("150")));
        b.add(Precision::THOUSANDS, 1).unwrap();
        b.add(Precision::PENCE, 3).unwrap();
        b.add_figure(None).unwrap();
        assert_eq!(b.to_money(), Ok(m("650.015")));
        // Equal figures give equal bounds, however they were added.
        let mut c = RoundingBound::of(Precision::PENCE, 1);
        c.merge(&RoundingBound::of(Precision::THOUSANDS, 1)).unwrap();
        c.merge(&RoundingBound::of(Precision::PENCE, 2)).unwrap();
        c.merge(&RoundingBound::of(Precision::THOUSANDS_1DP, 3)).unwrap();
        assert_eq!(b, c);
        // Half of 10^-28 is finer than money: two of them make 10^-28, one
        // rounds down to zero (no difference lies strictly between).
        let finest = Precision::new(Unit::Pounds, 28).unwrap();
        assert_eq!(RoundingBound::of(finest, 1).to_money(), Ok(Money::ZERO));
        assert_eq!(
            RoundingBound::of(finest, 2).to_money(),
            Ok(m("0.0000000000000000000000000001"))
        );
        assert_eq!(finest.half_step(), Money::ZERO);
        // Many of the coarsest, and the finest with the coarsest.
        let coarse = Precision::new(Unit::Millions, 0).unwrap();
        assert_eq!(
            RoundingBound::of(coarse, u64::MAX).to_money(),
            Ok(m("9223372036854775807500000"))
        );
        let mut wide = RoundingBound::of(coarse, 1);
        wide.add(finest, 1).unwrap();
        assert_eq!(wide.to_money(), Ok(m("500000")), "the half of 10^-28 rounds down");
        let mut wide = RoundingBound::of(coarse, 1);
        wide.add(Precision::new(Unit::Pounds, 27).unwrap(), 1).unwrap();
        assert!(
            wide.to_money().is_err(),
            "£500,000 and 5 × 10^-28 need 34 digits: an error, not a made-up bound"
        );
        let mut full = RoundingBound::of(Precision::PENCE, u64::MAX);
        assert!(full.add(Precision::PENCE, 1).is_err());
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

    /// Mutation gaps: the sign may follow the £; a second sign, or a comma
    /// after the decimal point, is an error; positions in errors count from
    /// the start; names and labels read as they should.
    #[test]
    fn signs_separators_and_words() {
        let kind = |s: &str| Money::parse(s, Unit::Pounds).unwrap_err().kind;
        assert_eq!(
            Money::parse("£-1,000", Unit::Pounds),
            Ok(Money::from_pounds(d("-1000")))
        );
        assert!(matches!(
            kind("-£-1"),
            ParseMoneyErrorKind::UnexpectedCharacter { ch: '-', .. }
        ));
        assert!(matches!(
            kind("(-1)"),
            ParseMoneyErrorKind::UnexpectedCharacter { ch: '-', .. }
        ));
        assert!(matches!(
            kind("1.5,000"),
            ParseMoneyErrorKind::UnexpectedCharacter { ch: ',', position: 3 }
        ));
        assert!(matches!(
            parse_decimal("-12x").unwrap_err().kind,
            ParseMoneyErrorKind::UnexpectedCharacter { ch: 'x', position: 3 }
        ));
        assert!(matches!(
            parse_decimal("12x").unwrap_err().kind,
            ParseMoneyErrorKind::UnexpectedCharacter { ch: 'x', position: 2 }
        ));
        assert_eq!("£1,000".parse::<Money>(), Ok(Money::from_pounds(d("1000"))));
        assert!("1e3".parse::<Money>().is_err());
        assert_eq!(Unit::Thousands.label(), "£'000");
        assert_eq!(
            [Unit::Pounds, Unit::Thousands, Unit::Millions].map(|u| u.to_string()),
            ["£", "£'000", "£m"]
        );
        assert_eq!(Precision::THOUSANDS_1DP.to_string(), "£'000 to 1 dp");
        assert_eq!(Precision::checked(Unit::Pounds, 28).map(Precision::decimals), Some(28));
        assert_eq!(Precision::checked(Unit::Pounds, 29), None);
        assert_eq!(Precision::checked(Unit::Pounds, 0), Some(Precision::POUNDS));
        let mut b = RoundingBound::of(Precision::THOUSANDS_1DP, 2);
        assert!(!b.is_zero());
        assert_eq!(format!("{b:?}"), "{half of 10^2: 2}");
        b.add(Precision::PENCE, 1).unwrap();
        assert_eq!(format!("{b:?}"), "{half of 10^-2: 1, half of 10^2: 2}");
        assert!(RoundingBound::ZERO.is_zero());
    }

    /// Mutation gap: many coarse figures beside a few finer ones are added
    /// in units of the finest precision taking part, not of 10^-29 pounds
    /// (which would overflow).
    #[test]
    fn coarse_figures_in_number_stay_exact() {
        let millions = Precision::new(Unit::Millions, 0).unwrap();
        let mut b = RoundingBound::of(millions, 10_000);
        b.add(Precision::THOUSANDS, 1).unwrap();
        assert_eq!(b.to_money(), Ok(Money::from_pounds(d("5000000500"))));
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

    #[test]
    fn allocation_examples() {
        let m = Money::from_pence;
        let shares = allocate(m(100), &[d("1"), d("1"), d("1")], Precision::PENCE).unwrap();
        assert_eq!(shares, vec![m(34), m(33), m(33)]);
        let shares = allocate(m(-100), &[d("1"), d("1"), d("1")], Precision::PENCE).unwrap();
        assert_eq!(shares, vec![m(-34), m(-33), m(-33)]);
        let shares = allocate(m(1000), &[d("0"), d("0.5"), d("0.5")], Precision::PENCE).unwrap();
        assert_eq!(shares, vec![m(0), m(500), m(500)]);
        assert_eq!(allocate(m(1), &[], Precision::PENCE), Err(AllocationError::NoWeights));
        assert_eq!(
            allocate(m(1), &[d("0")], Precision::PENCE),
            Err(AllocationError::ZeroTotalWeight)
        );
        assert!(matches!(
            allocate(m(1), &[d("-1"), d("2")], Precision::PENCE),
            Err(AllocationError::NegativeWeight { index: 0, .. })
        ));
        assert!(matches!(
            allocate(Money::from_pounds(d("0.001")), &[d("1")], Precision::PENCE),
            Err(AllocationError::NotWholeUnits { .. })
        ));
        // Extreme amounts and weights use the 256-bit path.
        let big = Money::MAX.round(Precision::POUNDS, Rounding::TowardZero).unwrap();
        let shares = allocate(big, &[Decimal::MAX, Decimal::MAX, d("1")], Precision::POUNDS).unwrap();
        assert_eq!(Money::checked_sum(shares).unwrap(), big);
    }

    #[test]
    fn wide_multiplication() {
        let (hi, lo) = mul_wide(u128::MAX, u128::MAX);
        assert_eq!(hi, u128::MAX - 1);
        assert_eq!(lo, 1);
        let (q, r) = mul_div_rem(u128::MAX, u128::MAX - 1, u128::MAX);
        assert_eq!(q, u128::MAX - 1);
        assert_eq!(r, 0);
    }
}
