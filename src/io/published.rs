//! Reading a published BCF expenditure plan in its wide CSV layout: one row
//! per printed line, subtotal or funding row, one money column per
//! contributor and year plus a total column per year.
//!
//! ```text
//! section,subgroup,kind,name,asc_code,wl_ccg_2017_18,elr_ccg_2017_18,lcc_2017_18,total_2017_18,...
//! BCF1,,line,First Contact Plus,,93.6,71.2,0.0,164.8,...
//! BCF1,,total,Total Unified Prevention Offer,,93.6,71.2,0.0,164.8,...
//! FUNDING,,funding,DFG Allocation,,,,3349.9,3349.9,...
//! ```
//!
//! [`read_expenditure_plan`] returns the [`PublishedTable`] exactly as printed
//! (for footing checks) and the [`Plan`] its lines describe (for
//! reconciliation). The Leicestershire 2017-19 plan is embedded:
//!
//! ```
//! let p = bcf_model::data::leicestershire::expenditure_plan()?;
//! assert_eq!(p.plan.contributors().len(), 3);
//! assert_eq!(p.plan.programmes().len(), 11);
//! # Ok::<(), bcf_model::io::LoadErrors>(())
//! ```

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::{csv_error, LineCounter, LoadError, LoadErrorKind, LoadErrors};
use crate::calendar::FinancialYear;
use crate::money::{Money, PrintedFigure, Unit};
use crate::plan::{
    ContingencyDraft, ContingencyKind, ContributorKind, FundingSourceKind, Item, LineAttributes, LineDraft, LineFlag,
    Plan, PlanBuilder, PlanError,
};
use crate::published::{PublishedColumn, PublishedRow, PublishedTable, RowKind};

/// A published plan: the table as printed and the plan its lines describe.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublishedPlan {
    /// Every printed figure, for footing checks.
    pub table: PublishedTable,
    /// The plan built from the line and funding rows.
    pub plan: Plan,
}

/// How a contributor column prefix maps to a contributor.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContributorColumn {
    /// The column prefix, e.g. `wl_ccg` in `wl_ccg_2017_18`.
    pub prefix: String,
    /// The contributor's name.
    pub name: String,
    /// The contributor's kind.
    pub kind: ContributorKind,
}

/// When a [`FundingRule`] applies to a cell of a line row.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum RuleCondition {
    /// The row's sub-group contains this text (ignoring case).
    SubgroupContains(String),
    /// The row's name contains this text (ignoring case).
    NameContains(String),
    /// The cell's contributor is an NHS body.
    NhsContributor,
    /// The cell's contributor is not an NHS body.
    CouncilContributor,
}

/// Which funding source (or group) pays for a line cell. Published plans do
/// not say line by line; the rules say it for a layout, first match wins.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FundingRule {
    /// When it applies.
    pub when: RuleCondition,
    /// The funding source or group id it assigns.
    pub funding: String,
}

/// How to read a published expenditure plan.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExpenditurePlanLayout {
    /// The unit of the money columns.
    pub unit: Unit,
    /// Known contributor columns. Unknown prefixes become contributors named
    /// after the prefix, NHS if the prefix ends in `ccg` or `icb`.
    pub contributors: Vec<ContributorColumn>,
    /// Funding rules for line cells, first match wins.
    pub funding_rules: Vec<FundingRule>,
}

/// Reads a published expenditure plan from a file.
/// Only a regular file of at most
/// [`LoadOptions::DEFAULT_MAX_BYTES`](super::LoadOptions::DEFAULT_MAX_BYTES) is read.
pub fn read_expenditure_plan_file(path: &Path, layout: &ExpenditurePlanLayout) -> Result<PublishedPlan, LoadErrors> {
    let name = path.display().to_string();
    let bytes = super::read_file(path, &super::LoadOptions::default())?;
    let text = String::from_utf8(bytes).map_err(|e| {
        LoadErrors::one(LoadError::file(
            &name,
            LoadErrorKind::Encoding,
            format!(
                "not UTF-8 text (invalid byte at offset {})",
                e.utf8_error().valid_up_to()
            ),
        ))
    })?;
    read_expenditure_plan(&name, &text, layout)
}

const FIXED_COLUMNS: [&str; 5] = ["section", "subgroup", "kind", "name", "asc_code"];

