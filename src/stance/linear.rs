//! The trainable stance head: feature standardisation followed by one linear layer (softmax
//! regression), shared by the transformer-embedding classifier and the TF-IDF baseline.
//!
//! Tensor names, as [`LinearHead::load`] walks them with `vb.pp(..)`:
//!
//! ```text
//! scaler.mean         [in_dim]              subtracted from each feature row
//! scaler.std          [in_dim]              then divided by (never zero)
//! classifier.weight   [n_classes, in_dim]
//! classifier.bias     [n_classes]
//! ```
//!
//! This is the only stance module that touches candle: callers pass and get plain `Vec<f32>` rows.

use std::collections::HashMap;
use std::path::Path;

use candle_core::backprop::GradStore;
use candle_core::{DType, Device, Tensor, D};
use candle_nn::{Linear, Module, Optimizer, VarBuilder, VarMap};
use serde::{Deserialize, Serialize};

use crate::numeric::folds::{cross_fit, held_out_macro_f1, CrossFit, CvScores};
use crate::numeric::rng::SplitMix64;
use crate::numeric::vector::argmax;
use crate::{Error, Result};

/// Per-feature standardisation `(x - mean) / std`, stored under `scaler`.
#[derive(Debug, Clone)]
struct Scaler {
    mean: Tensor,
    std: Tensor,
}

impl Scaler {
    fn load(vb: VarBuilder, in_dim: usize) -> Result<Self> {
        let (mean, std) = (vb.get(in_dim, "mean")?, vb.get(in_dim, "std")?);
        if std.to_vec1::<f32>()?.iter().any(|&s| !(s.is_finite() && s > 0.0)) {
            return Err(Error::Other("scaler.std must be finite and positive".into()));
        }
        Ok(Self { mean, std })
    }

    fn forward(&self, xs: &Tensor) -> candle_core::Result<Tensor> {
        xs.broadcast_sub(&self.mean)?.broadcast_div(&self.std)
    }
}

/// Standardisation plus a linear layer; [`forward`](LinearHead::forward) returns logits.
#[derive(Debug, Clone)]
pub struct LinearHead {
    scaler: Scaler,
    classifier: Linear,
    in_dim: usize,
    n_classes: usize,
}

impl LinearHead {
    /// Loads the head from `vb` (`scaler.{mean,std}`, `classifier.{weight,bias}`).
    pub fn load(vb: VarBuilder, in_dim: usize, n_classes: usize) -> Result<Self> {
        let scaler = Scaler::load(vb.pp("scaler"), in_dim)?;
        let classifier = candle_nn::linear(in_dim, n_classes, vb.pp("classifier"))?;
        Ok(Self { scaler, classifier, in_dim, n_classes })
    }

    /// Logits `[batch, n_classes]` for feature rows `[batch, in_dim]`.
    pub fn forward(&self, xs: &Tensor) -> candle_core::Result<Tensor> {
        self.classifier.forward(&self.scaler.forward(xs)?)
    }

    /// Length of the feature rows the head expects.
    pub fn in_dim(&self) -> usize {
        self.in_dim
    }

    /// Number of classes the head scores.
    pub fn n_classes(&self) -> usize {
        self.n_classes
    }

    /// The first output's weights over the standardised features (all of a one-output head's).
    pub fn weight_row(&self) -> Result<Vec<f32>> {
        Ok(self.classifier.weight().get(0)?.to_vec1::<f32>()?)
    }

    /// Class probabilities (softmax of the logits) for each feature row.
    pub fn predict_proba(&self, rows: &[Vec<f32>]) -> Result<Vec<Vec<f32>>> {
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let xs = rows_to_tensor(rows, self.in_dim, self.classifier.weight().device())?;
        let probs = candle_nn::ops::softmax_last_dim(&self.forward(&xs)?)?;
        Ok(probs.to_vec2::<f32>()?)
    }

    /// The most probable class of each feature row.
    pub fn predict(&self, rows: &[Vec<f32>]) -> Result<Vec<usize>> {
        Ok(self.predict_proba(rows)?.iter().map(|p| argmax(p)).collect())
    }

