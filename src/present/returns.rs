//! A [`QuarterlyReturn`]'s, a [`YearEndReturn`]'s and an
//! [`EndOfYearReconciliation`]'s tables presented in one [`PresentationContext`],
//! so that every table adds up and an amount prints the same in each.

use crate::money::Money;
use crate::returns::{EndOfYearReconciliation, QuarterlyReturn, StreamReturn, YearEndReturn, YearEndStream};

use super::{PresentError, PresentationContext, PresentedTable, Table};

/// One figure of a row, and the title of its table.
type Measure<R> = (&'static str, fn(&R) -> Money);

const MEASURES: [Measure<StreamReturn>; 6] = [
    ("Income to date", |r| r.income_to_date),
    ("Spend to date", |r| r.spend_to_date),
    ("Pooled balance to date", |r| r.balance_to_date),
    ("Budget", |r| r.budget),
    ("Forecast outturn", |r| r.forecast),
    ("Variance (forecast less budget)", |r| r.variance),
];

/// The return's tables: income to date, spend to date, pooled balance to
/// date, budget, forecast outturn and variance, each by funding stream
/// (rows) and contributor (columns), and the contingency used by pool and
/// contributor; all presented in `context`, so every row and column adds
/// up to its printed total and an amount prints the same in every table
/// wherever a rounding that adds up allows it. With the iBCF measures
/// ([`QuarterlyReturn::with_ibcf_measures`](crate::returns::QuarterlyReturn::with_ibcf_measures)),
/// a last table gives the iBCF spend to date by purpose (rows, every
/// purpose) and contributor (columns: those with iBCF-funded lines); its
/// grand total is the iBCF spend to date. Shares are percentages, not
/// money: see [`IbcfMeasures::printed_shares`](crate::returns::IbcfMeasures::printed_shares).
///
/// A stream with no row for a contributor (no allocation from it and no
/// line of it funded) is £0 in its cell: it received and spent nothing.
///
/// # Errors
///
/// [`PresentError::Money`] if a figure's number of printed steps does not
/// fit, and the errors of [`PresentationContext::present_table`].
///
/// ```
/// use bcf_model::contingency::ContingencyLedger;
/// use bcf_model::money::{Precision, Rounding};
/// use bcf_model::monitor::{monitor, Monitoring};
/// use bcf_model::present::{present_return, PresentationContext};
/// use bcf_model::returns::quarterly_return;
///
/// let plan = bcf_model::data::leicestershire::expenditure_plan()?.plan;
/// let ledger = ContingencyLedger::from_plan(&plan, "2017/18".parse()?)?;
/// let report = monitor(&plan, &ledger, &Monitoring::new("2017-06".parse()?))?;
/// let q1 = quarterly_return(&plan, &report, &ledger)?;
/// let mut pack = PresentationContext::new(Precision::THOUSANDS_1DP, Rounding::HalfAwayFromZero);
/// let tables = present_return(&q1, &mut pack)?;
/// assert_eq!(tables[0].title, "Income to date (2017/18 Q1)");
/// assert_eq!(tables[0].column_labels, ["wl_ccg", "elr_ccg", "lcc"]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn present_return(
    ret: &QuarterlyReturn,
    context: &mut PresentationContext,
) -> Result<Vec<PresentedTable>, PresentError> {
    // Contributors and streams in the order the return lists them.
    let mut contributors: Vec<&str> = Vec::new();
    for r in &ret.streams {
        if !contributors.contains(&r.contributor_id.as_str()) {
            contributors.push(&r.contributor_id);
        }
    }
    let streams = streams_of(&ret.streams);
    for c in &ret.contingency {
        if !contributors.contains(&c.contributor_id.as_str()) {
            contributors.push(&c.contributor_id);
        }
    }
    contributors.sort_by_key(|id| {
        ret.streams
            .iter()
            .map(|r| (r.contributor_id.as_str(), r.contributor.index()))
            .chain(
                ret.contingency
                    .iter()
                    .map(|c| (c.contributor_id.as_str(), c.contributor.index())),
            )
            .find(|(c, _)| c == id)
            .map(|(_, i)| i)
    });
    let mut out = Vec::with_capacity(MEASURES.len() + 1);
    let period = ret.quarter.to_string();
    stream_tables(
        &ret.streams,
        &streams,
        &contributors,
        &MEASURES,
        &period,
        context,
        &mut out,
    )?;
    let mut pools: Vec<(&str, &str)> = Vec::new();
    for c in &ret.contingency {
        if !pools.iter().any(|p| p.0 == c.line) {
            pools.push((&c.line, &c.name));
        }
    }
    let mut table = Table::new(
        format!("Contingency used, drawn down and released ({})", ret.quarter),
        contributors.iter().copied(),
    );
    for (line, name) in pools {
        let mut cells = Vec::with_capacity(contributors.len());
        for c in &contributors {
            // A contributor with no pool on this contingency line used none of it.
            let used = match ret
                .contingency
                .iter()
                .find(|p| p.line == line && p.contributor_id == *c)
            {
                Some(p) => p.used()?,
                None => Money::ZERO,
            };
            cells.push(used);
        }
        table = table.row(name, cells)?;
    }
    out.push(context.present_table(&table)?);
    if let Some(ibcf) = &ret.ibcf {
        // The contributors with iBCF-funded lines, in the order of the return's columns.
        let payers: Vec<&str> = contributors
            .iter()
            .copied()
            .filter(|c| ibcf.lines.iter().any(|l| l.contributor_id == *c))
            .collect();
        let mut table = Table::new(
            format!("iBCF spend to date by purpose ({})", ret.quarter),
            payers.iter().copied(),
        );
        for purpose in ibcf.purposes.iter().map(|p| p.purpose) {
            let mut cells = Vec::with_capacity(payers.len());
            for c in &payers {
                // A contributor with no line of this purpose spent none of its iBCF on it.
                cells.push(Money::checked_sum(
                    ibcf.lines
                        .iter()
                        .filter(|l| l.purpose == purpose && l.contributor_id == *c)
                        .map(|l| l.spend_to_date),
                )?);
            }
            table = table.row(purpose.label(), cells)?;
        }
        out.push(context.present_table(&table)?);
    }
    Ok(out)
}

