//! Enumerations of the wire format that stay open to values added later.
//!
//! A gateway that adds a deployment status or an identity type must not break clients,
//! so each of these decodes an unknown string into `Unknown(value)` instead of failing,
//! and encodes it back unchanged.

use std::convert::Infallible;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

macro_rules! open_enum {
    (
        $(#[$meta:meta])*
        $name:ident { $( $(#[$vmeta:meta])* $variant:ident = $wire:literal ),+ $(,)? }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
            /// A value this version of the SDK does not know, kept as sent.
            Unknown(String),
        }

        impl $name {
            /// Every value this version of the SDK knows.
            pub const KNOWN: &'static [$name] = &[$($name::$variant),+];

            /// The value as it is on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $( $name::$variant => $wire, )+
                    $name::Unknown(other) => other,
                }
            }

            /// Whether the value is one this version of the SDK knows.
            pub fn is_known(&self) -> bool {
                !matches!(self, $name::Unknown(_))
            }
        }

        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                match value {
                    $( $wire => $name::$variant, )+
                    other => $name::Unknown(other.to_string()),
                }
            }
        }

        impl FromStr for $name {
            type Err = Infallible;

            fn from_str(value: &str) -> Result<Self, Infallible> {
                Ok($name::from(value))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                // `pad`, so width and alignment (`{:<10}`) work in tables.
                f.pad(self.as_str())
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = std::borrow::Cow::<'de, str>::deserialize(deserializer)?;
                Ok($name::from(value.as_ref()))
            }
        }
    };
}

open_enum! {
    /// Lifecycle of a deployment of a custom MCP server.
    DeploymentStatus {
        /// Accepted, not started.
        Pending = "pending",
        /// Cloning the source repository.
        Cloning = "cloning",
        /// Building the server.
        Building = "building",
        /// Starting the server and discovering its tools.
        Deploying = "deploying",
        /// Serving tools (the real gateway's word for done).
        Running = "running",
        /// Serving tools (the seed SDKs' word for done).
        Ready = "ready",
        /// Gave up; the deployment's `error` and logs say why.
        Failed = "failed",
        /// Removed after it ran.
        Stopped = "stopped",
    }
}

impl DeploymentStatus {
    /// The server is up and its tools can be called (`running` or `ready`).
    pub fn is_ready(&self) -> bool {
        matches!(self, DeploymentStatus::Running | DeploymentStatus::Ready)
    }

    /// The deployment will not change any more by itself.
    pub fn is_terminal(&self) -> bool {
        matches!(
            self,
            DeploymentStatus::Running
                | DeploymentStatus::Ready
                | DeploymentStatus::Failed
                | DeploymentStatus::Stopped
        )
    }
}

open_enum! {
    /// State of one step of a deployment (clone, build, deploy, discovery, embeddings).
    StepStatus {
        /// Not started.
        Pending = "pending",
        /// Under way.
        InProgress = "in_progress",
        /// Done.
        Completed = "completed",
        /// Failed.
        Failed = "failed",
        /// Not needed for this source type.
        Skipped = "skipped",
    }
}

open_enum! {
    /// Who provides an MCP server.
    ServerType {
        /// Comes with the gateway.
        Platform = "platform",
        /// Deployed by a tenant.
        Custom = "custom",
    }
}

open_enum! {
    /// State of an MCP server.
    ServerStatus {
        /// Connecting or discovering tools.
        Starting = "starting",
        /// Serving tools.
        Running = "running",
        /// Up, but failing health checks.
        Unhealthy = "unhealthy",
        /// Crashed or could not start.
        Failed = "failed",
        /// Stopped on purpose.
        Stopped = "stopped",
    }
}

open_enum! {
    /// Health of a component.
    HealthState {
        /// Working.
        Healthy = "healthy",
        /// Working with reduced capacity.
        Degraded = "degraded",
        /// Not working.
        Unhealthy = "unhealthy",
    }
}

open_enum! {
    /// How two tools relate in the gateway's relation graph.
    RelationType {
        /// Commonly invoked in the same workflow.
        OftenUsedWith = "OFTEN_USED_WITH",
        /// Needs the other tool's output.
        DependsOn = "DEPENDS_ON",
        /// Does the same job another way.
        AlternativeTo = "ALTERNATIVE_TO",
        /// Usually runs before the other tool.
        Precedes = "PRECEDES",
    }
}

open_enum! {
    /// Kind of identity.
    IdentityType {
        /// A person.
        User = "USER",
        /// An automated agent.
        Agent = "AGENT",
        /// A group of identities.
        Group = "GROUP",
        /// An organization of identities.
        Organization = "ORGANIZATION",
    }
}

open_enum! {
    /// Where a deployment log line came from.
    LogStream {
        /// The server process's standard output.
        Stdout = "stdout",
        /// The server process's standard error.
        Stderr = "stderr",
        /// The gateway's own account of the deployment.
        System = "system",
    }
}
