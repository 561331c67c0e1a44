//! The DFG allocation table: each district council's Disabled Facilities
//! Grant per year, exact pounds.

use crate::calendar::FinancialYear;
use crate::dfg::DfgAllocations;
use crate::money::{Money, Unit};

use super::{LoadError, LoadErrorKind, LoadErrors};

/// Reads allocations in exact pounds from CSV with the header
/// `district,allocation_2017_18,allocation_2018_19,...`. Every bad cell is
/// reported with its line, column and value.
///
/// # Errors
///
/// Every problem found, as [`LoadErrors`]: a header that cannot be read or a
/// malformed row, such as one of the wrong width ([`LoadErrorKind::Syntax`]); a
/// first column not named `district`, or a later one not `allocation_YYYY_YY`
/// or repeating a year ([`LoadErrorKind::Layout`]); an allocation that is not
/// an amount in pounds ([`LoadErrorKind::Value`]); and an empty or repeated
/// district or a negative allocation ([`LoadErrorKind::Dataset`]). If every
/// cell was read, a table that [`DfgAllocations::new`] refuses is one
/// [`LoadErrorKind::Dataset`] error.
pub fn read_dfg_allocations(source: &str, text: &str) -> Result<DfgAllocations, LoadErrors> {
    let (mut reader, headers) = super::csv_with_header(source, text)?;
    let mut errors = Vec::new();
    if headers.get(0).map(str::trim) != Some("district") {
        errors.push(
            LoadError::cell(
                source,
                1,
                "1",
                headers.get(0).unwrap_or(""),
                "the first column must be district".to_string(),
            )
            .with_kind(LoadErrorKind::Layout),
        );
    }
    let mut years = Vec::new();
    for h in headers.iter().skip(1) {
        match h.trim().strip_prefix("allocation_").map(|y| y.parse::<FinancialYear>()) {
            Some(Ok(y)) if !years.contains(&y) => years.push(y),
            _ => errors.push(LoadError::header(
                source,
                h,
                "expected a column allocation_YYYY_YY, each year once",
            )),
        }
    }
    let mut districts: Vec<(String, Vec<Money>)> = Vec::new();
    for item in super::numbered_records(source, text, &mut reader) {
        let Some((line, record)) = super::kept(item, &mut errors) else {
            continue;
        };
        let district = super::field(&record, 0).trim().to_string();
        if district.is_empty() {
            errors.push(
                LoadError::cell(source, line, "district", "", "empty district".to_string())
                    .with_kind(LoadErrorKind::Dataset),
            );
            continue;
        }
        if districts.iter().any(|(d, _)| *d == district) {
            errors.push(
                LoadError::cell(source, line, "district", &district, "district given twice".to_string())
                    .with_kind(LoadErrorKind::Dataset),
            );
            continue;
        }
        let mut amounts = Vec::with_capacity(years.len());
        for (i, h) in headers.iter().enumerate().skip(1) {
            let raw = super::field(&record, i);
            match Money::parse(raw, Unit::Pounds) {
                Ok(m) if m.is_negative() => errors.push(
                    LoadError::cell(source, line, h, raw, "negative allocation".to_string())
                        .with_kind(LoadErrorKind::Dataset),
                ),
                Ok(m) => amounts.push(m),
                Err(e) => errors.push(LoadError::cell(source, line, h, raw, e.to_string())),
            }
        }
        districts.push((district, amounts));
    }
    if !errors.is_empty() {
        return Err(LoadErrors::new(errors));
    }
    // Every cell was read; what is left to check is the table as a whole.
    DfgAllocations::new(years, districts)
        .map_err(|e| LoadErrors::one(LoadError::file(source, LoadErrorKind::Dataset, e.to_string())))
}
