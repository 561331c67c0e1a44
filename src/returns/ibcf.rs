//! The iBCF quarterly measures of a [`QuarterlyReturn`]: what the improved
//! Better Care Fund grant paid for in the year to date, by the three
//! purposes of its grant conditions, each purpose's share exactly, and the
//! provider fee uplifts the council reported.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;

use rust_decimal::Decimal;

use crate::metrics::Percent;
use crate::money::{exact_product, Money, MoneyError, Rounding};
use crate::monitor::{split_by_funding, Figures, MonitorError, MonitoringReport};
use crate::plan::{ContributorIx, Funding, FundingClass, Plan};

use super::{QuarterlyReturn, ReturnError};

/// One of the three purposes the iBCF grant conditions set (Local
/// Government Act 2003 s.31 determinations, Annex B): "meeting adult social
/// care needs; reducing pressures on the NHS, including supporting more
/// people to be discharged from hospital when they are ready; and ensuring
/// that the local social care provider market is supported". The quarterly
/// reports to DCLG/MHCLG gave the share of the grant assigned to each (for
/// 2018-19 the national average was 39.8%, 32.3% and 27.7%).
///
/// ```
/// use bcf_model::returns::IbcfPurpose;
///
/// assert_eq!(IbcfPurpose::ALL.len(), 3);
/// assert_eq!("reducing_nhs_pressures".parse::<IbcfPurpose>()?, IbcfPurpose::ReducingNhsPressures);
/// assert_eq!(IbcfPurpose::ProviderMarket.label(), "Supporting the social care provider market");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum IbcfPurpose {
    /// Meeting adult social care needs.
    AdultSocialCareNeeds,
    /// Reducing pressures on the NHS, including supporting more people to
    /// be discharged from hospital when they are ready.
    ReducingNhsPressures,
    /// Ensuring that the local social care provider market is supported.
    ProviderMarket,
}

impl IbcfPurpose {
    /// Every purpose, in the order the grant conditions list them.
    pub const ALL: [IbcfPurpose; 3] = [
        IbcfPurpose::AdultSocialCareNeeds,
        IbcfPurpose::ReducingNhsPressures,
        IbcfPurpose::ProviderMarket,
    ];

    /// The purpose's key: `adult_social_care_needs`,
    /// `reducing_nhs_pressures`, `provider_market`.
    #[must_use]
    pub const fn key(self) -> &'static str {
        match self {
            IbcfPurpose::AdultSocialCareNeeds => "adult_social_care_needs",
            IbcfPurpose::ReducingNhsPressures => "reducing_nhs_pressures",
            IbcfPurpose::ProviderMarket => "provider_market",
        }
    }

    /// The purpose in words, for a table's row.
    #[must_use]
    pub const fn label(self) -> &'static str {
        match self {
            IbcfPurpose::AdultSocialCareNeeds => "Meeting adult social care needs",
            IbcfPurpose::ReducingNhsPressures => "Reducing pressures on the NHS",
            IbcfPurpose::ProviderMarket => "Supporting the social care provider market",
        }
    }
}

impl fmt::Display for IbcfPurpose {
    /// The purpose's key.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// A text that names no [`IbcfPurpose`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{} is not an iBCF purpose: expected adult_social_care_needs, reducing_nhs_pressures or provider_market", crate::text::shown(.0))]
pub struct UnknownIbcfPurpose(pub String);

impl std::str::FromStr for IbcfPurpose {
    type Err = UnknownIbcfPurpose;

    /// A purpose by its [key](IbcfPurpose::key).
    fn from_str(s: &str) -> Result<IbcfPurpose, UnknownIbcfPurpose> {
        IbcfPurpose::ALL
            .into_iter()
            .find(|p| p.key() == s)
            .ok_or_else(|| UnknownIbcfPurpose(s.to_string()))
    }
}

/// The purpose of each iBCF-funded line, given by the caller: a plan says
/// which grant funds a line, not which of the grant's purposes it serves.
/// A line's purpose is the one given for its id, or else the one given for
/// its iBCF allocation code (its
/// [`ibcf_code`](crate::plan::LineAttributes::ibcf_code) attribute, e.g.
/// Leicestershire's `7.4`), so that an area that keyed its codes to the
/// purposes need not list every line. A line with neither is reported,
/// never given a purpose.
///
/// ```
/// use bcf_model::returns::{IbcfPurpose, IbcfPurposes};
///
/// let purposes = IbcfPurposes::new()
///     .line("BCF3.1", IbcfPurpose::AdultSocialCareNeeds)
///     .code("3.9", IbcfPurpose::ReducingNhsPressures);
/// assert_eq!(purposes.lines.get("BCF3.1"), Some(&IbcfPurpose::AdultSocialCareNeeds));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct IbcfPurposes {
    /// The purpose of a line, by line id (before its code).
    pub lines: BTreeMap<String, IbcfPurpose>,
    /// The purpose of every line with an iBCF allocation code, by code.
    pub codes: BTreeMap<String, IbcfPurpose>,
}

