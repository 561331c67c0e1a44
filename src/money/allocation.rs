//! Exact [`allocate`]ion of an amount across weights, to whole steps of a
//! precision, by the largest-remainder method.

use rust_decimal::Decimal;

use super::{overflow, pow10, steps_to_money, Money, MoneyError, Precision, Rounding};

/// Why an amount could not be allocated.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AllocationError {
    /// No weights were given.
    #[error("nothing to allocate across: no weights")]
    NoWeights,
    /// A weight below zero.
    #[error("weight {index} is negative ({weight})")]
    NegativeWeight {
        /// Position of the weight.
        index: usize,
        /// The weight.
        weight: Decimal,
    },
    /// All weights are zero, so no share is defined.
    #[error("the weights add up to zero")]
    ZeroTotalWeight,
    /// The amount is not a whole number of the allocation unit (e.g. has
    /// fractions of a penny when allocating to the penny).
    #[error("{amount} is not a whole number of {unit} steps")]
    NotWholeUnits {
        /// The amount.
        amount: Money,
        /// The allocation unit.
        unit: Precision,
    },
    /// The weights are too large or too precise to be summed exactly.
    #[error("the weights are too large or too precise to add up exactly")]
    WeightsOutOfRange,
    /// The result does not fit in the decimal range.
    #[error(transparent)]
    Money(#[from] MoneyError),
}

/// Splits `amount` across `weights` exactly, to whole steps of `unit` (e.g.
/// [`Precision::PENCE`]), by the largest-remainder method.
///
/// Each share starts at its exact pro-rata value rounded toward zero; the
/// steps left over go one each to the shares with the largest remainders,
/// ties to the earlier weight. The shares always add back to `amount`
/// exactly, each is within one step of its exact pro-rata value, and a zero
/// weight always gets zero. A negative amount is split as its absolute value
/// and negated, so `allocate(-x) == -allocate(x)`.
///
/// # Errors
///
/// [`AllocationError::NoWeights`] if `weights` is empty,
/// [`AllocationError::NegativeWeight`] for the first weight below zero,
/// [`AllocationError::NotWholeUnits`] if `amount` is not a whole number of
/// `unit` steps, [`AllocationError::ZeroTotalWeight`] if every weight is zero,
/// [`AllocationError::WeightsOutOfRange`] if the weights cannot be brought to a
/// common scale and summed in a `u128`, and [`AllocationError::Money`] (an
/// overflow) if the number of steps in `amount` does not fit an `i128` or a
/// share is beyond the decimal range.
///
/// ```
/// use bcf_model::money::{allocate, Money, Precision};
/// use rust_decimal::Decimal;
///
/// // £100 three ways, to the penny
/// let shares = allocate(Money::from_pence(10_000), &[Decimal::ONE; 3], Precision::PENCE)?;
/// assert_eq!(shares, vec![Money::from_pence(3_334), Money::from_pence(3_333), Money::from_pence(3_333)]);
/// # Ok::<(), bcf_model::money::AllocationError>(())
/// ```
pub fn allocate(amount: Money, weights: &[Decimal], unit: Precision) -> Result<Vec<Money>, AllocationError> {
    if weights.is_empty() {
        return Err(AllocationError::NoWeights);
    }
    if let Some((index, weight)) = weights
        .iter()
        .enumerate()
        .find(|(_, w)| w.is_sign_negative() && !w.is_zero())
    {
        return Err(AllocationError::NegativeWeight { index, weight: *weight });
    }
    if !amount.is_multiple_of(unit) {
        return Err(AllocationError::NotWholeUnits { amount, unit });
    }
    let total_steps = amount.steps(unit, Rounding::TowardZero)?;
    let negative = total_steps < 0;
    let total = total_steps.unsigned_abs();
    // Bring the weights to a common scale as integers.
    let max_scale = weights.iter().map(|w| w.scale()).fold(0, u32::max);
    let mut ints: Vec<u128> = Vec::with_capacity(weights.len());
    for w in weights {
        let factor = pow10(max_scale - w.scale()).ok_or(AllocationError::WeightsOutOfRange)?;
        let v = w
            .mantissa()
            .unsigned_abs()
            .checked_mul(factor.unsigned_abs())
            .ok_or(AllocationError::WeightsOutOfRange)?;
        ints.push(v);
    }
    let sum = ints
        .iter()
        .try_fold(0u128, |acc, v| acc.checked_add(*v))
        .ok_or(AllocationError::WeightsOutOfRange)?;
    if sum == 0 {
        return Err(AllocationError::ZeroTotalWeight);
    }
    let mut shares: Vec<u128> = Vec::with_capacity(ints.len());
    let mut remainders: Vec<(u128, usize)> = Vec::with_capacity(ints.len());
    let mut assigned: u128 = 0;
    for (i, w) in ints.iter().enumerate() {
        let (q, r) = mul_div_rem(total, *w, sum);
        shares.push(q);
        remainders.push((r, i));
        assigned += q; // Σ floor(total·w/sum) <= total: cannot overflow
    }
    let mut leftover = total - assigned; // < number of weights
                                         // Largest remainder first; ties to the earlier index.
    remainders.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    for (r, i) in remainders {
        if leftover == 0 {
            break;
        }
        if r == 0 {
            break;
        }
        if let Some(s) = shares.get_mut(i) {
            *s += 1;
            leftover -= 1;
        }
    }
    let exponent = unit.exponent();
    shares
        .into_iter()
        .map(|s| {
            let signed = i128::try_from(s).map_err(|_| AllocationError::WeightsOutOfRange)?;
            let signed = if negative { -signed } else { signed };
            steps_to_money(signed, exponent).ok_or(AllocationError::Money(overflow("allocate", amount, unit)))
        })
        .collect()
}

