//! Dated policy rules: the value of each parameter (an uplift, a share)
//! from one financial year to another, with its source.

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::*;
use crate::calendar::FinancialYear;
use crate::money::{percent_fraction, MoneyError};
use crate::policy::{PolicyCalendar, Topic};

/// A policy parameter that varies by planning year.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[non_exhaustive]
pub enum Parameter {
    /// The uplift of the NHS (CCG/ICB) minimum contribution, percent.
    NhsMinimumUplift,
    /// The NHS-commissioned out-of-hospital ring-fence as a share of the CCG
    /// minimum contribution, percent.
    OutOfHospitalShare,
    /// The uplift of the NHS contribution to adult social care, percent,
    /// where the year sets one of its own (2025/26: 3.9%); without it the
    /// requirement follows the NHS minimum uplift, as the 2017-22 rule says.
    SocialCareUplift,
    /// Any other parameter the caller keeps, by key.
    Other(String),
}

impl Parameter {
    /// The key used in data files, e.g. `nhs_minimum_uplift`.
    #[must_use]
    pub fn key(&self) -> &str {
        match self {
            Parameter::NhsMinimumUplift => "nhs_minimum_uplift",
            Parameter::OutOfHospitalShare => "out_of_hospital_share",
            Parameter::SocialCareUplift => "social_care_uplift",
            Parameter::Other(k) => k,
        }
    }
}

impl fmt::Display for Parameter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

impl FromStr for Parameter {
    type Err = String;

    /// Parses a key; an unknown key is [`Parameter::Other`]. Empty keys and
    /// keys with characters other than ASCII letters, digits and `_` are refused.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        match t {
            "nhs_minimum_uplift" => Ok(Parameter::NhsMinimumUplift),
            "out_of_hospital_share" => Ok(Parameter::OutOfHospitalShare),
            "social_care_uplift" => Ok(Parameter::SocialCareUplift),
            _ if !t.is_empty() && t.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') => {
                Ok(Parameter::Other(t.to_string()))
            }
            _ => Err(format!(
                "{s:?} is not a parameter key (letters, digits and _ only, e.g. nhs_minimum_uplift)"
            )),
        }
    }
}

/// One dated rule: the value of a parameter from one financial year to
/// another (inclusive), or onward when `to` is `None`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyRule {
    /// Which parameter.
    pub parameter: Parameter,
    /// The first year it applies to.
    pub from: FinancialYear,
    /// The last year it applies to; `None` for "and every year after".
    pub to: Option<FinancialYear>,
    /// The value, in percent (e.g. `1.9` for 1.9%).
    pub value_percent: Decimal,
    /// Whether the value is confirmed by a published source (`false` for a
    /// value derived or assumed locally).
    pub confirmed: bool,
    /// Where the value comes from.
    pub source: String,
}

impl PolicyRule {
    /// A rule for a single year.
    #[must_use]
    pub fn for_year(parameter: Parameter, year: FinancialYear, value_percent: Decimal, source: &str) -> PolicyRule {
        PolicyRule {
            parameter,
            from: year,
            to: Some(year),
            value_percent,
            confirmed: false,
            source: source.to_string(),
        }
    }

    /// Whether the rule applies to `year`.
    #[must_use]
    pub fn applies_to(&self, year: FinancialYear) -> bool {
        year >= self.from && self.to.map_or(true, |t| year <= t)
    }

    /// The value as a fraction (1.9% is `0.019`), exactly; fails only for a
    /// percentage of more than 26 decimals.
    ///
    /// # Errors
    ///
    /// [`MoneyError::Overflow`] if the percentage has more than 26 decimal places.
    pub fn fraction(&self) -> Result<Decimal, MoneyError> {
        percent_fraction(self.value_percent)
    }

    pub(crate) fn overlaps(&self, other: &PolicyRule) -> bool {
        self.parameter == other.parameter
            && self.to.map_or(true, |t| other.from <= t)
            && other.to.map_or(true, |t| self.from <= t)
    }
}

