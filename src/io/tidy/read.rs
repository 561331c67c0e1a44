//! The reference reader: tidy rows into a plan document, row by row, with
//! where each item came from, then through the plan builder.

use std::collections::BTreeMap;

use super::keywords::{commissioner, flag};
use super::row::Row;
use super::{
    AMOUNT, CONTRIBUTOR, FUNDING, HEADER, HEADER_WITHOUT_PRECISION, ID, KIND, NAME, PRECISION, PROGRAMME, YEAR,
};
use crate::io::json::{AllocationDocument, ContingencyDocument, LineDocument, PlanDocument, FORMAT};
use crate::io::{LoadError, LoadErrorKind, LoadErrors};
use crate::plan::{
    Contributor, Field, FundingGroup, FundingSource, Item, LineAttributes, NewOrExisting, Plan, Programme,
};

const RECORDS: &str =
    "plan, year, contributor, source, group, member, allocation, programme, line, attribute or contingency";

/// Checks the header: the nine columns `record` to `amount`, then
/// optionally `precision` (files written before amounts had their own
/// precision have nine). Returns the number of columns.
pub(super) fn check_header(source: &str, headers: &csv::StringRecord) -> Result<usize, LoadErrors> {
    let mut errors = Vec::new();
    let header_text = HEADER.join(",");
    for (i, expected) in HEADER.iter().enumerate().take(HEADER_WITHOUT_PRECISION) {
        match headers.get(i) {
            Some(got) if got.trim().eq_ignore_ascii_case(expected) => {}
            Some(got) => errors.push(
                LoadError::cell(
                    source,
                    1,
                    &format!("column {}", i + 1),
                    got,
                    format!("expected the column {expected:?} (the header is {header_text})"),
                )
                .with_kind(LoadErrorKind::Layout),
            ),
            None => errors.push(
                LoadError::cell(
                    source,
                    1,
                    expected,
                    "",
                    format!("the column {expected:?} is missing (the header is {header_text})"),
                )
                .with_kind(LoadErrorKind::Layout),
            ),
        }
    }
    for (i, extra) in headers.iter().enumerate().skip(HEADER_WITHOUT_PRECISION) {
        let is_precision = i == PRECISION && extra.trim().eq_ignore_ascii_case("precision");
        if !is_precision {
            errors.push(LoadError::cell(
                source,
                1,
                &format!("column {}", i + 1),
                extra,
                format!(
                    "unexpected column: {} columns where 9 or 10 are expected ({header_text}; precision may be left out)",
                    headers.len()
                ),
            )
            .with_kind(LoadErrorKind::Layout));
            break;
        }
    }
    if errors.is_empty() {
        Ok(headers.len())
    } else {
        Err(LoadErrors::new(errors))
    }
}

/// Where each item of the document was read from (file lines).
#[derive(Default)]
struct Lines {
    years: Vec<u64>,
    contributors: Vec<u64>,
    sources: Vec<u64>,
    groups: Vec<u64>,
    members: Vec<Vec<u64>>,
    allocations: Vec<u64>,
    programmes: Vec<u64>,
    lines: Vec<u64>,
    line_amounts: Vec<Vec<u64>>,
    contingency: Vec<u64>,
    contingency_amounts: Vec<Vec<u64>>,
}

impl Lines {
    fn of(&self, item: Item) -> Option<u64> {
        let nested = |v: &Vec<Vec<u64>>, i: usize, j: usize| v.get(i).and_then(|r| r.get(j)).copied();
        match item {
            Item::Plan => None,
            Item::Year(i) => self.years.get(i).copied(),
            Item::Contributor(i) => self.contributors.get(i).copied(),
            Item::Source(i) => self.sources.get(i).copied(),
            Item::Group(i) => self.groups.get(i).copied(),
            Item::Member(i, j) => nested(&self.members, i, j),
            Item::Allocation(i) => self.allocations.get(i).copied(),
            Item::Programme(i) => self.programmes.get(i).copied(),
            Item::Line(i) => self.lines.get(i).copied(),
            Item::LineAmount(i, j) => nested(&self.line_amounts, i, j),
            Item::Contingency(i) => self.contingency.get(i).copied(),
            Item::ContingencyAmount(i, j) => nested(&self.contingency_amounts, i, j),
        }
    }
}

