//! The [`QuarterlyReport`] an integration finance group receives: a
//! monitoring round's figures by programme, contributor and funding source.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use crate::calendar::{FinancialYear, Month, Quarter};
use crate::money::{allocate, Money, MoneyError, Precision};
use crate::plan::{ContributorIx, Funding, Plan, ProgrammeIx};

use super::{ContributorPosition, LineMonitor, MonitorError, MonitoringReport};

impl MonitoringReport {
    /// The quarterly monitoring report: budget, actual to date, forecast and
    /// variance by programme, by contributor and by funding source (a line
    /// funded from several sources is split across them pro rata to its
    /// planned amounts, exactly, by [`allocate`]), with the contributors'
    /// net positions. Every breakdown adds up to the same total.
    ///
    /// # Errors
    ///
    /// [`MonitorError::NotThisPlan`] if `plan` is not the plan the report was
    /// made from (see below), [`MonitorError::Allocation`] if a line's figures
    /// cannot be split across its funding (for example a negative planned
    /// amount as a weight), and [`MonitorError::Money`] if a total or a
    /// variance is beyond the decimal range.
    ///
    /// ```
    /// use bcf_model::contingency::ContingencyLedger;
    /// use bcf_model::money::{Money, Precision, Unit};
    /// use bcf_model::monitor::{monitor, Forecast, Monitoring};
    ///
    /// let plan = bcf_model::data::leicestershire::expenditure_plan()?.plan;
    /// let ledger = ContingencyLedger::from_plan(&plan, "2017/18".parse()?)?;
    /// let k = |s: &str| Money::parse(s, Unit::Thousands);
    /// let round = Monitoring::new("2017-12".parse()?)
    ///     .default_forecast(Forecast::OnBudget)
    ///     .forecast("BCF3.1", "lcc", Forecast::Given(k("700")?)); // Assistive Technology, 60.0 under
    /// let q3 = monitor(&plan, &ledger, &round)?.quarterly(&plan)?;
    /// assert_eq!(q3.total.variance, k("-60")?);
    /// let ibcf = q3.by_funding.iter().find(|r| r.id == "ibcf").ok_or("no iBCF row")?;
    /// assert_eq!(ibcf.variance, k("-60")?);
    /// assert!(bcf_model::present::present_quarterly(&q3, Precision::THOUSANDS_1DP)?.contains("BCF3 Integrated Housing Support"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// `plan` must be the plan the report was made from: a line, programme,
    /// contributor or funding source of the report that the plan does not
    /// have (or has under another id) is [`MonitorError::NotThisPlan`].
    pub fn quarterly(&self, plan: &Plan) -> Result<QuarterlyReport, MonitorError> {
        self.check_plan(plan)?;
        let mut programmes: BTreeMap<ProgrammeIx, Figures> = BTreeMap::new();
        let mut contributors: BTreeMap<ContributorIx, Figures> = BTreeMap::new();
        let mut funding: BTreeMap<Option<Funding>, Figures> = BTreeMap::new();
        let mut total = Figures::default();
        for l in &self.lines {
            let f = Figures {
                budget: l.revised_budget,
                actual_to_date: l.actual_to_date,
                forecast: l.forecast,
            };
            programmes.entry(l.programme).or_default().add(&f)?;
            contributors.entry(l.contributor).or_default().add(&f)?;
            total.add(&f)?;
            for (key, part) in split_by_funding(l, &f)? {
                funding.entry(key).or_default().add(&part)?;
            }
        }
        let by_programme = programmes
            .into_iter()
            .map(|(p, f)| {
                let p = plan
                    .programme(p)
                    .ok_or_else(|| not_this_plan(format!("programme #{}", p.index())))?;
                Ok(f.row(p.id.clone(), p.name.clone())?)
            })
            .collect::<Result<Vec<_>, MonitorError>>()?;
        let by_contributor = contributors
            .into_iter()
            .map(|(c, f)| {
                let c = plan
                    .contributor(c)
                    .ok_or_else(|| not_this_plan(format!("contributor #{}", c.index())))?;
                Ok(f.row(c.id.clone(), c.name.clone())?)
            })
            .collect::<Result<Vec<_>, MonitorError>>()?;
        let by_funding = funding
            .into_iter()
            .map(|(k, f)| {
                let (id, name) = match k {
                    Some(k) => funding_id_and_name(plan, k)?,
                    None => ("unplanned".to_string(), "No planned funding".to_string()),
                };
                Ok(f.row(id, name)?)
            })
            .collect::<Result<Vec<_>, MonitorError>>()?;
        Ok(QuarterlyReport {
            year: self.year,
            as_at: self.as_at,
            quarter: self.as_at.quarter(),
            by_programme,
            by_contributor,
            by_funding,
            total: total.row(String::new(), "Total".to_string())?,
            positions: self.positions.clone(),
        })
    }
}

fn not_this_plan(what: String) -> MonitorError {
    MonitorError::NotThisPlan { what }
}

/// The id and name of funding source or group `k` in `plan`, or
/// [`MonitorError::NotThisPlan`].
fn funding_id_and_name(plan: &Plan, k: Funding) -> Result<(String, String), MonitorError> {
    match k {
        Funding::Source(s) => plan
            .source(s)
            .map(|s| (s.id.clone(), s.name.clone()))
            .ok_or_else(|| not_this_plan(format!("funding source #{}", s.index()))),
        Funding::Group(g) => plan
            .group(g)
            .map(|g| (g.id.clone(), g.name.clone()))
            .ok_or_else(|| not_this_plan(format!("funding group #{}", g.index()))),
    }
}