/// A row of a return by funding stream and contributor.
trait StreamRow {
    /// The stream's id and name.
    fn stream(&self) -> (&str, &str);
    /// The contributor's id.
    fn contributor(&self) -> &str;
}

impl StreamRow for StreamReturn {
    fn stream(&self) -> (&str, &str) {
        (&self.stream, &self.stream_name)
    }
    fn contributor(&self) -> &str {
        &self.contributor_id
    }
}

impl StreamRow for YearEndStream {
    fn stream(&self) -> (&str, &str) {
        (&self.stream, &self.stream_name)
    }
    fn contributor(&self) -> &str {
        &self.contributor_id
    }
}

/// The streams of `rows` (id and name), in the order the rows list them.
fn streams_of<R: StreamRow>(rows: &[R]) -> Vec<(&str, &str)> {
    let mut streams: Vec<(&str, &str)> = Vec::new();
    for r in rows {
        let s = r.stream();
        if !streams.iter().any(|t| t.0 == s.0) {
            streams.push(s);
        }
    }
    streams
}

/// A table per measure of `rows`, streams (rows) by contributors
/// (columns), titled with the measure and `period`, presented in `context`
/// onto `out`. No row for a stream and contributor is £0 in its cell: that
/// contributor had nothing allocated to, planned for or spent from it.
fn stream_tables<R: StreamRow>(
    rows: &[R],
    streams: &[(&str, &str)],
    contributors: &[&str],
    measures: &[Measure<R>],
    period: &str,
    context: &mut PresentationContext,
    out: &mut Vec<PresentedTable>,
) -> Result<(), PresentError> {
    for (title, figure) in measures {
        let mut table = Table::new(format!("{title} ({period})"), contributors.iter().copied());
        for (id, name) in streams {
            let cells = contributors.iter().map(|c| {
                rows.iter()
                    .find(|r| r.stream().0 == *id && r.contributor() == *c)
                    .map_or(Money::ZERO, figure)
            });
            table = table.row(*name, cells.collect::<Vec<_>>())?;
        }
        out.push(context.present_table(&table)?);
    }
    Ok(())
}

