//! Populations: the denominator of every rate, one base per metric and year.

use std::fmt;

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::{div, mul, MetricError, PrintedValue, PER_100K};
use crate::calendar::FinancialYear;
use crate::money::{Format, Render};

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

/// The populations consistent with a count and a rounded rate: every
/// population `p` with `low < p <= high` gives a rate that prints as the
/// published one. `point` is `count × 100,000 / printed rate`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PopulationInterval {
    /// Exclusive lower bound: `count × 100,000 / (rate + half step)`.
    pub low: Decimal,
    /// The population the printed rate implies exactly.
    pub point: Decimal,
    /// Inclusive upper bound: `count × 100,000 / (rate - half step)`.
    pub high: Decimal,
}

impl PopulationInterval {
    /// The point estimate as a [`Population`].
    ///
    /// # Errors
    ///
    /// [`MetricError::NonPositivePopulation`] if the point estimate is not above
    /// zero (a count of zero).
    pub fn point_population(&self) -> Result<Population, MetricError> {
        Population::new(self.point)
    }

    /// Whether `population` is consistent with the printed rate.
    #[must_use]
    pub fn contains(&self, population: Population) -> bool {
        population.people() > self.low && population.people() <= self.high
    }

    /// The smallest and largest whole numbers of people in the interval, or
    /// `None` if it holds no whole number (or they exceed `u64`).
    #[must_use]
    pub fn whole_people(&self) -> Option<(u64, u64)> {
        let first = self.low.floor().checked_add(Decimal::ONE)?.to_u64()?;
        let last = self.high.floor().to_u64()?;
        (first <= last).then_some((first, last))
    }
}

impl Render for PopulationInterval {
    /// `(546,176.92, 546,194.07]` style, each end by `format`.
    fn render(&self, format: impl Into<Format>) -> String {
        let format = format.into();
        format!("({}, {}]", self.low.render(format), self.high.render(format))
    }
}

/// The population a published rate implies, as an interval consistent with
/// the printed precision: the true rate lies in `[r - h, r + h)` with `h` half
/// the last printed digit, so the population `count × 100,000 / rate` lies in
/// `(count × 100,000 / (r + h), count × 100,000 / (r - h)]`.
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
    if count.is_sign_negative() && !count.is_zero() {
        return Err(MetricError::Negative {
            what: "count".to_string(),
            value: count,
        });
    }
    let (low_rate, high_rate) = printed_rate.bounds()?;
    if low_rate.is_sign_negative() || low_rate.is_zero() {
        return Err(MetricError::UnboundedInterval(printed_rate.value));
    }
    let scaled = mul(count, PER_100K)?;
    Ok(PopulationInterval {
        low: div(scaled, high_rate, "rate + half step")?,
        point: div(scaled, printed_rate.value, "printed rate")?,
        high: div(scaled, low_rate, "rate - half step")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interval_edges() {
        let p = PrintedValue::new(Decimal::from(2), 0);
        // 1 per 100,000 printed as 2 (1.5 <= r < 2.5): populations (40,000, 66,666.6...]
        let i = implied_population(Decimal::ONE, p).unwrap();
        assert_eq!(i.whole_people(), Some((40_001, 66_666)));
        assert!(!i.contains(Population::new(40_000).unwrap()));
        assert!(i.contains(Population::new(66_666).unwrap()));
        assert!(implied_population(Decimal::ONE, PrintedValue::new(Decimal::ZERO, 0)).is_err());
        assert!(implied_population(Decimal::NEGATIVE_ONE, p).is_err());
        assert!(implied_population(Decimal::MAX, p).is_err());
    }
}
