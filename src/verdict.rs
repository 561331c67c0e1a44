//! The verdict of a check of a national condition or funding rule: which
//! condition, the outcome (met, not met, cannot tell), the figures it rests on
//! and the findings that explain it. The condition checks (`conditions`) and
//! the grant checks (`ibcf`) both speak it, so it has its own module below
//! both.

use std::fmt;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::calendar::FinancialYear;
use crate::money::{Format, Money, Precision, Render};
use crate::plan::LineFlag;
use crate::text::escape;

/// Which national condition or funding rule a check is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[non_exhaustive]
pub enum Condition {
    /// (a) The plan is jointly agreed: every party has signed it off.
    PlanAgreed,
    /// The NHS minimum contribution is uplifted as the rules require.
    NhsMinimumUplift,
    /// (b) The NHS contribution to adult social care is maintained in line
    /// with the uplift (the iBCF may not count towards it).
    SocialCareMaintained,
    /// (c) NHS-commissioned out-of-hospital spend from the NHS minimum is at
    /// least the ring-fence.
    OutOfHospitalRingFence,
    /// (d) Every funding source is fully planned (spend = income), and the
    /// DFG is passported to the districts.
    FundingFullyPlanned,
    /// A grant that must be pooled (iBCF, Winter Pressures) is in the plan
    /// in full.
    GrantPooled,
    /// A national condition of the year the crate has no check for (its
    /// evidence is outside the plan, such as the High Impact Change Model or
    /// a discharge plan): always [`Outcome::CannotTell`], with its wording.
    Unchecked,
}

impl fmt::Display for Condition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Condition::PlanAgreed => "(a) plan jointly agreed",
            Condition::NhsMinimumUplift => "NHS minimum contribution uplifted",
            Condition::SocialCareMaintained => "(b) NHS contribution to adult social care maintained",
            Condition::OutOfHospitalRingFence => "(c) NHS-commissioned out-of-hospital ring-fence",
            Condition::FundingFullyPlanned => "(d) every funding source fully planned, DFG passported",
            Condition::GrantPooled => "grant pooled in full",
            Condition::Unchecked => "national condition not checked from the plan",
        })
    }
}

/// The verdict of a check.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Outcome {
    /// The condition is met.
    Met,
    /// The condition is not met.
    NotMet,
    /// The plan and inputs do not say enough to decide.
    CannotTell,
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Outcome::Met => "MET",
            Outcome::NotMet => "NOT MET",
            Outcome::CannotTell => "CANNOT TELL",
        })
    }
}

/// A figure behind a verdict.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum FigureValue {
    /// An amount of money.
    Money(Money),
    /// A percentage.
    Percent(Decimal),
    /// Anything else, as text.
    Text(String),
}

/// A named figure behind a verdict, e.g. "ring-fence" = £10,424,000.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Figure {
    /// What it is.
    pub label: String,
    /// Its value.
    pub value: FigureValue,
}

impl Figure {
    /// A money figure.
    pub fn money(label: impl Into<String>, m: Money) -> Figure {
        Figure {
            label: label.into(),
            value: FigureValue::Money(m),
        }
    }
    /// A percentage figure.
    pub fn percent(label: impl Into<String>, p: Decimal) -> Figure {
        Figure {
            label: label.into(),
            value: FigureValue::Percent(p),
        }
    }
    /// A text figure.
    pub fn text(label: impl Into<String>, t: impl Into<String>) -> Figure {
        Figure {
            label: label.into(),
            value: FigureValue::Text(t.into()),
        }
    }
}

impl Render for Figure {
    /// `label: value`, money by `format` (e.g. £'000 to 1 dp); a percentage
    /// exactly, to at least three places; text as it is.
    fn render(&self, format: impl Into<Format>) -> String {
        match &self.value {
            FigureValue::Money(m) => format!("{}: {}", self.label, m.render(format)),
            FigureValue::Percent(p) => {
                let p = p.normalize();
                if p.scale() < 3 {
                    format!("{}: {}%", self.label, p.round_dp(3).trunc_with_scale(3))
                } else {
                    format!("{}: {p}%", self.label)
                }
            }
            FigureValue::Text(t) => format!("{}: {t}", self.label),
        }
    }
}

