//! Metric definitions as data: the 2017-19 national metrics and later ones.

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::population::implied_denominator;
use super::{div, mul, AgeBand, MetricError, PopulationInterval, PrintedValue, PER_100K};
use crate::calendar::Month;

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
    /// Acute inpatients with a length of stay of 14 days or more (2021/22).
    pub const LENGTH_OF_STAY_14_PLUS: &str = "length-of-stay-14-plus";
    /// Acute inpatients with a length of stay of 21 days or more (2021/22).
    pub const LENGTH_OF_STAY_21_PLUS: &str = "length-of-stay-21-plus";
    /// Delays between being fit to leave hospital and discharge (from 2024/25).
    pub const DISCHARGE_DELAYS: &str = "discharge-delays";
    /// Unplanned hospital admissions, a local goal (2025/26).
    pub const UNPLANNED_ADMISSIONS: &str = "unplanned-admissions";
    /// Long-term admissions to care homes, a local goal (2025/26).
    pub const LONG_TERM_CARE_HOME_ADMISSIONS: &str = "long-term-care-home-admissions";
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
    /// A directly age-standardised rate per 100,000 (falls 65+ from
    /// 2023/24): a weighted sum of age-specific rates, not one count over
    /// one population, so neither a count nor a population follows from it
    /// ([`MetricError::NotACountOverPopulation`]).
    DirectlyStandardisedRatePer100k,
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
    /// Every formula, in declaration order.
    pub const ALL: [FormulaKind; 4] = [
        FormulaKind::RatePer100k,
        FormulaKind::MonthlyRatePer100kOfAnnualCount,
        FormulaKind::Percentage,
        FormulaKind::DirectlyStandardisedRatePer100k,
    ];

    /// The unit the formula produces.
    #[must_use]
    pub const fn unit(self) -> MetricUnit {
        match self {
            FormulaKind::RatePer100k
            | FormulaKind::MonthlyRatePer100kOfAnnualCount
            | FormulaKind::DirectlyStandardisedRatePer100k => MetricUnit::Per100k,
            FormulaKind::Percentage => MetricUnit::Percent,
        }
    }

    /// How a data file writes it: `rate_per_100k`,
    /// `monthly_rate_per_100k_of_annual_count`, `percentage`,
    /// `directly_standardised_rate_per_100k`.
    #[must_use]
    pub const fn key(self) -> &'static str {
        match self {
            FormulaKind::RatePer100k => "rate_per_100k",
            FormulaKind::MonthlyRatePer100kOfAnnualCount => "monthly_rate_per_100k_of_annual_count",
            FormulaKind::Percentage => "percentage",
            FormulaKind::DirectlyStandardisedRatePer100k => "directly_standardised_rate_per_100k",
        }
    }

    /// `(multiplier, divisor)` with `value = numerator × multiplier / (denominator × divisor)`.
    fn factors(self) -> Result<(Decimal, Decimal), MetricError> {
        match self {
            FormulaKind::RatePer100k => Ok((PER_100K, Decimal::ONE)),
            FormulaKind::MonthlyRatePer100kOfAnnualCount => Ok((PER_100K, Decimal::from(12))),
            FormulaKind::Percentage => Ok((Decimal::ONE_HUNDRED, Decimal::ONE)),
            FormulaKind::DirectlyStandardisedRatePer100k => Err(MetricError::NotACountOverPopulation {
                formula: "a directly age-standardised rate",
            }),
        }
    }

    /// The denominators (populations, or cohorts for a percentage) with
    /// which `count` gives a value that prints as `printed`, as an interval
    /// with an open lower and a closed upper end (see [`PopulationInterval`]):
    /// `(count × m / ((v + h) × d), count × m / ((v - h) × d)]` where
    /// `value = count × m / (denominator × d)` and `h` is half the printed
    /// value's last place. Every product is exact; the ends are kept as
    /// exact fractions.
    ///
    /// For [`FormulaKind::MonthlyRatePer100kOfAnnualCount`] `count` is the
    /// year's count (`m` = 100,000, `d` = 12); for
    /// [`FormulaKind::Percentage`] it is the part and the interval is the
    /// cohort (`m` = 100).
    ///
    /// # Errors
    ///
    /// [`MetricError::NotACountOverPopulation`] for a standardised rate,
    /// [`MetricError::Negative`] for a negative `count`,
    /// [`MetricError::PrecisionOutOfRange`] for a value printed to more than
    /// 27 decimals, [`MetricError::UnboundedInterval`] if the printed value
    /// less half a step is not above zero, and [`MetricError::Overflow`] if
    /// a product does not fit a decimal exactly.
    ///
    /// ```
    /// use bcf_model::metrics::FormulaKind;
    /// use rust_decimal::Decimal;
    /// // 609 of 716 people needed no ongoing services after reablement, printed "85%"
    /// let cohort = FormulaKind::Percentage.implied_denominator(Decimal::from(609), "85".parse()?)?;
    /// assert_eq!(cohort.whole_people(), Some((713, 720)));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn implied_denominator(self, count: Decimal, printed: PrintedValue) -> Result<PopulationInterval, MetricError> {
        let (m, d) = self.factors()?;
        implied_denominator(count, m, d, printed)
    }

    /// The metric value from a numerator (count) and denominator (population
    /// or cohort): multiplied first, divided once, so exact whenever the
    /// value fits in the decimal, else rounded half to even in its last place.
    ///
    /// # Errors
    ///
    /// [`MetricError::NotACountOverPopulation`] for a standardised rate,
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
        let (m, d) = self.factors()?;
        div(mul(numerator, m)?, mul(denominator, d)?, "denominator")
    }

    /// The numerator (count) a value means for `denominator`: the inverse of
    /// [`FormulaKind::value`]. Not rounded.
    ///
    /// # Errors
    ///
    /// [`MetricError::NotACountOverPopulation`] for a standardised rate, and
    /// [`MetricError::Overflow`] if a product or the quotient is beyond the decimal
    /// range.
    pub fn numerator(self, value: Decimal, denominator: Decimal) -> Result<Decimal, MetricError> {
        let (m, d) = self.factors()?;
        div(mul(mul(value, denominator)?, d)?, m, "formula multiplier")
    }
}

