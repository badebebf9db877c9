//! The decision rule: from probabilities to a label. A polar side is called only when the model
//! gives it at least `min_side_probability`; below that the article is called neutral. An analysis
//! that quotes both sides at length leaves the model split three ways, and "no clear side" is the
//! honest verdict there, not a coin toss between sides.

use super::Spec;
use crate::numeric::confusion::macro_f1;
use crate::numeric::vector::argmax;
use crate::Result;
use serde::{Deserialize, Serialize};

/// Thresholds tried by [`DecisionRule::fit`]: plain argmax (0), then 0.34 to 0.70 in steps of 0.02.
fn candidate_thresholds() -> impl Iterator<Item = f32> {
    std::iter::once(0.0).chain((17..=35).map(|i| i as f32 * 0.02))
}

/// How a label is chosen from probabilities in spec order.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct DecisionRule {
    /// The least probability at which the most probable polar side is called; 0 is plain argmax.
    pub min_side_probability: f32,
}

impl Default for DecisionRule {
    fn default() -> Self {
        DecisionRule::ARGMAX
    }
}

/// Out-of-fold macro-F1 of one candidate threshold (reported by `stance train`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ThresholdScore {
    /// The candidate [`DecisionRule::min_side_probability`].
    pub min_side_probability: f32,
    /// Macro-F1 of the out-of-fold probabilities decided with it.
    pub macro_f1: f64,
}

impl DecisionRule {
    /// The most probable label, whatever its probability.
    pub const ARGMAX: DecisionRule = DecisionRule { min_side_probability: 0.0 };

    /// The label index chosen for `probabilities` (spec order).
    pub fn choose(&self, spec: &Spec, probabilities: &[f32]) -> usize {
        let best = argmax(probabilities);
        let neutral = spec.neutral_index();
        if best != neutral && probabilities.get(best).is_some_and(|&p| p < self.min_side_probability) {
            neutral
        } else {
            best
        }
    }

    /// Chooses the threshold with the best macro-F1 on out-of-fold probabilities; among equal
    /// scores the highest threshold wins (neutral when in doubt). Returns every candidate's score.
    pub fn fit(spec: &Spec, oof_probabilities: &[Vec<f32>], labels: &[usize]) -> Result<(Self, Vec<ThresholdScore>)> {
        let n_classes = spec.labels.len();
        let scores = candidate_thresholds()
            .map(|t| {
                let rule = DecisionRule { min_side_probability: t };
                let pred: Vec<usize> = oof_probabilities.iter().map(|p| rule.choose(spec, p)).collect();
                Ok(ThresholdScore { min_side_probability: t, macro_f1: macro_f1(labels, &pred, n_classes)? })
            })
            .collect::<Result<Vec<_>>>()?;
        // Candidates rise, so a later one that scores as well replaces the best so far.
        let best = scores
            .iter()
            .reduce(|best, s| if s.macro_f1 + 1e-9 >= best.macro_f1 { s } else { best })
            .map_or(0.0, |s| s.min_side_probability);
        Ok((DecisionRule { min_side_probability: best }, scores))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> Spec {
        Spec::load(None).unwrap()
    }

    #[test]
    fn weak_side_becomes_neutral() {
        let spec = spec();
        let rule = DecisionRule { min_side_probability: 0.5 };
        assert_eq!(rule.choose(&spec, &[0.25, 0.40, 0.35]), spec.neutral_index());
        assert_eq!(rule.choose(&spec, &[0.60, 0.10, 0.30]), 0);
        assert_eq!(DecisionRule::ARGMAX.choose(&spec, &[0.25, 0.40, 0.35]), 1);
    }

    #[test]
    fn fit_prefers_the_highest_of_equal_thresholds() {
        let spec = spec();
        // Confident polar calls are right; the one weak polar call is really neutral.
        let probs = vec![vec![0.9, 0.05, 0.05], vec![0.05, 0.9, 0.05], vec![0.1, 0.1, 0.8], vec![0.45, 0.3, 0.25]];
        let labels = vec![0, 1, 2, 2];
        let (rule, scores) = DecisionRule::fit(&spec, &probs, &labels).unwrap();
        assert_eq!(scores.len(), 20);
        assert!((rule.min_side_probability - 0.70).abs() < 1e-6, "{rule:?}");
        assert!(scores[0].macro_f1 < 1.0 && scores.last().unwrap().macro_f1 == 1.0);
    }
}