impl IbcfPurposes {
    /// No purposes given.
    #[must_use]
    pub fn new() -> IbcfPurposes {
        IbcfPurposes::default()
    }

    /// With line `id`'s purpose (replacing one given before for it).
    #[must_use]
    pub fn line(mut self, id: impl Into<String>, purpose: IbcfPurpose) -> IbcfPurposes {
        self.lines.insert(id.into(), purpose);
        self
    }

    /// With the purpose of the lines with iBCF allocation code `code`
    /// (replacing one given before for it).
    #[must_use]
    pub fn code(mut self, code: impl Into<String>, purpose: IbcfPurpose) -> IbcfPurposes {
        self.codes.insert(code.into(), purpose);
        self
    }
}

/// The provider fee uplifts for the year the council reported with the
/// iBCF return (MHCLG collected them in Quarter 2 of 2018-19: home care
/// +4.7%, residential +4.0%, nursing +4.1% on average). Data given by the
/// caller, as reported; `None` where none was reported.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ProviderFeeUplifts {
    /// The uplift to home care fees.
    pub home_care: Option<Percent>,
    /// The uplift to residential care fees.
    pub residential: Option<Percent>,
    /// The uplift to nursing care fees.
    pub nursing: Option<Percent>,
}

impl ProviderFeeUplifts {
    /// Each uplift with its key (`home_care`, `residential`, `nursing`),
    /// in that order, whether reported or not.
    #[must_use]
    pub fn entries(&self) -> [(&'static str, Option<Percent>); 3] {
        [
            ("home_care", self.home_care),
            ("residential", self.residential),
            ("nursing", self.nursing),
        ]
    }
}

/// A purpose's share of the iBCF spend to date, in percentage points:
/// `spend × 100 / whole`, held as that exact fraction (the whole above
/// zero). [`IbcfShare::exact`] gives it as a decimal where the division
/// terminates; [`IbcfShare::rounded`] rounds it exactly, for printing.
///
/// ```
/// use bcf_model::money::{Money, Rounding};
/// use bcf_model::returns::IbcfShare;
/// use rust_decimal::Decimal;
///
/// let third = IbcfShare::new(Money::from_pence(100), Money::from_pence(300)).ok_or("no spend")?;
/// assert_eq!(third.exact(), None); // 33.333...: no decimal holds it
/// assert_eq!(third.rounded(1, Rounding::HalfAwayFromZero)?.points(), Decimal::new(333, 1));
/// let quarter = IbcfShare::new(Money::from_pence(75), Money::from_pence(300)).ok_or("no spend")?;
/// assert_eq!(quarter.exact().map(|p| p.points()), Some(Decimal::from(25)));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct IbcfShare {
    spend: Money,
    whole: Money,
    exact: Option<Percent>,
}

impl IbcfShare {
    /// `spend` as a share of `whole`; `None` unless `whole` is above zero
    /// (with no iBCF spend to date, no purpose has a share of it).
    #[must_use]
    pub fn new(spend: Money, whole: Money) -> Option<IbcfShare> {
        if !whole.is_positive() {
            return None;
        }
        let exact = exact_product(spend.pounds(), Decimal::ONE_HUNDRED).and_then(|hundredfold| {
            let q = hundredfold.checked_div(whole.pounds())?;
            // Exact only if the quotient times the whole gives back the dividend.
            (exact_product(q, whole.pounds())? == hundredfold).then(|| Percent::new(q.normalize()))
        });
        Some(IbcfShare { spend, whole, exact })
    }

    /// The purpose's spend (the numerator, before the factor of 100).
    #[must_use]
    pub const fn spend(&self) -> Money {
        self.spend
    }

    /// The iBCF spend to date it is a share of (above zero).
    #[must_use]
    pub const fn whole(&self) -> Money {
        self.whole
    }

