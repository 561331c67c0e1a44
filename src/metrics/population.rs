//! Populations: the denominator of every rate, one base per metric and year.

use std::cmp::Ordering;
use std::fmt;

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::{div, exact_product, mul_exact, MetricError, PrintedValue, PER_100K};
use crate::calendar::FinancialYear;
use crate::money::{Format, Precision, Render};

/// A population count (people), always positive. It may be fractional when
/// it is an estimate implied by a published rate.
///
/// ```
/// use bcf_model::metrics::Population;
/// assert_eq!(Population::new(546_185)?.to_string(), "546185");
/// assert!(Population::new(0).is_err());
/// # Ok::<(), bcf_model::metrics::MetricError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "Decimal", into = "Decimal")]
pub struct Population(Decimal);

impl Population {
    /// A population of `people`; fails unless it is above zero.
    ///
    /// # Errors
    ///
    /// [`MetricError::NonPositivePopulation`] if `people` is zero or negative.
    pub fn new(people: impl Into<Decimal>) -> Result<Population, MetricError> {
        let people = people.into();
        if people.is_sign_negative() || people.is_zero() {
            return Err(MetricError::NonPositivePopulation(people));
        }
        Ok(Population(people))
    }

    /// The number of people, exact.
    #[must_use]
    pub const fn people(self) -> Decimal {
        self.0
    }
}

impl Render for Population {
    /// The number of people as a plain figure: `546,185`.
    fn render(&self, format: impl Into<Format>) -> String {
        self.0.render(format)
    }
}

impl TryFrom<Decimal> for Population {
    type Error = MetricError;
    fn try_from(value: Decimal) -> Result<Self, Self::Error> {
        Population::new(value)
    }
}

impl From<Population> for Decimal {
    fn from(p: Population) -> Decimal {
        p.0
    }
}

impl fmt::Display for Population {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&self.0.normalize().to_string())
    }
}

/// The age band a metric's population covers.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum AgeBand {
    /// All ages (non-elective admissions).
    AllAges,
    /// Adults aged 18 and over (DTOC).
    Adults18Plus,
    /// People aged 65 and over (permanent admissions, falls).
    Older65Plus,
    /// Another band, described in words (e.g. "18-64").
    Other(String),
}

impl AgeBand {
    /// How the band is written: `18+`, `65+`, `all ages`.
    #[must_use]
    pub fn label(&self) -> &str {
        match self {
            AgeBand::AllAges => "all ages",
            AgeBand::Adults18Plus => "18+",
            AgeBand::Older65Plus => "65+",
            AgeBand::Other(s) => s,
        }
    }
}

impl std::str::FromStr for AgeBand {
    type Err = String;
    /// Reads `all ages`, `18+` or `65+`; any other band is refused (a data
    /// file names one of the three bases the frameworks use).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "all ages" => Ok(AgeBand::AllAges),
            "18+" => Ok(AgeBand::Adults18Plus),
            "65+" => Ok(AgeBand::Older65Plus),
            _ => Err("unknown population base: expected all ages, 18+ or 65+".to_string()),
        }
    }
}

impl fmt::Display for AgeBand {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.label())
    }
}

/// The population a metric is measured against in one year: which band,
/// which source and which vintage (the papers use slightly different
/// populations for the same year, so each metric carries its own).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PopulationBase {
    /// The metric id it serves (see [`super::ids`]).
    pub metric: String,
    /// The financial year.
    pub year: FinancialYear,
    /// The age band.
    pub band: AgeBand,
    /// Where the figure comes from (e.g. "ONS mid-year estimate").
    pub source: String,
    /// Which edition of the source (e.g. "2016 MYE", "2014-based SNPP").
    pub vintage: String,
    /// The population.
    pub population: Population,
}

