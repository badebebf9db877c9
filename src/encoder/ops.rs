//! Fused CPU kernels behind candle's custom-op interface: a linear layer with its bias, GELU or
//! residual + layer norm applied in the same pass over the output, and attention over packed
//! (unpadded) sequences. Candle's generic ops spend most of BERT's time outside the big matrix
//! multiplies (separate scale, mask, softmax, transpose and bias passes, one small matmul per head
//! with its own thread fan-out); these do each step once, in cache.

use super::int8::QuantMatrix;
use candle_core::{bail, CpuStorage, CustomOp1, Layout, Result, Shape, Storage, Tensor};
use gemm::Parallelism;
use rayon::prelude::*;
use std::cell::Cell;

/// A linear layer's weight matrix, `(out, in)` as in the checkpoint.
pub enum Weights {
    /// Full-precision weights, multiplied with the `gemm` crate (what candle's matmul uses).
    F32(Tensor),
    /// Per-output-row int8 weights, multiplied with dynamically quantised activations.
    Int8(QuantMatrix),
}

/// Layer norm parameters.
pub struct Norm {
    /// Scale, one per feature.
    pub gamma: Vec<f32>,
    /// Shift, one per feature.
    pub beta: Vec<f32>,
    /// Added to the variance.
    pub eps: f32,
}

/// What happens to each output row of `x·Wᵀ + b` before it is written back.
pub enum Epilogue<'a> {
    /// Nothing more.
    None,
    /// Exact (erf) GELU.
    Gelu,
    /// `LayerNorm(y + residual)`.
    ResidualNorm(&'a Tensor, &'a Norm),
}

/// `epilogue(x·Wᵀ + b)` for a contiguous `(rows, in)` input.
pub struct LinearOp<'a> {
    /// The weights.
    pub weights: &'a Weights,
    /// The bias, one per output.
    pub bias: &'a [f32],
    /// The fused step after the bias.
    pub epilogue: Epilogue<'a>,
}

/// The contents of a contiguous f32 CPU tensor.
fn f32_slice<'t>(storage: &'t Storage, layout: &Layout) -> Result<&'t [f32]> {
    match (storage, layout.contiguous_offsets()) {
        (Storage::Cpu(CpuStorage::F32(data)), Some((start, end))) => Ok(&data[start..end]),
        _ => bail!("expected a contiguous f32 CPU tensor"),
    }
}

/// A custom op's input: a contiguous f32 matrix, with its rows and columns.
fn matrix<'t>(storage: &'t CpuStorage, layout: &Layout) -> Result<(&'t [f32], usize, usize)> {
    match (storage, layout.contiguous_offsets(), layout.shape().dims()) {
        (CpuStorage::F32(data), Some((start, end)), &[rows, cols]) => Ok((&data[start..end], rows, cols)),
        (_, _, dims) => bail!("expected a contiguous f32 matrix, got shape {dims:?}"),
    }
}

thread_local! {
    /// Set while this thread runs a forward pass of its own (see [`on_this_thread`]).
    static ON_THIS_THREAD: Cell<bool> = const { Cell::new(false) };
}

/// Runs `f` with its matrix multiplies kept on the calling thread: for callers that already keep
/// every thread busy with work of its own, where splitting each multiply would only add waiting.
pub fn on_this_thread<R>(f: impl FnOnce() -> R) -> R {
    let previous = ON_THIS_THREAD.with(|flag| flag.replace(true));
    let result = f();
    ON_THIS_THREAD.with(|flag| flag.set(previous));
    result
}

/// How a matrix multiply may use the rayon pool it runs in.
fn parallelism() -> Parallelism {
    match rayon::current_num_threads() {
        _ if ON_THIS_THREAD.with(Cell::get) => Parallelism::None,
        0 | 1 => Parallelism::None,
        n => Parallelism::Rayon(n),
    }
}

