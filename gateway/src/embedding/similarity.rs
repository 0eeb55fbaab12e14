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
    a.iter().zip(b).map(|(x, y)| x * y).sum()
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
    }
}
