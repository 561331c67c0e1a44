//! Metric definitions as data: the 2017-19 national metrics and later ones.

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::{div, mul, AgeBand, MetricError, PER_100K};

/// Stable ids of the metrics in [`catalogue`].
pub mod ids {
    /// Permanent admissions of people 65+ to residential and nursing care.
    pub const PERMANENT_ADMISSIONS_65: &str = "permanent-admissions-65";
    /// Still at home 91 days after discharge into reablement (65+).
    pub const REABLEMENT_91_DAYS: &str = "reablement-91-days";
    /// Delayed transfers of care.
    pub const DTOC: &str = "dtoc";
    /// Non-elective admissions (general and acute).
    pub const NON_ELECTIVE_ADMISSIONS: &str = "non-elective-admissions";
    /// Avoidable admissions (unplanned admissions for ambulatory care sensitive conditions).
    pub const AVOIDABLE_ADMISSIONS: &str = "avoidable-admissions";
    /// Discharge to usual place of residence.
    pub const DISCHARGE_TO_USUAL_RESIDENCE: &str = "discharge-to-usual-residence";
    /// Emergency admissions due to falls, 65+.
    pub const FALLS_ADMISSIONS_65: &str = "falls-admissions-65";
}

/// Whether a lower or a higher value is better.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Polarity {
    /// Lower is better (admissions, delays).
    LowerIsBetter,
    /// Higher is better (still at home, discharged home).
    HigherIsBetter,
}

impl Polarity {
    /// How the papers write it: `lower is better`.
    #[must_use]
    pub const fn label(self) -> &'static str {
        match self {
            Polarity::LowerIsBetter => "lower is better",
            Polarity::HigherIsBetter => "higher is better",
        }
    }
}

impl fmt::Display for Polarity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.label())
    }
}

impl FromStr for Polarity {
    type Err = String;
    /// Reads `lower is better` / `higher is better` (any case).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "lower is better" | "lower" => Ok(Polarity::LowerIsBetter),
            "higher is better" | "higher" => Ok(Polarity::HigherIsBetter),
            _ => Err(format!(
                "{s:?} is not a polarity (expected \"lower is better\" or \"higher is better\")"
            )),
        }
    }
}

/// How a metric's value is computed from its numerator and denominator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum FormulaKind {
    /// `count in period / population × 100,000`.
    RatePer100k,
    /// `count in year / 12 / population × 100,000`: an annual count shown
    /// as a monthly rate (non-elective admissions).
    MonthlyRatePer100kOfAnnualCount,
    /// `numerator / denominator × 100`.
    Percentage,
}

/// The unit of a metric's value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum MetricUnit {
    /// Per 100,000 of the population (a [`super::Rate`]).
    Per100k,
    /// Percent (a [`super::Percent`]).
    Percent,
}

impl FormulaKind {
    /// The unit the formula produces.
    #[must_use]
    pub const fn unit(self) -> MetricUnit {
        match self {
            FormulaKind::RatePer100k | FormulaKind::MonthlyRatePer100kOfAnnualCount => MetricUnit::Per100k,
            FormulaKind::Percentage => MetricUnit::Percent,
        }
    }

    /// `(multiplier, divisor)` with `value = numerator × multiplier / (denominator × divisor)`.
    fn factors(self) -> (Decimal, Decimal) {
        match self {
            FormulaKind::RatePer100k => (PER_100K, Decimal::ONE),
            FormulaKind::MonthlyRatePer100kOfAnnualCount => (PER_100K, Decimal::from(12)),
            FormulaKind::Percentage => (Decimal::ONE_HUNDRED, Decimal::ONE),
        }
    }