impl fmt::Display for FormulaKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.key())
    }
}

impl FromStr for FormulaKind {
    type Err = String;
    /// Reads a [`FormulaKind::key`].
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        FormulaKind::ALL
            .into_iter()
            .find(|k| k.key() == s.trim())
            .ok_or_else(|| {
                let known: Vec<&str> = FormulaKind::ALL.iter().map(|k| k.key()).collect();
                format!("unknown formula: expected one of {}", known.join(", "))
            })
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

impl PeriodBasis {
    /// Every period basis, in declaration order.
    pub const ALL: [PeriodBasis; 4] = [
        PeriodBasis::Year,
        PeriodBasis::Month,
        PeriodBasis::Quarter,
        PeriodBasis::ThreeMonthCohort,
    ];

    /// How a data file writes it: `year`, `month`, `quarter`, `three_month_cohort`.
    #[must_use]
    pub const fn key(self) -> &'static str {
        match self {
            PeriodBasis::Year => "year",
            PeriodBasis::Month => "month",
            PeriodBasis::Quarter => "quarter",
            PeriodBasis::ThreeMonthCohort => "three_month_cohort",
        }
    }
}

impl fmt::Display for PeriodBasis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.key())
    }
}

impl FromStr for PeriodBasis {
    type Err = String;
    /// Reads a [`PeriodBasis::key`].
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        PeriodBasis::ALL
            .into_iter()
            .find(|k| k.key() == s.trim())
            .ok_or_else(|| {
                let known: Vec<&str> = PeriodBasis::ALL.iter().map(|k| k.key()).collect();
                format!("unknown period basis: expected one of {}", known.join(", "))
            })
    }
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
            (FormulaKind::DirectlyStandardisedRatePer100k, _) => {
                return match &self.denominator {
                    AgeBand::AllAges => "directly standardised rate per 100,000 population".to_string(),
                    band => format!("directly standardised rate per 100,000 population {band}"),
                }
            }
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

    /// The populations (or, for a percentage, cohorts) consistent with a
    /// count and the value printed for it in the metric's own unit (see
    /// [`FormulaKind::implied_denominator`]): for non-elective admissions the
    /// year's admissions and the monthly rate; for DTOC a month's delayed
    /// days and the monthly rate (for a rate printed per day, see
    /// [`MetricDefinition::implied_population_per_day`]). Check several
    /// pairs of one population base with [`PopulationInterval::intersect`].
    ///
    /// # Errors
    ///
    /// As [`FormulaKind::implied_denominator`]; a standardised rate (falls
    /// 65+ from 2023/24) implies no population
    /// ([`MetricError::NotACountOverPopulation`]).
    ///
    /// ```
    /// use bcf_model::metrics::{ids, national_metrics_2017_19};
    /// use rust_decimal::Decimal;
    ///
    /// let nel = national_metrics_2017_19()
    ///     .into_iter()
    ///     .find(|m| m.id == ids::NON_ELECTIVE_ADMISSIONS)
    ///     .ok_or("no non-elective admissions metric")?;
    /// // 2016/17: 61,920 admissions in the year, printed as 759.84 per 100,000 a month
    /// let people = nel.implied_population(Decimal::from(61_920), "759.84".parse()?)?;
    /// assert_eq!(people.whole_people(), Some((679_086, 679_094)));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn implied_population(&self, count: Decimal, printed: PrintedValue) -> Result<PopulationInterval, MetricError> {
        self.formula.implied_denominator(count, printed)
    }

    /// The populations consistent with a month's count and its rate per
    /// 100,000 printed **per day** (a [`super::DailyRate`], as the 2018/19
    /// papers print DTOC): the monthly rate is the daily one times the
    /// month's days, so the interval is `(count × 100,000 / ((v + h) ×
    /// days), count × 100,000 / ((v - h) × days)]`, exact.
    ///
    /// # Errors
    ///
    /// [`MetricError::NotPerDay`] unless the metric is a plain rate per
    /// 100,000 of a month's count (DTOC), and otherwise as
    /// [`FormulaKind::implied_denominator`].
    ///
    /// ```
    /// use bcf_model::metrics::{ids, national_metrics_2017_19};
    /// use rust_decimal::Decimal;
    ///
    /// let dtoc = national_metrics_2017_19()
    ///     .into_iter()
    ///     .find(|m| m.id == ids::DTOC)
    ///     .ok_or("no DTOC metric")?;
    /// // June 2017, 1,739 delayed days: 318.39 a month is 10.61 a day (30 days)
    /// let june = "2017-06".parse()?;
    /// let monthly = dtoc.implied_population(Decimal::from(1_739), "318.39".parse()?)?;
    /// let daily = dtoc.implied_population_per_day(Decimal::from(1_739), "10.61".parse()?, june)?;
    /// assert_eq!(daily.whole_people(), Some((546_083, 546_597)));
    /// assert_eq!(daily.intersect(&monthly)?.whole_people(), monthly.whole_people());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn implied_population_per_day(
        &self,
        count: Decimal,
        printed_per_day: PrintedValue,
        month: Month,
    ) -> Result<PopulationInterval, MetricError> {
        if self.formula != FormulaKind::RatePer100k || self.period != PeriodBasis::Month {
            return Err(MetricError::NotPerDay {
                metric: self.id.clone(),
            });
        }
        implied_denominator(count, PER_100K, Decimal::from(month.days()), printed_per_day)
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
            DirectlyStandardisedRatePer100k,
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