/// Reads a published expenditure plan from CSV text named `source` (for
/// error messages). Every bad cell is reported, with its line, column and
/// value; the plan is built only if there are none.
pub fn read_expenditure_plan(
    source: &str,
    text: &str,
    layout: &ExpenditurePlanLayout,
) -> Result<PublishedPlan, LoadErrors> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut errors: Vec<LoadError> = Vec::new();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers = match reader.headers() {
        Ok(h) => h.clone(),
        Err(e) => return Err(LoadErrors::one(csv_error(source, &e, &mut LineCounter::new(text)))),
    };
    if headers.is_empty() || (headers.len() == 1 && headers.get(0).is_some_and(|h| h.trim().is_empty())) {
        return Err(LoadErrors::one(LoadError::file(
            source,
            LoadErrorKind::Layout,
            "the file is empty",
        )));
    }
    for (i, expected) in FIXED_COLUMNS.iter().enumerate() {
        let got = headers.get(i).unwrap_or("");
        if got.trim() != *expected {
            errors.push(
                LoadError::cell(
                    source,
                    1,
                    &column_name(i),
                    got,
                    format!("expected the column {expected:?}"),
                )
                .with_kind(LoadErrorKind::Layout),
            );
        }
    }
    // Money columns: <prefix>_<yyyy>_<yy>
    let mut columns: Vec<PublishedColumn> = Vec::new();
    let mut seen: std::collections::HashMap<(Option<String>, FinancialYear), usize> = std::collections::HashMap::new();
    for (i, h) in headers.iter().enumerate().skip(FIXED_COLUMNS.len()) {
        match parse_money_column(h) {
            Some((prefix, year)) => {
                let contributor = if prefix == "total" { None } else { Some(prefix) };
                let first = *seen.entry((contributor.clone(), year)).or_insert(columns.len());
                if first != columns.len() {
                    errors.push(LoadError::cell(
                        source,
                        1,
                        &column_name(i),
                        h,
                        format!(
                            "this money column is given twice (first as column {}): each contributor and year has one column",
                            first + FIXED_COLUMNS.len() + 1
                        ),
                    )
                    .with_kind(LoadErrorKind::Layout));
                }
                columns.push(PublishedColumn {
                    key: h.to_string(),
                    year,
                    contributor,
                });
            }
            None => errors.push(
                LoadError::cell(
                    source,
                    1,
                    &column_name(i),
                    h,
                    "expected a money column named <contributor>_<yyyy>_<yy> or total_<yyyy>_<yy>".to_string(),
                )
                .with_kind(LoadErrorKind::Layout),
            ),
        }
    }
    if columns.is_empty() && errors.is_empty() {
        errors.push(LoadError::file(source, LoadErrorKind::Layout, "no money columns"));
    }
    if !errors.is_empty() {
        return Err(LoadErrors::new(errors));
    }

    let mut rows: Vec<PublishedRow> = Vec::new();
    for item in crate::io::numbered_records(source, text, &mut reader) {
        let (line, record) = match item {
            Ok(numbered) => numbered,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        if record.len() != headers.len() {
            errors.push(
                LoadError::cell(
                    source,
                    line,
                    "(row)",
                    &format!("{} fields", record.len()),
                    format!("expected {} fields as in the header", headers.len()),
                )
                .with_kind(LoadErrorKind::Syntax),
            );
            continue;
        }
        let field = |i: usize| record.get(i).unwrap_or("").trim();
        let kind = match field(2) {
            "line" => Some(RowKind::Line),
            "total" => Some(RowKind::Total),
            "funding" => Some(RowKind::Funding),
            other => {
                errors.push(LoadError::cell(
                    source,
                    line,
                    "kind",
                    other,
                    "expected line, total or funding".to_string(),
                ));
                None
            }
        };
        let name = field(3);
        if name.is_empty() {
            errors.push(LoadError::cell(
                source,
                line,
                "name",
                "",
                "a row needs a name".to_string(),
            ));
        }
        let mut cells = Vec::with_capacity(columns.len());
        for (j, col) in columns.iter().enumerate() {
            let raw = field(FIXED_COLUMNS.len() + j);
            if raw.is_empty() {
                cells.push(None);
                continue;
            }
            match Money::parse_printed(raw, layout.unit) {
                Ok(p) => cells.push(Some(p)),
                Err(e) => {
                    errors.push(LoadError::cell(source, line, &col.key, raw, e.kind.to_string()));
                    cells.push(None);
                }
            }
        }
        if let Some(kind) = kind {
            let opt = |s: &str| if s.is_empty() { None } else { Some(s.to_string()) };
            rows.push(PublishedRow {
                line,
                section: field(0).to_string(),
                subgroup: opt(field(1)),
                kind,
                name: name.to_string(),
                code: opt(field(4)),
                cells,
            });
        }
    }
    if rows.is_empty() && errors.is_empty() {
        errors.push(LoadError::file(
            source,
            LoadErrorKind::Layout,
            "no rows after the header",
        ));
    }
    if !errors.is_empty() {
        return Err(LoadErrors::new(errors));
    }
    let table = PublishedTable {
        source: source.to_string(),
        unit: layout.unit,
        columns,
        rows,
    };
    let plan = plan_from_table(&table, layout)?;
    Ok(PublishedPlan { table, plan })
}