/// `dst = a·bᵀ` (row-major `a: (m, k)`, `b: (n, k)`, `dst: (m, n)`) with explicit row strides, so
/// heads can be read straight out of the fused QKV rows.
#[allow(clippy::too_many_arguments)]
fn gemm_abt(
    m: usize,
    n: usize,
    k: usize,
    a: &[f32],
    a_rs: usize,
    b: &[f32],
    b_rs: usize,
    dst: *mut f32,
    dst_rs: usize,
    par: Parallelism,
) {
    assert!(m == 0 || a.len() >= (m - 1) * a_rs + k);
    assert!(n == 0 || b.len() >= (n - 1) * b_rs + k);
    // SAFETY: the asserts bound every read; callers hand a `dst` valid for `m` rows of `dst_rs`.
    unsafe {
        gemm::gemm(
            m,
            n,
            k,
            dst,
            1,
            dst_rs as isize,
            false,
            a.as_ptr(),
            1,
            a_rs as isize,
            b.as_ptr(),
            b_rs as isize,
            1,
            0.0,
            1.0,
            false,
            false,
            false,
            par,
        );
    }
}

impl CustomOp1 for LinearOp<'_> {
    fn name(&self) -> &'static str {
        "stance-linear"
    }

    fn cpu_fwd(&self, storage: &CpuStorage, layout: &Layout) -> Result<(CpuStorage, Shape)> {
        let (x, rows, inner) = matrix(storage, layout)?;
        let out = self.bias.len();
        if out == 0 {
            bail!("linear: no outputs");
        }
        let mut y = vec![0.0f32; rows * out];
        match self.weights {
            Weights::F32(w) => {
                let (storage, layout) = w.storage_and_layout();
                let w = f32_slice(&storage, layout)?;
                if w.len() != out * inner {
                    bail!("linear: weights are not ({out}, {inner})");
                }
                gemm_abt(rows, out, inner, x, inner, w, inner, y.as_mut_ptr(), out, parallelism());
            }
            Weights::Int8(w) => w.matmul(x, rows, &mut y)?,
        }
        let residual = match &self.epilogue {
            Epilogue::ResidualNorm(r, _) => Some(r.storage_and_layout()),
            _ => None,
        };
        let residual = residual.as_ref().map(|(s, l)| f32_slice(s, l)).transpose()?;
        if residual.is_some_and(|r| r.len() != y.len()) {
            bail!("linear: residual shape differs from the output");
        }
        let (gelu, norm) = match &self.epilogue {
            Epilogue::None => (false, None),
            Epilogue::Gelu => (true, None),
            Epilogue::ResidualNorm(_, norm) => (false, Some(*norm)),
        };
        let rows_per_task = (4096 / out).max(1);
        y.par_chunks_mut(rows_per_task * out).enumerate().for_each(|(i, chunk)| {
            let residual = residual.map(|r| &r[i * rows_per_task * out..][..chunk.len()]);
            math::finish_rows(chunk, self.bias, gelu, residual, norm);
        });
        Ok((CpuStorage::F32(y), Shape::from((rows, out))))
    }
}

/// Multi-head self-attention over packed sequences: the input is the fused `(tokens, 3·hidden)`
/// QKV projection of sequences laid end to end (queries already scaled by `1/√head_dim`), the
/// output `(tokens, hidden)`. Each sequence attends only within itself, so padding is never
/// computed and no mask is needed.
pub struct Attention<'a> {
    /// Token count of each packed sequence, in order.
    pub lengths: &'a [usize],
    /// Number of heads.
    pub heads: usize,
    /// A bias added to every score by the relative position of key and query (MPNet), or none (BERT).
    pub bias: Option<&'a RelativeBias>,
}

/// An attention bias that depends only on the distance `j - i` of key `j` from query `i` and on
/// the head: `table[h · (2·span + 1) + (j - i + span)]`, for sequences of up to `span + 1` tokens.
pub struct RelativeBias {
    /// One row of `2·span + 1` values per head.
    pub table: Vec<f32>,
    /// Longest distance either way.
    pub span: usize,
}