    /// The metric value from a numerator (count) and denominator (population
    /// or cohort): multiplied first, divided once, so exact whenever the
    /// value fits in the decimal, else rounded half to even in its last place.
    ///
    /// # Errors
    ///
    /// [`MetricError::DivisionByZero`] if `denominator` is zero, and
    /// [`MetricError::Overflow`] if a product or the quotient is beyond the decimal
    /// range.
    ///
    /// ```
    /// use bcf_model::metrics::FormulaKind;
    /// use bcf_model::money::Rounding;
    /// use rust_decimal::Decimal;
    /// // 61,920 non-elective admissions in 2016/17 for about 679,090 people
    /// let v = FormulaKind::MonthlyRatePer100kOfAnnualCount.value(Decimal::from(61_920), Decimal::from(679_090))?;
    /// assert_eq!(v.round_dp(2), Decimal::new(75_984, 2));
    /// # Ok::<(), bcf_model::metrics::MetricError>(())
    /// ```
    pub fn value(self, numerator: Decimal, denominator: Decimal) -> Result<Decimal, MetricError> {
        let (m, d) = self.factors();
        div(mul(numerator, m)?, mul(denominator, d)?, "denominator")
    }

    /// The numerator (count) a value means for `denominator`: the inverse of
    /// [`FormulaKind::value`]. Not rounded.
    ///
    /// # Errors
    ///
    /// [`MetricError::Overflow`] if a product or the quotient is beyond the decimal
    /// range.
    pub fn numerator(self, value: Decimal, denominator: Decimal) -> Result<Decimal, MetricError> {
        let (m, d) = self.factors();
        div(mul(mul(value, denominator)?, d)?, m, "formula multiplier")
    }
}

/// The period a metric value describes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum PeriodBasis {
    /// A financial year.
    Year,
    /// A calendar month; quarters are the average of their monthly values (DTOC).
    Month,
    /// A quarter.
    Quarter,
    /// A three-month discharge cohort followed up after 91 days (reablement).
    ThreeMonthCohort,
}

/// A metric defined as data: what it counts, against which population, in
/// which unit, and which way is better.
///
/// ```
/// use bcf_model::metrics::{ids, national_metrics_2017_19, AgeBand, Polarity};
///
/// let metrics = national_metrics_2017_19();
/// let dtoc = metrics.iter().find(|m| m.id == ids::DTOC).ok_or("no DTOC metric")?;
/// assert_eq!(dtoc.polarity, Polarity::LowerIsBetter);
/// assert_eq!(dtoc.denominator, AgeBand::Adults18Plus);
/// assert_eq!(dtoc.unit_label(), "per 100,000 population 18+ per month");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MetricDefinition {
    /// Stable id (see [`ids`]).
    pub id: String,
    /// The name as the papers write it.
    pub name: String,
    /// How the value is computed.
    pub formula: FormulaKind,
    /// Which way is better.
    pub polarity: Polarity,
    /// The population (or cohort) the denominator covers.
    pub denominator: AgeBand,
    /// The period a value describes.
    pub period: PeriodBasis,
}

impl MetricDefinition {
    /// The unit of the metric's value.
    #[must_use]
    pub const fn unit(&self) -> MetricUnit {
        self.formula.unit()
    }

    /// The unit in words: `per 100,000 population 65+ per year`, `percent`.
    #[must_use]
    pub fn unit_label(&self) -> String {
        let per = match (self.formula, self.period) {
            (FormulaKind::Percentage, _) => return "percent".to_string(),
            (FormulaKind::MonthlyRatePer100kOfAnnualCount, _) | (_, PeriodBasis::Month) => "per month",
            (_, PeriodBasis::Year) => "per year",
            (_, PeriodBasis::Quarter) | (_, PeriodBasis::ThreeMonthCohort) => "per quarter",
        };
        match &self.denominator {
            AgeBand::AllAges => format!("per 100,000 population {per}"),
            band => format!("per 100,000 population {band} {per}"),
        }
    }

    /// The metric value from a count and its denominator (see [`FormulaKind::value`]).
    ///
    /// # Errors
    ///
    /// As [`FormulaKind::value`]: [`MetricError::DivisionByZero`] for a zero
    /// `denominator`, [`MetricError::Overflow`] beyond the decimal range.
    pub fn value(&self, numerator: Decimal, denominator: Decimal) -> Result<Decimal, MetricError> {
        self.formula.value(numerator, denominator)
    }

