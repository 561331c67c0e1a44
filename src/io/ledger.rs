//! Actual spend from a ledger export, as CSV: one row a posting, by cost
//! centre (or scheme line id), contributor, period and amount.

use std::collections::BTreeMap;

use crate::money::{Money, Precision, Unit};
use crate::monitor::{Actual, Period};
use crate::plan::Plan;

use super::{LoadError, LoadErrors};

/// The columns a ledger export must have (others are ignored).
const COLUMNS: [&str; 4] = ["cost_centre", "contributor", "period", "amount"];

/// Which scheme line each ledger cost centre is spent on, as the caller
/// knows it (a ledger knows its cost centres, not the plan's lines).
///
/// ```
/// use bcf_model::io::CostCentres;
///
/// let map = CostCentres::new().map("CC4410", "BCF2.11").map("CC4411", "BCF2.11");
/// assert_eq!(map.line("CC4410"), Some("BCF2.11"));
/// assert_eq!(map.line("CC9999"), None);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CostCentres {
    lines: BTreeMap<String, String>,
}

impl CostCentres {
    /// No cost centres: every row must name a scheme line id.
    #[must_use]
    pub fn new() -> CostCentres {
        CostCentres::default()
    }

    /// Maps cost centre `cost_centre` to scheme line `line` (a later
    /// mapping of the same cost centre replaces an earlier one).
    #[must_use]
    pub fn map(mut self, cost_centre: &str, line: &str) -> CostCentres {
        self.lines.insert(cost_centre.to_string(), line.to_string());
        self
    }

    /// The scheme line cost centre `cost_centre` is mapped to, if any.
    #[must_use]
    pub fn line(&self, cost_centre: &str) -> Option<&str> {
        self.lines.get(cost_centre).map(String::as_str)
    }
}

/// Reads the actuals of a monitoring round from a ledger export: CSV text
/// whose header has the columns `cost_centre,contributor,period,amount` (in
/// any order, among others, which are ignored), one posting a row:
///
/// - `cost_centre`: a cost centre mapped to a line by `cost_centres`, or
///   else a scheme line id of `plan` (a mapped cost centre is read as its
///   line even if a line has the same id);
/// - `contributor`: a contributor id of `plan`;
/// - `period`: a month (`2017-10` or `Oct-17`) or a quarter (`2017/18 Q3`);
/// - `amount`: pounds in whole pence (`1,234.56`; negative for a credit).
///
/// The actuals come back in file order, to give to a round with
/// [`Monitoring::actuals`](crate::monitor::Monitoring::actuals); postings to
/// the same line and period add up there. Whether each period is in the
/// round's year and to date is checked by [`monitor`](crate::monitor::monitor).
///
/// ```
/// use bcf_model::io::{read_ledger_actuals, CostCentres};
/// use bcf_model::monitor::Monitoring;
///
/// let plan = bcf_model::data::leicestershire::expenditure_plan()?.plan;
/// let map = CostCentres::new().map("CC4410", "BCF2.11");
/// let text = "cost_centre,description,contributor,period,amount\n\
///             CC4410,Home care framework,wl_ccg,2017/18 Q3,\"1,950,000.00\"\n\
///             BCF6.6,Home visiting,elr_ccg,2017-12,400000\n";
/// let actuals = read_ledger_actuals("ledger.csv", text, &plan, &map)?;
/// assert_eq!(actuals[0].line, "BCF2.11");
/// assert_eq!(actuals[1].period.to_string(), "Dec-17");
/// let round = Monitoring::new("2017-12".parse()?).actuals(actuals);
/// assert_eq!(round.actuals.len(), 2);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// Every problem found, as [`LoadErrors`], each naming the file, line,
/// column and value: a header that cannot be read or a malformed row
/// ([`LoadErrorKind::Syntax`](super::LoadErrorKind::Syntax)); a missing
/// column ([`LoadErrorKind::Layout`](super::LoadErrorKind::Layout)); and
/// every bad cell of every row ([`LoadErrorKind::Value`](super::LoadErrorKind::Value)):
/// a cost centre neither mapped nor a line of the plan, or mapped to a line
/// the plan does not have; a contributor not in the plan; a period that is
/// neither a month nor a quarter; an amount that is not pounds or not whole
/// pence.
pub fn read_ledger_actuals(
    source: &str,
    text: &str,
    plan: &Plan,
    cost_centres: &CostCentres,
) -> Result<Vec<Actual>, LoadErrors> {
    let (mut reader, headers) = super::csv_with_header(source, text)?;
    let [p_code, p_contributor, p_period, p_amount] = super::column_positions(source, &headers, COLUMNS)?;
    let contributors = plan
        .contributors()
        .iter()
        .map(|c| c.id.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    let mut errors = Vec::new();
    let mut actuals = Vec::new();
    for item in super::numbered_records(source, text, &mut reader) {
        let Some((line, record)) = super::kept(item, &mut errors) else {
            continue;
        };
        let cell = |i: usize| super::field(&record, i).trim();
        let bad = |column: &str, value: &str, problem: String| LoadError::cell(source, line, column, value, problem);
        let code = cell(p_code);
        let scheme_line = match cost_centres.line(code) {
            Some(mapped) if plan.line(mapped).is_some() => Ok(mapped.to_string()),
            Some(mapped) => Err(bad(
                "cost_centre",
                code,
                format!("the cost centre is mapped to scheme line {mapped:?}, which the plan does not have"),
            )),
            None if code.is_empty() => Err(bad(
                "cost_centre",
                code,
                "a posting needs a cost centre or scheme line id".to_string(),
            )),
            None if plan.line(code).is_some() => Ok(code.to_string()),
            None => Err(bad(
                "cost_centre",
                code,
                "neither a cost centre in the mapping nor a scheme line of the plan".to_string(),
            )),
        };
        let who = cell(p_contributor);
        let contributor = match plan.contributor_ix(who) {
            Some(_) => Ok(who.to_string()),
            None => Err(bad(
                "contributor",
                who,
                format!("not a contributor of the plan (expected one of: {contributors})"),
            )),
        };
        let period = cell(p_period).parse::<Period>().map_err(|e| {
            bad(
                "period",
                cell(p_period),
                format!("not a month (2017-10) or a quarter (2017/18 Q3): {e}"),
            )
        });
        let amount = match Money::parse(cell(p_amount), Unit::Pounds) {
            Ok(m) if m.is_multiple_of(Precision::PENCE) => Ok(m),
            Ok(_) => Err(bad("amount", cell(p_amount), "not whole pence".to_string())),
            Err(e) => Err(bad(
                "amount",
                cell(p_amount),
                format!("not an amount in pounds: {}", e.kind),
            )),
        };
        match (scheme_line, contributor, period, amount) {
            (Ok(line), Ok(contributor), Ok(period), Ok(amount)) => actuals.push(Actual {
                line,
                contributor,
                period,
                amount,
            }),
            (l, c, p, a) => {
                errors.extend([l.err(), c.err(), p.err(), a.err()].into_iter().flatten());
            }
        }
    }
    if errors.is_empty() {
        Ok(actuals)
    } else {
        Err(LoadErrors::new(errors))
    }
}
