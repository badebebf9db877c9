//! Int8 matrix multiply for [`Precision::Int8`](super::Precision::Int8): weights quantised once at
//! load, symmetrically per output row to [-127, 127]; activations quantised at run time per input
//! row (token); products summed exactly in i32 and rescaled by the two scales.
//!
//! Values are held in `i16` lanes: AVX2 has no signed 8×8-bit multiply-add, and `vpmaddwd` on
//! 16-bit lanes gives exact sums without the saturation of `vpmaddubsw`. Since the lanes are 16
//! bits wide anyway, activations get 12 bits ([-2047, 2047]) at no extra cost: rounding of the
//! activations, not of the weights, was most of int8's error (min cosine to f32 0.9937 with 8-bit
//! activations, 0.9992 with 12). Weights are packed at load so the kernel broadcasts a pair of
//! activations and multiplies it with one register holding that pair's weights for eight outputs:
//! no horizontal sums, and each tile's outputs come out as whole rows. The kernel is chosen at run time:
//! AVX-512 VNNI (`vpdpwssd`, multiply and add in one instruction), else AVX2, else a portable one; all
//! compute the same exact sums, so results do not depend on the CPU.

use super::dispatch::multiversion;
use candle_core::{bail, Result};
use rayon::prelude::*;

/// Activation rows per tile.
const MR: usize = 6;
/// Outputs per tile (two AVX2 registers of eight `i32` sums).
const NR: usize = 16;
/// Activation rows per parallel task (a multiple of [`MR`]).
const BLOCK: usize = 48;

/// A `(rows, cols)` weight matrix quantised per row and packed in tiles of [`NR`] rows: for each
/// pair of inputs `p`, the tile stores `(w[r][2p], w[r][2p + 1])` for its rows `r` in order.
pub struct QuantMatrix {
    rows: usize,
    cols: usize,
    /// Pairs of inputs per row (`cols` rounded up to even, halved).
    pairs: usize,
    /// `rows.div_ceil(NR)` tiles of `pairs · 2 · NR` values.
    packed: Vec<i16>,
    /// One scale per row, zero-padded to whole tiles: `value · scale ≈ weight`.
    scales: Vec<f32>,
}

/// Levels either side of zero of a quantised weight.
const WEIGHT_LEVELS: f32 = 127.0;

/// Levels either side of zero of a quantised activation: 12 bits, fewer if `cols` products of
/// the largest weight and activation could overflow an `i32` sum.
fn activation_levels(cols: usize) -> f32 {
    let limit = i32::MAX as f32 / (WEIGHT_LEVELS * cols.next_multiple_of(2) as f32);
    limit.floor().clamp(1.0, 2047.0)
}

multiversion! {
    /// Quantises `src` into `dst` (same length or longer, zero-filled) to `levels` either side
    /// of zero; returns the scale.
    fn quantize_row(src: &[f32], dst: &mut [i16], levels: f32) -> f32 {
        // Branch-free and lane-wise, so it vectorises: max |x| over eight lanes, then rounding to
        // nearest by adding 1.5·2²³, which leaves the integer in the low mantissa bits.
        const SHIFT: f32 = 12_582_912.0;
        let mut lanes = [0.0f32; 8];
        let chunks = src.chunks_exact(8);
        let tail = chunks.remainder().iter().fold(0.0f32, |m, v| m.max(v.abs()));
        for chunk in chunks {
            for (m, v) in lanes.iter_mut().zip(chunk) {
                let a = v.abs();
                *m = if a > *m { a } else { *m };
            }
        }
        let amax = lanes.iter().fold(tail, |m, &v| m.max(v));
        if amax == 0.0 || !amax.is_finite() {
            return 0.0;
        }
        let inv = levels / amax;
        for (d, s) in dst.iter_mut().zip(src) {
            *d = ((s * inv + SHIFT).to_bits() as i32 - SHIFT.to_bits() as i32) as i16;
        }
        amax / levels
    }
}

