//! How precisely a figure is written ([`Unit`], [`Precision`], [`PrintedFigure`])
//! and what rounding can explain ([`RoundingBound`]).

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::{overflow, pow10, steps_to_money, Format, Money, MoneyError, NegativeStyle, Rounding};

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

    /// The precision in this unit, with at least these decimals, at which
    /// `amount` is written exactly: this one if `amount` is a whole number
    /// of its steps, else one with as many more decimals as it needs (in
    /// pounds, two at least: pence, as money is written). Used to show a
    /// figure in a plan's own unit without rounding it.
    ///
    /// ```
    /// use bcf_model::money::{Money, Precision, Unit};
    /// let half = Money::parse("1.50", Unit::Pounds)?;
    /// assert_eq!(Precision::POUNDS.exact_for(Money::parse("3", Unit::Pounds)?), Precision::POUNDS);
    /// assert_eq!(Precision::POUNDS.exact_for(half), Precision::PENCE);
    /// // 0.15 thousand is 150 pounds: two decimals of a thousand.
    /// let bound = Money::parse("150", Unit::Pounds)?;
    /// assert_eq!(Precision::THOUSANDS_1DP.exact_for(bound), Precision::new(Unit::Thousands, 2)?);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn exact_for(self, amount: Money) -> Precision {
        if amount.is_multiple_of(self) {
            return self;
        }
        let least = if self.unit == Unit::Pounds {
            self.decimals.max(2)
        } else {
            self.decimals
        };
        (least..=Self::MAX_DECIMALS)
            .filter_map(|d| Precision::checked(self.unit, d))
            .find(|p| amount.is_multiple_of(*p))
            .unwrap_or_else(|| {
                // Finer than 28 decimals of a thousand or a million: in
                // pounds, at the amount's own scale (at most 28).
                u8::try_from(amount.pounds().scale())
                    .ok()
                    .and_then(|decimals| Precision::checked(Unit::Pounds, decimals.max(2)))
                    .expect("a decimal's scale is at most 28, a valid number of decimals of a pound")
            })
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

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        Decimal::from_str_exact(s).unwrap()
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
}