    /// The share as an exact percentage, if `spend × 100 / whole`
    /// terminates within a decimal's 28 places; `None` otherwise (a third).
    #[must_use]
    pub const fn exact(&self) -> Option<Percent> {
        self.exact
    }

    /// The share rounded to `decimals` places by `rounding`, decided
    /// exactly from the fraction (never from a rounded quotient).
    ///
    /// # Errors
    ///
    /// [`MoneyError::Overflow`] if the scaled fraction does not fit a
    /// 128-bit integer, or the result a decimal.
    pub fn rounded(&self, decimals: u32, rounding: Rounding) -> Result<Percent, MoneyError> {
        let (q, r, den) = self.floor_steps(decimals)?;
        let steps = round_steps(q, r, den, rounding).ok_or_else(|| self.overflow(decimals))?;
        self.percent_of_steps(steps, decimals)
    }

    /// `spend × 100 × 10^decimals / whole` as floor and remainder, with the
    /// denominator (all integers).
    fn floor_steps(&self, decimals: u32) -> Result<(i128, i128, i128), MoneyError> {
        let (s, w) = (self.spend.pounds(), self.whole.pounds());
        let scale = s.scale().max(w.scale());
        let widen = |d: Decimal| {
            10i128
                .checked_pow(scale - d.scale())
                .and_then(|p| d.mantissa().checked_mul(p))
        };
        let fail = || self.overflow(decimals);
        let num = widen(s)
            .and_then(|n| n.checked_mul(100))
            .and_then(|n| 10i128.checked_pow(decimals).and_then(|p| n.checked_mul(p)))
            .ok_or_else(fail)?;
        let den = widen(w).filter(|d| *d > 0).ok_or_else(fail)?;
        Ok((num.div_euclid(den), num.rem_euclid(den), den))
    }

    fn percent_of_steps(&self, steps: i128, decimals: u32) -> Result<Percent, MoneyError> {
        Decimal::try_from_i128_with_scale(steps, decimals)
            .map(Percent::new)
            .map_err(|_| self.overflow(decimals))
    }

    fn overflow(&self, decimals: u32) -> MoneyError {
        MoneyError::Overflow {
            op: "share",
            left: format!("{} × 100 ÷ {}", self.spend, self.whole),
            right: format!("{decimals} decimals"),
        }
    }
}

/// The whole steps of `q + r / den` (`0 <= r < den`) rounded by `rounding`.
fn round_steps(q: i128, r: i128, den: i128, rounding: Rounding) -> Option<i128> {
    if r == 0 {
        return Some(q);
    }
    // The value is q + r/den, strictly between q and q + 1; below zero iff q < 0.
    let up = match rounding {
        Rounding::TowardZero => q < 0,
        Rounding::AwayFromZero => q >= 0,
        Rounding::HalfAwayFromZero | Rounding::HalfEven => {
            let twice = r.checked_mul(2)?;
            match twice.cmp(&den) {
                std::cmp::Ordering::Greater => true,
                std::cmp::Ordering::Less => false,
                std::cmp::Ordering::Equal => match rounding {
                    Rounding::HalfEven => q.rem_euclid(2) == 1,
                    _ => q >= 0,
                },
            }
        }
    };
    if up {
        q.checked_add(1)
    } else {
        Some(q)
    }
}

/// One iBCF-funded line and contributor of the return: its iBCF spend to
/// date and the purpose given for it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct IbcfLineSpend {
    /// The line id.
    pub line: String,
    /// The line's name.
    pub name: String,
    /// The contributor.
    #[serde(skip)]
    pub contributor: ContributorIx,
    /// The contributor's id.
    pub contributor_id: String,
    /// The purpose given for it.
    pub purpose: IbcfPurpose,
    /// The part of its actual spend to date the iBCF grants fund (all of
    /// it for a line funded by iBCF alone; split pro rata to its planned
    /// amounts otherwise, as in the return's stream rows).
    pub spend_to_date: Money,
}

/// One purpose's iBCF spend to date, and its share.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct IbcfPurposeSpend {
    /// The purpose.
    pub purpose: IbcfPurpose,
    /// The iBCF spend to date of the lines given this purpose.
    pub spend_to_date: Money,
    /// Its share of the iBCF spend to date; `None` if there was no iBCF
    /// spend to date to share (a share of nothing is no figure).
    pub share: Option<IbcfShare>,
}