    /// Writes the four tensors to a safetensors file.
    pub fn save(&self, path: impl AsRef<Path>) -> Result<()> {
        self.save_with(path, HashMap::new())
    }

    /// Writes the four tensors and `extra` ones (what a component keeps beside its head) to a
    /// safetensors file.
    pub fn save_with(&self, path: impl AsRef<Path>, extra: HashMap<&str, Tensor>) -> Result<()> {
        let path = path.as_ref();
        let mut tensors = extra;
        tensors.insert("scaler.mean", self.scaler.mean.clone());
        tensors.insert("scaler.std", self.scaler.std.clone());
        tensors.insert("classifier.weight", self.classifier.weight().clone());
        if let Some(b) = self.classifier.bias() {
            tensors.insert("classifier.bias", b.clone());
        }
        candle_core::safetensors::save(&tensors, path)
            .map_err(|e| Error::Other(format!("{}: writing head: {e}", path.display())))
    }

    /// Reads a head written by [`save`](LinearHead::save), taking its sizes from the file.
    ///
    /// The file is read into memory (heads are small) rather than memory-mapped, so no `unsafe`
    /// is needed and a file changed on disk afterwards cannot affect the loaded head.
    pub fn load_file(path: impl AsRef<Path>, device: &Device) -> Result<Self> {
        let path = path.as_ref();
        Self::from_tensors(read_tensors(path, device)?, path)
    }

    /// The head among `tensors` read from `path` (named in errors); other tensors are ignored.
    pub fn from_tensors(tensors: HashMap<String, Tensor>, path: &Path) -> Result<Self> {
        let bad = |message: String| Error::Config { path: path.into(), message };
        let device = tensors.values().next().map_or(Device::Cpu, |t| t.device().clone());
        let device = &device;
        let (n_classes, in_dim) = match tensors.get("classifier.weight").map(Tensor::dims2) {
            Some(Ok(dims)) => dims,
            _ => return Err(bad("no classifier.weight matrix".into())),
        };
        let vb = VarBuilder::from_tensors(tensors, DType::F32, device);
        Self::load(vb, in_dim, n_classes).map_err(|e| bad(e.to_string()))
    }
}

/// Every tensor of the safetensors file at `path`, read into memory (see [`LinearHead::load_file`]).
pub fn read_tensors(path: &Path, device: &Device) -> Result<HashMap<String, Tensor>> {
    let data = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    candle_core::safetensors::load_buffer(&data, device)
        .map_err(|e| Error::Config { path: path.into(), message: format!("not a safetensors file: {e}") })
}

/// Training settings for [`train`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainConfig {
    /// Passes over the training set.
    pub epochs: usize,
    /// AdamW learning rate.
    pub learning_rate: f64,
    /// AdamW decoupled weight decay.
    pub weight_decay: f64,
    /// Seed for mini-batch shuffling (weights start at zero, so this is the only randomness).
    pub seed: u64,
    /// Weight each class by `n / (n_classes · count)` ("balanced") in the loss.
    pub class_weights: bool,
    /// Examples per optimiser step; `None` means the full training set.
    pub batch_size: Option<usize>,
    /// Standardise features to zero mean and unit variance; when off the scaler is the identity.
    pub standardize: bool,
}

impl Default for TrainConfig {
    fn default() -> Self {
        Self {
            epochs: 200,
            learning_rate: 0.05,
            weight_decay: 0.01,
            seed: 0,
            class_weights: true,
            batch_size: None,
            standardize: true,
        }
    }
}

/// Fits a [`LinearHead`] on CPU by minimising (optionally class-weighted) cross-entropy with
/// AdamW, starting from zero weights so that training is deterministic.
pub fn train(features: &[Vec<f32>], labels: &[usize], n_classes: usize, cfg: &TrainConfig) -> Result<LinearHead> {
    train_weighted(features, labels, None, n_classes, cfg)
}

