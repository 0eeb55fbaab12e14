//! Names in scopes: the shared scope (platform servers, and on the connectors-ts profile
//! every server) and one scope per tenant (its custom servers on the full profile). A
//! tenant sees its own scope first, then the shared one, and never another tenant's, so
//! two tenants may each deploy a server `notes` and neither learns of the other's.

use std::collections::{BTreeMap, HashMap};

/// Values by name, per scope (`None` is the shared scope, `Some(tenant)` a tenant's).
#[derive(Debug)]
pub(crate) struct Scoped<T> {
    shared: BTreeMap<String, T>,
    tenants: HashMap<String, BTreeMap<String, T>>,
}

impl<T> Default for Scoped<T> {
    fn default() -> Self {
        Scoped {
            shared: BTreeMap::new(),
            tenants: HashMap::new(),
        }
    }
}

impl<T> Scoped<T> {
    fn scope(&self, scope: Option<&str>) -> Option<&BTreeMap<String, T>> {
        match scope {
            None => Some(&self.shared),
            Some(tenant) => self.tenants.get(tenant),
        }
    }

    /// The value `name` in exactly `scope`.
    pub fn get(&self, scope: Option<&str>, name: &str) -> Option<&T> {
        self.scope(scope)?.get(name)
    }

    /// The value `name` as `tenant` sees it: its own, else the shared one.
    pub fn seen_by(&self, tenant: &str, name: &str) -> Option<&T> {
        self.get(Some(tenant), name)
            .or_else(|| self.shared.get(name))
    }

    /// Whether `name` is taken in `scope` or, for a tenant's scope, in the shared scope
    /// (whose names every tenant sees).
    pub fn taken(&self, scope: Option<&str>, name: &str) -> bool {
        match scope {
            None => {
                self.shared.contains_key(name)
                    || self.tenants.values().any(|own| own.contains_key(name))
            }
            Some(tenant) => self.seen_by(tenant, name).is_some(),
        }
    }

    /// Puts `value` under `name` in `scope`; gives back the value it replaced.
    pub fn insert(&mut self, scope: Option<&str>, name: String, value: T) -> Option<T> {
        match scope {
            None => self.shared.insert(name, value),
            Some(tenant) => self
                .tenants
                .entry(tenant.to_string())
                .or_default()
                .insert(name, value),
        }
    }

    /// Takes `name` out of `scope`.
    pub fn remove(&mut self, scope: Option<&str>, name: &str) -> Option<T> {
        match scope {
            None => self.shared.remove(name),
            Some(tenant) => {
                let own = self.tenants.get_mut(tenant)?;
                let value = own.remove(name);
                if own.is_empty() {
                    self.tenants.remove(tenant);
                }
                value
            }
        }
    }

    /// What `tenant` sees (its own scope and the shared one), ordered by name.
    pub fn visible_to(&self, tenant: &str) -> Vec<&T> {
        let mut seen: Vec<(&String, &T)> = self.shared.iter().collect();
        if let Some(own) = self.tenants.get(tenant) {
            seen.extend(own.iter());
            seen.sort_by(|a, b| a.0.cmp(b.0));
        }
        seen.into_iter().map(|(_, v)| v).collect()
    }

    /// Every value of every scope.
    pub fn values(&self) -> impl Iterator<Item = &T> {
        self.shared
            .values()
            .chain(self.tenants.values().flat_map(|own| own.values()))
    }
}

#[cfg(test)]
mod tests {
    use super::Scoped;

    #[test]
    fn tenants_see_their_own_scope_then_the_shared_one() {
        let mut names: Scoped<&str> = Scoped::default();
        assert!(names.insert(None, "docs".into(), "platform").is_none());
        assert!(names.insert(Some("a"), "notes".into(), "a's").is_none());
        assert!(names.insert(Some("b"), "notes".into(), "b's").is_none());
        assert_eq!(names.seen_by("a", "notes"), Some(&"a's"));
        assert_eq!(names.seen_by("b", "notes"), Some(&"b's"));
        assert_eq!(names.seen_by("c", "notes"), None);
        assert_eq!(names.seen_by("c", "docs"), Some(&"platform"));
        // A shared name is taken for every tenant; a tenant's name only for it, and for
        // the shared scope (a platform server may not shadow a tenant's).
        assert!(names.taken(Some("c"), "docs"));
        assert!(names.taken(Some("a"), "notes"));
        assert!(!names.taken(Some("c"), "notes"));
        assert!(names.taken(None, "notes"));
        assert_eq!(names.visible_to("a"), vec![&"platform", &"a's"]);
        assert_eq!(names.values().count(), 3);
        assert_eq!(names.remove(Some("a"), "notes"), Some("a's"));
        assert_eq!(names.remove(Some("a"), "notes"), None);
        assert_eq!(names.seen_by("b", "notes"), Some(&"b's"));
        assert_eq!(names.visible_to("a"), vec![&"platform"]);
    }
}