/// Population bases by metric and year. Looking up a missing base is an
/// error: the library never falls back to another metric's population.
///
/// ```
/// use bcf_model::metrics::{ids, AgeBand, Population, PopulationBase, PopulationBases};
///
/// let year = "2017/18".parse()?;
/// let mut bases = PopulationBases::default();
/// bases.insert(PopulationBase {
///     metric: ids::DTOC.to_string(),
///     year,
///     band: AgeBand::Adults18Plus,
///     source: "implied by the published June 2017 rate".to_string(),
///     vintage: "September 2017 HWB paper".to_string(),
///     population: Population::new(546_185)?,
/// })?;
/// assert_eq!(bases.get(ids::DTOC, year)?.band, AgeBand::Adults18Plus);
/// assert!(bases.get(ids::PERMANENT_ADMISSIONS_65, year).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PopulationBases {
    bases: Vec<PopulationBase>,
}

impl PopulationBases {
    /// Records a base; fails if one exists for the same metric and year.
    ///
    /// # Errors
    ///
    /// [`MetricError::DuplicatePopulation`] if a base for the same metric and year
    /// is already recorded.
    pub fn insert(&mut self, base: PopulationBase) -> Result<(), MetricError> {
        if self
            .bases
            .iter()
            .any(|b| b.metric == base.metric && b.year == base.year)
        {
            return Err(MetricError::DuplicatePopulation {
                metric: base.metric,
                year: base.year,
            });
        }
        self.bases.push(base);
        Ok(())
    }

    /// The base for `metric` in `year`.
    ///
    /// # Errors
    ///
    /// [`MetricError::NoPopulation`] if no base is recorded for `metric` in `year`.
    pub fn get(&self, metric: &str, year: FinancialYear) -> Result<&PopulationBase, MetricError> {
        self.bases
            .iter()
            .find(|b| b.metric == metric && b.year == year)
            .ok_or_else(|| MetricError::NoPopulation {
                metric: metric.to_string(),
                year,
            })
    }

    /// All bases, in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = &PopulationBase> {
        self.bases.iter()
    }
}

/// An exact quotient `numerator / denominator` of two decimals with a
/// denominator above zero: an end of a [`PopulationInterval`], kept as a
/// fraction so that comparing two ends is exact even when the quotient does
/// not terminate (`61,920 × 100,000 / (12 × 759.845)`). Equality is
/// structural (the same numerator and denominator), ordering is asked for
/// with [`Ratio::cmp_exact`].
///
/// ```
/// use bcf_model::metrics::Ratio;
/// use rust_decimal::Decimal;
/// use std::cmp::Ordering;
///
/// let third = Ratio::new(Decimal::ONE, Decimal::from(3))?;
/// let also = Ratio::new(Decimal::from(2), Decimal::from(6))?;
/// assert_eq!(third.cmp_exact(also)?, Ordering::Equal);
/// assert_eq!(third.value()?.round_dp(4), Decimal::new(3_333, 4));
/// # Ok::<(), bcf_model::metrics::MetricError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Ratio {
    numerator: Decimal,
    denominator: Decimal,
}

impl Ratio {
    /// `numerator / denominator`, kept as a fraction.
    ///
    /// # Errors
    ///
    /// [`MetricError::DivisionByZero`] if `denominator` is zero, and
    /// [`MetricError::Negative`] if it is below zero.
    pub fn new(numerator: Decimal, denominator: Decimal) -> Result<Ratio, MetricError> {
        if denominator.is_zero() {
            return Err(MetricError::DivisionByZero {
                what: "the denominator of a ratio".to_string(),
            });
        }
        if denominator.is_sign_negative() {
            return Err(MetricError::Negative {
                what: "the denominator of a ratio".to_string(),
                value: denominator,
            });
        }
        Ok(Ratio { numerator, denominator })
    }

    /// The numerator, exact.
    #[must_use]
    pub const fn numerator(self) -> Decimal {
        self.numerator
    }

    /// The denominator (above zero), exact.
    #[must_use]
    pub const fn denominator(self) -> Decimal {
        self.denominator
    }