/// Quantises the rows of a row-major `(rows, cols)` matrix into `padded_rows` rows of
/// `cols.next_multiple_of(2)` values, zeros beyond; returns the values and one scale per row.
fn quantize(src: &[f32], rows: usize, cols: usize, padded_rows: usize, levels: f32) -> (Vec<i16>, Vec<f32>) {
    let stride = cols.next_multiple_of(2);
    let mut values = vec![0i16; padded_rows * stride];
    let mut scales = vec![0.0f32; padded_rows];
    values
        .par_chunks_mut(stride)
        .zip(scales.par_iter_mut())
        .take(rows)
        .zip(src.par_chunks(cols))
        .with_min_len(16)
        .for_each(|((dst, scale), src)| *scale = quantize_row(src, dst, levels));
    (values, scales)
}

impl QuantMatrix {
    /// Quantises and packs a row-major `(rows, cols)` weight matrix (PyTorch's `(out, in)`).
    pub fn new(weights: &[f32], rows: usize, cols: usize) -> Result<Self> {
        if weights.len() != rows * cols || rows == 0 || cols == 0 {
            bail!("int8: {} weights are not {rows}×{cols}", weights.len());
        }
        let pairs = cols.div_ceil(2);
        let (values, scales) = quantize(weights, rows, cols, rows.next_multiple_of(NR), WEIGHT_LEVELS);
        let mut packed = vec![0i16; values.len()];
        packed.par_chunks_mut(2 * pairs * NR).zip(values.par_chunks(2 * pairs * NR)).for_each(|(tile, rows)| {
            for (r, row) in rows.chunks_exact(2 * pairs).enumerate() {
                for (p, pair) in row.chunks_exact(2).enumerate() {
                    tile[(p * NR + r) * 2..][..2].copy_from_slice(pair);
                }
            }
        });
        Ok(QuantMatrix { rows, cols, pairs, packed, scales })
    }

    /// `y = x·Wᵀ` for a row-major `(m, cols)` input `x`; `y` is `(m, rows)`.
    pub fn matmul(&self, x: &[f32], m: usize, y: &mut [f32]) -> Result<()> {
        let n = self.rows;
        if x.len() != m * self.cols || y.len() != m * n {
            bail!("int8: cannot multiply {m}×{} by {}×{}", self.cols, n, self.cols);
        }
        let (xq, xs) = quantize(x, m, self.cols, m.next_multiple_of(MR), activation_levels(self.cols));
        let stride = 2 * self.pairs;
        let kernel = Kernel::detect();
        // Each task takes a block of rows through every weight tile, so a tile's packed weights
        // stay in cache while the block's activation tiles stream past them.
        y.par_chunks_mut(BLOCK * n).enumerate().for_each(|(b, y)| {
            let rows = y.len() / n;
            for (t, w) in self.packed.chunks_exact(stride * NR).enumerate() {
                let ws = &self.scales[t * NR..(t + 1) * NR];
                let cols = (n - t * NR).min(NR);
                for i in (0..rows).step_by(MR) {
                    let first = b * BLOCK + i;
                    let x = &xq[first * stride..(first + MR) * stride];
                    let out = tile(x, w, &xs[first..first + MR], ws, kernel);
                    for (r, out) in out.iter().enumerate().take(rows - i) {
                        y[(i + r) * n + t * NR..][..cols].copy_from_slice(&out[..cols]);
                    }
                }
            }
        });
        Ok(())
    }
}

/// The tile kernels this CPU can run, fastest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kernel {
    /// AVX-512 with VNNI: `vpdpwssd` multiplies and accumulates 16-bit pairs in one instruction.
    Avx512Vnni,
    /// AVX2: `vpmaddwd` then `vpaddd`.
    Avx2,
    /// Plain Rust.
    Portable,
}

impl Kernel {
    fn detect() -> Kernel {
        #[cfg(target_arch = "x86_64")]
        {
            if std::is_x86_feature_detected!("avx512f")
                && std::is_x86_feature_detected!("avx512bw")
                && std::is_x86_feature_detected!("avx512vnni")
            {
                return Kernel::Avx512Vnni;
            }
            if std::is_x86_feature_detected!("avx2") {
                return Kernel::Avx2;
            }
        }
        Kernel::Portable
    }
}