fn column_name(i: usize) -> String {
    FIXED_COLUMNS
        .get(i)
        .map(|s| s.to_string())
        .unwrap_or_else(|| format!("column {}", i + 1))
}

/// `wl_ccg_2017_18` -> (`wl_ccg`, 2017/18)
fn parse_money_column(h: &str) -> Option<(String, FinancialYear)> {
    let h = h.trim();
    let (rest, yy) = h.rsplit_once('_')?;
    let (prefix, yyyy) = rest.rsplit_once('_')?;
    if prefix.is_empty() {
        return None;
    }
    let year: FinancialYear = format!("{yyyy}/{yy}").parse().ok()?;
    Some((prefix.to_string(), year))
}

fn source_kind(name: &str) -> FundingSourceKind {
    let n = name.to_ascii_lowercase();
    if n.contains("dfg") || n.contains("disabled facilities") {
        FundingSourceKind::Dfg
    } else if n.contains("ibcf") && (n.contains("2015") || n.contains("spending review")) {
        FundingSourceKind::IbcfSpendingReview2015
    } else if n.contains("ibcf") {
        FundingSourceKind::IbcfSpringBudget2017
    } else if n.contains("minimum") {
        FundingSourceKind::NhsMinimum
    } else if n.contains("additional") && (n.contains("ccg") || n.contains("nhs") || n.contains("icb")) {
        FundingSourceKind::NhsAdditional
    } else if n.contains("winter") {
        FundingSourceKind::WinterPressures
    } else if n.contains("discharge") {
        FundingSourceKind::DischargeFund
    } else {
        FundingSourceKind::Custom(name.to_string())
    }
}

fn source_id(kind: &FundingSourceKind, name: &str) -> String {
    match kind {
        FundingSourceKind::NhsMinimum => "nhs_minimum".into(),
        FundingSourceKind::NhsAdditional => "nhs_additional".into(),
        FundingSourceKind::Dfg => "dfg".into(),
        FundingSourceKind::IbcfSpringBudget2017 => "ibcf_spring_2017".into(),
        FundingSourceKind::IbcfSpendingReview2015 => "ibcf_sr_2015".into(),
        FundingSourceKind::WinterPressures => "winter_pressures".into(),
        FundingSourceKind::AdditionalLa => "additional_la".into(),
        FundingSourceKind::DischargeFund => "discharge_fund".into(),
        FundingSourceKind::Custom(_) => name
            .to_ascii_lowercase()
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect(),
    }
}

fn contingency_kind(name: &str) -> ContingencyKind {
    let n = name.to_ascii_lowercase();
    if n.contains("risk pool") {
        ContingencyKind::RiskPool
    } else if n.contains("cost improvement") {
        ContingencyKind::CostImprovementTarget
    } else if n.contains("contingency") {
        ContingencyKind::Contingency
    } else {
        ContingencyKind::Other(name.to_string())
    }
}

fn programme_name(total_row: &str) -> String {
    let t = total_row.trim();
    for prefix in ["Total ", "Sub Total "] {
        if let Some(rest) = t.strip_prefix(prefix) {
            return rest.to_string();
        }
    }
    t.to_string()
}

fn contains_ci(haystack: &str, needle: &str) -> bool {
    haystack.to_ascii_lowercase().contains(&needle.to_ascii_lowercase())
}