/// A raw output pointer shared by tasks that write disjoint parts of one buffer.
#[derive(Clone, Copy)]
struct SharedOut(*mut f32);

impl SharedOut {
    /// The pointer `offset` elements in (a method, so closures capture the `Send` wrapper).
    ///
    /// # Safety
    /// `offset` must lie within the buffer.
    unsafe fn at(self, offset: usize) -> *mut f32 {
        // SAFETY: the caller keeps `offset` in bounds.
        unsafe { self.0.add(offset) }
    }
}
// SAFETY: every task writes a disjoint (sequence, head) block of the buffer.
unsafe impl Send for SharedOut {}
// SAFETY: as above: no two tasks touch the same element.
unsafe impl Sync for SharedOut {}

impl CustomOp1 for Attention<'_> {
    fn name(&self) -> &'static str {
        "stance-attention"
    }

    fn cpu_fwd(&self, storage: &CpuStorage, layout: &Layout) -> Result<(CpuStorage, Shape)> {
        let (qkv, tokens, width) = matrix(storage, layout)?;
        let hidden = width / 3;
        if !width.is_multiple_of(3)
            || !hidden.is_multiple_of(self.heads)
            || self.lengths.iter().sum::<usize>() != tokens
            || self.bias.is_some_and(|b| {
                b.table.len() != self.heads * (2 * b.span + 1) || self.lengths.iter().any(|&l| l > b.span + 1)
            })
        {
            bail!("attention: {tokens}×{width} does not fit {} heads over {:?}", self.heads, self.lengths);
        }
        let head_dim = hidden / self.heads;
        let mut out = vec![0.0f32; tokens * hidden];
        let dst = SharedOut(out.as_mut_ptr());
        let starts = self.lengths.iter().scan(0, |s, &l| {
            *s += l;
            Some(*s - l)
        });
        let tasks: Vec<(usize, usize, usize)> =
            starts.zip(self.lengths).flat_map(|(start, &len)| (0..self.heads).map(move |h| (start, len, h))).collect();
        tasks.into_par_iter().for_each(|(start, len, h)| {
            let rows = &qkv[start * width..(start + len) * width];
            let (q, k, v) = (&rows[h * head_dim..], &rows[hidden + h * head_dim..], &rows[2 * hidden + h * head_dim..]);
            let mut scores = vec![0.0f32; len * len];
            gemm_abt(len, len, head_dim, q, width, k, width, scores.as_mut_ptr(), len, Parallelism::None);
            if let Some(bias) = self.bias {
                let row = &bias.table[h * (2 * bias.span + 1)..(h + 1) * (2 * bias.span + 1)];
                for (i, scores) in scores.chunks_exact_mut(len).enumerate() {
                    // Key j sits at distance j - i: entries span - i .. span - i + len of the row.
                    let row = &row[bias.span - i..bias.span - i + len];
                    scores.iter_mut().zip(row).for_each(|(s, b)| *s += b);
                }
            }
            math::softmax_rows(&mut scores, len);
            // SAFETY: rows `start..start + len`, columns of head `h`: this task's block alone.
            let out = unsafe { dst.at(start * hidden + h * head_dim) };
            // out = P·V, V's rows read `width` apart straight out of the QKV rows.
            // SAFETY: `v` holds `len` rows of `width`; `out` is valid for `len` rows of `hidden`.
            unsafe {
                gemm::gemm(
                    len,
                    head_dim,
                    len,
                    out,
                    1,
                    hidden as isize,
                    false,
                    scores.as_ptr(),
                    1,
                    len as isize,
                    v.as_ptr(),
                    1,
                    width as isize,
                    0.0,
                    1.0,
                    false,
                    false,
                    false,
                    Parallelism::None,
                );
            }
        });
        Ok((CpuStorage::F32(out), Shape::from((tokens, hidden))))
    }
}