/// The iBCF quarterly measures of a return: see
/// [`QuarterlyReturn::with_ibcf_measures`].
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct IbcfMeasures {
    /// Each iBCF-funded line and contributor of the round, in the
    /// report's order.
    pub lines: Vec<IbcfLineSpend>,
    /// Each purpose, in the order of [`IbcfPurpose::ALL`], with no iBCF
    /// spend to date where no line was given it.
    pub purposes: Vec<IbcfPurposeSpend>,
    /// The provider fee uplifts, as reported.
    pub fee_uplifts: ProviderFeeUplifts,
}

impl IbcfMeasures {
    /// The iBCF spend to date: the purposes' spend added up.
    ///
    /// # Errors
    ///
    /// [`MoneyError::Overflow`] if the sum is beyond the decimal range.
    pub fn total(&self) -> Result<Money, MoneyError> {
        Money::checked_sum(self.purposes.iter().map(|p| p.spend_to_date))
    }

    /// The row of `purpose`, if the measures have one (every purpose of
    /// [`IbcfPurpose::ALL`] has).
    #[must_use]
    pub fn purpose(&self, purpose: IbcfPurpose) -> Option<&IbcfPurposeSpend> {
        self.purposes.iter().find(|p| p.purpose == purpose)
    }

    /// The shares rounded to `decimals` places so that they add up to
    /// exactly 100 as printed: each is its share rounded down or up (so
    /// within one printed step of it), those with the largest remainders
    /// rounded up (the earlier purpose first among equals), as
    /// [`present`](crate::present::present) does for money. Each with
    /// whether it differs from its ordinary rounding by `rounding`. Empty
    /// if there was no iBCF spend to date.
    ///
    /// # Errors
    ///
    /// [`MoneyError::Overflow`] if a scaled fraction does not fit a 128-bit
    /// integer.
    pub fn printed_shares(
        &self,
        decimals: u32,
        rounding: Rounding,
    ) -> Result<Vec<(IbcfPurpose, Percent, bool)>, MoneyError> {
        let mut rows = Vec::with_capacity(self.purposes.len());
        for p in &self.purposes {
            let Some(share) = &p.share else { return Ok(Vec::new()) };
            let (q, r, den) = share.floor_steps(decimals)?;
            rows.push((p.purpose, share, q, r, den));
        }
        let overflow = || MoneyError::Overflow {
            op: "share",
            left: "100".to_string(),
            right: format!("{decimals} decimals"),
        };
        let target = 10i128
            .checked_pow(decimals)
            .and_then(|p| p.checked_mul(100))
            .ok_or_else(overflow)?;
        let mut floor_sum: i128 = 0;
        for (_, _, q, _, _) in &rows {
            floor_sum = floor_sum.checked_add(*q).ok_or_else(overflow)?;
        }
        // The parts add to the whole, so what the floors miss is a whole
        // number of steps, at most one per part with a remainder.
        let mut leftover = target.checked_sub(floor_sum).ok_or_else(overflow)?;
        let mut order: Vec<usize> = (0..rows.len()).collect();
        // Largest remainder first (all over the same denominator), then the earlier purpose.
        order.sort_by(|a, b| {
            let rem = |i: &usize| rows.get(*i).map(|r| r.3);
            rem(b).cmp(&rem(a)).then(a.cmp(b))
        });
        let mut up = vec![false; rows.len()];
        for i in order {
            if leftover <= 0 || !matches!(rows.get(i), Some(r) if r.3 != 0) {
                break;
            }
            if let Some(u) = up.get_mut(i) {
                *u = true;
                leftover -= 1;
            }
        }
        let mut out = Vec::with_capacity(rows.len());
        for ((purpose, share, q, r, den), u) in rows.into_iter().zip(up) {
            let steps = q.checked_add(i128::from(u)).ok_or_else(overflow)?;
            let ordinary = round_steps(q, r, den, rounding).ok_or_else(overflow)?;
            out.push((purpose, share.percent_of_steps(steps, decimals)?, steps != ordinary));
        }
        Ok(out)
    }
}

/// How a funding class stands to the iBCF grants.
enum IbcfClass {
    /// All its members are iBCF grants.
    Ibcf,
    /// None of them is.
    Other,
    /// Some are and some are not: the kinds of its members.
    Mixed(String),
}