/// Where each item given to the plan builder was read from: its file line
/// and column (a money column's key, or `name` for a row), and the text
/// there.
#[derive(Default)]
struct Origins {
    contributors: Vec<(u64, String)>,
    sources: Vec<u64>,
    allocations: Vec<(u64, String, String)>,
    programmes: Vec<u64>,
    lines: Vec<u64>,
    line_amounts: Vec<Vec<(u64, String, String)>>,
    contingency: Vec<u64>,
    contingency_amounts: Vec<Vec<(u64, String, String)>>,
}

impl Origins {
    /// The file line, column and value a plan error points at.
    fn locate(&self, e: &PlanError) -> (Option<u64>, String, String) {
        let row = |v: &Vec<u64>, i: usize| v.get(i).copied();
        let cell = |v: &Vec<Vec<(u64, String, String)>>, i: usize, j: usize| v.get(i).and_then(|r| r.get(j)).cloned();
        let named = |line: Option<u64>| (line, "name".to_string(), e.value.clone());
        let found = match e.item {
            Item::Contributor(i) => self
                .contributors
                .get(i)
                .map(|(l, c)| (Some(*l), c.clone(), e.value.clone())),
            Item::Source(i) => Some(named(row(&self.sources, i))),
            Item::Allocation(i) => self
                .allocations
                .get(i)
                .map(|(l, c, v)| (Some(*l), c.clone(), v.clone())),
            Item::Programme(i) => Some((row(&self.programmes, i), "section".into(), e.value.clone())),
            Item::Line(i) => Some(named(row(&self.lines, i))),
            Item::LineAmount(i, j) => cell(&self.line_amounts, i, j).map(|(l, c, v)| (Some(l), c, v)),
            Item::Contingency(i) => Some(named(row(&self.contingency, i))),
            Item::ContingencyAmount(i, j) => cell(&self.contingency_amounts, i, j).map(|(l, c, v)| (Some(l), c, v)),
            Item::Plan | Item::Year(_) | Item::Group(_) | Item::Member(..) => None,
        };
        found.unwrap_or_else(|| (None, "(file)".to_string(), e.value.clone()))
    }
}