    /// The quotient as a decimal: exact when it terminates within the
    /// decimal's 28 places, else rounded half to even in its last place.
    /// For showing; compare with [`Ratio::cmp_exact`].
    ///
    /// # Errors
    ///
    /// [`MetricError::Overflow`] if the quotient is beyond the decimal range.
    pub fn value(self) -> Result<Decimal, MetricError> {
        div(self.numerator, self.denominator, "ratio denominator")
    }

    /// Compares two ratios exactly, by cross-multiplying: `a/b` against
    /// `c/d` is `a × d` against `c × b` (both denominators are positive).
    ///
    /// # Errors
    ///
    /// [`MetricError::Overflow`] if a cross product does not fit a decimal
    /// exactly (it is never rounded).
    pub fn cmp_exact(self, other: Ratio) -> Result<Ordering, MetricError> {
        let left = mul_exact(self.numerator, other.denominator)?;
        let right = mul_exact(other.numerator, self.denominator)?;
        Ok(left.cmp(&right))
    }

    /// Compares the ratio with a decimal exactly (`n/d` against `x` is `n`
    /// against `x × d`).
    ///
    /// # Errors
    ///
    /// [`MetricError::Overflow`] if `x × d` does not fit a decimal exactly.
    pub fn cmp_decimal(self, x: Decimal) -> Result<Ordering, MetricError> {
        Ok(self.numerator.cmp(&mul_exact(x, self.denominator)?))
    }

    /// The largest whole number not above the ratio, exactly, or `None` if
    /// it cannot be worked out in the decimal range.
    fn floor(self) -> Option<Decimal> {
        let mut f = self.value().ok()?.floor();
        // The decimal quotient is within one unit of its last place of the
        // exact one, so its floor is at most one away from the exact floor.
        if exact_product(f, self.denominator)? > self.numerator {
            f = f.checked_sub(Decimal::ONE)?;
        } else if exact_product(f.checked_add(Decimal::ONE)?, self.denominator)? <= self.numerator {
            f = f.checked_add(Decimal::ONE)?;
        }
        Some(f)
    }
}

/// The populations consistent with a count and a printed value, or with
/// several such pairs at once: every population `p` with `low < p <= high`
/// (the lower end open, the upper end closed). Both ends are held exactly
/// (as [`Ratio`]s), so membership, intersection and the whole numbers of
/// people in it are decided exactly; [`PopulationInterval::low`] and
/// [`PopulationInterval::high`] give them as decimals for showing.
///
/// Why those ends: a value printed to `d` decimals, rounded half away from
/// zero, was in `[v - h, v + h)` with `h` half a unit of the last place, and
/// the population is the count divided by the value (times the formula's
/// factors), so a larger value means a smaller population: `v + h` (not
/// reached) gives the open lower end, `v - h` (reached) the closed upper end.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct PopulationInterval {
    low: Ratio,
    high: Ratio,
    point: Option<Ratio>,
    low_value: Decimal,
    high_value: Decimal,
    point_value: Option<Decimal>,
}

impl PopulationInterval {
    fn from_ratios(low: Ratio, high: Ratio, point: Option<Ratio>) -> Result<PopulationInterval, MetricError> {
        Ok(PopulationInterval {
            low_value: low.value()?,
            high_value: high.value()?,
            point_value: point.map(Ratio::value).transpose()?,
            low,
            high,
            point,
        })
    }

    /// The open lower end as a decimal (exact when the quotient terminates,
    /// else rounded half to even in the 28th place; see [`PopulationInterval::low_exact`]).
    #[must_use]
    pub const fn low(&self) -> Decimal {
        self.low_value
    }

    /// The closed upper end as a decimal (rounded as [`PopulationInterval::low`]).
    #[must_use]
    pub const fn high(&self) -> Decimal {
        self.high_value
    }