const YEAR_END_MEASURES: [Measure<YearEndStream>; 7] = [
    ("Allocation", |r| r.allocation),
    ("Planned budget", |r| r.planned),
    ("Revised budget", |r| r.budget),
    ("Outturn", |r| r.outturn),
    ("Variance (outturn less budget)", |r| r.variance),
    ("Underspend carried forward", |r| r.carried),
    ("Released (underspend less overspend)", |r| r.released),
];

/// The year-end return's tables: allocation, planned budget, revised
/// budget, outturn, variance, carried forward and released, each by funding
/// stream (rows) and contributor (columns), then where the overspend was met
/// (rows: each waterfall step and the risk share; columns: who met it, the
/// contributors and, if it bears a share, the pooled fund); all presented in
/// `context`, so every row and column adds up to its printed total and an
/// amount prints the same in every table wherever a rounding that adds up
/// allows it. The last table's grand total is the overspend met: the
/// return's overspend less what caps left unallocated.
///
/// A stream with no row for a contributor is £0 in its cell: it had no
/// allocation from it and funded none of its lines.
///
/// # Errors
///
/// The errors of [`PresentationContext::present_table`] and
/// [`Table::row`].
///
/// ```
/// use bcf_model::contingency::ContingencyLedger;
/// use bcf_model::money::{Precision, Rounding};
/// use bcf_model::monitor::{monitor, year_end, CarryForwardRule, Forecast, MissingActuals, Monitoring, OutturnBasis};
/// use bcf_model::present::{present_year_end, PresentationContext};
/// use bcf_model::returns::year_end_return;
/// use bcf_model::waterfall::{waterfall, RiskShareRule, WaterfallConfig};
/// use chrono::NaiveDate;
///
/// let plan = bcf_model::data::leicestershire::expenditure_plan()?.plan;
/// let ledger = ContingencyLedger::from_plan(&plan, "2017/18".parse()?)?;
/// let march = Monitoring::new("2018-03".parse()?)
///     .missing_actuals(MissingActuals::OnBudgetToDate)
///     .default_forecast(Forecast::BudgetPlusVariance);
/// let report = monitor(&plan, &ledger, &march)?;
/// let close = year_end(&plan, &report, OutturnBasis::Actuals, &CarryForwardRule::Nothing)?;
/// let config = WaterfallConfig::section_75(NaiveDate::from_ymd_opt(2018, 3, 31).ok_or("date")?, "IFG", RiskShareRule::ProRataContributions);
/// let ret = year_end_return(&plan, &report, &ledger, &close, &waterfall(&plan, &report, &ledger, &config)?)?;
/// let mut pack = PresentationContext::new(Precision::THOUSANDS_1DP, Rounding::HalfAwayFromZero);
/// let tables = present_year_end(&ret, &mut pack)?;
/// assert_eq!(tables[3].title, "Outturn (2017/18)");
/// assert_eq!(tables.len(), 8);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn present_year_end(
    ret: &YearEndReturn,
    context: &mut PresentationContext,
) -> Result<Vec<PresentedTable>, PresentError> {
    // Contributors (in plan order) and streams in the order the return lists them.
    let mut contributors: Vec<(usize, &str)> = Vec::new();
    for r in &ret.streams {
        if !contributors.iter().any(|c| c.1 == r.contributor_id) {
            contributors.push((r.contributor.index(), &r.contributor_id));
        }
    }
    contributors.sort_by_key(|c| c.0);
    let streams = streams_of(&ret.streams);
    let ids: Vec<&str> = contributors.iter().map(|c| c.1).collect();
    let mut out = Vec::with_capacity(YEAR_END_MEASURES.len() + 1);
    let period = ret.year.to_string();
    stream_tables(
        &ret.streams,
        &streams,
        &ids,
        &YEAR_END_MEASURES,
        &period,
        context,
        &mut out,
    )?;
    // Who met the overspend: the contributors, then any other bearer (the pooled fund).
    let mut bearers: Vec<&str> = contributors.iter().map(|c| c.1).collect();
    for m in &ret.met {
        if !bearers.contains(&m.bearer_id.as_str()) {
            bearers.push(&m.bearer_id);
        }
    }
    let mut stages: Vec<&str> = Vec::new();
    for m in &ret.met {
        if !stages.contains(&m.stage_name.as_str()) {
            stages.push(&m.stage_name);
        }
    }
    let mut table = Table::new(
        format!("Overspend met, by stage and by who met it ({})", ret.year),
        bearers.iter().copied(),
    );
    for stage in stages {
        let mut cells = Vec::with_capacity(bearers.len());
        for b in &bearers {
            // A bearer with no row at a stage met nothing there.
            let met = Money::checked_sum(
                ret.met
                    .iter()
                    .filter(|m| m.stage_name == stage && m.bearer_id == *b)
                    .map(|m| m.amount),
            )?;
            cells.push(met);
        }
        table = table.row(stage, cells)?;
    }
    out.push(context.present_table(&table)?);
    Ok(out)
}

