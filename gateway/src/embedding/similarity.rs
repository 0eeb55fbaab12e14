//! Comparing embeddings.

/// The cosine similarity of two vectors: 1 for the same direction, 0 for orthogonal ones
/// (and for a zero vector, which has no direction), -1 for opposite ones. Vectors of
/// different lengths are compared over their common prefix; the embedder's vectors all
/// have [`Embedder::dimensions`](super::Embedder::dimensions) components.
///
/// The embedder's vectors have unit norm, so this is their dot product; the division
/// keeps the helper right for any vector (a mean of embeddings, say).
pub fn cosine(a: &[f32], b: &[f32]) -> f32 {
    let (mut dot, mut norm_a, mut norm_b) = (0.0f32, 0.0f32, 0.0f32);
    for (x, y) in a.iter().zip(b) {
        dot += x * y;
        norm_a += x * x;
        norm_b += y * y;
    }
    let norms = norm_a.sqrt() * norm_b.sqrt();
    if norms > 0.0 { dot / norms } else { 0.0 }
}

/// The dot product of two vectors over their common prefix: the cosine similarity of two
/// of the embedder's unit vectors, without the two norms [`cosine`] computes.
pub fn dot(a: &[f32], b: &[f32]) -> f32 {
    // Eight running sums, not one: a single float sum is a chain the compiler may not
    // reorder, one multiply-add after the other; eight independent lanes become SIMD
    // (ranking 10,000 tools by meaning is 10,000 of these per request).
    const LANES: usize = 8;
    let n = a.len().min(b.len());
    let (a, b) = (&a[..n], &b[..n]);
    let mut sums = [0.0f32; LANES];
    let (a_chunks, b_chunks) = (a.chunks_exact(LANES), b.chunks_exact(LANES));
    let tail: f32 = a_chunks
        .remainder()
        .iter()
        .zip(b_chunks.remainder())
        .map(|(x, y)| x * y)
        .sum();
    for (x, y) in a_chunks.zip(b_chunks) {
        for lane in 0..LANES {
            sums[lane] += x[lane] * y[lane];
        }
    }
    sums.iter().sum::<f32>() + tail
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cosine_of_known_vectors() {
        assert!((cosine(&[1.0, 0.0], &[2.0, 0.0]) - 1.0).abs() < 1e-6);
        assert!(cosine(&[1.0, 0.0], &[0.0, 3.0]).abs() < 1e-6);
        assert!((cosine(&[1.0, 1.0], &[-1.0, -1.0]) + 1.0).abs() < 1e-6);
        assert_eq!(cosine(&[0.0, 0.0], &[1.0, 0.0]), 0.0);
        assert!((dot(&[0.6, 0.8], &[0.6, 0.8]) - 1.0).abs() < 1e-6);
        // Lengths around the eight lanes, and unequal lengths (the common prefix).
        for n in [0usize, 1, 7, 8, 9, 16, 383, 384] {
            let a: Vec<f32> = (0..n).map(|i| (i as f32 * 0.37).sin()).collect();
            let b: Vec<f32> = (0..n + 3).map(|i| (i as f32 * 0.11).cos()).collect();
            let plain: f32 = a.iter().zip(&b).map(|(x, y)| x * y).sum();
            assert!((dot(&a, &b) - plain).abs() < 1e-4, "{n}");
        }
    }
}
