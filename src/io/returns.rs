//! Writers of the [`QuarterlyReturn`], the [`YearEndReturn`] and the
//! [`EndOfYearReconciliation`]: tidy CSV (one figure a row) and JSON.

use crate::money::Money;
use crate::returns::{EndOfYearReconciliation, QuarterlyReturn, YearEndReturn};
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
/// for one not assessed). With the iBCF measures
/// ([`QuarterlyReturn::with_ibcf_measures`]): `ibcf_line` (row: the line
/// id; measures `purpose`, the [`IbcfPurpose`](crate::returns::IbcfPurpose)
/// key, and `spend_to_date`), `ibcf_purpose` (row: the purpose's key;
/// `spend_to_date`, `share` as the exact fraction `spend/whole` of the iBCF
/// spend to date, and `share_percent` where that fraction is an exact
/// decimal percentage; no share with no iBCF spend) and `ibcf_fee_uplift`
/// (row: `home_care`, `residential` or `nursing`, where reported; measure
/// `uplift_percent`). Money is written exactly, never rounded.
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
        row("condition", &key, "", "outcome", outcome_word(c.outcome))?;
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
    if let Some(ibcf) = &ret.ibcf {
        for l in &ibcf.lines {
            row("ibcf_line", &l.line, &l.contributor_id, "purpose", l.purpose.key())?;
            row(
                "ibcf_line",
                &l.line,
                &l.contributor_id,
                "spend_to_date",
                &money(l.spend_to_date),
            )?;
        }
        for p in &ibcf.purposes {
            let key = p.purpose.key();
            row("ibcf_purpose", key, "", "spend_to_date", &money(p.spend_to_date))?;
            if let Some(share) = &p.share {
                row(
                    "ibcf_purpose",
                    key,
                    "",
                    "share",
                    &format!("{}/{}", share.spend().pounds(), share.whole().pounds()),
                )?;
                if let Some(exact) = share.exact() {
                    row("ibcf_purpose", key, "", "share_percent", &exact.points().to_string())?;
                }
            }
        }
        for (key, uplift) in ibcf.fee_uplifts.entries() {
            if let Some(u) = uplift {
                row("ibcf_fee_uplift", key, "", "uplift_percent", &u.points().to_string())?;
            }
        }
    }
    let bytes = w.into_inner().map_err(|e| fail(e.to_string()))?;
    String::from_utf8(bytes).map_err(|e| fail(e.to_string()))
}

/// The return as JSON (pretty printed): its year, quarter, stream rows,
/// contingency pools, condition checks, metric statuses and iBCF measures
/// (`ibcf`, `null` without them; a share as its exact `spend` and `whole`
/// and, where it is one, its `exact` percentage), money as exact
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

/// The columns of [`write_year_end_csv`].
pub const YEAR_END_COLUMNS: [&str; 6] = ["year", "table", "row", "contributor", "measure", "value"];

fn outcome_word(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Met => "MET",
        Outcome::NotMet => "NOT MET",
        Outcome::CannotTell => "CANNOT TELL",
    }
}

/// The year-end return as tidy CSV: one figure or verdict a row, with the
/// columns [`YEAR_END_COLUMNS`], as [`write_return_csv`] writes the
/// quarterly return. Tables are `stream` (row: the stream's id; measures
/// `allocation`, `planned`, `budget`, `outturn`, `variance`, `carried`,
/// `released`), `overspend` (row: the stage, a waterfall step's name or
/// `risk share`; contributor: who met it, a contributor's id or `pooled
/// fund`; measure `met`), `summary` (measures `overspend`,
/// `undelivered_savings`, `unallocated`, `planning_mode`) and `condition`
/// (row: the national condition's key; measure `outcome`). Money is in
/// pounds exactly as computed, never rounded.
///
/// ```
/// use bcf_model::contingency::ContingencyLedger;
/// use bcf_model::monitor::{monitor, year_end, CarryForwardRule, Forecast, MissingActuals, Monitoring, OutturnBasis};
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
/// let csv = bcf_model::io::write_year_end_csv(&ret)?;
/// assert!(csv.contains("2017/18,stream,dfg,lcc,outturn,3349900"), "{csv}");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// One [`LoadErrorKind::Write`] error if the CSV writer fails or its output
/// is not UTF-8 (it writes to memory, so neither happens in practice).
pub fn write_year_end_csv(ret: &YearEndReturn) -> Result<String, LoadErrors> {
    let fail = write_error("year-end return");
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(YEAR_END_COLUMNS).map_err(|e| fail(e.to_string()))?;
    let year = ret.year.to_string();
    let mut row = |table: &str, id: &str, contributor: &str, measure: &str, value: &str| {
        w.write_record([year.as_str(), table, id, contributor, measure, value])
            .map_err(|e| fail(e.to_string()))
    };
    let money = |m: Money| m.pounds().to_string();
    for r in &ret.streams {
        for (measure, value) in [
            ("allocation", r.allocation),
            ("planned", r.planned),
            ("budget", r.budget),
            ("outturn", r.outturn),
            ("variance", r.variance),
            ("carried", r.carried),
            ("released", r.released),
        ] {
            row("stream", &r.stream, &r.contributor_id, measure, &money(value))?;
        }
    }
    for m in &ret.met {
        row("overspend", &m.stage_name, &m.bearer_id, "met", &money(m.amount))?;
    }
    row("summary", "", "", "overspend", &money(ret.overspend))?;
    row(
        "summary",
        "",
        "",
        "undelivered_savings",
        &money(ret.undelivered_savings),
    )?;
    row("summary", "", "", "unallocated", &money(ret.unallocated))?;
    if let Some(mode) = &ret.planning_mode {
        row("summary", "", "", "planning_mode", mode)?;
    }
    for c in &ret.conditions {
        let key = c.national.clone().unwrap_or_else(|| c.condition.to_string());
        row("condition", &key, "", "outcome", outcome_word(c.outcome))?;
    }
    let bytes = w.into_inner().map_err(|e| fail(e.to_string()))?;
    String::from_utf8(bytes).map_err(|e| fail(e.to_string()))
}

