//! A published risk register. Every bad row is reported (its first bad
//! cell) with its file, line, column and value.

use crate::risk::{PublishedRisk, Risk, RiskScore};

use super::table;
use super::{LoadError, LoadErrors};

/// Reads a risk register with the columns `ref,summary,inherent_likelihood,
/// inherent_impact,inherent_score,inherent_rating,raised,residual_likelihood,
/// residual_impact,residual_score,trend`.
///
/// # Errors
///
/// As a [`LoadErrors`](crate::io::LoadErrors): a header that cannot be read or a
/// malformed row, such as one of the wrong width
/// ([`LoadErrorKind::Syntax`](crate::io::LoadErrorKind::Syntax)), or a header
/// other than the columns above
/// ([`LoadErrorKind::Layout`](crate::io::LoadErrorKind::Layout)), as the one
/// error; otherwise the first bad cell of every bad row, a cell that is empty
/// or cannot be read
/// ([`LoadErrorKind::Value`](crate::io::LoadErrorKind::Value)): a likelihood,
/// impact or score that is not a whole number from 0 to 255, a likelihood or
/// impact outside 1 to 5, an empty `ref` or `summary`, or a `raised` month,
/// `inherent_rating` or `trend` that is empty or cannot be read.
pub fn read_risk_register(file: &str, text: &str) -> Result<Vec<PublishedRisk>, LoadErrors> {
    let headers = [
        "ref",
        "summary",
        "inherent_likelihood",
        "inherent_impact",
        "inherent_score",
        "inherent_rating",
        "raised",
        "residual_likelihood",
        "residual_impact",
        "residual_score",
        "trend",
    ];
    let rows = table::read(file, text, &headers)?;
    table::every_row(rows.iter().map(|row| {
        let score = |l: &str, i: &str| -> Result<RiskScore, LoadError> {
            let (likelihood, impact) = (row.whole::<u8>(l)?, row.whole::<u8>(i)?);
            RiskScore::new(likelihood, impact).map_err(|e| {
                let column = if (1..=5).contains(&likelihood) { i } else { l };
                let value = if column == l { likelihood } else { impact };
                row.error(column, &value.to_string(), e)
            })
        };
        Ok(PublishedRisk {
            line: row.line(),
            risk: Risk {
                reference: row.parse("ref")?,
                summary: row.parse("summary")?,
                raised: row.parse("raised")?,
                inherent: score("inherent_likelihood", "inherent_impact")?,
                residual: score("residual_likelihood", "residual_impact")?,
                trend: row.parse("trend")?,
            },
            printed_inherent_score: row.whole("inherent_score")?,
            printed_inherent_rating: row.parse("inherent_rating")?,
            printed_residual_score: row.whole("residual_score")?,
        })
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_register_cell_is_located() {
        let text = "ref,summary,inherent_likelihood,inherent_impact,inherent_score,inherent_rating,raised,residual_likelihood,residual_impact,residual_score,trend\nX,s,3,7,21,High,2017-01,1,1,1,static\n";
        let e = read_risk_register("r.csv", text).unwrap_err();
        assert_eq!(
            (e[0].line, e[0].column.as_deref(), e[0].value.as_deref()),
            (Some(2), Some("inherent_impact"), Some("7"))
        );
    }
}