/// One tile: `MR` activation rows (`x`, row-major, scales `xs`) times one packed weight tile
/// (`w`, row scales `ws`), rescaled to f32, with `kernel` (which must be one this CPU runs).
/// Every kernel computes the same exact integer sums and the same float rescaling.
fn tile(x: &[i16], w: &[i16], xs: &[f32], ws: &[f32], kernel: Kernel) -> [[f32; NR]; MR] {
    assert!(x.len() * NR == w.len() * MR && xs.len() == MR && ws.len() == NR);
    match kernel {
        // SAFETY: the features were detected by `Kernel::detect` and the assert above checked the
        // tile shapes.
        #[cfg(target_arch = "x86_64")]
        Kernel::Avx512Vnni => unsafe { avx512::tile(x, w, xs, ws) },
        // SAFETY: as above.
        #[cfg(target_arch = "x86_64")]
        Kernel::Avx2 => unsafe { avx2::tile(x, w, xs, ws) },
        _ => portable_tile(x, w, xs, ws),
    }
}

/// [`tile`] in plain Rust.
fn portable_tile(x: &[i16], w: &[i16], xs: &[f32], ws: &[f32]) -> [[f32; NR]; MR] {
    let stride = x.len() / MR;
    let mut acc = [[0i32; NR]; MR];
    for (p, w) in w.chunks_exact(2 * NR).enumerate() {
        for (acc, x) in acc.iter_mut().zip(x.chunks_exact(stride)) {
            let (a, b) = (i32::from(x[2 * p]), i32::from(x[2 * p + 1]));
            for (s, w) in acc.iter_mut().zip(w.chunks_exact(2)) {
                *s += a * i32::from(w[0]) + b * i32::from(w[1]);
            }
        }
    }
    let mut out = [[0.0f32; NR]; MR];
    for ((out, acc), &x) in out.iter_mut().zip(&acc).zip(xs) {
        for ((o, &s), &w) in out.iter_mut().zip(acc).zip(ws) {
            *o = s as f32 * w * x;
        }
    }
    out
}

#[cfg(target_arch = "x86_64")]
mod avx2 {
    use super::{MR, NR};
    use std::arch::x86_64::*;

    /// [`super::portable_tile`] with `vpmaddwd`: a broadcast pair of activations times the
    /// weights of that pair for eight outputs, summed into eight `i32` lanes.
    ///
    /// # Safety
    /// The CPU must support AVX2; `x` holds `MR` rows of `2·pairs` values, `w` `pairs · 2 · NR`
    /// packed values, `xs` `MR` and `ws` `NR` scales.
    #[target_feature(enable = "avx2")]
    pub unsafe fn tile(x: &[i16], w: &[i16], xs: &[f32], ws: &[f32]) -> [[f32; NR]; MR] {
        let pairs = x.len() / MR / 2;
        let (xp, wp) = (x.as_ptr().cast::<i32>(), w.as_ptr().cast::<__m256i>());
        let mut acc = [[_mm256_setzero_si256(); 2]; MR];
        for p in 0..pairs {
            // SAFETY (all reads): within the lengths the caller guarantees.
            let (w0, w1) = unsafe { (_mm256_loadu_si256(wp.add(2 * p)), _mm256_loadu_si256(wp.add(2 * p + 1))) };
            for (i, acc) in acc.iter_mut().enumerate() {
                let xv = _mm256_set1_epi32(unsafe { xp.add(i * pairs + p).read_unaligned() });
                acc[0] = _mm256_add_epi32(acc[0], _mm256_madd_epi16(xv, w0));
                acc[1] = _mm256_add_epi32(acc[1], _mm256_madd_epi16(xv, w1));
            }
        }
        let ws = unsafe { [_mm256_loadu_ps(ws.as_ptr()), _mm256_loadu_ps(ws.as_ptr().add(8))] };
        let mut out = [[0.0f32; NR]; MR];
        for ((out, acc), &x) in out.iter_mut().zip(&acc).zip(xs) {
            let x = _mm256_set1_ps(x);
            for (h, (&a, w)) in acc.iter().zip(&ws).enumerate() {
                let v = _mm256_mul_ps(_mm256_mul_ps(_mm256_cvtepi32_ps(a), *w), x);
                unsafe { _mm256_storeu_ps(out.as_mut_ptr().add(8 * h), v) };
            }
        }
        out
    }
}

#[cfg(target_arch = "x86_64")]
mod avx512 {
    use super::{MR, NR};
    use std::arch::x86_64::*;

