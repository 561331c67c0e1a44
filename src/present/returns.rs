//! A [`QuarterlyReturn`]'s tables presented in one [`PresentationContext`],
//! so that every table adds up and an amount prints the same in each.

use crate::money::Money;
use crate::returns::{QuarterlyReturn, StreamReturn};

use super::{PresentError, PresentationContext, PresentedTable, Table};

/// One figure of a stream row, and the title of its table.
type Measure = (&'static str, fn(&StreamReturn) -> Money);

const MEASURES: [Measure; 6] = [
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
/// wherever a rounding that adds up allows it.
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
    let mut streams: Vec<(&str, &str)> = Vec::new();
    for r in &ret.streams {
        if !contributors.contains(&r.contributor_id.as_str()) {
            contributors.push(&r.contributor_id);
        }
        if !streams.iter().any(|s| s.0 == r.stream) {
            streams.push((&r.stream, &r.stream_name));
        }
    }
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
    for (title, figure) in MEASURES {
        let mut table = Table::new(format!("{title} ({})", ret.quarter), contributors.iter().copied());
        for (id, name) in &streams {
            // No row for a stream and contributor: it received and spent £0.
            let cells = contributors.iter().map(|c| {
                ret.streams
                    .iter()
                    .find(|r| r.stream == *id && r.contributor_id == *c)
                    .map_or(Money::ZERO, figure)
            });
            table = table.row(*name, cells.collect::<Vec<_>>())?;
        }
        out.push(context.present_table(&table)?);
    }
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
    Ok(out)
}