/// `(a × b) div c` and `(a × b) mod c` with a 256-bit intermediate, for
/// `a × b / c <= a` (that is, `b <= c`).
fn mul_div_rem(a: u128, b: u128, c: u128) -> (u128, u128) {
    // 256-bit product as (hi, lo).
    let (hi, lo) = mul_wide(a, b);
    if hi == 0 {
        return (lo / c, lo % c);
    }
    // Long division, one bit at a time (hi < c because the quotient fits).
    let mut rem = hi;
    let mut quo: u128 = 0;
    for i in (0..128).rev() {
        let carry = rem >> 127;
        rem = (rem << 1) | ((lo >> i) & 1);
        quo <<= 1;
        if carry == 1 || rem >= c {
            rem = rem.wrapping_sub(c);
            quo |= 1;
        }
    }
    (quo, rem)
}

fn mul_wide(a: u128, b: u128) -> (u128, u128) {
    const MASK: u128 = u64::MAX as u128;
    let (a_hi, a_lo) = (a >> 64, a & MASK);
    let (b_hi, b_lo) = (b >> 64, b & MASK);
    let ll = a_lo * b_lo;
    let lh = a_lo * b_hi;
    let hl = a_hi * b_lo;
    let hh = a_hi * b_hi;
    let mid = (ll >> 64) + (lh & MASK) + (hl & MASK);
    let lo = (ll & MASK) | (mid << 64);
    let hi = hh + (lh >> 64) + (hl >> 64) + (mid >> 64);
    (hi, lo)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        Decimal::from_str_exact(s).unwrap()
    }

    #[test]
    fn allocation_examples() {
        let m = Money::from_pence;
        let shares = allocate(m(100), &[d("1"), d("1"), d("1")], Precision::PENCE).unwrap();
        assert_eq!(shares, vec![m(34), m(33), m(33)]);
        let shares = allocate(m(-100), &[d("1"), d("1"), d("1")], Precision::PENCE).unwrap();
        assert_eq!(shares, vec![m(-34), m(-33), m(-33)]);
        let shares = allocate(m(1000), &[d("0"), d("0.5"), d("0.5")], Precision::PENCE).unwrap();
        assert_eq!(shares, vec![m(0), m(500), m(500)]);
        assert_eq!(allocate(m(1), &[], Precision::PENCE), Err(AllocationError::NoWeights));
        assert_eq!(
            allocate(m(1), &[d("0")], Precision::PENCE),
            Err(AllocationError::ZeroTotalWeight)
        );
        assert!(matches!(
            allocate(m(1), &[d("-1"), d("2")], Precision::PENCE),
            Err(AllocationError::NegativeWeight { index: 0, .. })
        ));
        assert!(matches!(
            allocate(Money::from_pounds(d("0.001")), &[d("1")], Precision::PENCE),
            Err(AllocationError::NotWholeUnits { .. })
        ));
        // Extreme amounts and weights use the 256-bit path.
        let big = Money::MAX.round(Precision::POUNDS, Rounding::TowardZero).unwrap();
        let shares = allocate(big, &[Decimal::MAX, Decimal::MAX, d("1")], Precision::POUNDS).unwrap();
        assert_eq!(Money::checked_sum(shares).unwrap(), big);
    }

    #[test]
    fn wide_multiplication() {
        let (hi, lo) = mul_wide(u128::MAX, u128::MAX);
        assert_eq!(hi, u128::MAX - 1);
        assert_eq!(lo, 1);
        let (q, r) = mul_div_rem(u128::MAX, u128::MAX - 1, u128::MAX);
        assert_eq!(q, u128::MAX - 1);
        assert_eq!(r, 0);
    }
}
