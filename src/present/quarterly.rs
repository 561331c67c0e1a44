//! A quarterly monitoring report as a text table whose columns add up.

use crate::money::{Money, Precision, Rounding};
use crate::monitor::{QuarterlyReport, ReportRow};

use super::{present, Breakdown, PresentError};

/// One column of a section: how to read it from a row.
type Column = fn(&ReportRow) -> Money;

const COLUMNS: [(&str, Column); 4] = [
    ("budget", |r| r.budget),
    ("actual YTD", |r| r.actual_to_date),
    ("forecast", |r| r.forecast),
    ("variance", |r| r.variance),
];

/// A quarterly monitoring report as a text table, figures at `precision` (e.g.
/// [`Precision::THOUSANDS_1DP`] for £'000 to one decimal). Each column
/// of each breakdown is presented as a whole ([`present`]): the total is
/// rounded as usual and the rows' printed figures add up to it, so a
/// finance director's pack foots (rounding each figure on its own
/// printed programme budgets of 52,550.1 against a total of 52,550.0).
/// A figure moved off its own rounding to make a column add up is
/// marked `*`.
///
/// # Errors
///
/// [`PresentError::Money`] if a figure's number of printed steps does
/// not fit, and [`PresentError::NotASum`] if a breakdown's rows do not add
/// up to the report's total (the report's own figures always do).
///
/// ```
/// use bcf_model::contingency::ContingencyLedger;
/// use bcf_model::money::Precision;
/// use bcf_model::monitor::{monitor, Forecast, Monitoring};
/// use bcf_model::present::present_quarterly;
///
/// let plan = bcf_model::data::leicestershire::expenditure_plan()?.plan;
/// let ledger = ContingencyLedger::from_plan(&plan, "2017/18".parse()?)?;
/// let round = Monitoring::new("2017-12".parse()?).default_forecast(Forecast::OnBudget);
/// let q3 = monitor(&plan, &ledger, &round)?.quarterly(&plan)?;
/// let text = present_quarterly(&q3, Precision::THOUSANDS_1DP)?;
/// assert!(text.contains("BCF3 Integrated Housing Support"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn present_quarterly(report: &QuarterlyReport, precision: Precision) -> Result<String, PresentError> {
    report.present(precision)
}

impl QuarterlyReport {
    fn present(&self, precision: Precision) -> Result<String, PresentError> {
        let fmt = precision.format().with_brackets();
        let mut out = format!(
            "{} monitoring (to {}), {}\n",
            self.quarter,
            self.as_at.label(),
            precision.unit().label()
        );
        let header = format!(
            "{:<44} {:>13} {:>13} {:>13} {:>13}\n",
            "", "budget", "actual YTD", "forecast", "variance"
        );
        for (title, rows) in [
            ("by programme", &self.by_programme),
            ("by contributor", &self.by_contributor),
            ("by funding source", &self.by_funding),
        ] {
            // Each column presented as a total of its rows; the total's own
            // exact value is the report's, which the rows add to.
            let mut printed: Vec<Vec<(Money, bool)>> = vec![Vec::new(); rows.len() + 1];
            for (name, column) in COLUMNS {
                let parts = rows.iter().map(|r| Breakdown::leaf(&r.id, column(r))).collect();
                let total = Breakdown::total(name, parts)?;
                if total.exact != column(&self.total) {
                    return Err(PresentError::NotASum {
                        label: format!("{title}, {name}"),
                        exact: column(&self.total),
                        sum: total.exact,
                    });
                }
                let shown = present(&total, precision, Rounding::HalfAwayFromZero)?;
                for (slot, p) in printed
                    .iter_mut()
                    .zip(shown.parts.iter().chain(std::iter::once(&shown)))
                {
                    slot.push((p.rounded, p.adjusted));
                }
            }
            out.push_str(&format!("{title}\n"));
            out.push_str(&header);
            for (r, figures) in rows.iter().chain(std::iter::once(&self.total)).zip(&printed) {
                let name: String = format!("{} {}", r.id, r.name).trim().chars().take(44).collect();
                out.push_str(&format!("{name:<44}"));
                for (m, adjusted) in figures {
                    let mark = if *adjusted { "*" } else { " " };
                    out.push_str(&format!(" {:>12}{mark}", m.format(&fmt)));
                }
                out.push('\n');
            }
        }
        out.push_str("net position by contributor (below zero: short)\n");
        out.push_str(&format!(
            "{:<44} {:>13} {:>13} {:>13} {:>13}\n",
            "", "variance", "contingency", "undelivered", "net"
        ));
        for p in &self.positions {
            out.push_str(&format!(
                "{:<44} {:>12}  {:>12}  {:>12}  {:>12} \n",
                p.contributor_id,
                p.variance.format(&fmt),
                p.contingency_available.format(&fmt),
                p.undelivered_savings.format(&fmt),
                p.net_position.format(&fmt)
            ));
        }
        Ok(out)
    }
}