    /// [`super::avx2::tile`] with one 512-bit register per activation row: a broadcast pair of
    /// activations times the pair's weights for all sixteen outputs, multiplied and summed into
    /// sixteen `i32` lanes by one `vpdpwssd` (exact: no saturation).
    ///
    /// # Safety
    /// The CPU must support AVX-512F, AVX-512BW and AVX-512 VNNI; shapes as for the AVX2 kernel.
    #[target_feature(enable = "avx512f,avx512bw,avx512vnni")]
    pub unsafe fn tile(x: &[i16], w: &[i16], xs: &[f32], ws: &[f32]) -> [[f32; NR]; MR] {
        let pairs = x.len() / MR / 2;
        let (xp, wp) = (x.as_ptr().cast::<i32>(), w.as_ptr().cast::<__m512i>());
        let mut acc = [_mm512_setzero_si512(); MR];
        for p in 0..pairs {
            // SAFETY (all reads): within the lengths the caller guarantees.
            let wv = unsafe { _mm512_loadu_si512(wp.add(p)) };
            for (i, acc) in acc.iter_mut().enumerate() {
                let xv = _mm512_set1_epi32(unsafe { xp.add(i * pairs + p).read_unaligned() });
                *acc = _mm512_dpwssd_epi32(*acc, xv, wv);
            }
        }
        let ws = unsafe { _mm512_loadu_ps(ws.as_ptr()) };
        let mut out = [[0.0f32; NR]; MR];
        for ((out, acc), &x) in out.iter_mut().zip(&acc).zip(xs) {
            let v = _mm512_mul_ps(_mm512_mul_ps(_mm512_cvtepi32_ps(*acc), ws), _mm512_set1_ps(x));
            unsafe { _mm512_storeu_ps(out.as_mut_ptr(), v) };
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matrix(rows: usize, cols: usize, seed: u32) -> Vec<f32> {
        (0..rows * cols)
            .map(|i| ((i as u32).wrapping_mul(2_654_435_761).wrapping_add(seed) >> 8) as f32 / (1 << 24) as f32 - 0.5)
            .collect()
    }

    #[test]
    fn int8_matmul_is_close_to_f32_for_ragged_shapes() {
        for (m, k, n) in [(1, 5, 1), (7, 40, 11), (53, 384, 37)] {
            let (x, w) = (matrix(m, k, 1), matrix(n, k, 7));
            let q = QuantMatrix::new(&w, n, k).unwrap();
            let mut y = vec![0.0; m * n];
            q.matmul(&x, m, &mut y).unwrap();
            for i in 0..m {
                for j in 0..n {
                    let exact: f32 = (0..k).map(|p| x[i * k + p] * w[j * k + p]).sum();
                    let bound = 0.01 * (k as f32).sqrt();
                    assert!(
                        (y[i * n + j] - exact).abs() < bound,
                        "({m},{k},{n})[{i},{j}]: {} vs {exact}",
                        y[i * n + j]
                    );
                }
            }
        }
    }

    #[test]
    fn kernels_agree_exactly() {
        let pairs = 40;
        let x: Vec<i16> = (0..MR * 2 * pairs).map(|i| ((i * 37) % 255) as i16 - 127).collect();
        let w: Vec<i16> = (0..NR * 2 * pairs).map(|i| ((i * 91) % 255) as i16 - 127).collect();
        let (xs, ws): (Vec<f32>, Vec<f32>) =
            ((1..=MR).map(|s| s as f32).collect(), (1..=NR).map(|s| 1.0 / s as f32).collect());
        let portable = portable_tile(&x, &w, &xs, &ws);
        for kernel in [Kernel::Avx512Vnni, Kernel::Avx2, Kernel::Portable] {
            if kernel >= Kernel::detect() {
                assert_eq!(tile(&x, &w, &xs, &ws, kernel), portable, "{kernel:?}");
            }
        }
        let first: i32 = (0..pairs)
            .map(|p| {
                i32::from(x[2 * p]) * i32::from(w[2 * p * NR]) + i32::from(x[2 * p + 1]) * i32::from(w[2 * p * NR + 1])
            })
            .sum();
        assert_eq!(portable[0][0], first as f32);
    }
}