    /// The population the printed value implies exactly (`count × factors /
    /// printed value`) as a decimal, or `None` for an intersection of
    /// several pairs, which has no single point.
    #[must_use]
    pub const fn point(&self) -> Option<Decimal> {
        self.point_value
    }

    /// The open lower end, exact.
    #[must_use]
    pub const fn low_exact(&self) -> Ratio {
        self.low
    }

    /// The closed upper end, exact.
    #[must_use]
    pub const fn high_exact(&self) -> Ratio {
        self.high
    }

    /// The point estimate as a [`Population`].
    ///
    /// # Errors
    ///
    /// [`MetricError::NoPointEstimate`] for an intersection, and
    /// [`MetricError::NonPositivePopulation`] if the point estimate is not
    /// above zero (a count of zero).
    pub fn point_population(&self) -> Result<Population, MetricError> {
        Population::new(self.point_value.ok_or(MetricError::NoPointEstimate)?)
    }

    /// Whether `population` is consistent with the printed figures, decided
    /// exactly: `low < population <= high`.
    ///
    /// # Errors
    ///
    /// [`MetricError::Overflow`] if `population` times an end's denominator
    /// does not fit a decimal exactly.
    pub fn contains(&self, population: Population) -> Result<bool, MetricError> {
        let p = population.people();
        Ok(self.low.cmp_decimal(p)? == Ordering::Less && self.high.cmp_decimal(p)? != Ordering::Less)
    }

    /// Whether no population at all is consistent (`low >= high`): a count
    /// of zero printed as a positive value.
    ///
    /// # Errors
    ///
    /// [`MetricError::Overflow`] if the ends cannot be compared exactly.
    pub fn is_empty(&self) -> Result<bool, MetricError> {
        Ok(self.low.cmp_exact(self.high)? != Ordering::Less)
    }

    /// The populations consistent with both `self` and `other`: the
    /// interval from the greater lower end (open) to the lesser upper end
    /// (closed). Use it to check that several printed (count, value) pairs
    /// of one population base agree; the result has no point estimate.
    ///
    /// # Errors
    ///
    /// [`MetricError::DisjointPopulations`] if no population is in both (the
    /// intervals are disjoint, or one is empty; intervals that only touch,
    /// `(a, b]` and `(b, c]`, are disjoint), and [`MetricError::Overflow`]
    /// if the ends cannot be compared exactly.
    ///
    /// ```
    /// use bcf_model::metrics::{ids, national_metrics_2017_19, MetricError};
    /// use rust_decimal::Decimal;
    ///
    /// let nel = national_metrics_2017_19()
    ///     .into_iter()
    ///     .find(|m| m.id == ids::NON_ELECTIVE_ADMISSIONS)
    ///     .ok_or("no non-elective admissions metric")?;
    /// // 2016/17: outturn 61,920 admissions printed 759.84, target 59,030 printed 724.37
    /// let outturn = nel.implied_population(Decimal::from(61_920), "759.84".parse()?)?;
    /// let target = nel.implied_population(Decimal::from(59_030), "724.37".parse()?)?;
    /// let both = outturn.intersect(&target)?;
    /// assert_eq!(both.whole_people(), Some((679_092, 679_094)));
    /// // the 2017/18 target (60,582 = 737.92) needs a different population
    /// let next = nel.implied_population(Decimal::from(60_582), "737.92".parse()?)?;
    /// assert!(matches!(both.intersect(&next), Err(MetricError::DisjointPopulations { .. })));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn intersect(&self, other: &PopulationInterval) -> Result<PopulationInterval, MetricError> {
        let (low, low_value) = if self.low.cmp_exact(other.low)? == Ordering::Less {
            (other.low, other.low_value)
        } else {
            (self.low, self.low_value)
        };
        let (high, high_value) = if self.high.cmp_exact(other.high)? == Ordering::Greater {
            (other.high, other.high_value)
        } else {
            (self.high, self.high_value)
        };
        if low.cmp_exact(high)? != Ordering::Less {
            return Err(MetricError::DisjointPopulations {
                first: self.render(Precision::PENCE),
                second: other.render(Precision::PENCE),
            });
        }
        Ok(PopulationInterval {
            low,
            high,
            point: None,
            low_value,
            high_value,
            point_value: None,
        })
    }

    /// The populations consistent with every interval given (see
    /// [`PopulationInterval::intersect`]).
    ///
    /// # Errors
    ///
    /// [`MetricError::Empty`] if `intervals` is empty, and as
    /// [`PopulationInterval::intersect`] for the first pair found disjoint
    /// from the intersection of those before it.
    pub fn intersect_all(intervals: &[PopulationInterval]) -> Result<PopulationInterval, MetricError> {
        let (first, rest) = intervals.split_first().ok_or_else(|| MetricError::Empty {
            what: "population intervals to intersect".to_string(),
        })?;
        rest.iter().try_fold(*first, |acc, i| acc.intersect(i))
    }

    /// The smallest and largest whole numbers of people in the interval,
    /// worked out exactly, or `None` if it holds no whole number (or they
    /// exceed `u64`).
    #[must_use]
    pub fn whole_people(&self) -> Option<(u64, u64)> {
        let first = self.low.floor()?.checked_add(Decimal::ONE)?.to_u64()?;
        let last = self.high.floor()?.to_u64()?;
        (first <= last).then_some((first, last))
    }
}

