//! The tools' embeddings side by side in 8 bits per component, for the dense signal's scan
//! of the whole catalog: [`VectorRows::scan`] bounds each tool's similarity to the request
//! from its row, and only a tool whose bound can reach the candidates is compared exactly,
//! with its f32 vector (its document's).
//!
//! Why 8 bits: the scan reads every row for every request. In f32 the rows of 10,000 tools
//! are 15 MB, which pushes the model's weights (14 MB at int8) out of this machine's 32 MB
//! last-level cache, so the next request's embedding reads them from memory again: a
//! request embedded right after reading 16 MB took 6.8 ms p50 instead of 5.1 (7.3 instead
//! of 5.9 in another run; a scratch bench, 2026-12-06). In 8 bits the rows are 3.8 MB,
//! and the integer products vectorise well: a scan of 10,000 rows took 0.34 ms against
//! 0.7-1.1 ms in f32 (same runs). The ranking is that of the f32
//! vectors: the bound is exact (see [`VectorRows::scan`]), and the similarity a candidate
//! is ranked by is always computed in f32.

use std::cell::Cell;

/// Components of a row summed in this many independent lanes, so that the products of
/// one row vectorise (one running sum would be a chain of dependent adds).
const LANES: usize = 16;

/// What the scan keeps of a row beside its components.
#[derive(Clone, Copy, Default)]
struct Row {
    /// The vector is `scale * codes` up to half a `scale` per component; 0 for a slot
    /// without a vector.
    scale: f32,
    /// `scale` times the sum of the codes' magnitudes: the error bound's second term.
    spread: f32,
    present: bool,
}

/// One row of `dimensions` 8-bit codes per slot, the row of slot `s` at `s * dimensions`.
#[derive(Default)]
pub(super) struct VectorRows {
    /// Set by the first vector stored; a vector of another length is not stored (its tool
    /// is found by words only, as a tool without a vector).
    dimensions: usize,
    codes: Vec<i8>,
    rows: Vec<Row>,
}

/// A vector in 8-bit codes: each component `v` as `round(v / scale)` with
/// `scale = max |v| / 127`, so every code lies within -127..=127.
fn quantize(vector: &[f32], codes: &mut [i8]) -> f32 {
    let largest = vector.iter().fold(0.0f32, |m, v| m.max(v.abs()));
    if largest == 0.0 {
        codes.fill(0);
        return 0.0;
    }
    let scale = largest / 127.0;
    for (code, v) in codes.iter_mut().zip(vector) {
        // Within -127..=127 by the choice of scale; the cast saturates regardless.
        *code = (v / scale).round() as i8;
    }
    scale
}

/// The dot product of two rows of codes.
fn dot_codes(a: &[i8], b: &[i8]) -> i32 {
    let mut sums = [0i32; LANES];
    let (a_chunks, b_chunks) = (a.chunks_exact(LANES), b.chunks_exact(LANES));
    let tail: i32 = a_chunks
        .remainder()
        .iter()
        .zip(b_chunks.remainder())
        .map(|(x, y)| i32::from(*x) * i32::from(*y))
        .sum();
    for (x, y) in a_chunks.zip(b_chunks) {
        for lane in 0..LANES {
            sums[lane] += i32::from(x[lane]) * i32::from(y[lane]);
        }
    }
    sums.iter().sum::<i32>() + tail
}

/// The floating-point rounding the bound allows for: the f32 similarity the candidates are
/// ranked by and the bound's own arithmetic each differ from exact arithmetic by far less
/// (384 products of magnitude at most 1 in f32: below 1e-4 together).
const ROUNDING: f32 = 1e-4;

impl VectorRows {
    /// Stores `vector` as the row of `slot`, or marks the slot without one. A vector with
    /// a component that is not finite is not stored.
    pub(super) fn set(&mut self, slot: u32, vector: Option<&[f32]>) {
        let slot = slot as usize;
        let vector = vector.filter(|v| !v.is_empty() && v.iter().all(|x| x.is_finite()));
        if let Some(v) = vector
            && self.dimensions == 0
        {
            self.dimensions = v.len();
        }
        let vector = vector.filter(|v| v.len() == self.dimensions);
        if self.rows.len() <= slot {
            if vector.is_none() {
                return;
            }
            self.rows.resize(slot + 1, Row::default());
            self.codes.resize((slot + 1) * self.dimensions, 0);
        }
        self.rows[slot] = match vector {
            Some(v) => {
                let codes = &mut self.codes[slot * self.dimensions..(slot + 1) * self.dimensions];
                let scale = quantize(v, codes);
                let magnitude: f32 = codes.iter().map(|c| f32::from(c.unsigned_abs())).sum();
                Row {
                    scale,
                    spread: scale * magnitude,
                    present: true,
                }
            }
            None => Row::default(),
        };
    }