/// Vectorisable float kernels: branch-free polynomial `exp` and `erf`, softmax, layer norm.
pub mod math {
    use super::super::dispatch::multiversion;
    use super::Norm;

    const LANES: usize = 8;

    /// Sum with eight independent accumulators, so it vectorises.
    #[inline(always)]
    fn sum(xs: &[f32]) -> f32 {
        let mut acc = [0.0f32; LANES];
        let chunks = xs.chunks_exact(LANES);
        let tail: f32 = chunks.remainder().iter().sum();
        for c in chunks {
            for (a, v) in acc.iter_mut().zip(c) {
                *a += v;
            }
        }
        acc.iter().sum::<f32>() + tail
    }

    /// `eˣ` to about 2 ulp (Cephes' polynomial after reduction by ln 2), flushed to 0 below -87.
    #[inline(always)]
    pub fn exp(x: f32) -> f32 {
        // Adding 1.5·2²³ rounds to an integer held in the low mantissa bits: `n = round(x·log₂e)`
        // without a float-to-int conversion, and with the exponent bias 127 added, `2ⁿ`'s bits.
        const SHIFT: f32 = 12_582_912.0 + 127.0;
        let underflow = x < -87.0;
        let x = x.clamp(-87.0, 88.0);
        let j = x * std::f32::consts::LOG2_E + SHIFT;
        let n = j - SHIFT;
        let r = x - n * 0.693_359_4 + n * 2.121_944_4e-4;
        let mut p = 1.987_569_1e-4f32;
        for c in [1.398_199_9e-3, 8.333_452e-3, 4.166_579_6e-2, 0.166_666_65, 0.5] {
            p = p * r + c;
        }
        let y = p * r * r + r + 1.0;
        let y = y * f32::from_bits(j.to_bits() << 23);
        if underflow {
            0.0
        } else {
            y
        }
    }

    /// The error function to a few ulp (Eigen's rational approximation on [-4, 4]).
    #[inline(always)]
    pub fn erf(x: f32) -> f32 {
        let x = x.clamp(-4.0, 4.0);
        let x2 = x * x;
        let mut p = -2.726_142_3e-10f32;
        for c in [2.770_681_4e-8, -2.101_024e-6, -5.692_506_4e-5, -7.349_906_3e-4, -2.9546e-3, -1.609_603_3e-2] {
            p = p * x2 + c;
        }
        let mut q = -1.456_607_2e-5f32;
        for c in [-2.133_740_6e-4, -1.682_827e-3, -7.373_329e-3, -1.426_474e-2] {
            q = q * x2 + c;
        }
        x * p / q
    }

    /// GELU as BERT defines it: `x·Φ(x)` with the exact error function.
    #[inline(always)]
    pub fn gelu(x: f32) -> f32 {
        0.5 * x * (1.0 + erf(x * std::f32::consts::FRAC_1_SQRT_2))
    }

    /// In-place softmax of one row.
    #[inline(always)]
    fn softmax(row: &mut [f32]) {
        let mut lanes = [f32::NEG_INFINITY; LANES];
        let chunks = row.chunks_exact(LANES);
        let mut max = chunks.remainder().iter().fold(f32::NEG_INFINITY, |m, &v| m.max(v));
        for c in chunks {
            for (m, &v) in lanes.iter_mut().zip(c) {
                *m = if v > *m { v } else { *m };
            }
        }
        for m in lanes {
            max = max.max(m);
        }
        for v in row.iter_mut() {
            *v = exp(*v - max);
        }
        let inv = 1.0 / sum(row);
        for v in row.iter_mut() {
            *v *= inv;
        }
    }

