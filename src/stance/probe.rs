//! The sentence probe: softmax regression on sentence embeddings, trained with every sentence
//! carrying its article's label (each article weighted once, however long). The exemplar banks are
//! a few hand-written framings per side; the probe learns from the whole training corpus what each
//! side's sentences look like in embedding space, and tells the head how an article's sentences lean.

use super::artefact::{Artefact, Component};
use super::attribution::Voice;
use super::linear::{train_weighted, LinearHead, TrainConfig};
use super::zero_shot::ArticleScores;
use super::{Article, Spec};
use crate::numeric::folds::{cross_fit, CrossFit};
use crate::{Error, Result};
use std::path::Path;

/// Share of an article's sentences, strongest first, whose lean toward a side is averaged.
const TOP_SHARE: f32 = 0.3;

/// A linear probe over sentence embeddings.
pub struct SentenceProbe {
    head: LinearHead,
    neutral: usize,
    polar: Vec<usize>,
}

impl SentenceProbe {
    /// Fits the probe on the sentences of `articles` (sentence vectors filled in), labelled in spec order.
    pub fn fit(spec: &Spec, articles: &[Article<'_>], labels: &[usize], cfg: &TrainConfig) -> Result<Self> {
        let (mut rows, mut ys, mut weights) = (Vec::new(), Vec::new(), Vec::new());
        for (article, &label) in articles.iter().zip(labels) {
            let n = article.sentence_vectors.len();
            rows.extend(article.sentence_vectors.iter().cloned());
            ys.extend(std::iter::repeat_n(label, n));
            weights.extend(std::iter::repeat_n(1.0 / n as f32, n));
        }
        let head = train_weighted(&rows, &ys, Some(&weights), spec.labels.len(), cfg)?;
        Ok(Self::with_head(spec, head))
    }

    fn with_head(spec: &Spec, head: LinearHead) -> Self {
        SentenceProbe { head, neutral: spec.neutral_index(), polar: spec.polar_indices() }
    }

    /// Loads the probe of `spec` from `dir`.
    pub fn load(dir: &Path, spec: &Spec) -> Result<Self> {
        let artefact = Artefact::new(dir, spec, Component::Probe);
        let head = artefact.load_weights()?;
        if head.n_classes() != spec.labels.len() {
            let message = format!("{} classes, but spec {} has {}", head.n_classes(), spec.name, spec.labels.len());
            return Err(Error::Config { path: artefact.weights_path().to_path_buf(), message });
        }
        Ok(Self::with_head(spec, head))
    }

    /// Saves the probe to `dir`.
    pub fn save(&self, dir: &Path, spec: &Spec) -> Result<()> {
        Artefact::new(dir, spec, Component::Probe).save_weights(&self.head)
    }

    /// The article's features: mean log-probability of every label over all sentences and over the
    /// outlet's own-voice sentences (all, when none is), then for each polar side the mean of
    /// `log p(side) − log p(neutral)` over the sentences leaning most that way.
    pub fn features(&self, article: &Article<'_>, scores: &ArticleScores) -> Result<Vec<f32>> {
        let n_labels = self.head.n_classes();
        if article.sentence_vectors.is_empty() {
            return Ok(vec![0.0; 2 * n_labels + self.polar.len()]);
        }
        let log_probs: Vec<Vec<f32>> = self
            .head
            .predict_proba(article.sentence_vectors)?
            .into_iter()
            .map(|p| p.into_iter().map(|x| x.max(1e-6).ln()).collect())
            .collect();
        let own: Vec<&Vec<f32>> =
            log_probs.iter().zip(&scores.sentences).filter(|(_, s)| s.voice == Voice::Own).map(|(lp, _)| lp).collect();
        let all: Vec<&Vec<f32>> = log_probs.iter().collect();
        let own = if own.is_empty() { &all } else { &own };
        let mean = |rows: &[&Vec<f32>], label: usize| rows.iter().map(|r| r[label]).sum::<f32>() / rows.len() as f32;
        let mut out: Vec<f32> = (0..n_labels).map(|l| mean(&all, l)).collect();
        out.extend((0..n_labels).map(|l| mean(own, l)));
        let keep = ((log_probs.len() as f32 * TOP_SHARE).ceil() as usize).clamp(1, log_probs.len());
        for &side in &self.polar {
            let mut lean: Vec<f32> = log_probs.iter().map(|lp| lp[side] - lp[self.neutral]).collect();
            lean.sort_by(|a, b| b.total_cmp(a));
            out.push(lean[..keep].iter().sum::<f32>() / keep as f32);
        }
        Ok(out)
    }
}

/// Out-of-fold probe features of every article (each from probes fit without it, averaged over
/// rounds, for stacking), and the probe fit on all of them.
pub fn fit_out_of_fold(
    spec: &Spec,
    articles: &[Article<'_>],
    scores: &[ArticleScores],
    labels: &[usize],
    plan: CrossFit,
    cfg: &TrainConfig,
) -> Result<(SentenceProbe, Vec<Vec<f32>>)> {
    let (out, _) = cross_fit(labels, plan, |train_idx, test_idx| {
        let fit_on: Vec<Article<'_>> = train_idx.iter().map(|&i| articles[i]).collect();
        let fit_labels: Vec<usize> = train_idx.iter().map(|&i| labels[i]).collect();
        let probe = SentenceProbe::fit(spec, &fit_on, &fit_labels, cfg)?;
        test_idx.iter().map(|&i| probe.features(&articles[i], &scores[i])).collect()
    })?;
    Ok((SentenceProbe::fit(spec, articles, labels, cfg)?, out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::document_from_text;
    use crate::stance::zero_shot::SentenceScore;

    /// Sentence vectors for a toy article of `label`: two sentences along the label's own axis and
    /// one along a filler axis shared by every article.
    fn sentences(label: usize, jitter: f32) -> Vec<Vec<f32>> {
        let mut own = vec![jitter; 4];
        own[label] = 1.0;
        vec![own.clone(), own, vec![0.0, 0.0, 0.0, 1.0]]
    }

    fn scores(voices: &[Voice]) -> ArticleScores {
        let sentences = voices.iter().map(|&voice| SentenceScore { label_scores: vec![0.0; 3], voice }).collect();
        ArticleScores { sentences, sides: Vec::new() }
    }

    #[test]
    fn learns_each_side_from_its_articles_and_round_trips() {
        let spec = Spec::load(None).unwrap();
        let doc = document_from_text("toy", "toy.txt", "Toy\n\nOne sentence.").unwrap();
        let labels: Vec<usize> = (0..12).map(|i| i % 3).collect();
        let vectors: Vec<Vec<Vec<f32>>> =
            labels.iter().enumerate().map(|(i, &l)| sentences(l, i as f32 * 0.01)).collect();
        let articles: Vec<Article<'_>> =
            vectors.iter().map(|v| Article { doc: &doc, sentence_vectors: v, doc_vector: &[] }).collect();
        let cfg = TrainConfig { standardize: false, ..TrainConfig::default() };
        let probe = SentenceProbe::fit(&spec, &articles, &labels, &cfg).unwrap();

        let own = scores(&[Voice::Own, Voice::Own, Voice::Reported]);
        let (pro_islamabad, pro_kabul) = (spec.index_of("pro-Islamabad").unwrap(), spec.index_of("pro-Kabul").unwrap());
        let f = probe.features(&articles[pro_islamabad], &own).unwrap();
        assert_eq!(f.len(), 8);
        assert!(f[pro_islamabad] > f[pro_kabul] && f[pro_islamabad] > f[spec.neutral_index()], "{f:?}");
        assert!(f[6] > 0.0 && f[7] < f[6], "pro-Islamabad leans its own way: {f:?}");
        // With no own-voice sentence, the own-voice means fall back to all sentences.
        let reported = probe.features(&articles[pro_kabul], &scores(&[Voice::Reported; 3])).unwrap();
        assert_eq!(reported[..3], reported[3..6]);
        let empty = Article { doc: &doc, sentence_vectors: &[], doc_vector: &[] };
        assert_eq!(probe.features(&empty, &scores(&[])).unwrap(), vec![0.0; 8]);

        let dir = tempfile::tempdir().unwrap();
        probe.save(dir.path(), &spec).unwrap();
        let back = SentenceProbe::load(dir.path(), &spec).unwrap();
        assert_eq!(back.features(&articles[pro_islamabad], &own).unwrap(), f);

        let all_scores: Vec<ArticleScores> = (0..articles.len()).map(|_| own.clone()).collect();
        let plan = CrossFit { folds: 3, repeats: 2, seed: 7 };
        let (_, oof) = fit_out_of_fold(&spec, &articles, &all_scores, &labels, plan, &cfg).unwrap();
        assert!(oof.iter().all(|f| f.len() == 8));
    }
}