    /// Calls `compare(slot)` for each slot with a vector that may be at least `least`
    /// similar to `wanted`, in slot order: `compare` computes the similarity exactly and
    /// tells the rest. `least` is read for each row, so the caller raises it as its
    /// candidates fill up and the rest of the scan skips more.
    ///
    /// The bound: with a row `x = s·a + d` (`|d_i| <= s/2`) and the request
    /// `q = t·b + e` (`|e_i| <= t/2`), `x·q - s·t·(a·b) = d·q + s·(a·e)`, at most
    /// `s/2·|q|₁ + t/2·s·|a|₁` in magnitude; a row whose `s·t·(a·b)` plus that (plus
    /// [`ROUNDING`]) is below `least` cannot be.
    pub(super) fn scan(&self, wanted: &[f32], least: &Cell<f32>, mut compare: impl FnMut(u32)) {
        if self.dimensions == 0
            || wanted.len() != self.dimensions
            || !wanted.iter().all(|x| x.is_finite())
        {
            return;
        }
        let mut request = vec![0i8; self.dimensions];
        let request_scale = quantize(wanted, &mut request);
        let half_l1 = wanted.iter().map(|x| x.abs()).sum::<f32>() / 2.0;
        let half_scale = request_scale / 2.0;
        for (slot, (codes, row)) in self
            .codes
            .chunks_exact(self.dimensions)
            .zip(&self.rows)
            .enumerate()
        {
            if !row.present {
                continue;
            }
            let estimate = row.scale * request_scale * dot_codes(&request, codes) as f32;
            let bound = row.scale * half_l1 + half_scale * row.spread + ROUNDING;
            if estimate + bound >= least.get() {
                // Slots are u32 by construction (`Inner::add`).
                compare(slot as u32);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::embedding::dot;

    /// The slots `scan` asks to compare, each with its exact similarity, the ones at least
    /// `least` similar kept (as `Index::visit_similar` does).
    fn scanned(rows: &VectorRows, vectors: &[Vec<f32>], wanted: &[f32], least: f32) -> Vec<u32> {
        let mut seen = Vec::new();
        rows.scan(wanted, &Cell::new(least), |slot| {
            if dot(wanted, &vectors[slot as usize]) >= least {
                seen.push(slot);
            }
        });
        seen
    }

    #[test]
    fn rows_are_set_replaced_cleared_and_scanned_above_the_least() {
        let mut rows = VectorRows::default();
        let vectors = vec![vec![0.0, 1.0], vec![1.0, 0.0, 0.0], vec![1.0, 0.0]];
        rows.set(2, Some(&vectors[2]));
        rows.set(0, Some(&vectors[0]));
        // A vector of another length is not stored; nor is one that is not finite.
        rows.set(1, Some(&vectors[1]));
        rows.set(3, Some(&[f32::NAN, 1.0]));
        assert_eq!(scanned(&rows, &vectors, &[1.0, 0.0], -1.0), [0, 2]);
        assert_eq!(scanned(&rows, &vectors, &[1.0, 0.0], 0.5), [2]);
        rows.set(0, None);
        assert_eq!(scanned(&rows, &vectors, &[1.0, 0.0], -1.0), [2]);
        // A request of another length, or not finite, compares with nothing.
        assert!(scanned(&rows, &vectors, &[1.0, 0.0, 0.0], -1.0).is_empty());
        assert!(scanned(&rows, &vectors, &[f32::INFINITY, 0.0], -1.0).is_empty());
        // The least similarity is read row by row.
        rows.set(0, Some(&vectors[2]));
        let least = Cell::new(-1.0);
        let mut seen = Vec::new();
        rows.scan(&[1.0, 0.0], &least, |slot| {
            seen.push(slot);
            least.set(1.5);
        });
        assert_eq!(seen, [0]);
    }

    /// Unit vectors of `dimensions` components from a fixed pseudo-random sequence.
    fn unit_vectors(count: usize, dimensions: usize, seed: u64) -> Vec<Vec<f32>> {
        let mut state = seed;
        let mut next = move || {
            // xorshift64: deterministic, no dependency for a test's numbers.
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 40) as f32 / (1u64 << 24) as f32 - 0.5
        };
        (0..count)
            .map(|_| {
                let v: Vec<f32> = (0..dimensions).map(|_| next()).collect();
                let norm = dot(&v, &v).sqrt();
                v.iter().map(|x| x / norm).collect()
            })
            .collect()
    }

    #[test]
    fn the_scan_skips_no_row_at_least_as_similar_as_the_least() {
        // The bound is what makes the 8-bit scan give the f32 ranking: every row whose
        // exact similarity reaches `least` must be compared, for any least.
        let vectors = unit_vectors(2_000, 384, 7);
        let mut rows = VectorRows::default();
        for (slot, v) in vectors.iter().enumerate() {
            rows.set(slot as u32, Some(v));
        }
        for wanted in unit_vectors(20, 384, 11).iter().chain(&vectors[..5]) {
            let exact: Vec<f32> = vectors.iter().map(|v| dot(wanted, v)).collect();
            let all_above = |least: f32| -> Vec<u32> {
                (0..vectors.len() as u32)
                    .filter(|s| exact[*s as usize] >= least)
                    .collect()
            };
            let mut sorted = exact.clone();
            sorted.sort_by(|a, b| b.total_cmp(a));
            // The least at the 1st, 10th and 50th most similar, as the dense signal's
            // candidates fill up, and below every row.
            for least in [sorted[0], sorted[9], sorted[49], -1.0] {
                let mut compared = 0;
                let mut found = Vec::new();
                rows.scan(wanted, &Cell::new(least), |slot| {
                    compared += 1;
                    if dot(wanted, &vectors[slot as usize]) >= least {
                        found.push(slot);
                    }
                });
                assert_eq!(found, all_above(least), "least {least}");
                if least > 0.0 {
                    // And the bound is tight enough to skip nearly every other row (about
                    // 90 are compared at the 50th here; a bound four times as loose
                    // compares well over 150).
                    assert!(compared < 150, "{compared} rows compared at least {least}");
                }
            }
        }
    }
}