/// [`train`] with a weight per example (e.g. `1 / sentences` so every article counts once when
/// its sentences are the examples); class balancing, when on, balances the weighted totals.
pub fn train_weighted(
    features: &[Vec<f32>],
    labels: &[usize],
    weights: Option<&[f32]>,
    n_classes: usize,
    cfg: &TrainConfig,
) -> Result<LinearHead> {
    let in_dim = check_data(features, labels, n_classes)?;
    if let Some(w) = weights {
        if w.len() != labels.len() || w.iter().any(|x| !x.is_finite() || *x <= 0.0) {
            return Err(Error::Other("train: need one positive, finite weight per example".into()));
        }
    }
    let lr_ok = cfg.learning_rate > 0.0 && cfg.learning_rate.is_finite();
    if cfg.epochs == 0 || !lr_ok || cfg.batch_size == Some(0) {
        let msg = "train: epochs, learning_rate and batch_size must be positive";
        return Err(Error::Other(msg.into()));
    }
    let dev = Device::Cpu;
    let (mean, std) = match cfg.standardize {
        true => mean_std(features, in_dim),
        false => (vec![0.0; in_dim], vec![1.0; in_dim]),
    };
    let scaler = Scaler { mean: Tensor::new(mean, &dev)?, std: Tensor::new(std, &dev)? };
    let xs = scaler.forward(&rows_to_tensor(features, in_dim, &dev)?)?;
    let one_hot: Vec<f32> =
        labels.iter().flat_map(|&y| (0..n_classes).map(move |c| if c == y { 1.0 } else { 0.0 })).collect();
    let ys = Tensor::from_vec(one_hot, (labels.len(), n_classes), &dev)?;
    let sample_w = match (weights, cfg.class_weights) {
        (None, false) => vec![1.0; labels.len()],
        (Some(w), false) => w.to_vec(),
        (w, true) => balanced_weights(labels, w, n_classes),
    };

    let varmap = VarMap::new();
    let vb = VarBuilder::from_varmap(&varmap, DType::F32, &dev).pp("classifier");
    let zeros = candle_nn::Init::Const(0.0);
    let weight = vb.get_with_hints((n_classes, in_dim), "weight", zeros)?;
    let bias = vb.get_with_hints(n_classes, "bias", zeros)?;
    let model = Linear::new(weight, Some(bias));
    let (lr, weight_decay) = (cfg.learning_rate, cfg.weight_decay);
    let params = candle_nn::ParamsAdamW { lr, weight_decay, ..Default::default() };
    let mut opt = candle_nn::AdamW::new(varmap.all_vars(), params)?;

    let n = labels.len();
    let batch = cfg.batch_size.unwrap_or(n).min(n);
    let mut order: Vec<u32> = (0..n as u32).collect();
    let mut rng = SplitMix64::new(cfg.seed);
    for _ in 0..cfg.epochs {
        if batch < n {
            rng.shuffle(&mut order);
        }
        for chunk in order.chunks(batch) {
            let (bx, by) = if batch < n {
                let idx = Tensor::new(chunk, &dev)?;
                (xs.index_select(&idx, 0)?, ys.index_select(&idx, 0)?)
            } else {
                (xs.clone(), ys.clone())
            };
            let w: Vec<f32> = chunk.iter().map(|&i| sample_w[i as usize]).collect();
            opt.step(&cross_entropy_grads(&model, &bx, &by, &w)?)?;
        }
    }
    let bias = model.bias().map(Tensor::copy).transpose()?;
    let classifier = Linear::new(model.weight().copy()?, bias);
    Ok(LinearHead { scaler, classifier, in_dim, n_classes })
}

/// Repeated stratified cross-validation of [`train`]: the score of every held-out fold, and each
/// example's out-of-fold probabilities averaged over rounds.
pub fn cross_validate(
    features: &[Vec<f32>],
    labels: &[usize],
    n_classes: usize,
    plan: CrossFit,
    cfg: &TrainConfig,
) -> Result<CvScores> {
    check_data(features, labels, n_classes)?;
    let rows = |idx: &[usize]| idx.iter().map(|&i| features[i].clone()).collect::<Vec<_>>();
    let (oof_proba, held_out) = cross_fit(labels, plan, |train_idx, test_idx| {
        let gold: Vec<usize> = train_idx.iter().map(|&i| labels[i]).collect();
        train(&rows(train_idx), &gold, n_classes, cfg)?.predict_proba(&rows(test_idx))
    })?;
    Ok(CvScores::new(held_out_macro_f1(&held_out, labels, n_classes)?, oof_proba))
}