/// The end-of-year reconciliation's tables: the spend from each mandatory
/// funding source (rows) by contributor (columns), and the social care
/// spend from the NHS minimum by line (rows) and contributor (columns);
/// presented in `context`, so each adds up. The first table's grand total
/// is the spend from the mandatory sources, the second's the social care
/// spend from the NHS minimum.
///
/// # Errors
///
/// The errors of [`PresentationContext::present_table`] and
/// [`Table::row`].
pub fn present_reconciliation(
    form: &EndOfYearReconciliation,
    context: &mut PresentationContext,
) -> Result<Vec<PresentedTable>, PresentError> {
    let mut contributors: Vec<(usize, &str)> = Vec::new();
    for (ix, id) in form
        .mandatory
        .iter()
        .map(|m| (m.contributor.index(), m.contributor_id.as_str()))
        .chain(
            form.social_care
                .iter()
                .map(|s| (s.contributor.index(), s.contributor_id.as_str())),
        )
    {
        if !contributors.iter().any(|c| c.1 == id) {
            contributors.push((ix, id));
        }
    }
    contributors.sort_by_key(|c| c.0);
    let columns = || contributors.iter().map(|c| c.1);
    let mut sources = Vec::new();
    for m in &form.mandatory {
        if !sources.contains(&m.source) {
            sources.push(m.source);
        }
    }
    let mut spend = Table::new(
        format!("Spend from the mandatory funding sources ({})", form.year),
        columns(),
    );
    for source in sources {
        // A contributor with no row for a source spent none of it.
        let cells = contributors.iter().map(|(_, c)| {
            form.mandatory
                .iter()
                .find(|m| m.source == source && m.contributor_id == *c)
                .map_or(Money::ZERO, |m| m.spend)
        });
        spend = spend.row(source.to_string(), cells.collect::<Vec<_>>())?;
    }
    let mut lines: Vec<(&str, &str)> = Vec::new();
    for s in &form.social_care {
        if !lines.iter().any(|l| l.0 == s.line) {
            lines.push((&s.line, &s.name));
        }
    }
    let mut care = Table::new(
        format!("Adult social care spend from the NHS minimum ({})", form.year),
        columns(),
    );
    for (line, name) in lines {
        let cells = contributors.iter().map(|(_, c)| {
            form.social_care
                .iter()
                .find(|s| s.line == line && s.contributor_id == *c)
                .map_or(Money::ZERO, |s| s.spend)
        });
        care = care.row(format!("{line} {name}"), cells.collect::<Vec<_>>())?;
    }
    Ok(vec![context.present_table(&spend)?, context.present_table(&care)?])
}