impl Render for PopulationInterval {
    /// `(546,176.92, 546,194.07]` style, each end by `format`.
    fn render(&self, format: impl Into<Format>) -> String {
        let format = format.into();
        format!(
            "({}, {}]",
            self.low_value.render(format),
            self.high_value.render(format)
        )
    }
}

/// The population a published rate per 100,000 implies, as an interval
/// consistent with the printed precision: the true rate lies in
/// `[r - h, r + h)` with `h` half the last printed digit, so the population
/// `count × 100,000 / rate` lies in
/// `(count × 100,000 / (r + h), count × 100,000 / (r - h)]`. The same as
/// [`FormulaKind::implied_denominator`](super::FormulaKind::implied_denominator)
/// for [`FormulaKind::RatePer100k`](super::FormulaKind::RatePer100k); for
/// other definitions (a monthly rate of an annual count, a rate printed per
/// day, a percentage) use
/// [`MetricDefinition::implied_population`](super::MetricDefinition::implied_population).
///
/// # Errors
///
/// [`MetricError::Negative`] if `count` is below zero,
/// [`MetricError::PrecisionOutOfRange`] if the rate is printed to more than 27
/// decimals, [`MetricError::UnboundedInterval`] if the rate less half a step is
/// not above zero, and [`MetricError::Overflow`] if `count × 100,000` or a
/// quotient is beyond the decimal range.
///
/// ```
/// use bcf_model::metrics::{implied_population, PrintedValue};
/// use bcf_model::money::{Format, Precision, Render};
/// use rust_decimal::Decimal;
///
/// // June 2017: 1,739 delayed days = 318.39 per 100,000 adults 18+
/// let adults = implied_population(Decimal::from(1_739), "318.39".parse()?)?;
/// assert_eq!(adults.whole_people(), Some((546_177, 546_194)));
/// assert_eq!(adults.render(Format::places(1)?), "(546,176.9, 546,194.1]");
/// assert_eq!(adults.point_population()?.render(Precision::POUNDS), "546,185");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn implied_population(count: Decimal, printed_rate: PrintedValue) -> Result<PopulationInterval, MetricError> {
    implied_denominator(count, PER_100K, Decimal::ONE, printed_rate)
}