/// Gradients of the weighted mean cross-entropy `-Σ wᵢ log p(yᵢ) / Σ wᵢ` of softmax regression, in
/// closed form: `G = (softmax(XWᵀ + b) − Y) · wᵢ / Σw`, `∂W = GᵀX`, `∂b = Σᵢ Gᵢ`. Autograd gives the
/// same numbers but also builds the gradient of the constant features, an `[n, in_dim]` tensor per
/// step, which made a 20,000-term bag of words train five times slower.
fn cross_entropy_grads(model: &Linear, xs: &Tensor, one_hot: &Tensor, w: &[f32]) -> candle_core::Result<GradStore> {
    let total = w.iter().sum::<f32>().max(f32::MIN_POSITIVE);
    let scale = Tensor::from_vec(w.iter().map(|x| x / total).collect(), (w.len(), 1), xs.device())?;
    let probs = candle_nn::ops::softmax(&model.forward(xs)?, D::Minus1)?;
    let g = (probs - one_hot)?.broadcast_mul(&scale)?;
    let mut grads = GradStore::default();
    grads.insert(model.weight(), g.t()?.matmul(xs)?);
    if let Some(bias) = model.bias() {
        grads.insert(bias, g.sum(0)?);
    }
    Ok(grads)
}

/// Per-example weight `wᵢ · W / (n_classes · W[yᵢ])`, where `W` sums the weights (all 1 when
/// none are given) overall and `W[y]` per class: every class then carries the same total.
fn balanced_weights(labels: &[usize], weights: Option<&[f32]>, n_classes: usize) -> Vec<f32> {
    let weight = |i: usize| weights.map_or(1.0, |w| w[i]);
    let mut totals = vec![0f32; n_classes];
    labels.iter().enumerate().for_each(|(i, &y)| totals[y] += weight(i));
    let all: f32 = totals.iter().sum();
    labels.iter().enumerate().map(|(i, &y)| weight(i) * all / (n_classes as f32 * totals[y])).collect()
}

/// Column means and population standard deviations; a constant column gets std 1.
fn mean_std(rows: &[Vec<f32>], dim: usize) -> (Vec<f32>, Vec<f32>) {
    let n = rows.len() as f64;
    let (mut sum, mut sq) = (vec![0f64; dim], vec![0f64; dim]);
    for (j, &x) in rows.iter().flat_map(|r| r.iter().enumerate()) {
        sum[j] += f64::from(x);
        sq[j] += f64::from(x) * f64::from(x);
    }
    let mean: Vec<f64> = sum.iter().map(|s| s / n).collect();
    let std = sq.iter().zip(&mean).map(|(q, m)| (q / n - m * m).max(0.0).sqrt());
    let std = std.map(|s| if s > 1e-6 { s as f32 } else { 1.0 }).collect();
    (mean.into_iter().map(|m| m as f32).collect(), std)
}

/// Checks a training set and returns its feature length.
fn check_data(features: &[Vec<f32>], labels: &[usize], n_classes: usize) -> Result<usize> {
    let in_dim = features.first().map_or(0, Vec::len);
    let problem = if in_dim == 0 || n_classes < 2 {
        Some("need non-empty feature rows and at least two classes".to_string())
    } else if features.len() != labels.len() {
        Some(format!("{} feature rows but {} labels", features.len(), labels.len()))
    } else if let Some(i) = labels.iter().position(|&y| y >= n_classes) {
        Some(format!("example {i}: label {} but {n_classes} classes", labels[i]))
    } else {
        let bad = |r: &Vec<f32>| r.len() != in_dim || r.iter().any(|x| !x.is_finite());
        let i = features.iter().position(bad);
        i.map(|i| format!("feature row {i} has the wrong length or a non-finite value"))
    };
    problem.map_or(Ok(in_dim), |p| Err(Error::Other(format!("train: {p}"))))
}

