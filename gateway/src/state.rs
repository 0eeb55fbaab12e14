//! The shared state of a running gateway.

use std::ops::Deref;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use axum::extract::FromRef;

use crate::auth::Keys;
use crate::config::Config;
use crate::deployments::{Deployer, Deployments};
use crate::events::EventBus;
use crate::idempotency::{IdempotencyState, IdempotencyStore};
use crate::identities::Identities;
use crate::meaning::Meaning;
use crate::metrics::Metrics;
use crate::oauth::OAuthStore;
use crate::rate_limit::RateLimiter;
use crate::registry::Registry;
use crate::selection::RelationGraph;
use crate::store::Shared;

/// Everything the handlers share (cheap to clone).
#[derive(Clone)]
pub(crate) struct AppState(Arc<Inner>);

pub(crate) struct Inner {
    pub config: Arc<Config>,
    pub keys: Arc<Keys>,
    pub rate_limiter: Arc<RateLimiter>,
    pub idempotency: Arc<IdempotencyStore>,
    /// Where state replicas share lives (memory, or the Redis of `--store`).
    pub shared: Shared,
    pub registry: Arc<Registry>,
    pub deployments: Arc<Deployments>,
    pub events: EventBus,
    pub relations: RelationGraph,
    pub identities: Identities,
    pub oauth: OAuthStore,
    pub metrics: Arc<Metrics>,
    pub started: Instant,
    pub ready: AtomicBool,
}

impl Deref for AppState {
    type Target = Inner;

    fn deref(&self) -> &Inner {
        &self.0
    }
}

impl AppState {
    /// The state of a gateway configured by `config`; refused when its store cannot be
    /// used (a Redis URL the client refuses, or a build without the Redis store).
    #[cfg(test)]
    pub fn new(config: Config) -> Result<AppState, crate::store::Unavailable> {
        let shared = Shared::open(&config.store)?;
        Ok(AppState::with(config, shared, None))
    }

    /// The state of a gateway configured by `config`, its store `shared` opened and its
    /// sentence model (if any) loaded.
    pub fn with(config: Config, shared: Shared, meaning: Option<Arc<Meaning>>) -> AppState {
        let config = Arc::new(config);
        let events = EventBus::new();
        let deployments = Arc::new(Deployments::new(events.clone(), shared.clone()));
        let idempotency = IdempotencyStore::new(
            &shared,
            Duration::from_secs(config.idempotency_window_seconds),
            config.call_timeout(),
        );
        AppState(Arc::new(Inner {
            keys: Arc::new(Keys::from_config(&config)),
            rate_limiter: Arc::new(RateLimiter::new(config.rate_limits.clone(), &shared)),
            idempotency: Arc::new(idempotency),
            shared: shared.clone(),
            registry: Registry::new(config.clone(), events.clone(), meaning),
            deployments,
            relations: RelationGraph::new(&config.relations),
            identities: Identities::new(&shared),
            oauth: OAuthStore::new(
                &shared,
                config
                    .connectors_ts
                    .oauth_credentials
                    .iter()
                    .map(|c| (c.tenant_id.clone(), c.integration.clone())),
            ),
            metrics: Arc::default(),
            started: Instant::now(),
            ready: AtomicBool::new(false),
            events,
            config,
        }))
    }

    pub fn deployer(&self) -> Deployer {
        Deployer {
            registry: self.registry.clone(),
            config: self.config.clone(),
            shared: self.shared.clone(),
        }
    }
}

// The sub-states of the middlewares: each takes only its own part of the state, so that
// the state depends on them and none of them on the state.

impl FromRef<AppState> for Arc<Keys> {
    fn from_ref(state: &AppState) -> Self {
        state.keys.clone()
    }
}

impl FromRef<AppState> for Arc<RateLimiter> {
    fn from_ref(state: &AppState) -> Self {
        state.rate_limiter.clone()
    }
}

impl FromRef<AppState> for Arc<Metrics> {
    fn from_ref(state: &AppState) -> Self {
        state.metrics.clone()
    }
}

impl FromRef<AppState> for IdempotencyState {
    fn from_ref(state: &AppState) -> Self {
        IdempotencyState {
            store: state.idempotency.clone(),
            honours_keys: state.config.profile.honours_idempotency_keys(),
            call_timeout: state.config.call_timeout(),
        }
    }
}