/// Why a check came out as it did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum ConditionFinding {
    /// A party has not signed the plan off.
    MissingSignOff {
        /// The party (contributor id, or `hwb`).
        party: String,
    },
    /// No line carries a flag the check needs.
    NoFlaggedLines {
        /// The flag.
        flag: LineFlag,
    },
    /// Spend on flagged lines funded by the iBCF, left out because the iBCF
    /// may not count towards the NHS contribution.
    IbcfExcluded {
        /// The amount left out.
        amount: Money,
    },
    /// A required amount is not reached.
    Shortfall {
        /// What falls short.
        what: String,
        /// The amount required.
        required: Money,
        /// The amount planned.
        actual: Money,
        /// `required - actual`.
        shortfall: Money,
    },
    /// A funding source's (or group's) spend differs from its income beyond rounding.
    FundingMismatch {
        /// Source or group id.
        funding: String,
        /// Contributor id.
        contributor: String,
        /// Income.
        income: Money,
        /// Spend it funds.
        spend: Money,
    },
    /// A difference small enough to be rounding in the printed figures.
    RoundingDifference {
        /// What differs.
        what: String,
        /// By how much.
        difference: Money,
    },
    /// The DFG is passported short of what it should be, with no recorded
    /// local agreement covering the gap.
    DfgNotPassported {
        /// The districts that receive less than their share.
        districts: Vec<String>,
        /// The total shortfall.
        shortfall: Money,
    },
    /// Anything else worth saying.
    Note(String),
}

impl fmt::Display for ConditionFinding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConditionFinding::MissingSignOff { party } => write!(f, "no sign-off recorded for {}", escape(party)),
            ConditionFinding::NoFlaggedLines { flag } => write!(f, "no line is flagged {flag:?}"),
            ConditionFinding::IbcfExcluded { amount } => {
                write!(f, "{amount} of iBCF on flagged lines does not count towards it")
            }
            ConditionFinding::Shortfall {
                what,
                required,
                actual,
                shortfall,
            } => write!(
                f,
                "{}: required {required}, planned {actual}, short by {shortfall}",
                escape(what)
            ),
            ConditionFinding::FundingMismatch {
                funding,
                contributor,
                income,
                spend,
            } => write!(
                f,
                "{} ({}): income {income} but spend {spend}",
                escape(funding),
                escape(contributor)
            ),
            ConditionFinding::RoundingDifference { what, difference } => {
                write!(f, "{}: differs by {difference}, within rounding", escape(what))
            }
            ConditionFinding::DfgNotPassported { districts, shortfall } => write!(
                f,
                "DFG not passported in full and no local agreement recorded: short by {shortfall} ({})",
                escape(&districts.join(", "))
            ),
            ConditionFinding::Note(t) => f.write_str(&escape(t)),
        }
    }
}

/// The result of checking one condition for one year.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConditionCheck {
    /// Which condition.
    pub condition: Condition,
    /// The year checked.
    pub year: FinancialYear,
    /// The verdict.
    pub outcome: Outcome,
    /// The figures behind it.
    pub figures: Vec<Figure>,
    /// Why.
    pub findings: Vec<ConditionFinding>,
    /// The key of the national condition in the policy calendar this check
    /// answers (`jointly_agreed_plan`, `discharge_plan`...), when it was run
    /// for one; `None` for a funding rule.
    #[serde(default)]
    pub national: Option<String>,
}

impl ConditionCheck {
    /// A check with no verdict yet ([`Outcome::CannotTell`]), no figures and no findings.
    #[must_use]
    pub fn new(condition: Condition, year: FinancialYear) -> ConditionCheck {
        ConditionCheck {
            condition,
            year,
            outcome: Outcome::CannotTell,
            figures: Vec::new(),
            findings: Vec::new(),
            national: None,
        }
    }

    /// The figure labelled `label`, if it is money.
    #[must_use]
    pub fn money(&self, label: &str) -> Option<Money> {
        self.figures.iter().find_map(|f| match &f.value {
            FigureValue::Money(m) if f.label == label => Some(*m),
            _ => None,
        })
    }

    /// The figure labelled `label`, if it is a percentage.
    #[must_use]
    pub fn percent(&self, label: &str) -> Option<Decimal> {
        self.figures.iter().find_map(|f| match &f.value {
            FigureValue::Percent(p) if f.label == label => Some(*p),
            _ => None,
        })
    }
}

impl Render for ConditionCheck {
    /// The check as several lines of text, money by `format`.
    fn render(&self, format: impl Into<Format>) -> String {
        let format = format.into();
        let mut s = format!("[{}] {} {}", self.outcome, self.year, self.condition);
        if let Some(key) = &self.national {
            s.push_str(&format!(" [{}]", escape(key)));
        }
        for fig in &self.figures {
            s.push_str("\n    ");
            s.push_str(&escape(&fig.render(format)));
        }
        for f in &self.findings {
            s.push_str("\n    - ");
            s.push_str(&f.to_string());
        }
        s
    }
}

impl fmt::Display for ConditionCheck {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(Precision::PENCE))
    }
}