/// The denominators `x` for which `count × multiplier / (x × divisor)`
/// prints as `printed`: `(count × multiplier / ((v + h) × divisor),
/// count × multiplier / ((v - h) × divisor)]`, every product exact.
pub(crate) fn implied_denominator(
    count: Decimal,
    multiplier: Decimal,
    divisor: Decimal,
    printed: PrintedValue,
) -> Result<PopulationInterval, MetricError> {
    if count.is_sign_negative() && !count.is_zero() {
        return Err(MetricError::Negative {
            what: "count".to_string(),
            value: count,
        });
    }
    let (low_value, high_value) = printed.bounds()?;
    if low_value.is_sign_negative() || low_value.is_zero() {
        return Err(MetricError::UnboundedInterval(printed.value));
    }
    let scaled = mul_exact(count, multiplier)?;
    PopulationInterval::from_ratios(
        Ratio::new(scaled, mul_exact(high_value, divisor)?)?,
        Ratio::new(scaled, mul_exact(low_value, divisor)?)?,
        Some(Ratio::new(scaled, mul_exact(printed.value, divisor)?)?),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        Decimal::from_str_exact(s).unwrap()
    }

    #[test]
    fn ratio_floor_is_exact() {
        // 1 - 10^-28 / 1 rounds to 1 in fewer places but its floor is 0
        let r = Ratio::new(d("0.9999999999999999999999999999"), Decimal::ONE).unwrap();
        assert_eq!(r.floor(), Some(Decimal::ZERO));
        // 2/3 x 3: a quotient that does not terminate, floor 1 of 5/3
        let r = Ratio::new(Decimal::from(5), Decimal::from(3)).unwrap();
        assert_eq!(r.floor(), Some(Decimal::ONE));
        let r = Ratio::new(Decimal::from(6), Decimal::from(3)).unwrap();
        assert_eq!(r.floor(), Some(Decimal::TWO));
        assert!(Ratio::new(Decimal::ONE, Decimal::ZERO).is_err());
        assert!(Ratio::new(Decimal::ONE, Decimal::NEGATIVE_ONE).is_err());
        let big = Ratio::new(Decimal::MAX, Decimal::ONE).unwrap();
        let small = Ratio::new(Decimal::ONE, Decimal::MAX).unwrap();
        assert!(big.cmp_exact(small).is_err());
    }

    #[test]
    fn interval_edges() {
        let p = PrintedValue::new(Decimal::from(2), 0);
        // 1 per 100,000 printed as 2 (1.5 <= r < 2.5): populations (40,000, 66,666.6...]
        let i = implied_population(Decimal::ONE, p).unwrap();
        assert_eq!(i.whole_people(), Some((40_001, 66_666)));
        assert!(!i.contains(Population::new(40_000).unwrap()).unwrap());
        assert!(i.contains(Population::new(40_001).unwrap()).unwrap());
        assert!(i.contains(Population::new(66_666).unwrap()).unwrap());
        assert!(!i.contains(Population::new(d("66666.67")).unwrap()).unwrap());
        // (40,000, 66,666.66...] and (66,666.66..., 200,000] only touch: disjoint
        let next = implied_population(Decimal::ONE, PrintedValue::new(Decimal::ONE, 0)).unwrap();
        assert_eq!(next.low_exact().cmp_exact(i.high_exact()).unwrap(), Ordering::Equal);
        assert!(matches!(
            i.intersect(&next),
            Err(MetricError::DisjointPopulations { .. })
        ));
        assert!(matches!(
            PopulationInterval::intersect_all(&[]),
            Err(MetricError::Empty { .. })
        ));
        assert_eq!(PopulationInterval::intersect_all(&[i]).unwrap(), i);
        // a count of zero printed as a positive rate: no population at all
        let none = implied_population(Decimal::ZERO, p).unwrap();
        assert!(none.is_empty().unwrap());
        assert_eq!(none.whole_people(), None);
        assert!(none.intersect(&i).is_err());
        assert!(implied_population(Decimal::ONE, PrintedValue::new(Decimal::ZERO, 0)).is_err());
        assert!(implied_population(Decimal::NEGATIVE_ONE, p).is_err());
        assert!(implied_population(Decimal::MAX, p).is_err());
    }
}
