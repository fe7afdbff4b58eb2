//! The connection to Redis, and whether it is taken for up.

use std::fmt;
use std::sync::RwLock;
use std::sync::atomic::{AtomicBool, Ordering};

use redis::aio::MultiplexedConnection;

use super::{BACKGROUND_TIMEOUT, CONNECT_TIMEOUT};

/// The connection to Redis and whether it is taken for up.
pub(super) struct Link {
    pub(super) client: redis::Client,
    /// The URL without its password.
    pub(super) url: String,
    pub(super) namespace: String,
    pub(super) connection: RwLock<Option<MultiplexedConnection>>,
    pub(super) up: AtomicBool,
}

impl Link {
    pub(super) fn is_up(&self) -> bool {
        self.up.load(Ordering::Acquire)
    }

    /// The connection, when Redis is taken for up.
    pub(super) fn connection(&self) -> Option<MultiplexedConnection> {
        if !self.is_up() {
            return None;
        }
        self.connection.read().ok()?.clone()
    }

    /// Opens a new connection and checks that Redis answers; marks it up if so.
    pub(super) async fn reconnect(&self) -> Result<(), String> {
        let config = redis::AsyncConnectionConfig::new()
            .set_connection_timeout(Some(CONNECT_TIMEOUT))
            .set_response_timeout(Some(BACKGROUND_TIMEOUT));
        let attempt = async {
            let mut connection = self
                .client
                .get_multiplexed_async_connection_with_config(&config)
                .await?;
            redis::cmd("PING")
                .query_async::<()>(&mut connection)
                .await?;
            Ok::<_, redis::RedisError>(connection)
        };
        let connection = match tokio::time::timeout(CONNECT_TIMEOUT, attempt).await {
            Ok(Ok(connection)) => connection,
            Ok(Err(error)) => return Err(error.to_string()),
            Err(_) => return Err(format!("no answer within {CONNECT_TIMEOUT:?}")),
        };
        if let Ok(mut slot) = self.connection.write() {
            *slot = Some(connection);
        }
        if !self.up.swap(true, Ordering::AcqRel) {
            tracing::info!(
                namespace = %self.namespace,
                redis = %self.url,
                "Redis answers: Tray's limits are shared again"
            );
        }
        Ok(())
    }

    /// Takes Redis for down after `error`: logs once per outage.
    pub(super) fn went_down(&self, error: &dyn fmt::Display) {
        if self.up.swap(false, Ordering::AcqRel) {
            tracing::warn!(
                namespace = %self.namespace,
                redis = %self.url,
                error = %error,
                "Redis is unreachable or slow: Tray's limits are kept in this process only \
                 until it answers again"
            );
        }
    }
}