impl MonitoringReport {
    /// Whether every line, programme, contributor and funding of the report
    /// is the same in `plan`, or the first that is not.
    pub(crate) fn check_plan(&self, plan: &Plan) -> Result<(), MonitorError> {
        let programmes: BTreeMap<&str, ProgrammeIx> = plan.lines().iter().map(|l| (l.id(), l.programme())).collect();
        for l in &self.lines {
            if programmes.get(l.line.as_str()) != Some(&l.programme) {
                return Err(not_this_plan(format!(
                    "scheme line {:?} (in programme #{})",
                    l.line,
                    l.programme.index()
                )));
            }
            if plan.contributor(l.contributor).map(|c| c.id.as_str()) != Some(l.contributor_id.as_str()) {
                return Err(not_this_plan(format!(
                    "contributor {:?} (#{}) of line {:?}",
                    l.contributor_id,
                    l.contributor.index(),
                    l.line
                )));
            }
            for (k, _) in &l.funding {
                funding_id_and_name(plan, *k)?;
            }
        }
        for p in &self.positions {
            if plan.contributor(p.contributor).map(|c| c.id.as_str()) != Some(p.contributor_id.as_str()) {
                return Err(not_this_plan(format!(
                    "contributor {:?} (#{})",
                    p.contributor_id,
                    p.contributor.index()
                )));
            }
        }
        Ok(())
    }
}

#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Figures {
    pub(crate) budget: Money,
    pub(crate) actual_to_date: Money,
    pub(crate) forecast: Money,
}

impl Figures {
    pub(crate) fn add(&mut self, other: &Figures) -> Result<(), MoneyError> {
        self.budget = self.budget.checked_add(other.budget)?;
        self.actual_to_date = self.actual_to_date.checked_add(other.actual_to_date)?;
        self.forecast = self.forecast.checked_add(other.forecast)?;
        Ok(())
    }

    fn row(self, id: String, name: String) -> Result<ReportRow, MoneyError> {
        Ok(ReportRow {
            id,
            name,
            budget: self.budget,
            actual_to_date: self.actual_to_date,
            forecast: self.forecast,
            variance: self.forecast.checked_sub(self.budget)?,
        })
    }
}

/// A line's figures split across its funding, pro rata to the planned
/// amounts (equally if they are all zero); `None` for a line with no planned funding.
pub(crate) fn split_by_funding(l: &LineMonitor, f: &Figures) -> Result<Vec<(Option<Funding>, Figures)>, MonitorError> {
    Ok(split_amounts(l, [f.budget, f.actual_to_date, f.forecast])?
        .into_iter()
        .map(|(k, [budget, actual_to_date, forecast])| {
            (
                k,
                Figures {
                    budget,
                    actual_to_date,
                    forecast,
                },
            )
        })
        .collect())
}

/// Figures split to one funding of a line (`None`: no planned funding).
pub(crate) type FundingPart<const N: usize> = (Option<Funding>, [Money; N]);

/// Each of `amounts` (figures of line `l`) split across the line's funding
/// pro rata to its planned amounts (equally if they are all zero), each
/// exactly to the penny by [`allocate`]: the parts of each amount add back
/// to it, and a part has the sign of its amount. A line with one funding,
/// or none (`None`), keeps its amounts whole.
pub(crate) fn split_amounts<const N: usize>(
    l: &LineMonitor,
    amounts: [Money; N],
) -> Result<Vec<FundingPart<N>>, MonitorError> {
    if l.funding.len() <= 1 {
        return Ok(vec![(l.funding.first().map(|x| x.0), amounts)]);
    }
    let mut weights: Vec<Decimal> = l.funding.iter().map(|x| x.1.pounds()).collect();
    if weights.iter().all(|w| w.is_zero()) {
        weights = vec![Decimal::ONE; l.funding.len()];
    }
    let mut parts: Vec<FundingPart<N>> = l.funding.iter().map(|(k, _)| (Some(*k), [Money::ZERO; N])).collect();
    for (i, amount) in amounts.into_iter().enumerate() {
        let shares = allocate(amount, &weights, Precision::PENCE).map_err(|source| MonitorError::Allocation {
            what: format!("splitting {} ({}) by funding source", l.line, l.contributor_id),
            source,
        })?;
        for ((_, part), share) in parts.iter_mut().zip(shares) {
            *part
                .get_mut(i)
                .expect("`i` is a position in `amounts`, which has as many figures as each part") = share;
        }
    }
    Ok(parts)
}

/// One row of a [`QuarterlyReport`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReportRow {
    /// The programme, contributor or funding id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// The (revised) budget for the year.
    pub budget: Money,
    /// The actual spend to date.
    pub actual_to_date: Money,
    /// The forecast outturn.
    pub forecast: Money,
    /// `forecast - budget`: above zero an overspend.
    pub variance: Money,
}

/// The quarterly monitoring report an integration finance group receives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QuarterlyReport {
    /// The financial year.
    pub year: FinancialYear,
    /// The last month included.
    pub as_at: Month,
    /// The quarter that month falls in.
    pub quarter: Quarter,
    /// By programme, in plan order.
    pub by_programme: Vec<ReportRow>,
    /// By contributor, in plan order.
    pub by_contributor: Vec<ReportRow>,
    /// By funding source or group.
    pub by_funding: Vec<ReportRow>,
    /// The whole pool (id empty, name `Total`).
    pub total: ReportRow,
    /// Each contributor's contingency and net position.
    pub positions: Vec<ContributorPosition>,
}
