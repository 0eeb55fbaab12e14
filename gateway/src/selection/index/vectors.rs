//! The tools' embeddings in the index: attached to tools indexed before they were
//! embedded ([`Index::attach_vectors`]), and compared with a request's
//! ([`Index::visit_similar`]).
//!
//! Why the scan reads the rows (`rows.rs`), a compact copy beside each `Doc`'s own vector,
//! before any document: the scan compares the request with every tool of the catalog, and
//! in a running gateway the documents and their vectors lie all over the heap (vectors are
//! computed on the model's thread and attached to rebuilt documents after indexing), so
//! reaching each vector through its document (a pointer to the document, one to its tool
//! for the visibility check, one to the vector) costs more than the arithmetic. The rows
//! are one contiguous block read front to back, and only the tools similar enough to
//! matter are looked up. Measured with the bench's `-- dense` at 10,000 tools: select p50
//! 12.3 ms without the rows, 9.8 ms with them in f32 (handler 11.6 and 9.0 ms). With
//! documents allocated one after the other (a unit-test index) the pointers were the
//! faster of the two, 0.52 against 0.89 ms: the layout decides.

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
        inner.rows.scan(wanted, least, |slot| {
            let Some(Some(doc)) = inner.slots.get(slot as usize) else {
                return;
            };
            // The similarity the ranking uses is always the f32 one: the rows only tell
            // which tools may reach `least`.
            let Some(vector) = &doc.vector else {
                return;
            };
            let similarity = dot(wanted, vector);
            if similarity >= least.get() && doc.visible_to(tenant) && filters.admits(&doc.tool) {
                visit(doc, similarity);
            }
        });
    }
}