/// The year-end return as JSON (pretty printed): its year, bases, line and
/// stream rows, the overspend and where it was met, and the condition
/// checks, money as exact decimal strings of pounds.
///
/// # Errors
///
/// One [`LoadErrorKind::Write`] error if serialization fails (it does not
/// for a return; the error is passed on rather than hidden).
pub fn write_year_end_json(ret: &YearEndReturn) -> Result<String, LoadErrors> {
    serde_json::to_string_pretty(ret).map_err(|e| write_error("year-end return")(e.to_string()))
}

/// The end-of-year reconciliation as tidy CSV, columns
/// [`YEAR_END_COLUMNS`]: tables `condition` (row: the national condition's
/// key; measure `outcome`), `mandatory` (row: the source's key,
/// `nhs_minimum`, `ibcf` or `dfg`; measures `allocation`, `agreed`,
/// `spend`), `other` (measure `spend`), `social_care` (row: the line id;
/// measures `agreed`, `spend`) and `summary` (measure `planning_mode`).
///
/// # Errors
///
/// One [`LoadErrorKind::Write`] error if the CSV writer fails or its output
/// is not UTF-8 (it writes to memory, so neither happens in practice).
pub fn write_reconciliation_csv(form: &EndOfYearReconciliation) -> Result<String, LoadErrors> {
    let fail = write_error("end-of-year reconciliation");
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(YEAR_END_COLUMNS).map_err(|e| fail(e.to_string()))?;
    let year = form.year.to_string();
    let mut row = |table: &str, id: &str, contributor: &str, measure: &str, value: &str| {
        w.write_record([year.as_str(), table, id, contributor, measure, value])
            .map_err(|e| fail(e.to_string()))
    };
    let money = |m: Money| m.pounds().to_string();
    if let Some(mode) = &form.planning_mode {
        row("summary", "", "", "planning_mode", mode)?;
    }
    for c in &form.conditions {
        let key = c.national.clone().unwrap_or_else(|| c.condition.to_string());
        row("condition", &key, "", "outcome", outcome_word(c.outcome))?;
    }
    for m in &form.mandatory {
        for (measure, value) in [("allocation", m.allocation), ("agreed", m.agreed), ("spend", m.spend)] {
            row("mandatory", m.source.key(), &m.contributor_id, measure, &money(value))?;
        }
    }
    row("other", "", "", "spend", &money(form.other_spend))?;
    for s in &form.social_care {
        row("social_care", &s.line, &s.contributor_id, "agreed", &money(s.agreed))?;
        row("social_care", &s.line, &s.contributor_id, "spend", &money(s.spend))?;
    }
    let bytes = w.into_inner().map_err(|e| fail(e.to_string()))?;
    String::from_utf8(bytes).map_err(|e| fail(e.to_string()))
}

/// The end-of-year reconciliation as JSON (pretty printed).
///
/// # Errors
///
/// One [`LoadErrorKind::Write`] error if serialization fails (it does not
/// for a form; the error is passed on rather than hidden).
pub fn write_reconciliation_json(form: &EndOfYearReconciliation) -> Result<String, LoadErrors> {
    serde_json::to_string_pretty(form).map_err(|e| write_error("end-of-year reconciliation")(e.to_string()))
}