    /// The count a value means (see [`FormulaKind::numerator`]).
    ///
    /// # Errors
    ///
    /// As [`FormulaKind::numerator`]: [`MetricError::Overflow`] beyond the decimal
    /// range.
    pub fn numerator(&self, value: Decimal, denominator: Decimal) -> Result<Decimal, MetricError> {
        self.formula.numerator(value, denominator)
    }
}

fn def(
    id: &str,
    name: &str,
    formula: FormulaKind,
    polarity: Polarity,
    denominator: AgeBand,
    period: PeriodBasis,
) -> MetricDefinition {
    MetricDefinition {
        id: id.to_string(),
        name: name.to_string(),
        formula,
        polarity,
        denominator,
        period,
    }
}

/// The four national metrics of the 2017-19 BCF.
#[must_use]
pub fn national_metrics_2017_19() -> Vec<MetricDefinition> {
    use FormulaKind::*;
    use Polarity::*;
    vec![
        def(
            ids::PERMANENT_ADMISSIONS_65,
            "Permanent admissions of people 65+ to residential and nursing care",
            RatePer100k,
            LowerIsBetter,
            AgeBand::Older65Plus,
            PeriodBasis::Year,
        ),
        def(
            ids::REABLEMENT_91_DAYS,
            "Still at home 91 days after discharge into reablement (65+)",
            Percentage,
            HigherIsBetter,
            AgeBand::Older65Plus,
            PeriodBasis::ThreeMonthCohort,
        ),
        def(
            ids::DTOC,
            "Delayed transfers of care (delayed days)",
            RatePer100k,
            LowerIsBetter,
            AgeBand::Adults18Plus,
            PeriodBasis::Month,
        ),
        def(
            ids::NON_ELECTIVE_ADMISSIONS,
            "Non-elective admissions (general and acute)",
            MonthlyRatePer100kOfAnnualCount,
            LowerIsBetter,
            AgeBand::AllAges,
            PeriodBasis::Year,
        ),
    ]
}

/// Metrics added by later frameworks (2019 onwards). Their exact
/// denominators changed between frameworks: treat them as defaults to adjust.
#[must_use]
pub fn later_metrics() -> Vec<MetricDefinition> {
    use FormulaKind::*;
    use Polarity::*;
    vec![
        def(
            ids::AVOIDABLE_ADMISSIONS,
            "Unplanned admissions for chronic ambulatory care sensitive conditions",
            RatePer100k,
            LowerIsBetter,
            AgeBand::AllAges,
            PeriodBasis::Year,
        ),
        def(
            ids::DISCHARGE_TO_USUAL_RESIDENCE,
            "Discharged to usual place of residence",
            Percentage,
            HigherIsBetter,
            AgeBand::AllAges,
            PeriodBasis::Month,
        ),
        def(
            ids::FALLS_ADMISSIONS_65,
            "Emergency hospital admissions due to falls, 65+",
            RatePer100k,
            LowerIsBetter,
            AgeBand::Older65Plus,
            PeriodBasis::Year,
        ),
    ]
}

/// Every metric this crate defines: [`national_metrics_2017_19`] then [`later_metrics`].
#[must_use]
pub fn catalogue() -> Vec<MetricDefinition> {
    let mut all = national_metrics_2017_19();
    all.extend(later_metrics());
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogue_is_complete_and_unique() {
        let all = catalogue();
        assert_eq!(all.len(), 7);
        let mut ids: Vec<&str> = all.iter().map(|m| m.id.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), 7);
        assert_eq!(all[0].unit_label(), "per 100,000 population 65+ per year");
        assert_eq!(all[1].unit_label(), "percent");
        assert_eq!(all[3].unit_label(), "per 100,000 population per month");
        assert!("sideways".parse::<Polarity>().is_err());
    }
}