/// A table of dated policy rules. When several rules cover the same
/// parameter and year (after an override), the one added last wins.
///
/// ```
/// use bcf_model::conditions::{Parameter, PolicyParameters, PolicyRule};
/// use rust_decimal::Decimal;
///
/// let mut params = bcf_model::data::policy_parameters()?;
/// let y = "2018/19".parse()?;
/// assert_eq!(params.percent(&Parameter::NhsMinimumUplift, y)?, Decimal::new(19, 1));
/// // a year with no rule is an error naming the year
/// let gap = "2019/20".parse()?;
/// let err = params.percent(&Parameter::NhsMinimumUplift, gap).unwrap_err();
/// assert!(err.to_string().contains("2019/20"));
/// // the caller supplies it
/// params.set(PolicyRule::for_year(Parameter::NhsMinimumUplift, gap, Decimal::new(34, 1), "local assumption"));
/// assert_eq!(params.percent(&Parameter::NhsMinimumUplift, gap)?, Decimal::new(34, 1));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyParameters {
    /// The rules, in the order given; later rules override earlier ones.
    pub rules: Vec<PolicyRule>,
}

impl PolicyParameters {
    /// The confirmed percentages of a [`PolicyCalendar`]: its NHS minimum
    /// uplifts and social care uplifts that carry a figure and were
    /// confirmed from their source, each for the years its row covers. An
    /// unconfirmed row gives no rule, so a check that needs it finds none
    /// and cannot tell (it never assumes the unconfirmed figure).
    ///
    /// ```
    /// use bcf_model::conditions::{Parameter, PolicyParameters};
    ///
    /// let calendar = bcf_model::data::policy_calendar()?;
    /// let params = PolicyParameters::from_calendar(&calendar);
    /// assert_eq!(params.percent(&Parameter::NhsMinimumUplift, "2021/22".parse()?)?, "5.3".parse()?);
    /// // 2024/25's 5.66% is not confirmed in the calendar: no rule.
    /// assert!(params.percent(&Parameter::NhsMinimumUplift, "2024/25".parse()?).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn from_calendar(calendar: &PolicyCalendar) -> PolicyParameters {
        let rules = calendar
            .rows()
            .iter()
            .filter(|r| r.confirmed)
            .filter_map(|r| {
                let parameter = match r.topic {
                    Topic::NhsMinimumUplift => Parameter::NhsMinimumUplift,
                    Topic::SocialCareMaintenance => Parameter::SocialCareUplift,
                    _ => return None,
                };
                let source = match &r.source.address {
                    Some(a) => format!("{} ({a})", r.source.title),
                    None => r.source.title.clone(),
                };
                Some(PolicyRule {
                    parameter,
                    from: r.from,
                    to: Some(r.to),
                    value_percent: r.percent()?,
                    confirmed: true,
                    source,
                })
            })
            .collect();
        PolicyParameters { rules }
    }

    /// Adds a rule that overrides any earlier rule for the same parameter
    /// and years.
    pub fn set(&mut self, rule: PolicyRule) {
        self.rules.push(rule);
    }

    /// The rule for `parameter` in `year` (the last one added that covers it).
    ///
    /// # Errors
    ///
    /// [`ConditionError::MissingParameter`] if no rule for `parameter` covers
    /// `year`.
    pub fn rule(&self, parameter: &Parameter, year: FinancialYear) -> Result<&PolicyRule, ConditionError> {
        self.rules
            .iter()
            .rev()
            .find(|r| &r.parameter == parameter && r.applies_to(year))
            .ok_or_else(|| ConditionError::MissingParameter {
                parameter: parameter.clone(),
                year,
            })
    }

    /// The value of `parameter` in `year`, percent.
    ///
    /// # Errors
    ///
    /// [`ConditionError::MissingParameter`] if no rule for `parameter` covers
    /// `year`.
    pub fn percent(&self, parameter: &Parameter, year: FinancialYear) -> Result<Decimal, ConditionError> {
        self.rule(parameter, year).map(|r| r.value_percent)
    }
}