/// Each funding class of `plan`, classified.
fn classify(plan: &Plan, classes: &[FundingClass]) -> Result<Vec<IbcfClass>, ReturnError> {
    let mut out = Vec::with_capacity(classes.len());
    for class in classes {
        let kinds = super::member_kinds(plan, class)?;
        out.push(if kinds.iter().all(|k| k.is_ibcf()) {
            IbcfClass::Ibcf
        } else if kinds.iter().any(|k| k.is_ibcf()) {
            IbcfClass::Mixed(kinds.iter().map(ToString::to_string).collect::<Vec<_>>().join(", "))
        } else {
            IbcfClass::Other
        });
    }
    Ok(out)
}

/// Whether `funding` is of the iBCF grants alone; an error for a class
/// that mixes them with other sources.
fn is_ibcf(plan: &Plan, classes: &[FundingClass], kinds: &[IbcfClass], funding: Funding) -> Result<bool, ReturnError> {
    let not_this_plan = || MonitorError::NotThisPlan {
        what: format!("funding {funding:?}"),
    };
    let c = plan.class_of(funding).ok_or_else(not_this_plan)?;
    match kinds.get(c).ok_or_else(not_this_plan)? {
        IbcfClass::Ibcf => Ok(true),
        IbcfClass::Other => Ok(false),
        IbcfClass::Mixed(members) => Err(ReturnError::MixedIbcfFunding {
            stream: classes.get(c).map(|cl| cl.id.clone()).ok_or_else(not_this_plan)?,
            kinds: members.clone(),
        }),
    }
}

impl QuarterlyReturn {
    /// The iBCF spend to date of the return: the spend to date of its
    /// stream rows funded by the iBCF grants (a funding class all of whose
    /// sources are iBCF grants), derived from the rows each time.
    ///
    /// # Errors
    ///
    /// [`ReturnError::MixedIbcfFunding`] if a row's funding class mixes the
    /// iBCF grants with other sources; [`ReturnError::Monitor`] if a row's
    /// funding is not `plan`'s; [`ReturnError::Money`] if the sum is beyond
    /// the decimal range.
    pub fn ibcf_spend_to_date(&self, plan: &Plan) -> Result<Money, ReturnError> {
        let classes = plan.funding_classes();
        let kinds = classify(plan, &classes)?;
        let mut total = Money::ZERO;
        for r in &self.streams {
            if let Some(f) = r.funding {
                if is_ibcf(plan, &classes, &kinds, f)? {
                    total = total.checked_add(r.spend_to_date)?;
                }
            }
        }
        Ok(total)
    }