/// The column an item's field was read from.
fn column_of(item: Item, field: Field) -> &'static str {
    match (item, field) {
        (Item::Year(_), _) => "year",
        (Item::Member(..), _) => "funding",
        (_, Field::Whole | Field::Attributes) => "(row)",
        (_, field) => field.name().unwrap_or("(row)"),
    }
}

/// A tidy file being read into a [`PlanDocument`], with where each item
/// came from and every error so far.
pub(super) struct Reading<'a> {
    source: &'a str,
    /// The number of columns of the file (9, or 10 with `precision`).
    width: usize,
    pub(super) doc: PlanDocument,
    at: Lines,
    plan_line: Option<u64>,
    line_ix: BTreeMap<String, usize>,
    contingency_ix: BTreeMap<String, usize>,
    members: Vec<(u64, String, String)>,
    attributes: Vec<(u64, String, String, String)>,
    rows: usize,
    pub(super) errors: Vec<LoadError>,
}

impl<'a> Reading<'a> {
    pub(super) fn new(source: &'a str, width: usize) -> Reading<'a> {
        Reading {
            source,
            width,
            doc: PlanDocument {
                format: FORMAT.to_string(),
                name: String::new(),
                input_precision: None,
                years: Vec::new(),
                contributors: Vec::new(),
                sources: Vec::new(),
                groups: Vec::new(),
                allocations: Vec::new(),
                programmes: Vec::new(),
                lines: Vec::new(),
                contingency: Vec::new(),
            },
            at: Lines::default(),
            plan_line: None,
            line_ix: BTreeMap::new(),
            contingency_ix: BTreeMap::new(),
            members: Vec::new(),
            attributes: Vec::new(),
            rows: 0,
            errors: Vec::new(),
        }
    }

    /// Reads one row, found at file line `line`.
    pub(super) fn record(&mut self, line: u64, cells: Vec<&str>) {
        let Reading {
            source,
            width,
            doc,
            at,
            plan_line,
            line_ix,
            contingency_ix,
            members,
            attributes,
            rows,
            errors,
        } = self;
        let source: &str = source;
        if cells.iter().all(|f| f.trim().is_empty()) {
            return;
        }
        *rows = rows.saturating_add(1);
        if cells.len() != *width {
            errors.push(
                LoadError::cell(
                    source,
                    line,
                    "(row)",
                    &format!("{} fields", cells.len()),
                    format!("expected {width} fields as in the header (a truncated row, or an unclosed quote?)"),
                )
                .with_kind(LoadErrorKind::Syntax),
            );
            return;
        }
        let mut row = Row {
            source,
            line,
            cells,
            errors,
        };
        let kind = row.raw(0).trim().to_ascii_lowercase();
        match kind.as_str() {
            "plan" => {
                row.blank_except(&[NAME, KIND], "plan");
                if let Some(first) = *plan_line {
                    row.layout_error(
                        "record",
                        &format!("the plan row is given twice (first at line {first})"),
                    );
                } else {
                    *plan_line = Some(line);
                    doc.name = row.raw(NAME).to_string();
                    doc.input_precision = row.precision();
                }
            }
            "year" => {
                row.blank_except(&[YEAR], "year");
                if let Some(y) = row.year() {
                    doc.years.push(y);
                    at.years.push(line);
                }
            }
            "contributor" => {
                row.blank_except(&[ID, NAME, KIND], "contributor");
                let (id, kind) = (row.id(), row.contributor_kind());
                if let (Some(id), Some(kind)) = (id, kind) {
                    doc.contributors.push(Contributor {
                        id,
                        name: row.raw(NAME).to_string(),
                        kind,
                    });
                    at.contributors.push(line);
                }
            }
            "source" => {
                row.blank_except(&[ID, NAME, KIND], "source");
                let (id, kind) = (row.id(), row.source_kind());
                if let (Some(id), Some(kind)) = (id, kind) {
                    doc.sources.push(FundingSource {
                        id,
                        name: row.raw(NAME).to_string(),
                        kind,
                    });
                    at.sources.push(line);
                }
            }
            "group" => {
                row.blank_except(&[ID, NAME], "group");
                if let Some(id) = row.id() {
                    doc.groups.push(FundingGroup {
                        id,
                        name: row.raw(NAME).to_string(),
                        members: Vec::new(),
                    });
                    at.groups.push(line);
                    at.members.push(Vec::new());
                }
            }
            "member" => {
                row.blank_except(&[ID, FUNDING], "member");
                let (id, funding) = (row.id(), row.required(FUNDING, "a funding source id"));
                if let (Some(id), Some(funding)) = (id, funding) {
                    members.push((line, id, funding));
                }
            }
            "allocation" => {
                row.blank_except(&[CONTRIBUTOR, YEAR, FUNDING, AMOUNT, PRECISION], "allocation");
                let contributor = row.required(CONTRIBUTOR, "a contributor id");
                let year = row.year();
                let funding = row.required(FUNDING, "a funding source id");
                let amount = row.amount();
                if let (Some(contributor), Some(year), Some(source), Some((amount, precision))) =
                    (contributor, year, funding, amount)
                {
                    doc.allocations.push(AllocationDocument {
                        source,
                        contributor,
                        year,
                        amount,
                        precision,
                    });
                    at.allocations.push(line);
                }
            }
            "programme" => {
                row.blank_except(&[ID, NAME], "programme");
                if let Some(id) = row.id() {
                    doc.programmes.push(Programme {
                        id,
                        name: row.raw(NAME).to_string(),
                    });
                    at.programmes.push(line);
                }
            }
            "line" => {
                row.blank_except(
                    &[ID, NAME, PROGRAMME, CONTRIBUTOR, YEAR, FUNDING, AMOUNT, PRECISION],
                    "line",
                );
                let id = row.id();
                let amount = row.line_amount();
                // A line whose amount cannot be read is still a line: its
                // attribute rows name it, and are not also errors.
                let Some(id) = id else {
                    return;
                };
                let (name, programme) = (row.raw(NAME), row.raw(PROGRAMME));
                let i = match line_ix.get(&id) {
                    Some(&i) => {
                        if let (Some(l), Some(first)) = (doc.lines.get(i), at.lines.get(i)) {
                            if l.name != name {
                                row.error_at(
                                    "name",
                                    name,
                                    &format!("line {id:?} is named {:?} at line {first}", l.name),
                                );
                            }
                            if l.programme != programme {
                                row.error_at(
                                    "programme",
                                    programme,
                                    &format!("line {id:?} is in programme {:?} at line {first}", l.programme),
                                );
                            }
                        }
                        i
                    }
                    None => {
                        let i = doc.lines.len();
                        doc.lines.push(LineDocument {
                            id: id.clone(),
                            programme: programme.to_string(),
                            name: name.to_string(),
                            attributes: LineAttributes::default(),
                            amounts: Vec::new(),
                        });
                        at.lines.push(line);
                        at.line_amounts.push(Vec::new());
                        line_ix.insert(id, i);
                        i
                    }
                };
                if let (Some(Some(a)), Some(l), Some(ls)) = (amount, doc.lines.get_mut(i), at.line_amounts.get_mut(i)) {
                    l.amounts.push(a);
                    ls.push(line);
                }
            }
            "contingency" => {
                row.blank_except(
                    &[ID, NAME, KIND, CONTRIBUTOR, YEAR, FUNDING, AMOUNT, PRECISION],
                    "contingency",
                );
                let id = row.id();
                let kind = row.contingency_kind();
                let amount = row.line_amount();
                let (Some(id), Some(kind), Some(amount)) = (id, kind, amount) else {
                    return;
                };
                let name = row.raw(NAME);
                let i = match contingency_ix.get(&id) {
                    Some(&i) => {
                        if let (Some(l), Some(first)) = (doc.contingency.get(i), at.contingency.get(i)) {
                            if l.name != name {
                                row.error_at(
                                    "name",
                                    name,
                                    &format!("line {id:?} is named {:?} at line {first}", l.name),
                                );
                            }
                            if l.kind != kind {
                                row.error_at(
                                    "kind",
                                    row.raw(KIND),
                                    &format!("line {id:?} is of kind {} at line {first}", l.kind),
                                );
                            }
                        }
                        i
                    }
                    None => {
                        let i = doc.contingency.len();
                        doc.contingency.push(ContingencyDocument {
                            id: id.clone(),
                            name: name.to_string(),
                            kind,
                            amounts: Vec::new(),
                        });
                        at.contingency.push(line);
                        at.contingency_amounts.push(Vec::new());
                        contingency_ix.insert(id, i);
                        i
                    }
                };
                if let (Some(a), Some(l), Some(ls)) =
                    (amount, doc.contingency.get_mut(i), at.contingency_amounts.get_mut(i))
                {
                    l.amounts.push(a);
                    ls.push(line);
                }
            }
            "attribute" => {
                row.blank_except(&[ID, KIND, NAME], "attribute");
                let id = row.id();
                let kind = row.required(KIND, "an attribute name");
                if let (Some(id), Some(kind)) = (id, kind) {
                    attributes.push((line, id, kind.trim().to_string(), row.raw(NAME).to_string()));
                }
            }
            _ => row.error_at("record", row.raw(0), &format!("expected a record type: {RECORDS}")),
        }
    }

    /// Resolves group members and attributes, and adds the file-level
    /// errors.
    pub(super) fn settle(&mut self) {
        let Reading {
            source,
            doc,
            at,
            plan_line,
            line_ix,
            members,
            attributes,
            rows,
            errors,
            ..
        } = self;
        let source: &str = source;
        // Group members and attributes may come before or after what they name.
        let group_ix: BTreeMap<&str, usize> = doc.groups.iter().enumerate().map(|(i, g)| (g.id.as_str(), i)).collect();
        let mut members_of: Vec<Vec<(u64, String)>> = vec![Vec::new(); doc.groups.len()];
        for (line, group, member) in members.drain(..) {
            match group_ix.get(group.as_str()).and_then(|i| members_of.get_mut(*i)) {
                Some(m) => m.push((line, member)),
                None => errors.push(LoadError::cell(
                    source,
                    line,
                    "id",
                    &group,
                    "unknown funding group: expected the id of a group row".into(),
                )),
            }
        }
        for ((g, ls), ms) in doc.groups.iter_mut().zip(at.members.iter_mut()).zip(members_of) {
            for (line, member) in ms {
                g.members.push(member);
                ls.push(line);
            }
        }
        for (line, id, kind, value) in attributes.drain(..) {
            let Some(l) = line_ix.get(&id).and_then(|i| doc.lines.get_mut(*i)) else {
                errors.push(LoadError::cell(
                    source,
                    line,
                    "id",
                    &id,
                    "unknown scheme line: expected the id of a line row".into(),
                ));
                continue;
            };
            if let Err(problem) = set_attribute(&mut l.attributes, &kind, &value) {
                let column = if problem.column_is_kind { "kind" } else { "name" };
                let shown = if problem.column_is_kind { &kind } else { &value };
                errors.push(LoadError::cell(source, line, column, shown, problem.text));
            }
        }

        if *rows == 0 && errors.is_empty() {
            errors.push(LoadError::file(
                source,
                LoadErrorKind::Layout,
                "no rows after the header: expected a plan row, year rows and the rest",
            ));
            return;
        }
        if plan_line.is_none() {
            errors.push(LoadError::file(
                source,
                LoadErrorKind::Layout,
                "no plan row: expected a row `plan,,<plan name>,<precision or blank>,,,,,,`",
            ));
        }
    }

    /// The plan read, or every structural error the plan builder finds, each
    /// on the row and column it was read from.
    pub(super) fn build(self) -> Result<Plan, LoadErrors> {
        let Reading {
            source,
            doc,
            at,
            errors,
            ..
        } = self;
        if !errors.is_empty() {
            return Err(LoadErrors::new(errors));
        }
        doc.into_plan().map_err(|e| {
            let mut errors: Vec<LoadError> = e
                .into_vec()
                .into_iter()
                .map(|pe| {
                    let line = at.of(pe.item);
                    let column = line.map(|_| column_of(pe.item, pe.field).to_string());
                    LoadError::plan(source, line, column, &pe)
                })
                .collect();
            errors.sort_by_key(|e| e.line);
            LoadErrors::new(errors)
        })
    }
}

pub(super) struct AttributeProblem {
    column_is_kind: bool,
    text: String,
}

pub(super) fn set_attribute(a: &mut LineAttributes, kind: &str, value: &str) -> Result<(), AttributeProblem> {
    let bad_value = |what: &str| AttributeProblem {
        column_is_kind: false,
        text: format!("expected {what}"),
    };
    let twice = || AttributeProblem {
        column_is_kind: true,
        text: format!("the attribute {kind} is given twice for this line"),
    };
    let set = |slot: &mut Option<String>| {
        if slot.is_some() {
            return Err(twice());
        }
        *slot = Some(value.to_string());
        Ok(())
    };
    match kind {
        "scheme_type" => set(&mut a.scheme_type),
        "area_of_spend" => set(&mut a.area_of_spend),
        "provider" => set(&mut a.provider),
        "ibcf_code" => set(&mut a.ibcf_code),
        "subgroup" => set(&mut a.subgroup),
        "commissioner" => {
            let c = commissioner(value).ok_or_else(|| {
                bad_value("a commissioner: LocalAuthority, Nhs or Joint:<nhs %>:<la %> with shares adding to 100")
            })?;
            if a.commissioner.is_some() {
                return Err(twice());
            }
            a.commissioner = Some(c);
            Ok(())
        }
        "new_or_existing" => {
            let v = match value.trim() {
                "New" => NewOrExisting::New,
                "Existing" => NewOrExisting::Existing,
                _ => return Err(bad_value("New or Existing")),
            };
            if a.new_or_existing.is_some() {
                return Err(twice());
            }
            a.new_or_existing = Some(v);
            Ok(())
        }
        "flag" => {
            let f = flag(value).or_else(|| flag(value.trim())).ok_or_else(|| {
                bad_value(
                    "a flag: NhsProtected, MaintainsSocialCare, NhsCommissionedOutOfHospital, NonRecurrent or Other:<name>",
                )
            })?;
            if !a.flags.insert(f) {
                return Err(twice());
            }
            Ok(())
        }
        _ => Err(AttributeProblem {
            column_is_kind: true,
            text: "expected an attribute: scheme_type, area_of_spend, provider, ibcf_code, subgroup, \
                   commissioner, new_or_existing or flag"
                .into(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::super::{fast, read_plan_tidy, write_plan_tidy};

    const SMALL: &str = "record,id,name,kind,programme,contributor,year,funding,amount\n\
plan,,My BCF,,,,,,\n\
year,,,,,,2017/18,,\n\
contributor,ccg,Example CCG,Ccg,,,,,\n\
source,min,NHS minimum,NhsMinimum,,,,,\n\
allocation,,,,,ccg,2017/18,min,\"1,000\"\n\
programme,P,Programme,,,,,,\n\
line,a,\"Line, A\",,P,ccg,2017/18,min,(0)\n\
line,a,\"Line, A\",,P,ccg,2017/18,min,\n\
attribute,a,60:40,commissioner,,,,,\n\
contingency,k,Contingency,Contingency,,ccg,2017/18,min,£1000.00\n";

    #[test]
    fn reports_row_and_structural_errors_where_they_are() {
        let err = read_plan_tidy("t.csv", SMALL).unwrap_err();
        // The commissioner value is bad (row error), so structure is not checked yet.
        assert_eq!(err.len(), 1, "{err}");
        assert_eq!(err[0].line, Some(10));
        assert_eq!(err[0].column.as_deref(), Some("name"));
        let fixed = SMALL.replace("60:40", "Joint:60:40");
        let err = read_plan_tidy("t.csv", &fixed).unwrap_err();
        assert_eq!(err.len(), 1, "{err}");
        assert_eq!(err[0].line, Some(9));
        assert_eq!(err[0].column.as_deref(), Some("(row)"));
        assert!(err[0].problem.contains("already has an amount"), "{err}");
    }

    #[test]
    fn crlf_bom_and_blank_amounts() {
        let text = SMALL
            .replace("60:40", "Joint:60:40")
            .replace("line,a,\"Line, A\",,P,ccg,2017/18,min,\n", "line,b,B,,P,,,,\n");
        let crlf = format!("\u{feff}{}", text.replace('\n', "\r\n"));
        let plan = read_plan_tidy("t.csv", &crlf).unwrap();
        assert_eq!(plan.lines().len(), 2);
        assert!(plan.lines().get(1).unwrap().amounts().is_empty());
        assert!(fast::read(crlf.trim_start_matches('\u{feff}')).is_some());
        let written = write_plan_tidy(&plan);
        assert_eq!(read_plan_tidy("t.csv", &written).unwrap(), plan);
        // A bad cell on line 6 of the CRLF file is reported on line 6.
        let bad = crlf.replace("\"1,000\"", "1,00");
        let err = read_plan_tidy("t.csv", &bad).unwrap_err();
        assert_eq!(err[0].line, Some(6), "{err}");
    }
}