/// Stacks rows of length `dim` into a `[rows, dim]` tensor; fails on a row of another length.
fn rows_to_tensor(rows: &[Vec<f32>], dim: usize, device: &Device) -> Result<Tensor> {
    if let Some(r) = rows.iter().find(|r| r.len() != dim) {
        let msg = format!("a feature row has {} values, the head expects {dim}", r.len());
        return Err(Error::Other(msg));
    }
    Ok(Tensor::from_vec(rows.concat(), (rows.len(), dim), device)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Three well-separated 2-D clusters plus a constant feature, `per_class` points each.
    fn toy(per_class: usize, seed: u64) -> (Vec<Vec<f32>>, Vec<usize>) {
        let centres = [(4.0, 0.0), (-4.0, 0.0), (0.0, 4.0)];
        let mut rng = SplitMix64::new(seed);
        let mut noise = || (rng.next_u64() % 1000) as f32 / 1000.0 - 0.5;
        (0..per_class * 3).map(|i| (vec![centres[i % 3].0 + noise(), centres[i % 3].1 + noise(), 1.0], i % 3)).unzip()
    }

    #[test]
    fn learns_a_separable_problem_deterministically_and_cross_validates() {
        let (xs, ys) = toy(20, 1);
        let minibatch = TrainConfig {
            class_weights: false,
            standardize: false,
            batch_size: Some(8),
            epochs: 50,
            ..TrainConfig::default()
        };
        for cfg in [TrainConfig::default(), minibatch] {
            let head = train(&xs, &ys, 3, &cfg).unwrap();
            assert_eq!((head.in_dim(), head.n_classes()), (3, 3));
            assert_eq!(head.predict(&xs).unwrap(), ys, "{cfg:?}");
            let p = head.predict_proba(&xs).unwrap();
            assert!((p[0].iter().sum::<f32>() - 1.0).abs() < 1e-5 && p[0][0] > 0.9);
            let again = train(&xs, &ys, 3, &cfg).unwrap();
            assert_eq!(again.predict_proba(&xs).unwrap(), p);
        }
        let plan = CrossFit { folds: 5, repeats: 2, seed: 9 };
        let cv = cross_validate(&xs, &ys, 3, plan, &TrainConfig::default()).unwrap();
        assert_eq!((cv.fold_macro_f1.len(), cv.mean_macro_f1), (10, 1.0));
        assert_eq!(cv.oof_proba.iter().map(|p| argmax(p)).collect::<Vec<_>>(), ys);
    }

    #[test]
    fn an_example_of_weight_two_counts_as_two_copies() {
        let (xs, ys) = toy(4, 3);
        // Unstandardised: the scaler would see the copy but not the weight.
        let cfg = TrainConfig { class_weights: false, standardize: false, epochs: 20, ..TrainConfig::default() };
        let mut weights = vec![1.0; xs.len()];
        weights[0] = 2.0;
        let weighted = train_weighted(&xs, &ys, Some(&weights), 3, &cfg).unwrap().predict_proba(&xs).unwrap();
        let copied = train(&[&xs[..1], &xs[..]].concat(), &[&ys[..1], &ys[..]].concat(), 3, &cfg).unwrap();
        for (a, b) in weighted.iter().flatten().zip(copied.predict_proba(&xs).unwrap().iter().flatten()) {
            assert!((a - b).abs() < 1e-5, "{a} vs {b}");
        }
        assert!(train_weighted(&xs, &ys, Some(&[1.0]), 3, &cfg).is_err());
        assert!(train_weighted(&xs, &ys, Some(&vec![0.0; xs.len()]), 3, &cfg).is_err());
    }

    #[test]
    fn closed_form_gradients_match_autograd() {
        let dev = Device::Cpu;
        let xs = Tensor::new(&[[1.0f32, 2.0], [0.5, -1.0], [3.0, 0.1]], &dev).unwrap();
        let ys = Tensor::new(&[1u32, 0, 2], &dev).unwrap();
        let one_hot = Tensor::new(&[[0.0f32, 1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0]], &dev).unwrap();
        let w = [0.5f32, 2.0, 1.0];
        let weight = candle_core::Var::new(&[[0.1f32, -0.2], [0.3, 0.0], [-0.1, 0.2]], &dev).unwrap();
        let bias = candle_core::Var::new(&[0.05f32, -0.05, 0.0], &dev).unwrap();
        let model = Linear::new(weight.as_tensor().clone(), Some(bias.as_tensor().clone()));
        let logp = candle_nn::ops::log_softmax(&model.forward(&xs).unwrap(), D::Minus1).unwrap();
        let picked = logp.gather(&ys.unsqueeze(1).unwrap(), 1).unwrap().squeeze(1).unwrap();
        let total = f64::from(w.iter().sum::<f32>());
        let loss = (picked * Tensor::new(&w, &dev).unwrap()).unwrap().sum_all().unwrap().affine(-1.0 / total, 0.0);
        let auto = loss.unwrap().backward().unwrap();
        let closed = cross_entropy_grads(&model, &xs, &one_hot, &w).unwrap();
        for var in [weight.as_tensor(), bias.as_tensor()] {
            let (a, c) = (auto.get(var).unwrap(), closed.get(var).unwrap());
            let diff = (a - c).unwrap().abs().unwrap().max_all().unwrap().to_scalar::<f32>().unwrap();
            assert!(diff < 1e-6, "{diff}");
        }
    }

    #[test]
    fn class_balancing_gives_every_class_the_same_total() {
        let third = 2.0 / 3.0;
        assert_eq!(balanced_weights(&[0, 0, 0, 1], None, 2), [third, third, third, 2.0]);
        // Weighted: class 0 carries 1 + 1 = 2, class 1 carries 4; each is scaled to carry 3.
        assert_eq!(balanced_weights(&[0, 0, 1], Some(&[1.0, 1.0, 4.0]), 2), [1.5, 1.5, 3.0]);
    }

    #[test]
    fn save_load_round_trip() {
        let (xs, ys) = toy(10, 4);
        let head = train(&xs, &ys, 3, &TrainConfig::default()).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("head.safetensors");
        head.save(&path).unwrap();
        let back = LinearHead::load_file(&path, &Device::Cpu).unwrap();
        let (p, q) = (back.predict_proba(&xs).unwrap(), head.predict_proba(&xs).unwrap());
        assert_eq!(p, q);
        let file = candle_core::safetensors::load(&path, &Device::Cpu).unwrap();
        let mut names: Vec<_> = file.into_keys().collect();
        names.sort();
        let weights = ["classifier.bias", "classifier.weight"];
        assert_eq!(names, [&weights[..], &["scaler.mean", "scaler.std"]].concat());
    }

    #[test]
    fn bad_data_is_an_error() {
        let (xs, ys) = toy(2, 6);
        let cfg = TrainConfig::default();
        assert!(train(&xs, &ys[1..], 3, &cfg).is_err());
        assert!(train(&xs, &vec![5; xs.len()], 3, &cfg).is_err());
        assert!(train(&[vec![1.0], vec![f32::NAN]], &[0, 1], 2, &cfg).is_err());
        assert!(train(&[vec![1.0], vec![1.0, 2.0]], &[0, 1], 2, &cfg).is_err());
        let mut zero_lr = cfg.clone();
        zero_lr.learning_rate = 0.0;
        assert!(train(&xs, &ys, 3, &zero_lr).is_err());
        let head = train(&xs, &ys, 3, &cfg).unwrap();
        assert!(head.predict_proba(&[vec![1.0]]).is_err());
        assert!(head.predict_proba(&[]).unwrap().is_empty());
        let dir = tempfile::tempdir().unwrap();
        let junk = dir.path().join("junk.safetensors");
        std::fs::write(&junk, b"not a model").unwrap();
        let err = LinearHead::load_file(&junk, &Device::Cpu);
        assert!(matches!(err, Err(Error::Config { .. })));
        let err = LinearHead::load_file(dir.path().join("none"), &Device::Cpu);
        assert!(matches!(err, Err(Error::Io { .. })));
    }
}