    /// The return with its iBCF quarterly measures ([`QuarterlyReturn::ibcf`]):
    /// the iBCF spend to date of each line of `report` funded by the iBCF
    /// grants (a line funded also from other sources split pro rata, as in
    /// the stream rows), added up per purpose of `purposes`, each purpose's
    /// share of it exactly, and the provider fee uplifts as given.
    ///
    /// Every iBCF-funded line of the round must be given a purpose, by its
    /// id or its iBCF allocation code: one that is not is an error naming
    /// it (with every other such line), never assigned one. The purposes'
    /// spend then adds up to [`QuarterlyReturn::ibcf_spend_to_date`].
    ///
    /// ```
    /// use bcf_model::contingency::ContingencyLedger;
    /// use bcf_model::money::{Money, Unit};
    /// use bcf_model::monitor::{monitor, Monitoring, Period};
    /// use bcf_model::returns::{quarterly_return, IbcfPurpose, IbcfPurposes, ProviderFeeUplifts};
    /// use rust_decimal::Decimal;
    ///
    /// let plan = bcf_model::data::leicestershire::expenditure_plan()?.plan;
    /// let ledger = ContingencyLedger::from_plan(&plan, "2017/18".parse()?)?;
    /// let k = |s: &str| Money::parse(s, Unit::Thousands);
    /// let q1 = Period::Quarter("2017/18 Q1".parse()?);
    /// let round = Monitoring::new("2017-06".parse()?)
    ///     .actual("BCF3.1", "lcc", q1, k("180")?)
    ///     .actual("BCF2.20", "lcc", q1, k("60")?);
    /// let report = monitor(&plan, &ledger, &round)?;
    /// // A purpose for every line (only the iBCF-funded ones need one):
    /// // social care, but Assistive Technology reduces pressures on the NHS.
    /// let mut purposes = IbcfPurposes::new();
    /// for l in plan.lines().iter() {
    ///     purposes = purposes.line(l.id(), IbcfPurpose::AdultSocialCareNeeds);
    /// }
    /// let purposes = purposes.line("BCF3.1", IbcfPurpose::ReducingNhsPressures);
    /// let ret = quarterly_return(&plan, &report, &ledger)?
    ///     .with_ibcf_measures(&plan, &report, &purposes, ProviderFeeUplifts::default())?;
    /// let ibcf = ret.ibcf.as_ref().ok_or("no measures")?;
    /// assert_eq!(ibcf.total()?, ret.ibcf_spend_to_date(&plan)?);
    /// let nhs = ibcf.purpose(IbcfPurpose::ReducingNhsPressures).ok_or("no row")?;
    /// assert_eq!(nhs.spend_to_date, k("180")?);
    /// assert_eq!(nhs.share.and_then(|s| s.exact()).map(|p| p.points()), Some(Decimal::from(75)));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`ReturnError::NotOfThisRound`] if `report` is not the return's
    /// round (another year or month); [`ReturnError::UnknownIbcfLine`] if
    /// `purposes` names a line the plan does not have;
    /// [`ReturnError::IbcfPurposeMissing`] naming every iBCF-funded line
    /// with no purpose; [`ReturnError::MixedIbcfFunding`] if a line's
    /// funding class mixes the iBCF grants with other sources;
    /// [`ReturnError::Monitor`] if the report was not made from `plan` or a
    /// line's figures cannot be split; [`ReturnError::Money`] if a sum is
    /// beyond the decimal range.
    pub fn with_ibcf_measures(
        mut self,
        plan: &Plan,
        report: &MonitoringReport,
        purposes: &IbcfPurposes,
        fee_uplifts: ProviderFeeUplifts,
    ) -> Result<QuarterlyReturn, ReturnError> {
        if report.year != self.year || report.as_at != self.as_at {
            return Err(ReturnError::NotOfThisRound {
                what: format!(
                    "the monitoring report is as at {} of {}, the return as at {} of {}",
                    report.as_at, report.year, self.as_at, self.year
                ),
            });
        }
        report.check_plan(plan)?;
        let codes: HashMap<&str, Option<&str>> = plan
            .lines()
            .iter()
            .map(|l| (l.id(), l.attributes().ibcf_code.as_deref()))
            .collect();
        if let Some(unknown) = purposes.lines.keys().find(|id| !codes.contains_key(id.as_str())) {
            return Err(ReturnError::UnknownIbcfLine { line: unknown.clone() });
        }
        let classes = plan.funding_classes();
        let kinds = classify(plan, &classes)?;
        let mut lines = Vec::new();
        let mut missing = Vec::new();
        let mut reported: HashSet<(&str, ContributorIx)> = HashSet::new();
        for l in &report.lines {
            let f = Figures {
                budget: l.revised_budget,
                actual_to_date: l.actual_to_date,
                forecast: l.forecast,
            };
            let mut spend: Option<Money> = None;
            for (funding, part) in split_by_funding(l, &f)? {
                if let Some(k) = funding {
                    if is_ibcf(plan, &classes, &kinds, k)? {
                        spend = Some(match spend {
                            Some(s) => s.checked_add(part.actual_to_date)?,
                            None => part.actual_to_date,
                        });
                    }
                }
            }
            let Some(spend_to_date) = spend else { continue };
            let code = codes.get(l.line.as_str()).copied().flatten();
            let purpose = purposes
                .lines
                .get(&l.line)
                .or_else(|| code.and_then(|c| purposes.codes.get(c)));
            match purpose {
                Some(purpose) => lines.push(IbcfLineSpend {
                    line: l.line.clone(),
                    name: l.name.clone(),
                    contributor: l.contributor,
                    contributor_id: l.contributor_id.clone(),
                    purpose: *purpose,
                    spend_to_date,
                }),
                None => {
                    if reported.insert((l.line.as_str(), l.contributor)) {
                        missing.push(match code {
                            Some(c) => format!("{} (iBCF code {c}, {})", l.line, l.contributor_id),
                            None => format!("{} ({})", l.line, l.contributor_id),
                        });
                    }
                }
            }
        }
        if !missing.is_empty() {
            return Err(ReturnError::IbcfPurposeMissing { lines: missing });
        }
        let mut per_purpose = Vec::with_capacity(IbcfPurpose::ALL.len());
        for purpose in IbcfPurpose::ALL {
            let spend = Money::checked_sum(lines.iter().filter(|l| l.purpose == purpose).map(|l| l.spend_to_date))?;
            per_purpose.push((purpose, spend));
        }
        let whole = Money::checked_sum(per_purpose.iter().map(|p| p.1))?;
        self.ibcf = Some(IbcfMeasures {
            lines,
            purposes: per_purpose
                .into_iter()
                .map(|(purpose, spend_to_date)| IbcfPurposeSpend {
                    purpose,
                    spend_to_date,
                    share: IbcfShare::new(spend_to_date, whole),
                })
                .collect(),
            fee_uplifts,
        });
        Ok(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn share(spend: i64, whole: i64) -> IbcfShare {
        IbcfShare::new(Money::from_pence(spend), Money::from_pence(whole)).expect("a whole above zero")
    }

    #[test]
    fn rounding_a_share_is_exact() {
        let d = |m: i64, s: u32| Percent::new(Decimal::new(m, s));
        // 1/8 = 12.5% exactly: a tie at no decimals.
        let eighth = share(1, 8);
        assert_eq!(eighth.exact(), Some(d(125, 1)));
        assert_eq!(eighth.rounded(0, Rounding::HalfAwayFromZero), Ok(d(13, 0)));
        assert_eq!(eighth.rounded(0, Rounding::HalfEven), Ok(d(12, 0)));
        assert_eq!(eighth.rounded(0, Rounding::TowardZero), Ok(d(12, 0)));
        assert_eq!(eighth.rounded(0, Rounding::AwayFromZero), Ok(d(13, 0)));
        // A negative share (a refund): -1/8 = -12.5%.
        let refund = share(-1, 8);
        assert_eq!(refund.rounded(0, Rounding::HalfAwayFromZero), Ok(d(-13, 0)));
        assert_eq!(refund.rounded(0, Rounding::HalfEven), Ok(d(-12, 0)));
        assert_eq!(refund.rounded(0, Rounding::TowardZero), Ok(d(-12, 0)));
        assert_eq!(refund.rounded(0, Rounding::AwayFromZero), Ok(d(-13, 0)));
        // 2/3 = 66.66...%: no exact decimal; rounds to 66.67.
        let two_thirds = share(2, 3);
        assert_eq!(two_thirds.exact(), None);
        assert_eq!(two_thirds.rounded(2, Rounding::HalfEven), Ok(d(6_667, 2)));
        assert!(IbcfShare::new(Money::from_pence(1), Money::ZERO).is_none());
    }

    #[test]
    fn printed_shares_add_to_a_hundred() {
        let measures = |spends: [i64; 3]| {
            let whole = Money::from_pence(spends.iter().sum());
            IbcfMeasures {
                lines: Vec::new(),
                purposes: IbcfPurpose::ALL
                    .into_iter()
                    .zip(spends)
                    .map(|(purpose, s)| IbcfPurposeSpend {
                        purpose,
                        spend_to_date: Money::from_pence(s),
                        share: IbcfShare::new(Money::from_pence(s), whole),
                    })
                    .collect(),
                fee_uplifts: ProviderFeeUplifts::default(),
            }
        };
        // Thirds: 33.3 each is 99.9, so the first is printed 33.4 (moved).
        let shown = measures([1, 1, 1])
            .printed_shares(1, Rounding::HalfAwayFromZero)
            .expect("fits");
        let points: Vec<Decimal> = shown.iter().map(|s| s.1.points()).collect();
        assert_eq!(
            points,
            [Decimal::new(334, 1), Decimal::new(333, 1), Decimal::new(333, 1)]
        );
        assert_eq!(shown.iter().map(|s| s.2).collect::<Vec<_>>(), [true, false, false]);
        // 39.7 / 32.6 / 27.7 exactly: nothing moves. (MHCLG's published
        // averages for 2018-19, 39.8 / 32.3 / 27.7, add to 99.8.)
        let shown = measures([397, 326, 277])
            .printed_shares(1, Rounding::HalfAwayFromZero)
            .expect("fits");
        assert!(shown.iter().all(|s| !s.2));
        assert_eq!(
            shown.iter().map(|s| s.1.points()).sum::<Decimal>(),
            Decimal::ONE_HUNDRED
        );
        // No spend: no shares.
        assert!(measures([0, 0, 0])
            .printed_shares(1, Rounding::HalfAwayFromZero)
            .expect("fits")
            .is_empty());
    }
}