    /// In-place layer norm of one row.
    #[inline(always)]
    fn layer_norm(row: &mut [f32], norm: &Norm) {
        let n = row.len() as f32;
        let mean = sum(row) / n;
        for v in row.iter_mut() {
            *v -= mean;
        }
        let mut squares = [0.0f32; LANES];
        let chunks = row.chunks_exact(LANES);
        let tail: f32 = chunks.remainder().iter().map(|v| v * v).sum();
        for c in chunks {
            for (a, v) in squares.iter_mut().zip(c) {
                *a += v * v;
            }
        }
        let var = (squares.iter().sum::<f32>() + tail) / n;
        let inv = 1.0 / (var + norm.eps).sqrt();
        for ((v, g), b) in row.iter_mut().zip(&norm.gamma).zip(&norm.beta) {
            *v = *v * inv * g + b;
        }
    }

    multiversion! {
        /// In-place softmax of each `len`-long row.
        pub fn softmax_rows(rows: &mut [f32], len: usize) {
            for row in rows.chunks_exact_mut(len) {
                softmax(row);
            }
        }
    }

    multiversion! {
        /// In-place layer norm of each row.
        pub fn layer_norm_rows(rows: &mut [f32], norm: &Norm) {
            for row in rows.chunks_exact_mut(norm.gamma.len()) {
                layer_norm(row, norm);
            }
        }
    }

    multiversion! {
        /// A linear layer's epilogue on whole output rows: adds the bias, then applies GELU, or
        /// adds the residual and layer-normalises.
        pub fn finish_rows(rows: &mut [f32], bias: &[f32], gelu: bool, residual: Option<&[f32]>, norm: Option<&Norm>) {
            for (i, row) in rows.chunks_exact_mut(bias.len()).enumerate() {
                for (v, b) in row.iter_mut().zip(bias) {
                    *v += b;
                }
                if gelu {
                    for v in row.iter_mut() {
                        *v = self::gelu(*v);
                    }
                }
                if let Some(residual) = residual {
                    for (v, r) in row.iter_mut().zip(&residual[i * bias.len()..]) {
                        *v += r;
                    }
                }
                if let Some(norm) = norm {
                    layer_norm(row, norm);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{math, on_this_thread, parallelism};
    use gemm::Parallelism;

    #[test]
    fn on_this_thread_keeps_multiplies_serial_only_inside() {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(2).build().unwrap();
        pool.install(|| {
            assert!(matches!(parallelism(), Parallelism::Rayon(2)));
            on_this_thread(|| {
                assert!(matches!(parallelism(), Parallelism::None));
                on_this_thread(|| assert!(matches!(parallelism(), Parallelism::None)));
                assert!(matches!(parallelism(), Parallelism::None), "the inner call restores, not clears");
            });
            assert!(matches!(parallelism(), Parallelism::Rayon(2)));
        });
    }

    #[test]
    fn exp_matches_std() {
        for i in -2000..=800 {
            let x = i as f32 * 0.05;
            let (got, want) = (math::exp(x), x.exp());
            assert!((got - want).abs() <= 4.0 * f32::EPSILON * want + 1e-37, "exp({x}) = {got}, want {want}");
        }
        assert_eq!(math::exp(-1000.0), 0.0);
    }

    #[test]
    fn erf_matches_reference_values() {
        // Values of Python's `math.erf`.
        let reference = [
            (0.0, 0.0),
            (0.1, 0.112_462_916),
            (0.5, 0.520_499_9),
            (1.0, 0.842_700_8),
            (1.5, 0.966_105_16),
            (2.0, 0.995_322_3),
            (3.0, 0.999_977_9),
            (5.0, 1.0),
        ];
        for (x, want) in reference {
            assert!((math::erf(x) - want).abs() < 2e-7, "erf({x}) = {}", math::erf(x));
            assert!((math::erf(-x) + want).abs() < 2e-7);
        }
    }

    #[test]
    fn softmax_sums_to_one() {
        let mut row = [1.0, 2.0, 3.0, -1e30, 0.5, 0.0, 7.0, 1.0, 2.0];
        math::softmax_rows(&mut row, 9);
        assert!((row.iter().sum::<f32>() - 1.0).abs() < 1e-6);
        assert_eq!(row[3], 0.0);
        assert!((row[6] / row[2] - 4.0f32.exp()).abs() < 1e-4);
    }
}