/// Builds the plan the table's line and funding rows describe. Every error
/// the plan builder finds is reported on the line and column it was read
/// from.
fn plan_from_table(table: &PublishedTable, layout: &ExpenditurePlanLayout) -> Result<Plan, LoadErrors> {
    let mut b: PlanBuilder = Plan::builder(table.source.clone());
    let mut at = Origins::default();
    for y in table.years() {
        b = b.year(y);
    }
    // Contributors, in column order.
    let mut kinds: Vec<(String, ContributorKind)> = Vec::new();
    for col in &table.columns {
        let Some(prefix) = &col.contributor else { continue };
        if kinds.iter().any(|(p, _)| p == prefix) {
            continue;
        }
        let known = layout.contributors.iter().find(|c| &c.prefix == prefix);
        let (name, kind) = match known {
            Some(c) => (c.name.clone(), c.kind),
            None if prefix.ends_with("ccg") => (prefix.clone(), ContributorKind::Ccg),
            None if prefix.ends_with("icb") => (prefix.clone(), ContributorKind::Icb),
            None => (prefix.clone(), ContributorKind::Other),
        };
        b = b.contributor(prefix, &name, kind);
        at.contributors.push((1, col.key.clone()));
        kinds.push((prefix.clone(), kind));
    }
    let figure_text = |fig: &PrintedFigure| fig.value.format(&fig.precision.format());
    // Funding sources from the funding rows, and allocations.
    let mut source_ids: Vec<(String, FundingSourceKind)> = Vec::new();
    for row in table.rows.iter().filter(|r| r.kind == RowKind::Funding) {
        let kind = source_kind(&row.name);
        let id = source_id(&kind, &row.name);
        if !source_ids.iter().any(|(s, _)| s == &id) {
            b = b.source(&id, &row.name, kind.clone());
            at.sources.push(row.line);
            source_ids.push((id.clone(), kind));
        }
        for (col, cell) in table.columns.iter().zip(&row.cells) {
            if let (Some(c), Some(fig)) = (&col.contributor, cell) {
                b = b.printed_allocation(&id, c, col.year, *fig);
                at.allocations.push((row.line, col.key.clone(), figure_text(fig)));
            }
        }
    }
    let ibcf: Vec<&str> = source_ids
        .iter()
        .filter(|(_, k)| k.is_ibcf())
        .map(|(s, _)| s.as_str())
        .collect();
    if !ibcf.is_empty() {
        b = b.group("ibcf", "iBCF (all grants)", &ibcf);
    }
    // Programmes, in order of first appearance, named after their total
    // rows: one pass over the rows.
    let mut programmes: Vec<(&str, u64, Option<String>)> = Vec::new();
    let mut programme_of: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for row in &table.rows {
        let s = row.section.as_str();
        if !s.to_ascii_uppercase().starts_with("BCF") {
            continue;
        }
        let i = *programme_of.entry(s).or_insert_with(|| {
            programmes.push((s, row.line, None));
            programmes.len() - 1
        });
        if row.kind == RowKind::Total && row.subgroup.is_none() {
            if let Some((_, _, name @ None)) = programmes.get_mut(i) {
                *name = Some(programme_name(&row.name));
            }
        }
    }
    for (section, line, name) in &programmes {
        b = b.programme(section, name.as_deref().unwrap_or(section));
        at.programmes.push(*line);
    }
    let mut errors = Vec::new();
    let funding_for = |row: &PublishedRow, contributor: &str| -> Option<String> {
        let nhs = kinds
            .iter()
            .find(|(p, _)| p == contributor)
            .is_some_and(|(_, k)| k.is_nhs());
        layout
            .funding_rules
            .iter()
            .find(|r| match &r.when {
                RuleCondition::SubgroupContains(t) => row.subgroup.as_deref().is_some_and(|g| contains_ci(g, t)),
                RuleCondition::NameContains(t) => contains_ci(&row.name, t),
                RuleCondition::NhsContributor => nhs,
                RuleCondition::CouncilContributor => !nhs,
            })
            .map(|r| r.funding.clone())
    };
    let mut ordinal: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
    for row in table.rows.iter().filter(|r| r.kind == RowKind::Line) {
        let n = ordinal.entry(row.section.as_str()).or_insert(0);
        *n += 1;
        let id = format!("{}.{}", row.section, n);
        let mut amounts = Vec::new();
        let mut origins = Vec::new();
        let is_contingency = row.section.eq_ignore_ascii_case("CONTINGENCY");
        let kind = contingency_kind(&row.name);
        for (col, cell) in table.columns.iter().zip(&row.cells) {
            let (Some(c), Some(fig)) = (&col.contributor, cell) else {
                continue;
            };
            match funding_for(row, c) {
                Some(f) => {
                    amounts.push((c.clone(), col.year, f, *fig));
                    origins.push((row.line, col.key.clone(), figure_text(fig)));
                }
                None => errors.push(LoadError::cell(
                    &table.source,
                    row.line,
                    &col.key,
                    &figure_text(fig),
                    "no funding rule matches this cell".to_string(),
                )),
            }
        }
        if is_contingency {
            let mut d = ContingencyDraft::new(id, row.name.clone(), kind);
            for (c, y, f, fig) in &amounts {
                d = d.printed(c, *y, f, *fig);
            }
            b = b.contingency(d);
            at.contingency.push(row.line);
            at.contingency_amounts.push(origins);
        } else {
            let mut attributes = LineAttributes {
                ibcf_code: row.code.clone(),
                subgroup: row.subgroup.clone(),
                ..LineAttributes::default()
            };
            if contains_ci(&row.name, "(NHS protected)") {
                attributes.flags.insert(LineFlag::NhsProtected);
            }
            let mut d = LineDraft::new(id, row.section.clone(), row.name.clone()).attributes(attributes);
            for (c, y, f, fig) in &amounts {
                d = d.printed(c, *y, f, *fig);
            }
            b = b.line(d);
            at.lines.push(row.line);
            at.line_amounts.push(origins);
        }
    }
    match b.build() {
        Ok(plan) if errors.is_empty() => Ok(plan),
        Ok(_) => Err(LoadErrors::new(errors)),
        Err(e) => {
            for pe in e.into_vec() {
                let (line, column, value) = at.locate(&pe);
                let mut error = LoadError::plan(&table.source, line, Some(column), &pe);
                error.value = Some(value);
                errors.push(error);
            }
            errors.sort_by_key(|e| e.line);
            Err(LoadErrors::new(errors))
        }
    }
}
