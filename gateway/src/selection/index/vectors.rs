//! The tools' embeddings in the index: attached to tools indexed before they were
//! embedded ([`Index::attach_vectors`]), and kept side by side, one row per slot, for the
//! dense signal's scan ([`Index::visit_similar`]).
//!
//! Why the rows, a copy beside each `Doc`'s own vector: the scan compares the request
//! with every tool of the catalog, and in a running gateway the documents and their
//! vectors lie all over the heap (vectors are computed on the model's thread and attached
//! to rebuilt documents after indexing), so reaching each vector through its document (a
//! pointer to the document, one to its tool for the visibility check, one to the vector)
//! costs more than the arithmetic. The rows are one contiguous block read front to back,
//! and only the tools similar enough to matter are looked up. Measured with the bench's
//! `-- dense` at 10,000 tools: select p50 12.3 ms without the rows, 9.8 ms with them
//! (handler 11.6 and 9.0 ms). With documents allocated one after the other (a unit-test
//! index) the pointers were the faster of the two, 0.52 against 0.89 ms: the layout
//! decides.

use std::cell::Cell;
use std::collections::HashMap;
use std::sync::Arc;

use super::{Doc, Filters, Index, Vector};
use crate::embedding::dot;
use crate::tool::ToolInfo;

impl Index {
    /// Gives the tools of `server` (of `owner`, generation `generation`) their embeddings
    /// once they are computed: `vectors[i]` is that of `tools[i]`, attached only to a tool
    /// still indexed as that very definition (a server restarted since has new ones, and a
    /// job of its own). Returns how many tools got a vector.
    pub fn attach_vectors(
        &self,
        server: &str,
        owner: Option<&str>,
        generation: u64,
        tools: &[Arc<ToolInfo>],
        vectors: &[Option<Vector>],
    ) -> usize {
        // Each definition by its address: the index holds these very `Arc`s.
        let position: HashMap<*const ToolInfo, usize> = tools
            .iter()
            .enumerate()
            .map(|(i, t)| (Arc::as_ptr(t), i))
            .collect();
        let mut inner = self.write();
        let Some(entry) = inner.servers.get(owner, server) else {
            return 0;
        };
        if entry.generation != generation {
            return 0;
        }
        let slots = entry.slots.clone();
        let mut attached = 0;
        for slot in slots {
            let Some(Some(doc)) = inner.slots.get(slot as usize) else {
                continue;
            };
            let vector = position
                .get(&Arc::as_ptr(&doc.tool))
                .and_then(|i| vectors.get(*i).cloned().flatten());
            if let Some(vector) = vector {
                let with_vector = Doc {
                    tool: doc.tool.clone(),
                    vector: Some(vector.clone()),
                    owner: doc.owner.clone(),
                    fields: doc.fields.clone(),
                    description_len: doc.description_len,
                };
                inner.rows.set(slot, Some(&vector));
                inner.slots[slot as usize] = Some(Arc::new(with_vector));
                attached += 1;
            }
        }
        attached
    }

    /// Calls `visit` with every tool `tenant` may see that `filters` admit, that has a
    /// vector at least `least` similar to `wanted`, and that similarity, in slot order: the
    /// candidates of the dense signal, which compares the request with the whole catalog.
    /// `least` is read for each tool (the caller raises it as its candidates fill up), and
    /// only tools at least that similar are looked up. `visit` runs under the index's read
    /// lock and must not call back into the index.
    pub fn visit_similar(
        &self,
        tenant: &str,
        filters: &Filters,
        wanted: &[f32],
        least: &Cell<f32>,
        mut visit: impl FnMut(&Arc<Doc>, f32),
    ) {
        let inner = self.read();
        inner.rows.scan(wanted, least, |slot, similarity| {
            let Some(Some(doc)) = inner.slots.get(slot as usize) else {
                return;
            };
            if doc.visible_to(tenant) && filters.admits(&doc.tool) {
                visit(doc, similarity);
            }
        });
    }
}

/// Rows of `dimensions` floats, the row of slot `s` at `s * dimensions`.
#[derive(Default)]
pub(super) struct VectorRows {
    /// Set by the first vector stored; a vector of another length is not stored (its tool
    /// is found by words only, as a tool without a vector).
    dimensions: usize,
    values: Vec<f32>,
    /// Whether each slot's row holds a vector.
    present: Vec<bool>,
}

impl VectorRows {
    /// Stores `vector` as the row of `slot`, or marks the slot without one.
    pub(super) fn set(&mut self, slot: u32, vector: Option<&[f32]>) {
        let slot = slot as usize;
        let vector = vector.filter(|v| !v.is_empty());
        if let Some(v) = vector
            && self.dimensions == 0
        {
            self.dimensions = v.len();
        }
        let vector = vector.filter(|v| v.len() == self.dimensions);
        if self.present.len() <= slot {
            if vector.is_none() {
                return;
            }
            self.present.resize(slot + 1, false);
            self.values.resize((slot + 1) * self.dimensions, 0.0);
        }
        match vector {
            Some(v) => {
                let start = slot * self.dimensions;
                self.values[start..start + self.dimensions].copy_from_slice(v);
                self.present[slot] = true;
            }
            None => self.present[slot] = false,
        }
    }

    /// Calls `visit(slot, similarity)` for each slot with a vector whose similarity to
    /// `wanted` is at least `least`, in slot order. `least` is read for each row, so the
    /// caller raises it as its candidates fill up and the rest of the scan skips more.
    pub(super) fn scan(&self, wanted: &[f32], least: &Cell<f32>, mut visit: impl FnMut(u32, f32)) {
        if self.dimensions == 0 || wanted.len() != self.dimensions {
            return;
        }
        for (slot, (row, present)) in self
            .values
            .chunks_exact(self.dimensions)
            .zip(&self.present)
            .enumerate()
        {
            if !present {
                continue;
            }
            let similarity = dot(wanted, row);
            if similarity >= least.get() {
                // Slots are u32 by construction (`Inner::add`).
                visit(slot as u32, similarity);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scanned(rows: &VectorRows, wanted: &[f32], least: f32) -> Vec<(u32, f32)> {
        let mut seen = Vec::new();
        rows.scan(wanted, &Cell::new(least), |slot, s| seen.push((slot, s)));
        seen
    }

    #[test]
    fn rows_are_set_replaced_cleared_and_scanned_above_the_least() {
        let mut rows = VectorRows::default();
        rows.set(2, Some(&[1.0, 0.0]));
        rows.set(0, Some(&[0.0, 1.0]));
        // A vector of another length is not stored; a slot without one is skipped.
        rows.set(1, Some(&[1.0, 0.0, 0.0]));
        assert_eq!(scanned(&rows, &[1.0, 0.0], -1.0), [(0, 0.0), (2, 1.0)]);
        assert_eq!(scanned(&rows, &[1.0, 0.0], 0.5), [(2, 1.0)]);
        rows.set(2, Some(&[0.6, 0.8]));
        rows.set(0, None);
        assert_eq!(scanned(&rows, &[1.0, 0.0], -1.0), [(2, 0.6)]);
        // A request of another length compares with nothing.
        assert!(scanned(&rows, &[1.0, 0.0, 0.0], -1.0).is_empty());
        // The least similarity is read row by row.
        rows.set(0, Some(&[1.0, 0.0]));
        let least = Cell::new(-1.0);
        let mut seen = Vec::new();
        rows.scan(&[1.0, 0.0], &least, |slot, s| {
            seen.push(slot);
            least.set(s + 0.1);
        });
        assert_eq!(seen, [0]);
    }
}
