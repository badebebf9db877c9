//! Calibration: whether a system's confidence means what it says. Expected calibration error and a
//! reliability table over equal-width confidence bins, the confidence being the probability the
//! system gave the label it chose.

use serde::Serialize;

/// Confidence bins of the reliability table (equal width over [0, 1]).
pub const CALIBRATION_BINS: usize = 10;

/// One bin of a reliability table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReliabilityBin {
    /// Lower edge of the bin's confidence range.
    pub lower: f64,
    /// Upper edge (inclusive for the last bin).
    pub upper: f64,
    /// Articles whose confidence fell in the bin.
    pub count: usize,
    /// Their mean confidence.
    pub confidence: f64,
    /// The share of them the system got right.
    pub accuracy: f64,
}

/// Expected calibration error with its reliability table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Calibration {
    /// Σ over bins of (bin share of articles) × |accuracy − mean confidence|; 0 is perfect.
    pub ece: f64,
    /// The non-empty bins, lowest confidence first.
    pub bins: Vec<ReliabilityBin>,
}

impl Calibration {
    /// From each article's confidence in its predicted label and whether that label was right.
    pub fn compute(confidence: &[f64], correct: &[bool]) -> Self {
        let n = confidence.len().min(correct.len());
        let mut sums = vec![(0usize, 0.0f64, 0usize); CALIBRATION_BINS];
        for (&c, &ok) in confidence.iter().zip(correct) {
            let c = c.clamp(0.0, 1.0);
            let bin = ((c * CALIBRATION_BINS as f64) as usize).min(CALIBRATION_BINS - 1);
            sums[bin].0 += 1;
            sums[bin].1 += c;
            sums[bin].2 += usize::from(ok);
        }
        let width = 1.0 / CALIBRATION_BINS as f64;
        let bins: Vec<ReliabilityBin> = sums
            .into_iter()
            .enumerate()
            .filter(|(_, (count, _, _))| *count > 0)
            .map(|(b, (count, total, right))| ReliabilityBin {
                lower: b as f64 * width,
                upper: (b + 1) as f64 * width,
                count,
                confidence: total / count as f64,
                accuracy: right as f64 / count as f64,
            })
            .collect();
        let ece = if n == 0 {
            0.0
        } else {
            bins.iter().map(|b| b.count as f64 / n as f64 * (b.accuracy - b.confidence).abs()).sum()
        };
        Calibration { ece, bins }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn perfectly_calibrated_bins_have_zero_error() {
        // Confidence 0.75 and right three times in four; confidence 0.95 and right every time… almost.
        let confidence = [0.75, 0.75, 0.75, 0.75, 0.95, 0.95];
        let correct = [true, true, true, false, true, true];
        let c = Calibration::compute(&confidence, &correct);
        assert_eq!(c.bins.len(), 2);
        assert_eq!((c.bins[0].count, c.bins[0].accuracy), (4, 0.75));
        // Only the 0.95 bin is off: 2/6 × |1.0 − 0.95|.
        assert!((c.ece - 2.0 / 6.0 * 0.05).abs() < 1e-9, "{}", c.ece);
    }

    #[test]
    fn overconfidence_shows() {
        let c = Calibration::compute(&[0.99; 10], &[true, false, true, false, true, false, true, false, true, false]);
        assert!((c.ece - 0.49).abs() < 1e-9);
        assert_eq!(c.bins[0].lower, 0.9);
        assert_eq!(Calibration::compute(&[], &[]).ece, 0.0);
        assert_eq!(Calibration::compute(&[1.0], &[true]).bins[0].upper, 1.0);
    }
}
