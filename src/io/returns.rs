//! Writers of the [`QuarterlyReturn`]: tidy CSV (one figure a row) and JSON.

use crate::money::Money;
use crate::returns::QuarterlyReturn;
use crate::verdict::Outcome;

use super::{LoadError, LoadErrorKind, LoadErrors};

/// The columns of [`write_return_csv`].
pub const RETURN_COLUMNS: [&str; 6] = ["quarter", "table", "row", "contributor", "measure", "value"];

fn write_error(what: &str) -> impl Fn(String) -> LoadErrors + '_ {
    move |e| {
        LoadErrors::one(LoadError::file(
            what,
            LoadErrorKind::Write,
            format!("cannot write: {e}"),
        ))
    }
}

/// The return as tidy CSV: one figure or verdict a row, with the columns
/// [`RETURN_COLUMNS`]. Tables are `stream` (row: the stream's id; measures
/// `allocation`, `income_to_date`, `budget`, `spend_to_date`, `forecast`,
/// `variance`, `balance_to_date`, in pounds exactly as computed),
/// `contingency` (row: the pool's line id; `opening`, `drawn_down`,
/// `released`, `savings_delivered`, `balance`), `condition` (row: the
/// national condition's key; measure `outcome`, value `MET`, `NOT MET` or
/// `CANNOT TELL`) and `metric` (row: the metric's key; measure `status`,
/// value as [`OnTrack::label`](crate::returns::OnTrack::label), and `why`
/// for one not assessed). Money is written exactly, never rounded.
///
/// ```
/// use bcf_model::contingency::ContingencyLedger;
/// use bcf_model::monitor::{monitor, Monitoring};
/// use bcf_model::returns::quarterly_return;
///
/// let plan = bcf_model::data::leicestershire::expenditure_plan()?.plan;
/// let ledger = ContingencyLedger::from_plan(&plan, "2017/18".parse()?)?;
/// let report = monitor(&plan, &ledger, &Monitoring::new("2017-06".parse()?))?;
/// let csv = bcf_model::io::write_return_csv(&quarterly_return(&plan, &report, &ledger)?)?;
/// assert!(csv.contains("2017/18 Q1,stream,dfg,lcc,income_to_date,837475.00\n"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// One [`LoadErrorKind::Write`] error if the CSV writer fails or its output
/// is not UTF-8 (it writes to memory, so neither happens in practice; the
/// error is passed on rather than hidden).
pub fn write_return_csv(ret: &QuarterlyReturn) -> Result<String, LoadErrors> {
    let fail = write_error("quarterly return");
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(RETURN_COLUMNS).map_err(|e| fail(e.to_string()))?;
    let quarter = ret.quarter.to_string();
    let mut row = |table: &str, id: &str, contributor: &str, measure: &str, value: &str| {
        w.write_record([quarter.as_str(), table, id, contributor, measure, value])
            .map_err(|e| fail(e.to_string()))
    };
    let money = |m: Money| m.pounds().to_string();
    for r in &ret.streams {
        for (measure, value) in [
            ("allocation", r.allocation),
            ("income_to_date", r.income_to_date),
            ("budget", r.budget),
            ("spend_to_date", r.spend_to_date),
            ("forecast", r.forecast),
            ("variance", r.variance),
            ("balance_to_date", r.balance_to_date),
        ] {
            row("stream", &r.stream, &r.contributor_id, measure, &money(value))?;
        }
    }
    for c in &ret.contingency {
        for (measure, value) in [
            ("opening", c.opening),
            ("drawn_down", c.drawn_down),
            ("released", c.released),
            ("savings_delivered", c.savings_delivered),
            ("balance", c.balance),
        ] {
            row("contingency", &c.line, &c.contributor_id, measure, &money(value))?;
        }
    }
    for c in &ret.conditions {
        // A check run for no national condition (a funding rule) is named by its condition.
        let key = c.national.clone().unwrap_or_else(|| c.condition.to_string());
        let outcome = match c.outcome {
            Outcome::Met => "MET",
            Outcome::NotMet => "NOT MET",
            Outcome::CannotTell => "CANNOT TELL",
        };
        row("condition", &key, "", "outcome", outcome)?;
    }
    for m in &ret.metrics {
        row("metric", &m.key, "", "status", &m.status.label())?;
        if let crate::returns::OnTrack::NotAssessed { why } = &m.status {
            row("metric", &m.key, "", "why", why)?;
        }
    }
    if let Some(why) = &ret.no_metric_set {
        row("metric", "", "", "no_metric_set", why)?;
    }
    let bytes = w.into_inner().map_err(|e| fail(e.to_string()))?;
    String::from_utf8(bytes).map_err(|e| fail(e.to_string()))
}

/// The return as JSON (pretty printed): its year, quarter, stream rows,
/// contingency pools, condition checks and metric statuses, money as exact
/// decimal strings of pounds.
///
/// ```
/// use bcf_model::contingency::ContingencyLedger;
/// use bcf_model::monitor::{monitor, Monitoring};
/// use bcf_model::returns::quarterly_return;
///
/// let plan = bcf_model::data::leicestershire::expenditure_plan()?.plan;
/// let ledger = ContingencyLedger::from_plan(&plan, "2017/18".parse()?)?;
/// let report = monitor(&plan, &ledger, &Monitoring::new("2017-06".parse()?))?;
/// let json = bcf_model::io::write_return_json(&quarterly_return(&plan, &report, &ledger)?)?;
/// assert!(json.contains("\"income_to_date\": \"837475.00\""));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// One [`LoadErrorKind::Write`] error if serialization fails (it does not
/// for a return; the error is passed on rather than hidden).
pub fn write_return_json(ret: &QuarterlyReturn) -> Result<String, LoadErrors> {
    serde_json::to_string_pretty(ret).map_err(|e| write_error("quarterly return")(e.to_string()))
}
